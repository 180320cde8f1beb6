"""Dossiers and scores: blind dossier views, score sheets with validation and locking, panel aggregates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zc_review.domain import rules
from zc_review.domain import signed_texts as signed
from zc_review.domain.codec import decimal_text
from zc_review.domain.model import Applicant, ApplicantFlag, Dossier, Rubric, ScorePart
from zc_review.domain.scoring import ApplicantScore, aggregate_scores
from zc_review.domain.scoring import parse_score as _parse_score
from zc_review.i18n import join_list, t
from zc_review.service.errors import ServiceError
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.opening import Opening
from zc_review.service.room.permissions import Action
from zc_review.service.room.signed_texts import sign_text
from zc_review.storage import repo
from zc_review.storage.models import PanelOpinion, ScoreSheet

ScoreValues = dict[str, Decimal | None]


@dataclass(frozen=True)
class DossierView:
    """What a reviewer sees of a dossier: by code, without name or employer (blind materials)."""

    applicant_id: str
    code: str
    panel_name: str
    group_name: str
    flags: tuple[ApplicantFlag, ...]
    dossier: Dossier


def parse_score(text: str) -> Decimal | None:
    """Parse a typed score: "18.5" → Decimal("18.5"); "-", "NA", "N/A" or "不适用" → None (not applicable).

    Raises: ServiceError("score_not_number") for anything else. Source: RULES.md §3.
    """
    try:
        return _parse_score(text)
    except rules.RuleError as exc:
        raise ServiceError(exc.code, **exc.params) from exc


class Scoring:
    """Dossier access and scoring. Source: RULES.md §3–4."""

    def __init__(self, ctx: RoomContext, opening: Opening) -> None:
        self.ctx = ctx
        self.opening = opening

    # -- who scores what ----------------------------------------------------------------------
    def scorers_of(self, applicant_id: str) -> list[str]:
        """Reviewers who score this applicant: attending panel members not recused."""
        a = self.ctx.defn.applicant(applicant_id)
        members = self.ctx.defn.panel(a.panel_id).member_ids
        attending = set(self.ctx.attending_ids())
        recused = self.ctx.recused_ids(applicant_id)
        return [m for m in members if m in attending and m not in recused]

    def applicants_for_reviewer(self, reviewer_id: str) -> list[Applicant]:
        """Applicants of the reviewer's panel they are not recused from, in code order."""
        panel = self.ctx.defn.panel_of_reviewer(reviewer_id)
        if panel is None:
            return []
        return sorted((a for a in self.ctx.defn.applicants_of_panel(panel.id)
                       if not self.ctx.is_recused(reviewer_id, a.id)), key=lambda a: a.code)

    def require_may_see(self, actor: Actor, applicant_id: str, action: Action) -> Applicant:
        """Refuse unless ``actor`` may see the applicant's dossier and scores for ``action``: roll call closed,
        permitted, pledged, on the applicant's panel, not recused.

        Returns: the applicant. Raises: ServiceError("roll_call_open"), ("not_permitted"), ("pledge_missing"),
        ("not_on_panel"), ("recused"); KeyError for an unknown applicant id.
        Source: RULES.md §2 (pledge before any dossier; recusal); 000 第二十六条(二)4, 第四十条(二)4.
        """
        self.opening.require_roll_call()
        a = self.ctx.defn.applicant(applicant_id)
        self.ctx.require(actor, action, panel_id=a.panel_id)
        self.opening.require_pledged(actor.person_id)
        if actor.person_id not in self.ctx.defn.panel(a.panel_id).member_ids:
            raise ServiceError("not_on_panel")
        if self.ctx.is_recused(actor.person_id, applicant_id):
            raise ServiceError("recused", code=a.code)
        return a

    # -- dossiers ----------------------------------------------------------------------------------
    def dossier(self, actor: Actor, applicant_id: str) -> DossierView:
        """Open a dossier for a panel reviewer (not recused, pledged). Logged.

        Raises: ServiceError("recused"), ("not_on_panel"), ("pledge_missing"), ("not_permitted").
        Source: RULES.md §2 (recusal), §4 (blind materials; applicants by code).
        """
        a = self.require_may_see(actor, applicant_id, Action.VIEW_DOSSIER)
        with self.ctx.tx(outcome_unchanged=True) as s:
            self.ctx.log(s, actor.person_id, "reviewer", "dossier_viewed", {"applicant": applicant_id})
        return DossierView(a.id, a.code, self.ctx.defn.panel(a.panel_id).name, self.ctx.defn.group(a.group_id).name,
                           a.flags, a.dossier)

    def attachment_text(self, actor: Actor, applicant_id: str, attachment_id: str) -> str:
        """The attachment's text as the office extracted it at pack time and shipped in the package.

        The room never parses a PDF (issue 12 §4): the text was read by ``office pack`` in a child process
        with a time and memory limit (docs/INPUT.md "Attachments"), cut to the first 200 pages.
        Raises: ServiceError("attachment_unknown") for an attachment not in this dossier;
        ServiceError("attachment_unreadable") when the package carries no text for it.
        """
        a = self.require_may_see(actor, applicant_id, Action.VIEW_DOSSIER)
        if attachment_id not in {x.id for x in a.dossier.attachments}:
            raise ServiceError("attachment_unknown")
        if attachment_id not in self.ctx.payload.attachments:
            raise ServiceError("attachment_unknown")
        shipped = self.ctx.payload.texts.get(attachment_id)
        if shipped is None:  # parse_payload refuses such a package; kept for a payload built by hand
            raise ServiceError("attachment_unreadable", error="no text")
        return shipped.text

    # -- score sheets -------------------------------------------------------------------------------
    def rubric_of(self, applicant_id: str) -> Rubric:
        """The rubric of the applicant's panel."""
        a = self.ctx.defn.applicant(applicant_id)
        return self.ctx.defn.rubric(self.ctx.defn.panel(a.panel_id).rubric_id)

    def current_sheet(self, reviewer_id: str, applicant_id: str) -> ScoreSheet | None:
        """The newest version of a reviewer's sheet for an applicant, or None.

        From the memoised map when it is current, else one row by its key: saving a score never reloads
        every sheet of the session (that made scoring quadratic in the applicants; issue 9).
        """
        cached = self.ctx.memo_peek("current_sheets")
        if cached is not None:
            return cached.get((reviewer_id, applicant_id))  # type: ignore[no-any-return]
        with self.ctx.read() as s:
            return repo.current_sheet(session=s, reviewer_id=reviewer_id, applicant_id=applicant_id)

    def current_sheets(self) -> dict[tuple[str, str], ScoreSheet]:
        """(reviewer id, applicant id) → newest sheet version, for every sheet (memoised per state change)."""
        def load() -> dict[tuple[str, str], ScoreSheet]:
            with self.ctx.read() as s:
                return repo.current_sheets(session=s)
        return dict(self.ctx.memo("current_sheets", load))

    @staticmethod
    def sheet_values(sheet: ScoreSheet) -> ScoreValues:
        """A sheet's values: criterion id → Decimal points, or None for not applicable."""
        raw = json.loads(sheet.values_json)
        return {k: (None if v is None else Decimal(v)) for k, v in raw.items()}

    def save_scores(self, actor: Actor, applicant_id: str, values: ScoreValues, *, submit: bool) -> ScoreSheet:
        """Save a reviewer's scores for one applicant as a draft, or submit them (then locked).

        Args:
            values: criterion id → points (Decimal, within 0..max and a multiple of the step) or
                None for "not applicable" where allowed. A draft may be partial; a submission must
                cover every criterion of the rubric (the education rubric has no defence criteria).
            submit: lock the sheet.
        Raises: ServiceError("rubric_not_in_force"), ("sheet_locked"), ("poll_started"),
            ("score_invalid", detail) for a range/step/N-A error, ("score_missing") on submit,
            ("recused"), ("not_on_panel"), ("pledge_missing").
        Source: RULES.md §3–4; 000 第二十六条(三).
        """
        self.require_may_see(actor, applicant_id, Action.SCORE)
        rubric, current = self.check_sheet(actor.person_id, applicant_id, values, submit=submit)
        with self.ctx.tx() as s:
            sheet = self.write_sheet(s, actor.person_id, applicant_id, rubric, current, values, submit=submit)
            self.ctx.log(s, actor.person_id, "reviewer", "scores_submitted" if submit else "scores_saved",
                      {"applicant": applicant_id, "version": sheet.version})
        return sheet

    def check_sheet(self, reviewer_id: str, applicant_id: str, values: ScoreValues, *,
                    submit: bool) -> tuple[Rubric, ScoreSheet | None]:
        """Every rule a sheet's values must meet before they are saved, for typed and keyed paper sheets
        alike: the rubric in force, no poll opened, known criteria, range and step (N/A where allowed),
        every criterion on submit, the reviewer's sheet not locked. Nothing is stored.

        Returns: the rubric and the reviewer's current sheet (or None).
        Raises: ServiceError("rubric_not_in_force"), ("poll_started"), ("criterion_unknown"),
            ("score_invalid") and the other range/step codes, ("score_missing"), ("sheet_locked").
        Source: RULES.md §3–4; 000 第二十六条(三).
        """
        a = self.ctx.defn.applicant(applicant_id)
        if not self.opening.rubric_in_force(a.panel_id):
            raise ServiceError("rubric_not_in_force", panel=self.ctx.defn.panel(a.panel_id).name)
        if self.ctx.state().poll_opened_at is not None:
            raise ServiceError("poll_started")
        rubric = self.rubric_of(applicant_id)
        known = {c.id for c in rubric.criteria}
        for cid, value in values.items():
            if cid not in known:
                raise ServiceError("criterion_unknown", criterion=cid)
            try:
                rules.validate_score(rubric.criterion(cid), value)
            except rules.RuleError as exc:
                raise ServiceError(exc.code, **exc.params) from exc
        if submit:
            missing = [c.name for c in rubric.criteria if c.id not in values]
            if missing:
                raise ServiceError("score_missing", criterion=join_list(missing))
        current = self.current_sheet(reviewer_id, applicant_id)
        if current is not None and current.status == "submitted":
            raise ServiceError("sheet_locked", code=a.code)
        return rubric, current

    def write_sheet(self, s: Any, reviewer_id: str, applicant_id: str, rubric: Rubric, current: ScoreSheet | None,
                    values: ScoreValues, *, submit: bool) -> ScoreSheet:
        """Store values already checked by ``check_sheet`` as the reviewer's sheet, in the caller's
        transaction ``s``: a new draft, the current draft updated, or (``submit``) locked as submitted."""
        now = self.ctx.clock()
        values_json = json.dumps({k: (None if v is None else decimal_text(v)) for k, v in sorted(values.items())})
        if current is None:
            sheet = ScoreSheet(reviewer_id=reviewer_id, applicant_id=applicant_id, version=1,
                               status="draft", rubric_id=rubric.id, rubric_version=rubric.version,
                               values_json=values_json, saved_at=now)
        else:
            found = repo.get(session=s, model=ScoreSheet, key=current.id)
            assert found is not None
            sheet = found
            sheet.values_json, sheet.saved_at = values_json, now
        if submit:
            sheet.status, sheet.submitted_at = "submitted", now
        repo.put(session=s, row=sheet)
        return sheet

    def check_scorer(self, reviewer_id: str, applicant_id: str) -> Applicant:
        """Refuse unless ``reviewer_id`` may score the applicant now: roll call closed, attending, pledged,
        on the applicant's panel, not recused (a keyed paper sheet confirmed by the supervisor as witness
        meets the same rules as the reviewer typing it).

        Raises: ServiceError("roll_call_open"), ("paper_reviewer_absent"), ("pledge_missing"), ("not_on_panel"),
        ("recused"). Source: RULES.md §2; 000 第二十六条(二)4, 第四十条(二)4.
        """
        self.opening.require_roll_call()
        a = self.ctx.defn.applicant(applicant_id)
        if reviewer_id not in self.ctx.attending_ids():
            raise ServiceError("paper_reviewer_absent", reviewer=reviewer_id)
        self.opening.require_pledged(reviewer_id)
        if reviewer_id not in self.ctx.defn.panel(a.panel_id).member_ids:
            raise ServiceError("not_on_panel")
        if self.ctx.is_recused(reviewer_id, applicant_id):
            raise ServiceError("recused", code=a.code)
        return a

    def return_sheet(self, leader: Actor, witness: Actor, reviewer_id: str, applicant_id: str, reason: str) -> None:
        """The panel leader returns a submitted sheet with a written reason, witnessed by the supervisor.

        The submitted version is kept (status "returned"); a new draft version starts from its values.
        The leader and the witness both sign the statement naming the session, the sheet (applicant,
        reviewer, returned version) and the reason (domain/signed_texts.py), in the same transaction.
        Raises: ServiceError("not_permitted"), ("reason_required"), ("sheet_not_submitted"), ("poll_started").
        Source: issue 5 §2.
        """
        a = self.ctx.defn.applicant(applicant_id)
        self.ctx.require(leader, Action.WRITE_OPINION, panel_id=a.panel_id)
        self.ctx.check_actor(witness)
        if "supervisor" not in {r.value for r in self.ctx.roles_of(witness.person_id)}:
            raise ServiceError("not_permitted", action="witness")
        if not reason.strip():
            raise ServiceError("reason_required")
        if self.ctx.state().poll_opened_at is not None:
            raise ServiceError("poll_started")
        current = self.current_sheet(reviewer_id, applicant_id)
        if current is None or current.status != "submitted":
            raise ServiceError("sheet_not_submitted")
        with self.ctx.tx() as s:
            old = repo.get(session=s, model=ScoreSheet, key=current.id)
            assert old is not None
            old.status, old.return_reason = "returned", reason.strip()
            repo.put(session=s, row=old)
            repo.put(session=s, row=ScoreSheet(reviewer_id=reviewer_id, applicant_id=applicant_id, version=old.version + 1,
                             status="draft", rubric_id=old.rubric_id, rubric_version=old.rubric_version,
                             values_json=old.values_json, saved_at=self.ctx.clock()))
            subject = signed.return_subject(applicant_id, reviewer_id, old.version)
            text = signed.return_text(old.return_reason)
            digest = sign_text(self.ctx, s, leader, kind=signed.SHEET_RETURN, subject=subject, role=signed.ROLE_LEADER,
                               text=text)
            sign_text(self.ctx, s, witness, kind=signed.SHEET_RETURN, subject=subject, role=signed.ROLE_WITNESS, text=text)
            self.ctx.log(s, leader.person_id, "panel_leader", "sheet_returned",
                      {"reviewer": reviewer_id, "applicant": applicant_id, "witness": witness.person_id,
                       "statement_sha256": digest})

    # -- live validation (the scoring grid) ------------------------------------------------------------
    def check_value(self, applicant_id: str, criterion_id: str, text: str) -> tuple[Decimal | None, str | None]:
        """Parse and validate one typed score as ``save_scores`` will: ``(value, None)`` (value None for
        "not applicable") or ``(None, the Chinese message)``. Nothing is stored.

        Raises: KeyError for an unknown applicant or criterion. Source: RULES.md §3–4.
        """
        criterion = self.rubric_of(applicant_id).criterion(criterion_id)
        try:
            value = _parse_score(text)
            rules.validate_score(criterion, value)
        except rules.RuleError as exc:
            return None, t(exc.code, **exc.params)
        return value, None

    def part_totals(self, applicant_id: str, values: ScoreValues) -> list[tuple[Decimal, bool]]:
        """The row totals of the scoring grid for ``values`` (valid values only): per part scored (material,
        then defence when the rubric has one) ``(total, complete)``. A complete part is the rubric's part
        score rounded half up to 2 places (N/A rescaled); an incomplete one the running sum of the values
        entered so far (N/A as 0). Source: RULES.md §4.
        """
        rubric = self.rubric_of(applicant_id)
        parts = [ScorePart.MATERIAL, ScorePart.DEFENCE] if rubric.has_defence else [ScorePart.MATERIAL]
        out = []
        for part in parts:
            crits = rubric.part_criteria(part)
            if all(c.id in values for c in crits):
                out.append((rules.round_half_up(rules.part_score(rubric, part, values)), True))
            else:
                out.append((sum((values[c.id] or Decimal(0) for c in crits if c.id in values), Decimal(0)), False))
        return out

    # -- aggregates ------------------------------------------------------------------------------
    def scoring_complete(self, applicant_id: str) -> bool:
        """True when every scorer of the applicant has submitted (and there is at least one)."""
        scorers = self.scorers_of(applicant_id)
        if not scorers:
            return False
        sheets = self.current_sheets()  # one query, memoised: callers ask for every applicant in turn
        for r in scorers:
            sheet = sheets.get((r, applicant_id))
            if sheet is None or sheet.status != "submitted":
                return False
        return True

    def applicant_score(self, applicant_id: str) -> ApplicantScore | None:
        """The panel aggregate from submitted sheets of current scorers, or None if none yet.

        Composite C = 0.7·M + 0.3·D (C = M without defence), aggregation per the rules in force.
        Source: RULES.md §4; 000 第二十六条(三).
        """
        rubric = self.rubric_of(applicant_id)
        per: dict[str, tuple[Decimal, Decimal | None]] = {}
        sheets = self.current_sheets()  # one query, memoised: the results read every applicant in turn
        for r in self.scorers_of(applicant_id):
            sheet = sheets.get((r, applicant_id))
            if sheet is None or sheet.status != "submitted":
                continue
            vals = self.sheet_values(sheet)
            m = rules.part_score(rubric, ScorePart.MATERIAL, vals)
            d = rules.part_score(rubric, ScorePart.DEFENCE, vals) if rubric.has_defence else None
            per[r] = (m, d)
        return aggregate_scores(applicant_id, per, self.ctx.defn.rules, rubric.has_defence)

    # -- opinions -----------------------------------------------------------------------------------
    def write_opinion(self, actor: Actor, applicant_id: str, text: str) -> None:
        """The panel leader records the panel's opinion (评议意见) and signs it.

        The leader's credential key signs the statement naming the session, the applicant and the text
        (domain/signed_texts.py), stored in the same transaction; logged with the statement's digest.
        Raises: ServiceError("not_permitted"), ("reason_required"), ("results_final").
        Source: 000 第二十六条(四); issue 12 §2.
        """
        a = self.ctx.defn.applicant(applicant_id)
        self.ctx.require(actor, Action.WRITE_OPINION, panel_id=a.panel_id)
        if not text.strip():
            raise ServiceError("reason_required")
        if self.ctx.state().results_final_at is not None:
            raise ServiceError("results_final")
        with self.ctx.tx() as s:
            row = repo.get(session=s, model=PanelOpinion, key=applicant_id) or PanelOpinion(applicant_id=applicant_id, text="",
                                                                     author_id=actor.person_id,
                                                                     written_at=self.ctx.clock())
            row.text, row.author_id, row.written_at = text.strip(), actor.person_id, self.ctx.clock()
            repo.put(session=s, row=row)
            digest = sign_text(self.ctx, s, actor, kind=signed.OPINION, subject=applicant_id, role=signed.ROLE_LEADER,
                               text=signed.opinion_text(row.text))
            self.ctx.log(s, actor.person_id, "panel_leader", "opinion_written",
                         {"applicant": applicant_id, "statement_sha256": digest})

    def opinions(self) -> dict[str, str]:
        """Panel opinions written so far: applicant id → text."""
        with self.ctx.read() as s:
            return {o.applicant_id: o.text for o in repo.opinions(session=s)}

