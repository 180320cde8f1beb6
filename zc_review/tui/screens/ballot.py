"""The secret ballot: the recorder's poll screen (open, next voter, close) and one reviewer's ballot.

Secrecy is the point of this module. The poll screen shows only "已投 n / 应投 m", never who voted
how. A reviewer's marks live in exactly two places, the VotingScreen's ``_marks`` dict and its
table, and both are wiped before the screen is popped and pruned; the room then sees a neutral
"已投票" notice, so the next reviewer finds nothing of the last one. Source: RULES.md §5.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError
from zc_review.service.room import Actor, Choice
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens import tally
from zc_review.tui.screens.ballot_review import BallotReview, VotedNotice
from zc_review.tui.screens.common import StateFooter, add_fitted_column, ask_person, show_text
from zc_review.tui.screens.score_grid import VoteTable
from zc_review.tui.widgets import Confirm, Pick
from zc_review.tui.widgets.dialogs import Message, Unbroken, codes_line
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room.views import BallotItem, PendingRunoff

KIND_KEYS = {"main": "ballot.kind_main", "runoff": "ballot.kind_runoff", "revote": "ballot.kind_revote"}
MARK_KEYS = {"1": Choice.AGREE, "2": Choice.DISAGREE, "3": Choice.ABSTAIN}
MARK_STYLE = {Choice.AGREE: "bold green", Choice.DISAGREE: "bold red", Choice.ABSTAIN: "bold yellow"}
T = TypeVar("T")


class VotingScreen(RoomScreen[bool]):
    """One reviewer's secret ballot: 1=同意 2=不同意 3=弃权 mark the row and move down; Enter reviews.

    Answers True once the ballot is cast, False when cancelled. Either way ``_wipe`` has emptied the
    table and deleted the marks before the screen is dismissed.
    """

    BINDINGS = [
        Binding("1", "mark('1')", t("common.choice_agree")),
        Binding("2", "mark('2')", t("common.choice_disagree")),
        Binding("3", "mark('3')", t("common.choice_abstain")),
        Binding("enter", "review", t("ballot.review_key"), priority=True),
        Binding("escape", "cancel", t("common.cancel")),
    ]

    def __init__(self, actor: Actor, items: list[BallotItem], composites: dict[str, Decimal | None]) -> None:
        super().__init__()
        self._actor: Actor | None = actor
        self._items = [a.applicant_id for a in items]
        self._rows = items
        self._composites = composites
        self._marks: dict[str, Choice] = {}
        self._codes: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        """The reviewer's name, the help line, the ballot table (``#vote-table``, a ``VoteTable``) and the
        progress."""
        yield Header()
        yield Static(Text(t("ballot.sheet_of", name=self._actor.name if self._actor else "")), classes="title")
        yield Static(Text(t("ballot.sheet_help")), classes="hint")
        yield VoteTable(id="vote-table", row_cursor=True, zebra_stripes=True)
        yield Static(Text(""), id="vote-progress", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the table: code, group, panel, composite and an empty mark per applicant."""
        table = self.query_one(VoteTable)
        comps = {a.applicant_id: ("—" if (c := self._composites.get(a.applicant_id)) is None else str(c))
                 for a in self._rows}
        # every column as wide as its widest cell from the first frame (never a cut code: issue 13 item 3)
        add_fitted_column(table, t("common.col_code"), "code", [a.code for a in self._rows])
        add_fitted_column(table, t("common.col_group"), "group", [a.group_name for a in self._rows])
        add_fitted_column(table, t("common.col_panel"), "panel", [a.panel_name for a in self._rows])
        add_fitted_column(table, t("common.col_composite"), "composite", comps.values())
        table.add_column(t("common.col_mark"), key="mark", width=6)  # wide enough for 不同意 (before any row)
        self._codes = {a.applicant_id: a.code for a in self._rows}
        for a in self._rows:
            table.add_row(Text(a.code), Text(a.group_name), Text(a.panel_name),
                          Text(comps[a.applicant_id], justify="right"), Text("—"), key=a.applicant_id)
        self._rows = []
        table.focus()
        self._show_progress()

    def _show_progress(self) -> None:
        show_text(self.query_one("#vote-progress", Static),  # a mark lays nothing out (issue 9)
                  t("ballot.sheet_progress", done=len(self._marks), total=len(self._items)))

    def action_mark(self, key: str) -> None:
        """``1``/``2``/``3``: mark the current row 同意/不同意/弃权 and move down."""
        choice = MARK_KEYS[key]
        table = self.query_one(VoteTable)
        if not self._items:
            return
        row = table.cursor_row
        applicant_id = self._items[row]
        self._marks[applicant_id] = choice
        # one row drawn again (a DataTable drew every cell of the table again on each mark)
        table.update_cell(applicant_id, "mark", Text(label_of("choice", choice.value), style=MARK_STYLE[choice]))
        if row + 1 < len(self._items):
            table.move_cursor(row=row + 1)
        self._show_progress()

    def action_review(self) -> None:
        """Enter: the review step (``BallotReview``); casting follows its answer."""
        counts = {c: sum(1 for m in self._marks.values() if m is c) for c in Choice}
        missing = [self._codes[a] for a in self._items if a not in self._marks]
        self.app.push_screen(BallotReview(counts, missing), self._reviewed)

    def _reviewed(self, cast: bool | None) -> None:
        if not cast or self._actor is None:
            unmarked = [i for i, a in enumerate(self._items) if a not in self._marks]
            if unmarked:  # back to the first applicant still to mark
                self.query_one(VoteTable).move_cursor(row=unmarked[0])
            return
        room = self.room
        choices = dict(self._marks)
        try:
            room.ballot.cast_ballot(self._actor, choices)
        except ServiceError as exc:
            choices.clear()
            del choices
            if exc.code in ("already_voted", "poll_not_open"):
                self._finish(False, exc)
            else:
                self.show_error(exc)
            return
        choices.clear()
        del choices
        self._finish(True)

    def action_cancel(self) -> None:
        """Escape: ask (``Confirm``) and, on yes, wipe the marks and leave without casting."""
        def answer(yes: bool | None) -> None:
            if yes:
                self._finish(False)

        self.app.push_screen(Confirm(t("ballot.cancel_q")), answer)

    def _wipe(self) -> None:
        """Forget every mark: the dict, the table's cells and render caches, the actor."""
        self._marks.clear()
        del self._marks
        self._marks = {}
        self.query_one(VoteTable).clear(columns=True)  # its cells and every row and line it kept drawn
        self.query_one("#vote-progress", Static).update("")
        self._items = []
        self._codes = {}
        self._actor = None

    def _finish(self, cast: bool, error: ServiceError | None = None) -> None:
        self._wipe()
        self.dismiss(cast)
        if error is not None:
            self.show_error(error)


