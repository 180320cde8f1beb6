"""The auditor's verifier (tools/verify_bundle_standalone.py, issue 15): written apart from zc-review, it
agrees with ``office verify`` on the demo bundle and on every tampered bundle of the test suite, and it is
what re-derives the demo's golden file.

Tampered bundles are re-sealed with the genuine session device key (``reseal`` of test_security_verify; a
rehearsal's bundle with the rehearsal's own key, ``reseal_as`` of test_register), or forged through the room
with real credentials (``forge`` of test_signed_texts), so the seal passes and the check under test is the one
that refuses; the office's register of issued packages is tampered with in a copy of the office's keys folder
(missing, edited, another office's, re-signed by the office root with one entry changed, superseded by
``office recover``). Agreement is check by check: the standalone verifier uses the
office's check ids, and the two lists of failed checks must be equal (accept ↔ ``rep.ok`` follows).
"""

from __future__ import annotations

import ast
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed
from tests.service.test_office_checks import _change_one_declared_digit
from tests.service.test_register import (
    _official,
    rehearsal_bundle,  # noqa: F401 - a fixture of this module too
    rehearsal_of_demo,  # noqa: F401 - a fixture of this module too
    reseal_as,
)
from tests.service.test_rounds import (
    _drop_void_slip,
    _extra_voter,
    _no_reason,
    _renumbered,
    voided,  # noqa: F401 - a fixture of this module too
)
from tests.service.test_security_verify import reseal
from tests.service.test_signed_texts import (
    CHAIR,
    FAILED,
    FALSE,
    LEADER,
    RECORDER,
    _edit,
    _resign,
    _set_explanation,
    _set_guidance,
    _set_opinion,
    _set_reason,
    _set_return,
    flagged_bundle,  # noqa: F401 - a fixture of this module too
    flagged_db,  # noqa: F401 - a fixture of this module too
    forge,
)

TOOL = ROOT / "tools" / "verify_bundle_standalone.py"
GOLDEN = ROOT / "data" / "demo" / "expected-results.json"


