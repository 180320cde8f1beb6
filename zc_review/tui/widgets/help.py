"""The F1 help: one modal screen for every screen of the room, filled from the help registry
(``zc_review.tui.help``) by the application."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from zc_review.i18n import t
from zc_review.tui.widgets.footer import KeyFooter
from zc_review.tui.widgets.steady import Steady


class HelpScreen(Steady, ModalScreen[None]):
    """The help of one screen: its title (``#help-title``), what the step is for with the rule it implements
    (``#help-about``), its keys (``#help-keys``: (key, Chinese description) pairs), what comes next
    (``#help-next``), the keys that work everywhere and where the rules come from. Escape, F1 or Enter
    close it; the text scrolls (↑/↓, PgUp/PgDn) when it does not fit (80×24)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 100%;
                            border: thick $accent; background: $panel; padding: 0 1; }
    HelpScreen VerticalScroll { height: auto; max-height: 1fr; }
    HelpScreen #help-title { text-style: bold; color: $accent; }
    HelpScreen .help-head { text-style: bold; margin-top: 1; }
    HelpScreen .help-foot { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,f1,enter", "close", t("tui.help_close"))]

    def __init__(self, title: str, about: str, keys: list[tuple[str, str]], next_step: str,
                 always: str | None = None) -> None:
        """``always``: the line of keys that work on every screen (default: the room's, ``tui.help_always``)."""
        super().__init__()
        self.title_text = title
        self.about = about
        self.keys = keys
        self.next_step = next_step
        self.always = always

    def compose(self) -> ComposeResult:
        """The title, then the scrolling body: about, keys, next, everywhere, sources; the footer."""
        with Vertical():
            yield Static(Text(self.title_text), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(Text(t("tui.help_about")), classes="help-head")
                yield Static(Text(self.about), id="help-about")
                yield Static(Text(t("tui.help_keys")), classes="help-head")
                keys = Text()
                for i, (key, description) in enumerate(self.keys):
                    if i:
                        keys.append("\n")
                    keys.append(f"{key:>8}", style="bold")
                    keys.append(f"  {description}")
                yield Static(keys if self.keys else Text(t("tui.help_no_keys")), id="help-keys")
                yield Static(Text(t("tui.help_next")), classes="help-head")
                yield Static(Text(self.next_step), id="help-next")
                yield Static(Text(self.always or t("tui.help_always")), classes="help-foot")
                yield Static(Text(t("tui.help_sources")), classes="help-foot")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the body so the arrows scroll it."""
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
