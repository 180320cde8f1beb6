"""Kills of the mutants of the office's verifier that survived ``make mutate`` (docs/MUTATION.md).

The verifier's tests used to look at the failed ids of altered bundles only: a check that reports the wrong
detail, a line that prints another number, a signer left out of the list, a factory that builds its check with
the wrong verdict all passed. Here the genuine bundle's whole report is compared, check by check and line by
line, with what the bundle's own files say (read with the seal, which ``make mutate`` does not mutate), and
altered bundles (re-sealed with the session's device key, ``reseal``) must fail with their exact details.

Source: docs/FORMATS.md "Result bundle"; RULES.md §5–6.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed
from tests.service.test_security_verify import reseal


def _open(demo: Packed, bundle: Path) -> Any:
    from zc_review.seal.bundle import open_bundle
    from zc_review.seal.pki import load_office_keys

    keys = load_office_keys(demo.keys)
    return open_bundle(bundle.read_bytes(), [keys.root_cert], keys.age_identity)


def _checks(rep: Any) -> dict[str, tuple[bool, str]]:
    return {c.id: (c.ok, c.detail) for c in rep.checks}


def test_genuine_report_check_by_check_line_by_line(demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    """Every check passes with the detail the bundle's files give; every line prints what they say.

    From the demo's results.json: session QC-GC-ZJ-2025, its package id, 16 attending reviewers (16 sign-offs:
    "16/16"), the log's last hash; the device certificate's CN is "会话设备 <session>" (OU device); the texts
    line counts the opinions (one per applicant, 36), the failure reasons (17), explanations and returns (0).
    """
    from zc_review.i18n import label_of, t
    from zc_review.service.office import CHECK_IDS, verify_bundle

    contents = _open(demo, demo_bundles[1])
    rec = json.loads(contents.members["results.json"])
    log = json.loads(contents.members["log.json"])
    sid, pid = rec["session_id"], rec["package_id"]
    cn = f"会话设备 {sid}"
    attending = sum(1 for v in rec["attendance"].values() if v)
    assert attending == 16

    rep = verify_bundle(demo_bundles[1], demo.keys)
    details = {"record.session_id": f"manifest {sid!r}", "record.package_id": f"manifest {pid!r}",
               "device.role": "device", "device.name": cn, "log.head": log[-1]["hash"],
               "signoffs.complete": f"{attending}/{attending}",
               "draw.record": t("office.draw_none")}  # the demo's committee is hand-written: no draw record
    assert _checks(rep) == {i: (True, details.get(i, "")) for i in CHECK_IDS}
    assert all(c.ok is True for c in rep.checks)
    assert rep.ok and rep.failures() == [] and rep.failed_ids() == []

    n_opinions = sum(len(v) if isinstance(v, dict) else 1 for v in rec["opinions"].values())
    assert (n_opinions, len(rec["failure_reasons"])) == (36, 17)
    assert [tuple(ln) for ln in rep.lines] == [
        ("封装、签名与加密", True, f"设备证书 {cn}，链至组建单位根证书"),
        ("结果数据结构", True, sid),
        ("封装签名设备为本会议的会话设备", True, cn),
        ("评审包签发登记（设备证书、正式或演练、是否最新）", True, f"评审包 {pid}：正式，为该会议最新签发，设备证书相符"),
        (t("office.check_draw"), True, t("office.draw_none")),
        ("人员证书链", True, ""),
        ("承诺书、评分标准与结果签字", True, ""),
        ("操作日志哈希链", True, log[-1]["hash"]),
        ("票箱指纹与票数（投票数 = 名册人数 ≤ 出席人数）", True, ""),
        ("重算综合得分、计票与表决结果", True, ""),
        ("出席评审专家结果签字", True, f"{attending}/{attending}"),
        ("表决结果已最终确定", True, ""),
        ("评议意见、未通过原因、复核说明与退回理由的本人签名", True, "评议意见 36 份、未通过原因 17 份、复核说明 0 份、退回理由 0 份"),
        ("会议记录 PDF 签名（记录人、主持人）", True, ""),
        ("会议记录内容摘要与结果数据一致", True, ""),
        ("纸质评分表双人录入、核对与确认签名", True, "纸质评分表 0 张，核对不一致项 0 处"),  # typed sheets only
    ]

    names = {p["id"]: p["name"] for p in rec["session"]["reviewers"] + rec["session"]["staff"]}
    recorder = next(p["id"] for p in rec["session"]["staff"] if p["role"] == "recorder")
    presiding = rec["presiding_officer_id"]
    assert rep.signers == [
        f"封装：会话设备（{cn}）",
        *(t("office.signer_statement_named", kind=label_of("sig_kind", sg["kind"]), subject=sg["subject"],
            role=label_of("role", sg["role"]), name=names[sg["person_id"]], person=sg["person_id"])
          for sg in rec["signatures"]),
        t("office.signer_minutes_named", role="记录人", name=names[recorder], person=recorder),
        t("office.signer_minutes_named", role="主持人", name=names[presiding], person=presiding),
    ]
    assert len(rep.signers) == 1 + 47 + 2
    assert rep.fingerprint == contents.fingerprint and rep.fingerprint
    assert rep.session_id == sid and rep.record == rec
    assert rep.definition is not None and rep.definition.session_id == sid
    assert rep.bundle_sha256 == hashlib.sha256(demo_bundles[1].read_bytes()).hexdigest()


def _edit_record(change: Any) -> Any:
    def edit(members: dict[str, bytes]) -> None:
        rec = json.loads(members["results.json"])
        change(rec)
        members["results.json"] = json.dumps(rec, ensure_ascii=False).encode()
    return edit


def _failed(rep: Any) -> dict[str, str]:
    """The failed checks' details by id; every verdict is a bool (the JSON report prints it)."""
    assert all(type(c.ok) is bool for c in rep.checks), [c for c in rep.checks if type(c.ok) is not bool]
    return {c.id: c.detail for c in rep.checks if not c.ok}