class BallotScreen(StateFooter, RoomScreen[None]):
    """The recorder's poll screen: o 开启投票, r 开启加投, n 下一位评委, c 截止, f 主持人提前截止; in paper mode
    (``ballot_mode: paper``) p 打印选票, k 录入票数, w 监票确认 instead of n and f (screens/tally.py)."""

    BINDINGS = [
        Binding("o", "open_poll", t("ballot.open_poll")),
        Binding("r", "open_runoff", t("ballot.kind_runoff")),
        Binding("n", "next_voter", t("ballot.next_voter")),
        Binding("p", "print_ballots", t("ballot.print_ballots")),
        Binding("k", "key_tally", t("ballot.key_tally")),
        Binding("w", "witness_tally", t("ballot.witness_tally")),
        Binding("c", "close_poll", t("ballot.close_poll")),
        Binding("f", "force_close", t("ballot.force_close"), show=False),  # rare: F1, the palette, the hint line
        Binding("escape", "back", t("common.back")),
    ]
    _PAPER_ONLY = frozenset({"print_ballots", "key_tally", "witness_tally"})
    _LAPTOP_ONLY = frozenset({"next_voter", "force_close"})
    #: The keys the footer shows in each state of the poll (no round open; a laptop round open; a paper round
    #: open): the others still work, and F1, the hint line and the palette name them. At 80 columns the paper
    #: round's keys and the opening keys do not fit together (docs/DESIGN.md "Footers at 80×24").
    FOOTER_SETS = {
        "closed": frozenset({"open_poll", "open_runoff", "back"}),
        "laptop": frozenset({"next_voter", "close_poll", "back"}),
        "paper": frozenset({"print_ballots", "key_tally", "witness_tally", "close_poll", "back"}),
    }

    def footer_state(self) -> str:
        """"closed" (no round open), "laptop" or "paper" (the open round's medium): which ``FOOTER_SETS``."""
        if self.room.ballot.open_round() is None:
            return "closed"
        return "paper" if self.room.tally.active else "laptop"

    def compose(self) -> ComposeResult:
        """The ballot's medium (``#ballot-mode``), the round's status (``#ballot-status``), pending run-offs
        (``#ballot-pending``), the keys."""
        paper = self.room.tally.active
        yield Header()
        yield Static(Text(t("tui.step_ballot")), classes="title")
        yield Static(Text(t("ballot.mode_line_paper" if paper else "ballot.mode_line_laptop")), id="ballot-mode",
                     classes="hint")
        yield Static(Text(""), id="ballot-status", classes="big")
        yield Message(Text(""), id="ballot-outstanding")
        yield Message(Text(""), id="ballot-pending")
        yield Static(Text(t("ballot.paper_keys" if paper else "ballot.keys")), classes="hint")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys of the other medium are not offered (paper: no laptop voter, no early close)."""
        paper = self.room.tally.active
        if action in self._PAPER_ONLY and not paper or action in self._LAPTOP_ONLY and paper:
            return False
        return True

    def on_mount(self) -> None:
        """Draw the status."""
        self._composites: dict[str, Decimal | None] | None = None
        self.printed = ""
        self.refresh_status()

    def action_print_ballots(self) -> None:
        """``p``: print the open round's paper ballots (paper mode)."""
        tally.print_ballots(self)

    def action_key_tally(self) -> None:
        """``k``: a teller keys the counts (paper mode)."""
        tally.key_tally(self)

    def action_witness_tally(self) -> None:
        """``w``: the supervisor witnesses the agreed counts (paper mode)."""
        tally.witness_tally(self)

    def on_screen_resume(self) -> None:
        """Back from a ballot or a dialog: redraw the status."""
        self.refresh_status()

    def entitled(self) -> list[str]:
        """Reviewers entitled to vote in the open round, in roster order (``room.ballot.entitled_voters``)."""
        return self.room.ballot.entitled_voters()

    def refresh_status(self) -> None:
        """Redraw the open round (kind, voted n of m, applicants) or the last closed one, and the
        pending run-offs. Shows counts only, never who voted."""
        room = self.room
        rnd = room.ballot.open_round()
        if rnd is None:
            status = t("poll_not_open")
            closed = [r for r in room.ballot.rounds() if r.status == "closed"]
            if closed:
                status += "\n" + t("ballot.last_round_closed", round=closed[-1].round_no)
        elif room.tally.active:
            status, line = tally.paper_status(self)
            if self.printed:
                status += "\n" + self.printed
        else:
            status = t("ballot.round_status", round=rnd.round_no, kind=t(KIND_KEYS.get(rnd.kind, rnd.kind)),
                       done=len(room.ballot.voters_done(rnd.round_no)), total=len(self.entitled()),
                       applicants=len(room.ballot.round_applicants(rnd)))
        # show_text: a line that keeps its number of lines lays nothing out (each voter's return redraws these)
        show_text(self.query_one("#ballot-status", Static), status)
        outstanding = self.query_one("#ballot-outstanding", Static)
        if rnd is None:
            show_text(outstanding, "")
        elif room.tally.active:
            show_text(outstanding, Unbroken(line, style="bold yellow"))
        else:
            due = self.due()
            show_text(outstanding, Unbroken(
                t("ballot.outstanding", n=len(due), names=codes_line(f"{r} {room.person_name(r)}" for r in due))
                if due else t("ballot.all_voted"), style="bold yellow" if due else "bold green"))
        show_text(self.query_one("#ballot-pending", Static), Unbroken("\n".join(p.text for p in self.pending())))
        self.refresh_bindings()  # the footer follows the state (FOOTER_SETS)

    def due(self) -> list[str]:
        """Reviewers entitled in the open round who have not voted yet, in roster order (who, never how)."""
        rnd = self.room.ballot.open_round()
        if rnd is None or self.room.tally.active:  # on paper nobody votes at the laptop
            return []
        done = self.room.ballot.voters_done(rnd.round_no)
        return [r for r in self.entitled() if r not in done]

    def pending(self) -> tuple[PendingRunoff, ...]:
        """The run-offs still to hold (``room.views.pending_runoffs``); empty before any round closed."""
        if not any(r.status == "closed" for r in self.room.ballot.rounds()):
            return ()
        return self.room.views.pending_runoffs()

    def _guard(self, call: Callable[[], T]) -> T | None:
        """Run a room command; a refusal is shown and answers None. The status is redrawn either way."""
        try:
            return call()
        except ServiceError as exc:
            self.show_error(exc)
            return None
        finally:
            self.refresh_status()

    # -- opening ----------------------------------------------------------------------------------
    def action_open_poll(self) -> None:
        """``o``: open the main poll after a ``Confirm`` (scores freeze: irreversible); a refusal is shown."""
        operator = self.operator
        assert operator is not None
        if self.room.ballot.open_round() is not None:
            self._guard(lambda: self.room.ballot.open_poll(operator))  # the service's refusal, no question
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._guard(lambda: self.room.ballot.open_poll(operator))

        self.app.push_screen(Confirm(t("ballot.open_q")), answer)

    def action_open_runoff(self) -> None:
        """``r``: open the run-off of the one pending group, or pick the group (``Pick``)."""
        pending = self.pending()
        if not pending:
            self.show_error(t("no_runoff_needed"))
            return
        if len(pending) == 1:
            self._open_runoff(pending[0].group_id)
            return
        options = [(p.group_id, p.text) for p in pending]
        self.app.push_screen(Pick(t("ballot.open_runoff"), options), self._open_runoff)

    def _open_runoff(self, group_id: str | None) -> None:
        if group_id is None:
            return
        operator = self.operator
        assert operator is not None
        text = next((p.text for p in self.pending() if p.group_id == group_id), "")

        def answer(yes: bool | None) -> None:
            if yes:
                self._guard(lambda: self.room.ballot.open_runoff(operator, group_id))

        self.app.push_screen(Confirm(t("ballot.open_runoff_q", text=text)), answer)

    # -- voting ---------------------------------------------------------------------------------------
    def action_next_voter(self) -> None:
        """``n``: choose the next voter among those still due (type-to-find; those who voted are not
        offered, issue 13 item 7), ask their credential, then show their ballot."""
        room = self.room
        rnd = room.ballot.open_round()
        if rnd is None:
            self.show_error(ServiceError("poll_not_open"))
            return
        due = self.due()
        if not due:
            self.show_error(t("ballot.nobody_due"))
            return
        voted = len(self.entitled()) - len(due)
        ask_person(self, t("ballot.voter_login", round=rnd.round_no), [(r, f"{r} {room.person_name(r)}") for r in due],
                   self._voter_in, note=t("ballot.voter_note", n=voted) if voted else "")

    def _voter_in(self, actor: Actor | None) -> None:
        if actor is None:
            return
        items = self._guard(lambda: self.room.views.ballot_items(actor))
        if items is None:
            return
        if self._composites is None:  # scores are frozen once the poll is open: compute them once
            self._composites = self.room.views.composites()
        self.app.push_screen(VotingScreen(actor, items, self._composites), self._voted)

    def _voted(self, cast: bool | None) -> None:
        self.refresh_status()
        if cast:
            self.app.push_screen(VotedNotice())

    # -- closing -----------------------------------------------------------------------------------------
    def action_close_poll(self) -> None:
        """``c``: close the open round once everyone entitled has voted, after a ``Confirm`` (irreversible);
        while some are still due the service's refusal is shown at once."""
        operator = self.operator
        assert operator is not None
        rnd = self.room.ballot.open_round()
        if rnd is not None and self.room.tally.active:  # the agreed, witnessed counts (screens/tally.py)
            def closed(yes: bool | None) -> None:
                if yes and self._guard(lambda: self.room.ballot.close_poll(operator)) is not None:
                    self._after_close()

            self.app.push_screen(Confirm(t("ballot.paper_close_q", round=rnd.round_no)), closed)
            return
        if rnd is None or self.due():
            if self._guard(lambda: self.room.ballot.close_poll(operator)) is not None:
                self._after_close()
            return
        total = len(self.entitled())

        def answer(yes: bool | None) -> None:
            if yes and self._guard(lambda: self.room.ballot.close_poll(operator)) is not None:
                self._after_close()

        self.app.push_screen(Confirm(t("ballot.close_q", round=rnd.round_no, done=total, total=total)), answer)

    def action_force_close(self) -> None:
        """``f``: the presiding officer closes the round early: confirm (``Confirm``), then
        their credential."""
        rnd = self.room.ballot.open_round()
        if rnd is None:
            self.show_error(ServiceError("poll_not_open"))
            return
        missing = len(self.entitled()) - len(self.room.ballot.voters_done(rnd.round_no))
        self.app.push_screen(Confirm(t("ballot.force_close_q", count=missing)), self._force_confirmed)

    def _force_confirmed(self, yes: bool | None) -> None:
        presiding = self.room.presiding_officer_id()
        if not yes or presiding is None:
            return
        self.ask_credential(t("ballot.force_close_login"),
                            [(presiding, f"{t('common.role_presiding')} {self.room.person_name(presiding)}")],
                            self._force_close)

    def _force_close(self, actor: Actor | None) -> None:
        if actor is not None and self._guard(lambda: self.room.ballot.close_poll(actor, force=True)) is not None:
            self._after_close()

    def _after_close(self) -> None:
        self.refresh_status()

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.app.pop_screen()
