"""Panel work around the scores (issue 5): after-review visibility, disagreement flags and explanations,
the leader's sheet, discussion order and who steps out, the pass-rate preview, the blind-material check.

None of these changes a score. Source: RULES.md §4–5; issue 5 §3–§9.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zc_review.domain import panel as pr
from zc_review.domain import rules
from zc_review.domain import signed_texts as signed
from zc_review.domain.codec import decimal_text
from zc_review.domain.model import Aggregation, ApplicantFlag, StaffRole
from zc_review.domain.scoring import ApplicantScore
from zc_review.i18n import join_clauses, join_list, label_of, t
from zc_review.service.blind import anonymity_lines, blind_material_findings
from zc_review.service.errors import ServiceError
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.permissions import Action
from zc_review.service.room.scoring import Scoring
from zc_review.service.room.signed_texts import sign_text
from zc_review.storage import repo
from zc_review.storage.models import FlagExplanation, ScoreSheet


@dataclass(frozen=True)
class PanelScores:
    """What a reviewer sees of the panel's scores for one applicant once their own sheet is submitted.

    ``per_reviewer``: reviewer id → (M_r, D_r) of every submitted current sheet (raw, exact).
    ``waiting``: scorers who have not submitted yet. ``aggregate``: the panel's figure under the rule in
    force (``rule`` is its Chinese description). ``spreads``: one PartSpread per part.
    """

    applicant_id: str
    code: str
    rubric_id: str
    rubric_version: str
    per_reviewer: dict[str, tuple[Decimal, Decimal | None]]
    waiting: tuple[str, ...]
    aggregate: ApplicantScore | None
    rule: str
    spreads: tuple[pr.PartSpread, ...]
    explanations: dict[str, str] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        """True when some part's spread exceeds a threshold. Source: RULES.md §4; issue 5 §4."""
        return any(s.flagged for s in self.spreads)

    @property
    def concerned(self) -> tuple[str, ...]:
        """Ids of the reviewers asked to re-check and explain, over both parts, sorted; ``()`` when not flagged."""
        return pr.concerned_reviewers(self.spreads)


@dataclass(frozen=True)
class LeaderRow:
    """One line of the panel leader's sheet: figures formatted (2 places), flags and the opinion."""

    applicant_id: str
    code: str
    group: str
    flags: str
    material: str
    defence: str
    composite: str
    rank: str
    disagreement: str
    opinion: str


@dataclass(frozen=True)
class GroupPreview:
    """The pass-rate preview of one group: applicants, cap, and the current ranking by composite."""

    group_id: str
    name: str
    pass_rate: Decimal
    applicants: int
    cap: int
    ranking: tuple[tuple[str, Decimal | None, int | None], ...]  # (applicant id, composite, rank), best first


def aggregation_rule_text(method: Aggregation, trimmed_min: int) -> str:
    """The aggregation rule in force, as the panel reads it."""
    if method is Aggregation.MEAN:
        return t("scoring.agg_rule_mean")
    return t("scoring.agg_rule_trimmed", n=trimmed_min)