def _bad_lines(rep: Any) -> dict[str, str]:
    return {ln.name: ln.detail for ln in rep.lines if not ln.ok}


@pytest.fixture
def altered(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> Any:
    """``altered(change)``: verify the newer demo bundle with ``change(record)`` applied and re-sealed."""
    from zc_review.service.office import verify_bundle

    def run(change: Any, members: Any = None) -> Any:
        out = reseal(demo, demo_bundles[1], tmp_path / "b.zcb", members or _edit_record(change))
        return verify_bundle(out, demo.keys)
    return run


def _genuine(demo: Packed, demo_bundles: tuple[Path, Path]) -> dict[str, Any]:
    rec: dict[str, Any] = json.loads(_open(demo, demo_bundles[1]).members["results.json"])
    return rec


def _digest_detail(genuine: dict[str, Any], change: Any) -> str:
    """What digest.minutes says when ``change`` is made to the record: the signed minutes carry the genuine
    record's digest, the changed record gives another (domain.digest, recomputed here)."""
    import copy

    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.digest import minutes_digest

    rec = copy.deepcopy(genuine)
    change(rec)
    carried = minutes_digest(definition_from_dict(genuine["session"]), genuine)
    return f"minutes carry {carried}, record gives {minutes_digest(definition_from_dict(rec['session']), rec)}"


TEXTS_LINE = "评议意见、未通过原因、复核说明与退回理由的本人签名"


def test_a_missing_text_signature_is_unsigned(altered: Any, demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    """The panel leader's signature of A001's opinion removed: texts.complete names it unsigned (the minutes'
    digest covers the signatures' list too); the texts line says the same."""
    def drop(rec: dict[str, Any]) -> None:
        assert rec["text_signatures"][0]["kind"] == "opinion" and rec["text_signatures"][0]["subject"] == "A001"
        rec["text_signatures"].pop(0)

    rep = altered(drop)
    assert _failed(rep) == {"texts.complete": "opinion:A001:panel_leader unsigned",
                            "digest.minutes": _digest_detail(_genuine(demo, demo_bundles), drop)}
    assert _bad_lines(rep)[TEXTS_LINE] == "opinion:A001:panel_leader unsigned"


def test_an_edited_opinion_differs_from_its_signed_text(altered: Any, demo: Packed,
                                                        demo_bundles: tuple[Path, Path]) -> None:
    """A001's opinion rewritten: its signature still verifies (over the old statement), but the statement
    rebuilt from the record differs: texts.complete says "text differs"; the minutes' digest differs."""
    def edit(rec: dict[str, Any]) -> None:
        rec["opinions"]["A001"] = "改过的意见"

    rep = altered(edit)
    assert _failed(rep) == {"texts.complete": "opinion:A001:panel_leader text differs",
                            "digest.minutes": _digest_detail(_genuine(demo, demo_bundles), edit)}
    assert _bad_lines(rep)[TEXTS_LINE] == "opinion:A001:panel_leader text differs"


def test_a_text_signature_filed_under_another_person(altered: Any, demo: Packed,
                                                     demo_bundles: tuple[Path, Path]) -> None:
    """The signature of A001's opinion (by its panel leader R02) filed under R16: it does not verify under R16's
    certificate (texts.signatures names kind, subject and person) and R16 is not the leader (texts.signers)."""
    def move(rec: dict[str, Any]) -> None:
        assert rec["text_signatures"][0]["person_id"] == "R02"
        rec["text_signatures"][0]["person_id"] = "R16"

    rep = altered(move)
    assert _failed(rep) == {"texts.signatures": "opinion:A001:R16",
                            "texts.signers": "opinion:A001:panel_leader signed by R16",
                            "digest.minutes": _digest_detail(_genuine(demo, demo_bundles), move)}
    assert _bad_lines(rep)[TEXTS_LINE] == "opinion:A001:panel_leader signed by R16"


def test_a_failure_reason_naming_another_author(altered: Any) -> None:
    """A002's failure reason says R16 wrote it; its leader signed it: only texts.signers refuses."""
    def author(rec: dict[str, Any]) -> None:
        rec["failure_reasons"]["A002"]["author_id"] = "R16"

    rep = altered(author)
    assert _failed(rep) == {"texts.authors": "failure_reason:A002 author differs"}  # split from texts.signers
    assert _bad_lines(rep) == {TEXTS_LINE: "failure_reason:A002 author differs"}


def test_a_failed_recompute_leaves_the_texts_checks_standing(altered: Any) -> None:
    """R02's sheet for A001 holds "x" for D1: nothing recomputes (InvalidOperation); the declared numbers are
    "not recomputed", the outcome is not final; the texts' checks still run and pass."""
    def bad(rec: dict[str, Any]) -> None:
        sh = rec["sheets"][0]
        assert (sh["reviewer_id"], sh["applicant_id"]) == ("R02", "A001") and "D1" in sh["values"]
        sh["values"]["D1"] = "x"

    rep = altered(bad)
    why = "InvalidOperation: [<class 'decimal.ConversionSyntax'>]"
    assert _failed(rep) == {"outcome.recompute": why, "outcome.declared": "not recomputed",
                            "signoffs.complete": "not recomputed", "outcome.final": "not final",
                            "digest.minutes": f"not recomputed: {why}"}


def test_a_record_claiming_a_rehearsal(altered: Any, demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    """The record's session says rehearsal; the package id, the device certificate and the register say
    official: the three marks refuse with both kinds named, and each section's line says so."""
    from zc_review.i18n import t

    def claim(rec: dict[str, Any]) -> None:
        rec["session"]["rehearsal"] = True

    genuine = _genuine(demo, demo_bundles)
    pid, sid = genuine["package_id"], genuine["session_id"]
    official, rehearsal = t("office.kind_official"), t("office.kind_rehearsal")
    assert (official, rehearsal) == ("正式", "演练")
    mark_package = t("office.mark_package", package=pid, id_kind=official, record=rehearsal)
    mark_device = t("office.mark_device", cert=official, record=rehearsal)
    register = t("office.register_kind", package=pid, registered=official, claimed=rehearsal)
    rep = altered(claim)
    assert _failed(rep) == {"record.package_mark": mark_package, "device.rehearsal_mark": mark_device,
                            "register.official": register, "digest.minutes": _digest_detail(genuine, claim)}
    lines = _bad_lines(rep)
    assert lines["结果数据结构"] == f"{sid}; {mark_package}"
    assert lines["封装签名设备为本会议的会话设备"] == f"会话设备 {sid}; {mark_device}"
    assert lines["评审包签发登记（设备证书、正式或演练、是否最新）"] == register


REGISTER_LINE = "评审包签发登记（设备证书、正式或演练、是否最新）"
REGISTER_LATER = ("register.device_cert", "register.official", "register.latest")


def test_a_package_id_the_office_never_issued(altered: Any, demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    """The record answers package 000…0: the signed manifest names the real one (record.package_id), the
    register does not know it (register.package), and the register's other checks are not made."""
    from zc_review.i18n import t

    genuine = _genuine(demo, demo_bundles)
    rep = altered(lambda rec: rec.update(package_id="0" * 32))
    unknown = t("office.register_unknown_package", package="0" * 32)
    not_checked = t("office.register_not_checked")
    assert _failed(rep) == {"record.package_id": f"manifest {genuine['package_id']!r}", "register.package": unknown,
                            **{i: not_checked for i in REGISTER_LATER}}
    assert _bad_lines(rep)[REGISTER_LINE] == unknown


@pytest.mark.parametrize("register", [None, b'{"x": 1}'])
def test_without_a_usable_register_nothing_of_it_is_checked(demo: Packed, demo_bundles: tuple[Path, Path],
                                                           tmp_path: Path, register: bytes | None) -> None:
    """The office keys without their register of issued packages, or with a register that is not one: the
    bundle is refused at register.present (the file named), and the register's four other checks are not made."""
    import shutil

    from zc_review.i18n import t
    from zc_review.seal.register import REGISTER_FILE
    from zc_review.service.office import verify_bundle

    keys = tmp_path / "keys"
    shutil.copytree(demo.keys, keys)
    path = keys / REGISTER_FILE
    if register is None:
        path.unlink()
        want = t("office.register_missing", path=str(path))
    else:
        path.write_bytes(register)
        want = t("office.register_invalid", path=str(path), why="register: malformed (ValueError: keys)")
    rep = verify_bundle(demo_bundles[1], keys)
    not_checked = t("office.register_not_checked")
    assert _failed(rep) == {"register.present": want, "register.package": not_checked,
                            **{i: not_checked for i in REGISTER_LATER}}
    assert _bad_lines(rep) == {REGISTER_LINE: want}


def test_a_round_rule_is_checked_on_closed_and_void_rounds_only() -> None:
    """ballot_checks._round_check builds one check from one round rule: the rule's problems over the rounds
    that are closed or void (an open round is ballots.round_status's business), joined, with the check's id."""
    from zc_review.service.office.ballot_checks import _round_check
    from zc_review.service.office.report import Check, Facts, VerifyReport

    seen: list[int] = []

    def rule(f: Facts, rnd: dict[str, Any]) -> list[str]:
        seen.append(rnd["round_no"])
        return [f"round {rnd['round_no']} odd"] if rnd["round_no"] % 2 else []

    f = Facts(report=VerifyReport(record={"rounds": [
        {"round_no": 1, "status": "closed"}, {"round_no": 2, "status": "void"},
        {"round_no": 3, "status": "open"}, {"round_no": 5, "status": "closed"}]}))
    assert _round_check("ballots.test", rule)(f) == Check("ballots.test", False, "round 1 odd; round 5 odd")
    assert seen == [1, 2, 5]
    f.report.record["rounds"] = [{"round_no": 2, "status": "closed"}]
    assert _round_check("ballots.test", rule)(f) == Check("ballots.test", True, "")


BALLOTS_LINE = "票箱指纹与票数（投票数 = 名册人数 ≤ 出席人数）"


def _ballots(rep: Any) -> dict[str, str]:
    return {i: d for i, d in _failed(rep).items() if i.startswith("ballots.")}


def test_a_voided_round_needs_a_reason_and_a_revote(altered: Any) -> None:
    """The demo has two rounds: 1 (main, 36 applicants, 16 voters) and 2 (run-off A001/A002, 16 voters).
    Round 1 voided with a reason but never voted again (no later round of the same applicants): refused."""
    def void(rec: dict[str, Any]) -> None:
        rec["rounds"][0].update(status="void", void_reason="计票有误")

    rep = altered(void)
    assert _ballots(rep) == {"ballots.void_revoted": "round 1 void without re-vote"}  # the reason: void_reason
    assert _bad_lines(rep)[BALLOTS_LINE] == "round 1 void without re-vote"


def test_a_voided_round_with_its_revote_passes_and_the_revote_needs_its_casts(altered: Any) -> None:
    """Round 1 voided with a reason, its ballot held again as round 3 (a revote of the same 36 applicants):
    the void is in order; but the log records no ballot_cast for round 3: "round 3 0 casts logged"."""
    def revote(rec: dict[str, Any]) -> None:
        again = json.loads(json.dumps(rec["rounds"][0]))
        again.update(round_no=3, kind="revote")
        rec["rounds"][0].update(status="void", void_reason="计票有误")
        rec["rounds"].append(again)

    rep = altered(revote)
    assert _ballots(rep) == {"ballots.casts_logged": "round 3 0 casts logged"}
    assert _bad_lines(rep)[BALLOTS_LINE] == "round 3 0 casts logged"


def test_a_voter_twice_on_the_roll(altered: Any) -> None:
    """Round 2's roll lists R01 twice (17 names, 16 ballot_cast entries logged): the roll is refused, and the
    casts logged (16) no longer match it."""
    rep = altered(lambda rec: rec["rounds"][1]["voters"].append("R01"))
    assert _ballots(rep) == {"ballots.voter_roll": "round 2 voter roll",
                             "ballots.casts_logged": "round 2 16 casts logged"}
    assert _bad_lines(rep)[BALLOTS_LINE] == "round 2 voter roll; round 2 16 casts logged"


def test_a_slip_for_an_applicant_outside_the_round_and_a_repeated_slip_id(altered: Any, demo: Packed,
                                                                         demo_bundles: tuple[Path, Path]) -> None:
    """Round 2 (A001, A002, 16 slips each): its first slip moved to A003 (not on the round) and its second slip
    given the first's id. Each rule names round 2: foreign slip, the box's fingerprint, the ballots per
    applicant (the moved slip leaves 15 for its applicant), duplicate slip."""
    def spoil(rec: dict[str, Any]) -> None:
        slips = rec["rounds"][1]["slips"]
        slips[0][1] = "A003"
        slips[1][0] = slips[0][0]

    first = _genuine(demo, demo_bundles)["rounds"][1]["slips"][0][1]
    assert first in ("A001", "A002")
    rep = altered(spoil)
    assert _ballots(rep) == {"ballots.slip_applicants": "round 2 foreign slip",
                             "ballots.box_fingerprint": "round 2 fingerprint",
                             "ballots.ballot_count": f"round 2 {first}: 15 ballots",
                             "ballots.slip_ids": "round 2 duplicate slip"}


def test_rounds_numbered_with_a_gap(altered: Any) -> None:
    """Round 2 renumbered 3: rounds are not 1..n, and round 3 has no ballot_cast logged (they say round 2)."""
    rep = altered(lambda rec: rec["rounds"][1].update(round_no=3))
    assert _ballots(rep) == {"ballots.round_numbers": "round numbers",
                             "ballots.casts_logged": "round 3 0 casts logged"}
    assert _bad_lines(rep)[BALLOTS_LINE] == "round numbers; round 3 0 casts logged"


def test_a_round_left_open_is_refused_and_not_counted(altered: Any) -> None:
    """Round 2 left open (and its roll emptied): ballots.round_status names it; the round rules skip it (its
    empty roll would otherwise fail the ballots per applicant); the line names only the open round."""
    rep = altered(lambda rec: rec["rounds"][1].update(status="open", voters=[]))
    assert _ballots(rep) == {"ballots.round_status": "round 2 open"}
    assert _bad_lines(rep)[BALLOTS_LINE] == "round 2 open"


def test_a_voter_not_attending(altered: Any) -> None:
    """R16 marked absent although on both rolls: 16 voters > 15 attending (the roll) and a voter not attending,
    in both rounds, in round order on the line."""
    rep = altered(lambda rec: rec["attendance"].update(R16=False))
    assert _ballots(rep) == {"ballots.voter_roll": "round 1 voter roll; round 2 voter roll",
                             "ballots.voters_attending": "round 1 voter not attending; round 2 voter not attending"}
    assert _bad_lines(rep)[BALLOTS_LINE] == ("round 1 voter roll; round 1 voter not attending; "
                                             "round 2 voter roll; round 2 voter not attending")


def _respelt(signature: str) -> str:
    """The base64 signature with a character inserted that a lenient decoder skips ("!" is not base64)."""
    return signature[:4] + "!" + signature[4:]


def test_a_statement_signature_respelt_with_a_character_base64_ignores(altered: Any, demo: Packed,
                                                                        demo_bundles: tuple[Path, Path]) -> None:
    """The first signed statement (R01's pledge) with "!" inserted in its base64: a lenient decoder would
    read the same bytes and the signature would verify; the strict one refuses it, naming kind and person."""
    first = _genuine(demo, demo_bundles)["signatures"][0]
    assert (first["kind"], first["person_id"]) == ("pledge", "R01")
    rep = altered(lambda rec: rec["signatures"][0].update(signature=_respelt(rec["signatures"][0]["signature"])))
    assert _failed(rep) == {"statements.signatures": "pledge:R01"}
    assert _bad_lines(rep) == {"承诺书、评分标准与结果签字": "pledge:R01"}


def test_a_text_signature_respelt_with_a_character_base64_ignores(altered: Any) -> None:
    """The signature of A001's opinion by R02 with "!" inserted: refused by the strict decoder."""
    def respell(rec: dict[str, Any]) -> None:
        sg = rec["text_signatures"][0]
        sg["signature"] = _respelt(sg["signature"])

    rep = altered(respell)
    assert _failed(rep) == {"texts.signatures": "opinion:A001:R02"}


def test_a_bundle_without_its_log_stops_at_the_record(demo: Packed, demo_bundles: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    """log.json left out of a re-sealed bundle: record.parse fails (a gate: nothing after it runs) with the
    missing member named; the seal's line still names the device."""
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", lambda m: m.pop("log.json")), demo.keys)
    assert [(c.id, c.ok, c.detail) for c in rep.checks] == [
        ("bundle.size", True, ""), ("seal.signature", True, ""), ("seal.contents", True, ""),
        ("record.parse", False, "KeyError: 'log.json'")]
    sid = _genuine(demo, demo_bundles)["session_id"]
    assert [tuple(ln) for ln in rep.lines] == [("封装、签名与加密", True, f"设备证书 会话设备 {sid}，链至组建单位根证书"),
                                               ("结果数据结构", False, "KeyError: 'log.json'")]


def test_a_bundle_sealed_for_another_office_stops_at_its_contents(demo: Packed, demo_bundles: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    """The same members signed by the session's device but encrypted to another office's age key: the
    signature verifies, the contents do not open (seal.contents, a gate), and the seal's line says why."""
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from zc_review.seal.bundle import write_bundle
    from zc_review.seal.pki import generate_office_keys
    from zc_review.service.office import verify_bundle

    contents = _open(demo, demo_bundles[1])
    other = generate_office_keys("另一个组建单位", datetime.now(UTC))
    data = write_bundle(dict(contents.members), session_id=contents.manifest["session_id"],
                        package_id=contents.manifest["package_id"],
                        device_key=load_der_private_key(demo.payload.device_key_der, None),  # type: ignore[arg-type]
                        device_cert=x509.load_pem_x509_certificate(demo.payload.device_cert_pem),
                        office_recipient=other.age_recipient, now=datetime.now(UTC))
    (tmp_path / "b.zcb").write_bytes(data)
    rep = verify_bundle(tmp_path / "b.zcb", demo.keys)
    assert [(c.id, c.ok) for c in rep.checks] == [("bundle.size", True), ("seal.signature", True),
                                                  ("seal.contents", False)]
    detail = rep.checks[-1].detail
    assert detail and rep.lines == [("封装、签名与加密", False, detail)]
    assert rep.signers == [] and rep.fingerprint == ""


def test_minutes_presided_by_someone_else_with_bytes_appended(demo: Packed, demo_bundles: tuple[Path, Path],
                                                              tmp_path: Path) -> None:
    """The record names R02 as presiding officer (R01 signed the minutes as such) and the minutes PDF has bytes
    appended after its last signature: the presiding officer's field is not signed by R02 (minutes.signers),
    the last signature no longer covers the file (minutes.coverage); the line lists both, in that order, and
    only the recorder is named among the signers of the minutes."""
    from zc_review.service.office import verify_bundle

    genuine = _genuine(demo, demo_bundles)
    assert genuine["presiding_officer_id"] == "R01"

    def change(members: dict[str, bytes]) -> None:
        _edit_record(lambda rec: rec.update(presiding_officer_id="R02"))(members)
        members["minutes.pdf"] += b"\n% appended\n"

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", change), demo.keys)
    failed = _failed(rep)
    assert {i: failed[i] for i in failed if i.startswith("minutes.")} == {
        "minutes.signers": "PresidingOfficer signer", "minutes.coverage": "unsigned bytes after last signature"}
    assert _bad_lines(rep)["会议记录 PDF 签名（记录人、主持人）"] == (
        "PresidingOfficer signer; unsigned bytes after last signature")
    assert [s for s in rep.signers if s.startswith("会议记录")] == [
        s for s in verify_bundle(demo_bundles[1], demo.keys).signers if s.startswith("会议记录") and "记录人" in s]


def _status(field: str) -> Any:
    from zc_review.seal.pdfsign import PdfSignatureStatus

    return PdfSignatureStatus(field, "x", True, True, True, True, True, None, "")


def test_the_minutes_fields_must_be_the_recorder_then_the_presiding_officer() -> None:
    """minutes.fields: exactly [Recorder, PresidingOfficer]; one field, or both in the other order, are named."""
    from zc_review.service.office.checks import _minutes_fields
    from zc_review.service.office.report import Check, Facts, VerifyReport

    f = Facts(report=VerifyReport())
    f.statuses = [_status("Recorder"), _status("PresidingOfficer")]
    assert _minutes_fields(f) == Check("minutes.fields", True, "")
    f.statuses = [_status("PresidingOfficer"), _status("Recorder")]
    assert _minutes_fields(f) == Check("minutes.fields", False, "fields PresidingOfficer,Recorder")
    f.statuses = [_status("Recorder")]
    assert _minutes_fields(f) == Check("minutes.fields", False, "fields Recorder")


def test_a_check_that_meets_malformed_json_fails_with_the_error(altered: Any) -> None:
    """The record without its "certificates": certs.chain meets a KeyError and fails with it (verify goes on),
    and the certificates' line, which meets it too, prints it."""
    rep = altered(lambda rec: rec.pop("certificates"))
    assert _failed(rep)["certs.chain"] == "KeyError: 'certificates'"
    assert _bad_lines(rep)["人员证书链"] == "KeyError: 'certificates'"


def test_an_unreadable_bundle_or_keys_without_the_root_are_errors(demo: Packed, tmp_path: Path) -> None:
    """A bundle path that is not there: bundle_unreadable naming it; an office keys folder without root-cert.pem:
    keys_missing naming the folder (both clear Chinese errors of the service, not a report)."""
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import verify_bundle

    with pytest.raises(ServiceError) as err:
        verify_bundle(tmp_path / "none.zcb", demo.keys)
    assert err.value.code == "bundle_unreadable" and err.value.params["path"] == str(tmp_path / "none.zcb")
    (tmp_path / "b.zcb").write_bytes(b"x")
    (tmp_path / "keys").mkdir()
    with pytest.raises(ServiceError) as err:
        verify_bundle(tmp_path / "b.zcb", tmp_path / "keys")
    assert (err.value.code, err.value.params) == ("keys_missing", {"path": str(tmp_path / "keys")})


def _with_register(demo: Packed, tmp_path: Path, change: Any) -> Path:
    """A copy of the office keys whose register's entry of the demo package is ``change(entry)``, signed again
    with the office root (seal.register)."""
    import dataclasses
    import shutil

    from zc_review.seal.pki import load_office_keys
    from zc_review.seal.register import REGISTER_FILE, open_register, seal_register

    keys_dir = tmp_path / "keys"
    shutil.copytree(demo.keys, keys_dir)
    keys = load_office_keys(keys_dir)
    reg = open_register((keys_dir / REGISTER_FILE).read_bytes(), keys.root_cert)
    entries = tuple(change(e) if e.package_id == demo.package_id else e for e in reg.entries)
    (keys_dir / REGISTER_FILE).write_bytes(seal_register(dataclasses.replace(reg, entries=entries), keys))
    return keys_dir


def _register_failures(demo: Packed, demo_bundles: tuple[Path, Path], keys_dir: Path) -> tuple[dict[str, str], str]:
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(demo_bundles[1], keys_dir)
    return _failed(rep), _bad_lines(rep).get(REGISTER_LINE, "")


def test_a_package_superseded_in_the_register(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    """The register says the demo package was replaced by P-NEWER (office recover): only register.latest fails,
    naming both packages; the register's line says the same."""
    import dataclasses

    from zc_review.i18n import t

    keys = _with_register(demo, tmp_path, lambda e: dataclasses.replace(e, superseded_by="P-NEWER"))
    want = t("office.register_superseded", package=demo.package_id, by="P-NEWER")
    assert _register_failures(demo, demo_bundles, keys) == ({"register.latest": want}, want)


def test_a_register_naming_another_device_certificate(demo: Packed, demo_bundles: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    """The register's entry names another device certificate (abab…): register.device_cert shows the first 16
    hex digits of the certificate that sealed the bundle and of the registered one."""
    import dataclasses

    from zc_review.i18n import t
    from zc_review.seal.certs import cert_sha256

    signer = _open(demo, demo_bundles[1]).signer_cert
    keys = _with_register(demo, tmp_path, lambda e: dataclasses.replace(e, device_cert_sha256="ab" * 32))
    want = t("office.register_device_cert", package=demo.package_id, got=cert_sha256(signer)[:16],
             issued="ab" * 8)
    assert _register_failures(demo, demo_bundles, keys) == ({"register.device_cert": want}, want)


def test_a_package_registered_for_another_session(demo: Packed, demo_bundles: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    """The register has the package for session OTHER-S: register.package names the package, the registered
    session and the bundle's; the checks that need the entry are not made."""
    import dataclasses

    from zc_review.i18n import t

    keys = _with_register(demo, tmp_path, lambda e: dataclasses.replace(e, session_id="OTHER-S"))
    sid = _genuine(demo, demo_bundles)["session_id"]
    want = t("office.register_other_session", package=demo.package_id, registered="OTHER-S", session=sid)
    not_checked = t("office.register_not_checked")
    assert _register_failures(demo, demo_bundles, keys) == (
        {"register.package": want, **{i: not_checked for i in REGISTER_LATER}}, want)


def test_the_register_line_of_a_rehearsal_says_rehearsal() -> None:
    """All register checks passed for a rehearsal package: the line says 演练 (rehearsal), not 正式."""
    import dataclasses

    from tests.unit.test_outcome_record import session
    from zc_review.i18n import t
    from zc_review.seal.register import IssuedPackage, Register
    from zc_review.service.office.register_checks import _line
    from zc_review.service.office.report import Facts, VerifyReport

    defn = dataclasses.replace(session(3, {"G": ("A1",)}), rehearsal=True)
    f = Facts(report=VerifyReport(record={"package_id": "rehearsal-p1"}, definition=defn))
    f.register = Register("0" * 64, (IssuedPackage("rehearsal-p1", defn.session_id, True, "0" * 64, "t"),))
    assert _line(f) == t("office.register_ok", package="rehearsal-p1", kind="演练")


def test_a_bundle_above_one_gibibyte_is_refused_before_it_is_read() -> None:
    """bundle.size: 1 GiB (1,073,741,824 bytes) is accepted, one byte more is "file too large"."""
    from zc_review.service.office.checks import _bundle_size
    from zc_review.service.office.report import Check, Facts, VerifyReport

    assert _bundle_size(Facts(report=VerifyReport(), size=1024 ** 3)) == Check("bundle.size", True, "")
    assert _bundle_size(Facts(report=VerifyReport(), size=1024 ** 3 + 1)) == Check("bundle.size", False,
                                                                                   "file too large")


def test_a_check_reporting_another_id_is_a_programming_error() -> None:
    """The registry runs each check under its own id: a check function that returns a Check with another id
    is a bug in the verifier, raised (not turned into a failed check) with both ids named; a check that
    raises a data error becomes a failed check whose detail is the error's type and text."""
    from zc_review.service.office.report import Check, Facts, Spec, VerifyReport
    from zc_review.service.office.verify import _run_check

    facts = Facts(report=VerifyReport())
    with pytest.raises(AssertionError, match=r"^check log\.head reported as log\.chain$"):
        _run_check(Spec("log.head", lambda f: Check("log.chain", True)), facts)

    def broken(f: Any) -> Check:
        raise KeyError("rounds")

    assert _run_check(Spec("log.head", broken), facts) == Check("log.head", False, "KeyError: 'rounds'")


def test_the_draw_records_detail_in_full_and_an_unreadable_register(demo: Packed, demo_bundles: tuple[Path, Path],
                                                                    tmp_path: Path) -> None:
    """``draw.record``'s detail, word for word: a genuine record of the demo's 17 reviewers signed by 2 (staff,
    supervisor) says seed, 17, 2 and the minute of drawing (``drawn_at``'s first 16 characters, UTC); the same
    file with one byte changed fails with ``ok is False`` (not merely falsy) and names the file and why.
    A register that exists but cannot be read (a folder in its place) is ``register_unreadable`` naming it."""
    from tests.service.test_verify_each_check import _draw_record, _one_byte_edited, base
    from zc_review.i18n import t
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import verify_bundle
    from zc_review.service.office.register_checks import DRAW_RECORDS

    b = base.__wrapped__(demo, demo_bundles)  # type: ignore[attr-defined]
    made = _draw_record(b, tmp_path / "ok")
    body = json.loads((made.keys / DRAW_RECORDS / f"{demo.package_id}.json").read_bytes())["body"]
    assert len(body["members"]) == 17 and len(body["signers"]) == 2
    draw = next(c for c in verify_bundle(made.bundle, made.keys).checks if c.id == "draw.record")
    assert (draw.ok, draw.detail) == (True, t("office.draw_ok", seed="2025112036", members=17, signers=2,
                                                at=body["drawn_at"][:16]))
    edited = _draw_record(b, tmp_path / "edited", edit=_one_byte_edited)
    draw = next(c for c in verify_bundle(edited.bundle, edited.keys).checks if c.id == "draw.record")
    path = edited.keys / DRAW_RECORDS / f"{demo.package_id}.json"
    assert draw.ok is False and draw.detail.startswith(f"抽取记录 {path} 已被改动或签名无效（"), draw.detail
    assert "（None）" not in draw.detail and "（）" not in draw.detail

    keys = made.keys
    register = keys / "issued-packages.json"
    register.unlink()
    register.mkdir()
    with pytest.raises(ServiceError) as err:
        verify_bundle(made.bundle, keys)
    assert err.value.code == "register_unreadable" and err.value.params["path"] == str(register)


def test_a_declared_number_replaced_by_a_text_is_named_with_both_values(altered: Any) -> None:
    """``declared.applicants.A020`` replaced by the text "x" (not an object): ``outcome.declared`` fails naming
    that path, the text declared and the recomputed object (the comparison descends only where both sides are
    objects; it does not break on the text)."""
    rep = altered(lambda r: r["declared"]["applicants"].update(A020="x"))
    detail = _failed(rep)["outcome.declared"]
    assert detail.startswith("/applicants/A020: 'x' ≠ {"), detail
