"""Tamper fuzzing (``make fuzz``): mutate session packages and result bundles, count what is accepted.

Every mutant must be refused (accepted = 0) and every refusal must be a clean ``SealError`` or
``ServiceError``; any other exception is a crash and is reported. Mutations: bit flips at random
offsets, truncation, appended bytes, swapped or removed members, a member taken from another genuine file,
a member re-signed with a foreign key, and an older bundle of the same session replayed at import
(``import_conflict``).

Checks are the real readers, cheapest first: a package goes through ``verify_package_signature`` and is
opened with the real secrets only if that passes; a bundle through ``open_bundle`` and then the office's
complete ``verify_bundle`` only if the seal opens.

    .venv/bin/python -m tools.fuzz [-n 10000] [--seed 1]      (builds a demo package and bundles first)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Target:
    """One genuine file and how to check a mutant of it. ``check`` returns True when the mutant is accepted."""

    name: str
    data: bytes
    check: Callable[[bytes], bool]
    resign: Callable[[dict[str, bytes]], dict[str, bytes]]
    donor: bytes  # another genuine file of the same kind, for member splicing


@dataclass
class Stats:
    mutations: int = 0
    accepted: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


# -- mutations -----------------------------------------------------------------------------------------------
def _members(data: bytes) -> list[tuple[str, bytes]]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def mutate(target: Target, rng: random.Random, members: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """Return (kind, mutant bytes), never equal to the original."""
    from zc_review.seal._container import write_zip

    data = target.data
    while True:
        kind = rng.choice(["bitflip", "bitflip", "bitflip", "bytes", "truncate", "append", "prepend",
                           "swap_order", "swap_bodies", "remove", "duplicate", "splice", "resign_foreign"])
        if kind == "bitflip":
            out = bytearray(data)
            for _ in range(rng.choice([1, 1, 1, 2, 8])):
                out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
            mutant = bytes(out)
        elif kind == "bytes":  # overwrite a short run with random bytes
            at = rng.randrange(len(data))
            mutant = data[:at] + rng.randbytes(rng.randint(1, 16)) + data[at + rng.randint(1, 16):]
        elif kind == "truncate":
            mutant = data[: rng.randrange(len(data))]
        elif kind == "append":
            mutant = data + rng.randbytes(rng.choice([1, 22, 512]))
        elif kind == "prepend":
            mutant = rng.randbytes(rng.choice([1, 4, 64])) + data
        elif kind == "swap_order":
            ms = list(members)
            i, j = rng.sample(range(len(ms)), 2)
            ms[i], ms[j] = ms[j], ms[i]
            mutant = write_zip(ms)
        elif kind == "swap_bodies":
            ms = list(members)
            i, j = rng.sample(range(len(ms)), 2)
            ms[i], ms[j] = (ms[i][0], ms[j][1]), (ms[j][0], ms[i][1])
            mutant = write_zip(ms)
        elif kind == "remove":
            ms = list(members)
            del ms[rng.randrange(len(ms))]
            mutant = write_zip(ms)
        elif kind == "duplicate":
            ms = list(members)
            ms.insert(rng.randrange(len(ms) + 1), ms[rng.randrange(len(ms))])
            mutant = write_zip(ms)
        elif kind == "splice":  # one member from another genuine file of the same kind
            donor = dict(_members(target.donor))
            ms = list(members)
            i = rng.randrange(len(ms))
            ms[i] = (ms[i][0], donor.get(ms[i][0], b""))
            mutant = write_zip(ms)
        else:  # resign_foreign: a consistent file, signed by a key outside the office's trust
            mutant = write_zip(list(target.resign(dict(members)).items()))
        if mutant != data:
            return kind, mutant


def run(targets: list[Target], n: int, seed: int, replay: Callable[[], bool] | None = None,
        replays: int = 1) -> Stats:
    """Apply ``n`` mutations spread over ``targets`` (plus ``replays`` replayed bundles) and check each."""
    import warnings

    from zc_review.seal.errors import SealError
    from zc_review.service.errors import ServiceError

    warnings.filterwarnings("ignore", "Duplicate name", UserWarning)  # the "duplicate" mutation means it
    rng = random.Random(seed)
    stats = Stats()
    parsed = {t.name: _members(t.data) for t in targets}
    start = time.perf_counter()
    jobs: list[tuple[str, Callable[[], bool]]] = []
    for i in range(n):
        t = targets[i % len(targets)]
        kind, mutant = mutate(t, rng, parsed[t.name])
        jobs.append((f"{t.name}:{kind}", lambda t=t, m=mutant: t.check(m)))
    if replay is not None:
        jobs += [("bundle:replay_older", replay)] * replays
    for label, job in jobs:
        stats.mutations += 1
        stats.kinds[label] += 1
        try:
            if job():
                stats.accepted.append(label)
            else:
                stats.refusals["report"] += 1
        except ServiceError as exc:
            stats.refusals[f"ServiceError:{exc.code}"] += 1
        except SealError as exc:
            stats.refusals[type(exc).__name__] += 1
        except Exception:  # noqa: BLE001 - exactly what the fuzzer is looking for
            stats.crashes.append(f"{label}: {traceback.format_exc(limit=3)}")
    stats.seconds = time.perf_counter() - start
    return stats


# -- targets -------------------------------------------------------------------------------------------------
def _foreign_office() -> Any:
    from zc_review.seal.pki import generate_office_keys

    return generate_office_keys("外来机构", datetime.now(UTC))


def package_target(package: bytes, donor: bytes, keys_dir: Path, chair: str, supervisor: str) -> Target:
    """A session package checked as the room does: office signature first, then both opening secrets."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from zc_review.seal.package import open_package, signed_digest_input, verify_package_signature
    from zc_review.seal.pki import load_office_keys

    roots = [load_office_keys(keys_dir).root_cert]
    foreign = _foreign_office()

    def check(data: bytes) -> bool:
        verify_package_signature(data, roots)
        open_package(data, roots, chair, supervisor)  # only reached if the signature passed
        return True

    def resign(ms: dict[str, bytes]) -> dict[str, bytes]:
        ms["signature.der"] = foreign.root_key.sign(signed_digest_input(list(ms.items())), ec.ECDSA(hashes.SHA256()))
        return ms

    return Target("package", package, check, resign, donor)


