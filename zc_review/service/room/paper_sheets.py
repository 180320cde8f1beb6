"""Paper score sheets (评分表) and double keying (双人录入): printed blank sheets, two independent keyings
by two staff members, the settlement of every differing cell, the confirmation (issue 14).

A panel reviewer fills a printed sheet (one reviewer, one applicant: applicant by code, the rubric's
criteria with maximum, step and level descriptors, the rubric version, a sheet id and a check code) and
signs it. A staff member (the recorder or the supervisor) keys it: sheet id, check code, every cell. A
second staff member keys it again, never shown the first keying. The room compares the two and lists every
differing cell; both keyers, present together, settle each against the paper. Then the reviewer (or the
supervisor as witness: ``paper_sheet_confirmation`` in session.yaml) confirms with their credential, signing
the statement of domain/paper.py, and only then the values become the reviewer's submitted sheet, through
the same checks as a typed sheet (``Scoring.check_sheet``, ``Scoring.check_scorer``: range, step, recusal,
rubric in force, not after the poll opened; blind until submitted: no view shows a keyed value before both
keyings are in, and the panel's figures count only submitted sheets).

Every refusal (same keyer twice, a recused reviewer, a wrong check code, an invalid value, confirming an
unsettled sheet) is logged (``paper_sheet_refused``) and changes nothing already keyed.
Source: issue 14; GLOSSARY.md 双人录入; RULES.md §2–4.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zc_review.domain import paper
from zc_review.domain import rules as domain_rules
from zc_review.domain.codec import decimal_text
from zc_review.domain.model import PaperConfirmation, Rubric
from zc_review.i18n import join_list, t
from zc_review.seal.paper import check_code_matches, sheet_check_code
from zc_review.seal.statements import sign_statement
from zc_review.service.errors import ServiceError
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.opening import Opening
from zc_review.service.room.permissions import Action, Role
from zc_review.service.room.record import paper_entry
from zc_review.service.room.scoring import ScoreValues, Scoring, parse_score
from zc_review.storage import repo
from zc_review.storage.models import PaperSheet, Signature

#: The states of a paper sheet, in order (``PaperSheetView.status``).
STATUSES = ("blank", "first", "mismatched", "settled", "confirmed")


@dataclass(frozen=True)
class PrintedSheet:
    """One printable sheet: its id and check code, the reviewer and the applicant (by code), the rubric."""

    sheet_id: str
    check_code: str
    reviewer_id: str
    applicant_id: str
    applicant_code: str
    panel_id: str
    rubric: Rubric


@dataclass(frozen=True)
class Cell:
    """A differing cell: the criterion, what each keyer typed (``"-"`` for N/A) and the settled value
    (None until settled)."""

    criterion_id: str
    first: str
    second: str
    settled: str | None


@dataclass(frozen=True)
class PaperSheetView:
    """What the keying screen may show of a sheet: never a keyed value before both keyings are in.

    ``status``: one of :data:`STATUSES`; ``keyers``: the staff ids who keyed, in order; ``cells``: the
    differing cells (empty before the second keying, and when both agree).
    """

    sheet: PrintedSheet
    status: str
    keyers: tuple[str, ...]
    cells: tuple[Cell, ...]
    confirmed_by: str | None


def _shown(value: str | None) -> str:
    return "-" if value is None else value


class PaperSheets:
    """The double keying of paper score sheets. Source: issue 14."""

    def __init__(self, ctx: RoomContext, opening: Opening, scoring: Scoring) -> None:
        self.ctx = ctx
        self.opening = opening
        self.scoring = scoring

    # -- the printed sheets -----------------------------------------------------------------------------
    @property
    def confirmation(self) -> PaperConfirmation:
        """Who confirms a keyed sheet: the reviewer (default) or the supervisor as witness (session.yaml)."""
        return self.ctx.defn.rules.paper_sheet_confirmation

    def printable(self, panel_id: str | None = None) -> list[PrintedSheet]:
        """Every sheet to print: per panel, per panel reviewer, per applicant of the panel the reviewer is not
        recused from (recusals recorded so far), in panel, reviewer and code order."""
        out = []
        for p in self.ctx.defn.panels:
            if panel_id is not None and p.id != panel_id:
                continue
            applicants = sorted(self.ctx.defn.applicants_of_panel(p.id), key=lambda a: a.code)
            for rid in p.member_ids:
                for a in applicants:
                    if not self.ctx.is_recused(rid, a.id):
                        out.append(self._printed(rid, a.id))
        return out

    def _printed(self, reviewer_id: str, applicant_id: str) -> PrintedSheet:
        a = self.ctx.defn.applicant(applicant_id)
        rubric = self.ctx.defn.rubric(self.ctx.defn.panel(a.panel_id).rubric_id)
        sid = paper.sheet_id(a.code, reviewer_id)
        return PrintedSheet(sid, sheet_check_code(self.ctx.defn.session_id, sid, rubric.id, rubric.version),
                            reviewer_id, a.id, a.code, a.panel_id, rubric)

    def find(self, sheet_id: str) -> PrintedSheet:
        """The sheet with the printed id ``sheet_id`` (spaces and case ignored): any panel reviewer's sheet for
        an applicant of their panel. Raises: ServiceError("paper_sheet_unknown")."""
        wanted = sheet_id.strip().upper()
        for p in self.ctx.defn.panels:
            for a in self.ctx.defn.applicants_of_panel(p.id):
                for rid in p.member_ids:
                    if paper.sheet_id(a.code, rid).upper() == wanted:
                        return self._printed(rid, a.id)
        raise ServiceError("paper_sheet_unknown", sheet=sheet_id.strip())

    def sheets_pdf(self, actor: Actor, panel_id: str | None = None) -> bytes:
        """The blank sheets of one panel (or all) as one printable PDF (A4, embedded font). Recorder only.

        Raises: ServiceError("not_permitted"), ("glyph_missing"). Logged (``paper_sheets_printed``).
        Source: issue 14 (Printed score sheets).
        """
        self.ctx.require(actor, Action.PRINT_PAPER_SHEETS)
        from zc_review.documents.fonts import MissingGlyphError
        from zc_review.documents.score_sheets import (
            BlankSheet,
            BlankSheetsView,
            SheetLevel,
            render_blank_sheets,
        )

        sheets = self.printable(panel_id)
        view = BlankSheetsView(
            committee_name=self.ctx.defn.committee_name, session_id=self.ctx.defn.session_id,
            rehearsal=self.ctx.defn.rehearsal,
            sheets=tuple(BlankSheet(
                sheet_id=s.sheet_id, check_code=s.check_code, reviewer_id=s.reviewer_id, applicant_code=s.applicant_code,
                panel_name=self.ctx.defn.panel(s.panel_id).name, rubric_name=s.rubric.name,
                rubric_version=s.rubric.version,
                criteria=tuple(SheetLevel(c.id, c.name, _part(c.part.value),
                                          decimal_text(c.max_points), decimal_text(c.step), c.levels, c.allow_na)
                               for c in s.rubric.criteria)) for s in sheets))
        try:
            pdf = render_blank_sheets(view)
        except MissingGlyphError as exc:
            raise ServiceError("glyph_missing", detail=str(exc)) from exc
        with self.ctx.tx(outcome_unchanged=True) as s:
            self.ctx.log(s, actor.person_id, "recorder", "paper_sheets_printed",
                         {"panel": panel_id, "sheets": len(sheets),
                          "pdf_sha256": hashlib.sha256(pdf).hexdigest()})
        return pdf

    # -- keying --------------------------------------------------------------------------------------------
    def _refuse(self, actor_id: str, sheet_id: str, exc: ServiceError) -> ServiceError:
        """Log a refusal (its own transaction: nothing keyed is touched) and return the error to raise."""
        with self.ctx.tx(outcome_unchanged=True) as s:
            self.ctx.log(s, actor_id, "staff", paper.LOG_REFUSED, {"sheet": sheet_id, "code": exc.code})
        return exc

    def _row(self, sheet_id: str) -> PaperSheet | None:
        with self.ctx.read() as s:
            return repo.paper_sheet(session=s, sheet_id=sheet_id)

    def _parse(self, sheet: PrintedSheet, typed: dict[str, str]) -> ScoreValues:
        """Typed cells → values, each checked as a typed sheet's (range, step, N/A), every criterion present."""
        values: ScoreValues = {}
        for c in sheet.rubric.criteria:
            text = typed.get(c.id, "").strip()
            if not text:
                raise ServiceError("paper_cell_empty", criterion=f"{c.id} {c.name}")
            try:
                values[c.id] = parse_score(text)
            except ServiceError as exc:
                raise ServiceError("paper_cell_invalid", criterion=f"{c.id} {c.name}", error=exc.message) from exc
        unknown = sorted(set(typed) - {c.id for c in sheet.rubric.criteria})
        if unknown:
            raise ServiceError("criterion_unknown", criterion=join_list(unknown))
        return values

    def _check_keyable(self, sheet: PrintedSheet, check_code: str, values: ScoreValues) -> None:
        if not check_code_matches(sheet.check_code, paper.normalize_check_code(check_code)):
            raise ServiceError("paper_check_code_wrong", sheet=sheet.sheet_id)
        if self.ctx.is_recused(sheet.reviewer_id, sheet.applicant_id):
            raise ServiceError("paper_sheet_recused", sheet=sheet.sheet_id, reviewer=sheet.reviewer_id,
                               code=sheet.applicant_code)
        self.scoring.check_scorer(sheet.reviewer_id, sheet.applicant_id)
        self.scoring.check_sheet(sheet.reviewer_id, sheet.applicant_id, values, submit=True)

    def key(self, actor: Actor, sheet_id: str, check_code: str, typed: dict[str, str]) -> PaperSheetView:
        """A staff member keys a paper sheet: the first keying, or the second by another staff member.

        Args: ``sheet_id``/``check_code`` as printed; ``typed``: criterion id → the text in the cell ("18.5",
            "-" for N/A), every criterion of the rubric.
        Returns: the sheet's view: after the second keying, every differing cell (both keyers present).
        Raises: ServiceError("not_permitted") (recorder or supervisor only), ("paper_sheet_unknown"),
            ("paper_check_code_wrong"), ("paper_sheet_recused"), ("paper_cell_empty"), ("paper_cell_invalid") for
            text that is no number,
            what ``Scoring.check_sheet``/``check_scorer`` raise (rubric not in force, poll started, range,
            step, locked sheet, reviewer absent or not pledged), ("paper_same_keyer") for a second keying by
            the first keyer, ("paper_keyed_twice") once both keyings are in. Each refusal is logged.
        Source: issue 14 (Double keying; Bad input).
        """
        self.ctx.require(actor, Action.KEY_PAPER_SHEET)
        try:
            sheet = self.find(sheet_id)
            values = self._parse(sheet, typed)
            self._check_keyable(sheet, check_code, values)
            row = self._row(sheet.sheet_id)
            if row is not None and row.second_keyer is not None:
                raise ServiceError("paper_keyed_twice", sheet=sheet.sheet_id)
            if row is not None and row.first_keyer == actor.person_id:
                raise ServiceError("paper_same_keyer", sheet=sheet.sheet_id, name=actor.name)
        except ServiceError as exc:
            raise self._refuse(actor.person_id, sheet_id.strip(), exc) from exc
        stored = {k: (None if v is None else decimal_text(v)) for k, v in sorted(values.items())}
        now = self.ctx.clock()
        with self.ctx.tx(outcome_unchanged=True) as s:
            if row is None:
                row = PaperSheet(sheet_id=sheet.sheet_id, reviewer_id=sheet.reviewer_id, applicant_id=sheet.applicant_id,
                                 rubric_id=sheet.rubric.id, rubric_version=sheet.rubric.version,
                                 check_code=sheet.check_code, first_keyer=actor.person_id,
                                 first_values_json=json.dumps(stored), first_at=now)
                n = 1
            else:
                found = repo.paper_sheet(session=s, sheet_id=sheet.sheet_id)
                assert found is not None
                row = found
                first = json.loads(row.first_values_json)
                row.second_keyer, row.second_values_json, row.second_at = actor.person_id, json.dumps(stored), now
                row.mismatches_json = json.dumps([
                    {"criterion": m.criterion_id, "first": m.first, "second": m.second, "settled": None,
                     "settled_by": [], "settled_at": None}
                    for m in paper.mismatches(first, stored, tuple(c.id for c in sheet.rubric.criteria))])
                n = 2
            repo.put(session=s, row=row)
            self.ctx.log(s, actor.person_id, "staff", paper.LOG_KEYED,
                         {"sheet": sheet.sheet_id, "keying": n, "reviewer": sheet.reviewer_id,
                          "applicant": sheet.applicant_id, "values_sha256": paper.values_digest(stored)})
        return self.view(sheet.sheet_id)

    def settle(self, first: Actor, second: Actor, sheet_id: str, settled: dict[str, str]) -> PaperSheetView:
        """Both keyers, present together, settle differing cells against the paper.

        Args: ``first``/``second``: the two keyers (either order), both authenticated; ``settled``: criterion
            id → the value read on the paper, for some or all of the differing cells not yet settled.
        Raises: ServiceError("paper_not_keyers") unless the two actors are this sheet's two keyers,
            ("paper_not_second_keyed") before the second keying, ("paper_cell_not_mismatched") for a cell the
            keyings agree on, ("paper_cell_settled") for a cell already settled, ("paper_cell_invalid") for text that is no
            number, ("score_out_of_range") / ("score_bad_step") / ("score_na_not_allowed") as for a typed score.
            Each refusal is logged; the keyed values are never changed.
        Source: issue 14 (settled against the paper with both present).
        """
        self.ctx.require(first, Action.KEY_PAPER_SHEET)
        self.ctx.require(second, Action.KEY_PAPER_SHEET)
        try:
            sheet = self.find(sheet_id)
            row = self._row(sheet.sheet_id)
            if row is None or row.second_keyer is None:
                raise ServiceError("paper_not_second_keyed", sheet=sheet.sheet_id)
            if {first.person_id, second.person_id} != {row.first_keyer, row.second_keyer}:
                raise ServiceError("paper_not_keyers", sheet=sheet.sheet_id,
                                   keyers=join_list(self.ctx.person_name(p) for p in (row.first_keyer, row.second_keyer)))
            cells = {m["criterion"]: m for m in json.loads(row.mismatches_json)}
            clean: dict[str, str | None] = {}
            for cid, text in settled.items():
                if cid not in cells:
                    raise ServiceError("paper_cell_not_mismatched", sheet=sheet.sheet_id, criterion=cid)
                if cells[cid]["settled_at"] is not None:
                    raise ServiceError("paper_cell_settled", sheet=sheet.sheet_id, criterion=cid)
                crit = sheet.rubric.criterion(cid)
                try:
                    value = parse_score(text)
                except ServiceError as exc:
                    raise ServiceError("paper_cell_invalid", criterion=f"{crit.id} {crit.name}", error=exc.message) from exc
                try:  # the rule a typed score meets (range, step, N/A), as Scoring.check_sheet applies it
                    domain_rules.validate_score(crit, value)
                except domain_rules.RuleError as exc:
                    raise ServiceError(exc.code, **exc.params) from exc
                clean[cid] = None if value is None else decimal_text(value)
        except ServiceError as exc:
            raise self._refuse(first.person_id, sheet_id.strip(), exc) from exc
        now = self.ctx.clock()
        with self.ctx.tx(outcome_unchanged=True) as s:
            found = repo.paper_sheet(session=s, sheet_id=sheet.sheet_id)
            assert found is not None
            out = []
            for m in json.loads(found.mismatches_json):
                if m["criterion"] in clean:
                    m = dict(m, settled=clean[m["criterion"]], settled_by=sorted([first.person_id, second.person_id]),
                             settled_at=now.isoformat())
                out.append(m)
            found.mismatches_json = json.dumps(out)
            repo.put(session=s, row=found)
            self.ctx.log(s, first.person_id, "staff", paper.LOG_SETTLED,
                         {"sheet": sheet.sheet_id, "with": second.person_id,
                          "cells": {k: clean[k] for k in sorted(clean)}})
        return self.view(sheet.sheet_id)

    # -- confirmation ---------------------------------------------------------------------------------------
    def confirm(self, actor: Actor, sheet_id: str) -> PaperSheetView:
        """The reviewer (or the supervisor as witness, per ``paper_sheet_confirmation``) confirms the keyed
        sheet with their credential: it becomes the reviewer's submitted, locked sheet.

        The confirmer signs domain.paper.confirmation_statement (session, sheet, reviewer, applicant, rubric
        and version, the keyers, the final values, each settled cell) in the same transaction.
        Raises: ServiceError("paper_not_second_keyed"), ("paper_unsettled") naming the cells still to settle,
            ("paper_confirmed_already"), ("paper_confirmer_wrong") (not the reviewer, or not the supervisor
            in witness mode), what ``Scoring.check_sheet``/``check_scorer`` raise. Each refusal is logged.
        Source: issue 14; RULES.md §3–4.
        """
        self.ctx.check_actor(actor)
        try:
            sheet = self.find(sheet_id)
            row = self._row(sheet.sheet_id)
            if row is None or row.second_keyer is None or row.second_values_json is None:
                raise ServiceError("paper_not_second_keyed", sheet=sheet.sheet_id)
            if row.confirmed_at is not None:
                raise ServiceError("paper_confirmed_already", sheet=sheet.sheet_id)
            cells = json.loads(row.mismatches_json)
            open_cells = [m["criterion"] for m in cells if m["settled_at"] is None]
            if open_cells:
                raise ServiceError("paper_unsettled", sheet=sheet.sheet_id, cells=join_list(open_cells))
            if self.confirmation is PaperConfirmation.REVIEWER:
                if actor.person_id != sheet.reviewer_id:
                    raise ServiceError("paper_confirmer_wrong", sheet=sheet.sheet_id,
                                       who=t("sheets.confirmer_reviewer", reviewer=sheet.reviewer_id))
                self.scoring.require_may_see(actor, sheet.applicant_id, Action.SCORE)
                role = Role.REVIEWER.value
            else:
                if Role.SUPERVISOR not in self.ctx.roles_of(actor.person_id):
                    raise ServiceError("paper_confirmer_wrong", sheet=sheet.sheet_id, who=t("sheets.confirmer_supervisor"))
                role = Role.SUPERVISOR.value
            self.scoring.check_scorer(sheet.reviewer_id, sheet.applicant_id)
            entry = self._entry(row)
            final = paper.final_values(entry["keyings"][0]["values"], {m["criterion"]: m["settled"] for m in cells})
            values: ScoreValues = {k: (None if v is None else Decimal(v)) for k, v in final.items()}
            rubric, current = self.scoring.check_sheet(sheet.reviewer_id, sheet.applicant_id, values, submit=True)
        except ServiceError as exc:
            raise self._refuse(actor.person_id, sheet_id.strip(), exc) from exc
        statement = paper.confirmation_statement(self.ctx.defn.session_id, entry)
        now = self.ctx.clock()
        with self.ctx.tx() as s:
            written = self.scoring.write_sheet(s, sheet.reviewer_id, sheet.applicant_id, rubric, current, values, submit=True)
            repo.flush(session=s)
            found = repo.paper_sheet(session=s, sheet_id=sheet.sheet_id)
            assert found is not None
            found.confirmed_by, found.confirmed_role, found.confirmed_at = actor.person_id, role, now
            found.sheet_version = written.version
            repo.put(session=s, row=found)
            repo.put(session=s, row=Signature(kind=paper.SIGNATURE_KIND, subject=sheet.sheet_id, role=role,
                                              person_id=actor.person_id, signed_at=now, statement=statement,
                                              signature=sign_statement(actor.key, statement)))
            self.ctx.log(s, actor.person_id, role, paper.LOG_CONFIRMED,
                         {"sheet": sheet.sheet_id, "reviewer": sheet.reviewer_id, "applicant": sheet.applicant_id,
                          "version": written.version, "statement_sha256": hashlib.sha256(statement).hexdigest()})
        return self.view(sheet.sheet_id)

    # -- views ----------------------------------------------------------------------------------------------
    @staticmethod
    def _entry(row: PaperSheet) -> dict[str, Any]:
        """The record's entry of a keyed sheet, without its confirmation (room/record.py)."""
        return paper_entry(row)

    def view(self, sheet_id: str) -> PaperSheetView:
        """The sheet's state for the keying screen. Raises: ServiceError("paper_sheet_unknown")."""
        sheet = self.find(sheet_id)
        row = self._row(sheet.sheet_id)
        if row is None:
            return PaperSheetView(sheet, "blank", (), (), None)
        if row.second_keyer is None:
            return PaperSheetView(sheet, "first", (row.first_keyer,), (), None)
        cells = tuple(Cell(m["criterion"], _shown(m["first"]), _shown(m["second"]),
                           None if m["settled_at"] is None else _shown(m["settled"]))
                      for m in json.loads(row.mismatches_json))
        if row.confirmed_at is not None:
            status = "confirmed"
        elif any(c.settled is None for c in cells):
            status = "mismatched"
        else:
            status = "settled"
        return PaperSheetView(sheet, status, (row.first_keyer, row.second_keyer), cells, row.confirmed_by)

    def keyed(self) -> dict[str, PaperSheetView]:
        """Every sheet keyed so far: sheet id → its view."""
        with self.ctx.read() as s:
            ids = [r.sheet_id for r in repo.paper_sheets(session=s)]
        return {i: self.view(i) for i in ids}

    def due_for(self, keyer_id: str) -> list[PrintedSheet]:
        """The sheets ``keyer_id`` may key now: not keyed yet, or keyed once by someone else; for a reviewer
        still due to score (not submitted), in printing order."""
        keyed = {}
        with self.ctx.read() as s:
            for r in repo.paper_sheets(session=s):
                keyed[r.sheet_id] = r
        out = []
        sheets = self.scoring.current_sheets()
        for ps in self.printable():
            row = keyed.get(ps.sheet_id)
            if row is not None and (row.second_keyer is not None or row.first_keyer == keyer_id):
                continue
            sh = sheets.get((ps.reviewer_id, ps.applicant_id))
            if sh is not None and sh.status == "submitted":
                continue
            out.append(ps)
        return out


def _part(part: str) -> str:
    from zc_review.i18n import label_of

    return label_of("part", part)
