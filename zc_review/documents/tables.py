"""Tabular office documents: the public notice (公示), the roster (花名册) and the filing summary (备案), as
PDF (reportlab, the embedded font) and XLSX (openpyxl).

The texts come from the caller (the service takes them from the catalogue); this module lays them out.
Every string is checked against the embedded font first, so a rare character is refused, never printed
blank (``fonts.MissingGlyphError``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, LongTable, SimpleDocTemplate, Spacer

from ._layout import STYLES, draw_watermark, esc, numbered_canvas, para, table_style
from .fonts import FONT, register_fonts, require_glyphs


@dataclass(frozen=True)
class Section:
    """One table of a document: a heading, the column headings, the rows (strings), a note under it."""

    heading: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class TableDocument:
    """A document of tables: ``title``; ``lines`` under it (session, dates, fingerprint…); ``sections``;
    ``footer`` on every page, before the page number (``{page}/{pages}`` is appended); ``closing`` lines after
    the last table (the issuing body, the date). ``rehearsal`` prints the 演练 watermark."""

    title: str
    lines: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: str
    closing: tuple[str, ...] = ()
    rehearsal: bool = False
    author: str = field(default="zc-review")


def _strings(doc: TableDocument) -> list[tuple[str, str]]:
    out = [("title", doc.title), ("footer", doc.footer)]
    out += [("line", x) for x in (*doc.lines, *doc.closing)]
    for s in doc.sections:
        out += [("heading", s.heading), ("note", s.note)]
        out += [(s.heading, h) for h in s.headers]
        out += [(s.heading, c) for row in s.rows for c in row]
    return out


def render_table_pdf(doc: TableDocument) -> bytes:
    """The document as an A4 landscape PDF with the embedded font (subset), page numbers in the footer.

    Returns: the PDF's bytes. Raises: MissingGlyphError when a text holds a character the font cannot draw.
    """
    for where, text in _strings(doc):
        require_glyphs(text, where)
    register_fonts()
    size = landscape(A4)

    def furniture(canv: Canvas, number: int, total: int) -> None:
        if doc.rehearsal:
            draw_watermark(canv, *size)
        canv.saveState()
        canv.setFont(FONT, 8)
        canv.setFillColor(colors.HexColor("#666666"))
        canv.drawCentredString(size[0] / 2, 9 * mm, f"{doc.footer}  {number}/{total}")
        canv.restoreState()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=size, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, initialFontName=FONT, title=doc.title, author=doc.author,
                            creator="zc-review")
    story: list[Flowable] = [para(doc.title, "title")]
    story += [para(x, "subtitle") for x in doc.lines]
    for s in doc.sections:
        heading = para(s.heading, "h2")
        if s.rows:  # kept with a long table, the heading would push the whole table to the next page
            heading.keepWithNext = 0
        story.append(heading)
        if s.rows:
            from reportlab.platypus import Paragraph

            data = [[Paragraph(esc(h), STYLES["head"]) for h in s.headers]]
            data += [[Paragraph(esc(c), STYLES["cell"]) for c in row] for row in s.rows]
            table = LongTable(data, repeatRows=1, colWidths=[pdf.width / len(s.headers)] * len(s.headers))
            table.setStyle(table_style(
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1a3d6d")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f9")]),
            ))
            story.append(table)
        if s.note:
            story += [Spacer(1, 2 * mm), para(s.note, "small")]
    if doc.closing:
        story.append(Spacer(1, 8 * mm))
        story += [para(x, "body") for x in doc.closing]
    pdf.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()


def render_xlsx(sheets: list[tuple[str, Section]], *, title: str) -> bytes:
    """A workbook with one sheet per (sheet name, section): the heading in A1, the column headings in row 2
    (bold, frozen), the rows below, the note under them; cells are text (an id number or a code keeps its
    leading zeros). Returns: the .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "zc-review"
    for name, s in sheets:
        ws = wb.create_sheet(name[:31])
        ws.append([s.heading])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(list(s.headers))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in s.rows:
            ws.append(list(row))
        if s.note:
            ws.append([])
            ws.append([s.note])
        ws.freeze_panes = "A3"
        for i, h in enumerate(s.headers, start=1):
            width = max([len(h), *(len(r[i - 1]) for r in s.rows)] or [8])
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = min(60, 2 * width + 2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
