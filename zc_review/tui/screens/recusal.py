"""Recusals (回避): the list (pre-declared and declared in the room) and a form to add one. None is removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column, show_text
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor


class RecusalScreen(RoomScreen[None]):
    """All recusals, and a form: reviewer number, applicant code, reason; Enter in the reason adds it."""

    CSS_PATH = "opening.tcss"
    BINDINGS = [Binding("escape", "back", t("common.back")), Binding("ctrl+s", "add", t("opening.recusal_add"))]

    def compose(self) -> ComposeResult:
        """The recusals' table (``#rec-table``) and the form: reviewer, applicant code, reason."""
        yield Header()
        yield Static(t("opening.recusal_title"), classes="title")
        yield DataTable(id="rec-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="rec-form"):
            with Horizontal(classes="form-row"):
                yield Label(t("common.role_reviewer"), classes="form-label")
                yield Input(id="rec-reviewer", placeholder="R01")
                yield Static(Text(""), id="rec-reviewer-hint", classes="hint")
            with Horizontal(classes="form-row"):
                yield Label(t("opening.recusal_applicant"), classes="form-label")
                yield Input(id="rec-applicant", placeholder=t("opening.recusal_applicant_placeholder"))
                yield Static(Text(""), id="rec-applicant-hint", classes="hint")
            with Horizontal(classes="form-row"):
                yield Label(t("opening.recusal_reason"), classes="form-label")
                yield Input(id="rec-reason", placeholder=t("opening.recusal_reason_placeholder"))
            yield Button(t("opening.recusal_add"), id="rec-add", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the table, focus the reviewer field."""
        table = self.query_one(DataTable)
        table.add_column(t("common.role_reviewer"), key="reviewer")
        add_fitted_column(table, t("common.col_code"), "code", [a.code for a in self.room.views.applicants()])
        table.add_column(t("opening.recusal_reason"), key="reason")
        table.add_column(t("common.col_source"), key="source")
        self._fill()
        self.query_one("#rec-reviewer", Input).focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for r in self.room.views.recusals():
            table.add_row(Text(f"{r.reviewer_id} {r.reviewer_name}"), Text(r.code), Text(r.reason),
                          Text(t("opening.recusal_predeclared" if r.source == "predeclared" else "opening.recusal_room")))

    def _reviewer_id(self) -> str | None:
        raw = self.query_one("#rec-reviewer", Input).value.strip().upper()
        return self.room.views.reviewer_id(raw)

    def _applicant_id(self) -> str | None:
        a = self.room.views.applicant_by_code(self.query_one("#rec-applicant", Input).value.strip())
        return None if a is None else a.applicant_id

    @on(Input.Changed, "#rec-reviewer")
    def _reviewer_changed(self) -> None:
        rid = self._reviewer_id()
        hint = self.room.person_name(rid) if rid else t("opening.recusal_no_reviewer")
        show_text(self.query_one("#rec-reviewer-hint", Static), Text(hint))

    @on(Input.Changed, "#rec-applicant")
    def _applicant_changed(self) -> None:
        aid = self._applicant_id()
        if aid is None:
            hint = t("opening.recusal_no_applicant")
        else:
            hint = self.room.views.applicant(aid).panel_name
        show_text(self.query_one("#rec-applicant-hint", Static), Text(hint))

    @on(Input.Submitted, "#rec-reviewer")
    def _next1(self) -> None:
        self.query_one("#rec-applicant", Input).focus()

    @on(Input.Submitted, "#rec-applicant")
    def _next2(self) -> None:
        self.query_one("#rec-reason", Input).focus()

    @on(Input.Submitted, "#rec-reason")
    @on(Button.Pressed, "#rec-add")
    def action_add(self) -> None:
        """``ctrl+s``, Enter in the reason or the button: a ``Confirm`` naming the reviewer, the applicant's
        code and the reason (a recusal cannot be undone), then add it (a refusal is shown) and clear the form."""
        operator = self.operator
        if operator is None:
            return
        rid, aid = self._reviewer_id(), self._applicant_id()
        if rid is None:
            self.show_error(t("opening.recusal_no_reviewer"))
            return
        if aid is None:
            self.show_error(t("opening.recusal_no_applicant"))
            return
        reason = self.query_one("#rec-reason", Input).value
        if not reason.strip():  # the service's refusal, before any question
            self._add(operator, rid, aid, reason)
            return
        question = t("opening.recusal_q", reviewer=f"{rid} {self.room.person_name(rid)}",
                     code=self.room.views.applicant(aid).code, reason=reason.strip())

        def answer(yes: bool | None) -> None:
            if yes:
                self._add(operator, rid, aid, reason)

        self.app.push_screen(Confirm(question), answer)

    def _add(self, operator: Actor, rid: str, aid: str, reason: str) -> None:
        """Add the recusal (a refusal is shown), clear the form."""
        try:
            self.room.opening.add_recusal(operator, rid, aid, reason)
        except ServiceError as exc:
            self.show_error(exc)
            return
        for w in self.query(Input):
            w.value = ""
        self._fill()
        self.query_one("#rec-reviewer", Input).focus()
        self.notify(t("opening.recusal_added"))

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.dismiss()
