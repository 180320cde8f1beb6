"""The panel leader's paper sheet (评议组评分汇总表): applicants by code, rubric criteria, blank cells."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from ._layout import (
    STYLES,
    check_view_glyphs,
    draw_page_footer,
    esc,
    nowrap_width,
    numbered_canvas,
    para,
    table_style,
    unbroken,
)
from .fonts import FONT, register_fonts

_PAGE = landscape(A4)
_MARGIN = 12 * mm
_HEAD_BG = colors.HexColor("#1a3d6d")


@dataclass(frozen=True)
class SheetCriterion:
    """A rubric criterion: its label, maximum points (formatted) and part (``材料`` or ``答辩``)."""

    label: str
    max_points: str
    part: str = "材料"


@dataclass(frozen=True)
class SheetApplicant:
    """An applicant as the room sees them: code only, with group and flags (破格, 基层, …)."""

    code: str
    group: str
    flags: str = ""
    # filled in on the leader's results sheet (PanelSheetView.results), formatted
    material: str = ""
    defence: str = ""
    composite: str = ""
    rank: str = ""
    disagreement: str = ""
    opinion: str = ""


@dataclass(frozen=True)
class PanelSheetView:
    """Content of a panel leader's sheet; every value pre-formatted.

    Attributes:
        committee_name, session_title, session_id: identify the meeting (session id in the footer).
        panel_name, leader_name: the panel and its leader.
        rubric_name, rubric_version: the signed rubric the criteria come from.
        criteria: rubric criteria, in rubric order.
        applicants: the panel's applicants, by code (names never appear in the room; RULES.md §4).
        rehearsal: print a 演练 watermark on every page.
    """

    committee_name: str
    session_title: str
    session_id: str
    panel_name: str
    leader_name: str
    rubric_name: str
    rubric_version: str
    criteria: tuple[SheetCriterion, ...]
    applicants: tuple[SheetApplicant, ...]
    rehearsal: bool = False
    results: bool = False  # the leader's sheet with figures, flags and opinions instead of blank cells
    has_defence: bool = True  # False: no defence column (education series)


def _code_width(view: PanelSheetView) -> float:
    """The code column: at least 22 mm, and as wide as the longest code so that none wraps."""
    return max(float(22 * mm), nowrap_width([a.code for a in view.applicants], float(STYLES["cell"].fontSize), 6))


def render_panel_sheet(view: PanelSheetView, reproducible: bool = False) -> bytes:
    """Render the panel leader's sheet on landscape A4.

    One row per applicant (code, group, flags), one blank column per rubric criterion headed
    with its maximum points, then blank 材料分 / 答辩分 / 评议意见 columns, and a line for the
    panel leader's signature. The header row repeats on every page; the footer carries
    ``第 N 页 共 M 页`` and the session id. Source: RULES.md §3–§4; 000_…txt, 第二十六条(三)(六).

    Args:
        view: the sheet's content.
        reproducible: byte-identical output for identical input (reportlab invariant mode).

    Returns:
        The PDF bytes.

    Raises:
        MissingGlyphError: a string holds a character the embedded font cannot draw.
    """
    check_view_glyphs(view)
    register_fonts()

    def furniture(canv: Canvas, number: int, total: int) -> None:
        draw_page_footer(canv, _PAGE, _MARGIN, 7 * mm, watermark=view.rehearsal, left=f"会议编号：{view.session_id}",
                         centre=f"第 {number} 页 共 {total} 页", right=f"{view.panel_name} · 评议组组长用表")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=_PAGE, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
        bottomMargin=15 * mm, initialFontName=FONT, invariant=1 if reproducible else 0,
        title=f"{view.panel_name}评分汇总表", author="zc-review", subject=view.session_id, creator="zc-review",
    )
    title = f"{view.panel_name}评分汇总表" + ("（演练）" if view.rehearsal else "")
    story: list[Flowable] = [
        para(title, "title"),
        para(f"{view.committee_name} · {view.session_title}", "subtitle"),
        para(f"评议组组长：{view.leader_name}　　评分标准：{view.rubric_name}（{view.rubric_version}）", "body"),
        Spacer(1, 3 * mm),
    ]
    if view.results:
        return _render_results(view, doc, story, furniture, buffer)
    head: list[object] = [Paragraph(esc(h), STYLES["head"]) for h in ("申报人代码", "组别", "标记")]
    # A criterion's heading breaks between its name, its part and its maximum, never inside a number.
    head += [Paragraph("<br/>".join((esc(c.label), esc(f"（{c.part}）"), esc(f"满分 {c.max_points}"))),
                       STYLES["head"]) for c in view.criteria]
    head += [Paragraph(esc(h), STYLES["head"]) for h in ("材料分", "答辩分", "评议意见")]
    rows: list[list[object]] = [head]
    blanks = [""] * (len(view.criteria) + 3)
    rows += [[a.code, para(a.group, "cell"), para(a.flags or "—", "cell"), *blanks] for a in view.applicants]
    fixed = [_code_width(view), 24 * mm, 16 * mm, 18 * mm, 18 * mm]
    opinion = 60 * mm
    per_criterion = max(14 * mm, (doc.width - sum(fixed) - opinion) / max(1, len(view.criteria)))
    widths = fixed[:3] + [per_criterion] * len(view.criteria) + fixed[3:] + [opinion]
    table = Table(rows, colWidths=widths, repeatRows=1, rowHeights=[None] + [13 * mm] * len(view.applicants))
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a8a8a")),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("FONTSIZE", (0, 1), (0, -1), STYLES["cell"].fontSize),
    ))
    story += [table, Spacer(1, 8 * mm),
              para("评议组组长（签字）：________________　　日期：______年____月____日", "body")]
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()


def _render_results(view: PanelSheetView, doc: SimpleDocTemplate, story: list[Flowable],
                    furniture: Callable[[Canvas, int, int], None], buffer: io.BytesIO) -> bytes:
    """The leader's sheet with figures: M, D (when the rubric has a defence), C, rank, flags, opinion."""
    head = ["申报人代码", "组别", "标记", "材料分M"] + (["答辩分D"] if view.has_defence else [])
    head += ["综合分C", "组内排名", "评分分歧", "评议意见"]
    rows: list[list[object]] = [[Paragraph(esc(h), STYLES["head"]) for h in head]]
    for a in view.applicants:
        figures = [a.material] + ([a.defence] if view.has_defence else []) + [a.composite, a.rank]
        # Codes and figures are plain strings in columns wide enough for them: never wrapped.
        rows.append([a.code, para(a.group, "cell"), para(a.flags or "—", "cell"), *[x or "—" for x in figures],
                     unbroken(a.disagreement or "—", "cell", 48 * mm - 12), para(a.opinion or "—", "cell")])
    fixed = [_code_width(view), 26 * mm, 18 * mm] + [17 * mm] * (4 if view.has_defence else 3) + [48 * mm]
    widths = fixed + [max(40 * mm, doc.width - sum(fixed))]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a8a8a")),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTSIZE", (0, 1), (-1, -1), STYLES["cell"].fontSize),
        ("ALIGN", (3, 1), (-3, -1), "CENTER"),
    ))
    story += [table, Spacer(1, 8 * mm),
              para("评议组组长（签字）：________________　　日期：______年____月____日", "body")]
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()
