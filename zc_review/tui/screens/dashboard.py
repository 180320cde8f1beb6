"""The recorder's dashboard: the session's steps in order, each with its state and counts, the next step,
one key each. Source: issue 13 item 6."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import t
from zc_review.service.room.progress import STEPS as VIEW_STEPS
from zc_review.tui.base import APP_WIDE_SHOWN, RoomScreen
from zc_review.tui.screens.ballot import BallotScreen
from zc_review.tui.screens.export import ExportScreen
from zc_review.tui.screens.minutes import MinutesScreen
from zc_review.tui.screens.opinion import OpinionScreen
from zc_review.tui.screens.panel_view import DiscussionScreen
from zc_review.tui.screens.pledge import PledgeScreen
from zc_review.tui.screens.recusal import RecusalScreen
from zc_review.tui.screens.results import ResultsScreen
from zc_review.tui.screens.rollcall import RollCallScreen
from zc_review.tui.screens.rubric import RubricSignScreen
from zc_review.tui.screens.scoring import ScoringScreen
from zc_review.tui.widgets.footer import KeyFooter

# (key, catalogue label, screen class)
STEPS: list[tuple[str, str, type[Screen[None]]]] = [
    ("1", "tui.step_roll_call", RollCallScreen),
    ("2", "tui.step_pledge", PledgeScreen),
    ("3", "tui.step_recusal", RecusalScreen),
    ("4", "tui.step_rubric", RubricSignScreen),
    ("5", "tui.step_scoring", ScoringScreen),
    ("6", "tui.step_opinion", OpinionScreen),
    ("7", "tui.step_ballot", BallotScreen),
    ("8", "tui.step_results", ResultsScreen),
    ("9", "tui.step_minutes", MinutesScreen),
    ("0", "tui.step_export", ExportScreen),
]


#: The view model's name of each step, in STEPS' order (``room.views.progress``).
STEP_NAMES = list(VIEW_STEPS)
STATE_KEYS = {"todo": "tui.dash_todo", "doing": "tui.dash_doing", "done": "tui.dash_done"}
STATE_STYLES = {"todo": "dim", "doing": "bold yellow", "done": "bold green"}


class DashboardScreen(RoomScreen[None]):
    """The step list, each step with its state (未开始 / 进行中 with counts / 已完成, from
    ``room.views.progress``: a resumed session shows where it stands) and the next step; the quorum. Keys: Enter or the step's number (1–9, 0) opens the step's screen;
    ``o`` opens the discussion order, ``u`` lifts a credential lock, ``k`` keys paper score sheets. On mount, a worker checks the blind
    materials and posts ``AnonymityFound`` when some name the applicant or employer."""

    BINDINGS = [Binding(k, f"open_step('{k}')", t(label), show=False) for k, label, _ in STEPS]
    BINDINGS += [Binding("o", "discussion", t("tui.key_discussion"), tooltip=t("tui.dash_discussion")),
                 Binding("u", "lift_lock", t("tui.lift_title")),
                 Binding("k", "paper_keying", t("sheets.tui_open"), show=False),  # issue 14 (F1, palette)
                 *APP_WIDE_SHOWN]  # the hub shows Ctrl+Q and F4 in its footer; the other screens list them in F1

    class AnonymityFound(Message):
        """Blind materials name an applicant or employer: ``text`` is the notice to show (issue 5 §9)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        """The rehearsal banner (in a rehearsal), committee and session, the status line, the steps."""
        yield Header()
        heading = self.room.views.session()
        if heading.rehearsal:
            yield Static(t("tui.rehearsal_banner"), classes="rehearsal")
        yield Static(Text(f"{heading.committee_name}  {heading.session_id}"), classes="title")
        yield Static(Text(""), id="dash-status", classes="hint")
        yield Static(Text(""), id="dash-next", classes="title")
        yield OptionList(id="dash-steps")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the steps, focus them, start the anonymity check."""
        self.refresh_steps()
        self.query_one(OptionList).focus()
        self._anonymity_notice()

    @work(thread=True, exclusive=True, group="anonymity")
    def _anonymity_notice(self) -> None:
        """Tell the recorder, before any reviewer opens a dossier, which blind materials name the applicant
        or employer (issue 5 §9; attachments' text is extracted here, ~0.3 s). Shown only when found."""
        operator = self.operator
        if operator is None:
            return
        lines = self.room.panel.anonymity_lines(operator)
        if not lines:
            return
        self.post_message(self.AnonymityFound("\n".join([t("office.anonymity_notice_head"), *lines])))

    @on(AnonymityFound)
    def _anonymity_found(self, event: AnonymityFound) -> None:
        self.show_error(event.text)

    def action_discussion(self) -> None:
        """``o``: the discussion order."""
        self.app.push_screen(DiscussionScreen())

    def action_paper_keying(self) -> None:
        """``k``: key paper score sheets (双人录入; issue 14)."""
        from zc_review.tui.screens.paper_keying import PaperKeyingScreen

        self.app.push_screen(PaperKeyingScreen())

    def action_lift_lock(self) -> None:
        """``u``: lift a credential lock (two other officers; issue 12 §3)."""
        from zc_review.tui.screens.unlock_person import UnlockPersonScreen

        self.app.push_screen(UnlockPersonScreen())

    def on_screen_resume(self) -> None:
        """Back on the dashboard: refresh the status."""
        self.refresh_steps()

    def refresh_steps(self) -> None:
        """Redraw the quorum line and the steps, keeping the highlighted step."""
        q = self.room.opening.quorum()
        self.query_one("#dash-status", Static).update(Text(t(
            "tui.dash_status", attending=q.attending, size=q.committee_size, required=q.required,
            quorum=t("opening.quorum_met") if q.met else t("opening.quorum_not_met"))))
        progress = self.room.views.progress()
        states = {p.step: p for p in progress.steps}
        keys = {name: (k, label) for (k, label, _), name in zip(STEPS, STEP_NAMES, strict=True)}
        width = max(cell_len(t(label)) for _, label, _ in STEPS)
        ol = self.query_one(OptionList)
        highlighted = ol.highlighted
        ol.clear_options()
        options = []
        for name in STEP_NAMES:
            k, label = keys[name]
            p = states[name]
            line = Text(f"[{k}] {t(label)}" + " " * (width - cell_len(t(label))) + "  ")
            line.append(f"{t(STATE_KEYS[p.state])}", style=STATE_STYLES[p.state])
            if p.detail:
                line.append(f"  {p.detail}", style="" if p.state == "doing" else "dim")
            options.append(Option(line, id=k))
        ol.add_options(options)
        nxt = self.query_one("#dash-next", Static)
        if progress.next_step is None:
            nxt.update(Text(t("tui.dash_finished"), style="bold green"))
            default = 0
        else:
            k, label = keys[progress.next_step]
            nxt.update(Text(t("tui.dash_next", step_key=k, step=t(label)), style="bold"))
            default = STEP_NAMES.index(progress.next_step)
        # first visit: the next step is highlighted, so Enter goes on with the session
        ol.highlighted = highlighted if highlighted is not None else default

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a step opens it."""
        if event.option.id:
            self.action_open_step(event.option.id)

    def action_open_step(self, key: str) -> None:
        """Open the step whose key is ``key``."""
        for k, _, screen_cls in STEPS:
            if k == key:
                self.app.push_screen(screen_cls())
                return
