"""Double keying of paper score sheets (双人录入, issue 14): a staff member picks a sheet, types its check code
and every cell in a grid; a second staff member keys it again on an empty grid (never shown the first
keying); the cells that differ are shown side by side, each settled against the paper with both keyers
present; then the reviewer (or the supervisor as witness) confirms with their credential.

The screen only types and shows: every rule (who may key, the check code, range and step, recusal, the
rubric in force, the same keyer twice, settling, confirming) is the room's (``room.paper``), and a refusal is
shown in Chinese with nothing keyed lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column, ask_person
from zc_review.tui.screens.scoring import ScoreGrid
from zc_review.tui.widgets import Pick, TextPrompt
from zc_review.tui.widgets.dialogs import Message, Unbroken
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor
    from zc_review.service.room.paper_sheets import PaperSheetView

VALUE = "value"
SETTLED = "settled"


class PaperKeyingScreen(RoomScreen[None]):
    """One staff member keys paper sheets; ``f2`` hands the keyboard to the other keyer. ``n`` picks the next
    sheet, ``ctrl+s`` saves the keying (or the settled cells, with the other keyer's credential), ``c`` asks the
    confirmer's credential. Leaving the screen forgets the keyer's credential."""

    BINDINGS = [
        Binding("ctrl+s", "save", t("scoring.opinion_key_save")),
        Binding("n", "pick", t("sheets.key_pick")),
        Binding("c", "confirm", t("common.confirm")),
        Binding("f2", "switch", t("sheets.key_switch")),
        Binding("p", "print", t("sheets.key_print"), show=False),  # once, before keying: F1, the palette
        Binding("escape", "back", t("common.back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.keyer: Actor | None = None
        self.sheet_id: str | None = None
        self.check_code = ""
        self.mode = "idle"  # idle | key | settle | confirm
        self.typed: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        """Heading, the sheet line, the grid, the status line, the footer."""
        yield Header()
        yield Static(Text(t("sheets.tui_title")), classes="title", id="pk-title")
        yield Message(Text(""), id="pk-sheet")
        yield ScoreGrid(id="pk-grid")
        yield Message(Text(""), id="pk-status", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Ask who keys."""
        grid = self.query_one(ScoreGrid)
        grid.on_edit = self._edit
        grid.on_refused = lambda _row: self._status(t("sheets.cell_not_typed"), "yellow")
        self._status(t("sheets.tui_who"))
        self.action_switch()

    # -- who keys, which sheet -------------------------------------------------------------------------------
    def action_switch(self) -> None:
        """``f2``: the other staff member keys (their credential)."""
        self.keyer = None
        self._clear()
        people = [(p.person_id, t("sheets.person_role", name=f"{p.person_id} {p.name}", role=p.role))
                  for p in self._staff()]
        ask_person(self, t("sheets.tui_who"), people, self._keyer_in)

    def _staff(self) -> list[_Person]:
        return [_Person(s.id, s.name, label_of("role", s.role.value)) for s in self.room.defn.staff]

    def _keyer_in(self, actor: Actor | None) -> None:
        if actor is None:
            self._status(t("sheets.tui_no_keyer"), "yellow")
            return
        self.keyer = actor
        self.query_one("#pk-title", Static).update(Text(t("sheets.tui_heading", name=actor.name)))
        self.action_pick()

    def action_pick(self) -> None:
        """``n``: choose a sheet due for this keyer (type part of its id or code to narrow the list)."""
        if self.keyer is None:
            self.action_switch()
            return
        keyed = self.room.paper.keyed()
        # first the sheets keyed twice that wait for this keyer's settlement or for their confirmation
        waiting = [v for v in keyed.values() if (v.status == "mismatched" and self.keyer.person_id in v.keyers)
                   or v.status == "settled"]
        due = self.room.paper.due_for(self.keyer.person_id)
        if not due and not waiting:
            self._status(t("sheets.tui_none_due"), "green")
            return
        state = {"mismatched": t("sheets.state_mismatched"), "settled": t("sheets.state_settled")}
        options = [(v.sheet.sheet_id, t("sheets.tui_pick_line", sheet=v.sheet.sheet_id, code=v.sheet.applicant_code,
                                        reviewer=v.sheet.reviewer_id, state=state[v.status])) for v in waiting]
        options += [(s.sheet_id, t("sheets.tui_pick_line", sheet=s.sheet_id, code=s.applicant_code, reviewer=s.reviewer_id,
                                   state=t("sheets.state_first") if s.sheet_id in keyed else t("sheets.state_blank")))
                    for s in due]
        self.app.push_screen(Pick(t("sheets.tui_pick"), options), self._picked)

    def _picked(self, sheet_id: str | None) -> None:
        if sheet_id is None:
            return
        self.sheet_id = sheet_id
        view = self.room.paper.view(sheet_id)
        if view.status in ("mismatched", "settled"):
            self._after(view)
            return
        self.app.push_screen(TextPrompt(t("sheets.tui_check_code", sheet=sheet_id)), self._coded)

    def _coded(self, code: str | None) -> None:
        if code is None or self.sheet_id is None:
            self._clear()
            return
        self.check_code = code
        self._show_key_grid()

    # -- the grids ---------------------------------------------------------------------------------------------
    def _clear(self) -> None:
        grid = self.query_one(ScoreGrid)
        grid.clear(columns=True)
        grid.editable_columns, grid.locked_rows = [], set()
        self.mode, self.typed = "idle", {}
        self.query_one("#pk-sheet", Static).update(Text(""))

    def _sheet_line(self, view: PaperSheetView) -> None:
        s = view.sheet
        self.query_one("#pk-sheet", Static).update(Unbroken(t(
            "sheets.tui_sheet_line", sheet=s.sheet_id, code=s.applicant_code, reviewer=s.reviewer_id,
            rubric=s.rubric.name, version=s.rubric.version)))

    def _show_key_grid(self) -> None:
        """An empty grid, one row per criterion: the second keyer never sees the first keying."""
        assert self.sheet_id is not None
        view = self.room.paper.view(self.sheet_id)
        self._sheet_line(view)
        grid = self.query_one(ScoreGrid)
        grid.clear(columns=True)
        crit = view.sheet.rubric.criteria
        add_fitted_column(grid, t("sheets.col_criterion"), "name", [f"{c.id} {c.name}" for c in crit])
        add_fitted_column(grid, t("common.col_max"), "max", [f"{c.max_points:f}" for c in crit])
        add_fitted_column(grid, t("common.col_step"), "step", [f"{c.step:f}" for c in crit])
        add_fitted_column(grid, t("sheets.col_value"), VALUE, [], minimum=8)
        for c in crit:
            grid.add_row(Text(f"{c.id} {c.name}"), Text(f"{c.max_points:f}"), Text(f"{c.step:f}"), Text(""), key=c.id)
        grid.editable_columns, grid.locked_rows = [VALUE], set()
        grid.move_cursor(row=0, column=3)
        grid.focus()
        self.mode, self.typed = "key", {}
        self._status(t("sheets.tui_keying", n=2 if view.status == "first" else 1))

    def _show_settle_grid(self, view: PaperSheetView) -> None:
        """The differing cells side by side: the first keying, the second, the value read on the paper."""
        self._sheet_line(view)
        grid = self.query_one(ScoreGrid)
        grid.clear(columns=True)
        names = {c.id: f"{c.id} {c.name}" for c in view.sheet.rubric.criteria}
        add_fitted_column(grid, t("sheets.col_criterion"), "name", list(names.values()))
        add_fitted_column(grid, t("sheets.col_first", name=self.room.person_name(view.keyers[0])), "first",
                          [c.first for c in view.cells])
        add_fitted_column(grid, t("sheets.col_second", name=self.room.person_name(view.keyers[1])), "second",
                          [c.second for c in view.cells])
        add_fitted_column(grid, t("sheets.col_settled"), SETTLED, [c.settled or "" for c in view.cells], minimum=8)
        open_cells = [c for c in view.cells if c.settled is None]
        for c in view.cells:
            grid.add_row(Text(names[c.criterion_id]), Text(c.first, style="bold red"), Text(c.second, style="bold red"),
                         Text(c.settled or "", style="green"), key=c.criterion_id)
        grid.editable_columns = [SETTLED] if open_cells else []
        grid.locked_rows = {c.criterion_id for c in view.cells if c.settled is not None}
        if open_cells:
            grid.move_cursor(row=[c.criterion_id for c in view.cells].index(open_cells[0].criterion_id), column=3)
        grid.focus()
        self.mode, self.typed = "settle", {}
        self._status(t("sheets.tui_mismatches", n=len(open_cells)), "bold yellow")

    def _show_confirm(self, view: PaperSheetView) -> None:
        self._sheet_line(view)
        self.mode = "confirm"
        self._status(t("sheets.tui_ready", n=len(view.cells), who=self._confirmer_label(view)), "bold green")

    def _edit(self, row: str, col: str, text: str, final: bool) -> None:
        """A cell typed: kept as typed, checked live as the room will check it (red, with the reason)."""
        grid = self.query_one(ScoreGrid)
        if text == "\x00":
            text = self.typed.get(row, "")
        if final:
            if text:
                self.typed[row] = text
            else:
                self.typed.pop(row, None)
            problem = None
            if text and self.sheet_id is not None:
                _, problem = self.room.scoring.check_value(self.room.paper.find(self.sheet_id).applicant_id, row, text)
            grid.update_cell(row, col, Text(text, style="bold red" if problem else "bold"))
            if problem:
                self._status(problem, "bold red")

    # -- saving, settling, confirming ------------------------------------------------------------------------
    def action_save(self) -> None:
        """``ctrl+s``: save this keying; on the mismatch grid, save the settled cells with the other keyer."""
        self.query_one(ScoreGrid).commit()
        if self.keyer is None or self.sheet_id is None:
            return
        if self.mode == "key":
            try:
                view = self.room.paper.key(self.keyer, self.sheet_id, self.check_code, dict(self.typed))
            except ServiceError as exc:
                self.show_error(exc)
                return
            self._after(view)
        elif self.mode == "settle":
            view = self.room.paper.view(self.sheet_id)
            other = next(k for k in view.keyers if k != self.keyer.person_id)
            ask_person(self, t("sheets.tui_other_keyer", name=self.room.person_name(other)),
                       [(other, f"{other} {self.room.person_name(other)}")], self._settle_with)

    def _settle_with(self, other: Actor | None) -> None:
        if other is None or self.keyer is None or self.sheet_id is None:
            return
        try:
            view = self.room.paper.settle(self.keyer, other, self.sheet_id, dict(self.typed))
        except ServiceError as exc:
            self.show_error(exc)
            return
        self._after(view)

    def _after(self, view: PaperSheetView) -> None:
        if view.status == "first":
            self._clear()
            self._status(t("sheets.tui_first_saved", sheet=view.sheet.sheet_id), "green")
        elif view.status == "mismatched":
            self._show_settle_grid(view)
        elif view.status == "settled":
            if view.cells:
                self._show_settle_grid(view)
            self._show_confirm(view)
        else:
            self._clear()
            self._status(t("sheets.tui_confirmed", sheet=view.sheet.sheet_id), "green")

    def _confirmer_label(self, view: PaperSheetView) -> str:
        if self.room.paper.confirmation.value == "reviewer":
            return f"{view.sheet.reviewer_id} {self.room.person_name(view.sheet.reviewer_id)}"
        sup = next(p for p in self._staff() if p.person_id in self._supervisors())
        return f"{sup.person_id} {sup.name}"

    def _supervisors(self) -> set[str]:
        return {s.id for s in self.room.defn.staff if s.role.value == "supervisor"}

    def action_confirm(self) -> None:
        """``c``: the reviewer (or the supervisor as witness) confirms the keyed sheet with their credential."""
        if self.sheet_id is None or self.mode != "confirm":
            self._status(t("sheets.tui_not_ready"), "yellow")
            return
        view = self.room.paper.view(self.sheet_id)
        if self.room.paper.confirmation.value == "reviewer":
            person = view.sheet.reviewer_id
        else:
            person = sorted(self._supervisors())[0]
        self.ask_credential(t("sheets.tui_confirm_title", sheet=view.sheet.sheet_id),
                            [(person, f"{person} {self.room.person_name(person)}")], self._confirmed)

    def _confirmed(self, actor: Actor | None) -> None:
        if actor is None or self.sheet_id is None:
            return
        try:
            view = self.room.paper.confirm(actor, self.sheet_id)
        except ServiceError as exc:
            self.show_error(exc)
            return
        self._after(view)

    def action_print(self) -> None:
        """``p``: print the blank sheets of every panel (one PDF in the output folder; the recorder logged in)."""
        from zc_review.service.atomic import write_atomic

        operator = self.operator
        if operator is None:
            return
        try:
            pdf = self.room.paper.sheets_pdf(operator)
        except ServiceError as exc:
            self.show_error(exc)
            return
        path = self.out_dir / f"{self.room.defn.session_id}-paper-sheets.pdf"
        write_atomic(path, pdf)  # 0600 in a 0700 folder it creates (issue 12 §5)
        self._status(t("sheets.tui_printed", path=str(path)), "green")

    def action_back(self) -> None:
        """Escape: back to the dashboard; the keyer's credential is forgotten."""
        self.keyer = None
        self.app.pop_screen()

    def _status(self, text: str, style: str = "") -> None:
        self.query_one("#pk-status", Static).update(Unbroken(text, style=style))


class _Person:
    """A staff member as offered to key: id, name, role label."""

    def __init__(self, person_id: str, name: str, role: str) -> None:
        self.person_id, self.name, self.role = person_id, name, role
