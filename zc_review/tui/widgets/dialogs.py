"""The plain dialogs: ``Confirm`` (yes/no), ``Pick`` (one of a list), ``TextPrompt`` (one line) and ``Notice``.

Each is a ``ModalScreen`` that answers through ``dismiss``: push it with ``app.push_screen(dialog, callback)``
and the callback receives the answer. All text is drawn as ``rich.text.Text``, never parsed as markup, and
messages through ``Unbroken``, which never breaks an applicant's code or a number across two lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import join_list, t
from zc_review.tui.widgets.reshown import Reshown
from zc_review.tui.widgets.steady import Steady

CSS = Path(__file__).with_name("dialogs.tcss")

#: A token never split across lines: a code, a number or a range ("GC-2025-008", "87.50", "R07", "16/16",
#: "--pool", "Ctrl+Q", "28–33.5"); one that ends with a digit bound to the word that follows it — its measure word or the name it
#: labels, up to three Han characters, after at most one space ("27 秒", "2 项", "R07 龙建国", "36人"); with
#: the punctuation that follows (the ideographic comma, full-width comma …), so that no line starts with a
#: comma; or one other character
#: with the punctuation after it. A space between a number and its measure word is where Rich and Textual
#: break a line ("27⏎秒", "2⏎项不一致"); here it never is.
_TRAILING = "".join(map(chr, (0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF09, 0xFF01, 0xFF1F))) + ")!?"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs (extension A and the unified block)
_CODE = r"[\-.%]{0,2}[A-Za-z0-9][A-Za-z0-9\-./:_%+\u2013~]*"  # \u2013: a range of points ("28–33.5 分")
_TOKEN = re.compile(_CODE + r"(?:(?<=[0-9])[ \u00a0]?[" + _HAN + r"]{1,3})?[" + re.escape(_TRAILING) + r"]?"
                    + r"|[\-./:_%]{2,}|\s|.[" + re.escape(_TRAILING) + r"]?", re.DOTALL)


def break_offsets(text: str, width: int) -> list[int]:
    """Offsets at which to break ``text`` (one paragraph, no newline) into lines of at most ``width`` cells,
    breaking between any two characters except inside a code or a number (``_TOKEN``); a token wider than
    ``width`` is cut. Spaces at a break are left at the end of the line. Source: issue 13 item 10."""
    offsets: list[int] = []
    used = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        w = cell_len(tok)
        if tok.isspace() or used + w <= width:
            used += w
            continue
        start = m.start()
        if used:
            offsets.append(start)
            used = 0
        while w > width > 0:  # longer than a line: cut it
            cut, acc = start, 0
            while cut < m.end() and acc + cell_len(text[cut]) <= width:
                acc += cell_len(text[cut])
                cut += 1
            offsets.append(cut)
            start, w = cut, cell_len(text[cut:m.end()])
        used = w
    return [o for o in offsets if 0 < o < len(text)]


class Unbroken:
    """A message as a Rich renderable that wraps to the width it is given but never breaks a code or a number
    (``break_offsets``): Rich and Textual break a run of Chinese with no space anywhere, which split
    ``GC-2025-008`` as ``GC-202⏎5-008``. ``text``: a str or a styled ``Text`` (its styles are kept)."""

    def __init__(self, text: str | Text, style: str = "") -> None:
        self.text = text if isinstance(text, Text) else Text(text, style=style)
        self._lines: tuple[int, list[Text]] | None = None  # the last width asked and its lines

    def lines(self, width: int) -> list[Text]:
        """The lines at ``width`` cells (the last width's are kept: a layout asks for the height, then the
        drawing for the lines, at one width; a dossier's sections are a few thousand characters)."""
        if self._lines is not None and self._lines[0] == width:
            return list(self._lines[1])
        out: list[Text] = []
        for para in self.text.split("\n", allow_blank=True):
            plain = para.plain
            out.extend(para.divide(break_offsets(plain, max(1, width))) if plain else [para])
        for line in out:
            line.rstrip()  # in place: the spaces left at a break
        self._lines = (width, out)
        return list(out)

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            line.no_wrap, line.overflow, line.end = True, "crop", "\n"
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widths = [cell_len(m.group(0)) for m in _TOKEN.finditer(self.text.plain)] or [0]
        longest = max((cell_len(p) for p in self.text.plain.split("\n")), default=0)
        return Measurement(min(max(widths), options.max_width), min(longest, options.max_width))


class Message(Static):
    """A ``Static`` for messages: given an ``Unbroken``, it wraps it to its own width, never breaking a code or
    a number, and renders a plain ``Text`` (so ``str(widget.render())`` is the message's text); anything
    else is drawn as by ``Static``."""

    def __init__(self, content: str | Text | Unbroken = "", **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self._message: Unbroken | None = None
        self.update(content)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        """Show ``content`` (an ``Unbroken``, a ``Text`` or a str)."""
        self._message = content if isinstance(content, Unbroken) else None
        super().update(content.text if isinstance(content, Unbroken) else content, layout=layout)

    @property
    def text(self) -> str:
        """The message's text as given (not wrapped); "" when it shows something else."""
        return "" if self._message is None else str(self._message)

    def render(self) -> Any:
        """The message's lines at the widget's width, or ``Static``'s rendering."""
        if self._message is None:
            return super().render()
        text = Text("\n").join(self._message.lines(max(1, self.content_size.width)))
        text.no_wrap, text.overflow = True, "crop"
        return text

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        """As many lines as the message takes at ``width``."""
        if self._message is None:
            return super().get_content_height(container, viewport, width)
        return len(self._message.lines(max(1, width)))


def codes_line(codes: Iterable[str], limit: int = 40) -> str:
    """Codes (or names) joined with "、"; beyond ``limit`` the rest is counted ("… 等 n 个")."""
    items = list(codes)
    if len(items) <= limit:
        return join_list(items)
    return join_list(items[:limit]) + t("common.and_more", n=len(items) - limit)


class Confirm(Reshown, Steady, ModalScreen[bool]):
    """A yes/no question; answers True (yes) or False (no).

    Keys: ``y`` or Enter answer yes, ``n`` or Escape answer no. Two looks:
    - default: the question and a line naming those keys;
    - ``buttons=True``: the question and two buttons 确定 / 取消 (确定 focused; Enter presses the focused
      button, so Enter on 取消 answers no).

    ``blocked``: the reason yes is not possible now (what is missing); then the dialog says so in red
    and its key line offers only going back; yes is not accepted (issue 13 item 7).

    No dialog has a ``Footer``: a footer recomposes on every change of the focused widget's bindings (1,684
    recomposes in one demo run, issue 9), and a dialog's keys are few and fixed, so a static line names them.
    """

    CSS_PATH = CSS
    BINDINGS = [Binding("y,enter", "answer(True)", t("common.confirm")),
                Binding("n,escape", "answer(False)", t("common.cancel"))]

    def __init__(self, question: str, *, buttons: bool = False, blocked: str | None = None) -> None:
        super().__init__(classes="-buttons" if buttons else None)
        self.question = question
        self.buttons = buttons
        self.blocked = blocked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While ``blocked``, yes is not offered (hidden from the footer, never run)."""
        if action == "answer" and parameters and parameters[0] is True and self.blocked is not None:
            return False
        return True

    def compose(self) -> ComposeResult:
        """The question (``#confirm-text``), then the buttons, the keys' hint and the footer, or what blocks."""
        with Vertical():
            yield Message(Unbroken(self.question), id="confirm-text")
            if self.blocked is not None:
                yield Message(Unbroken(self.blocked, style="bold red"), id="confirm-blocked")
            elif self.buttons:
                with Horizontal():
                    yield Button(t("common.ok"), id="confirm-yes", variant="primary")
                    yield Button(t("common.cancel"), id="confirm-no")
            else:
                yield Static(Text(t("common.confirm_keys")), classes="hint")
            if self.blocked is not None:
                yield Static(Text(t("common.blocked_keys")), classes="hint")

    def on_mount(self) -> None:
        """Focus 确定 when there are buttons."""
        if self.buttons and self.blocked is None:
            self.query_one("#confirm-yes", Button).focus()

    def reshow_shape(self) -> tuple[bool, bool]:
        """Buttons or the key line; with or without what blocks."""
        return self.buttons, self.blocked is not None

    def reshow(self, fresh: Confirm) -> None:
        """Ask ``fresh``'s question (``widgets.reshown``)."""
        self.question, self.blocked = fresh.question, fresh.blocked
        self.query_one("#confirm-text", Message).update(Unbroken(self.question))
        if self.blocked is not None:
            self.query_one("#confirm-blocked", Message).update(Unbroken(self.blocked, style="bold red"))
        elif self.buttons:
            self.set_focus(self.query_one("#confirm-yes", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """确定 answers True, 取消 False."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Answer ``yes`` (the ``y``/``n`` keys); never yes while ``blocked``."""
        if yes and self.blocked is not None:
            return
        self.dismiss(yes)


class Pick(Reshown, Steady, ModalScreen["str | None"]):
    """Choose one of ``options`` (id, label) in a list (``#pick-list``); Enter answers the id, Escape None.

    Type-to-find: what is typed goes to the find field (``#pick-find``, focused) and the list keeps only the
    options whose id or label contains it (case-insensitive); Up/Down/PageUp/PageDown/Home/End move in the
    list while typing, Enter answers the highlighted option. ``compact=True`` draws a narrower dialog showing
    at most 12 rows (else 16). ``note``: a line under the list (e.g. who is not offered and why).
    """

    CSS_PATH = CSS
    DEFAULT_CSS = "Pick #pick-find { margin: 0 0 1 0; } Pick #pick-count { height: auto; }"
    BINDINGS = [Binding("escape", "cancel", t("common.cancel")),
                Binding("up", "move(-1)", t("tui.pick_previous"), show=False, priority=True),
                Binding("down", "move(1)", t("tui.pick_next"), show=False, priority=True),
                Binding("pageup", "move(-10)", t("tui.palette_page_up"), show=False, priority=True),
                Binding("pagedown", "move(10)", t("tui.palette_page_down"), show=False, priority=True)]

    def __init__(self, title: str, options: list[tuple[str, str]], *, compact: bool = False,
                 note: str = "") -> None:
        super().__init__(classes="-compact" if compact else None)
        self.title_text = title
        self.options = options
        self.note = note
        self.shown: list[str] = [oid for oid, _ in options]

    def compose(self) -> ComposeResult:
        """The title, the find field, the list of labels and the count (or the note)."""
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Input(placeholder=t("common.find_placeholder"), id="pick-find")
            yield OptionList(*[Option(Text(label), id=oid) for oid, label in self.options], id="pick-list")
            yield Message(Text(""), id="pick-count", classes="hint")

    def on_mount(self) -> None:
        """Highlight the first option and focus the find field."""
        ol = self.query_one(OptionList)
        ol.can_focus = False
        ol.highlighted = 0
        self.query_one("#pick-find", Input).focus()
        self._count()

    def reshow_shape(self) -> bool:
        """Compact or not (its class)."""
        return self.has_class("-compact")

    def reshow(self, fresh: Pick) -> None:
        """Offer ``fresh``'s options under its title, the find field empty, the first one highlighted
        (``widgets.reshown``)."""
        self.title_text, self.options, self.note = fresh.title_text, fresh.options, fresh.note
        self.shown = [oid for oid, _ in self.options]
        self.query_one(".title", Static).update(Text(self.title_text))
        find = self.query_one("#pick-find", Input)
        with find.prevent(Input.Changed):
            find.value = ""
        ol = self.query_one(OptionList)
        ol.clear_options()
        ol.add_options([Option(Text(label), id=oid) for oid, label in self.options])
        ol.highlighted = 0 if self.options else None
        self._count()
        self.set_focus(find)

    def _count(self) -> None:
        text = t("common.find_count", n=len(self.shown), total=len(self.options))
        self.query_one("#pick-count", Message).update(Unbroken("\n".join(x for x in (text, self.note) if x)))

    @on(Input.Changed, "#pick-find")
    def _filter(self, event: Input.Changed) -> None:
        wanted = event.value.strip().casefold()
        ol = self.query_one(OptionList)
        ol.clear_options()
        hits = [(oid, label) for oid, label in self.options
                if not wanted or wanted in oid.casefold() or wanted in label.casefold()]
        self.shown = [oid for oid, _ in hits]
        ol.add_options([Option(Text(label), id=oid) for oid, label in hits])
        ol.highlighted = 0 if hits else None
        self._count()

    def action_move(self, step: int) -> None:
        """Up/Down (±1), PageUp/PageDown (±10): move the highlight, staying in the list."""
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min(ol.option_count - 1, (ol.highlighted or 0) + step))

    @on(Input.Submitted, "#pick-find")
    def _enter(self) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is not None and ol.option_count:
            self.dismiss(ol.get_option_at_index(ol.highlighted).id)

    @on(OptionList.OptionSelected, "#pick-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Escape: answer None."""
        self.dismiss(None)


class TextPrompt(Steady, ModalScreen["str | None"]):
    """One line of text under a title (``#text-prompt``); Enter answers the text, Escape None."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "cancel", t("common.back"))]

    def __init__(self, title: str, value: str = "") -> None:
        """``value``: the text the input starts with (a default the user may keep with Enter)."""
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        """The title and the input."""
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Input(self.value, id="text-prompt")

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#text-prompt")
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Escape: answer None."""
        self.dismiss(None)


class Notice(Reshown, Steady, ModalScreen[bool]):
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
            yield Message(Unbroken(self.message), id="notice-text")
            yield Button(t("common.ok"), id="notice-ok", variant="primary")

    def on_mount(self) -> None:
        """Focus 确定."""
        self.query_one(Button).focus()

    def reshow(self, fresh: Notice) -> None:
        """Say ``fresh``'s message, 确定 focused (``widgets.reshown``)."""
        self.message = fresh.message
        self.query_one("#notice-text", Message).update(Unbroken(self.message))
        self.set_focus(self.query_one(Button))

    @on(Button.Pressed, "#notice-ok")
    def action_ok(self) -> None:
        """Close the notice."""
        self.dismiss(True)
