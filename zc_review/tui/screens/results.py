"""The results: a room-readable table per group, failure reasons by the panel leaders, sign-off by every
attending reviewer. Names appear only once the results are final. Source: RULES.md §5; 000 第二十六条(六).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Static

from zc_review.i18n import join_list, t
from zc_review.service.room import Actor, Outcome
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.ballot import BallotScreen
from zc_review.tui.screens.panel_view import PreviewScreen

DECISION = {
    Outcome.PASSED: ("common.outcome_passed", "bold green"),
    Outcome.BELOW_THRESHOLD: ("closing.decision_below", "bold red"),
    Outcome.EXCEEDS_CAP: ("common.outcome_exceeds_cap", "bold red"),
    Outcome.RUNOFF_PENDING: ("closing.decision_runoff", "bold yellow"),
}
COLUMNS = ("common.col_code", "common.col_name", "common.col_composite", "common.col_rank", "common.choice_agree", "common.choice_disagree",
           "common.choice_abstain", "common.col_base", "common.col_decision")


def decision_text(outcome: Outcome | None, runoff_agree: tuple[int, ...] = ()) -> Text:
    """The decision's Chinese label in its colour, with the last run-off's agree count; "—" for None."""
    if outcome is None:
        return Text("—")
    key, style = DECISION[outcome]
    text = Text(t(key), style=style)
    if runoff_agree:
        text.append(t("common.col_runoff", n=runoff_agree[-1]))
    return text


class ResultsScreen(RoomScreen[None]):
    """Per group: code, name (once final), composite, rank, votes, base, decision; the group's cap."""

    CSS_PATH = "closing.tcss"
    BINDINGS = [
        Binding("b", "ballot", t("closing.goto_ballot")),
        Binding("e", "reasons", t("common.col_reason")),
        Binding("s", "sign_off", t("closing.sign_off")),
        Binding("v", "preview", t("scoring.preview_key")),
        Binding("escape", "back", t("common.back")),
    ]

    def compose(self) -> ComposeResult:
        """The status, one heading and table per group (``#head-<group>``, ``#tbl-<group>``), the keys."""
        yield Header()
        yield Static(Text(t("tui.step_results")), classes="title")
        yield Static(Text(""), id="results-status")
        with VerticalScroll(id="results-body"):
            for g in self.room.views.groups():
                yield Static(Text(""), id=f"head-{g.group_id}", classes="group-head")
                yield DataTable(id=f"tbl-{g.group_id}", zebra_stripes=True, cursor_type="row")
        yield Static(Text(t("closing.results_keys")), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        """Add the columns, draw the results."""
        for g in self.room.views.groups():
            self.query_one(f"#tbl-{g.group_id}", DataTable).add_columns(*[t(c) for c in COLUMNS])
        self.refresh_results()

    def on_screen_resume(self) -> None:
        """Back from another screen: redraw."""
        self.refresh_results()

    def refresh_results(self) -> None:
        """Redraw the status (final, no vote yet, or the pending run-offs) and every group's
        table, ranked; names are shown only once the results are final."""
        view = self.room.views.results()
        if view.final:
            status = t("closing.results_final")
        elif not view.voted:
            status = t("closing.results_no_vote")
        else:
            status = "\n".join([t("closing.results_pending")] + [p.text for p in view.pending])
        self.query_one("#results-status", Static).update(Text(status))
        for g in view.groups:
            self.query_one(f"#head-{g.group_id}", Static).update(
                Text(t("closing.group_head", group=g.name, cap=g.cap, n=g.applicants)))
            table = self.query_one(f"#tbl-{g.group_id}", DataTable)
            table.clear()
            for r in g.rows:
                cells = [Text(r.code, style="bold"), Text(r.name if r.name is not None else "—"),
                         Text(str(r.composite) if r.composite is not None else "—", justify="right"),
                         Text(str(r.rank) if r.rank else "—", justify="right")]
                cells += [Text(str(n) if r.tally else "—", justify="right") for n in (r.tally or (0, 0, 0))]
                cells += [Text(str(r.base), justify="right"), decision_text(r.outcome, r.runoff_agree)]
                table.add_row(*cells, key=r.applicant_id)

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


class ReasonForm(ModalScreen[tuple[str, str] | None]):
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


class ReasonsScreen(RoomScreen[None]):
    """Failed applicants; Enter on one asks its panel leader's credential (once per visit) and the form."""

    BINDINGS = [Binding("escape", "back", t("common.back"))]

    def __init__(self) -> None:
        super().__init__()
        self.row_ids: list[str] = []
        self._leaders: dict[str, Actor] = {}  # panel id → its leader, for this visit only

    def compose(self) -> ComposeResult:
        """The failed applicants' table (``#reasons-table``) and the help line."""
        yield Header()
        yield Static(Text(t("closing.reasons_title")), classes="title")
        yield DataTable(id="reasons-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("closing.reasons_help")), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        """Add the columns, fill the rows, focus the table."""
        self.query_one(DataTable).add_columns(t("common.col_code"), t("common.col_panel"), t("common.col_decision"),
                                              t("common.col_state"), t("common.col_reason"))
        self.refresh_rows()
        self.query_one(DataTable).focus()

    def on_unmount(self) -> None:
        """Forget the leaders identified during this visit."""
        self._leaders.clear()

    def refresh_rows(self) -> None:
        """Redraw the failed applicants (code, panel, decision, written or not, reason); empty with
        a hint until the results are final."""
        room = self.room
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        if not room.closing.results_final():
            self.row_ids = []
            self.query_one(".hint", Static).update(Text(t("results_not_final")))
            return
        failed = room.views.failed()
        reasons = room.closing.failure_reasons()
        self.row_ids = [f.applicant_id for f in failed]
        for f in failed:
            a_id = f.applicant_id
            fr = reasons.get(a_id)
            table.add_row(Text(f.code, style="bold"), Text(f.panel_name), decision_text(f.outcome),
                          Text(t("closing.reason_written") if fr else t("closing.reason_not_written"),
                               style="green" if fr else "bold red"),
                          Text(fr.reason if fr else ""), key=a_id)
        if self.row_ids:
            table.move_cursor(row=min(cursor, len(self.row_ids) - 1))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        applicant_id = str(event.row_key.value)
        panel = self.room.views.panel(self.room.views.applicant(applicant_id).panel_id)
        if panel.panel_id in self._leaders:
            self._form(applicant_id, self._leaders[panel.panel_id])
            return

        def identified(actor: Actor | None) -> None:
            if actor is not None:
                self._leaders[panel.panel_id] = actor
                self._form(applicant_id, actor)

        leader = panel.leader_id
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
                self._next_unwritten()

        self.app.push_screen(ReasonForm(t("closing.reason_for", code=a.code), reason, fr.guidance if fr else ""), save)

    def _next_unwritten(self) -> None:
        written = self.room.closing.failure_reasons()
        for i, a in enumerate(self.row_ids):
            if a not in written:
                self.query_one(DataTable).move_cursor(row=i)
                return

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
        yield Static(Text(""), id="signoff-missing")
        yield Static(Text(t("closing.signoff_keys")), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        """Draw the status."""
        self.refresh_status()

    def on_screen_resume(self) -> None:
        """Back from the credential prompt: redraw."""
        self.refresh_status()

    def refresh_status(self) -> None:
        """Redraw the digest and who has signed (only once the results are final)."""
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
            Text(t("closing.signoff_missing", names=join_list(room.person_name(r) for r in missing))
                 if missing else t("closing.signoff_all")))

    def action_sign(self) -> None:
        """Enter or ``s``: one of the reviewers still to sign types their credential, then signs."""
        room = self.room
        missing = room.closing.sign_offs_missing()
        if not room.closing.results_final() or not missing:
            self.show_error(t("results_not_final") if not room.closing.results_final() else t("closing.signoff_all"))
            return
        self.ask_credential(t("closing.signoff_login"), [(r, room.person_name(r)) for r in missing],
                            self._signed)

    def _signed(self, actor: Actor | None) -> None:
        if actor is not None:
            self.guard(lambda: self.room.closing.sign_off_results(actor))
        self.refresh_status()

    def action_back(self) -> None:
        """Escape: back to the results."""
        self.app.pop_screen()
