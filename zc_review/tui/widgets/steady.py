"""One layout pass per screen shown, not one per screen on the stack (issue 9: "screens that cost what they show").

Textual (8.2) sends a screen a ``Resize`` event the first time its layout places it, and its handler lays the
screen out again and, with it, every screen beneath: pushing one ``Confirm`` over the scoring screen cost three
layout passes (the dialog's own, the same one again on its ``Resize``, and the scoring screen's underneath, whose
size had not changed). In the demo that was 850 of 3,024 layout passes, a quarter of the screens' layout time.

``Steady`` is mixed into every screen of the application (``RoomScreen``, ``RoomModal``, the dialogs, the
office's screens; ``tests/tui/test_layout_passes.py`` checks that none is left out). A screen then lays itself
out again on a resize only when the size differs from the one it was laid out at: a real change of the terminal's
size still re-lays out the top screen and those beneath it, as before; a screen's own widgets still ask for a
layout as they change (``refresh(layout=True)``), which Textual does on the next frame.
"""

from __future__ import annotations

from typing import cast

from textual import events
from textual.geometry import Size
from textual.screen import Screen


class Steady:
    """Mixin for a ``Screen`` (put it before the Screen class): skip the layout pass of a resize that changes
    nothing, and the restyle of a screen shown again under the styles it was last given.

    ``_screen_resized`` is Textual's hook for "the application's size is now ``size``". ``_on_screen_resume``
    restyles every widget of a screen each time it is pushed (its ``ScreenResume``): a dialog kept and shown
    again (``widgets.reshown``), the kept dossier screen. Textual counts its style sheet's changes (a theme
    chosen: ``App._css_update_count``, which its own screen modes compare with ``Screen._css_update_count``);
    a screen pushed again while the count is the one it was restyled at keeps its styles; after a change it
    is restyled as before. A widget's own changes of class or state are styled as they happen, on any
    screen (Textual's ``update_styles``), not by the resume.
    """

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual calls each class's handler along the MRO: this one runs before Screen's, which reads the flag
        screen = cast(Screen[object], self)
        if event.refresh_styles and screen.is_attached:
            if screen._css_update_count == screen.app._css_update_count:
                event.refresh_styles = False  # restyled at this style sheet already
            else:
                screen._css_update_count = screen.app._css_update_count

    def _screen_resized(self, size: Size) -> None:
        screen = cast(Screen[object], self)
        if size != screen._size:  # the size the screen was last laid out at (Textual's own test on resume)
            super()._screen_resized(size)  # type: ignore[misc]
