"""A ``DataTable`` whose height is ``auto`` (as many lines as its header and rows) and stays right.

Textual (8.2) caches a widget's box by a count of its layout requests, and a ``DataTable`` reckons its own size
(``virtual_size``) only when next idle after rows are added. When the screen is laid out between the rows'
arrival and that reckoning (the rows and another widget's change in one message, as a screen shows what a worker
read), the table is placed 0 lines high; its later request for a layout, made while the first one is still
pending, does not count again, so the stale box is kept and the table stays 0 lines high under its heading. Seen
under load in CI as the office session screen's complaints table missing from a snapshot (3 of 6 openings on a
loaded machine); a reader would have seen "投诉与复查（1 件）" over nothing. ``screens.common.put_rows`` is the
same for a table's column widths.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Size
from textual.widgets import DataTable


class AutoHeightTable(DataTable[Any]):
    """A ``DataTable`` for ``height: auto``: when its reckoned height changes, it asks for one more layout after
    the next refresh, when its earlier request has been passed on, so the new height is used."""

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        """Its size reckoned: lay the screen out again if the number of lines changed."""
        if old.height != new.height:
            self.call_after_refresh(self.refresh, layout=True)
