"""The question before leaving the application (issue 13 item 2): Esc never quits, Ctrl+Q and Ctrl+C ask."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from zc_review.i18n import t
from zc_review.tui.widgets.steady import Steady


class QuitConfirm(Steady, ModalScreen[bool]):
    """Ask whether to leave zc-review; answers True (leave) or False (stay).

    Keys: ``y`` or Enter on 退出 leave; ``n``, Escape or 取消 stay. 退出 is focused, so Ctrl+Q then Enter
    leaves. Nothing is lost either way: every step is saved as it is done.
    """

    DEFAULT_CSS = """
    QuitConfirm { align: center middle; }
    QuitConfirm > Vertical { width: 64; max-width: 100%; height: auto; border: thick $warning;
                             background: $panel; padding: 1 2; }
    QuitConfirm Horizontal { height: auto; margin-top: 1; }
    QuitConfirm Button { margin-right: 2; }
    """
    BINDINGS = [Binding("y", "answer(True)", t("tui.quit")), Binding("n,escape", "answer(False)", t("common.cancel"))]

    def __init__(self, question: str | None = None) -> None:
        """``question``: the text asked (default: the room's, ``tui.quit_question``; the office TUI has its own)."""
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question (``#quit-text``) and the buttons 退出 (``#quit-yes``) and 取消 (``#quit-no``)."""
        with Vertical():
            yield Static(Text(self.question or t("tui.quit_question")), id="quit-text")
            with Horizontal():
                yield Button(t("tui.quit"), id="quit-yes", variant="error")
                yield Button(t("common.cancel"), id="quit-no", variant="primary")

    def on_mount(self) -> None:
        """Focus 退出."""
        self.query_one("#quit-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """退出 answers True, 取消 False."""
        self.dismiss(event.button.id == "quit-yes")

    def action_answer(self, yes: bool) -> None:
        """``y`` / ``n`` / Escape."""
        self.dismiss(yes)
