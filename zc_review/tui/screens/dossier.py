"""A reviewer's view of one dossier, by code only; all dossier text is inert data (never markup).

``inert_text`` is the one way dossier text becomes something drawable: markup such as ``[red]x[/]``
stays literal (``rich.text.Text`` never parses it) and control characters such as ESC are shown as
visible ``\\x1b`` escapes, so nothing an applicant typed can colour, move or click the screen.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import join_list, label_of, t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.widgets.dialogs import Message as MessageText
from zc_review.tui.widgets.dialogs import Unbroken
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual.app import App

    from zc_review.service.room import Actor, DossierView

MATCH_STYLE = "bold black on yellow"


def _visible(ch: str) -> str:
    if ch in "\n\t":
        return ch
    cat = unicodedata.category(ch)
    if cat == "Cc" or (cat == "Cf" and ch not in "\u200d"):  # controls; bidi overrides and other format chars
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def inert(raw: str) -> str:
    """``raw`` with every control or format character replaced by a visible escape."""
    return "".join(_visible(ch) for ch in raw)


def inert_text(raw: str, query: str = "", style: str = "") -> Text:
    """Dossier text as a ``Text`` (no markup parsing), control characters made visible, ``query`` highlighted."""
    text = Text(inert(raw), style=style)
    if query:
        text.highlight_regex(re.compile(re.escape(query), re.IGNORECASE), MATCH_STYLE)
    return text


def dossier_sections(view: DossierView) -> list[tuple[str, str]]:
    """The dossier as (section title, plain text) in reading order."""
    d = view.dossier
    basics = "\n".join([
        t("scoring.dossier_field", label=t("scoring.dossier_education"), value=d.education),
        t("scoring.dossier_field", label=t("scoring.dossier_years"), value=d.years_in_field),
        t("scoring.dossier_field", label=t("scoring.dossier_current_title"), value=d.current_title),
        t("scoring.dossier_field", label=t("scoring.dossier_target_title"), value=d.target_title),
        t("scoring.dossier_field", label=t("scoring.dossier_continuing"), value=d.continuing_education),
    ])
    sections = [(t("scoring.dossier_basics"), basics)]
    for key, items in (("scoring.dossier_achievements", d.achievements), ("scoring.dossier_papers", d.papers),
                       ("scoring.dossier_annual", d.annual_reviews)):
        sections.append((t(key), "\n".join(f"• {x}" for x in items) or t("scoring.dossier_none")))
    sections.append((t("common.work_summary"), d.work_summary or t("scoring.dossier_none")))
    return sections


class DossierScreen(RoomScreen[None]):
    """Structured fields, work summary, attachments (text extracted on request), flags; a search box.

    Keys: ctrl+f searches (matches highlighted, counted), Enter on an attachment extracts its text in a
    worker (which posts ``AttachmentLoaded``), Escape goes back and forgets the reviewer.

    The scoring screen keeps one (installed) and shows the next dossier in it with ``show`` rather than
    building a screen for each applicant a reviewer opens (docs/DESIGN.md "Screen costs (issue 9)").
    """

    CSS_PATH = "scoring.tcss"
    BINDINGS = [Binding("escape", "back", t("common.back")), Binding("ctrl+f", "search", t("scoring.dossier_search"))]

    class AttachmentLoaded(Message):
        """An attachment's extracted text (or the refusal's message) is ready."""

        def __init__(self, attachment_id: str, body: str, applicant_id: str = "") -> None:
            super().__init__()
            self.attachment_id, self.body, self.applicant_id = attachment_id, body, applicant_id

    def __init__(self, actor: Actor, view: DossierView) -> None:
        super().__init__()
        self.actor: Actor | None = actor
        self.view = view
        self.sections = dossier_sections(view)
        self.attachment_texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        """Heading (code, panel, group, flags), search box, the sections, the attachments."""
        yield Header()
        yield Static(self._heading(), id="dossier-title", classes="title")
        yield Input(placeholder=t("scoring.dossier_search_placeholder"), id="dossier-search")
        yield Static(Text(""), id="dossier-hits", classes="hint")
        with VerticalScroll(id="dossier-body"):
            # One Static for all sections: a dossier view is opened for every applicant a reviewer
            # scores, and few widgets keep it quick to open and close.
            # Messages: Rich broke "• 《论文题目》…" after the bullet, leaving it alone on its line (hand run)
            yield MessageText(Text(""), id="dossier-text", classes="section")
            yield Static(t("scoring.dossier_attachments"), classes="section-title")
            yield OptionList(*self._options(), id="dossier-attachments")
            yield MessageText(Text(""), id="dossier-att-text", classes="section")
        yield KeyFooter()

    def _heading(self) -> Text:
        v = self.view
        flags = join_list(label_of("flag", f.value) for f in v.flags) or t("common.none")
        return inert_text(t("scoring.dossier_heading", code=v.code, panel=v.panel_name, group=v.group_name,
                            flags=flags))

    def _options(self) -> list[Option]:
        return [Option(inert_text(t("scoring.dossier_attachment", title=a.title or a.filename, filename=a.filename)),
                       id=a.id) for a in self.view.dossier.attachments]

    def on_mount(self) -> None:
        """Draw the sections and focus the body (it scrolls)."""
        self._render_all("")
        self.query_one("#dossier-body").focus()

    @classmethod
    def push_kept(cls, app: App[object], kept: DossierScreen | None, actor: Actor, view: DossierView,
                  ) -> DossierScreen:
        """Push ``kept`` showing ``view`` (``show``), or a new screen, installed so that it outlives its
        dismissal; returns the screen to keep."""
        if kept is None:
            kept = cls(actor, view)
            app.install_screen(kept, f"dossier-{id(kept)}")
        else:
            kept.show(actor, view)
        app.push_screen(kept)
        return kept

    @staticmethod
    def drop_kept(app: App[object], kept: DossierScreen | None) -> None:
        """Uninstall and remove a kept screen (one still on the stack as the app ends is the app's to remove)."""
        if kept is not None and kept not in app.screen_stack:
            app.uninstall_screen(kept)
            kept.remove()

    def show(self, actor: Actor, view: DossierView) -> None:
        """Show ``view`` for ``actor`` in this (already mounted) screen, as a new screen would: the heading,
        the sections, the attachments (none extracted), an empty search, the body scrolled to the top and
        focused. An extraction still running for the previous dossier is ignored when it ends."""
        self.actor, self.view = actor, view
        self.sections = dossier_sections(view)
        self.attachment_texts = {}
        self.query_one("#dossier-title", Static).update(self._heading())
        search = self.query_one("#dossier-search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self.query_one("#dossier-hits", Static).update(Text(""))
        attachments = self.query_one("#dossier-attachments", OptionList)
        attachments.clear_options()
        attachments.add_options(self._options())
        self._render_all("")
        body = self.query_one("#dossier-body", VerticalScroll)
        body.scroll_home(animate=False)
        body.focus()

    def _render_all(self, query: str) -> int:
        """Redraw the sections (and loaded attachments) with ``query`` highlighted; returns the match count."""
        needle = inert(query)
        body, att = Text(), Text()
        for title, raw in self.sections:
            body.append(inert(title) + "\n", style="bold")
            body.append_text(inert_text(raw, needle))
            body.append("\n\n")
        for aid, raw in self.attachment_texts.items():
            att.append(inert(self._att_title(aid)) + "\n", style="bold")
            att.append_text(inert_text(raw, needle))
            att.append("\n\n")
        self.query_one("#dossier-text", MessageText).update(Unbroken(body))
        self.query_one("#dossier-att-text", MessageText).update(Unbroken(att))
        if not needle:
            return 0
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        return sum(len(pattern.findall(inert(raw))) for raw in
                   [*(r for _, r in self.sections), *self.attachment_texts.values()])

    @on(Input.Changed, "#dossier-search")
    def _search(self, event: Input.Changed) -> None:
        query = event.value.strip()
        hits = self._render_all(query)
        self.query_one("#dossier-hits", Static).update(Text(t("scoring.dossier_hits", n=hits) if query else ""))

    @on(OptionList.OptionSelected, "#dossier-attachments")
    def _attachment(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and self.actor is not None:
            self.query_one("#dossier-hits", Static).update(Text(t("scoring.dossier_loading")))
            self._load(self.actor, event.option.id)

    @work(thread=True, group="attachment")
    def _load(self, actor: Actor, attachment_id: str) -> None:
        try:
            body = self.room.scoring.attachment_text(actor, self.view.applicant_id, attachment_id)
        except ServiceError as exc:
            body = exc.message
        self.post_message(self.AttachmentLoaded(attachment_id, body, self.view.applicant_id))

    @on(AttachmentLoaded)
    def _loaded(self, event: AttachmentLoaded) -> None:
        if event.applicant_id and event.applicant_id != self.view.applicant_id:
            return  # extracted for the dossier shown before (``show``)
        self.attachment_texts[event.attachment_id] = event.body or t("scoring.dossier_none")
        self.query_one("#dossier-hits", Static).update("")
        self._render_all(self.query_one("#dossier-search", Input).value.strip())

    def _att_title(self, attachment_id: str) -> str:
        a = next(x for x in self.view.dossier.attachments if x.id == attachment_id)
        return a.title or a.filename

    def action_search(self) -> None:
        """ctrl+f: focus the search box."""
        self.query_one("#dossier-search", Input).focus()

    def action_back(self) -> None:
        """Escape: forget the reviewer, close."""
        self.actor = None
        self.dismiss()
