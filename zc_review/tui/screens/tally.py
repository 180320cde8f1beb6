"""Paper ballots (``ballot_mode: paper``): one teller's keying of the counts, and the poll screen's paper keys.

``TallyScreen`` is a grid, one row per applicant due in this pass (all in the first, then only those the two
tellers' keyings differed on), five columns: 同意 不同意 弃权 空白 收回. Digits type into the current cell,
Space or → moves on (wrapping to the next row), Backspace removes a digit, Enter submits. It never shows the
other teller's counts: each keys the paper independently. A refusal (the counts do not add up, more ballots
than reviewers who may vote…) is shown and every typed number stays for correction. Source: RULES.md §5
("Configurable medium", common committee practice, not a seed rule); issue 14.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column, ask_person
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.dialogs import codes_line
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor

FIELDS = ("agree", "disagree", "abstain", "blank", "returned")
FIELD_LABELS = ("common.choice_agree", "common.choice_disagree", "common.choice_abstain", "ballot.col_blank",
                "ballot.col_returned")
DIGITS = "0123456789"
KIND_KEYS = {"main": "ballot.kind_main", "runoff": "ballot.kind_runoff", "revote": "ballot.kind_revote"}


class TallyScreen(RoomScreen[bool]):
    """One teller keys the counts of the applicants due (``room.tally.state().due``). Answers True once the
    keying is accepted, False when abandoned (after a ``Confirm``)."""

    BINDINGS = [
        *[Binding(d, f"digit('{d}')", t("ballot.tally_digit"), show=False) for d in DIGITS],
        Binding("space,right,tab", "next_cell", t("ballot.tally_next_cell"), show=False),
        Binding("left", "prev_cell", t("ballot.tally_prev_cell"), show=False),
        Binding("backspace", "erase", t("ballot.tally_erase"), show=False),
        Binding("enter", "submit", t("ballot.tally_submit"), priority=True),
        Binding("escape", "cancel", t("common.cancel")),
    ]

    def __init__(self, teller: Actor, round_no: int, pass_no: int, due: list[tuple[str, str]]) -> None:
        super().__init__()
        self._teller: Actor | None = teller
        self._round, self._pass = round_no, pass_no
        self._due = due  # (applicant id, code) in code order
        self.values: dict[tuple[int, int], str] = {}

    def compose(self) -> ComposeResult:
        """The teller and the pass (title), the help line, the grid ``#tally-table``, the progress line."""
        yield Header()
        name = self._teller.name if self._teller else ""
        yield Static(Text(t("ballot.tally_title", round=self._round, pass_no=self._pass, name=name)), classes="title")
        yield Static(Text(t("ballot.tally_help")), classes="hint")
        yield DataTable(id="tally-table", cursor_type="cell", zebra_stripes=True)
        yield Static(Text(""), id="tally-progress", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """The code column and five empty count columns, one row per applicant due; the cursor on the first."""
        table = self.query_one(DataTable)
        add_fitted_column(table, t("common.col_code"), "code", [c for _, c in self._due])
        for key, label in zip(FIELDS, FIELD_LABELS, strict=True):
            table.add_column(t(label), key=key, width=6)
        for a, code in self._due:
            table.add_row(Text(code), *(Text("") for _ in FIELDS), key=a)
        table.move_cursor(row=0, column=1)
        table.focus()
        self._progress()

    def _progress(self) -> None:
        filled = sum(1 for v in self.values.values() if v)
        self.query_one("#tally-progress", Static).update(
            Text(t("ballot.tally_progress", done=filled, total=len(self._due) * len(FIELDS))))

    def _cell(self) -> tuple[int, int]:
        c = self.query_one(DataTable).cursor_coordinate
        return c.row, max(c.column, 1)

    def _show(self, row: int, col: int) -> None:
        self.query_one(DataTable).update_cell_at(Coordinate(row, col), Text(self.values.get((row, col), ""),
                                                                               justify="right"))

    def action_digit(self, d: str) -> None:
        """A digit: append it to the current cell (at most 3 digits)."""
        row, col = self._cell()
        value = (self.values.get((row, col), "") + d)[-3:]
        self.values[(row, col)] = value
        self._show(row, col)
        self._progress()

    def action_erase(self) -> None:
        """Backspace: remove the current cell's last digit."""
        row, col = self._cell()
        self.values[(row, col)] = self.values.get((row, col), "")[:-1]
        self._show(row, col)
        self._progress()

    def action_next_cell(self) -> None:
        """Space, → or Tab: the next count cell, wrapping to the next applicant."""
        row, col = self._cell()
        if col < len(FIELDS):
            self.query_one(DataTable).move_cursor(row=row, column=col + 1)
        elif row + 1 < len(self._due):
            self.query_one(DataTable).move_cursor(row=row + 1, column=1)

    def action_prev_cell(self) -> None:
        """←: the count cell before."""
        row, col = self._cell()
        if col > 1:
            self.query_one(DataTable).move_cursor(row=row, column=col - 1)
        elif row > 0:
            self.query_one(DataTable).move_cursor(row=row - 1, column=len(FIELDS))

    def counts(self) -> dict[str, dict[str, Any]]:
        """The typed counts: applicant id → {agree, …, returned}; an empty cell is kept as "" (refused, named)."""
        return {a: {f: (int(v) if (v := self.values.get((i, j), "")) else v) for j, f in enumerate(FIELDS, start=1)}
                for i, (a, _) in enumerate(self._due)}

    def action_submit(self) -> None:
        """Enter: key the counts (``room.tally.key_tally``); a refusal is shown and the numbers stay."""
        if self._teller is None:
            return
        missing = [code for i, (_, code) in enumerate(self._due)
                   if any(not self.values.get((i, j)) for j in range(1, len(FIELDS) + 1))]
        if missing:
            self.show_error(t("ballot.tally_missing", codes=codes_line(missing)))
            return
        try:
            self.room.tally.key_tally(self._teller, self.counts())
        except ServiceError as exc:
            self.show_error(exc)
            return
        self._finish(True)

    def action_cancel(self) -> None:
        """Escape: ask, then leave without keying (what was typed is forgotten; nothing keyed is lost)."""
        def answer(yes: bool | None) -> None:
            if yes:
                self._finish(False)

        self.app.push_screen(Confirm(t("ballot.tally_cancel_q")), answer)

    def _finish(self, keyed: bool) -> None:
        self.values = {}
        self._teller = None
        self.dismiss(keyed)


# -- the poll screen's paper keys (BallotScreen delegates here) -------------------------------------------------

def paper_status(screen: Any) -> tuple[str, str]:
    """(status, outstanding) lines of the open paper round: agreed of all, the pass, who keyed it already, the
    applicants still due and, after two keyings that differ, which to re-count."""
    room = screen.room
    rnd = room.ballot.open_round()
    state = room.tally.state()
    codes = {a.id: a.code for a in room.defn.applicants}
    first = t("ballot.paper_first", name=room.person_name(state.first)) if state.first else ""
    status = t("ballot.paper_status", round=rnd.round_no, kind=t(KIND_KEYS.get(rnd.kind, "ballot.kind_main")),
               applicants=len(room.ballot.round_applicants(rnd)), agreed=len(state.agreed), pass_no=state.pass_no,
               first=first)
    if state.complete:
        line = t("ballot.paper_witnessed") if room.tally.witnessed() else t("ballot.paper_all_agreed")
    elif state.mismatches and state.first is None:
        line = t("ballot.paper_mismatch", n=len(state.mismatches), codes=codes_line(codes[a] for a in state.mismatches))
    else:
        line = t("ballot.paper_due", codes=codes_line(sorted(codes[a] for a in state.due)))
    return status, line


def print_ballots(screen: Any) -> None:
    """``p``: print the open round's paper ballots into the output folder; say where."""
    operator = screen.operator
    room = screen.room
    try:
        pdf = room.tally.print_ballots(operator)
    except ServiceError as exc:
        screen.show_error(exc)
        return
    rnd = room.ballot.open_round()
    forms = room.tally.forms(rnd)
    path = screen.out_dir / f"paper-ballots-round-{rnd.round_no}.pdf"
    try:
        screen.out_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
    except OSError as exc:
        screen.show_error(t("ballot.paper_print_failed", path=str(path), error=str(exc)))
        return
    screen.printed = t("ballot.paper_printed", round=rnd.round_no, forms=len(forms),
                       copies=sum(f.copies for f in forms), path=str(path))
    screen.refresh_status()


def key_tally(screen: Any) -> None:
    """``k``: a teller signs in (the attending reviewers and the recorder are offered; in a re-count only the
    round's two tellers, never the one who keyed this pass already), then keys the counts."""
    room = screen.room
    try:
        state = room.tally.state()
    except ServiceError as exc:
        screen.show_error(exc)
        return
    if state.complete:
        screen.show_error(ServiceError("tally_already_agreed"))
        return
    rnd = room.ballot.open_round()
    people = [p for p in (state.tellers or room.tally.teller_candidates()) if p != state.first]
    codes = {a.id: a.code for a in room.defn.applicants}
    due = sorted(((a, codes[a]) for a in state.due), key=lambda x: x[1])

    def signed_in(actor: Actor | None) -> None:
        if actor is not None:
            screen.app.push_screen(TallyScreen(actor, rnd.round_no, state.pass_no, due), lambda _k: screen.refresh_status())

    ask_person(screen, t("ballot.teller_login", round=rnd.round_no), [(p, f"{p} {room.person_name(p)}") for p in people],
               signed_in)


def witness_tally(screen: Any) -> None:
    """``w``: the supervisor confirms the agreed counts (``Confirm``), then their credential."""
    room = screen.room
    try:
        state = room.tally.state()
    except ServiceError as exc:
        screen.show_error(exc)
        return
    rnd = room.ballot.open_round()
    if not state.complete:
        screen.show_error(ServiceError("tally_not_agreed", round=rnd.round_no, count=len(state.due)))
        return
    supervisor = room.views.supervisor()

    def witnessed(actor: Actor | None) -> None:
        if actor is not None:
            screen.guard(lambda: room.tally.witness(actor))
            screen.refresh_status()

    def answer(yes: bool | None) -> None:
        if yes:
            screen.ask_credential(t("ballot.witness_login", round=rnd.round_no),
                                  [(supervisor.person_id, f"{t('common.role_supervisor')} {supervisor.name}")], witnessed)

    screen.app.push_screen(Confirm(t("ballot.witness_q", round=rnd.round_no)), answer)
