"""The raw record of a session: everything the room recorded, as JSON-safe data (results.json).

One function builds it for the room's outcome, the minutes and the bundle; the office recomputes every
number from the same shape (domain/outcome.py). Ballot slips are listed sorted by their random id and voter
rolls sorted by reviewer id: neither carries cast order. Source: issue 2 §7–8; docs/FORMATS.md.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from zc_review.domain.model import BallotMode
from zc_review.domain.signed_texts import TEXT_KINDS
from zc_review.domain.tally import Keying, parse_keying_statement, tally_record, tally_state
from zc_review.storage import repo
from zc_review.storage.models import PaperSheet, PollRound, Signature

if TYPE_CHECKING:
    from zc_review.service.room.context import RoomContext

RECORD_FORMAT = "zc-review-record"
RECORD_VERSION = 1


def _signature(sg: Signature) -> dict[str, str]:
    return {"kind": sg.kind, "subject": sg.subject, "role": sg.role, "person_id": sg.person_id,
            "signed_at": sg.signed_at.isoformat(), "statement": sg.statement.decode("utf-8"),
            "signature": base64.b64encode(sg.signature).decode()}


def paper_entry(row: PaperSheet) -> dict[str, Any]:
    """The record's entry of one keyed paper sheet, without its confirmation: sheet id, reviewer, applicant,
    rubric and version, check code, keyings [{keyer, at, values}], mismatches, the sheet version it became."""
    keyings = [{"keyer": row.first_keyer, "at": row.first_at.isoformat(), "values": json.loads(row.first_values_json)}]
    if row.second_keyer is not None and row.second_values_json is not None and row.second_at is not None:
        keyings.append({"keyer": row.second_keyer, "at": row.second_at.isoformat(),
                        "values": json.loads(row.second_values_json)})
    return {"sheet_id": row.sheet_id, "reviewer_id": row.reviewer_id, "applicant_id": row.applicant_id,
            "rubric_id": row.rubric_id, "rubric_version": row.rubric_version, "check_code": row.check_code,
            "keyings": keyings, "mismatches": json.loads(row.mismatches_json), "sheet_version": row.sheet_version}


def paper_entries(ctx: RoomContext) -> list[dict[str, Any]]:
    """The record's ``paper_sheets`` (issue 14): every keyed sheet by id, with its keyings, mismatches and
    confirmation (``{person_id, role, signed_at, statement, signature}`` or None). Source: docs/FORMATS.md."""
    from zc_review.domain.paper import SIGNATURE_KIND

    with ctx.read() as s:
        rows = repo.paper_sheets(session=s)
        sigs = {sg.subject: sg for sg in repo.signatures(session=s, kind=SIGNATURE_KIND)}
    out = []
    for row in rows:
        entry = paper_entry(row)
        sg = sigs.get(row.sheet_id)
        entry["confirmation"] = None if sg is None else _signature(sg) | {"role": sg.role}
        if entry["confirmation"] is not None:
            for k in ("kind", "subject"):
                del entry["confirmation"][k]
        out.append(entry)
    return out
def _paper_signatures(s: Any) -> tuple[list[tuple[int, Keying]], dict[int, str]]:
    """(round, keying) of every teller's signed keying in the order keyed, and round → witness id."""
    keyings = []
    for sg in repo.signatures(session=s, kind="tally_keying"):
        _sid, rnd, pass_no, teller, counts = parse_keying_statement(sg.statement.decode("utf-8"))
        keyings.append((rnd, Keying(pass_no, teller, counts)))
    witness = {int(sg.subject.removeprefix("round-")): sg.person_id
               for sg in repo.signatures(session=s, kind="tally_witness")}
    return keyings, witness


def _paper_tally(r: PollRound, keyings: list[Keying], witness: str | None) -> dict[str, Any]:
    return tally_record(keyings, tally_state(json.loads(r.applicants_json), keyings), witness)


