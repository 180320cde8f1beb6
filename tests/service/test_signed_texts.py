"""Issue 12 §2: two officers cannot rewrite a failure reason, an opinion, a guidance, an explanation or a return.

Every such text is signed by its author (domain/signed_texts.py) and the signed minutes carry a digest of
every number and text of the record they print (domain/digest.py), which the office recomputes. The attacks
hold what the chair's and the supervisor's opening secrets give (the package's payload: the session device
key, so bundles are re-sealed as genuine) and, where said, some officers' personal credentials.
docs/SECURITY.md "Insiders with real keys" cites these tests.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed, index_of, new_room, room_from_db
from tests.service.test_security_verify import reseal

FALSE = "伪造：申报材料存在弄虚作假情形"  # a text nobody in the room wrote
FAILED = "A004"  # below 2/3 in the demo; panel P-JZ, leader R02 (not the chair)
LEADER, CHAIR, RECORDER, SUPERVISOR = "R02", "R01", "S02", "S01"
FLAGGED, OUTLIER, RETURNED = "A004", "R08", "R07"  # the flagged session: R08 scores A004's material 0


# -- a session with a disagreement explanation and a returned sheet ------------------------------------------

def _flagged_actions(demo: Packed) -> list[dict[str, Any]]:
    acts = copy.deepcopy(demo.script["actions"])
    hit = [a for a in acts if a["action"] == "scores" and a["reviewer"] == OUTLIER and a["applicant"] == FLAGGED]
    assert hit
    for a in hit:  # A004 fails on the vote whatever its composite: the outcomes stay the demo's
        a["values"] = {k: ("0" if k.startswith("M") and v not in (None, "-", "NA") else v) for k, v in a["values"].items()}
    return acts


@pytest.fixture(scope="module")
def flagged_db(demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with R08 flagged on A004 (explained), R07's A004 sheet returned and resubmitted, played up
    to the minutes' signatures (minutes generated, unsigned)."""
    from sqlalchemy import text

    from zc_review.service.script import ScriptRunner

    acts = _flagged_actions(demo)
    db = tmp_path_factory.mktemp("flagged") / "session.db"
    room = new_room(demo, db)
    runner = ScriptRunner(room, demo.secrets, db.parent / "usb")
    poll = index_of(demo, "open_poll")
    runner.run(acts[:poll])
    assert OUTLIER in room.panel.panel_scores(runner.actor(OUTLIER), FLAGGED).concerned
    room.panel.explain_flag(runner.actor(OUTLIER), FLAGGED, "该申报人代表性业绩不足，维持原评分。")
    values = room.scoring.sheet_values(room.scoring.current_sheet(RETURNED, FLAGGED))
    room.scoring.return_sheet(runner.actor(LEADER), runner.actor(SUPERVISOR), RETURNED, FLAGGED, "请复核第2项")
    room.scoring.save_scores(runner.actor(RETURNED), FLAGGED, values, submit=True)
    runner.run(acts[poll:index_of(demo, "sign_minutes")])
    with room.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    room.engine.dispose()
    return db


