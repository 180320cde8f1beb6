"""Scoring (量化赋分): a reviewer identifies, then fills a grid of their applicants (by code) × rubric criteria.

Keystrokes touch single cells and the row's two totals, never the whole table: the grid is a line-API
widget (``score_grid.GridTable``) that renders each row once and repaints only the rows that changed. Values are validated live by the service with the rules it applies on saving
(``room.scoring.check_value``), and the row totals are the service's (``room.scoring.part_totals``); an
invalid value stays red on screen and is never saved.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import Header, Static

from zc_review.i18n import join_list, label_of, t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column, ask_person, show_text
from zc_review.tui.screens.dossier import DossierScreen
from zc_review.tui.screens.panel_view import PanelScoresScreen
from zc_review.tui.screens.rubric import fmt_points
from zc_review.tui.screens.score_grid import GridTable
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor
    from zc_review.service.room.views import RubricView

SCORE_CHARS = frozenset("0123456789.-")



class ScoreGrid(GridTable):
    """A grid whose criterion cells are typed into: digits, ``.`` and ``-`` (not applicable).

    Typing, Enter, Tab and Backspace are handled here, in key order, and reported to ``on_edit``;
    the screen validates and renders. ``editable_columns``, ``locked_rows`` and the two callbacks
    are set by the screen. The arrows, PageUp/PageDown and Home/End move the cursor (``GridTable.navigate``).
    """

    def __init__(self, *, id: str | None = None) -> None:
        # the code column stays in view when the grid scrolls sideways (80 columns)
        super().__init__(fixed_columns=1, zebra_stripes=True, id=id)
        self.editable_columns: list[str] = []
        self.locked_rows: set[str] = set()
        self.buffer: str | None = None
        self.buffer_at: tuple[str, str] | None = None
        # Called synchronously (not via messages) so that a save or submit bound on the screen always
        # sees every keystroke before it, however fast the keys arrive (a paste, the autopilot).
        self.on_edit: Callable[[str, str, str, bool], None] = lambda row, col, text, final: None
        self.on_refused: Callable[[str], None] = lambda row: None

    def _keys_here(self) -> tuple[str, str]:
        return self.key_at(self.cursor_coordinate)

    def commit(self) -> None:
        """Report the pending typed text (if any) as final."""
        if self.buffer is not None and self.buffer_at is not None:
            row, col = self.buffer_at
            text, self.buffer, self.buffer_at = self.buffer, None, None
            self.on_edit(row, col, text, True)

    def _move(self, step: int) -> None:
        """Move to the next (+1) or previous (-1) score cell, wrapping to the next/previous row."""
        cols = [self.get_column_index(c) for c in self.editable_columns]
        if not cols:
            return
        row, col = self.cursor_coordinate
        later = [c for c in cols if (c > col if step > 0 else c < col)]
        if later:
            self.cursor_coordinate = Coordinate(row, later[0] if step > 0 else later[-1])
        elif 0 <= row + step < self.row_count:
            self.cursor_coordinate = Coordinate(row + step, cols[0] if step > 0 else cols[-1])

    def on_key(self, event: events.Key) -> None:
        """Type into the cell: score characters, Backspace, Enter/Tab/Shift+Tab (commit and move),
        Escape (cancel the typing); navigation keys commit and move; other keys commit and pass on."""
        if self.row_count == 0:
            return
        row, col = self._keys_here()
        char = event.character
        if event.key in ("enter", "tab", "shift+tab"):
            self.commit()
            self._move(-1 if event.key == "shift+tab" else 1)
        elif char is not None and char in SCORE_CHARS and "+" not in event.key:
            if col not in self.editable_columns or row in self.locked_rows:
                self.on_refused(row)
            else:
                if self.buffer_at != (row, col):
                    self.commit()
                    self.buffer, self.buffer_at = "", (row, col)
                self.buffer = (self.buffer or "") + char
                self.update_cell(row, col, Text(self.buffer + "▏", style="bold reverse"))
                self.on_edit(row, col, self.buffer, False)
        elif event.key == "backspace":
            if col not in self.editable_columns or row in self.locked_rows:
                self.on_refused(row)
            elif self.buffer is not None and self.buffer_at == (row, col):
                self.buffer = self.buffer[:-1]
                self.update_cell(row, col, Text(self.buffer + "▏", style="bold reverse"))
                self.on_edit(row, col, self.buffer, False)
            else:
                self.on_edit(row, col, "", True)
        elif event.key == "escape" and self.buffer is not None and self.buffer_at is not None:
            r, c = self.buffer_at
            self.buffer, self.buffer_at = None, None
            self.on_edit(r, c, "\x00", True)  # "\x00": cancel, show the stored value
        else:
            self.commit()
            if not self.navigate(event.key):
                return
        event.prevent_default()
        event.stop()


class ScoringScreen(RoomScreen[None]):
    """One reviewer's scoring. ``ctrl+s`` saves drafts, ``ctrl+t`` submits the current row after a
    confirmation (then locked),
    ``d`` opens the dossier, ``f2`` hands the laptop to the next reviewer. Leaving the screen, or
    handing it over, forgets the reviewer's credential."""

    CSS_PATH = "scoring.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", t("scoring.key_save")),
        Binding("ctrl+t", "submit", t("scoring.key_submit")),
        Binding("d", "dossier", t("tui.key_dossier")),
        Binding("v", "panel_scores", t("scoring.key_panel"), show=False),  # refused until submitted: F1, palette
        Binding("f2", "switch", t("scoring.key_switch")),
        Binding("escape", "back", t("common.back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.actor: Actor | None = None
        self.rubric: RubricView | None = None
        self.codes: dict[str, str] = {}  # applicant id → code, for the rows on the grid
        self.values: dict[str, dict[str, Decimal | None]] = {}
        self.bad: dict[str, dict[str, str]] = {}
        self.dirty: set[str] = set()
        self.pending_submit: str | None = None  # the row whose submission awaits its confirmation
        # the row whose last criterion was just entered (Enter then moves the cursor to the next row): Ctrl+T
        # on the next row, still untouched, submits this one (the hand run submitted the empty next row)
        self.filled_row: str | None = None
        self._shown: dict[str, object] = {}  # widget id → what it shows (a line is redrawn only when it changes)
        self._dossier: DossierScreen | None = None  # kept (installed) and reused for each dossier opened
        self._columns_for: tuple[object, ...] | None = None  # what the grid's columns were built for

    def compose(self) -> ComposeResult:
        """The heading, the rubric banner, the grid (``#score-grid``), the message and criterion lines."""
        yield Header()
        yield Static(t("scoring.title"), id="score-title", classes="title")
        yield Static(Text(""), id="score-banner", classes="error")
        yield ScoreGrid(id="score-grid")
        yield Static(Text(""), id="score-msg", classes="error")
        yield Static(Text(""), id="score-crit", classes="criterion")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Ask the reviewer's credential."""
        self._ask_reviewer()

    def _ask_reviewer(self) -> None:
        room = self.room
        people = [(rid, f"{rid} {room.person_name(rid)}") for rid in room.views.scorer_ids()]
        ask_person(self, t("scoring.credential_title"), people, self._identified)

    def _identified(self, actor: Actor | None) -> None:
        if actor is None:
            self._leave()
            return
        self.start(actor)

    def action_switch(self) -> None:
        """The next reviewer takes the laptop: forget this one, ask the next one's credential."""
        grid = self.query_one(ScoreGrid)
        grid.commit()

        def switch(yes: bool | None = True) -> None:
            if not yes:
                return
            self.actor, self.rubric = None, None
            self.values, self.bad, self.dirty, self.codes = {}, {}, set(), {}
            self.filled_row = None
            grid.clear()  # the rows go; the columns stay for the next reviewer of the same panel
            grid.locked_rows = set()
            for wid in ("score-banner", "score-msg", "score-crit"):
                self._say(wid, "")
            self._ask_reviewer()

        if self.dirty - grid.locked_rows:
            self.app.push_screen(Confirm(t("scoring.unsaved_leave"), buttons=True), switch)
        else:
            switch()

    # -- building the grid ---------------------------------------------------------------------
    def start(self, actor: Actor) -> None:
        """Show ``actor``'s applicants (by code) and their saved sheets."""
        room = self.room
        self.actor = actor
        rubric = room.views.reviewer_rubric(actor.person_id)
        assert rubric is not None
        self.rubric = rubric
        self._say("score-title", t("scoring.heading", id=actor.person_id, name=actor.name, panel=rubric.panel_name,
                                   rubric=rubric.name))
        if not room.opening.rubric_in_force(rubric.panel_id):
            self._say("score-banner", t("rubric_not_in_force", panel=rubric.panel_name))
        grid = self.query_one(ScoreGrid)
        grid.on_edit, grid.on_refused, grid.on_cursor = self._edited, self._refused, self._cursor_moved
        rows = room.views.scoring_rows(actor.person_id)
        ordered = rubric.grid
        code_width = max([cell_len(t("common.col_code")), *(cell_len(r.code) for r in rows)])
        shape = (rubric.panel_id, rubric, code_width)
        if shape != self._columns_for or not grid.columns:  # another panel (or a wider code): new columns
            grid.clear(columns=True)
            add_fitted_column(grid, t("common.col_code"), "code", [r.code for r in rows])  # never "GC-2" (item 3)
            for c in ordered:
                grid.add_column(Text(f"{c.criterion_id}/{fmt_points(c.max_points)}"), key=c.criterion_id)
            grid.add_column(t("common.col_material"), key="material", width=7)
            if rubric.has_defence:
                grid.add_column(t("common.col_defence"), key="defence", width=7)
            grid.add_column(t("common.col_status"), key="status", width=14)
            grid.trailing_columns = 3 if rubric.has_defence else 2  # the totals and status stay in view at 80
            self._columns_for = shape
        grid.clear()
        grid.editable_columns = [c.criterion_id for c in ordered]
        for row in rows:
            aid = row.applicant_id
            self.values[aid], self.bad[aid], self.codes[aid] = dict(row.values), {}, row.code
            if row.status == "locked":
                grid.locked_rows.add(aid)
            grid.add_row(Text(row.code), *[self._cell(aid, c.criterion_id) for c in ordered], *self._totals(aid),
                         self._status_cell(row.status), key=aid)
        self._fit_criterion_lines()
        if ordered and grid.row_count:
            grid.cursor_coordinate = Coordinate(0, 1)
        grid.focus()

    def _say(self, wid: str, text: str | Text) -> None:
        """Show ``text`` in the line ``#wid``. Nothing is redrawn when it shows that already, and the screen is laid
        out again only when the text needs another number of lines than the widget has (a layout pass of the
        whole screen cost ~50 ms per cursor move at 150 × 12, issue 9), never for a line of fixed height (the
        criterion lines, ``_fit_criterion_lines``): a layout there is one more frame per cursor move."""
        key = text.markup if isinstance(text, Text) else text
        if self._shown.get(wid) == key:
            return
        self._shown[wid] = key
        show_text(self.query_one(f"#{wid}", Static), text)

    def _fit_criterion_lines(self) -> None:
        """Give the criterion lines (``#score-crit``) the height of the tallest description of the rubric (at most
        8 lines, at the current width), so that moving between criteria never lays the screen out again. Before the
        screen's first layout (the first reviewer's turn starts under the credential prompt) the width is the one
        the lines will have, the screen's less their padding: fitted later, on the first resize, the change of
        height was one more layout pass and frame while the reviewer starts typing."""
        info = self.query_one("#score-crit", Static)
        width = info.content_size.width or (self.size.width or self.app.size.width) - info.styles.gutter.width
        if self.rubric is None or width <= 0:
            return
        texts = [Text(t("scoring.help")), *(Text(self._criterion_text(c.criterion_id)) for c in self.rubric.grid)]
        tallest = max(len(x.wrap(self.app.console, width)) for x in texts)
        info.styles.height = min(8, tallest) + info.styles.gutter.height

    def on_resize(self, event: events.Resize) -> None:
        """Fit the criterion lines to the new width."""
        self._shown.pop("score-crit", None)
        self.call_after_refresh(self._fit_criterion_lines)

    def _cell(self, aid: str, cid: str) -> Text:
        locked = aid in self.query_one(ScoreGrid).locked_rows
        if cid in self.bad.get(aid, {}):
            return Text(self.bad[aid][cid] + "✗", style="bold red")
        if cid not in self.values.get(aid, {}):
            return Text("·", style="dim")
        v = self.values[aid][cid]
        return Text("-" if v is None else fmt_points(v), style="dim" if locked else "")

    def _status_cell(self, status: str) -> Text:
        style = {"locked": "bold green", "dirty": "yellow", "draft": "cyan", "empty": "dim"}[status]
        return Text(label_of("scoring_status", status), style=style)

    def _totals(self, aid: str, live: tuple[str, Decimal | None] | None = None) -> list[Text]:
        """The row's material (and defence) total (``room.scoring.part_totals``): the rubric's part score
        (bold) when the part is complete, else the running sum of the valid values entered so far (italic)."""
        vals = dict(self.values.get(aid, {}))
        if live is not None:
            vals[live[0]] = live[1]
        return [Text(fmt_points(total), style="bold" if complete else "italic")
                for total, complete in self.room.scoring.part_totals(aid, vals)]

    def _update_totals(self, aid: str, live: tuple[str, Decimal | None] | None = None) -> None:
        grid = self.query_one(ScoreGrid)
        assert self.rubric is not None
        keys = ["material", "defence"] if self.rubric.has_defence else ["material"]
        for key, cell in zip(keys, self._totals(aid, live), strict=True):
            grid.update_cell(aid, key, cell)

    # -- editing ----------------------------------------------------------------------------------
    def _check(self, aid: str, cid: str, text: str) -> tuple[Decimal | None, str | None]:
        """Parse and validate (the service's rules): (value, None) or (None, the Chinese message)."""
        return self.room.scoring.check_value(aid, cid, text)

    def _edited(self, aid: str, cid: str, text: str, final: bool) -> None:
        """A cell's text changed: ``final`` when committed (Enter, Tab, moving away), else live typing."""
        assert self.rubric is not None
        grid = self.query_one(ScoreGrid)
        self.pending_submit = None
        if text == "\x00":  # typing cancelled
            grid.update_cell(aid, cid, self._cell(aid, cid))
            self._update_totals(aid)
            self._say("score-msg", "")
            return
        if not final:
            value, error = self._check(aid, cid, text) if text else (None, None)
            self._say("score-msg", error or "")
            if error is None and text:
                self._update_totals(aid, (cid, value))
            return
        self.bad[aid].pop(cid, None)
        error = None
        if text == "":
            self.values[aid].pop(cid, None)
        else:
            value, error = self._check(aid, cid, text)
            if error is None:
                self.values[aid][cid] = value
            else:
                self.values[aid].pop(cid, None)
                self.bad[aid][cid] = text
        self._say("score-msg", error or "")
        self.dirty.add(aid)
        grid.update_cell(aid, cid, self._cell(aid, cid))
        grid.update_cell(aid, "status", self._status_cell("dirty"))
        self._update_totals(aid)
        complete = not self.bad[aid] and all(c.criterion_id in self.values[aid] for c in self.rubric.grid)
        self.filled_row = aid if complete else None
        if complete:
            self._say("score-msg", Text(t("scoring.row_filled", code=self.codes[aid]), style="green"))

    def _refused(self, aid: str) -> None:
        if aid in self.query_one(ScoreGrid).locked_rows:
            self._say("score-msg", t("sheet_locked", code=self.codes[aid]))

    def _cursor_moved(self, row_key: str, cid: str, at: Coordinate) -> None:
        """The grid's cursor moved to (``row_key``, ``cid``) (``GridTable.on_cursor``, called in the key's own
        handling, so that the criterion lines change in the cursor's frame): commit pending typing (a click
        moves without committing), forget a submission asked for another row, show the criterion's lines."""
        grid = self.query_one(ScoreGrid)
        grid.commit()
        if self.pending_submit is not None and self.pending_submit != row_key:
            self.pending_submit = None
            self._say("score-msg", "")
        if self.rubric is None or cid not in grid.editable_columns:
            self._say("score-crit", t("scoring.help"))
            return
        self._say("score-crit", self._criterion_text(cid))

    def _criterion_text(self, cid: str) -> str:
        """The criterion's lines: its id, name, part, maximum and step, its description and its levels."""
        assert self.rubric is not None
        c = self.rubric.criterion(cid)
        head = t("scoring.criterion", id=c.criterion_id, name=c.name, part=c.part_label,
                 max=fmt_points(c.max_points), step=fmt_points(c.step))
        if c.allow_na:
            head += t("scoring.na_allowed")
        lines = [head, c.description, *[f"  {lvl}" for lvl in c.levels]]
        return "\n".join(x for x in lines if x)

    # -- actions -----------------------------------------------------------------------------------
    def _row_id(self) -> str | None:
        grid = self.query_one(ScoreGrid)
        if grid.row_count == 0:
            return None
        return grid.key_at(grid.cursor_coordinate)[0]

    def action_save(self) -> None:
        """Save every changed, unlocked row as a draft (valid values only)."""
        grid = self.query_one(ScoreGrid)
        grid.commit()
        if self.actor is None:
            return
        saved = 0
        for aid in sorted(self.dirty - grid.locked_rows):
            try:
                self.room.scoring.save_scores(self.actor, aid, self.values[aid], submit=False)
            except ServiceError as exc:
                self.show_error(exc)
                return
            saved += 1
            self.dirty.discard(aid)
            grid.update_cell(aid, "status", self._status_cell("draft"))
        invalid = sum(len(b) for b in self.bad.values())
        self._say("score-msg",
                  Text(t("scoring.saved", n=saved) + (t("scoring.invalid_not_saved", n=invalid) if invalid else ""),
                       style="yellow" if invalid else "green"))

    def action_submit(self) -> None:
        """``ctrl+t``: submit the current row after a ``Confirm`` (y or Enter submits, n or Esc goes back to
        the grid). A submitted sheet is locked: it cannot be changed again (RULES.md §4)."""
        grid = self.query_one(ScoreGrid)
        grid.commit()
        aid = self._row_id()
        if aid is None or self.actor is None:
            return
        filled = self.filled_row
        if (filled is not None and filled != aid and filled not in grid.locked_rows and not self.values[aid]
                and aid not in self.dirty):  # Enter after the last criterion moved on to an untouched row
            aid = filled
        code = self.codes[aid]
        if aid in grid.locked_rows:
            self._say("score-msg", t("sheet_locked", code=code))
            return
        if self.bad[aid]:
            self._say("score-msg", t("scoring.fix_invalid", code=code))
            return
        assert self.rubric is not None
        missing = [f"{c.criterion_id} {c.name}" for c in self.rubric.grid if c.criterion_id not in self.values[aid]]
        blocked = t("score_missing", criterion=join_list(missing)) if missing else None  # the service's refusal
        self.pending_submit = aid

        def answer(yes: bool | None) -> None:
            self.pending_submit = None
            if yes:
                self._submit(aid)

        self.app.push_screen(Confirm(t("scoring.confirm_submit", code=code), blocked=blocked), answer)

    def _submit(self, aid: str) -> None:
        assert self.actor is not None and self.rubric is not None
        grid = self.query_one(ScoreGrid)
        code = self.codes[aid]
        try:
            self.room.scoring.save_scores(self.actor, aid, self.values[aid], submit=True)
        except ServiceError as exc:
            self.show_error(exc)
            return
        grid.locked_rows.add(aid)
        self.dirty.discard(aid)
        if self.filled_row == aid:
            self.filled_row = None
        for c in self.rubric.criteria:
            grid.update_cell(aid, c.criterion_id, self._cell(aid, c.criterion_id))
        grid.update_cell(aid, "status", self._status_cell("locked"))
        self._say("score-msg", Text(t("scoring.submitted", code=code), style="green"))

    def action_dossier(self) -> None:
        """``d``: the current row's dossier (``DossierScreen``); a refusal is shown."""
        aid = self._row_id()
        if aid is None or self.actor is None:
            return
        try:
            view = self.room.scoring.dossier(self.actor, aid)
        except ServiceError as exc:
            self.show_error(exc)
            return
        self._dossier = DossierScreen.push_kept(self.app, self._dossier, self.actor, view)

    def on_unmount(self) -> None:
        """The kept dossier screen goes with this screen."""
        DossierScreen.drop_kept(self.app, self._dossier)

    def action_panel_scores(self) -> None:
        """The panel's scores for the current row: refused by the service until this sheet is submitted."""
        aid = self._row_id()
        if aid is None or self.actor is None:
            return
        try:
            view = self.room.panel.panel_scores(self.actor, aid)
        except ServiceError as exc:
            self.show_error(exc)
            return
        self.app.push_screen(PanelScoresScreen(self.actor, view))

    def action_back(self) -> None:
        """Escape: leave (asking first when unsaved rows remain) and forget the reviewer."""
        self.query_one(ScoreGrid).commit()
        if self.dirty - self.query_one(ScoreGrid).locked_rows:
            def leave(yes: bool | None) -> None:
                if yes:
                    self._leave()

            self.app.push_screen(Confirm(t("scoring.unsaved_leave"), buttons=True), leave)
            return
        self._leave()

    def _leave(self) -> None:
        self.actor = None  # the credential is not kept beyond the screen
        self.dismiss()
