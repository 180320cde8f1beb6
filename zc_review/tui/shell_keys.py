"""What F1 and leaving do, the same in the room's application (``ZcReviewApp``) and the office's (``OfficeApp``):
``ShellKeys``, mixed into both (it was written twice, issue 9's closing note)."""

from __future__ import annotations

from typing import Any, cast

from textual.app import App

from zc_review.i18n import t
from zc_review.tui.help import help_for, key_lines, title_of
from zc_review.tui.widgets import HelpScreen, QuitConfirm


class ShellKeys:
    """Mixin for an ``App``: ``action_quit`` (Ctrl+Q, Ctrl+C, the palette's 退出) asks first and leaves only on a
    yes; ``action_help`` (F1) shows the current screen's help (a dialog's: of the screen beneath it), and F1 again
    closes it. ``quit_question`` and ``help_always``: the application's own question and line of keys that work
    on every screen (None: the room's, ``tui.quit_question`` and ``tui.help_always``)."""

    quit_question: str | None = None
    help_always: str | None = None

    async def action_quit(self) -> None:
        """Ask (``QuitConfirm``); leave only on a yes. A second Ctrl+Q while it asks does nothing."""
        app = cast(App[Any], self)
        if isinstance(app.screen, QuitConfirm):
            return
        app.push_screen(QuitConfirm(self.quit_question), self._quit_answered)

    def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            cast(App[Any], self).exit()

    def action_help(self) -> None:
        """The help of the current screen (``zc_review.tui.help``); on the help itself, close it."""
        app = cast(App[Any], self)
        if isinstance(app.screen, HelpScreen):
            app.screen.dismiss(None)
            return
        found = help_for(app.screen_stack)
        if found is None:
            return
        screen, entry = found
        app.push_screen(HelpScreen(title_of(entry), t(entry.about), key_lines(app, screen), t(entry.next),
                                   always=self.help_always))
