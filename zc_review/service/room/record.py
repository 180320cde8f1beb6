"""The raw record of a session: everything the room recorded, as JSON-safe data (results.json).

One function builds it for the room's outcome, the minutes and the bundle; the office recomputes every
number from the same shape (domain/outcome.py). Ballot slips are listed sorted by their random id and voter
rolls sorted by reviewer id: neither carries cast order. Source: issue 2 §7–8; docs/FORMATS.md.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from zc_review.domain.signed_texts import TEXT_KINDS
from zc_review.storage import repo
from zc_review.storage.models import Signature

if TYPE_CHECKING:
    from zc_review.service.room.context import RoomContext

RECORD_FORMAT = "zc-review-record"
RECORD_VERSION = 1


def _signature(sg: Signature) -> dict[str, str]:
    return {"kind": sg.kind, "subject": sg.subject, "role": sg.role, "person_id": sg.person_id,
            "signed_at": sg.signed_at.isoformat(), "statement": sg.statement.decode("utf-8"),
            "signature": base64.b64encode(sg.signature).decode()}


def build_record(ctx: RoomContext, *, with_log: bool = False) -> dict[str, Any]:
    """The raw record of ``ctx``'s session (results.json in the bundle, minus "declared").

    Args: with_log: include the whole hash-chained log (the bundle's log.json) under "log".
    Returns: dict with format, version, session_id, package_id, opened_at, presiding_officer_id,
        attendance, recusals, sheets, rounds (an open round's slips never listed), signatures (pledges,
        rubric and result sign-offs), text_signatures (the authors' signatures of the opinions, failure
        reasons, flag explanations and returned sheets: domain/signed_texts.py), opinions,
        failure_reasons, certificates, log, flag_explanations.
    """
    with ctx.read() as s:
        rounds = []
        for r in repo.rounds(session=s):
            slips = repo.slips_of_round(session=s, round_no=r.round_no) if r.status != "open" else []  # by id
            voters = sorted(repo.voters_of_round(session=s, round_no=r.round_no))
            rounds.append({
                "round_no": r.round_no, "kind": r.kind, "status": r.status,
                "applicants": json.loads(r.applicants_json), "group_id": r.group_id, "slots": r.slots,
                "opened_at": r.opened_at.isoformat(),
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "closed_by_role": r.closed_by_role, "forced": r.forced, "missing_voters": r.missing_voters,
                "void_reason": r.void_reason, "box_sha256": r.box_sha256, "voters": voters,
                # an open round's box is never exported: no count of an incomplete box
                "slips": [list(x) for x in slips],
            })
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
        signatures = [sg for kind in ("pledge", "rubric", "results") for sg in repo.signatures(session=s, kind=kind)]
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
    }