def bundle_target(bundle: bytes, donor: bytes, keys_dir: Path, work: Path) -> Target:
    """A result bundle checked as the office does: the seal, then (only if it opens) the complete verify."""
    import json

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from zc_review.seal.bundle import open_bundle
    from zc_review.seal.pki import issue_certificate, load_office_keys
    from zc_review.service.office import verify_bundle

    keys = load_office_keys(keys_dir)
    foreign = _foreign_office()
    fkey, fcert = issue_certificate(foreign, "会话设备 外来", "device", "device", datetime.now(UTC))
    path = work / "mutant.zcb"

    def check(data: bytes) -> bool:
        open_bundle(data, [keys.root_cert], keys.age_identity)
        path.write_bytes(data)
        return verify_bundle(path, keys_dir).ok

    def resign(ms: dict[str, bytes]) -> dict[str, bytes]:
        manifest = json.loads(ms["manifest.json"])
        manifest["signer_chain_pem"] = [fcert.public_bytes(serialization.Encoding.PEM).decode()]
        ms["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
        ms["signature.der"] = fkey.sign(ms["manifest.json"], ec.ECDSA(hashes.SHA256()))
        return ms

    return Target("bundle", bundle, check, resign, donor)


def replay_check(older: Path, newer: Path, keys_dir: Path, work: Path) -> Callable[[], bool]:
    """Import the newer bundle into a fresh archive, then the older one of the same session: True if accepted."""
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import import_bundle

    count = [0]

    def replay() -> bool:
        count[0] += 1
        url = f"sqlite:///{work / f'archive-{count[0]}.db'}"
        if not import_bundle(newer, keys_dir, url, allow_rehearsal=True).created:
            raise RuntimeError("the genuine newer bundle was not imported")
        try:
            import_bundle(older, keys_dir, url, allow_rehearsal=True)
        except ServiceError as exc:
            if exc.code != "import_conflict":  # only the replay refusal counts here
                raise RuntimeError(f"older bundle refused for another reason: {exc.code}") from exc
            raise
        return True

    return replay


def make_demo_files(work: Path) -> dict[str, Any]:
    """Keys, the demo package (cheap KDF), a second package, and two bundles of the same session."""
    from zc_review.service.office import keygen, pack
    from zc_review.service.payload import parse_payload
    from zc_review.service.script import ScriptRunner, Secrets
    from zc_review.storage.engine import make_engine

    keys = work / "keys"
    keygen(keys, "青川市人力资源和社会保障局")
    pkgs = {}
    for name in ("b", "a"):  # the donor first: a later official pack supersedes it in the office's register
        res = pack(ROOT / "data/demo", work / f"{name}.zcp", keys, secrets_out=work / f"{name}.json", fast_kdf=True)
        pkgs[name] = (work / f"{name}.zcp", res.package_id)
    secrets = Secrets.load(work / "a.json")
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service import RoomService

    payload = parse_payload(office_recover_package(pkgs["a"][0].read_bytes(), load_office_keys(keys)))
    import json

    script = json.loads((ROOT / "data/demo/script.json").read_text("utf-8"))
    bundles = []
    for name in ("older", "newer"):  # two rooms (one export each: a second export re-writes the same bytes)
        room = RoomService.build(payload=payload, package_id=pkgs["a"][1], package_sha256="0" * 64,
                                 engine=make_engine(None), workdir=None)
        runner = ScriptRunner(room, secrets, work / name)
        runner.run(script["actions"])
        assert runner.exported, "the demo script exports"
        bundles.append(runner.exported[0])
    return {"keys": keys, "package": pkgs["a"][0], "donor_package": pkgs["b"][0], "secrets": secrets,
            "older": bundles[0], "newer": bundles[1], "payload": payload, "package_id": pkgs["a"][1]}


def fuzz(files: dict[str, Any], n: int, seed: int, work: Path, replays: int = 1) -> Stats:
    targets = [
        package_target(files["package"].read_bytes(), files["donor_package"].read_bytes(), files["keys"],
                       files["secrets"].chair_opening, files["secrets"].supervisor_opening),
        bundle_target(files["newer"].read_bytes(), files["older"].read_bytes(), files["keys"], work),
    ]
    return run(targets, n, seed, replay_check(files["older"], files["newer"], files["keys"], work), replays)


def report(stats: Stats) -> str:
    lines = [f"fuzz: {stats.mutations} mutations, {len(stats.accepted)} accepted, {len(stats.crashes)} crashes "
             f"(unclean errors), {stats.seconds:.1f} s ({stats.mutations / max(stats.seconds, 1e-9):.0f}/s)",
             "  refusals: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.refusals.items())),
             "  kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.kinds.items()))]
    lines += [f"  ACCEPTED {a}" for a in stats.accepted[:20]]
    lines += [f"  CRASH {c}" for c in stats.crashes[:5]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="fuzz", description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=10_000, help="mutations (default 10000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--replays", type=int, default=3, help="older bundles replayed at import")
    p.add_argument("--semantic", type=int, default=1000,
                   help="semantic mutants re-sealed with the session's own device key (reported apart)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zc-fuzz-") as tmp:
        work = Path(tmp)
        import os

        os.environ["ZC_REVIEW_HOME"] = str(work / "home")
        t0 = time.perf_counter()
        files = make_demo_files(work)
        print(f"fuzz: demo package and two bundles made in {time.perf_counter() - t0:.1f} s", flush=True)
        stats = fuzz(files, args.n, args.seed, work, args.replays)
        print(report(stats), flush=True)
        from tools.fuzz_semantic import semantic_fuzz, semantic_report

        sem = semantic_fuzz(files["newer"], files["older"], files["keys"], files["payload"], files["package_id"],
                            work, args.semantic, args.seed)
        print(semantic_report(sem))
    return 0 if (not stats.accepted and not stats.crashes and stats.mutations >= args.n
                 and not sem.accepted and not sem.crashes) else 1


if __name__ == "__main__":
    sys.exit(main())
