"""Integrity pledges (承诺书): each attending reviewer signs with their own credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.screens.rollcall import reviewer_role_label

if TYPE_CHECKING:
    from zc_review.service import RoomService
    from zc_review.service.room import Actor
    from zc_review.tui.app import ZcReviewApp


class PledgeScreen(Screen[None]):
    """The pledge text and the attending reviewers, signed or not; Enter asks the reviewer's credential."""

    CSS_PATH = "opening.tcss"
    BINDINGS = [Binding("escape", "back", t("common.back"))]

    @property
    def zc_app(self) -> ZcReviewApp:
        return self.app  # type: ignore[return-value]

    @property
    def service(self) -> RoomService:
        svc = self.zc_app.service
        assert svc is not None
        return svc

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("opening.pledge_title"), classes="title")
        yield Static(Text(""), id="pledge-text", classes="statement")
        yield Static(Text(""), id="pledge-count", classes="hint")
        yield DataTable(id="pledge-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t("common.col_code"), key="id")
        table.add_column(t("common.col_name"), key="name")
        table.add_column(t("common.col_role"), key="role")
        table.add_column(t("common.pledge"), key="signed", width=10)
        signed = self.service.pledged_ids()
        defn = self.service.defn
        for rid in self.service.attending_ids():
            table.add_row(Text(rid), Text(defn.reviewer(rid).name), Text(reviewer_role_label(defn, rid)),
                          self._signed_cell(rid in signed), key=rid)
        if not self.service.roll_call_closed():
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
            self.query_one("#pledge-text", Static).update(Text(self.service.pledge_text(rid)))
        if self.service.roll_call_closed():
            n = len(self.service.pledged_ids())
            self.query_one("#pledge-count", Static).update(
                Text(t("opening.pledge_count", signed=n, attending=len(self.service.attending_ids()))))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        rid = str(event.row_key.value)
        if rid in self.service.pledged_ids():
            self.zc_app.show_error(t("already_signed", name=self.service.person_name(rid)))
            return
        label = f"{rid} {self.service.person_name(rid)}"

        def signed(actor: Actor | None) -> None:
            if actor is None:
                return
            try:
                self.service.sign_pledge(actor)
            except ServiceError as exc:
                self.zc_app.show_error(exc)
                return
            self.query_one(DataTable).update_cell(rid, "signed", self._signed_cell(True))
            self._refresh()

        self.zc_app.ask_credential(t("opening.pledge_credential_title"), [(rid, label)], signed)

    def action_back(self) -> None:
        self.dismiss()
