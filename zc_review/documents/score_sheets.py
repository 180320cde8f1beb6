"""The blank paper score sheets (评分表) a panel reviewer fills by hand and signs (issue 14).

One sheet per panel reviewer per applicant of the panel, each starting on a new page: the applicant by
code only (never a name), the reviewer by id, the rubric's name and version, each criterion with its part,
maximum, step and level descriptors and an empty cell for the score, the sheet id and its check code (the
staff type both when keying it), the reviewer's signature line and the keyers' initials. The footer carries
the session id, the sheet id and 第 x 页 共 y 页.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from ._layout import (
    STYLES,
    check_view_glyphs,
    draw_page_footer,
    esc,
    numbered_canvas,
    para,
    style,
    table_style,
)
from .fonts import FONT, FONT_MONO, register_fonts

_PAGE = A4
_MARGIN = 14 * mm
_HEAD_BG = colors.HexColor("#1a3d6d")
_BIG = style("sheet_big", 13, leading=17)
_CODE = style("sheet_code", 13, leading=17, mono=True)


@dataclass(frozen=True)
class SheetLevel:
    """A criterion as printed: id, name, part (材料/答辩), maximum and step (formatted), level descriptors,
    whether "-" (not applicable) is allowed."""

    id: str
    name: str
    part: str
    max_points: str
    step: str
    levels: tuple[str, ...] = ()
    allow_na: bool = False


@dataclass(frozen=True)
class BlankSheet:
    """One printed sheet: ids, codes, the panel and the rubric (name, version, criteria)."""

    sheet_id: str
    check_code: str
    reviewer_id: str
    applicant_code: str
    panel_name: str
    rubric_name: str
    rubric_version: str
    criteria: tuple[SheetLevel, ...]


@dataclass(frozen=True)
class BlankSheetsView:
    """The sheets of one print run, in order; ``rehearsal`` prints the 演练 watermark on every page."""

    committee_name: str
    session_id: str
    sheets: tuple[BlankSheet, ...]
    rehearsal: bool = False


class _Mark(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Zero-size: tells the page footer which sheet the page belongs to."""

    def __init__(self, sheet_id: str) -> None:
        super().__init__()
        self.sheet_id = sheet_id

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """No room taken."""
        return 0, 0

    def draw(self) -> None:
        """Remember the sheet id on the canvas (kept with the page's deferred state)."""
        self.canv._zc_sheet = self.sheet_id


def format_check_code(code: str) -> str:
    """The check code as printed: two groups of four (``K3QZ7M2A`` → ``K3QZ-7M2A``)."""
    return f"{code[:4]}-{code[4:]}" if len(code) > 4 else code


def _sheet_story(view: BlankSheetsView, sh: BlankSheet, width: float) -> list[Flowable]:
    ids = Table([[Paragraph(esc("申报人代码"), STYLES["small"]), Paragraph(esc(sh.applicant_code), _BIG),
                  Paragraph(esc("评审专家编号"), STYLES["small"]), Paragraph(esc(sh.reviewer_id), _BIG)],
                 [Paragraph(esc("表号"), STYLES["small"]), Paragraph(esc(sh.sheet_id), _CODE),
                  Paragraph(esc("校验码"), STYLES["small"]), Paragraph(esc(format_check_code(sh.check_code)), _CODE)]],
                colWidths=[24 * mm, width / 2 - 24 * mm, 24 * mm, width / 2 - 24 * mm])
    ids.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a8a8a")),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f6")),
                             ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#eef1f6"))))
    head = [Paragraph(esc(h), STYLES["head"]) for h in ("序号", "评分项目", "满分", "步长", "评分等级说明", "得分")]
    rows: list[list[object]] = [head]
    for n, c in enumerate(sh.criteria, start=1):
        levels = "<br/>".join(esc(x) for x in c.levels) if c.levels else esc("—")
        if c.allow_na:
            levels += "<br/>" + esc("不适用时填“-”")
        rows.append([str(n), Paragraph(esc(f"{c.id} {c.name}（{c.part}）"), STYLES["cell"]),
                     c.max_points, c.step, Paragraph(levels, STYLES["cell"]), ""])
    widths = [10 * mm, 46 * mm, 14 * mm, 12 * mm, 0.0, 24 * mm]
    widths[4] = width - sum(widths)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a8a8a")),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (2, 1), (3, -1), "CENTER"),
        ("FONTSIZE", (0, 1), (-1, -1), STYLES["cell"].fontSize),
        ("BOX", (5, 1), (5, -1), 1.2, colors.black),
        ("TOPPADDING", (0, 1), (-1, -1), 5), ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
    ))
    return [
        _Mark(sh.sheet_id),
        para("评分表" + ("（演练）" if view.rehearsal else ""), "title"),
        para(f"{view.committee_name} · {sh.panel_name}", "subtitle"),
        para(f"评分标准：{sh.rubric_name}（版本 {sh.rubric_version}）", "body"),
        Spacer(1, 2 * mm), ids, Spacer(1, 3 * mm),
        para("填写说明：每项在“得分”栏用正楷填写数字（不超过满分，须为步长的整数倍）；涂改处请签字确认。"
             "本表由两名工作人员分别录入，核对无误后经确认方计入评分。", "small"),
        Spacer(1, 2 * mm), table, Spacer(1, 8 * mm),
        para("评审专家（签字）：________________　　日期：______年____月____日", "body"),
        Spacer(1, 5 * mm),
        para("录入记录（工作人员填写）：第一次录入 ________　第二次录入 ________　核对 ________", "small"),
    ]


def render_blank_sheets(view: BlankSheetsView, reproducible: bool = False) -> bytes:
    """Render the blank score sheets on portrait A4, each sheet from a new page.

    Args: view: the sheets; reproducible: byte-identical output for identical input.
    Returns: the PDF bytes (one page per sheet unless its level descriptors need more).
    Raises: MissingGlyphError for a character the embedded font cannot draw.
    Source: issue 14 (Printed score sheets); RULES.md §3 (criteria with maximum points).
    """
    check_view_glyphs(view)
    register_fonts()

    def furniture(canv: Canvas, number: int, total: int) -> None:
        draw_page_footer(canv, _PAGE, _MARGIN, 8 * mm, watermark=view.rehearsal, left=f"会议编号：{view.session_id}",
                         centre=f"第 {number} 页 共 {total} 页", right=str(getattr(canv, "_zc_sheet", "")),
                         right_font=FONT_MONO)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=_PAGE, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
                            bottomMargin=16 * mm, initialFontName=FONT, invariant=1 if reproducible else 0,
                            title="评分表", author="zc-review", subject=view.session_id, creator="zc-review")
    story: list[Flowable] = []
    for i, sh in enumerate(view.sheets):
        if i:
            story.append(PageBreak())
        story += _sheet_story(view, sh, doc.width)
    if not story:
        story = [para("没有需要打印的评分表。", "body")]
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()
