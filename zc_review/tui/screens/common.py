"""What the room's screens share: choosing a person before their credential (type-to-find, only those still
due), and table columns as wide as their widest cell from the first frame on.

A ``DataTable`` measures its auto-width columns only when it is idle: a frame drawn before that (the scoring
grid, filled the moment the reviewer's credential is accepted) caches every cell at the header's width, so
``GC-2025-001`` showed as ``GC-2`` until a cell was edited (issue 13 item 3). ``add_fitted_column`` gives the
column its width up front, from every value it will hold.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from rich.cells import cell_len
from rich.text import Text
from textual.binding import ActiveBinding
from textual.css.scalar import Unit
from textual.screen import Screen
from textual.widgets import DataTable, Static

from zc_review.tui.widgets import Pick
from zc_review.tui.widgets.dialogs import Unbroken
from zc_review.tui.widgets.steady import Steady

if TYPE_CHECKING:
    from zc_review.service.room import Actor
    from zc_review.tui.base import RoomAccess


class Columns(Protocol):
    """A table that takes columns as ``DataTable.add_column`` does (a DataTable, the scoring grid)."""

    def add_column(self, label: str | Text, *, key: str, width: int | None = None) -> object:
        """Add column ``key`` headed ``label``, ``width`` cells wide (None: as wide as its content)."""


def add_fitted_column(table: Columns, label: str | Text, key: str, values: Iterable[str | Text],
                      *, minimum: int = 0) -> None:
    """Add column ``key`` to ``table`` with a fixed width: the widest line of its label and of ``values`` (every
    value the column will show: codes, names, figures; a label or a value may take two lines) and ``minimum``.
    Never narrower than a code it holds."""
    widths = [minimum, *(cell_len(line) for v in (label, *values) for line in str(v).split("\n"))]
    table.add_column(label, key=key, width=max(widths))


def put_rows(table: DataTable[Any], labels: Sequence[str], rows: Sequence[tuple[Sequence[str | Text], str]]) -> None:
    """Replace ``table``'s columns and rows: ``labels`` the headings, ``rows`` (cells, row key) pairs; every
    column as wide as its widest heading or cell, fixed now (``add_fitted_column``), not when the table is next
    idle: a full run once snapshotted the office's sessions list with every cell cut to its heading's width
    ("2025-11-" for "2025-11-20"). A ``str`` cell is shown as plain text (``Text``): a ``DataTable`` reads a
    ``str`` as Rich markup, so a "[b]" in an office's data would have been taken for bold.
    """
    cells = [[c if isinstance(c, Text) else Text(c) for c in row] for row, _ in rows]
    table.clear(columns=True)
    for i, label in enumerate(labels):
        add_fitted_column(table, label, f"c{i}", [r[i] for r in cells])
    for r, (_, key) in zip(cells, rows, strict=True):
        table.add_row(*r, key=key)


def two_line(label: str) -> str:
    """A column label folded onto two lines at its middle ("综合得分" → "综合⏎得分"), for a table with a
    two-line header (``header_height=2``) that would not fit one line at 80 columns; ≤ 3 characters unchanged
    ("不同意" is not split)."""
    if len(label) <= 3:
        return label
    half = (len(label) + 1) // 2
    return label[:half] + "\n" + label[half:]


def show_text(widget: Static, content: str | Text | Unbroken) -> None:
    """Show ``content`` in ``widget``, laying the screen out again only when it needs another number of lines
    than the widget has now, or never when the widget's height is fixed. ``Static.update`` lays the whole
    screen out by default: one layout pass and one more frame per roll-call mark, per character typed into a
    field with a hint beside it (issue 9)."""
    text = Text(content) if isinstance(content, str) else content
    height = widget.styles.height
    if height is not None and height.unit == Unit.CELLS:
        widget.update(text, layout=False)
        return
    width = widget.content_size.width
    if width <= 0:
        widget.update(text)
        return
    lines = text.lines(width) if isinstance(text, Unbroken) else text.wrap(widget.app.console, width)
    widget.update(text, layout=len(lines) != widget.content_size.height)


def settle_collector() -> None:
    """Before a person's turn at the keyboard (a credential is about to be asked): collect the cyclic garbage
    now and freeze what survives, so that no full collection of Python's garbage collector falls on a keystroke
    of the turn.

    A full (generation 2) collection runs when enough new objects have survived since the last one, wherever
    that happens to be: building the scoring grid of 150 × 12 cells made it come during the first keystrokes,
    a pause of 117–128 ms in one keystroke (``make bench``), and in the demo 70–160 ms pauses fell inside
    sign-offs and the declaration (issue 9). Here it costs what was made since the previous turn (8–25 ms in
    the demo), and a collection during the turn scans only the objects made since.

    Frozen objects that become cyclic garbage later (a dialog, a voter's screen, once removed) are never
    collected while frozen (``gc.freeze``): about 0.3 MB per turn, so a day's room would keep growing. They are
    given back in a quiet moment (``quiet_moment``: nobody has typed for ``QUIET_S`` seconds, the application's
    timer), or at the latest every ``THAW_AT_LATEST``-th turn, before its prompt (``thaw_collector``: the whole
    heap, about 0.2 s late in a day's session).
    """
    global _turns_frozen
    _turns_frozen += 1
    if _turns_frozen >= THAW_AT_LATEST:
        thaw_collector()
        return
    gc.collect()
    gc.freeze()


def thaw_collector() -> None:
    """Unfreeze, collect the whole heap, freeze what survives: the cyclic garbage frozen by ``settle_collector``
    is given back."""
    global _turns_frozen
    _turns_frozen = 0
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def quiet_moment(idle_s: float) -> bool:
    """Called by the application's timer with the seconds since the last key or click: after ``QUIET_S`` of
    quiet, with turns frozen since the last thaw, thaw now (``thaw_collector``) and answer True."""
    if idle_s < QUIET_S or _turns_frozen == 0:
        return False
    thaw_collector()
    return True


#: Seconds without a key or a click after which the frozen garbage is given back (``quiet_moment``).
QUIET_S = 3.0
#: At the latest, the turns (``settle_collector`` calls) between two whole-heap collections.
THAW_AT_LATEST = 128
_turns_frozen = 0


def ask_person(screen: RoomAccess, title: str, people: list[tuple[str, str]],
               callback: Callable[[Actor | None], None], *, note: str = "") -> None:
    """Choose one of ``people`` ((person id, label); only those still due), then ask their credential.

    One person goes straight to the credential; several are offered in a ``Pick`` with type-to-find (typing
    part of an id or a name narrows the list, Enter chooses), then that person's credential is asked.
    ``callback`` receives the authenticated Actor, or None when either step was cancelled. ``note`` is shown
    under the list (e.g. how many are no longer offered). The garbage collector is settled first
    (``settle_collector``). Source: issue 13 item 7.
    """
    settle_collector()
    if len(people) <= 1:  # one person: straight to the credential; nobody: ask_credential says so
        screen.ask_credential(title, people, callback)
        return
    labels = dict(people)

    def chosen(person_id: str | None) -> None:
        if person_id is None:
            callback(None)
            return
        screen.ask_credential(title, [(person_id, labels[person_id])], callback)

    screen_app = screen.app  # type: ignore[attr-defined]
    screen_app.push_screen(Pick(title, people, note=note), chosen)


class StateFooter(Steady, Screen[Any]):
    """A screen whose footer shows only the keys of its state: ``FOOTER_SETS`` maps each state to the actions
    shown, ``footer_state()`` names the state now; the other keys stay bound (F1, the palette list them).
    Call ``refresh_bindings()`` when the state changes. Source: docs/DESIGN.md "Footers at 80×24"."""

    FOOTER_SETS: dict[str, frozenset[str]] = {}

    def footer_state(self) -> str:
        """The state now (a key of ``FOOTER_SETS``)."""
        raise NotImplementedError

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, this screen's keys outside the state's set not shown (still bound)."""
        shown = self.FOOTER_SETS[self.footer_state()]
        out = {}
        for k, ab in super().active_bindings.items():
            if ab.node is self and ab.binding.show and ab.binding.action not in shown:
                ab = ab._replace(binding=dataclasses.replace(ab.binding, show=False))
            out[k] = ab
        return out
