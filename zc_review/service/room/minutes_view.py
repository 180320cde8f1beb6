"""Build the minutes' view-model (RULES.md §6) from the room's state and render it to PDF bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from zc_review.documents.views import (
    ApplicantRow,
    BallotRound,
    DisagreementNote,
    FailureNote,
    GroupSummary,
    MinutesView,
    PanelOpinion,
    PanelView,
    Person,
    Quorum,
    RecusalView,
    Signoff,
)
from zc_review.domain import panel as panel_rules
from zc_review.domain import rules
from zc_review.domain.model import Aggregation, CommitteeRole, RecusalBase, StaffRole
from zc_review.domain.outcome import SessionOutcome
from zc_review.i18n import label_of, t

if TYPE_CHECKING:
    from zc_review.service.room.closing import Closing

BEIJING = timezone(timedelta(hours=8))
ROUND_KINDS = {"main": "主投票", "runoff": "加投（并列决选）", "revote": "重投"}
ROLE_LABELS = {"panel_leader": "评议组组长", "panel_vice_leader": "评议组副组长", "supervisor": "纪检监察人员",
               "vice_chair": "评委会副主任委员", "chair": "评委会主任委员"}


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
    ballot rounds, sign-offs, the ballot box fingerprints and the log head. Source: RULES.md §6."""
    d = service.ctx.defn
    st = service.ctx.state()
    attending = set(service.ctx.attending_ids())
    marked = {r for r in service.ctx.record()["attendance"]}
    presiding = st.presiding_officer_id or d.chair.id
    recorder = d.staff_with_role(StaffRole.RECORDER)
    supervisor = d.staff_with_role(StaffRole.SUPERVISOR)
    q = service.opening.quorum()
    attendees = tuple(Person(r.name, _committee_role(service, r.id)) for r in d.reviewers if r.id in attending)
    attendees += (Person(supervisor.name, t("common.role_supervisor"), "列席监督"), Person(recorder.name, t("common.role_recorder")))
    absentees = tuple(Person(r.name, _committee_role(service, r.id), "缺席" if r.id in marked else "未点名")
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
                + (f"（加投同意 {'、'.join(map(str, o.runoff_agree))}）" if o.runoff_agree else "")))
    groups = []
    for g in d.groups:
        dec = out.groups.get(g.id)
        n = len(d.applicants_of_group(g.id))
        groups.append(GroupSummary(g.name, f"{(g.pass_rate * 100).normalize():f}%", str(n),
                                   str(dec.cap if dec else rules.pass_cap(g.pass_rate, n)),
                                   str(sum(1 for v in (dec.outcomes.values() if dec else []) if v is rules.Outcome.PASSED))))
    panels = []
    for p in d.panels:
        rub = d.rubric(p.rubric_id)
        sigs = tuple(Signoff(service.ctx.person_name(sg.person_id), ROLE_LABELS.get(sg.role, sg.role), fmt_time(sg.signed_at))
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
        if r.status == "void":
            note = t("closing.minutes_void_note", reason=r.void_reason)
        codes = sorted(d.applicant(a).code for a in apps)
        rounds.append(BallotRound(str(r.round_no), ROUND_KINDS.get(r.kind, r.kind),
                                  f"{codes[0]}–{codes[-1]}（{len(codes)} 人）" if len(codes) > 3 else "、".join(codes),
                                  str(len(voters)), str(len(entitled)), closed_by, str(r.missing_voters), note))
        if r.box_sha256:
            fingerprints.append(f"第{r.round_no}轮 {r.box_sha256}")
    rule_values = (
        ("综合得分", f"材料 {(d.rules.material_weight * 100).normalize()}% + 答辩 {(d.rules.defence_weight * 100).normalize()}%"
         if any(rb.has_defence for rb in d.rubrics) else "综合得分 = 申报材料分（不设答辩）"),
        ("表决通过", "同意票 ≥ 出席评委的三分之二（3×同意 ≥ 2×基数）"),
        ("回避时的基数", "出席评委人数" if d.rules.recusal_base is RecusalBase.ATTENDING else "出席评委人数减回避人数"),
        ("评分汇总方式", "算术平均" if d.rules.aggregation is Aggregation.MEAN else
         f"去掉一个最高分和一个最低分后平均（不少于 {d.rules.trimmed_min_scores} 个分数时）"),
        ("法定人数", f"出席评委 ≥ 评委会人数的三分之二（{q.required} 人）"),
        ("每票同意数上限", "不超过本组通过名额" if d.rules.ballot_agree_limit else "不限"),
        ("分数取整", "精确十进制计算，显示四舍五入保留两位小数"),
        ("评分分歧阈值", f"极差 > {d.rules.flag_range} 分、标准差 > {d.rules.flag_stdev} 分或"
                     f"单个评委偏离其他评委平均分 > {d.rules.flag_distance} 分时标记，须复核说明，分数不自动调整"),
    ) + tuple((f"通过率：{g.name}", f"{(g.pass_rate * 100).normalize():f}%") for g in d.groups)
    agenda = ("宣布评委会组成、评议组划分和会议议程", "点名，确认达到法定人数", "评审专家签署诚信承诺书，登记回避",
              "签署量化评分标准", "审阅申报材料，评议组量化赋分", "评议组介绍评议意见",
              "无记名投票表决", "公布表决结果，评审专家签字确认", "记录人、主持人签署会议记录，封存结果")
    return MinutesView(
        committee_name=d.committee_name, organizing_body=d.organizing_body, session_id=d.session_id,
        session_title=f"{d.year}年度{d.committee_name}评审会议记录", rehearsal=d.rehearsal,
        started_at=fmt_time(st.opened_at), ended_at=fmt_time(service.ctx.clock()), venue=d.venue,
        presiding_name=service.ctx.person_name(presiding), presiding_role=_committee_role(service, presiding),
        recorder_name=recorder.name, attendees=attendees, absentees=absentees,
        quorum=Quorum(str(q.committee_size), str(q.required), str(q.attending)), agenda=agenda,
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
        ballot_box_fingerprint="；".join(fingerprints) or "—",
        log_head_hash=service.ctx.log_head(),
        bundle_fingerprint_note=t("closing.minutes_bundle_note", digest=service.results_digest()),
        disagreement_notes=_disagreement_notes(service, out),
        has_defence=any(rb.has_defence for rb in d.rubrics),
    )


def _disagreement_notes(service: Closing, out: SessionOutcome) -> tuple[DisagreementNote, ...]:
    """Flagged applicants (issue 5 §4) with the spread that flagged them and each concerned reviewer's
    explanation, recomputed from the submitted scores exactly as the panel saw them."""
    d = service.ctx.defn
    limits = panel_rules.Thresholds(d.rules.flag_range, d.rules.flag_stdev, d.rules.flag_distance)
    explained: dict[tuple[str, str], str] = {(e["applicant_id"], e["reviewer_id"]): e["text"]
                                             for e in service.ctx.record().get("flag_explanations", [])}
    notes = []
    for a in sorted(d.applicants, key=lambda x: x.code):
        s = out.applicants[a.id].score
        if s is None:
            continue
        spreads = [panel_rules.spread("material", {r: m for r, (m, _) in s.per_reviewer.items()}, limits)]
        if s.defence is not None:
            spreads.append(panel_rules.spread("defence", {r: x for r, (_, x) in s.per_reviewer.items()
                                                          if x is not None}, limits))
        flagged = [sp for sp in spreads if sp.flagged]
        if not flagged:
            continue
        spread = "；".join(f"{label_of('part', sp.part)}分极差 {rules.round_half_up(sp.range)}、标准差 "
                          f"{rules.round_half_up(sp.stdev)}" for sp in flagged)
        lines = [f"{service.ctx.person_name(r)}：{explained.get((a.id, r), '（未说明）')}"
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
