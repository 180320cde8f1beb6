"""The plain dialogs: ``Confirm`` (yes/no), ``Pick`` (one of a list), ``TextPrompt`` (one line) and ``Notice``.

Each is a ``ModalScreen`` that answers through ``dismiss``: push it with ``app.push_screen(dialog, callback)``
and the callback receives the answer. All text is drawn as ``rich.text.Text``, never parsed as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import t

CSS = Path(__file__).with_name("dialogs.tcss")


class Confirm(ModalScreen[bool]):
    """A yes/no question; answers True (yes) or False (no).

    Keys: ``y`` or Enter answer yes, ``n`` or Escape answer no. Two looks:
    - default: the question, a line naming those keys, and the footer;
    - ``buttons=True``: the question and two buttons 确定 / 取消 (确定 focused; Enter presses the focused
      button, so Enter on 取消 answers no).
    """

    CSS_PATH = CSS
    BINDINGS = [Binding("y,enter", "answer(True)", t("common.confirm")),
                Binding("n,escape", "answer(False)", t("common.cancel"))]

    def __init__(self, question: str, *, buttons: bool = False) -> None:
        super().__init__(classes="-buttons" if buttons else None)
        self.question = question
        self.buttons = buttons

    def compose(self) -> ComposeResult:
        """The question (``#confirm-text``), then the buttons or the keys' hint and the footer."""
        with Vertical():
            yield Static(Text(self.question), id="confirm-text")
            if self.buttons:
                with Horizontal():
                    yield Button(t("common.ok"), id="confirm-yes", variant="primary")
                    yield Button(t("common.cancel"), id="confirm-no")
            else:
                yield Static(Text(t("common.confirm_keys")), classes="hint")
        if not self.buttons:
            yield Footer()

    def on_mount(self) -> None:
        """Focus 确定 when there are buttons."""
        if self.buttons:
            self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """确定 answers True, 取消 False."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Answer ``yes`` (the ``y``/``n`` keys)."""
        self.dismiss(yes)


class Pick(ModalScreen["str | None"]):
    """Choose one of ``options`` (id, label) in a list (``#pick-list``); Enter answers the id, Escape None.

    ``compact=True`` draws a narrower dialog showing at most 12 rows (else 16).
    """

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "cancel", t("common.cancel"))]

    def __init__(self, title: str, options: list[tuple[str, str]], *, compact: bool = False) -> None:
        super().__init__(classes="-compact" if compact else None)
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        """The title and the list of labels."""
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield OptionList(*[Option(Text(label), id=oid) for oid, label in self.options], id="pick-list")

    def on_mount(self) -> None:
        """Highlight the first option and focus the list."""
        ol = self.query_one(OptionList)
        ol.highlighted = 0
        ol.focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Escape: answer None."""
        self.dismiss(None)


class TextPrompt(ModalScreen["str | None"]):
    """One line of text under a title (``#text-prompt``); Enter answers the text, Escape None."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "cancel", t("common.back"))]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        """The title and the input."""
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Input(id="text-prompt")

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#text-prompt")
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Escape: answer None."""
        self.dismiss(None)


class Notice(ModalScreen[bool]):
    """A message the room must acknowledge (``message``; a refusal, a warning). Enter on 确定 or Escape
    closes it and answers True."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "ok", t("common.ok"))]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        """The message (``#notice-text``) and the 确定 button (``#notice-ok``)."""
        with Vertical():
            yield Static(Text(self.message), id="notice-text")
            yield Button(t("common.ok"), id="notice-ok", variant="primary")

    def on_mount(self) -> None:
        """Focus 确定."""
        self.query_one(Button).focus()

    @on(Button.Pressed, "#notice-ok")
    def action_ok(self) -> None:
        """Close the notice."""
        self.dismiss(True)
