"""One dispatch over the typed script actions: how each is performed and how to tell it is already done.

``STEPS`` maps every action type of domain/script.py to a ``Step``: ``perform(runner, act)`` plays it
through the room's parts (the same calls the screens make), ``done(room, act)`` answers from the session
database alone whether its effect is already recorded (resuming after a crash: docs/SCRIPT.md).
Read-only actions (viewing a dossier) and actions that may be repeated without harm (generating unsigned
minutes, exporting) are never "done": doing them again is the safe choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zc_review.domain import script as sc
from zc_review.domain.model import StaffRole
from zc_review.service.room.permissions import Role
from zc_review.service.room.scoring import parse_score

if TYPE_CHECKING:
    from zc_review.service.room import RoomService
    from zc_review.service.script import ScriptRunner


@dataclass(frozen=True)
class Step:
    """How to perform one kind of action and how to tell it is already recorded.

    ``done_after(room, act, before)``, when given, answers exactly knowing the script's actions before
    ``act`` (resuming: ``before`` are the acknowledged ones); ``done`` answers from the database alone.
    """

    perform: Callable[[ScriptRunner, Any], object]
    done: Callable[[RoomService, Any], bool]
    done_after: Callable[[RoomService, Any, Sequence[Any]], bool] | None = None


def _never(_room: RoomService, _act: Any) -> bool:
    return False


def _attendance(r: ScriptRunner, a: sc.Attendance) -> None:
    for rid in a.attending:
        r.service.opening.mark_attendance(r.recorder, rid, True)
    for rid in a.absent:
        r.service.opening.mark_attendance(r.recorder, rid, False)


def _attendance_done(room: RoomService, a: sc.Attendance) -> bool:
    marks = room.attendance()
    return all(marks.get(x) is True for x in a.attending) and all(marks.get(x) is False for x in a.absent)


def _scores(r: ScriptRunner, a: sc.Scores) -> None:
    values = {k: parse_score(v) for k, v in a.values.items()}
    r.service.scoring.save_scores(r.actor(a.reviewer), a.applicant, values, submit=a.submit)


def _scores_done(room: RoomService, a: sc.Scores) -> bool:
    sheet = room.scoring.current_sheet(a.reviewer, a.applicant)
    if sheet is None:
        return False
    wanted = {k: parse_score(v) for k, v in a.values.items()}
    same = {k: v for k, v in room.scoring.sheet_values(sheet).items() if k in wanted} == wanted
    return same and (sheet.status == "submitted" or not a.submit)


def _ballot_done(room: RoomService, a: sc.CastBallot) -> bool:
    rnd = room.ballot.open_round()
    return rnd is not None and room.ballot.has_voted(a.reviewer, rnd.round_no)


def _close_poll(r: ScriptRunner, a: sc.ClosePoll) -> None:
    r.service.ballot.close_poll(r.actor(a.by) if a.by else r.recorder, force=a.force)


def _runoff_done(room: RoomService, a: sc.OpenRunoff) -> bool:
    rnd = room.ballot.open_round()
    return rnd is not None and rnd.kind == "runoff" and rnd.group_id == a.group


def _reason_done(room: RoomService, a: sc.FailureReason) -> bool:
    fr = room.closing.failure_reasons().get(a.applicant)
    return fr is not None and fr.reason == a.reason.strip() and fr.guidance == a.guidance.strip()


def _sign_minutes_done(room: RoomService, a: sc.SignMinutes) -> bool:
    stage = room.closing.minutes_stage()
    if a.person == room.defn.staff_with_role(StaffRole.RECORDER).id:
        return stage in ("recorder", "presiding")
    return stage == "presiding"


def _unlock_person(r: ScriptRunner, a: sc.UnlockPerson) -> None:
    first, second = a.officers
    r.service.lift_lock(r.actor(first), r.actor(second), a.person)


def _unlock_person_done(room: RoomService, a: sc.UnlockPerson) -> bool:
    # the lift's effect: the person can enter their credential again (neither locked nor waiting)
    return not room.credentials.status(a.person).held


def _paper_sheet_id(room: RoomService, reviewer: str, applicant: str) -> str:
    from zc_review.domain.paper import sheet_id

    return sheet_id(room.defn.applicant(applicant).code, reviewer)


def _key_sheet(r: ScriptRunner, a: sc.KeySheet) -> None:
    """Whatever of the keying is not yet recorded: the first keying, the second, then the settlement."""
    room = r.service
    sid = _paper_sheet_id(room, a.reviewer, a.applicant)
    code = a.check_code or room.paper.find(sid).check_code
    view = room.paper.view(sid)
    if view.status == "blank":
        view = room.paper.key(r.actor(a.keyer), sid, code, dict(a.values))
    if view.status == "first":
        view = room.paper.key(r.actor(a.second_keyer), sid, code, {**a.values, **a.second_values})
    if view.status == "mismatched":
        open_cells = {c.criterion_id for c in view.cells if c.settled is None}
        room.paper.settle(r.actor(a.keyer), r.actor(a.second_keyer), sid,
                          {k: v for k, v in a.settle.items() if k in open_cells})


def _key_sheet_done(room: RoomService, a: sc.KeySheet) -> bool:
    return room.paper.view(_paper_sheet_id(room, a.reviewer, a.applicant)).status in ("settled", "confirmed")


def _confirm_sheet_done(room: RoomService, a: sc.ConfirmSheet) -> bool:
    return room.paper.view(_paper_sheet_id(room, a.reviewer, a.applicant)).status == "confirmed"


def _export(r: ScriptRunner, _a: sc.Export) -> None:
    r.exported = r.service.closing.export_bundle(r.recorder, r.out_dir)


def _key_tally_done(room: RoomService, a: sc.KeyTally) -> bool:
    """Without the script's earlier actions: the open round's last keying is this teller's, with exactly these
    counts (a teller's re-keying can repeat their own earlier counts: ``_key_tally_done_after`` is exact)."""
    rnd = room.ballot.open_round()
    if rnd is None:
        return True
    from zc_review.domain.tally import PaperCount
    from zc_review.service.room.paper_ballot import keyings_of

    want = {k: PaperCount.from_dict(v) for k, v in a.counts.items()}
    keyings = keyings_of(room.ctx, rnd.round_no)
    return bool(keyings) and keyings[-1].teller_id == a.teller and dict(keyings[-1].counts) == want


def _key_tally_done_after(room: RoomService, a: sc.KeyTally, before: Sequence[Any]) -> bool:
    """Exact: this is the teller's n-th ``key_tally`` of the script (n − 1 in ``before``), and the record holds
    n keyings signed by them (every round, every pass). A re-keying whose counts equal the teller's keying of
    the pass before is then told apart from it. Source: issue 14 (a teller re-keys what was re-counted)."""
    if room.ballot.open_round() is None:
        return True
    from zc_review.service.room.paper_ballot import KEYING_KIND

    earlier = sum(1 for b in before if isinstance(b, sc.KeyTally) and b.teller == a.teller)
    signed = sum(1 for sg in room.ctx.signatures(KEYING_KIND) if sg.person_id == a.teller)
    return signed > earlier


def _witness_done(room: RoomService, a: sc.WitnessTally) -> bool:
    rnd = room.ballot.open_round()
    return rnd is None or room.tally.witnessed()


STEPS: dict[type, Step] = {
    sc.Attendance: Step(_attendance, _attendance_done),
    sc.CloseRollCall: Step(lambda r, a: r.service.opening.close_roll_call(r.recorder),
                           lambda room, a: room.opening.roll_call_closed()),
    sc.Pledge: Step(lambda r, a: r.service.opening.sign_pledge(r.actor(a.reviewer)),
                    lambda room, a: a.reviewer in room.opening.pledged_ids()),
    sc.Recuse: Step(lambda r, a: r.service.opening.add_recusal(r.recorder, a.reviewer, a.applicant, a.reason),
                    lambda room, a: room.is_recused(a.reviewer, a.applicant)),
    sc.SignRubric: Step(lambda r, a: r.service.opening.sign_rubric(r.actor(a.person), a.panel, Role(a.role)),
                        lambda room, a: any(sg.person_id == a.person and sg.role == a.role
                                            for sg in room.signatures("rubric", a.panel))),
    sc.ViewDossier: Step(lambda r, a: r.service.scoring.dossier(r.actor(a.reviewer), a.applicant), _never),
    sc.Scores: Step(_scores, _scores_done),
    sc.Opinion: Step(lambda r, a: r.service.scoring.write_opinion(r.actor(a.leader), a.applicant, a.text),
                     lambda room, a: room.scoring.opinions().get(a.applicant) in (a.text, a.text.strip())),
    sc.OpenPoll: Step(lambda r, a: r.service.ballot.open_poll(r.recorder),
                      lambda room, a: bool(room.ballot.rounds())),
    sc.CastBallot: Step(lambda r, a: r.service.ballot.cast_ballot(r.actor(a.reviewer), dict(a.choices)), _ballot_done),
    # the action before it left a round open; none open now means it closed
    sc.ClosePoll: Step(_close_poll, lambda room, a: room.ballot.open_round() is None),
    sc.OpenRunoff: Step(lambda r, a: r.service.ballot.open_runoff(r.recorder, a.group), _runoff_done),
    sc.VoidRound: Step(lambda r, a: r.service.ballot.void_round(r.actor(a.chair), r.actor(a.supervisor), a.round,
                                                                a.reason),
                       lambda room, a: any(x.round_no == a.round and x.status == "void" for x in room.ballot.rounds())),
    sc.FailureReason: Step(lambda r, a: r.service.closing.write_failure_reason(r.actor(a.leader), a.applicant,
                                                                               a.reason, a.guidance), _reason_done),
    sc.DeclareResults: Step(lambda r, a: r.service.closing.declare_results(r.actor(a.person)),
                            lambda room, a: room.closing.results_declared()),
    sc.SignOff: Step(lambda r, a: r.service.closing.sign_off_results(r.actor(a.reviewer)),
                     lambda room, a: any(sg.person_id == a.reviewer for sg in room.signatures("results"))),
    sc.GenerateMinutes: Step(lambda r, a: r.service.closing.generate_minutes(r.recorder),
                             lambda room, a: room.closing.minutes_stage() is not None),
    sc.SignMinutes: Step(lambda r, a: r.service.closing.sign_minutes(r.actor(a.person)), _sign_minutes_done),
    sc.UnlockPerson: Step(_unlock_person, _unlock_person_done),
    sc.Export: Step(_export, _never),
    sc.KeySheet: Step(_key_sheet, _key_sheet_done),
    sc.ConfirmSheet: Step(lambda r, a: r.service.paper.confirm(r.actor(a.by), _paper_sheet_id(r.service, a.reviewer,
                                                                                               a.applicant)),
                          _confirm_sheet_done),
    sc.PrintBallots: Step(lambda r, a: r.service.tally.print_ballots(r.recorder), _never),
    sc.KeyTally: Step(lambda r, a: r.service.tally.key_tally(r.actor(a.teller), dict(a.counts)), _key_tally_done,
                      _key_tally_done_after),
    sc.WitnessTally: Step(lambda r, a: r.service.tally.witness(r.actor(a.supervisor)), _witness_done),
}
assert set(STEPS) == set(sc.ACTION_TYPES), "every action type has exactly one step"
