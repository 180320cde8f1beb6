"""Build the minutes' view-model (RULES.md §6) from the room's state and render it to PDF bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from zc_review.documents import minutes_text as text
from zc_review.documents.minutes_text import (
    ROUND_KINDS as ROUND_KINDS,  # the zero report names its round by it
)
from zc_review.documents.views import (
    ApplicantRow,
    BallotRound,
    CredentialLift,
    DisagreementNote,
    FailureNote,
    GroupSummary,
    MinutesView,
    PanelOpinion,
    PanelView,
    PaperSheetRow,
    Person,
    Quorum,
    RecusalView,
    Signoff,
)
from zc_review.domain import panel as panel_rules
from zc_review.domain import rules
from zc_review.domain.codec import percent_text
from zc_review.domain.digest import flagged_spreads
from zc_review.domain.model import (
    Aggregation,
    BallotMode,
    CommitteeRole,
    PaperConfirmation,
    RecusalBase,
    StaffRole,
)
from zc_review.domain.outcome import SessionOutcome
from zc_review.i18n import join_list, label_of, t
from zc_review.service.room.paper_ballot import round_tally

if TYPE_CHECKING:
    from zc_review.service.room.closing import Closing

BEIJING = timezone(timedelta(hours=8))


def fmt_time(value: datetime | None) -> str:
    """A time as the room reads it: Beijing time, minutes."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _committee_role(service: Closing, person_id: str) -> str:
    for r in service.ctx.defn.reviewers:
        if r.id == person_id:
            return {CommitteeRole.CHAIR: t("common.role_chair"), CommitteeRole.VICE_CHAIR: t("common.role_vice_chair")}.get(
                r.committee_role, t("common.role_reviewer"))
    for s in service.ctx.defn.staff:
        if s.id == person_id:
            return t("common.role_supervisor") if s.role is StaffRole.SUPERVISOR else t("common.role_recorder")
    return ""


