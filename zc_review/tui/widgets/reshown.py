"""Dialogs built once and shown again (issue 9: "screens built once and reused across hand-overs").

Pushing a new dialog makes Textual compose it, mount and style each of its widgets and lay it out; showing one
it already holds costs only the layout and the drawing. Measured here with a bare Textual app at 120×40 (a
one-``Input`` dialog over a 40-row table): 50 ms to push a new one, 32 ms to push a kept one, and its close
8 ms cheaper (docs/DESIGN.md "Dialogs shown again"). A ballot shows four dialogs, a signature two, a sheet
handed in one.

``Reshown`` is mixed into a dialog whose application may keep it: ``reshow_shape()`` names what its composed
widgets depend on (a dialog with a list of people has other widgets than one for a single person), and
``reshow(fresh)`` takes over the question of ``fresh``, a new instance of the same shape that was never
mounted, and draws it, so that nothing of the last question stays: its text, a typed secret, an error line,
the highlighted row, the focus. The application's ``push_screen`` passes every screen through
``KeptDialogs.take``, so no caller changes: ``push_screen(Confirm(...), answer)`` still builds the question,
and the kept dialog shows it.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.screen import Screen


class Reshown:
    """Mixin for a dialog that the application keeps after its first use and shows again for the next question
    of the same shape (module docstring). A subclass overrides ``reshow`` and, when its widgets depend on
    its question, ``reshow_shape``."""

    def reshow_shape(self) -> Hashable:
        """What the composed widgets depend on; dialogs of one class and one shape share one kept screen."""
        return ()

    def reshow(self, fresh: Any) -> None:
        """Take over ``fresh``'s question (same class and shape, never mounted) and draw it."""
        raise NotImplementedError  # each dialog says how it takes over a question


class KeptDialogs:
    """The application's kept dialogs, one per class and shape."""

    def __init__(self) -> None:
        self._kept: dict[tuple[type, Hashable], Screen[Any]] = {}

    def take(self, app: Any, screen: Screen[Any]) -> Screen[Any]:
        """The screen to push for ``screen``: the kept dialog of its class and shape showing its question, or
        ``screen`` itself, kept (installed) for next time. A dialog is never shown twice at once: while the
        kept one is on the stack (a question asked over the same kind of question), ``screen`` is pushed as it
        is and removed when it closes, as any screen."""
        if not isinstance(screen, Reshown):
            return screen
        key = (type(screen), screen.reshow_shape())
        kept = self._kept.get(key)
        if kept is not None and kept in app.screen_stack:
            return screen
        if kept is not None and kept.is_mounted:
            kept.reshow(screen)  # type: ignore[attr-defined]
            return kept
        app.install_screen(screen, f"kept-{type(screen).__name__}-{id(screen)}")
        self._kept[key] = screen
        return screen

    def kept(self) -> list[Screen[Any]]:
        """The dialogs kept now (tests)."""
        return list(self._kept.values())