def build_record(ctx: RoomContext, *, with_log: bool = False) -> dict[str, Any]:
    """The raw record of ``ctx``'s session (results.json in the bundle, minus "declared").

    Args: with_log: include the whole hash-chained log (the bundle's log.json) under "log".
    Returns: dict with format, version, session_id, package_id, opened_at, presiding_officer_id,
        attendance, recusals, sheets, rounds (an open round's slips never listed), signatures (pledges,
        rubric and result sign-offs), text_signatures (the authors' signatures of the opinions, failure
        reasons, flag explanations and returned sheets: domain/signed_texts.py), opinions,
        failure_reasons, certificates, log, flag_explanations, paper_sheets (room/paper_sheets.py).
    """
    paper_mode = ctx.defn.ballot_mode is BallotMode.PAPER
    with ctx.read() as s:
        paper_keyings, paper_witness = _paper_signatures(s) if paper_mode else ([], {})
        rounds = []
        for r in repo.rounds(session=s):
            slips = repo.slips_of_round(session=s, round_no=r.round_no) if r.status != "open" else []  # by id
            voters = sorted(repo.voters_of_round(session=s, round_no=r.round_no))
            entry = {
                "round_no": r.round_no, "kind": r.kind, "status": r.status,
                "applicants": json.loads(r.applicants_json), "group_id": r.group_id, "slots": r.slots,
                "opened_at": r.opened_at.isoformat(),
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "closed_by_role": r.closed_by_role, "forced": r.forced, "missing_voters": r.missing_voters,
                "void_reason": r.void_reason, "box_sha256": r.box_sha256, "voters": voters,
                # an open round's box is never exported: no count of an incomplete box
                "slips": [list(x) for x in slips],
            }
            if paper_mode:  # the tellers' keyings, the agreed counts and the witness (FORMATS.md "Paper rounds")
                keyings = [k for k in paper_keyings if k[0] == r.round_no]
                entry["medium"] = "paper"
                entry["tally"] = _paper_tally(r, [k[1] for k in keyings], paper_witness.get(r.round_no))
            rounds.append(entry)
        sheets = [{
            "reviewer_id": sh.reviewer_id, "applicant_id": sh.applicant_id, "version": sh.version,
            "status": sh.status, "rubric_id": sh.rubric_id, "rubric_version": sh.rubric_version,
            "values": json.loads(sh.values_json), "saved_at": sh.saved_at.isoformat(),
            "submitted_at": sh.submitted_at.isoformat() if sh.submitted_at else None,
            "return_reason": sh.return_reason,
        } for sh in repo.all_sheets(session=s)]
        attendance = repo.attendance(session=s)
        reasons = {f.applicant_id: {"reason": f.reason, "guidance": f.guidance, "author_id": f.author_id}
                   for f in repo.failure_reasons(session=s)}
        opinions = {o.applicant_id: o.text for o in repo.opinions(session=s)}
        explanations = sorted((e.applicant_id, e.reviewer_id, e.text) for e in repo.flag_explanations(session=s))
        signatures = [sg for kind in ("pledge", "rubric", "results", "tally_keying", "tally_witness")
                      for sg in repo.signatures(session=s, kind=kind)]
        text_signatures = [sg for kind in TEXT_KINDS for sg in repo.signatures(session=s, kind=kind)]
        recusals = repo.recusals(session=s)
        st = repo.session_state(session=s)
        assert st is not None
        log = [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor_id, "role": e.role, "action": e.action,
                "detail": json.loads(e.detail_json), "prev_hash": e.prev_hash, "hash": e.hash}
               for e in repo.log_entries(session=s)] if with_log else []
    return {
        "format": RECORD_FORMAT, "version": RECORD_VERSION,
        "session_id": ctx.defn.session_id, "package_id": ctx.package_id,
        "opened_at": st.opened_at.isoformat(),
        "presiding_officer_id": st.presiding_officer_id,
        "attendance": attendance,
        "recusals": [{"reviewer_id": r.reviewer_id, "applicant_id": r.applicant_id, "reason": r.reason,
                      "source": r.source, "recorded_at": r.recorded_at.isoformat()} for r in recusals],
        "sheets": sheets,
        "rounds": rounds,
        "signatures": [_signature(sg) for sg in signatures],
        # the authors' signatures of the opinions, failure reasons, explanations and returns (issue 12 §2)
        "text_signatures": [_signature(sg) for sg in text_signatures],
        "opinions": opinions,
        "failure_reasons": reasons,
        "certificates": {pid: (rec.cert_pem if isinstance(rec.cert_pem, str) else rec.cert_pem.decode())
                         for pid, rec in sorted(ctx.credentials.items())},
        "log": log,
        "flag_explanations": [{"applicant_id": a, "reviewer_id": r, "text": txt} for a, r, txt in explanations],
        # paper score sheets and their double keying (issue 14): keyings, mismatches, confirmation
        "paper_sheets": paper_entries(ctx),
    }