@pytest.fixture(scope="module")
def flagged_bundle(demo: Packed, flagged_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagged session exported as a genuine bundle."""
    room, runner = room_from_db(demo, flagged_db, tmp_path_factory.mktemp("flagged-home"))
    runner.run([a for a in demo.script["actions"][index_of(demo, "sign_minutes"):] if a["action"] != "export"])
    path, _ = room.closing.export_bundle(runner.recorder, tmp_path_factory.mktemp("flagged-usb"))
    room.engine.dispose()
    return path


def _verify(demo: Packed, bundle: Path) -> Any:
    from zc_review.service.office import verify_bundle

    return verify_bundle(bundle, demo.keys)


def test_genuine_bundles_carry_every_text_signature(demo: Packed, demo_bundles: tuple[Path, Path],
                                                    flagged_bundle: Path) -> None:
    from zc_review.domain.signed_texts import EXPLANATION, FAILURE_REASON, OPINION, SHEET_RETURN

    for bundle in (demo_bundles[1], flagged_bundle):
        rep = _verify(demo, bundle)
        assert rep.ok, rep.failures()
    rep = _verify(demo, flagged_bundle)
    kinds = [(sg["kind"], sg["role"], sg["person_id"]) for sg in rep.record["text_signatures"]]
    assert (EXPLANATION, "reviewer", OUTLIER) in kinds
    assert {(SHEET_RETURN, "panel_leader", LEADER), (SHEET_RETURN, "supervisor", SUPERVISOR)} <= set(kinds)
    assert sum(k == OPINION for k, _, _ in kinds) == len(rep.record["opinions"])
    assert sum(k == FAILURE_REASON for k, _, _ in kinds) == len(rep.record["failure_reasons"])
    # the statement names the session, the subject and the exact text
    sg = next(s for s in rep.record["text_signatures"] if s["kind"] == FAILURE_REASON and s["subject"] == FAILED)
    fr = rep.record["failure_reasons"][FAILED]
    assert json.loads(sg["statement"]) == {"format": "zc-review signed text", "version": 1, "kind": FAILURE_REASON,
                                           "session": rep.session_id, "subject": FAILED,
                                           "text": {"reason": fr["reason"], "guidance": fr["guidance"]}}
    # every write is logged with the statement's digest
    log = json.loads(_members(demo, flagged_bundle)["log.json"])
    assert all("statement_sha256" in e["detail"] for e in log
               if e["action"] in ("opinion_written", "failure_reason_written", "flag_explained", "sheet_returned"))


def _members(demo: Packed, bundle: Path) -> dict[str, bytes]:
    from zc_review.seal.bundle import open_bundle
    from zc_review.seal.pki import load_office_keys

    keys = load_office_keys(demo.keys)
    return dict(open_bundle(bundle.read_bytes(), [keys.root_cert], keys.age_identity).members)


# -- attack 1: rewrite results.json and re-seal with the device key -----------------------------------------

def _edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        rec = json.loads(members["results.json"])
        edit(rec)
        members["results.json"] = json.dumps(rec, ensure_ascii=False).encode()
    return change


def _set_reason(rec: dict[str, Any]) -> None:
    rec["failure_reasons"][FAILED]["reason"] = FALSE


def _set_guidance(rec: dict[str, Any]) -> None:
    rec["failure_reasons"][FAILED]["guidance"] = FALSE


def _set_opinion(rec: dict[str, Any]) -> None:
    rec["opinions"]["A001"] = FALSE


def _set_explanation(rec: dict[str, Any]) -> None:
    rec["flag_explanations"][0]["text"] = FALSE


def _set_return(rec: dict[str, Any]) -> None:
    next(s for s in rec["sheets"] if s["status"] == "returned")["return_reason"] = FALSE


@pytest.mark.parametrize("edit", [_set_reason, _set_guidance, _set_opinion, _set_explanation],
                         ids=["reason", "guidance", "opinion", "explanation"])
def test_text_rewritten_with_the_device_key_is_refused(demo: Packed, flagged_bundle: Path, tmp_path: Path,
                                                       edit: Callable[[dict[str, Any]], None]) -> None:
    """The officers' opening secrets give the device key; the author's signature and the minutes disagree."""
    rep = _verify(demo, reseal(demo, flagged_bundle, tmp_path / "b.zcb", _edit(edit)))
    assert rep.failed_ids() == ["texts.complete", "digest.minutes"], rep.failures()


def test_return_reason_rewritten_with_the_device_key_is_refused(demo: Packed, flagged_bundle: Path,
                                                                tmp_path: Path) -> None:
    rep = _verify(demo, reseal(demo, flagged_bundle, tmp_path / "b.zcb", _edit(_set_return)))
    assert rep.failed_ids() == ["texts.complete", "digest.minutes"], rep.failures()
    detail = next(c.detail for c in rep.checks if c.id == "texts.complete")
    assert "sheet_return" in detail and "panel_leader" in detail and "supervisor" in detail


def _key(demo: Packed, person: str) -> Any:
    from zc_review.seal.credentials import CredentialRecord, check_credential

    return check_credential(CredentialRecord.from_dict(demo.payload.credentials[person]), demo.secrets.persons[person])


def _resign(demo: Packed, rec: dict[str, Any], kind: str, subject: str, role: str, *, by: str, as_person: str,
            text: dict[str, str]) -> None:
    """Replace the record's signature of a text by ``by``'s signature, filed under ``as_person``."""
    from zc_review.domain.signed_texts import statement
    from zc_review.seal.statements import sign_statement

    data = statement(rec["session_id"], kind, subject, text)
    sg = next(s for s in rec["text_signatures"] if (s["kind"], s["subject"], s["role"]) == (kind, subject, role))
    sg.update(person_id=as_person, statement=data.decode("utf-8"),
              signature=base64.b64encode(sign_statement(_key(demo, by), data)).decode())


@pytest.mark.parametrize(("as_person", "failed"), [(CHAIR, ["texts.signers", "texts.authors", "digest.minutes"]),
                                                   (LEADER, ["texts.signatures", "digest.minutes"])],
                         ids=["filed-as-chair", "filed-as-leader"])
def test_chair_signing_a_false_reason_with_his_own_credential_is_refused(
        demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path, as_person: str, failed: list[str]) -> None:
    """The chair holds an opening secret and his personal credential, but is not the panel's leader."""
    def edit(rec: dict[str, Any]) -> None:
        fr = rec["failure_reasons"][FAILED]
        fr["reason"] = FALSE
        _resign(demo, rec, "failure_reason", FAILED, "panel_leader", by=CHAIR, as_person=as_person,
                text={"reason": FALSE, "guidance": fr["guidance"]})

    rep = _verify(demo, reseal(demo, demo_bundles[1], tmp_path / "b.zcb", _edit(edit)))
    assert rep.failed_ids() == failed, rep.failures()


# -- attack 2: re-render the minutes with the false text and sign them ---------------------------------------

def forge(demo: Packed, template: Path, home: Path, *, kind: str, credentials: set[str]) -> Path:
    """Rewrite one text in a copy of the session database, render the minutes again, sign them and seal a
    bundle with the device key, holding only ``credentials`` (person ids) of the people who must sign.

    With the author's credential the text is rewritten through the room (so it is signed anew); without
    it, straight in the database. A minutes field whose signer's credential is missing is signed with
    the other minutes signer's key (the attacker has nothing better).
    """
    from sqlalchemy import text as sql

    room, runner = room_from_db(demo, template, home)
    author = OUTLIER if kind == "explanation" else LEADER
    table, column, where = {
        "reason": ("failurereason", "reason", f"applicant_id = '{FAILED}'"),
        "guidance": ("failurereason", "guidance", f"applicant_id = '{FAILED}'"),
        "opinion": ("panelopinion", "text", "applicant_id = 'A001'"),
        "explanation": ("flagexplanation", "text", f"applicant_id = '{FLAGGED}' AND reviewer_id = '{OUTLIER}'"),
    }[kind]
    if author in credentials:  # the author writes it again: the room signs it with their key
        with room.engine.begin() as conn:  # texts are closed once the results are final: reopen them
            conn.execute(sql("DELETE FROM document"))
            conn.execute(sql("UPDATE sessionstate SET results_final_at = NULL"))
        actor = runner.actor(author)
        if kind == "opinion":
            room.scoring.write_opinion(actor, "A001", FALSE)
        elif kind == "explanation":
            room.panel.explain_flag(actor, FLAGGED, FALSE)
        with room.engine.begin() as conn:
            conn.execute(sql("UPDATE sessionstate SET results_final_at = opened_at"))
        room.ctx.generation += 1
        if kind in ("reason", "guidance"):
            fr = room.closing.failure_reasons()[FAILED]
            room.closing.write_failure_reason(actor, FAILED, FALSE if kind == "reason" else fr.reason,
                                              FALSE if kind == "guidance" else fr.guidance)
    else:
        with room.engine.begin() as conn:
            n = conn.execute(sql(f"UPDATE {table} SET {column} = :t WHERE {where}"), {"t": FALSE}).rowcount
        assert n == 1
    return _sign_and_seal(room, runner, home, credentials)


def _sign_and_seal(room: Any, runner: Any, home: Path, credentials: set[str]) -> Path:
    """Render the minutes from the (tampered) database, sign them as far as ``credentials`` allow, seal."""
    from zc_review.documents.minutes import signature_boxes
    from zc_review.seal.bundle import write_bundle
    from zc_review.seal.pdfsign import sign_pdf
    from zc_review.service.room.minutes_view import render_minutes_for

    pdf = render_minutes_for(room.closing, room.outcome())
    boxes = signature_boxes(pdf)
    signers = [p for p in (RECORDER, CHAIR) if p in credentials]
    for field, person, box in (("Recorder", RECORDER, boxes["recorder"]), ("PresidingOfficer", CHAIR, boxes["presiding"])):
        actor = runner.actor(person if person in credentials else signers[0])
        pdf = sign_pdf(pdf, actor.key, actor.cert, [room.ctx.root_cert], field_name=field, reason="签署",
                       location=room.defn.venue, signer_label=actor.name, now=room.ctx.clock(),
                       box=tuple(int(v) for v in box.box), page=box.page_index)  # type: ignore[arg-type]
    room.closing.minutes_pdf = lambda: pdf  # type: ignore[method-assign]
    data = write_bundle(room.closing.bundle_members(), session_id=room.defn.session_id,
                        package_id=room.ctx.package_id, device_key=room.ctx.device_key,
                        device_cert=room.ctx.device_cert, office_recipient=room.ctx.payload.office_recipient,
                        now=room.ctx.clock())
    room.engine.dispose()
    out = home / "forged.zcb"
    out.write_bytes(data)
    return out


@pytest.mark.parametrize("kind", ["reason", "guidance", "opinion", "explanation"])
def test_minutes_rerendered_and_signed_by_recorder_and_presiding_still_refused(
        demo: Packed, flagged_db: Path, tmp_path: Path, kind: str) -> None:
    """The minutes now print the false text and their digest matches the record; the author's signature
    over the text does not."""
    rep = _verify(demo, forge(demo, flagged_db, tmp_path, kind=kind, credentials={RECORDER, CHAIR}))
    assert rep.failed_ids() == ["texts.complete"], rep.failures()


# -- the claim of docs/SECURITY.md: exactly which credentials make a consistent false text ------------------

@pytest.mark.parametrize(("credentials", "failed"), [
    ({LEADER, RECORDER, CHAIR}, []),  # the committee's own signers of that text: a consistent false session
    ({RECORDER, CHAIR}, ["texts.complete"]),  # without the panel leader
    ({LEADER, CHAIR}, ["minutes.signers"]),  # without the recorder
    ({LEADER, RECORDER}, ["minutes.signers"]),  # without the presiding officer
], ids=["all-three", "no-leader", "no-recorder", "no-presiding"])
def test_false_reason_needs_leader_recorder_and_presiding(demo: Packed, flagged_db: Path, tmp_path: Path,
                                                          credentials: set[str], failed: list[str]) -> None:
    """Both opening secrets (the device key) + the panel leader + the recorder + the presiding officer can
    rewrite a failure reason consistently; with one credential fewer the office refuses."""
    rep = _verify(demo, forge(demo, flagged_db, tmp_path, kind="reason", credentials=credentials))
    assert rep.failed_ids() == failed, rep.failures()
    if not failed:
        assert rep.ok and rep.record["failure_reasons"][FAILED]["reason"] == FALSE


def test_false_explanation_needs_its_reviewer(demo: Packed, flagged_db: Path, tmp_path: Path) -> None:
    """An explanation is the reviewer's own: the leader, recorder and presiding officer together cannot
    rewrite it; with the reviewer's credential too they can."""
    rep = _verify(demo, forge(demo, flagged_db, tmp_path / "a", kind="explanation",
                              credentials={LEADER, RECORDER, CHAIR}))
    assert rep.failed_ids() == ["texts.complete"], rep.failures()
    rep = _verify(demo, forge(demo, flagged_db, tmp_path / "b", kind="explanation",
                              credentials={OUTLIER, RECORDER, CHAIR}))
    assert rep.ok, rep.failures()


def test_false_score_needs_every_attending_reviewer(demo: Packed, minutes_ready_db: Path, tmp_path: Path) -> None:
    """A changed score sheet changes the declared numbers: the results must be signed off again by every
    attending reviewer; with all of them (and the recorder and presiding officer) the forgery is consistent,
    with one reviewer fewer the office refuses."""
    from sqlalchemy import text as sql

    def tamper(home: Path, missing: str | None) -> Path:
        room, runner = room_from_db(demo, minutes_ready_db, home)
        with room.engine.begin() as conn:
            sid, values = conn.execute(sql("SELECT id, values_json FROM scoresheet WHERE applicant_id = :a AND "
                                           "status = 'submitted' ORDER BY id LIMIT 1"), {"a": FAILED}).one()
            vals = json.loads(values)
            vals["M2"] = str(max(0, int(float(vals["M2"])) - 4))
            conn.execute(sql("UPDATE scoresheet SET values_json = :v WHERE id = :i"), {"v": json.dumps(vals), "i": sid})
            conn.execute(sql("DELETE FROM signature WHERE kind = 'results'"))
        room.ctx.generation += 1  # the database changed behind the room's back
        for r in room.ctx.attending_ids():
            if r != missing:
                room.closing.sign_off_results(runner.actor(r))
        return _sign_and_seal(room, runner, home, {RECORDER, CHAIR})

    rep = _verify(demo, tamper(tmp_path / "all", None))
    assert rep.ok, rep.failures()
    rep = _verify(demo, tamper(tmp_path / "one-fewer", "R05"))
    assert rep.failed_ids() == ["signoffs.complete"], rep.failures()


# -- the digest -----------------------------------------------------------------------------------------------

def test_minutes_print_and_carry_the_digest_of_the_record(demo: Packed, flagged_bundle: Path) -> None:
    from pypdf import PdfReader

    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.digest import minutes_digest
    from zc_review.service.office.text_checks import _catalog_digest

    members = _members(demo, flagged_bundle)
    rec = json.loads(members["results.json"])
    digest = minutes_digest(definition_from_dict(rec["session"]), rec)
    assert _catalog_digest(members["minutes.pdf"]) == digest
    import io

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(members["minutes.pdf"])).pages)
    assert digest in "".join(text.split())  # printed in section 13 (a long hex may wrap)


