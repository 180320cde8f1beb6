"""The dashboard's read model: each step of the session with its state and counts, and the next step.

Read from the record (``room.views.progress``), so a resumed session shows where it stands. Source: issue 13
item 6; the steps' order: RULES.md §1–6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zc_review.i18n import t
from zc_review.service.room.paper_ballot import is_paper, tally_state_of

if TYPE_CHECKING:
    from zc_review.service.room.views import Views

#: The session's steps in order (the dashboard's keys are the TUI's). Source: RULES.md §1–6.
STEPS = ("roll_call", "pledge", "recusal", "rubric", "scoring", "opinion", "ballot", "results", "minutes", "export")


@dataclass(frozen=True)
class StepProgress:
    """One step of the session on the dashboard: ``step`` one of ``STEPS``, ``state`` "todo" (not started),
    "doing" (in progress) or "done", and ``detail`` its counts in Chinese ("已投 9 / 16"; "" when none)."""

    step: str
    state: str
    detail: str


@dataclass(frozen=True)
class Progress:
    """Every step's progress in order, and ``next_step``: the first step not done (None when all are)."""

    steps: tuple[StepProgress, ...]
    next_step: str | None


def _state(done: bool, started: bool) -> str:
    return "done" if done else ("doing" if started else "todo")


#: The minutes' stages as the dashboard names them (the minutes screen's texts).
MINUTES_STAGE_KEYS = {"unsigned": "closing.minutes_unsigned", "recorder": "closing.minutes_recorder",
                      "presiding": "closing.minutes_presiding"}



def session_progress(views: Views) -> Progress:
    """Each step's state with its counts, read from the record (so a resumed session shows where it
    stands: a closed poll is "done", never a fresh start), and the next step. Source: issue 13 item 6."""
    ctx, opening, closing = views.ctx, views.closing.opening, views.closing
    st = ctx.state()
    reviewers = len(ctx.defn.reviewers)
    attending = ctx.attending_ids()
    marked = len(ctx.attendance())
    roll_closed = st.roll_call_closed_at is not None
    poll_started = st.poll_opened_at is not None
    final = st.results_final_at is not None
    steps: list[StepProgress] = []

    def add(step: str, done: bool, started: bool, detail: str) -> None:
        steps.append(StepProgress(step, _state(done, started), detail))

    add("roll_call", roll_closed, marked > 0, t("tui.dash_roll_call", done=marked, total=reviewers))
    pledged = len(opening.pledged_ids() & set(attending))
    add("pledge", roll_closed and pledged == len(attending), pledged > 0,
        t("tui.dash_counts", done=pledged, total=len(attending)) if roll_closed else "")
    panels = [p.id for p in ctx.defn.panels]
    in_force = sum(1 for p in panels if opening.rubric_in_force(p))
    sheets = views.scoring.current_sheets()
    # Recusals: done once the room has moved on (a rubric in force, a sheet, the poll); a late one can still
    # be registered until the poll opens, and the line says so (docs/DESIGN.md "The hand run, the rest").
    recusals = len(ctx.recusals())
    moved_on = poll_started or in_force > 0 or bool(sheets)
    add("recusal", moved_on, roll_closed,
        t("tui.dash_recusals_open" if moved_on and not poll_started else "tui.dash_recusals", n=recusals))
    signed_any = any(ctx.signatures("rubric", p) for p in panels)
    add("rubric", in_force == len(panels), signed_any, t("tui.dash_rubrics", done=in_force, total=len(panels)))
    expected = [(r, a.id) for r in views.scorer_ids() for a in views.scoring.applicants_for_reviewer(r)]
    submitted = sum(1 for k in expected if (sh := sheets.get(k)) is not None and sh.status == "submitted")
    add("scoring", bool(expected) and submitted == len(expected), bool(sheets),
        t("tui.dash_sheets", done=submitted, total=len(expected)) if roll_closed else "")
    applicants = len(ctx.defn.applicants)
    written = sum(1 for text in views.scoring.opinions().values() if text.strip())
    add("opinion", written == applicants, written > 0, t("tui.dash_opinions", done=written, total=applicants))
    rnd = views.ballot.open_round()
    closed = [r for r in views.ballot.rounds() if r.status == "closed"]
    paper_mode = is_paper(ctx)
    if rnd is not None and paper_mode:  # the tellers' keying: applicants agreed of those on the round
        ballot_detail = t("ballot.dash_paper_open", round=rnd.round_no, done=len(tally_state_of(ctx, rnd).agreed),
                          total=len(views.ballot.round_applicants(rnd)))
    elif rnd is not None:
        ballot_detail = t("tui.dash_round_open", round=rnd.round_no, done=len(views.ballot.voters_done(rnd.round_no)),
                          total=len(views.ballot.entitled_voters()))
    elif not poll_started and paper_mode:  # shown before the vote (RULES.md §5 "Configurable medium")
        ballot_detail = t("ballot.dash_paper_mode")
    elif closed and not final:
        ballot_detail = t("tui.dash_round_runoff", rounds=len(closed))
    else:
        ballot_detail = t("tui.dash_round_closed", rounds=len(closed)) if closed else ""
    add("ballot", final, poll_started, ballot_detail)
    if final:
        failed = len(ctx.outcome().failed())
        reasons = len(closing.failure_reasons())
        missing = len(closing.sign_offs_missing())
        add("results", reasons >= failed and missing == 0, True,
            t("tui.dash_results", reasons=reasons, failed=failed, signed=len(attending) - missing,
              total=len(attending)))
    else:
        add("results", False, False, "")
    stage = closing.minutes_stage()
    add("minutes", stage == "presiding", stage is not None,
        t(MINUTES_STAGE_KEYS[stage]) if stage is not None else "")
    exported = closing.last_export() is not None
    add("export", exported, False, t("tui.dash_exported") if exported else "")
    nxt = next((x.step for x in steps if x.state != "done" and x.step != "recusal"), None)
    return Progress(tuple(steps), nxt)

