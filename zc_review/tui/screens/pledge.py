"""Integrity pledges (承诺书): each attending reviewer signs with their own credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.dialogs import Message, Unbroken, codes_line
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor


class PledgeScreen(RoomScreen[None]):
    """The pledge text and the attending reviewers, signed or not, and who has not signed yet; Enter asks the
    reviewer's credential, then a confirmation; after a signature the cursor moves to the next still to sign."""

    CSS_PATH = "opening.tcss"
    # Enter in the footer (the table's own Enter is not shown there: the hand run found only Esc in the footer)
    BINDINGS = [Binding("enter", "select_row", t("tui.key_pledge_sign"), priority=True),
                Binding("escape", "back", t("common.back"))]

    def compose(self) -> ComposeResult:
        """The pledge text (``#pledge-text``), the count and the attending reviewers (``#pledge-table``)."""
        yield Header()
        yield Static(t("opening.pledge_title"), classes="title")
        # a Message: Rich broke the pledge at its only space, "本人⏎崔丽娟（R01）郑重承诺…" (hand run, 80×24)
        yield Message(Text(""), id="pledge-text", classes="statement")
        yield Static(Text(""), id="pledge-count", classes="hint")
        yield DataTable(id="pledge-table", cursor_type="row", zebra_stripes=True)
        yield Message(Text(""), id="pledge-outstanding")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the reviewers, signed or not; warn while the roll call is open."""
        table = self.query_one(DataTable)
        rows = [self.room.views.reviewer_row(rid) for rid in self.room.attending_ids()]
        add_fitted_column(table, t("common.col_code"), "id", [r.reviewer_id for r in rows])
        add_fitted_column(table, t("common.col_name"), "name", [r.name for r in rows])
        add_fitted_column(table, t("common.col_role"), "role", [r.role_label for r in rows])
        table.add_column(t("common.pledge"), key="signed", width=10)
        signed = self.room.opening.pledged_ids()
        for r in rows:
            table.add_row(Text(r.reviewer_id), Text(r.name), Text(r.role_label),
                          self._signed_cell(r.reviewer_id in signed), key=r.reviewer_id)
        self._to_next_unsigned()
        if not self.room.opening.roll_call_closed():
            self.query_one("#pledge-count", Static).update(Text(t("roll_call_open"), style="red"))
        table.focus()
        self._refresh()

    @staticmethod
    def _signed_cell(signed: bool) -> Text:
        return Text(t("opening.pledge_signed"), style="green") if signed else Text(t("opening.pledge_unsigned"), style="dim")

    def _current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _refresh(self) -> None:
        rid = self._current_id()
        if rid is not None:
            self.query_one("#pledge-text", Message).update(Unbroken(self.room.opening.pledge_text(rid)))
        if self.room.opening.roll_call_closed():
            n = len(self.room.opening.pledged_ids())
            self.query_one("#pledge-count", Static).update(
                Text(t("opening.pledge_count", signed=n, attending=len(self.room.attending_ids()))))
        todo = self.unsigned()
        self.query_one("#pledge-outstanding", Static).update(Unbroken(
            t("opening.pledge_outstanding", n=len(todo), names=codes_line(f"{r} {self.room.person_name(r)}" for r in todo))
            if todo else t("opening.pledge_all"), style="bold yellow" if todo else "green"))

    def unsigned(self) -> list[str]:
        """Attending reviewers who have not signed their pledge yet, in roster order."""
        signed = self.room.opening.pledged_ids()
        return [r for r in self.room.attending_ids() if r not in signed]

    def _to_next_unsigned(self) -> None:
        """Move the cursor to the next reviewer still to sign (after the current row, wrapping)."""
        table = self.query_one(DataTable)
        todo = set(self.unsigned())
        if not todo or table.row_count == 0:
            return
        order = [str(k.value) for k in table.rows]
        start = table.cursor_row
        for i in list(range(start, len(order))) + list(range(0, start)):
            if order[i] in todo:
                table.move_cursor(row=i)
                return

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted reviewer's pledge text."""
        self._refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a reviewer: ask their credential, then sign (a refusal is shown)."""
        rid = str(event.row_key.value)
        if rid in self.room.opening.pledged_ids():
            self.show_error(t("already_signed", name=self.room.person_name(rid)))
            return
        label = f"{rid} {self.room.person_name(rid)}"

        def signed(actor: Actor | None) -> None:
            if actor is None:
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    self._sign(actor, rid)

            self.app.push_screen(Confirm(t("opening.pledge_q", name=actor.name)), answer)

        self.ask_credential(t("opening.pledge_credential_title"), [(rid, label)], signed)

    def _sign(self, actor: Actor, rid: str) -> None:
        """Sign ``actor``'s pledge (a refusal is shown), then move to the next reviewer still to sign."""
        try:
            self.room.opening.sign_pledge(actor)
        except ServiceError as exc:
            self.show_error(exc)
            return
        self.query_one(DataTable).update_cell(rid, "signed", self._signed_cell(True))
        self._to_next_unsigned()
        self._refresh()

    def action_select_row(self) -> None:
        """Enter: the highlighted reviewer signs (as Enter on the table)."""
        self.query_one(DataTable).action_select_cursor()

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.dismiss()