def build_minutes_view(service: Closing, out: SessionOutcome) -> MinutesView:
    """Everything the minutes print, formatted: time, place, attendees, agenda, rules in force, panels
    and rubric sign-offs, recusals, each applicant's scores and votes, caps, opinions, failure reasons,
    ballot rounds, sign-offs, the ballot box fingerprints, the log head and the minutes digest (every number
    and text of the record printed here: domain/digest.py). Source: RULES.md §6; issue 12 §2."""
    d = service.ctx.defn
    st = service.ctx.state()
    attending = set(service.ctx.attending_ids())
    marked = {r for r in service.ctx.record()["attendance"]}
    presiding = st.presiding_officer_id or d.chair.id
    recorder = d.staff_with_role(StaffRole.RECORDER)
    supervisor = d.staff_with_role(StaffRole.SUPERVISOR)
    q = service.opening.quorum()
    attendees = tuple(Person(r.name, _committee_role(service, r.id)) for r in d.reviewers if r.id in attending)
    attendees += (Person(supervisor.name, t("common.role_supervisor"), text.NOTE_SUPERVISING), Person(recorder.name, t("common.role_recorder")))
    absentees = tuple(Person(r.name, _committee_role(service, r.id), text.NOTE_ABSENT if r.id in marked else text.NOTE_NOT_CALLED)
                      for r in d.reviewers if r.id not in attending)
    reasons = service.failure_reasons()
    opinions = service.scoring.opinions()
    rows = []
    for g in d.groups:
        for a in sorted(d.applicants_of_group(g.id), key=lambda x: (out.applicants[x.id].rank or 999, x.code)):
            o = out.applicants[a.id]
            s = o.score
            tally = o.tally
            rows.append(ApplicantRow(
                code=a.code, name=a.name, group=g.name, panel=d.panel(a.panel_id).name,
                material=str(rules.round_half_up(s.material)) if s else "—",
                defence=str(rules.round_half_up(s.defence)) if s and s.defence is not None else "—",
                composite=str(s.composite) if s else "—", rank=str(o.rank or "—"),
                agree=str(tally.agree) if tally else "—", disagree=str(tally.disagree) if tally else "—",
                abstain=str(tally.abstain) if tally else "—", base=str(o.base),
                decision=label_of("outcome", o.outcome.value) if o.outcome else "—",
                reason="" if o.outcome is rules.Outcome.PASSED or o.outcome is None else
                (reasons[a.id].reason if a.id in reasons else label_of("outcome", o.outcome.value))
                + text.runoff_note(o.runoff_agree),
                passed=None if o.outcome is None else o.outcome is rules.Outcome.PASSED))
    groups = []
    for g in d.groups:
        dec = out.groups.get(g.id)
        n = len(d.applicants_of_group(g.id))
        groups.append(GroupSummary(g.name, percent_text(g.pass_rate), str(n),
                                   str(dec.cap if dec else rules.pass_cap(g.pass_rate, n)),
                                   str(sum(1 for v in (dec.outcomes.values() if dec else []) if v is rules.Outcome.PASSED))))
    panels = []
    for p in d.panels:
        rub = d.rubric(p.rubric_id)
        sigs = tuple(Signoff(service.ctx.person_name(sg.person_id), text.SIGNOFF_ROLES.get(sg.role, sg.role), fmt_time(sg.signed_at))
                     for sg in service.ctx.signatures("rubric", p.id))
        panels.append(PanelView(p.name, service.ctx.person_name(p.leader_id), str(len(p.member_ids)), rub.name,
                                rub.version, sigs))
    rounds = []
    fingerprints = []
    for r in service.ballot.rounds():
        apps = service.ballot.round_applicants(r)
        voters = service.ballot.voters_done(r.round_no)
        entitled = {v for a in apps for v in service.ballot.voters_of(a)}
        closed_by = {"presiding": t("common.role_presiding"), "recorder": t("common.role_recorder")}.get(r.closed_by_role, "—")
        note = t("closing.minutes_forced_note") if r.forced else ""
        cast = len(voters)
        if d.ballot_mode is BallotMode.PAPER:  # the tellers, the witness, the re-counts; ballots returned
            paper_tally = round_tally(service.ctx, r)
            recounts = sum(1 for k in paper_tally["keyings"] if k["pass"] > 1) // 2
            cast = max((c["returned"] for c in paper_tally["agreed"].values()), default=0)
            note = t("ballot.minutes_paper_note", tellers=join_list(service.ctx.person_name(x) for x in paper_tally["tellers"]),
                     witness=service.ctx.person_name(paper_tally["witness"]) if paper_tally["witness"] else "—", passes=recounts)
        if r.status == "void":
            note = t("closing.minutes_void_note", reason=r.void_reason)
        codes = sorted(d.applicant(a).code for a in apps)
        rounds.append(BallotRound(str(r.round_no), ROUND_KINDS.get(r.kind, r.kind),
                                  text.round_applicants(codes),
                                  str(cast), str(len(entitled)), closed_by, str(r.missing_voters), note))
        if r.box_sha256 and d.ballot_mode is not BallotMode.PAPER:
            fingerprints.append(text.box_fingerprint(r.round_no, r.box_sha256))
    rule_values = text.rule_values(
        has_defence=any(rb.has_defence for rb in d.rubrics), material_weight=d.rules.material_weight,
        defence_weight=d.rules.defence_weight, recusal_counts_attending=d.rules.recusal_base is RecusalBase.ATTENDING,
        trimmed_mean=d.rules.aggregation is not Aggregation.MEAN, trimmed_min_scores=d.rules.trimmed_min_scores,
        quorum_required=q.required, agree_limited=d.rules.ballot_agree_limit, flag_range=d.rules.flag_range,
        flag_stdev=d.rules.flag_stdev, flag_distance=d.rules.flag_distance,
        pass_rates=[(g.name, percent_text(g.pass_rate)) for g in d.groups],
        paper_ballot=d.ballot_mode is BallotMode.PAPER)
    paper = _paper_sheets(service)
    if paper:  # the configurable confirmer of paper score sheets, where it mattered (issue 14)
        by_reviewer = d.rules.paper_sheet_confirmation is PaperConfirmation.REVIEWER
        rule_values = (*rule_values, (t("sheets.rule_confirmation"), t("sheets.rule_confirmation_reviewer")
                                      if by_reviewer else t("sheets.rule_confirmation_supervisor")))
    return MinutesView(
        committee_name=d.committee_name, organizing_body=d.organizing_body, session_id=d.session_id,
        session_title=text.session_title(d.year, d.committee_name), rehearsal=d.rehearsal,
        started_at=fmt_time(st.opened_at), ended_at=fmt_time(service.ctx.clock()), venue=d.venue,
        presiding_name=service.ctx.person_name(presiding), presiding_role=_committee_role(service, presiding),
        recorder_name=recorder.name, attendees=attendees, absentees=absentees,
        quorum=Quorum(str(q.committee_size), str(q.required), str(q.attending)), agenda=text.AGENDA,
        rule_values=rule_values, panels=tuple(panels),
        recusals=tuple(RecusalView(service.ctx.person_name(rc.reviewer_id), d.applicant(rc.applicant_id).code, rc.reason,
                                   rc.source == "predeclared") for rc in service.ctx.recusals()),
        applicants=tuple(rows), group_summaries=tuple(groups),
        panel_opinions=tuple(PanelOpinion(d.applicant(a).code, d.panel(d.applicant(a).panel_id).name, txt)
                             for a, txt in sorted(opinions.items(), key=lambda kv: d.applicant(kv[0]).code)),
        failure_notes=tuple(FailureNote(d.applicant(a).code, f.reason, f.guidance)
                            for a, f in sorted(reasons.items(), key=lambda kv: d.applicant(kv[0]).code)),
        ballot_rounds=tuple(rounds),
        result_signoffs=tuple(service.ctx.person_name(sg.person_id) for sg in service.ctx.signatures("results")),
        ballot_box_fingerprint=text.CLAUSE_SEP.join(fingerprints) or "—",
        log_head_hash=service.ctx.log_head(),
        bundle_fingerprint_note=t("closing.minutes_bundle_note", digest=service.results_digest()),
        minutes_digest=service.minutes_digest(),
        disagreement_notes=_disagreement_notes(service, out),
        has_defence=any(rb.has_defence for rb in d.rubrics),
        credential_lifts=_credential_lifts(service),
        paper_sheets=paper,
    )


