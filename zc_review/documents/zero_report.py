"""The zero report (零票报告) of an empty ballot box, printed when a poll round opens: one A4 page."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table

from ._layout import check_view_glyphs, draw_watermark, numbered_canvas, para, table_style
from .fonts import FONT, register_fonts


@dataclass(frozen=True)
class ZeroReportView:
    """What the zero report prints; every value pre-formatted.

    Attributes:
        round_no, kind: the round (e.g. ``1``, ``主投票``); applicants: how many are on its ballot.
        slips, voters: ballot slips in the box and names on the voter roll when it opened (``0``).
        box_sha256: the fingerprint of the empty box (as the minutes print fingerprints of closed boxes).
        rehearsal: print 演练 on the page.
    """

    committee_name: str
    session_id: str
    round_no: str
    kind: str
    applicants: str
    slips: str
    voters: str
    opened_at: str
    box_sha256: str
    rehearsal: bool = False


def render_zero_report(view: ZeroReportView, reproducible: bool = False) -> bytes:
    """Render the zero report: the round, the empty box's counts and fingerprint, signature lines.

    Raises: MissingGlyphError for a character the embedded font lacks.
    """
    check_view_glyphs(view)
    register_fonts()

    def furniture(canv: Canvas, number: int, total: int) -> None:
        if view.rehearsal:
            draw_watermark(canv, *A4)
        canv.saveState()
        canv.setFont(FONT, 8)
        canv.drawString(15 * mm, 8 * mm, f"会议编号：{view.session_id}")
        canv.drawCentredString(A4[0] / 2, 8 * mm, f"第 {number} 页 共 {total} 页")
        if view.rehearsal:
            canv.drawRightString(A4[0] - 15 * mm, 8 * mm, "演练")
        canv.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, initialFontName=FONT, invariant=1 if reproducible else 0,
                            title="投票箱零票报告", author="zc-review", subject=view.session_id, creator="zc-review")
    title = "投票箱零票报告" + ("（演练）" if view.rehearsal else "")
    rows = [["项目", "内容"], ["评委会", view.committee_name], ["会议编号", view.session_id],
            ["投票轮次", f"第 {view.round_no} 轮（{view.kind}）"], ["表决对象", f"{view.applicants} 人"],
            ["开启时间", view.opened_at], ["箱内选票", f"{view.slips} 张"], ["已投票评委", f"{view.voters} 人"],
            ["空箱指纹", view.box_sha256]]
    table = Table([[para(a, "cell"), para(b, "mono" if a == "空箱指纹" else "cell")] for a, b in rows],
                  colWidths=[35 * mm, 135 * mm])
    table.setStyle(table_style(("GRID", (0, 0), (-1, -1), 0.4, "#8a8a8a")))
    story: list[Flowable] = [
        para(title, "title"), para("本轮投票开启时，投票箱为空。", "subtitle"), Spacer(1, 4 * mm), table,
        Spacer(1, 10 * mm), para("记录人（签字）：________________　　纪检监察人员（签字）：________________", "body"),
    ]
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()
