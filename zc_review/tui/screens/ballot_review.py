"""The two dialogs of a ballot at the shared laptop: the review before the cast and the neutral notice after it.

Both are kept by the application and shown again for the next voter (``widgets.reshown``); the review forgets
its counts as it closes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from zc_review.i18n import t
from zc_review.service.room import Choice
from zc_review.tui.widgets.dialogs import Message, Unbroken, codes_line
from zc_review.tui.widgets.footer import KeyFooter
from zc_review.tui.widgets.reshown import Reshown
from zc_review.tui.widgets.steady import Steady


class BallotReview(Reshown, Steady, ModalScreen[bool]):
    """The review step: counts of the reviewer's own marks, then Enter casts, Esc goes back.

    With applicants unmarked it never offers to cast (issue 13 item 7): the footer has no "核对投出"/cast key,
    the dialog lists the unmarked codes, and Enter, like Esc, goes back to the ballot (which moves to the first
    unmarked row).
    """

    CSS_PATH = "closing.tcss"
    BINDINGS = [Binding("enter,y", "cast", t("ballot.cast"), priority=True),
                Binding("enter", "back_missing", t("ballot.review_back_key"), priority=True),
                Binding("escape,n", "back", t("ballot.back_to_edit"))]

    def __init__(self, counts: dict[Choice, int], unmarked: int | list[str]) -> None:
        super().__init__()
        self._text = t("ballot.review", agree=counts[Choice.AGREE], disagree=counts[Choice.DISAGREE],
                       abstain=counts[Choice.ABSTAIN])
        self._missing = list(unmarked) if isinstance(unmarked, list) else []
        self._unmarked = len(unmarked) if isinstance(unmarked, list) else unmarked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Cast only when every row is marked; Enter goes back (shown as 返回补选) otherwise."""
        if action == "cast":
            return not self._unmarked
        if action == "back_missing":
            return bool(self._unmarked)
        return True

    def compose(self) -> ComposeResult:
        """The counts of the reviewer's own marks, then the keys' hint or, with unmarked rows, what is missing."""
        with Vertical():
            yield Static(Text(self._text), classes="title")
            if self._unmarked:
                yield Message(Unbroken(self._missing_text(), style="bold red"), classes="error", id="review-missing")
            else:
                yield Static(Text(t("ballot.review_keys")), classes="hint")
        yield KeyFooter()

    def reshow_shape(self) -> bool:
        """With unmarked rows (what is missing, no cast key) or without."""
        return bool(self._unmarked)

    def reshow(self, fresh: BallotReview) -> None:
        """Show ``fresh``'s counts (``widgets.reshown``); the kept one is emptied when it closes (``wipe``)."""
        self._text, self._missing, self._unmarked = fresh._text, fresh._missing, fresh._unmarked
        self.query_one(".title", Static).update(Text(self._text))
        if self._unmarked:
            self.query_one("#review-missing", Message).update(Unbroken(self._missing_text(), style="bold red"))
        self.refresh_bindings()

    def _missing_text(self) -> str:
        return (t("ballot.review_missing", count=self._unmarked, codes=codes_line(self._missing))
                if self._missing else t("ballot_incomplete", count=self._unmarked))

    def wipe(self) -> None:
        """Forget the counts shown (a kept review holds nothing of a cast ballot until the next one)."""
        self._text, self._missing = "", []
        self.query_one(".title", Static).update(Text(""))

    def action_cast(self) -> None:
        """Enter or ``y``: cast (answers True), only when every row is marked."""
        if not self._unmarked:
            self.wipe()
            self.dismiss(True)

    def action_back(self) -> None:
        """Escape or ``n``: back to the ballot (answers False)."""
        self.wipe()
        self.dismiss(False)

    def action_back_missing(self) -> None:
        """Enter while rows are unmarked: back to the ballot, to the first unmarked row (answers False)."""
        self.wipe()
        self.dismiss(False)


class VotedNotice(Reshown, Steady, ModalScreen[None]):
    """The neutral screen between two reviewers: nothing of the last ballot, Enter for the next."""

    CSS_PATH = "closing.tcss"
    BINDINGS = [Binding("enter,escape", "done", t("common.ok"))]

    def compose(self) -> ComposeResult:
        """The neutral "已投票" line."""
        with Vertical():
            yield Static(Text(t("ballot.voted_next")), id="voted-text")

    def reshow(self, fresh: VotedNotice) -> None:
        """The same neutral line every time (``widgets.reshown``)."""

    def action_done(self) -> None:
        """Enter or Escape: close, for the next reviewer."""
        self.dismiss(None)