def _paper_sheets(service: Closing) -> tuple[PaperSheetRow, ...]:
    """The minutes' rows of the sheets transcribed from paper (issue 14), by applicant code and reviewer."""
    from zc_review.domain.paper import paper_settled_count
    from zc_review.service.room.record import paper_entries

    d = service.ctx.defn
    rows = []
    for e in paper_entries(service.ctx):
        c = e.get("confirmation")
        who = "—" if c is None else t("sheets.person_role", name=service.ctx.person_name(c["person_id"]),
                                         role=label_of("role", c["role"]))
        rows.append(PaperSheetRow(e["reviewer_id"], d.applicant(e["applicant_id"]).code,
                                  join_list(service.ctx.person_name(k["keyer"]) for k in e["keyings"]),
                                  str(paper_settled_count(e)), who))
    return tuple(sorted(rows, key=lambda r: (r.applicant_code, r.reviewer_code)))


def _credential_lifts(service: Closing) -> tuple[CredentialLift, ...]:
    """A line per credential lock lifted in the room (issue 12 §3): whose, by whom, when, what it ended."""
    from zc_review.service.room.credentials import Credentials

    def who(pid: str) -> str:
        return text.with_role(service.ctx.person_name(pid), _committee_role(service, pid))

    return tuple(CredentialLift(who(x.person_id), text.LIST_SEP.join((who(x.first_id), who(x.second_id))),
                                fmt_time(x.at), text.lift_note(x.misses, x.locked))
                 for x in Credentials(service.ctx).lifts())


def _disagreement_notes(service: Closing, out: SessionOutcome) -> tuple[DisagreementNote, ...]:
    """Flagged applicants (issue 5 §4) with the spread that flagged them and each concerned reviewer's
    explanation, recomputed from the submitted scores exactly as the panel saw them."""
    d = service.ctx.defn
    explained: dict[tuple[str, str], str] = {(e["applicant_id"], e["reviewer_id"]): e["text"]
                                             for e in service.ctx.record().get("flag_explanations", [])}
    notes = []
    found = flagged_spreads(d, out)  # the same figures the minutes digest covers
    for a in sorted(d.applicants, key=lambda x: x.code):
        flagged = found.get(a.id)
        if not flagged:
            continue
        spread = text.CLAUSE_SEP.join(text.spread_text(label_of("part", sp.part), rules.round_half_up(sp.range),
                                                       rules.round_half_up(sp.stdev)) for sp in flagged)
        lines = [text.explanation_line(service.ctx.person_name(r), explained.get((a.id, r)))
                 for r in panel_rules.concerned_reviewers(flagged)]
        notes.append(DisagreementNote(a.code, d.panel(a.panel_id).name, spread, "\n".join(lines)))
    return tuple(notes)


def render_minutes_for(service: Closing, out: SessionOutcome) -> bytes:
    """Render the minutes PDF for the current state (embedded Chinese font, A4)."""
    from zc_review.documents.fonts import MissingGlyphError
    from zc_review.documents.minutes import render_minutes
    from zc_review.service.errors import ServiceError

    try:
        return render_minutes(build_minutes_view(service, out))
    except MissingGlyphError as exc:
        raise ServiceError("glyph_missing", detail=str(exc)) from exc
