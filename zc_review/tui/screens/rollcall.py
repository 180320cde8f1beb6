"""Roll call (点名): mark each reviewer attending or absent, see the quorum live, close the roll call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey, RowKey

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import show_text
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor, QuorumStatus


def quorum_text(q: QuorumStatus) -> Text:
    """"出席 n / 应到 N，法定人数 q（已达到）" in green when met, red otherwise."""
    text = Text(t("opening.rollcall_quorum", attending=q.attending, size=q.committee_size, required=q.required,
                  unmarked=q.unmarked))
    text.append("  ")
    text.append(t("opening.quorum_met") if q.met else t("opening.quorum_not_met"), style="bold green" if q.met else "bold red")
    return text


class RollTable(DataTable[Text]):
    """The reviewers' table, where marking one reviewer draws that cell again and nothing else.

    ``DataTable.update_cell`` counts an update that is part of the cache key of every rendered cell, row and
    line, so each mark rendered all the table's cells again (about 8 ms of a roll call's 15 ms per mark, 17
    marks in the demo's; issue 9). ``set_cell`` changes the value and forgets only that cell's renders and the
    rows and lines drawn from them; ``update_cell`` is used instead when the cell is not there (its error)."""

    def set_cell(self, row_key: str, column_key: str, value: Text) -> None:
        """Show ``value`` in the cell (``row_key``, ``column_key``) of a fixed-width column."""
        row, column = RowKey(row_key), ColumnKey(column_key)
        if row not in self._row_locations or column not in self._column_locations:
            self.update_cell(row_key, column_key, value)  # raises CellDoesNotExist
            return
        self._data[row][column] = value
        for cell in [k for k in self._cell_render_cache.keys() if k[0] == row and k[1] == column]:
            self._cell_render_cache.discard(cell)
        for line in [k for k in self._row_render_cache.keys() if k[0] == row]:
            self._row_render_cache.discard(line)
        self._line_cache.clear()
        self.refresh_row(self.get_row_index(row_key))


class RollCallScreen(RoomScreen[None]):
    """The recorder marks attendance: ``a`` 出席, ``x`` 缺席, space toggles; ``c`` closes the roll call.

    Marking moves the cursor to the next reviewer, so a roll call is one key per person.
    """

    CSS_PATH = "opening.tcss"
    BINDINGS = [
        Binding("a", "mark(True)", t("opening.rollcall_attending")),
        Binding("x", "mark(False)", t("opening.rollcall_absent")),
        Binding("space", "toggle_mark", t("opening.rollcall_key_toggle"), key_display=t("tui.key_space")),
        Binding("c", "close_roll_call", t("opening.rollcall_key_close")),
        Binding("escape", "back", t("common.back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._state_shown: str | None = None  # the state line's text, once drawn

    def compose(self) -> ComposeResult:
        """The quorum (``#roll-quorum``), the state line and the reviewers' table (``#roll-table``)."""
        yield Header()
        yield Static(t("opening.rollcall_title"), classes="title")
        yield Static(Text(""), id="roll-quorum")
        yield Static(Text(""), id="roll-state", classes="hint")
        yield RollTable(id="roll-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the reviewers with their roles, panel and mark; focus the table."""
        table = self.query_one(DataTable)
        table.add_column(t("common.col_code"), key="id")
        table.add_column(t("common.col_name"), key="name")
        table.add_column(t("common.col_role"), key="role")
        table.add_column(t("common.col_panel"), key="panel")
        table.add_column(t("common.col_attendance"), key="att", width=8)
        marks = self._marks()
        for r in self.room.views.roll_call():
            table.add_row(Text(r.reviewer_id), Text(r.name), Text(r.role_label), Text(r.panel_name),
                          self._mark_cell(marks.get(r.reviewer_id)), key=r.reviewer_id)
        table.focus()
        self._refresh_status()

    def _marks(self) -> dict[str, bool]:
        return self.room.attendance()

    @staticmethod
    def _mark_cell(mark: bool | None) -> Text:
        if mark is None:
            return Text(t("opening.rollcall_unmarked"), style="dim")
        return Text(t("opening.rollcall_attending"), style="green") if mark else Text(t("opening.rollcall_absent"), style="red")

    def _refresh_status(self) -> None:
        """The quorum and the state line, redrawn without a layout pass unless their height changes (issue 9:
        a layout per mark)."""
        show_text(self.query_one("#roll-quorum", Static), quorum_text(self.room.opening.quorum()))
        closed = self.room.opening.roll_call_closed()
        state = t("opening.rollcall_closed" if closed else "opening.rollcall_help")
        if self._state_shown != state:
            self._state_shown = state
            show_text(self.query_one("#roll-state", Static), Text(state))

    def _current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_mark(self, attending: bool) -> None:
        """``a``/``x``: mark the current reviewer attending/absent (a refusal is shown), move down."""
        rid = self._current_id()
        if rid is None or self.operator is None:
            return
        try:
            self.room.opening.mark_attendance(self.operator, rid, attending)
        except ServiceError as exc:
            self.show_error(exc)
            return
        table = self.query_one(RollTable)
        table.set_cell(rid, "att", self._mark_cell(attending))
        table.move_cursor(row=table.cursor_row + 1)
        self._refresh_status()

    def action_toggle_mark(self) -> None:
        """Space: toggle the current reviewer's mark."""
        rid = self._current_id()
        if rid is None:
            return
        self.action_mark(not self._marks().get(rid, False))

    def action_close_roll_call(self) -> None:
        """``c``: close the roll call after a ``Confirm`` naming the attendance (irreversible); a refusal
        (e.g. no quorum, already closed) is shown."""
        if self.operator is None:
            return
        operator = self.operator
        if self.room.opening.roll_call_closed() or not self.room.opening.quorum().met:
            self._close(operator)  # the service's refusal, shown at once
            return
        q = self.room.opening.quorum()

        def answer(yes: bool | None) -> None:
            if yes:
                self._close(operator)

        self.app.push_screen(Confirm(t("opening.rollcall_close_q", attending=q.attending, size=q.committee_size)),
                             answer)

    def _close(self, operator: Actor) -> None:
        try:
            self.room.opening.close_roll_call(operator)
        except ServiceError as exc:
            self.show_error(exc)
            return
        self._refresh_status()
        self.notify(t("opening.rollcall_closed"))

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.dismiss()