@pytest.mark.parametrize("edit", [
    lambda r: r["recusals"][0].update(reason=FALSE),
    lambda r: r["attendance"].update({next(iter(r["attendance"])): False}),
    lambda r: r["rounds"][0].update(missing_voters=r["rounds"][0]["missing_voters"] + 1),
    lambda r: r.update(presiding_officer_id="R02"),
    lambda r: r["signatures"][0].update(signed_at="2000-01-01T00:00:00+00:00"),
    lambda r: r["sheets"][0].update(return_reason=FALSE),
], ids=["recusal-reason", "attendance", "round", "presiding", "signoff-time", "sheet"])
def test_digest_covers_recusals_attendance_rounds_and_signoffs(demo: Packed, demo_bundles: tuple[Path, Path],
                                                              edit: Callable[[dict[str, Any]], None]) -> None:
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.digest import minutes_digest

    rec = json.loads(_members(demo, demo_bundles[1])["results.json"])
    defn = definition_from_dict(rec["session"])
    before = minutes_digest(defn, rec)
    changed = copy.deepcopy(rec)
    edit(changed)
    assert minutes_digest(defn, changed) != before
    # the log, the declared copy and the signatures' bytes are not what the minutes print
    same = copy.deepcopy(rec)
    same["log_head"], same["declared"] = "x", {}
    assert minutes_digest(defn, same) == before


def test_security_doc_states_the_combination(demo: Packed) -> None:
    text = (ROOT / "docs/SECURITY.md").read_text("utf-8")
    assert "test_false_reason_needs_leader_recorder_and_presiding" in text
    assert "every attending reviewer" in text

