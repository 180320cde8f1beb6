"""``KeyFooter``: the full screens' footer, Textual's ``Footer`` that is rebuilt only when what it shows changes.

Textual's ``Footer`` recomposes (removes and mounts again every key label, then styles and lays them out) on
every signal that the screen's bindings may have changed: each focus change, each ``refresh_bindings`` of a
widget whose ``check_action`` may answer differently, each screen resume. In the demo that was about 15
recomposes per action, a quarter of the app's time through the screens, almost all of them showing the same
keys again (docs/DESIGN.md "Screen costs (issue 9)"). ``KeyFooter`` keeps the ``Footer``'s children, look and
behaviour (the same ``FooterKey`` labels in the same order, the command palette's key docked right, a click
on a label presses its key) and compares what it would show — the shown bindings in order, each one's
enabled state and tooltip, and the palette's key — with what it shows, recomposing only when they differ.
Several signals before the next refresh are checked once.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Footer):
    """A ``Footer`` that recomposes only when the set of bindings it shows changes (keys, labels, order,
    enabled state, tooltips, the palette's key). Use it as ``Footer()``; tests query it as a ``Footer``."""

    def __init__(self, *, show_command_palette: bool = True, compact: bool = False) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=compact)
        #: What the last compose showed (None: nothing yet, the bindings were not ready).
        self._shown: Hashable | None = None
        #: A check is waiting for the next refresh (signals until then are folded into it).
        self._check_pending = False

    def shown_bindings(self) -> Hashable:
        """What this footer would show now: ``(((binding, enabled, tooltip), ...), palette, show_palette)``
        with ``palette`` the command palette's ``(binding, enabled, tooltip)`` or None. Bindings are frozen
        dataclasses, so two answers compare equal exactly when the footer would draw the same labels."""
        active = self.screen.active_bindings
        shown = tuple((binding, enabled, tooltip) for (_, binding, enabled, tooltip) in active.values()
                      if binding.show)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            entry = active.get(self.app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                palette = (entry[1], entry[2], entry[3])
        return (shown, palette, self.show_command_palette)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self.shown_bindings()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The screen's bindings may have changed: check once after the next refresh (as ``Footer`` does)."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._check_pending:
            self._check_pending = self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if not self.is_attached or self.shown_bindings() == self._shown:
            return
        await self.recompose()
