"""Printed paper ballots (纸质表决票) of one round: identical copies per form, no holder's identity.

Each copy starts on a new page and is numbered 第 x 页 共 y 页 within itself, so every copy of a form is the
same sheet of paper (a running page number across the print would tell copies apart). Source: RULES.md §5.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate, Spacer, Table

from ._layout import check_view_glyphs, draw_page_footer, numbered_canvas, para, table_style
from .fonts import FONT, register_fonts

_ROW = 9 * mm  # a row tall enough to tick a mark cell by hand
_MARGIN = 16 * mm


@dataclass(frozen=True)
class PaperBallotRow:
    """One applicant line: code, group name, panel name (never a name: RULES.md §5)."""

    code: str
    group: str
    panel: str


@dataclass(frozen=True)
class PaperBallotForm:
    """One form (票样): its letter, the copies to print, its applicant lines, notes and check code."""

    letter: str
    copies: int
    rows: tuple[PaperBallotRow, ...]
    notes: tuple[str, ...]
    check_code: str


@dataclass(frozen=True)
class PaperBallotsView:
    """What the round's print holds; every value pre-formatted. ``kind``: 主投票 / 加投 / 重投."""

    committee_name: str
    session_id: str
    round_no: int
    kind: str
    forms: tuple[PaperBallotForm, ...]
    rehearsal: bool = False


def _copy_story(view: PaperBallotsView, form: PaperBallotForm) -> list[Flowable]:
    title = f"第 {view.round_no} 轮{view.kind}表决票（票样 {form.letter}）" + ("（演练）" if view.rehearsal else "")
    head = ["序号", "申报人代码", "组别", "评议组", "同意", "不同意", "弃权"]
    rows = [[para(h, "cell") for h in head]]
    for i, r in enumerate(form.rows, start=1):
        rows.append([para(str(i), "cell"), para(r.code, "mono"), para(r.group, "cell"), para(r.panel, "cell"),
                     "", "", ""])  # the mark cells: each an empty box to tick
    table = Table(rows, colWidths=[12 * mm, 36 * mm, 38 * mm, 38 * mm, 16 * mm, 18 * mm, 16 * mm], repeatRows=1,
                  rowHeights=[None] + [_ROW] * len(form.rows))
    table.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, "#8a8a8a"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LINEBEFORE", (4, 0), (4, -1), 1.2, colors.black)))
    story: list[Flowable] = [
        para(view.committee_name, "subtitle"),
        para(title, "title"),
        para("无记名投票：请在每位申报人一行的“同意”“不同意”“弃权”中选一格划“√”；不划或多划按空白计。"
             "本票不写姓名、不作任何记号。", "body"),
    ]
    story += [para(n, "body") for n in form.notes]
    story += [Spacer(1, 3 * mm), table, Spacer(1, 4 * mm),
              para(f"会议 {view.session_id}　第 {view.round_no} 轮　票样 {form.letter}　校验码 "
                   f"{form.check_code}　（本票样共印 {form.copies} 张，各张相同）", "body")]
    return story


def render_paper_ballots(view: PaperBallotsView, reproducible: bool = False) -> bytes:
    """Render every copy of every form of the round: ``form.copies`` identical copies each, each copy on its
    own pages with 第 x 页 共 y 页 of that copy, the session, round, form and check code on every page.

    Raises: MissingGlyphError for a character the embedded font lacks.
    """
    check_view_glyphs(view)
    register_fonts()
    # per printed page: (page within its copy, pages of that copy, form)
    pages = [(p, n, f) for f in view.forms for n in [_pages_of(view, f)] for _ in range(f.copies)
             for p in range(1, n + 1)]

    def furniture(canv: Canvas, number: int, total: int) -> None:
        within, per, form = pages[number - 1] if number <= len(pages) else (number, total, view.forms[-1])
        draw_page_footer(canv, A4, _MARGIN, 8 * mm, watermark=view.rehearsal, colour=None,
                         left=f"第 {view.round_no} 轮　票样 {form.letter}　校验码 {form.check_code}",
                         centre=f"第 {within} 页 共 {per} 页")

    story: list[Flowable] = []
    for f in view.forms:
        for _ in range(f.copies):
            if story:
                story.append(PageBreak())
            story += _copy_story(view, f)
    buffer = io.BytesIO()
    _doc(buffer, view, reproducible).build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()


def _doc(buffer: io.BytesIO, view: PaperBallotsView, reproducible: bool) -> SimpleDocTemplate:
    return SimpleDocTemplate(buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=16 * mm,
                             bottomMargin=16 * mm, initialFontName=FONT, invariant=1 if reproducible else 0,
                             title=f"第 {view.round_no} 轮表决票", author="zc-review", subject=view.session_id,
                             creator="zc-review")


def _pages_of(view: PaperBallotsView, form: PaperBallotForm) -> int:
    """How many pages one copy of ``form`` takes (rendered once alone)."""
    count = [0]

    def furniture(canv: Canvas, number: int, total: int) -> None:
        count[0] = total

    _doc(io.BytesIO(), view, True).build(_copy_story(view, form), canvasmaker=numbered_canvas(furniture))
    return max(count[0], 1)
