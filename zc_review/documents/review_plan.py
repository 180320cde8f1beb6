"""The review plan (评审实施方案): filed with the authority a week before the review (000 第二十一条(三);
001 十四(四)): the numbers, how the reviewers were drawn, the time and place, the discipline, the complaint
channel. It names no reviewer (000 第二十七条; 第十一条): only counts, the method and the draw record's digest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table

from ._layout import check_view_glyphs, draw_page_footer, numbered_canvas, para, table_style
from .fonts import FONT, register_fonts


@dataclass(frozen=True)
class ReviewPlanView:
    """What the review plan prints; every value pre-formatted.

    Attributes:
        panels: ``(panel, specialty, reviewers, applicants)`` per row; groups: ``(group, pass rate)``.
        draw: lines describing the draw (ratio, reappointed, drawn, rounds, calls, seed, algorithm, digest).
    """

    committee_name: str
    organizing_body: str
    session_id: str
    year: str
    title_level: str
    venue: str
    scheduled_date: str
    reviewers: str
    applicants: str
    panels: tuple[tuple[str, str, str, str], ...]
    groups: tuple[tuple[str, str], ...]
    draw: tuple[str, ...]
    record_sha256: str
    complaint_channel: str


DISCIPLINE = (
    "评审实行封闭管理，评审期间评审专家和工作人员不得与外界联系，通讯工具统一保管。",
    "评审专家名单不得对外公布；评审专家与申报人有利害关系的（同一工作单位、亲属、师生等）应当回避，"
    "组建单位已按抽取记录和工作单位核对结果通知回避。",
    "评审专家和工作人员应签署诚信承诺书，对评审情况、评审意见和评审结果保密。",
    "评审全过程由纪检监察人员监督；违反纪律的，记入诚信档案。",
)


def render_review_plan(view: ReviewPlanView, reproducible: bool = False) -> bytes:
    """Render the review plan (A4, numbered pages). Raises: MissingGlyphError for a character the font lacks."""
    check_view_glyphs(view)
    register_fonts()

    def furniture(canv: Canvas, number: int, total: int) -> None:
        draw_page_footer(canv, A4, 15 * mm, 8 * mm, colour=None, left=f"会议编号：{view.session_id}",
                         centre=f"第 {number} 页 共 {total} 页")

    buffer = io.BytesIO()
    title = f"{view.year}年度{view.committee_name}评审实施方案"
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, initialFontName=FONT, invariant=1 if reproducible else 0,
                            title=title, author="zc-review", subject=view.session_id, creator="zc-review")
    basics = [["项目", "内容"], ["评委会", view.committee_name], ["组建单位", view.organizing_body],
              ["评审级别", view.title_level], ["评审时间", view.scheduled_date], ["评审地点", view.venue],
              ["评审专家", f"{view.reviewers} 人"], ["申报人", f"{view.applicants} 人"]]
    t1 = Table([[para(a, "cell"), para(b, "cell")] for a, b in basics], colWidths=[35 * mm, 135 * mm])
    t1.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, "#8a8a8a")))
    rows = [["评议组", "专业", "评审专家（人）", "申报人（人）"], *[list(r) for r in view.panels]]
    t2 = Table([[para(c, "cell") for c in r] for r in rows], colWidths=[50 * mm, 50 * mm, 35 * mm, 35 * mm])
    t2.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, "#8a8a8a")))
    rows3 = [["评审分组", "通过比例"], *[list(r) for r in view.groups]]
    t3 = Table([[para(c, "cell") for c in r] for r in rows3], colWidths=[100 * mm, 70 * mm])
    t3.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, "#8a8a8a")))
    story: list[Flowable] = [
        para(title, "title"), para(f"{view.organizing_body}　会议编号 {view.session_id}", "subtitle"),
        Spacer(1, 4 * mm), para("一、基本情况", "h2"), t1, Spacer(1, 3 * mm),
        para("二、评议组和评审分组", "h2"), t2, Spacer(1, 2 * mm), t3, Spacer(1, 3 * mm),
        para("三、评审专家的抽取", "h2"),
        *[para(line, "body") for line in view.draw],
        para(f"抽取记录摘要（SHA-256）：{view.record_sha256}", "mono"), Spacer(1, 3 * mm),
        para("四、评审纪律", "h2"),
        *[para(f"{i}．{line}", "body") for i, line in enumerate(DISCIPLINE, start=1)], Spacer(1, 3 * mm),
        KeepTogether([para("五、投诉举报渠道", "h2"), para(view.complaint_channel, "body"), Spacer(1, 10 * mm),
                      para("组建单位（盖章）：________________　　日期：________________", "body")]),
    ]
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()
