"""The command palette (Ctrl+P) in Chinese: the room's own commands, none of Textual's English defaults.

``ShellCommands`` is the palette's one provider (``ZcReviewApp.COMMANDS``); it asks the application for the
commands that make sense now (``CommandHost.shell_commands``: go to a step, who is still due, lift a lock, the
package fingerprint, the pass-rate preview, the projector, help, colours, quit). ``ZcCommandPalette`` is
Textual's palette with Chinese keys, placeholder and "no match" line. Source: issue 13 (command palette).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, cast

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets.option_list import Option

from zc_review.i18n import t
from zc_review.tui.widgets.steady import Steady


@dataclass(frozen=True)
class ShellCommand:
    """One palette command: its Chinese name, a line of help, and what it does."""

    name: str
    help: str
    run: Callable[[], object]


class CommandHost(Protocol):
    """What the provider asks of the application: the commands offered now, in the order shown."""

    def shell_commands(self, screen: Screen[Any] | None = None) -> list[ShellCommand]:
        """The commands that make sense on ``screen`` (the one the palette was opened over)."""
        ...


class ShellCommands(Provider):
    """The application's commands; discovery lists them all, a search matches their Chinese names."""

    def _commands(self) -> list[ShellCommand]:
        return cast(CommandHost, self.app).shell_commands(self.screen)

    async def discover(self) -> Hits:
        """Every command, in the application's order."""
        for cmd in self._commands():
            yield DiscoveryHit(cmd.name, cmd.run, help=cmd.help)

    async def search(self, query: str) -> Hits:
        """The commands whose name matches ``query`` (Textual's fuzzy matcher, best first)."""
        matcher = self.matcher(query)
        for cmd in self._commands():
            score = matcher.match(cmd.name)
            if score > 0:
                yield Hit(score, matcher.highlight(cmd.name), cmd.run, text=cmd.name, help=cmd.help)


class ZcCommandPalette(Steady, CommandPalette):
    """Textual's command palette with Chinese key descriptions, placeholder and "no match" line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end, shift+end", "command_list('last')", t("tui.palette_last"), show=False),
        Binding("ctrl+home, shift+home", "command_list('first')", t("tui.palette_first"), show=False),
        Binding("down", "cursor_down", t("tui.palette_next"), show=False),
        Binding("escape", "escape", t("tui.palette_close")),
        Binding("pagedown", "command_list('page_down')", t("tui.palette_page_down"), show=False),
        Binding("pageup", "command_list('page_up')", t("tui.palette_page_up"), show=False),
        Binding("up", "command_list('cursor_up')", t("tui.palette_previous"), show=False),
    ]

    def __init__(self, placeholder: str | None = None) -> None:
        """``placeholder``: the search field's hint (default: the room's, ``tui.palette_placeholder``)."""
        super().__init__(placeholder=placeholder or t("tui.palette_placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's, with the Chinese line (the palette adds it when a search found nothing)."""
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("tui.palette_no_match"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)
