"""Semantic tamper fuzzing: edit what a bundle *says* and re-seal it with the session's real device key.

The attacker here holds the chair's and the supervisor's opening secrets, so the package's device key and
certificate: every mutant is a correctly sealed, correctly signed bundle whose plaintext members were changed
(a leaf of results.json edited or dropped, a list item dropped or duplicated, a log entry edited or dropped,
members swapped or removed, the minutes of another export). Only the office's checks (recomputation, person
signatures, the log chain, the minutes' signatures and digest) stand in the way. Each mutant's class is the
part of the record it touched (``results:sheets``, ``results:rounds``, ``log`` …) so the report says which
parts an insider with the device key could change unnoticed.

    .venv/bin/python -m tools.fuzz --semantic 2000
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class SemanticStats:
    """Mutants tried and accepted per class (accepted = the office verified the altered bundle)."""

    tried: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _leaves(v, (*path, k))] or [(path, value)]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in _leaves(v, (*path, i))] or [(path, value)]
    return [(path, value)]


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    out: list[tuple[tuple[Any, ...], Any]] = []
    if isinstance(value, dict | list):
        out.append((path, value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            out += _containers(v, (*path, k))
    return out


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        root = root[p]
    return root


def _changed(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([-1, 1])
    if isinstance(value, str):
        if value and value[-1].isdigit():
            return value[:-1] + str((int(value[-1]) + 1) % 10)
        return value + rng.choice(["。", "x", " "])
    if value is None:
        return "0"
    return value


def _klass(member: str, path: tuple[Any, ...]) -> str:
    head = next((str(p) for p in path if isinstance(p, str)), "")
    return f"{member}:{head}" if head else member


LAST: list[str] = [""]  # what the last mutation changed (path and kind), for the report's examples


def mutate_record(rec: dict[str, Any], rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One semantic change to the raw record: (class, mutated copy)."""
    out = copy.deepcopy(rec)
    kind = rng.choice(["edit", "edit", "edit", "drop_key", "drop_item", "dup_item"])
    if kind == "edit":
        path, value = rng.choice(_leaves(out))
        if not path:
            return "results:", out
        _get(out, path[:-1])[path[-1]] = _changed(value, rng)
        LAST[0] = f"edit {'/'.join(map(str, path))}"
        return _klass("results", path), out
    containers = [(p, c) for p, c in _containers(out) if c and (isinstance(c, dict) == (kind == "drop_key"))]
    if not containers:
        return "results:", out
    path, c = rng.choice(containers)
    LAST[0] = f"{kind} {'/'.join(map(str, path))}"
    if kind == "drop_key":
        del c[rng.choice(list(c))]
    elif kind == "drop_item":
        del c[rng.randrange(len(c))]
    else:
        c.insert(rng.randrange(len(c) + 1), copy.deepcopy(c[rng.randrange(len(c))]))
    return _klass("results", path), out


def _same_definition(a: Any, b: Any) -> bool:
    """True when two session definitions normalise to the same one (a key dropped that held its default)."""
    from zc_review.domain.codec import CodecError, definition_from_dict, definition_to_dict

    try:
        return bool(definition_to_dict(definition_from_dict(a)) == definition_to_dict(definition_from_dict(b)))
    except (CodecError, KeyError, TypeError, ValueError):
        return False


def _digest(results_json: bytes) -> str:
    """The minutes digest a results.json's record calls for (domain/digest.py)."""
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.digest import minutes_digest

    rec = json.loads(results_json)
    return minutes_digest(definition_from_dict(rec["session"]), rec)


