"""The F1 help registry: one entry per screen class, its texts in the catalogue (``tui.help_*``).

``HELP`` maps a screen class's name to its entry (title, what the step is for with the rule it implements
and its source, what happens next); ``help_for`` finds the entry of a screen by walking its class's MRO, and
for a dialog without its own entry the screen beneath it (``HelpScreen`` is given the stack). The keys are
not written here: they are the screen's own bindings (their Chinese descriptions), read when F1 is pressed,
so the help never disagrees with the footer. Source: issue 13 (F1 help on every screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from zc_review.i18n import t


@dataclass(frozen=True)
class HelpEntry:
    """Catalogue keys of one screen's help: its title, what it is for (with the rule and its source), next."""

    title: str
    about: str
    next: str


#: Screen class name → its help. Every RoomScreen of zc_review/tui/screens has one (tests/tui/test_shell.py).
HELP: dict[str, HelpEntry] = {
    "UnlockScreen": HelpEntry("unlock.title", "tui.help_unlock_about", "tui.help_unlock_next"),
    "CredentialPrompt": HelpEntry("tui.help_login_title", "tui.help_login_about", "tui.help_login_next"),
    "DashboardScreen": HelpEntry("tui.help_dashboard_title", "tui.help_dashboard_about", "tui.help_dashboard_next"),
    "RollCallScreen": HelpEntry("tui.step_roll_call", "tui.help_rollcall_about", "tui.help_rollcall_next"),
    "PledgeScreen": HelpEntry("tui.step_pledge", "tui.help_pledge_about", "tui.help_pledge_next"),
    "RecusalScreen": HelpEntry("tui.step_recusal", "tui.help_recusal_about", "tui.help_recusal_next"),
    "RubricSignScreen": HelpEntry("tui.step_rubric", "tui.help_rubric_about", "tui.help_rubric_next"),
    "ScoringScreen": HelpEntry("tui.step_scoring", "tui.help_scoring_about", "tui.help_scoring_next"),
    "DossierScreen": HelpEntry("common.part_material", "tui.help_dossier_about", "tui.help_dossier_next"),
    "PanelScoresScreen": HelpEntry("scoring.key_panel", "tui.help_panel_scores_about", "tui.help_panel_scores_next"),
    "OpinionScreen": HelpEntry("tui.step_opinion", "tui.help_opinion_about", "tui.help_opinion_next"),
    "DiscussionScreen": HelpEntry("scoring.discussion_title", "tui.help_discussion_about", "tui.help_discussion_next"),
    "PreviewScreen": HelpEntry("scoring.preview_title", "tui.help_preview_about", "tui.help_preview_next"),
    "BallotScreen": HelpEntry("tui.step_ballot", "tui.help_ballot_about", "tui.help_ballot_next"),
    "VotingScreen": HelpEntry("tui.help_voting_title", "tui.help_voting_about", "tui.help_voting_next"),
    "TallyScreen": HelpEntry("ballot.key_tally", "ballot.help_tally_about", "ballot.help_tally_next"),
    "ResultsScreen": HelpEntry("tui.step_results", "tui.help_results_about", "tui.help_results_next"),
    "ReasonsScreen": HelpEntry("closing.reasons_title", "tui.help_reasons_about", "tui.help_reasons_next"),
    "SignOffScreen": HelpEntry("closing.signoff_title", "tui.help_signoff_about", "tui.help_signoff_next"),
    "MinutesScreen": HelpEntry("tui.step_minutes", "tui.help_minutes_about", "tui.help_minutes_next"),
    "ExportScreen": HelpEntry("tui.step_export", "tui.help_export_about", "tui.help_export_next"),
    "UnlockPersonScreen": HelpEntry("tui.lift_title", "tui.help_lift_about", "tui.help_lift_next"),
    "ProjectorScreen": HelpEntry("tui.cmd_projector", "tui.help_projector_about", "tui.help_projector_next"),
    "PaperKeyingScreen": HelpEntry("sheets.tui_open", "sheets.help_about", "sheets.help_next"),
    # the office TUI (zc_review/tui/office, issue 10)
    "OfficeSessionsScreen": HelpEntry("office.tui_help_sessions_title", "office.tui_help_sessions_about",
                                      "office.tui_help_sessions_next"),
    "OfficeSessionScreen": HelpEntry("office.tui_help_session_title", "office.tui_help_session_about",
                                     "office.tui_help_session_next"),
    "ApplicantScreen": HelpEntry("office.tui_help_applicant_title", "office.tui_help_applicant_about",
                                 "office.tui_help_applicant_next"),
}


def entry_of(screen_cls: type) -> HelpEntry | None:
    """The help entry of ``screen_cls`` or of its nearest base class that has one; None when none has."""
    for cls in screen_cls.__mro__:
        if cls.__name__ in HELP:
            return HELP[cls.__name__]
    return None


def help_for(stack: Sequence[Screen[Any]]) -> tuple[Screen[Any], HelpEntry] | None:
    """The topmost screen of ``stack`` (bottom first, as ``App.screen_stack``) that has help, with its entry:
    a dialog without its own help shows the help of the screen it was opened from. None when none has."""
    for screen in reversed(stack):
        entry = entry_of(type(screen))
        if entry is not None:
            return screen, entry
    return None


#: The application's keys some screens declare too (``zc_review.tui.base.APP_WIDE_HIDDEN``): the help's
#: "any screen" line names them, so they are not repeated among a screen's keys.
APP_WIDE = frozenset({"app.quit", "app.projector", "app.help"})


def _own_bindings(node: object) -> set[tuple[str, str]]:
    """(action, description) of the bindings that zc-review's classes in ``node``'s MRO declare."""
    own: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("zc_review"):
            for b in cls.__dict__.get("BINDINGS", ()):
                if isinstance(b, Binding):
                    own.add((b.action, b.description))
    return own


def key_lines(app: App[Any], screen: Screen[Any]) -> list[tuple[str, str]]:
    """The keys of ``screen`` as (keys as displayed, Chinese description), in binding order, one line per
    description (``y / ⏎`` when two keys do the same): the bindings that zc-review's screens and widgets
    declare. Textual's own (focus moves, copying, cursor moves in a text field) and the application's (the
    help's "any screen" line names them) are left out.

    Read from the active bindings (those of the focused widget too) when ``screen`` is the current screen;
    for a screen beneath a dialog, from the screen's own bindings.
    """
    lines: dict[str, list[str]] = {}
    if app.screen is screen:
        found = [(node, binding) for node, binding, _enabled, _tooltip in app.active_bindings.values()
                 if node is not app]
    else:
        found = [(screen, b) for bindings in screen._bindings.key_to_bindings.values() for b in bindings]
    own_of: dict[type, set[tuple[str, str]]] = {}
    for node, binding in found:
        own = own_of.setdefault(type(node), _own_bindings(node))
        if binding.action in APP_WIDE:  # Ctrl+Q, F4, F1 declared on a screen: the "any screen" line has them
            continue
        if binding.description and (binding.action, binding.description) in own:
            keys = lines.setdefault(binding.description, [])
            display = app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
    return [(" / ".join(keys), description) for description, keys in lines.items()]


def title_of(entry: HelpEntry) -> str:
    """The help's title line for ``entry``."""
    return t("tui.help_title", screen=t(entry.title))