class Panel:
    """Panel-scoring use cases beyond entering scores. None of them changes a score."""

    def __init__(self, ctx: RoomContext, scoring: Scoring) -> None:
        self.ctx = ctx
        self.scoring = scoring
        self._anonymity_cache: dict[str, list[pr.BlindFinding]] | None = None

    # -- disagreement ------------------------------------------------------------------------------
    def thresholds(self) -> pr.Thresholds:
        """The disagreement thresholds in force (session.yaml rules)."""
        r = self.ctx.defn.rules
        return pr.Thresholds(r.flag_range, r.flag_stdev, r.flag_distance)

    def spreads(self, applicant_id: str, score: ApplicantScore | None = None) -> tuple[pr.PartSpread, ...]:
        """Range, stdev and distances of each part over the submitted sheets of the current scorers."""
        score = score if score is not None else self.scoring.applicant_score(applicant_id)
        if score is None:
            return ()
        limits = self.thresholds()
        out = [pr.spread("material", {r: m for r, (m, _) in score.per_reviewer.items()}, limits)]
        if score.defence is not None:
            out.append(pr.spread("defence", {r: d for r, (_, d) in score.per_reviewer.items() if d is not None},
                                 limits))
        return tuple(out)

    def flagged_applicants(self) -> dict[str, tuple[pr.PartSpread, ...]]:
        """Applicant id → its spreads, for every applicant whose panel disagrees beyond a threshold."""
        out = {}
        for a in sorted(self.ctx.defn.applicants, key=lambda x: x.code):
            sp = self.spreads(a.id)
            if any(s.flagged for s in sp):
                out[a.id] = sp
        return out

    def explain_flag(self, actor: Actor, applicant_id: str, text: str) -> None:
        """A reviewer concerned by a flag writes why their score stands (or that they re-checked it).

        The score is untouched: to change it the panel leader must return the sheet. The reviewer's
        credential key signs the statement naming the session, the applicant, the reviewer and the text
        (domain/signed_texts.py), in the same transaction.
        Raises: ServiceError("flag_not_concerned"), ("reason_required"), ("results_final"), and the
            access errors of a dossier ("recused", "not_on_panel", "pledge_missing").
        Source: RULES.md §4; issue 5 §4.
        """
        self.scoring.require_may_see(actor, applicant_id, Action.SCORE)
        if actor.person_id not in pr.concerned_reviewers(self.spreads(applicant_id)):
            raise ServiceError("flag_not_concerned", code=self.ctx.defn.applicant(applicant_id).code)
        if not text.strip():
            raise ServiceError("reason_required")
        if self.ctx.state().results_final_at is not None:
            raise ServiceError("results_final")
        with self.ctx.tx() as s:
            row = repo.get(session=s, model=FlagExplanation, key=(applicant_id, actor.person_id)) or FlagExplanation(
                applicant_id=applicant_id, reviewer_id=actor.person_id, text="", written_at=self.ctx.clock())
            row.text, row.written_at = text.strip(), self.ctx.clock()
            repo.put(session=s, row=row)
            digest = sign_text(self.ctx, s, actor, kind=signed.EXPLANATION, role=signed.ROLE_REVIEWER,
                               subject=signed.explanation_subject(applicant_id, actor.person_id),
                               text=signed.explanation_text(row.text))
            self.ctx.log(s, actor.person_id, "reviewer", "flag_explained",
                         {"applicant": applicant_id, "statement_sha256": digest})

    def flag_explanations(self) -> dict[str, dict[str, str]]:
        """Applicant id → reviewer id → explanation."""
        out: dict[str, dict[str, str]] = {}
        with self.ctx.read() as s:
            for row in repo.flag_explanations(session=s):
                out.setdefault(row.applicant_id, {})[row.reviewer_id] = row.text
        return out

    # -- after-review visibility ----------------------------------------------------------------------
    def panel_scores(self, actor: Actor, applicant_id: str) -> PanelScores:
        """The panel's raw scores, aggregate, rule and flags for an applicant, to a reviewer who has
        submitted their own sheet for it (HotCRP's "after review" visibility). Logged.

        Raises: ServiceError("own_sheet_not_submitted") before the actor's sheet is submitted (a
            returned sheet must be submitted again), and the access errors of a dossier.
        Source: issue 5 §3, §5.
        """
        a = self.scoring.require_may_see(actor, applicant_id, Action.VIEW_DOSSIER)
        own = self.scoring.current_sheet(actor.person_id, applicant_id)
        if own is None or own.status != "submitted":
            raise ServiceError("own_sheet_not_submitted", code=a.code)
        score = self.scoring.applicant_score(applicant_id)
        waiting = tuple(r for r in self.scoring.scorers_of(applicant_id) if score is None or r not in score.per_reviewer)
        rubric = self.scoring.rubric_of(applicant_id)
        with self.ctx.tx(outcome_unchanged=True) as s:
            self.ctx.log(s, actor.person_id, "reviewer", "panel_scores_viewed", {"applicant": applicant_id})
        rule = aggregation_rule_text(self.ctx.defn.rules.aggregation, self.ctx.defn.rules.trimmed_min_scores)
        return PanelScores(a.id, a.code, rubric.id, rubric.version, dict(score.per_reviewer) if score else {},
                           waiting, score, rule, self.spreads(applicant_id, score),
                           self.flag_explanations().get(applicant_id, {}))

    # -- returned sheets -----------------------------------------------------------------------------------
    def sheet_versions(self, reviewer_id: str, applicant_id: str) -> list[ScoreSheet]:
        """Every version of one reviewer's sheet for one applicant, oldest first."""
        with self.ctx.read() as s:
            return repo.sheet_versions(session=s, reviewer_id=reviewer_id, applicant_id=applicant_id)

    def submitted_reviewers(self, applicant_id: str) -> list[str]:
        """Scorers whose current sheet for the applicant is submitted (those a leader may return)."""
        return [r for r in self.scoring.scorers_of(applicant_id)
                if (sh := self.scoring.current_sheet(r, applicant_id)) is not None and sh.status == "submitted"]

    # -- the panel leader's sheet ----------------------------------------------------------------------------
    def leader_sheet(self, panel_id: str) -> list[LeaderRow]:
        """Per applicant of the panel (by code): M, D, composite, rank in group, flags, disagreement, opinion."""
        out = self.ctx.outcome()
        opinions = self.scoring.opinions()
        rows = []
        for a in sorted(self.ctx.defn.applicants_of_panel(panel_id), key=lambda x: x.code):
            o = out.applicants[a.id]
            sc = o.score
            sp = self.spreads(a.id, sc) if sc else ()
            disagreement = join_clauses(self._spread_text(s) for s in sp if s.flagged)
            rows.append(LeaderRow(
                a.id, a.code, self.ctx.defn.group(a.group_id).name, flags_label(a.flags),
                str(rules.round_half_up(sc.material)) if sc else "—",
                str(rules.round_half_up(sc.defence)) if sc and sc.defence is not None else "—",
                str(sc.composite) if sc else "—", str(o.rank) if o.rank else "—", disagreement,
                opinions.get(a.id, "")))
        return rows

    def _spread_text(self, s: pr.PartSpread) -> str:
        return t("scoring.flag_summary", part=label_of("part", s.part), range=rules.round_half_up(s.range),
                 stdev=rules.round_half_up(s.stdev),
                 who=join_list(self.ctx.person_name(r) for r in s.concerned))

    def leader_sheet_pdf(self, actor: Actor, panel_id: str) -> bytes:
        """The panel leader's sheet as a printable PDF (landscape A4, embedded font). Leader only.

        Raises: ServiceError("not_permitted"), ("glyph_missing").
        Source: issue 5 §6; 000 第二十六条(四).
        """
        self.ctx.require(actor, Action.WRITE_OPINION, panel_id=panel_id)
        from zc_review.documents.fonts import MissingGlyphError
        from zc_review.documents.sheets import PanelSheetView, SheetApplicant, render_panel_sheet

        p = self.ctx.defn.panel(panel_id)
        rubric = self.ctx.defn.rubric(p.rubric_id)
        view = PanelSheetView(
            committee_name=self.ctx.defn.committee_name, session_title=t("scoring.leader_sheet_title", year=self.ctx.defn.year),
            session_id=self.ctx.defn.session_id, panel_name=p.name, leader_name=self.ctx.person_name(p.leader_id),
            rubric_name=rubric.name, rubric_version=rubric.version, criteria=(),
            applicants=tuple(SheetApplicant(r.code, r.group, r.flags, material=r.material, defence=r.defence,
                                            composite=r.composite, rank=r.rank, disagreement=r.disagreement,
                                            opinion=r.opinion) for r in self.leader_sheet(panel_id)),
            rehearsal=self.ctx.defn.rehearsal, results=True, has_defence=rubric.has_defence)
        try:
            pdf = render_panel_sheet(view)
        except MissingGlyphError as exc:
            raise ServiceError("glyph_missing", detail=str(exc)) from exc
        with self.ctx.tx() as s:
            self.ctx.log(s, actor.person_id, "panel_leader", "leader_sheet_printed", {"panel": panel_id})
        return pdf

    # -- discussion order ------------------------------------------------------------------------------------
    def must_step_out(self, applicant_id: str) -> list[str]:
        """Attending reviewers recused from the applicant: they leave the room while it is discussed."""
        attending = set(self.ctx.attending_ids())
        return sorted(r for r in self.ctx.recused_ids(applicant_id) if r in attending)

    def discussion_order(self) -> list[str]:
        """All applicants in an order that keeps recused reviewers' exits and returns few (issue 5 §7)."""
        ids = [a.id for a in sorted(self.ctx.defn.applicants, key=lambda x: x.code)]
        return pr.discussion_order(ids, {a: frozenset(self.must_step_out(a)) for a in ids})

    def movements(self, order: list[str]) -> int:
        """Exits plus returns of reviewers when applicants are discussed in ``order``."""
        return pr.movements(order, {a: frozenset(self.must_step_out(a)) for a in order})

    # -- the pass-rate preview ----------------------------------------------------------------------------------
    def pass_rate_preview(self) -> list[GroupPreview]:
        """Per group: applicants, cap ⌊rate × n⌋, and the ranking by composite so far (unscored last).

        Source: RULES.md §5; 000 第二十六条(五); issue 5 §8.
        """
        out = self.ctx.outcome()
        previews = []
        for g in self.ctx.defn.groups:
            members = self.ctx.defn.applicants_of_group(g.id)
            ranking = sorted(((a.id, s.composite if (s := out.applicants[a.id].score) else None,
                               out.applicants[a.id].rank) for a in members),
                             key=lambda x: (x[2] is None, x[2] or 0, self.ctx.defn.applicant(x[0]).code))
            previews.append(GroupPreview(g.id, g.name, g.pass_rate, len(members),
                                         rules.pass_cap(g.pass_rate, len(members)), tuple(ranking)))
        return previews

    # -- the blind-material check -----------------------------------------------------------------------------
    def anonymity_findings(self) -> dict[str, list[pr.BlindFinding]]:
        """Applicant id → places in the work summary or attachment text naming the applicant or employer.

        Run by the room before any dossier is shown (the recorder is told); the office runs the same
        check at pack time. Source: 003 五、评审办法; RULES.md §4; issue 5 §9.
        """
        # The attachments' text is the one the office extracted and shipped (issue 12 §4); the definition
        # cannot change while the room is open, so the check runs once.
        if self._anonymity_cache is None:
            texts = {aid: shipped.text for aid, shipped in self.ctx.payload.texts.items()}
            self._anonymity_cache = blind_material_findings(self.ctx.defn, texts)
        return self._anonymity_cache

    def anonymity_report(self, actor: Actor) -> dict[str, list[pr.BlindFinding]]:
        """The findings, for the recorder only (they quote the applicant's name). Logged."""
        self.ctx.check_actor(actor)
        if actor.person_id != self.ctx.defn.staff_with_role(StaffRole.RECORDER).id:
            raise ServiceError("not_permitted", action="anonymity_report")
        found = self.anonymity_findings()
        with self.ctx.tx(outcome_unchanged=True) as s:
            self.ctx.log(s, actor.person_id, "recorder", "anonymity_report_shown",
                      {"applicants": sorted(found), "findings": sum(len(v) for v in found.values())})
        return found

    def anonymity_lines(self, actor: Actor) -> list[str]:
        """``anonymity_report`` as the recorder's notice: one Chinese line per finding (``[]`` when none). Logged.

        Raises: ServiceError("not_permitted") for anyone but the recorder. Source: issue 5 §9.
        """
        return anonymity_lines(self.ctx.defn, self.anonymity_report(actor))

    def flag_records(self) -> dict[str, list[dict[str, object]]]:
        """The disagreement flags as the room computed them, for results.json: applicant id → spreads."""
        return {a: [{"part": s.part, "range": decimal_text(s.range), "stdev": decimal_text(rules.round_half_up(s.stdev, 6)),
                     "reasons": list(s.reasons), "concerned": list(s.concerned)} for s in sp if s.flagged]
                for a, sp in self.flagged_applicants().items()}


def flags_label(flags: tuple[ApplicantFlag, ...]) -> str:
    """The applicant's flags as Chinese labels joined by 、."""
    return join_list(label_of("flag", f.value) for f in flags)
