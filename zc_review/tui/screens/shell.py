"""Two read-only dialogs the command palette opens: the package fingerprint (issue 13 item 9) and who is still
due (issue 13 item 7). Both read one view of ``room.views`` and close with Escape or Enter."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from zc_review.i18n import join_list, t
from zc_review.tui.base import RoomModal
from zc_review.tui.widgets.footer import KeyFooter

CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{ width: 100; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                   background: $panel; padding: 0 1; }}
{cls} .title {{ padding: 0; }}
{cls} .shell-head {{ text-style: bold; margin-top: 1; }}
{cls} .shell-value {{ text-style: bold; color: $accent; }}
"""


class FingerprintScreen(RoomModal[None]):
    """The office root fingerprint (``#fp-root``, 16 groups of 4 hex, as the credential letters print it), the
    package id (``#fp-package``) and the package file's SHA-256 (``#fp-sha``). Escape or Enter closes."""

    DEFAULT_CSS = CSS.format(cls="FingerprintScreen")
    BINDINGS = [Binding("escape,enter", "close", t("common.back"))]

    def compose(self) -> ComposeResult:
        """Title, the three values with their headings, the advice when they differ, the footer."""
        p = self.room.views.shell.package()
        with Vertical():
            yield Static(Text(t("tui.fp_title")), classes="title")
            yield Static(Text(t("tui.fp_root")), classes="shell-head")
            yield Static(Text(p.office_root_fingerprint), id="fp-root", classes="shell-value")
            yield Static(Text(t("tui.fp_package_id")), classes="shell-head")
            yield Static(Text(p.package_id), id="fp-package", classes="shell-value")
            yield Static(Text(t("tui.fp_sha")), classes="shell-head")
            yield Static(Text(p.package_sha256), id="fp-sha")
            yield Static(Text(t("tui.fp_mismatch")), classes="shell-head")
        yield KeyFooter()

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)


class OutstandingScreen(RoomModal[None]):
    """Who is still due, by name: not yet marked at the roll call, pledges, ballots of the open round (on paper:
    what its count still needs), sign-offs of the results (``#out-body``). Escape or Enter closes."""

    DEFAULT_CSS = CSS.format(cls="OutstandingScreen")
    BINDINGS = [Binding("escape,enter", "close", t("common.back"))]

    def compose(self) -> ComposeResult:
        """Title, the four lists, the footer."""
        o = self.room.views.shell.outstanding()
        none = t("common.none")
        body = Text()
        sections = [(t("tui.out_unmarked", n=len(o.unmarked)), join_list(o.unmarked) or none),
                    (t("tui.out_pledges", n=len(o.pledges)), join_list(o.pledges) or none),
                    (t("tui.out_tally"), o.tally_due) if o.tally_due else
                    (t("tui.out_ballots", n=len(o.ballots)),
                     (join_list(o.ballots) or none) if o.poll_open else t("tui.out_no_poll")),
                    (t("tui.out_sign_offs", n=len(o.sign_offs)),
                     (join_list(o.sign_offs) or none) if o.counted else t("tui.out_not_counted"))]
        for i, (head, names) in enumerate(sections):
            body.append(("\n\n" if i else "") + head + "\n", style="bold")
            body.append(names)
        with Vertical():
            yield Static(Text(t("tui.cmd_outstanding")), classes="title")
            with VerticalScroll():
                yield Static(body, id="out-body")
        yield KeyFooter()

    def action_close(self) -> None:
        """Close."""
        self.dismiss(None)