def standalone(bundle: Path, keys: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """Run the tool as an auditor would (a subprocess, ``--json``): (exit status, its JSON report)."""
    proc = subprocess.run([sys.executable, str(TOOL), "--keys", str(keys), "--json", *extra, str(bundle)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def office(bundle: Path, keys: Path) -> Any:
    from zc_review.service.office import verify_bundle

    return verify_bundle(bundle, keys)


def assert_agree(bundle: Path, keys: Path) -> tuple[Any, dict[str, Any]]:
    """Both verifiers on one bundle: the same failed checks, accepted by one exactly when by the other."""
    rep = office(bundle, keys)
    rc, out = standalone(bundle, keys)
    assert out["failed"] == rep.failed_ids(), (out["failed"], rep.failures())
    assert (rc == 0) == rep.ok == out["accepted"], (rc, rep.failures(), out["failed"])
    return rep, out


# -- the genuine bundles, the golden file ------------------------------------------------------------------

def test_genuine_demo_bundles_accepted_by_both(demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    for bundle in demo_bundles:
        rep, out = assert_agree(bundle, demo.keys)
        assert rep.ok and out["accepted"] and out["rehearsal"] == []
        assert [c[0] for c in out["checks"]] == [c.id for c in rep.checks]  # every check ran, in the same order
        assert out["sha256"] == rep.bundle_sha256


def test_text_output_names_the_verdict(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(TOOL), "--keys", str(demo.keys), str(demo_bundles[1])],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1] == "ACCEPTED", proc.stdout
    assert "rehearsal: no" in proc.stdout
    bad = reseal(demo, demo_bundles[1], tmp_path / "b.zcb", _change_one_declared_digit)
    proc = subprocess.run([sys.executable, str(TOOL), "--keys", str(demo.keys), str(bad)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1 and proc.stdout.splitlines()[-1] == "REFUSED: outcome.declared", proc.stdout
    proc = subprocess.run([sys.executable, str(TOOL), "--keys", str(tmp_path / "nowhere"), str(bad)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "cannot run" in proc.stderr


def test_golden_file_is_rederived_by_the_standalone_verifier(demo: Packed, demo_bundles: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    """data/demo/expected-results.json is what the auditor's verifier recomputes from the demo bundle's raw
    record (byte for byte: it writes the file with ``--declared-out``), not what the room declared."""
    out = tmp_path / "declared.json"
    rc, report = standalone(demo_bundles[1], demo.keys, "--declared-out", str(out))
    assert rc == 0
    assert out.read_bytes() == GOLDEN.read_bytes()
    # recomputed, not copied: a bundle declaring another number still recomputes the golden numbers
    bad = reseal(demo, demo_bundles[1], tmp_path / "b.zcb", _change_one_declared_digit)
    rc, report = standalone(bad, demo.keys, "--declared-out", str(out))
    assert rc == 1 and report["failed"] == ["outcome.declared"]
    assert json.loads(out.read_text("utf-8")) == json.loads(GOLDEN.read_text("utf-8"))


# -- tampered bundles, re-sealed with the device key ----------------------------------------------------------

def _json_edit(member: str, edit: Callable[[Any], None]) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        data = json.loads(members[member])
        edit(data)
        members[member] = json.dumps(data, ensure_ascii=False).encode()
    return change


def _rec(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, bytes]], None]:
    return _json_edit("results.json", edit)


def _swap_certs(r: dict[str, Any]) -> None:
    c = r["certificates"]
    c["R05"], c["R06"] = c["R06"], c["R05"]


def _flip_slip(r: dict[str, Any]) -> None:
    slip = r["rounds"][0]["slips"][0]
    slip[2] = "agree" if slip[2] != "agree" else "disagree"


def _log_detail(log: list[Any]) -> None:
    log[9]["detail"] = {"edited": True}


def _log_drop(log: list[Any]) -> None:
    del log[41]


def _chair_resigns(as_person: str) -> Callable[[dict[str, Any]], None]:
    def edit(rec: dict[str, Any], demo: Packed) -> None:
        fr = rec["failure_reasons"][FAILED]
        fr["reason"] = FALSE
        _resign(demo, rec, "failure_reason", FAILED, "panel_leader", by=CHAIR, as_person=as_person,
                text={"reason": FALSE, "guidance": fr["guidance"]})
    return edit  # type: ignore[return-value]


def _append_to_minutes(members: dict[str, bytes]) -> None:
    members["minutes.pdf"] += b"\n% an unsigned edit\n"


def _drop_signoff(r: dict[str, Any]) -> None:
    r["signatures"] = [s for i, s in enumerate(r["signatures"])
                       if not (s["kind"] == "results" and i == next(j for j, x in enumerate(r["signatures"])
                                                                    if x["kind"] == "results"))]


def _drop_runoff(r: dict[str, Any]) -> None:
    r["rounds"] = [x for x in r["rounds"] if x["kind"] != "runoff"]


def _open_round(r: dict[str, Any]) -> None:
    r["rounds"][-1]["status"] = "open"


def _absent_voter(r: dict[str, Any]) -> None:
    absent = next(x for x, v in r["attendance"].items() if not v)
    r["rounds"][0]["voters"][0] = absent


def _duplicate_slip_id(r: dict[str, Any]) -> None:
    slips = r["rounds"][0]["slips"]
    slips[1][0] = slips[0][0]


def _late_recusal(r: dict[str, Any]) -> None:
    r["recusals"].append({**r["recusals"][0], "applicant_id": "A001", "reviewer_id": "R02"})


def _oldest_sheet(r: dict[str, Any]) -> None:
    sh = next(s for s in r["sheets"] if s["status"] == "submitted")
    r["sheets"].append({**sh, "version": sh["version"] + 1, "values": {k: "0" for k in sh["values"]}})


def _pass_rate(r: dict[str, Any]) -> None:
    r["session"]["groups"][0]["pass_rate"] = "1.5"


def _unknown_definition_key(r: dict[str, Any]) -> None:
    r["session"]["colour"] = "blue"


def _default_key_dropped(r: dict[str, Any]) -> None:
    del r["session"]["rehearsal"]  # decoding supplies the default: same definition, same digest


def _rehearsal(r: dict[str, Any]) -> None:
    r["session"]["rehearsal"] = True


# -- the register of issued packages (FORMATS "Register of issued packages"), in a copy of the keys ------

def _register_path(keys: Path) -> Path:
    from zc_review.seal.register import REGISTER_FILE

    return keys / REGISTER_FILE


def _drop_register(keys: Path, demo: Packed) -> None:
    _register_path(keys).unlink()


def _edit_register_unsigned(keys: Path, demo: Packed) -> None:
    """An edit without the root key (test_register::test_edited_register_fails_register_present)."""
    doc = json.loads(_register_path(keys).read_text("utf-8"))
    for e in doc["entries"]:
        e["superseded_by"] = None
        e["rehearsal"] = False
    _register_path(keys).write_text(json.dumps(doc), "utf-8")


def _register_not_json(keys: Path, demo: Packed) -> None:
    _register_path(keys).write_bytes(_register_path(keys).read_bytes()[:-40])


def _register_of_another_office(keys: Path, demo: Packed) -> None:
    """The same entries, signed by another office's root (a register copied from elsewhere)."""
    from zc_review.seal.pki import cert_sha256, load_office_keys
    from zc_review.seal.register import Register, open_register, seal_register
    from zc_review.service.office import keygen

    register = open_register(_register_path(keys).read_bytes(), load_office_keys(keys).root_cert)
    keygen(keys.parent / "other", "别的单位")
    other = load_office_keys(keys.parent / "other")
    forged = Register(cert_sha256(other.root_cert), register.entries)
    _register_path(keys).write_bytes(seal_register(forged, other))


def _resigned(edit: Callable[[dict[str, Any]], None]) -> Callable[[Path, Packed], None]:
    """The demo package's entry edited (emptied: removed) and the register signed again with the office root
    key: a register the office itself could have written, saying something else of this package."""
    def change(keys: Path, demo: Packed) -> None:
        from zc_review.seal.pki import load_office_keys
        from zc_review.seal.register import IssuedPackage, Register, open_register, seal_register

        office = load_office_keys(keys)
        register = open_register(_register_path(keys).read_bytes(), office.root_cert)
        entries = [e.to_dict() for e in register.entries]
        for e in entries:
            if e["package_id"] == demo.package_id:
                edit(e)
        kept = tuple(IssuedPackage.from_dict(e) for e in entries if e)
        _register_path(keys).write_bytes(seal_register(Register(register.office_root_sha256, kept), office))
    return change


def _recover(keys: Path, demo: Packed) -> None:
    """``office recover`` re-issued the demo package: its genuine bundle now answers a superseded package."""
    from zc_review.service.office import recover

    recover(demo.package, keys, keys.parent / "new.zcp", secrets_out=keys.parent / "new.json")


_ALL_REGISTER = ["register.present", "register.package", "register.device_cert", "register.official",
                 "register.latest"]

# (name, source bundle, change) — the source is "demo", "flagged" (test_signed_texts) or "voided"
# (test_rounds), the change one of the members; results.json edits take the record (and, for re-signing,
# the Packed demo). "rehearsal": the demo's rehearsal bundle (test_register), its record edited and
# re-sealed with the rehearsal's device key ("rehearsal+official-id": also claiming the official package's
# id). "keys": the genuine demo bundle, the change made to a copy of the office's keys folder (keys, demo).
CASES: list[tuple[str, str, Callable[..., None]]] = [
    # test_office_checks, test_security_verify, test_office
    ("declared-digit", "demo", _change_one_declared_digit),
    ("swapped-certificates", "demo", _rec(_swap_certs)),
    ("flipped-slip", "demo", _rec(_flip_slip)),
    ("log-entry-edited", "demo", _json_edit("log.json", _log_detail)),
    ("log-entry-removed", "demo", _json_edit("log.json", _log_drop)),
    ("declared-composite", "demo", _rec(lambda r: r["declared"]["applicants"]["A020"].update(composite="99.99"))),
    # test_signed_texts: texts rewritten with the device key
    ("reason", "flagged", _edit(_set_reason)),
    ("guidance", "flagged", _edit(_set_guidance)),
    ("opinion", "flagged", _edit(_set_opinion)),
    ("explanation", "flagged", _edit(_set_explanation)),
    ("return-reason", "flagged", _edit(_set_return)),
    ("chair-filed-as-chair", "demo+key", _chair_resigns(CHAIR)),
    ("chair-filed-as-leader", "demo+key", _chair_resigns(LEADER)),
    # test_signed_texts: the digest covers recusals, attendance, rounds, presiding, sign-off times, sheets
    ("recusal-reason", "demo", _rec(lambda r: r["recusals"][0].update(reason=FALSE))),
    ("attendance", "demo", _rec(lambda r: r["attendance"].update({next(iter(r["attendance"])): False}))),
    ("round-missing-voters", "demo",
     _rec(lambda r: r["rounds"][0].update(missing_voters=r["rounds"][0]["missing_voters"] + 1))),
    ("presiding", "demo", _rec(lambda r: r.update(presiding_officer_id="R02"))),
    ("signoff-time", "demo", _rec(lambda r: r["signatures"][0].update(signed_at="2000-01-01T00:00:00+00:00"))),
    ("sheet-return-reason", "demo", _rec(lambda r: r["sheets"][0].update(return_reason=FALSE))),
    # found by make fuzz --semantic (the device key held): a reason's author changed, a signature respelt
    ("reason-author", "demo", _rec(lambda r: next(iter(r["failure_reasons"].values())).update(author_id="S02"))),
    ("reason-author-dropped", "demo", _rec(lambda r: next(iter(r["failure_reasons"].values())).pop("author_id"))),
    ("text-signature-respelt", "demo",
     _rec(lambda r: r["text_signatures"][0].update(signature=r["text_signatures"][0]["signature"] + " "))),
    ("statement-signature-respelt", "demo",
     _rec(lambda r: r["signatures"][0].update(signature=r["signatures"][0]["signature"] + "\n"))),
    # test_rounds: forged void rounds
    ("void-slip-dropped", "voided", _rec(lambda r: _drop_void_slip(r, []))),
    ("void-extra-voter", "voided", _rec(lambda r: _extra_voter(r, []))),
    ("void-no-reason", "voided", _rec(lambda r: _no_reason(r, []))),
    ("void-renumbered", "voided", _rec(lambda r: _renumbered(r, []))),
    # issue 15: what the mutation audit found unguarded, and the definition's decoding
    ("minutes-appended", "demo", _append_to_minutes),
    ("signoff-dropped", "demo", _rec(_drop_signoff)),
    ("runoff-dropped", "demo", _rec(_drop_runoff)),
    ("round-left-open", "demo", _rec(_open_round)),
    ("absent-voter", "demo", _rec(_absent_voter)),
    ("duplicate-slip-id", "demo", _rec(_duplicate_slip_id)),
    ("late-recusal", "demo", _rec(_late_recusal)),
    ("resubmitted-sheet", "demo", _rec(_oldest_sheet)),
    ("package-id", "demo", _rec(lambda r: r.update(package_id="0" * 32))),
    ("record-format", "demo", _rec(lambda r: r.update(version=2))),
    ("pass-rate-above-1", "demo", _rec(_pass_rate)),
    ("unknown-definition-key", "demo", _rec(_unknown_definition_key)),
    ("default-key-dropped", "demo", _rec(_default_key_dropped)),
    ("rehearsal-flag", "demo", _rec(_rehearsal)),
    ("log-missing", "demo", lambda m: m.update({"log.json": b"not json"})),
    # issue 12 §1: the rehearsal marks and the register of issued packages (test_register)
    ("rehearsal-as-official", "rehearsal", _official),
    ("rehearsal-as-official-package", "rehearsal+official-id", _official),
    ("register-missing", "keys", _drop_register),
    ("register-edited", "keys", _edit_register_unsigned),
    ("register-not-json", "keys", _register_not_json),
    ("register-of-another-office", "keys", _register_of_another_office),
    ("register-superseded-by-recover", "keys", _recover),
    ("register-package-unlisted", "keys", _resigned(lambda e: e.clear())),
    ("register-other-session", "keys", _resigned(lambda e: e.update(session_id="QC-GC-ZJ-2024"))),
    ("register-other-device", "keys", _resigned(lambda e: e.update(device_cert_sha256="0" * 64))),
    ("register-issued-as-rehearsal", "keys", _resigned(lambda e: e.update(rehearsal=True))),
]

# What exactly fails in the cases of issue 12 §1 (both verifiers: they agree check by check).
EXPECTED: dict[str, list[str]] = {
    # the flag flipped in the definition: both signed marks and the register still say rehearsal; the
    # minutes digest covers the definition
    "rehearsal-as-official": ["record.package_mark", "device.rehearsal_mark", "register.official",
                              "digest.minutes"],
    # the official package's id: its mark and its kind agree, its device certificate is not this one
    "rehearsal-as-official-package": ["device.rehearsal_mark", "register.device_cert", "digest.minutes"],
    "register-missing": _ALL_REGISTER,
    "register-edited": _ALL_REGISTER,
    "register-not-json": _ALL_REGISTER,
    "register-of-another-office": _ALL_REGISTER,
    "register-superseded-by-recover": ["register.latest"],
    "register-package-unlisted": _ALL_REGISTER[1:],
    "register-other-session": _ALL_REGISTER[1:],
    "register-other-device": ["register.device_cert"],
    "register-issued-as-rehearsal": ["register.official"],
}


@pytest.mark.parametrize(("source", "change"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_tampered_bundle_same_verdict(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path,
                                      request: pytest.FixtureRequest, source: str, change: Callable[..., None]) -> None:
    keys = demo.keys
    if source == "flagged":
        original = request.getfixturevalue("flagged_bundle")
    elif source == "voided":
        original = request.getfixturevalue("voided")[1]
    else:
        original = demo_bundles[1]
    if source == "demo+key":
        edit = change
        change = _edit(lambda rec: edit(rec, demo))
    if source.startswith("rehearsal"):
        package_id = demo.package_id if source == "rehearsal+official-id" else None
        bundle = reseal_as(request.getfixturevalue("rehearsal_of_demo"), demo.keys,
                           request.getfixturevalue("rehearsal_bundle"), tmp_path / "b.zcb", change,
                           package_id)
    elif source == "keys":
        keys = tmp_path / "keys"
        shutil.copytree(demo.keys, keys)
        change(keys, demo)
        bundle = original
    else:
        bundle = reseal(demo, original, tmp_path / "b.zcb", change)
    rep, out = assert_agree(bundle, keys)
    name = request.node.callspec.id
    if name in EXPECTED:
        assert rep.failed_ids() == EXPECTED[name], rep.failures()
        assert not any(i.startswith("seal.") for i in out["failed"])  # real keys: the seal itself passes
    elif name == "default-key-dropped":
        assert rep.ok  # the definition decodes to the same one: nothing was changed that counts
    elif name == "rehearsal-flag":
        assert out["rehearsal"] and "digest.minutes" in out["failed"]
    else:
        assert not rep.ok


def test_genuine_rehearsal_bundle_accepted_by_both_and_named_a_rehearsal(
        demo: Packed, request: pytest.FixtureRequest) -> None:
    """FORMATS "Rehearsals": a genuine rehearsal bundle passes every check; the auditor's verifier names its
    four marks (the definition's flag, the package id, the device certificate's CN, the register)."""
    rep, out = assert_agree(request.getfixturevalue("rehearsal_bundle"), demo.keys)
    assert rep.ok and out["accepted"]
    assert [c[0] for c in out["checks"]] == [c.id for c in rep.checks]
    assert len(out["rehearsal"]) == 4, out["rehearsal"]
    assert request.getfixturevalue("rehearsal_of_demo").package_id in " ".join(out["rehearsal"])


def test_damaged_bytes_refused_by_both(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    """test_office / test_office_checks: changed bytes anywhere in the file stop at the seal."""
    data = demo_bundles[1].read_bytes()
    rnd = random.Random(15)
    for i, pos in enumerate([len(data) // 2, 0, len(data) - 1, *(rnd.randrange(len(data)) for _ in range(6))]):
        bad = bytearray(data)
        bad[pos] ^= 1 << rnd.randrange(8)
        path = tmp_path / f"bad{i}.zcb"
        path.write_bytes(bytes(bad))
        rep, out = assert_agree(path, demo.keys)
        assert not rep.ok and out["failed"][0].startswith("seal."), pos
    (tmp_path / "cut.zcb").write_bytes(data[:-100])
    assert_agree(tmp_path / "cut.zcb", demo.keys)


# -- forged through the room with real credentials (test_signed_texts) ---------------------------------------

@pytest.mark.parametrize(("kind", "credentials"), [
    ("reason", {LEADER, RECORDER, CHAIR}),  # the consistent false session: both accept
    ("reason", {RECORDER, CHAIR}),  # texts.complete
    ("reason", {LEADER, CHAIR}),  # minutes.signers: the recorder's field signed by the chair
    ("reason", {LEADER, RECORDER}),  # minutes.signers: the presiding officer's field signed by the recorder
    ("explanation", {LEADER, RECORDER, CHAIR}),  # texts.complete: not the reviewer's
], ids=["all-three", "no-leader", "no-recorder", "no-presiding", "explanation-no-reviewer"])
def test_forged_minutes_same_verdict(demo: Packed, request: pytest.FixtureRequest, tmp_path: Path, kind: str,
                                     credentials: set[str]) -> None:
    bundle = forge(demo, request.getfixturevalue("flagged_db"), tmp_path, kind=kind, credentials=credentials)
    rep, _ = assert_agree(bundle, demo.keys)
    assert rep.ok == (credentials == {LEADER, RECORDER, CHAIR} and kind == "reason")


# -- written apart: what it imports -----------------------------------------------------------------------------

def test_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(TOOL.read_text("utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}, roots


def test_runs_without_zc_review_loaded(demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    """At run time too: after a whole verification no module of zc-review, pyrage, pyHanko or pypdf is loaded."""
    probe = ("import runpy, sys\n"
             f"sys.argv = ['v', '--keys', {str(demo.keys)!r}, {str(demo_bundles[1])!r}]\n"
             "try:\n"
             f"    runpy.run_path({str(TOOL)!r}, run_name='__main__')\n"
             "except SystemExit as e:\n"
             "    code = e.code\n"
             "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('zc_review', 'pyrage', 'pyhanko', 'pypdf'))\n"
             "print('LOADED', bad, code)\n")
    proc = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.stdout.splitlines()[-1] == "LOADED [] 0", proc.stdout + proc.stderr


# -- its age decryption against pyrage and the age command-line tool --------------------------------------------

def test_age_decryption_agrees_with_pyrage_and_the_age_cli(demo: Packed, tmp_path: Path) -> None:
    """Files written by pyrage (the room's library) and by ``age -e`` decrypt to the same bytes; a file
    ``age -d`` decrypts is one this decrypts; truncated, extended or altered files are refused."""
    import pyrage

    assert shutil.which("age") is not None, "the age CLI is needed (.ci/run installs it)"
    sys.path.insert(0, str(TOOL.parent))
    try:
        import verify_bundle_standalone as v
    finally:
        sys.path.remove(str(TOOL.parent))
    identity_file = demo.keys / "office-age-identity.txt"
    key = v.parse_age_identity(identity_file.read_text("utf-8"))
    recipient = (demo.keys / "office-age-recipient.txt").read_text("ascii").strip()
    chunk = 64 * 1024
    for n in (0, 1, 1000, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 17):
        plain = os.urandom(n)
        by_pyrage = pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(recipient)])
        by_cli = subprocess.run(["age", "-e", "-r", recipient], input=plain, capture_output=True, check=True).stdout
        for data in (by_pyrage, by_cli):
            assert v.age_decrypt(data, key) == plain, n
            cli = subprocess.run(["age", "-d", "-i", str(identity_file)], input=data, capture_output=True, check=True)
            assert cli.stdout == plain
            header_end = data.index(b"\n---") + 1
            for bad in (data[:-1], data + b"\0", data[:header_end + 60] + bytes([data[header_end + 60] ^ 1])
                        + data[header_end + 61:], data[:-1] + bytes([data[-1] ^ 0x80])):
                with pytest.raises(ValueError):
                    v.age_decrypt(bad, key)
                assert subprocess.run(["age", "-d", "-i", str(identity_file)], input=bad,
                                      capture_output=True, check=False).returncode != 0
            if n > chunk:  # the first chunk removed: the counter no longer matches
                body = data.index(b"\n", header_end) + 1 + 16
                with pytest.raises(ValueError):
                    v.age_decrypt(data[:body] + data[body + chunk + 16:], key)
    other = v.parse_age_identity(str(pyrage.x25519.Identity.generate()))
    with pytest.raises(ValueError, match="not encrypted to this identity"):
        v.age_decrypt(pyrage.encrypt(b"x", [pyrage.x25519.Recipient.from_str(recipient)]), other)


def test_formats_md_says_how_an_auditor_runs_it() -> None:
    text = (ROOT / "docs/FORMATS.md").read_text("utf-8")
    assert "## An auditor's verifier" in text
    assert "python tools/verify_bundle_standalone.py --keys" in text
