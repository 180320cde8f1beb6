"""``OfficeApp``: the office TUI's application (the archive's URL, the office keys, the output folder, the
office's day) and its shell: F1 help, the Chinese command palette, leaving asks first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from zc_review.i18n import t
from zc_review.tui.app import THEMES
from zc_review.tui.commands import ShellCommand, ShellCommands, ZcCommandPalette
from zc_review.tui.shell_keys import ShellKeys


class OfficeApp(ShellKeys, App[None]):
    """The office's application over one archive.

    ``url``: the archive's SQLAlchemy URL (SQLite file or PostgreSQL); ``keys_dir``: the office keys (they
    open the filed bundles, sign findings, hash identity-card numbers); ``out_dir``: where notices, evidence
    extracts and filing packs are written; ``today``: the office's day (notice states, filing; default the
    real date); ``rehearsal``: a rehearsal archive (rehearsal bundles may be imported).
    """

    #: The office's sheet and the dialogs' (read at start-up, not on the first dialog: see ZcReviewApp.CSS_PATH).
    CSS_PATH = ["office.tcss", "../widgets/dialogs.tcss"]  # noqa: RUF012
    TITLE = t("office.tui_title")
    quit_question = t("office.tui_quit_question")
    help_always = t("office.tui_help_always")
    COMMANDS = {ShellCommands}  # noqa: RUF012 (Textual's ClassVar): no English system commands
    BINDINGS = [
        Binding("ctrl+q", "quit", t("tui.quit"), show=True, priority=True),
        Binding("ctrl+c", "quit", t("tui.quit"), show=False),
        Binding("f1", "help", t("tui.key_help"), priority=True),
        Binding("ctrl+p", "command_palette", t("tui.key_palette"), show=False, priority=True),
    ]

    def __init__(self, url: str, keys_dir: Path, out_dir: Path, *, today: date | None = None,
                 rehearsal: bool = False) -> None:
        super().__init__()
        from zc_review.service.office.archive import display_url

        self.url = url
        self.keys_dir = keys_dir
        self.out_dir = out_dir
        self.as_of = today
        self.rehearsal = rehearsal
        self.sub_title = display_url(url)

    @property
    def today(self) -> date:
        """The office's day: ``--as-of`` or the real date."""
        return self.as_of or date.today()

    def on_mount(self) -> None:
        """Show the sessions filed."""
        from zc_review.tui.office.screens import OfficeSessionsScreen

        self.push_screen(OfficeSessionsScreen())

    def action_command_palette(self) -> None:
        """Ctrl+P: the Chinese command palette."""
        if not isinstance(self.screen, ZcCommandPalette):
            self.push_screen(ZcCommandPalette(t("office.tui_palette_placeholder")))

    def shell_commands(self, screen: Screen[Any] | None = None) -> list[ShellCommand]:
        """The palette's commands: the current office screen's own (``office_commands``), then help, the
        colours and quit."""
        screen = screen or self.screen
        out: list[ShellCommand] = list(getattr(screen, "office_commands", list)())
        out.append(ShellCommand(t("tui.cmd_help"), t("tui.cmd_help_help"), self.action_help))
        for key, theme in THEMES:
            out.append(ShellCommand(t("tui.cmd_theme", theme=t(key)), t("tui.cmd_theme_help"),
                                    self._theme_setter(theme)))
        out.append(ShellCommand(t("tui.quit"), t("tui.cmd_quit_help"), self.action_quit))
        return out

    def _theme_setter(self, theme: str) -> Callable[[], None]:
        def set_theme() -> None:
            self.theme = theme

        return set_theme


def make_office_app(url: str, keys_dir: Path, out_dir: Path, *, today: date | None = None,
                    rehearsal: bool = False) -> OfficeApp:
    """The one factory of the office TUI (the CLI, Pilot tests, snapshots and the tmux test)."""
    return OfficeApp(url, keys_dir, out_dir, today=today, rehearsal=rehearsal)
