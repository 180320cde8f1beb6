"""The office's verification as a registry of named checks: stable ids, a genuine bundle passes every one,
an altered bundle fails the very check that verifies what was altered.

Altered bundles are re-sealed with the genuine session device key (``reseal`` of test_security_verify), so
the seal passes and the check under test is the one that refuses.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Packed
from tests.service.test_security_verify import reseal

# The ids are part of the office's interface (reports, scripts, issues refer to them): changing one is a
# deliberate act that changes this list too.
STABLE_IDS = [
    "bundle.size",
    "seal.signature",
    "seal.contents",
    "record.parse",
    "record.format",
    "record.session_id",
    "record.package_id",
    "record.package_mark",
    "device.role",
    "device.name",
    "device.rehearsal_mark",
    "register.present",
    "register.package",
    "register.device_cert",
    "register.official",
    "register.latest",
    "draw.record",
    "certs.chain",
    "certs.holder",
    "statements.signatures",
    "log.chain",
    "log.head",
    "ballots.round_numbers",
    "ballots.round_status",
    "ballots.voter_roll",
    "ballots.casts_logged",
    "ballots.slip_applicants",
    "ballots.slip_choices",
    "ballots.void_reason",
    "ballots.void_revoted",
    "ballots.box_fingerprint",
    "ballots.voters_attending",
    "ballots.ballot_count",
    "ballots.slip_ids",
    "paper.medium",
    "paper.tally_sums",
    "paper.keyings",
    "paper.tellers_signed",
    "paper.witness_signed",
    "outcome.recompute",
    "outcome.declared",
    "signoffs.complete",
    "outcome.final",
    "texts.signatures",
    "texts.complete",
    "texts.reasons",
    "texts.signers",
    "texts.authors",
    "minutes.parse",
    "minutes.fields",
    "minutes.signatures",
    "minutes.signers",
    "minutes.coverage",
    "digest.minutes",
    "paper.keyed_twice",
    "paper.check_codes",
    "paper.settled",
    "paper.confirmations",
]


def test_registry_ids_are_unique_stable_ascii() -> None:
    from zc_review.service.office import CHECK_IDS, CHECKS, SECTIONS

    assert list(CHECK_IDS) == STABLE_IDS
    assert len(set(CHECK_IDS)) == len(CHECK_IDS)
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", i) for i in CHECK_IDS)
    assert [s.id for s in CHECKS] == STABLE_IDS
    assert [s.id for sec in SECTIONS for s in sec.checks] == STABLE_IDS


def test_check_is_a_frozen_value() -> None:
    import dataclasses

    from zc_review.service.office import Check

    c = Check("log.chain", True, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.ok = False  # type: ignore[misc]
    assert c == Check("log.chain", True)


def test_genuine_bundle_passes_every_check(demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    from zc_review.i18n import t
    from zc_review.service.office import CHECK_IDS, verify_bundle

    rep = verify_bundle(demo_bundles[1], demo.keys)
    assert rep.ok, rep.failures()
    assert [c.id for c in rep.checks] == list(CHECK_IDS)
    assert all(c.ok for c in rep.checks) and rep.failed_ids() == []
    # the printed report keeps its Chinese lines: the file's size is printed only when too large
    assert [ln.name for ln in rep.lines][:2] == ["封装、签名与加密", t("office.check_structure")]
    # 13 + the register (issue 12 §1) + the draw (issue 11) + the paper sheets (issue 14)
    assert len(rep.lines) == 16 and all(ln.ok for ln in rep.lines)
    assert t("office.check_tally") not in [ln.name for ln in rep.lines]  # a laptop session: printed only on failure


def _change_one_declared_digit(members: dict[str, bytes]) -> None:
    """One byte of results.json: a digit of the first composite the room declared."""
    data = bytearray(members["results.json"])
    start = data.index(b'"declared":')
    pos = data.index(b'"composite":"', start) + len(b'"composite":"')
    assert chr(data[pos]).isdigit()
    data[pos] = ord(str((int(chr(data[pos])) + 1) % 10))
    members["results.json"] = bytes(data)
    json.loads(members["results.json"])  # still JSON: only the number changed


def test_one_byte_of_results_changed_fails_the_declared_numbers(demo: Packed, demo_bundles: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    from zc_review.i18n import t
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", _change_one_declared_digit), demo.keys)
    assert not rep.ok
    assert rep.failed_ids() == ["outcome.declared"]
    bad = {ln.name: ln.detail for ln in rep.lines if not ln.ok}
    assert list(bad) == [t("office.check_recompute")] and "composite" in bad[t("office.check_recompute")]


def test_swapped_certificates_fail_the_holder_check(demo: Packed, demo_bundles: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    def swap(members: dict[str, bytes]) -> None:
        rec = json.loads(members["results.json"])
        c = rec["certificates"]
        c["R05"], c["R06"] = c["R06"], c["R05"]
        members["results.json"] = json.dumps(rec, ensure_ascii=False).encode()

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", swap), demo.keys)
    # both still chain to the office root; neither names the person it is filed under
    assert rep.failed_ids() == ["certs.holder", "statements.signatures"]
    assert set(next(c for c in rep.checks if c.id == "certs.holder").detail.split(", ")) == {"R05", "R06"}


def test_flipped_slip_fails_the_box_fingerprint(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    from zc_review.i18n import t
    from zc_review.service.office import verify_bundle

    def flip(members: dict[str, bytes]) -> None:
        rec = json.loads(members["results.json"])
        slip = rec["rounds"][0]["slips"][0]
        slip[2] = "agree" if slip[2] != "agree" else "disagree"
        members["results.json"] = json.dumps(rec, ensure_ascii=False).encode()

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", flip), demo.keys)
    failed = rep.failed_ids()
    assert "ballots.box_fingerprint" in failed
    assert not any(i.startswith(("seal.", "record.", "certs.", "log.", "minutes.")) for i in failed), failed
    assert any(ln.name == t("office.check_ballots") and not ln.ok and "fingerprint" in ln.detail for ln in rep.lines)


def test_edited_log_entry_fails_the_chain(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    def edit(members: dict[str, bytes]) -> None:
        log = json.loads(members["log.json"])
        log[9]["detail"] = {"edited": True}
        members["log.json"] = json.dumps(log, ensure_ascii=False).encode()

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", edit), demo.keys)
    failed = rep.failed_ids()
    assert failed[0] == "log.chain" and all(i.startswith("log.") for i in failed), failed
    assert next(c for c in rep.checks if c.id == "log.chain").detail == "第 10 条断链"


def test_damaged_file_stops_at_the_seal(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    data = bytearray(demo_bundles[1].read_bytes())
    data[len(data) // 2] ^= 1
    (tmp_path / "x.zcb").write_bytes(bytes(data))
    rep = verify_bundle(tmp_path / "x.zcb", demo.keys)
    assert [c.id for c in rep.checks] == ["bundle.size", "seal.signature"]
    assert rep.failed_ids() == ["seal.signature"] and len(rep.lines) == 1


# -- import hygiene ---------------------------------------------------------------------------------------------

def test_importing_the_verifier_loads_no_ui_and_no_sql() -> None:
    code = ("import sys, zc_review.service.office.verify; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlmodel', 'sqlalchemy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


ALLOWED = ("zc_review.domain", "zc_review.seal", "zc_review.i18n", "zc_review.service.errors")


VERIFIER = ("verify", "report", "checks", "ballot_checks", "register_checks", "text_checks", "paper_checks",
            "tally_checks")  # the verifier's modules


@pytest.mark.parametrize("module", VERIFIER)
def test_verifier_imports_only_domain_seal_i18n_and_the_error(module: str) -> None:
    """Function-local imports included; the verifier's own modules may import each other."""
    tree = ast.parse((ROOT / f"zc_review/service/office/{module}.py").read_text("utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0]
    allowed = ALLOWED + tuple(f"zc_review.service.office.{m}" for m in VERIFIER)
    ours = [m for m in names if m.split(".")[0] == "zc_review"]
    assert ours and not [m for m in ours if not any(m == p or m.startswith(p + ".") for p in allowed)], ours
    assert not [m for m in names if m.split(".")[0] in ("cryptography", "pyrage", "pyhanko", "sqlmodel", "sqlalchemy",
                                                        "textual")]


def test_office_modules_import_no_crypto_library() -> None:
    """Only zc_review/seal imports cryptography, pyrage and pyhanko."""
    for path in sorted((ROOT / "zc_review/service/office").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in names if m.split(".")[0] in ("cryptography", "pyrage", "pyhanko")], path.name
