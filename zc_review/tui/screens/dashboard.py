"""The recorder's dashboard: the session's steps in order, each with its state, one key each."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import t

if TYPE_CHECKING:
    from zc_review.tui.app import ZcReviewApp

# (key, catalogue label, module, screen class)
STEPS: list[tuple[str, str, str, str]] = [
    ("1", "tui.step_roll_call", "zc_review.tui.screens.rollcall", "RollCallScreen"),
    ("2", "tui.step_pledge", "zc_review.tui.screens.pledge", "PledgeScreen"),
    ("3", "tui.step_recusal", "zc_review.tui.screens.recusal", "RecusalScreen"),
    ("4", "tui.step_rubric", "zc_review.tui.screens.rubric", "RubricSignScreen"),
    ("5", "tui.step_scoring", "zc_review.tui.screens.scoring", "ScoringScreen"),
    ("6", "tui.step_opinion", "zc_review.tui.screens.opinion", "OpinionScreen"),
    ("7", "tui.step_ballot", "zc_review.tui.screens.ballot", "BallotScreen"),
    ("8", "tui.step_results", "zc_review.tui.screens.results", "ResultsScreen"),
    ("9", "tui.step_minutes", "zc_review.tui.screens.minutes", "MinutesScreen"),
    ("0", "tui.step_export", "zc_review.tui.screens.export", "ExportScreen"),
]


class DashboardScreen(Screen[None]):
    """Step list; Enter or the step's number key opens it."""

    BINDINGS = [Binding(k, f"open_step('{k}')", t(label), show=False) for k, label, _, _ in STEPS]
    BINDINGS += [Binding("o", "discussion", t("tui.dash_discussion"))]

    def compose(self) -> ComposeResult:
        yield Header()
        app = self.zc_app
        assert app.service is not None
        if app.service.defn.rehearsal:
            yield Static(t("tui.rehearsal_banner"), classes="rehearsal")
        yield Static(Text(f"{app.service.defn.committee_name}  {app.service.defn.session_id}"), classes="title")
        yield Static(Text(""), id="dash-status", classes="hint")
        yield OptionList(id="dash-steps")
        yield Footer()

    @property
    def zc_app(self) -> ZcReviewApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.refresh_steps()
        self.query_one(OptionList).focus()
        self._anonymity_notice()

    @work(thread=True, exclusive=True, group="anonymity")
    def _anonymity_notice(self) -> None:
        """Tell the recorder, before any reviewer opens a dossier, which blind materials name the applicant
        or employer (issue 5 §9; attachments' text is extracted here, ~0.3 s). Shown only when found."""
        app = self.zc_app
        if app.service is None or app.operator is None:
            return
        found = app.service.anonymity_report(app.operator)
        if not found:
            return
        from zc_review.service.office import anonymity_lines

        text = "\n".join([t("office.anonymity_notice_head"), *anonymity_lines(app.service.defn, found)])
        app.call_from_thread(app.show_error, text)

    def action_discussion(self) -> None:
        from zc_review.tui.screens.panel_view import DiscussionScreen

        self.app.push_screen(DiscussionScreen())

    def on_screen_resume(self) -> None:
        self.refresh_steps()

    def refresh_steps(self) -> None:
        svc = self.zc_app.service
        assert svc is not None
        q = svc.quorum()
        self.query_one("#dash-status", Static).update(Text(t(
            "tui.dash_status", attending=q.attending, size=q.committee_size, required=q.required,
            quorum=t("opening.quorum_met") if q.met else t("opening.quorum_not_met"))))
        ol = self.query_one(OptionList)
        highlighted = ol.highlighted
        ol.clear_options()
        ol.add_options([Option(Text(f"[{k}] {t(label)}"), id=k) for k, label, _, _ in STEPS])
        ol.highlighted = highlighted if highlighted is not None else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_open_step(event.option.id)

    def action_open_step(self, key: str) -> None:
        for k, _, module, cls in STEPS:
            if k == key:
                screen_cls = getattr(importlib.import_module(module), cls)
                self.app.push_screen(screen_cls())
                return
