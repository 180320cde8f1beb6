"""The scoring grid's table: a line-API widget (Textual ``ScrollView.render_line``) that repaints what changed.

``DataTable.update_cell`` bumps one counter that is part of every cache key of the table (cells, rows, lines),
so each keystroke re-rendered every visible cell and repainted the whole table (issue 9: three times per
keystroke, a median of 28.5 ms and a worst of 2.1 s at 150 applicants × 12 criteria). Here each row is rendered
once into a ``Strip`` and kept; changing a cell drops that row's strip and repaints that one line, and moving the
cursor repaints the two rows it leaves and enters. A frame crops the kept strips to the visible columns (the
code column stays fixed when the grid scrolls sideways, and so do the trailing columns — the scoring grid's
totals and status — so a row's total and status are in view at 80 columns).

The table part of the ``DataTable`` interface that the scoring screen, its tests and the autopilot use is kept
(``add_column``, ``add_row``, ``update_cell``, ``get_cell``, ``get_row_at``, ``rows``, ``row_count``,
``get_row_index``, ``get_column_index``, ``cursor_coordinate``, ``cursor_row``, ``cursor_column``, ``clear``),
and a ``CellHighlighted`` message is posted when the cursor moves to another cell (``on_cursor`` is called
before it, synchronously, for what must show in the same frame). Source: issue 9 ("a scoring
grid that repaints the changed cell and the totals only").

``VoteTable`` is the ballot's table on the same grid, with a row cursor (``row_cursor``): a mark draws its row and
the next again, where a ``DataTable`` drew every cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

PAD = 1  # blank cells on each side of a cell, as DataTable's cell_padding


@dataclass
class Column:
    """One column: its key, its header label and its width in cells (without the padding)."""

    key: str
    label: Text
    width: int
    auto: bool  # no width given: as wide as the label and the widest value added


class GridTable(ScrollView, can_focus=True):
    """A table of rich ``Text`` cells with a cell cursor, a header row, fixed leading columns
    (``fixed_columns``) and fixed trailing columns (``trailing_columns``, drawn at the right edge while the
    columns between scroll sideways).

    Navigation: Up/Down/Left/Right, PageUp/PageDown, Home/End (first/last column), Ctrl+Home/Ctrl+End (first/
    last row), and a mouse click on a cell. Subclasses handle other keys in ``on_key`` before calling
    ``navigate``. Rows and columns are addressed by their keys (str).
    """

    COMPONENT_CLASSES = {"grid--header", "grid--cursor", "grid--even-row", "grid--odd-row", "grid--fixed"}
    DEFAULT_CSS = """
    GridTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .grid--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .grid--header { background-tint: $foreground 5%; }
        }
        &:dark { & > .grid--even-row { background: $surface-darken-1 40%; } }
        & > .grid--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .grid--header { background: ansi_bright_blue; color: ansi_default; }
        & > .grid--fixed { background: $secondary-muted; color: $foreground; }
        & > .grid--odd-row { }
        & > .grid--even-row { background: $surface-lighten-1 50%; }
        & > .grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cursor_coordinate: var[Coordinate] = var(Coordinate(0, 0), init=False)

    class CellHighlighted(Message):
        """The cursor moved to the cell (``row_key``, ``column_key``) at ``coordinate``."""

        def __init__(self, grid: GridTable, row_key: str, column_key: str, coordinate: Coordinate) -> None:
            super().__init__()
            self.grid = grid
            self.row_key = row_key
            self.column_key = column_key
            self.coordinate = coordinate

        @property
        def control(self) -> GridTable:
            """The grid the cursor moved in."""
            return self.grid

    def __init__(self, *, fixed_columns: int = 0, trailing_columns: int = 0, zebra_stripes: bool = True,
                 row_cursor: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        """``row_cursor``: the cursor highlights its whole row (DataTable's ``cursor_type="row"``)."""
        super().__init__(name=name, id=id, classes=classes)
        self.row_cursor = row_cursor
        self.fixed_columns = fixed_columns
        self.trailing_columns = trailing_columns
        self.zebra_stripes = zebra_stripes
        self.columns: list[Column] = []
        self._column_index: dict[str, int] = {}
        self.rows: dict[str, list[Text]] = {}  # row key → its cells, in column order
        self._row_keys: list[str] = []
        self._row_index: dict[str, int] = {}
        self._strips: dict[int, Strip] = {}  # row index → the whole row rendered (kept until it changes)
        self._header: Strip | None = None
        # line index (-1: the header) → the line as drawn (cropped to the visible columns), for ``_lines_for``
        # (width, scroll x, fixed and trailing columns): scrolling up or down by a row redraws every visible line, from here
        self._lines: dict[int, Strip] = {}
        self._lines_for: tuple[int, int, int, int] | None = None
        # Called synchronously when the cursor moves to another cell, before ``CellHighlighted`` is posted: what
        # the screen shows for the new cell is then ready for the same frame as the cursor. The message reaches
        # the screen only after that frame was painted, so reacting to it cost a second frame, and up to
        # 17 ms of waiting for Textual's next frame tick, per cursor move (issue 9: the grid's worst keystroke).
        self.on_cursor: Callable[[str, str, Coordinate], None] = lambda row_key, column_key, at: None

    # -- the table ------------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        """How many rows."""
        return len(self._row_keys)

    @property
    def cursor_row(self) -> int:
        """The cursor's row index."""
        return self.cursor_coordinate.row

    @property
    def cursor_column(self) -> int:
        """The cursor's column index."""
        return self.cursor_coordinate.column

    def add_column(self, label: str | Text, *, key: str, width: int | None = None) -> None:
        """Add a column ``key`` headed ``label``; without ``width`` it is as wide as its label and values."""
        text = label if isinstance(label, Text) else Text(label)
        self._column_index[key] = len(self.columns)
        self.columns.append(Column(key, text, cell_len(text.plain) if width is None else width, width is None))
        for k in self._row_keys:
            self.rows[k].append(Text(""))
        self._changed_shape()

    def add_row(self, *cells: Text, key: str) -> None:
        """Add a row ``key`` with one cell per column."""
        assert len(cells) == len(self.columns), "one cell per column"
        self._row_index[key] = len(self._row_keys)
        self._row_keys.append(key)
        self.rows[key] = list(cells)
        for col, cell in zip(self.columns, cells, strict=True):
            if col.auto and cell.cell_len > col.width:
                col.width = cell.cell_len
                self._forget_strips()
        self._changed_shape()

    def clear(self, columns: bool = False) -> None:
        """Remove every row (and every column with ``columns``); the cursor goes home."""
        self.rows, self._row_keys, self._row_index = {}, [], {}
        if columns:
            self.columns, self._column_index = [], {}
        self.set_reactive(GridTable.cursor_coordinate, Coordinate(0, 0))
        self._changed_shape()

    def get_row_index(self, row_key: str) -> int:
        """The index of row ``row_key``. Raises KeyError for an unknown key."""
        return self._row_index[row_key]

    def get_column_index(self, column_key: str) -> int:
        """The index of column ``column_key``. Raises KeyError for an unknown key."""
        return self._column_index[column_key]

    def get_row_at(self, index: int) -> list[Text]:
        """The cells of the row at ``index``."""
        return list(self.rows[self._row_keys[index]])

    def get_cell(self, row_key: str, column_key: str) -> Text:
        """The cell at (``row_key``, ``column_key``)."""
        return self.rows[row_key][self._column_index[column_key]]

    def key_at(self, coordinate: Coordinate) -> tuple[str, str]:
        """(row key, column key) of the cell at ``coordinate``."""
        return self._row_keys[coordinate.row], self.columns[coordinate.column].key

    def update_cell(self, row_key: str, column_key: str, value: Text) -> None:
        """Show ``value`` in the cell; only that row's line is rendered again and repainted."""
        self.rows[row_key][self._column_index[column_key]] = value
        self._repaint_row(self._row_index[row_key])

    # -- drawing ----------------------------------------------------------------------------------------
    def _forget_strips(self) -> None:
        """Render every row, the header and every line again (new widths, columns or styles)."""
        self._strips.clear()
        self._lines.clear()
        self._header = None

    def _changed_shape(self) -> None:
        self._forget_strips()
        width = sum(c.width + 2 * PAD for c in self.columns)
        self.virtual_size = Size(width, self.row_count + 1)
        self.refresh()

    def _repaint_row(self, index: int) -> None:
        self._strips.pop(index, None)
        self._lines.pop(index, None)
        self.refresh_line(index + 1)  # line 0 is the header

    def notify_style_update(self) -> None:
        """A theme or focus change: render every row again."""
        self._forget_strips()
        super().notify_style_update()

    def _on_focus(self, event: events.Focus) -> None:
        self._repaint_row(self.cursor_row)

    def _on_blur(self, event: events.Blur) -> None:
        self._repaint_row(self.cursor_row)

    def _fixed_width(self) -> int:
        return sum(c.width + 2 * PAD for c in self.columns[:self.fixed_columns])

    def _trailing_width(self) -> int:
        """The cells of the trailing columns (0 without them, or when they are all the columns)."""
        n = self.trailing_columns
        if n <= 0 or n + self.fixed_columns >= len(self.columns):
            return 0
        return sum(c.width + 2 * PAD for c in self.columns[-n:])

    def _column_edges(self) -> list[int]:
        """Where each column ends, in cells from the left of the whole row."""
        edges, x = [], 0
        for c in self.columns:
            x += c.width + 2 * PAD
            edges.append(x)
        return edges

    def _is_trailing(self, column: int) -> bool:
        return self._trailing_width() > 0 and column >= len(self.columns) - self.trailing_columns

    def _render_cells(self, cells: list[Text], base: Style, cursor_at: int | None, fixed: Style | None) -> Strip:
        line = Text(no_wrap=True, end="")
        cursor = self.get_component_rich_style("grid--cursor") if cursor_at is not None else None
        for i, (col, cell) in enumerate(zip(self.columns, cells, strict=True)):
            piece = cell.copy()
            piece.no_wrap, piece.end = True, ""
            piece.truncate(col.width, overflow="crop")
            piece.align(cell.justify if cell.justify in ("right", "center") else "left", col.width)  # as DataTable
            piece.pad(PAD)
            if fixed is not None and i < self.fixed_columns:
                piece.stylize_before(fixed)
            if cursor is not None and (i == cursor_at or self.row_cursor):
                piece.stylize(cursor)
            line.append_text(piece)
        segments = [Segment(s.text, base + s.style if s.style else base) for s in line.render(self.app.console)]
        return Strip(segments, line.cell_len)

    def _row_strip(self, index: int) -> Strip:
        strip = self._strips.get(index)
        if strip is None:
            base = self.rich_style
            if self.zebra_stripes:  # as DataTable: the first row is an even one
                base += self.get_component_rich_style("grid--odd-row" if index % 2 else "grid--even-row")
            cursor_at = self.cursor_column if index == self.cursor_row else None
            fixed = self.get_component_rich_style("grid--fixed") if self.fixed_columns else None
            strip = self._render_cells(self.rows[self._row_keys[index]], base, cursor_at, fixed)
            self._strips[index] = strip
        return strip

    def _header_strip(self) -> Strip:
        if self._header is None:
            base = self.rich_style + self.get_component_rich_style("grid--header")
            self._header = self._render_cells([c.label for c in self.columns], base, None, None)
        return self._header

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header (y = 0), else a row, cropped to the visible columns (kept until
        the row, the width or the sideways scroll changes)."""
        width = self.scrollable_content_region.width  # without the vertical scrollbar, which would hide the status
        scroll_x, scroll_y = self.scroll_offset
        drawn_for = (width, scroll_x, self.fixed_columns, self.trailing_columns)
        if self._lines_for != drawn_for:
            self._lines.clear()
            self._lines_for = drawn_for
        index = -1 if y == 0 else y - 1 + scroll_y
        line = self._lines.get(index)
        if line is None:
            if y != 0 and not 0 <= index < self.row_count:
                return Strip.blank(width, self.rich_style)
            line = self._lines[index] = self._crop_line(index, width, scroll_x)
        return line

    def _crop_line(self, index: int, width: int, scroll_x: int) -> Strip:
        """Row ``index`` (-1: the header) as drawn ``width`` cells wide, scrolled ``scroll_x`` cells sideways: the
        fixed leading columns, the whole columns that fit between, the trailing columns at the right edge."""
        fill = self.rich_style
        if index < 0:
            strip = self._header_strip()
            fill = self.rich_style + self.get_component_rich_style("grid--header")  # the header spans the width
        else:
            strip = self._row_strip(index)
            if self.row_cursor:  # a row-cursor table's rows (zebra, cursor) span the width, as DataTable's
                fill = self.rich_style
                if self.zebra_stripes:
                    fill += self.get_component_rich_style("grid--odd-row" if index % 2 else "grid--even-row")
                if index == self.cursor_row:
                    fill += self.get_component_rich_style("grid--cursor")
        fixed = min(self._fixed_width(), width)
        trail = min(self._trailing_width(), width - fixed)
        total = strip.cell_length
        middle = width - fixed - trail
        pieces = [strip.crop(0, fixed)] if fixed else []
        end = min(fixed + scroll_x + middle, total - trail)
        squeezed = bool(trail) and total > width
        if squeezed:  # only whole columns between: a cut "M5/1" would read as another maximum
            edges = [e for e in self._column_edges() if fixed + scroll_x < e <= end]
            end = edges[-1] if edges else end
        pieces.append(strip.crop(fixed + scroll_x, end).extend_cell_length(middle if squeezed else 0, fill))
        if trail:
            pieces.append(strip.crop(total - trail, total))
        strip = Strip.join(pieces) if len(pieces) > 1 else pieces[0]
        return strip.extend_cell_length(width, fill)

    # -- the cursor -------------------------------------------------------------------------------------
    def _validate_cursor(self, coordinate: Coordinate) -> Coordinate:
        row = max(0, min(coordinate.row, self.row_count - 1))
        column = max(0, min(coordinate.column, len(self.columns) - 1))
        return Coordinate(row, column)

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        """The cursor stays on a cell."""
        return self._validate_cursor(Coordinate(*value))

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        """Repaint the rows the cursor left and entered, keep it in view, say where it is."""
        self._repaint_row(old.row)
        if new.row != old.row:
            self._repaint_row(new.row)
        if not self.row_count or not self.columns:
            return
        self._scroll_into_view(new)
        row_key, column_key = self.key_at(new)
        self.on_cursor(row_key, column_key, new)
        self.post_message(self.CellHighlighted(self, row_key, column_key, new))

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        """Put the cursor on (``row``, ``column``) (DataTable's interface; an omitted one stays), clamped to a cell."""
        at = self.cursor_coordinate
        self.cursor_coordinate = Coordinate(at.row if row is None else row, at.column if column is None else column)

    def _scroll_into_view(self, at: Coordinate) -> None:
        if self._is_trailing(at.column):  # always in view: only the row is brought into view
            x, w = self.scroll_offset.x + self._fixed_width(), 1
        else:
            x = sum(c.width + 2 * PAD for c in self.columns[:at.column])
            w = self.columns[at.column].width + 2 * PAD
        region = Region(x, at.row + 1, w, 1)
        fixed = self._fixed_width() if at.column >= self.fixed_columns else 0
        self.scroll_to_region(region, animate=False, spacing=Spacing(1, self._trailing_width(), 0, fixed),
                              force=True, immediate=True)

    def navigate(self, key: str) -> bool:
        """Move the cursor for a navigation key; False for any other key."""
        row, col = self.cursor_coordinate
        page = max(1, self.scrollable_content_region.height - 1)
        moves = {"up": (row - 1, col), "down": (row + 1, col), "left": (row, col - 1), "right": (row, col + 1),
                 "pageup": (row - page, col), "pagedown": (row + page, col), "home": (row, 0),
                 "end": (row, len(self.columns) - 1), "ctrl+home": (0, col), "ctrl+end": (self.row_count - 1, col)}
        if key not in moves:
            return False
        self.cursor_coordinate = Coordinate(*moves[key])
        return True

    def on_click(self, event: events.Click) -> None:
        """A click on a cell moves the cursor there."""
        if event.y < 1 or not self.columns:
            return
        row = event.y - 1 + self.scroll_offset.y
        fixed, trail = self._fixed_width(), self._trailing_width()
        total = sum(c.width + 2 * PAD for c in self.columns)
        width = self.scrollable_content_region.width
        if event.x < fixed:
            x = event.x
        elif trail and event.x >= min(width, total) - trail:
            x = total - (min(width, total) - event.x)
        else:
            x = event.x + self.scroll_offset.x
        left = 0
        for i, c in enumerate(self.columns):
            left += c.width + 2 * PAD
            if x < left:
                if row < self.row_count:
                    self.cursor_coordinate = Coordinate(row, i)
                    self.focus()
                return


class VoteTable(GridTable):
    """The ballot's table: a row cursor moved by Up/Down, PageUp/PageDown, Home/End (first/last row) and a click;
    a mark redraws only its row (``GridTable``). ``get_cell_at`` as DataTable's, for the tests."""

    _ROW_KEYS = {"up": "up", "down": "down", "pageup": "pageup", "pagedown": "pagedown", "home": "ctrl+home",
                 "end": "ctrl+end", "ctrl+home": "ctrl+home", "ctrl+end": "ctrl+end"}

    def on_key(self, event: events.Key) -> None:
        """Move the row cursor (never sideways); other keys go on to the screen's bindings."""
        move = self._ROW_KEYS.get(event.key)
        if move is not None and self.row_count and self.navigate(move):
            event.stop()
            event.prevent_default()

    def get_cell_at(self, coordinate: tuple[int, int]) -> Text:
        """The cell at (row, column)."""
        row, column = coordinate
        return self.get_row_at(row)[column]
