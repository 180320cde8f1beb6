"""The results: a room-readable table per group, failure reasons by the panel leaders, sign-off by every
attending reviewer. Names appear only once the presiding officer has declared the results final.
Source: RULES.md §4–5; 000 第二十六条(六).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room import Actor, Outcome
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.ballot import BallotScreen
from zc_review.tui.screens.common import add_fitted_column, ask_person, settle_collector, show_text, two_line
from zc_review.tui.screens.panel_view import PreviewScreen
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.autoheight import AutoHeightTable
from zc_review.tui.widgets.dialogs import Message, Unbroken, codes_line
from zc_review.tui.widgets.footer import KeyFooter
from zc_review.tui.widgets.steady import Steady

if TYPE_CHECKING:
    from zc_review.service.room.views import ResultRow

DECISION = {
    Outcome.PASSED: ("common.outcome_passed", "bold green"),
    Outcome.BELOW_THRESHOLD: ("closing.decision_below", "bold red"),
    Outcome.EXCEEDS_CAP: ("common.outcome_exceeds_cap", "bold red"),
    Outcome.RUNOFF_PENDING: ("closing.decision_runoff", "bold yellow"),
}
COLUMNS = ("common.col_code", "common.col_name", "common.col_composite", "common.col_rank", "common.choice_agree", "common.choice_disagree",
           "common.choice_abstain", "common.col_base", "common.col_decision")


def decision_text(outcome: Outcome | None, runoff_agree: tuple[int, ...] = (), *, fold: bool = False) -> Text:
    """The decision's Chinese label in its colour, with the last run-off's agree count (``fold``: on a second
    line); "—" for None."""
    if outcome is None:
        return Text("—")
    key, style = DECISION[outcome]
    text = Text(t(key), style=style)
    if runoff_agree:
        text.append(("\n" if fold else "") + t("common.col_runoff", n=runoff_agree[-1]))
    return text


def _one_line_width(columns: list[str], values: list[list[Text]]) -> int:
    """The table's width in cells with one-line labels (DataTable pads each column by one cell each side)."""
    return sum(max(cell_len(t(c)), *(cell_len(str(v)) for v in vs)) + 2 for c, vs in zip(columns, values, strict=True))


