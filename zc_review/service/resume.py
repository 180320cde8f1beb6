"""Resuming a scripted session after a crash: is a script action already in the session database?

A runner that records "action i acknowledged" only after the service call returned can lose the
acknowledgement of the last action but never the action itself: on restart, the action after the last
acknowledged one may or may not be done. ``action_done`` decides from the database alone, so the
runner neither repeats it (a second ballot would be refused anyway) nor skips it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zc_review.domain.scoring import parse_score

if TYPE_CHECKING:
    from zc_review.service import RoomService


def action_done(s: RoomService, act: dict[str, Any]) -> bool:
    """True when the effect of script action ``act`` (docs/SCRIPT.md) is already recorded.

    Read-only actions (viewing a dossier) and actions that may be repeated without harm
    (generating unsigned minutes, exporting) answer False: doing them again is the safe choice.
    """
    kind = act["action"]
    if kind == "attendance":
        marks = s.attendance()
        return all(marks.get(r) is True for r in act["attending"]) and all(marks.get(r) is False for r in act["absent"])
    if kind == "close_roll_call":
        return s.opening.roll_call_closed()
    if kind == "pledge":
        return act["reviewer"] in s.opening.pledged_ids()
    if kind == "recuse":
        return s.is_recused(act["reviewer"], act["applicant"])
    if kind == "sign_rubric":
        return any(sg.person_id == act["person"] and sg.role == act["role"] for sg in s.signatures("rubric", act["panel"]))
    if kind == "scores":
        sheet = s.scoring.current_sheet(act["reviewer"], act["applicant"])
        if sheet is None:
            return False
        wanted = {k: parse_score(v) for k, v in act["values"].items()}
        same = {k: v for k, v in s.scoring.sheet_values(sheet).items() if k in wanted} == wanted
        return same and (sheet.status == "submitted" or not act["submit"])
    if kind == "opinion":
        return s.scoring.opinions().get(act["applicant"]) in (act["text"], act["text"].strip())
    if kind == "open_poll":
        return bool(s.ballot.rounds())
    if kind == "ballot":
        rnd = s.ballot.open_round()
        return rnd is not None and s.ballot.has_voted(act["reviewer"], rnd.round_no)
    if kind == "close_poll":  # the action before it left a round open; none open now means it closed
        return s.ballot.open_round() is None
    if kind == "open_runoff":
        rnd = s.ballot.open_round()
        return rnd is not None and rnd.kind == "runoff" and rnd.group_id == act["group"]
    if kind == "void_round":
        return any(r.round_no == act["round"] and r.status == "void" for r in s.ballot.rounds())
    if kind == "failure_reason":
        fr = s.closing.failure_reasons().get(act["applicant"])
        return fr is not None and fr.reason == act["reason"].strip() and fr.guidance == act["guidance"].strip()
    if kind == "sign_off":
        return any(sg.person_id == act["reviewer"] for sg in s.signatures("results"))
    if kind == "generate_minutes":
        return s.closing.minutes_stage() is not None
    if kind == "sign_minutes":
        stage = s.closing.minutes_stage()
        from zc_review.domain.model import StaffRole

        if act["person"] == s.defn.staff_with_role(StaffRole.RECORDER).id:
            return stage in ("recorder", "presiding")
        return stage == "presiding"
    return False  # view_dossier, export: repeat