def semantic_fuzz(bundle: Path, donor: Path, keys_dir: Path, payload: Any, package_id: str, work: Path,
                  n: int, seed: int) -> SemanticStats:
    """``n`` semantic mutants of ``bundle`` re-sealed with the session's own device key, each verified.

    ``donor``: another genuine bundle of the same session (its minutes are swapped in by one class).
    """
    from zc_review.seal.bundle import open_bundle, write_bundle
    from zc_review.seal.certs import load_device_identity
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.office import verify_bundle

    keys = load_office_keys(keys_dir)
    ident = load_device_identity(payload.device_key_der, payload.device_cert_pem, payload.office_root_pem)
    members = open_bundle(bundle.read_bytes(), [keys.root_cert], keys.age_identity).members
    donor_members = open_bundle(donor.read_bytes(), [keys.root_cert], keys.age_identity).members
    record = json.loads(members["results.json"])
    log = json.loads(members["log.json"])
    session_id = str(record["session_id"])
    rng = random.Random(seed)
    stats = SemanticStats()
    path = work / "semantic.zcb"
    for _ in range(n):
        ms = dict(members)
        choice = rng.random()
        LAST[0] = ""
        if choice < 0.75:
            klass, rec = mutate_record(record, rng)
            if klass == "results:session" and _same_definition(record["session"], rec.get("session")):
                stats.tried["equivalent (a default dropped from the definition)"] += 1
                continue
            ms["results.json"] = json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        elif choice < 0.9:
            lg = copy.deepcopy(log)
            i = rng.randrange(len(lg))
            if rng.random() < 0.5:
                del lg[i]
                klass = "log:drop_entry"
            else:
                leaf_path, value = rng.choice(_leaves(lg[i]["detail"]) or [((), None)])
                if leaf_path:
                    _get(lg[i]["detail"], leaf_path[:-1])[leaf_path[-1]] = _changed(value, rng)
                else:
                    lg[i]["action"] += "x"
                klass = "log:edit_entry"
            ms["log.json"] = json.dumps(lg, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        elif choice < 0.95:
            name = rng.choice(sorted(ms))
            del ms[name]
            klass = f"members:drop_{name}"
        else:
            if donor_members["minutes.pdf"] == ms["minutes.pdf"]:
                ms["results.json"], ms["log.json"] = ms["log.json"], ms["results.json"]
                klass = "members:swap_results_log"
            elif _digest(donor_members["results.json"]) == _digest(ms["results.json"]):
                # the other bundle's minutes sign this very record: a genuine pair, not a forgery
                stats.tried["equivalent (minutes of the same record)"] += 1
                continue
            else:
                ms["minutes.pdf"] = donor_members["minutes.pdf"]
                klass = "members:minutes_of_another_export"
        if ms == members:
            continue
        stats.tried[klass] += 1
        try:
            data = write_bundle(ms, session_id=session_id, package_id=package_id, device_key=ident.key,
                                device_cert=ident.cert, office_recipient=payload.office_recipient,
                                now=datetime.now(UTC))
            path.write_bytes(data)
            if verify_bundle(path, keys_dir).ok:
                stats.accepted[klass] += 1
                stats.examples.setdefault(f"{klass} {LAST[0]}", klass)
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported
            from zc_review.seal.errors import SealError
            from zc_review.service.errors import ServiceError

            if not isinstance(exc, SealError | ServiceError):
                stats.crashes.append(f"{klass}: {type(exc).__name__}: {exc}")
    return stats


def semantic_report(stats: SemanticStats) -> str:
    """Tried and accepted per class, most tried first; accepted classes are the findings."""
    total = sum(n for k, n in stats.tried.items() if not k.startswith("equivalent"))
    accepted = sum(stats.accepted.values())
    lines = [f"semantic: {total} re-sealed mutants (device key held), {accepted} accepted, "
             f"{len(stats.crashes)} crashes"]
    for klass, n in stats.tried.most_common():
        lines.append(f"  {klass}: {n} tried, {stats.accepted.get(klass, 0)} accepted")
    lines += [f"  accepted e.g. {e}" for e in list(stats.examples)[:40]]
    lines += [f"  CRASH {c}" for c in stats.crashes[:5]]
    return "\n".join(lines)


def semantic_stats_json(stats: SemanticStats) -> dict[str, Any]:
    """The figures as JSON (reports/fuzz.json)."""
    return {"tried": dict(stats.tried), "accepted": dict(stats.accepted), "crashes": stats.crashes}


Runner = Callable[..., SemanticStats]