class ResultsScreen(RoomScreen[None]):
    """Per group: code, composite, rank, votes, base, decision, and the names once the presiding officer has
    declared the results final (``f``, confirmed, then the presiding officer's credential); the group's cap.

    Every applicant of a group is shown (the tables are as tall as their rows, issue 13 item 4): the page
    scrolls, PageDown / PageUp bring the next / previous group to the top, so at 80×24 it pages group by
    group and at 160×45 a group of 12 is seen whole. Applicants appear by code until declared (RULES.md §4).
    A table that would be wider than the terminal (80 columns, names shown) folds the figures' labels onto two
    lines (``two_line``), so that the decision is never cut: the page scrolls down, not sideways.
    """

    CSS_PATH = "closing.tcss"
    BINDINGS = [
        # footer at 80 columns: the less frequent keys (加投, the preview, PgUp) are in F1 and the palette
        Binding("b", "ballot", t("closing.goto_ballot"), show=False),
        Binding("e", "reasons", t("common.col_reason")),
        Binding("s", "sign_off", t("tui.key_sign_off")),
        Binding("f", "declare", t("tui.key_declare"), tooltip=t("closing.declare_key")),
        Binding("v", "preview", t("scoring.preview_key"), show=False),
        Binding("pagedown,right,]", "group(1)", t("closing.next_group"), key_display="PgDn", priority=True),
        Binding("pageup,left,[", "group(-1)", t("closing.prev_group"), key_display="PgUp", priority=True, show=False),
        Binding("escape", "back", t("common.back")),
    ]

    def compose(self) -> ComposeResult:
        """The status, one heading and table per group (``#head-<group>``, ``#tbl-<group>``), the keys."""
        yield Header()
        yield Static(Text(t("tui.step_results")), classes="title")
        yield Message(Text(""), id="results-status")
        with VerticalScroll(id="results-body"):
            for g in self.room.views.groups():
                yield Static(Text(""), id=f"head-{g.group_id}", classes="group-head")
                table = AutoHeightTable(id=f"tbl-{g.group_id}", zebra_stripes=True, cursor_type="none",
                                        fixed_columns=1, classes="group-table")
                table.can_focus = False  # read-only: the page scrolls, not the table
                yield table
        yield Static(Text(t("closing.results_keys")), classes="hint")
        yield KeyFooter()

    def __init__(self) -> None:
        super().__init__()
        self._drawn: dict[str, object] = {}  # widget id → what it shows (drawn again only when that changes)

    def on_mount(self) -> None:
        """Draw the results; focus the page."""
        self.group_index = 0
        self.refresh_results()
        self.query_one("#results-body", VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        """Back from another screen: redraw."""
        self.refresh_results()

    def refresh_results(self) -> None:
        """Redraw the status (declared, final, no vote yet, or the pending run-offs) and every group's table,
        ranked, its columns as wide as their widest cell (never a cut code); names only once declared.

        What shows already is not drawn again: back from a dialog (the declaration's question and credential,
        a sign-off) the tables usually hold the same rows, and rebuilding them threw away every table's render
        cache and laid the screen out again, six times per declaration (issue 9)."""
        view = self.room.views.results()
        if view.declared:
            status = t("closing.results_declared")
        elif view.final:
            status = t("closing.results_to_declare")
        elif not view.voted:
            status = t("closing.results_no_vote")
        else:
            status = "\n".join([t("closing.results_pending")] + [p.text for p in view.pending])
        if self._drawn.get("results-status") != status:
            self._drawn["results-status"] = status
            show_text(self.query_one("#results-status", Static), Unbroken(status))
        for g in view.groups:
            head = t("closing.group_head", group=g.name, cap=g.cap, n=g.applicants)
            if self._drawn.get(f"head-{g.group_id}") != head:
                self._drawn[f"head-{g.group_id}"] = head
                show_text(self.query_one(f"#head-{g.group_id}", Static), Text(head))
            rows = self._rows(view.declared, g.rows, fold=False)
            shown = (view.declared, self.app.size.width,
                     tuple((aid, tuple((c.plain, str(c.style), tuple(c.spans)) for c in cells)) for aid, cells in rows))
            if self._drawn.get(f"tbl-{g.group_id}") == shown:
                continue
            self._drawn[f"tbl-{g.group_id}"] = shown
            table = self.query_one(f"#tbl-{g.group_id}", DataTable)
            table.clear(columns=True)
            columns = [c for c in COLUMNS if view.declared or c != "common.col_name"]
            values = [[cells[i] for _, cells in rows] for i in range(len(columns))]
            fold = _one_line_width(columns, values) > self.app.size.width - 2  # scroll bar, margin
            if fold:  # figures under two-line labels, a run-off's count under its decision: nothing cut at 80
                rows = self._rows(view.declared, g.rows, fold=True)
                values = [[cells[i] for _, cells in rows] for i in range(len(columns))]
            table.header_height = 2 if fold else 1
            for i, c in enumerate(columns):
                label = two_line(t(c)) if fold and c not in ("common.col_code", "common.col_name",
                                                             "common.col_decision") else t(c)
                add_fitted_column(table, label, c, values[i])
            for aid, cells in rows:
                table.add_row(*cells, key=aid, height=max(len(str(c).split("\n")) for c in cells))

    @staticmethod
    def _rows(declared: bool, lines: Iterable[ResultRow], *, fold: bool) -> list[tuple[str, list[Text]]]:
        """(applicant id, cells) per row of a group's table; names only once ``declared``."""
        rows = []
        for r in lines:
            cells = [Text(r.code, style="bold")]
            if declared:
                cells.append(Text(r.name or ""))
            cells += [Text(str(r.composite) if r.composite is not None else "—", justify="right"),
                      Text(str(r.rank) if r.rank else "—", justify="right")]
            cells += [Text(str(n) if r.tally else "—", justify="right") for n in (r.tally or (0, 0, 0))]
            cells += [Text(str(r.base), justify="right"), decision_text(r.outcome, r.runoff_agree, fold=fold)]
            rows.append((r.applicant_id, cells))
        return rows

    def action_group(self, step: int) -> None:
        """PageDown / PageUp: bring the next / previous group's heading to the top of the page."""
        heads = list(self.query(".group-head"))
        if not heads:
            return
        self.group_index = max(0, min(len(heads) - 1, self.group_index + step))
        body = self.query_one("#results-body", VerticalScroll)
        body.scroll_to(y=heads[self.group_index].virtual_region.y, animate=False)

    def action_declare(self) -> None:
        """``f``: the presiding officer declares the final results (``Confirm``, then their credential); the
        names appear from then on. Refused (shown) before the results are final."""
        room = self.room
        if not room.closing.results_final():
            self.show_error(t("results_not_final"))
            return
        if room.closing.results_declared():
            self.show_error(t("closing.results_declared"))
            return
        presiding = room.presiding_officer_id()
        if presiding is None:
            self.show_error(ServiceError("not_permitted", action=t("closing.declare")))
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                settle_collector()
                self.ask_credential(t("closing.declare_login"),
                                    [(presiding, f"{t('common.role_presiding')} {room.person_name(presiding)}")],
                                    declared)

        def declared(actor: Actor | None) -> None:
            if actor is not None and self.guard(lambda: room.closing.declare_results(actor)):
                self.refresh_results()

        self.app.push_screen(Confirm(t("closing.declare_q")), confirmed)

    def action_ballot(self) -> None:
        """``b``: the poll screen."""
        self.app.push_screen(BallotScreen())

    def action_reasons(self) -> None:
        """``e``: the failure reasons."""
        self.app.push_screen(ReasonsScreen())

    def action_preview(self) -> None:
        """``v``: the pass-rate preview."""
        self.app.push_screen(PreviewScreen())

    def action_sign_off(self) -> None:
        """``s``: the reviewers' sign-off."""
        self.app.push_screen(SignOffScreen())

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.app.pop_screen()


class ReasonForm(Steady, ModalScreen[tuple[str, str] | None]):
    """Reason for failure and improvement guidance for one applicant; Enter moves on, then saves."""

    CSS_PATH = "closing.tcss"
    BINDINGS = [Binding("escape", "cancel", t("common.cancel"))]

    def __init__(self, heading: str, reason: str, guidance: str) -> None:
        super().__init__()
        self.heading, self.reason, self.guidance = heading, reason, guidance

    def compose(self) -> ComposeResult:
        """The heading, the reason (``#reason-text``) and the guidance (``#reason-guidance``)."""
        with Vertical():
            yield Static(Text(self.heading), classes="title")
            yield Static(Text(t("common.col_reason")))
            yield Input(self.reason, id="reason-text")
            yield Static(Text(t("closing.reason_guidance")))
            yield Input(self.guidance, id="reason-guidance")
            yield Static(Text(t("closing.reason_keys")), classes="hint")

    def on_mount(self) -> None:
        """Focus the reason."""
        self.query_one("#reason-text", Input).focus()

    @on(Input.Submitted, "#reason-text")
    def _next(self) -> None:
        self.query_one("#reason-guidance", Input).focus()

    @on(Input.Submitted, "#reason-guidance")
    def _save(self) -> None:
        self.dismiss((self.query_one("#reason-text", Input).value, self.query_one("#reason-guidance", Input).value))

    def action_cancel(self) -> None:
        """Escape: answer None."""
        self.dismiss(None)


#: How long a panel leader's sign-in on the failure reasons lasts without use (seconds). Source: issue 13 item 10.
LEADER_BATCH_SECONDS = 10 * 60


class ReasonsScreen(RoomScreen[None]):
    """Failed applicants; Enter on one asks its panel leader's credential, then the form.

    One sign-in per leader per batch (issue 13 item 10): after saving a reason the next unwritten one of the
    same panel opens at once, and the leader's sign-in is kept for this visit until ``LEADER_BATCH_SECONDS``
    pass without use (then the credential is asked again, and the screen says why). Leaving the screen forgets
    every leader. ``clock`` (seconds, monotonic) can be replaced in tests.
    """

    # Enter in the footer (the table's own Enter is not shown there: the hand run found only Esc in the footer)
    BINDINGS = [Binding("enter", "select_row", t("tui.key_write_reason"), priority=True),
                Binding("escape", "back", t("common.back"))]

    def action_select_row(self) -> None:
        """Enter: write the highlighted applicant's reason (as Enter on the table)."""
        self.query_one(DataTable).action_select_cursor()

    def __init__(self) -> None:
        super().__init__()
        self.row_ids: list[str] = []
        self._leaders: dict[str, tuple[Actor, float]] = {}  # panel id → (its leader, last use), this visit only
        self.clock: Callable[[], float] = time.monotonic

    def compose(self) -> ComposeResult:
        """The failed applicants' table (``#reasons-table``), who is signed in, what is outstanding, the help."""
        yield Header()
        yield Static(Text(t("closing.reasons_title")), classes="title")
        yield DataTable(id="reasons-table", cursor_type="row", zebra_stripes=True)
        yield Message(Text(""), id="reasons-leader", classes="hint")
        yield Message(Text(""), id="reasons-outstanding")
        yield Static(Text(t("closing.reasons_help")), classes="hint", id="reasons-help")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the rows, focus the table."""
        self.refresh_rows()
        self.query_one(DataTable).focus()

    def on_unmount(self) -> None:
        """Forget the leaders identified during this visit."""
        self._leaders.clear()

    def refresh_rows(self) -> None:
        """Redraw the failed applicants (code, panel, decision, written or not, reason) and the outstanding
        ones; empty with a hint until the results are final."""
        room = self.room
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        if not room.closing.results_final():
            self.row_ids = []
            self.query_one("#reasons-help", Static).update(Text(t("results_not_final")))
            return
        failed = room.views.failed()
        reasons = room.closing.failure_reasons()
        self.row_ids = [f.applicant_id for f in failed]
        rows = []
        for f in failed:
            fr = reasons.get(f.applicant_id)
            rows.append((f.applicant_id, [
                Text(f.code, style="bold"), Text(f.panel_name), decision_text(f.outcome),
                Text(t("closing.reason_written") if fr else t("closing.reason_not_written"),
                     style="green" if fr else "bold red"),
                Text(fr.reason if fr else "")]))
        labels = ("common.col_code", "common.col_panel", "common.col_decision", "common.col_state")
        for i, label in enumerate(labels):
            add_fitted_column(table, t(label), label, [cells[i] for _, cells in rows])
        table.add_column(t("common.col_reason"), key="reason")
        for aid, cells in rows:
            table.add_row(*cells, key=aid)
        if self.row_ids:
            table.move_cursor(row=min(cursor, len(self.row_ids) - 1))
        todo = [f.code for f in failed if f.applicant_id not in reasons]
        self.query_one("#reasons-outstanding", Static).update(
            Unbroken(t("closing.reasons_outstanding", codes=codes_line(todo)) if todo else t("closing.reasons_all"),
                     style="bold yellow" if todo else "green"))

    def _leader(self, panel_id: str) -> Actor | None:
        """The panel's leader signed in during this visit and used within ``LEADER_BATCH_SECONDS``, else None
        (an expired sign-in is forgotten and the screen says so)."""
        entry = self._leaders.get(panel_id)
        if entry is None:
            return None
        actor, last = entry
        if self.clock() - last > LEADER_BATCH_SECONDS:
            del self._leaders[panel_id]
            self.query_one("#reasons-leader", Static).update(
                Text(t("closing.reasons_expired", minutes=LEADER_BATCH_SECONDS // 60), style="bold yellow"))
            return None
        self._leaders[panel_id] = (actor, self.clock())
        return actor

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.open_reason(str(event.row_key.value))

    def open_reason(self, applicant_id: str) -> None:
        """The form for ``applicant_id``: straight away when its panel leader is signed in, else after the
        leader's credential."""
        panel = self.room.views.panel(self.room.views.applicant(applicant_id).panel_id)
        actor = self._leader(panel.panel_id)
        if actor is not None:
            self._form(applicant_id, actor)
            return

        def identified(actor: Actor | None) -> None:
            if actor is not None:
                self._leaders[panel.panel_id] = (actor, self.clock())
                self.query_one("#reasons-leader", Static).update(Unbroken(t(
                    "closing.reasons_batch", name=actor.name, panel=panel.name,
                    minutes=LEADER_BATCH_SECONDS // 60), style="green"))
                self._form(applicant_id, actor)

        leader = panel.leader_id
        settle_collector()
        self.ask_credential(t("closing.reason_login", panel=panel.name),
                            [(leader, f"{t('common.role_panel_leader')} {self.room.person_name(leader)}")], identified)

    def _form(self, applicant_id: str, actor: Actor) -> None:
        room = self.room
        a = room.views.applicant(applicant_id)
        fr = room.closing.failure_reasons().get(applicant_id)
        reason = fr.reason if fr else room.closing.default_reason(applicant_id)

        def save(answer: tuple[str, str] | None) -> None:
            if answer is not None and self.guard(lambda: room.closing.write_failure_reason(actor, applicant_id, *answer)):
                self.refresh_rows()
                self._next_unwritten(a.panel_id)

        self.app.push_screen(ReasonForm(t("closing.reason_for", code=a.code), reason, fr.guidance if fr else ""), save)

    def _next_unwritten(self, panel_id: str) -> None:
        """Move to the next unwritten reason of the same panel and, its leader still signed in, open its form:
        the batch goes on without a second sign-in; with none left in the panel, move to the first unwritten."""
        written = self.room.closing.failure_reasons()
        todo = [(i, a) for i, a in enumerate(self.row_ids) if a not in written]
        same = [(i, a) for i, a in todo if self.room.views.applicant(a).panel_id == panel_id]
        if same and panel_id in self._leaders:
            self.query_one(DataTable).move_cursor(row=same[0][0])
            self.open_reason(same[0][1])
        elif todo:
            self.query_one(DataTable).move_cursor(row=todo[0][0])

    def action_back(self) -> None:
        """Escape: back to the results."""
        self.app.pop_screen()


class SignOffScreen(RoomScreen[None]):
    """Every attending reviewer signs off the results (签字确认); shows who still has to sign."""

    BINDINGS = [Binding("enter,s", "sign", t("closing.sign_off")), Binding("escape", "back", t("common.back"))]

    def compose(self) -> ComposeResult:
        """The results' digest, the count signed, who still has to sign, the keys."""
        yield Header()
        yield Static(Text(t("closing.signoff_title")), classes="title")
        yield Static(Text(""), id="signoff-digest")
        yield Static(Text(""), id="signoff-status", classes="title")
        yield Message(Text(""), id="signoff-missing")
        yield Static(Text(t("closing.signoff_keys")), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Draw the status."""
        self.refresh_status()

    def on_screen_resume(self) -> None:
        """Back from the credential prompt: redraw."""
        self.refresh_status()

    def refresh_status(self) -> None:
        """Redraw the digest and who has signed, and who has not yet (only once the results are final)."""
        room = self.room
        if not room.closing.results_final():
            self.query_one("#signoff-status", Static).update(Text(t("results_not_final")))
            return
        missing = room.closing.sign_offs_missing()
        total = len(room.attending_ids())
        self.query_one("#signoff-digest", Static).update(Text(t("closing.signoff_digest", digest=room.closing.results_digest())))
        self.query_one("#signoff-status", Static).update(
            Text(t("closing.signoff_count", done=total - len(missing), total=total)))
        self.query_one("#signoff-missing", Static).update(
            Unbroken(t("closing.signoff_missing", names=codes_line(room.person_name(r) for r in missing))
                     if missing else t("closing.signoff_all"), style="bold yellow" if missing else "green"))

    def action_sign(self) -> None:
        """Enter or ``s``: choose one of the reviewers still to sign (type-to-find; only they are offered),
        their credential, a ``Confirm`` naming the digest, then the sign-off."""
        room = self.room
        missing = room.closing.sign_offs_missing()
        if not room.closing.results_final() or not missing:
            self.show_error(t("results_not_final") if not room.closing.results_final() else t("closing.signoff_all"))
            return
        ask_person(self, t("closing.signoff_login"), [(r, f"{r} {room.person_name(r)}") for r in missing],
                   self._signed)

    def _signed(self, actor: Actor | None) -> None:
        if actor is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.guard(lambda: self.room.closing.sign_off_results(actor))
            self.refresh_status()

        self.app.push_screen(Confirm(t("closing.signoff_q", name=actor.name,
                                       digest=self.room.closing.results_digest()[:16])), confirmed)

    def action_back(self) -> None:
        """Escape: back to the results."""
        self.app.pop_screen()
