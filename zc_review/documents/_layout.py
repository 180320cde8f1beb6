"""Shared page furniture for the documents: styles, escaping, watermark, page-counting canvas."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, TableStyle

from .fonts import FONT, FONT_MONO, require_glyphs
from .views import iter_strings

WATERMARK = "演练"

# Chinese labels for view-model field names, so a glyph error names the field as the room knows it.
_FIELD_LABELS = {
    "session_title": "会议名称", "committee_name": "评委会名称", "person_name": "姓名",
    "role_label": "身份", "person_id": "编号", "secret": "凭据", "opening_secret": "开封凭据",
    "office_root_fingerprint": "办事机构根指纹", "package_id": "评审包编号", "issued_at": "签发时间",
    "organizing_body": "组建单位", "session_id": "会议编号", "started_at": "开始时间",
    "ended_at": "结束时间", "venue": "地点", "presiding_name": "主持人姓名", "presiding_role": "主持人身份",
    "recorder_name": "记录人姓名", "attendees": "出席人员", "absentees": "缺席人员", "name": "姓名",
    "note": "备注", "quorum": "法定人数", "agenda": "议程", "rule_values": "规则参数", "panels": "评议组",
    "leader": "组长", "rubric_name": "评分标准名称", "rubric_signoffs": "评分标准签署",
    "recusals": "回避情况", "reviewer_name": "回避专家姓名", "applicant_code": "申报人代码",
    "reason": "原因", "applicants": "评审结果", "code": "申报人代码", "group": "组别", "panel": "评议组",
    "decision": "结论", "group_summaries": "分组通过率", "panel_opinions": "评议意见",
    "opinion": "评议意见", "failure_notes": "未通过原因", "guidance": "努力方向",
    "ballot_rounds": "投票轮次", "kind": "投票类型", "closed_by": "截止宣布人",
    "result_signoffs": "结果签字", "ballot_box_fingerprint": "投票箱指纹", "log_head_hash": "日志链头",
    "bundle_fingerprint_note": "结果包指纹说明", "signature_note": "签字说明",
}
_MONO_FIELDS = {"secret", "opening_secret", "office_root_fingerprint", "ballot_box_fingerprint", "log_head_hash"}


def _chinese_path(path: str) -> str:
    parts = []
    for part in path.split("."):
        match = re.fullmatch(r"(\w+)((?:\[\d+\])*)", part)
        key, indices = (match.group(1), match.group(2)) if match else (part, "")
        label = _FIELD_LABELS.get(key, key)
        numbers = [int(n) for n in re.findall(r"\d+", indices)]
        parts.append(label + (f"第{numbers[0] + 1}项" if numbers else ""))
    return "·".join(parts)


def check_view_glyphs(view: Any, context: str = "") -> None:
    """Refuse a view-model holding any character the embedded font lacks.

    Every string is checked (names, opinions, reasons, labels), since reportlab drops a missing
    glyph silently. Secrets and fingerprints are checked against the monospaced face.

    Args:
        view: a view-model dataclass (or a tuple of them).
        context: Chinese prefix for the error's field label (e.g. ``第3封凭据函``).

    Raises:
        MissingGlyphError: with the field named in Chinese, e.g. ``评审结果第4项·姓名``.
    """
    for path, text in iter_strings(view):
        leaf = path.rsplit(".", 1)[-1].split("[")[0]
        require_glyphs(text, f"{context}{_chinese_path(path)}「{text}」", mono=leaf in _MONO_FIELDS)


def esc(text: str) -> str:
    """Escape dossier/user text for reportlab Paragraph markup; line breaks become ``<br/>``.

    ``<b>x</b>`` or ``[red]y[/]`` then print literally.
    """
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>").replace("\t", " ")


def style(name: str, size: float = 10, *, leading: float | None = None, mono: bool = False,
          **kw: Any) -> ParagraphStyle:
    """Return a paragraph style in the embedded font with CJK line breaking."""
    return ParagraphStyle(
        name, fontName=FONT_MONO if mono else FONT, fontSize=size, leading=leading or size * 1.45,
        wordWrap="CJK", **kw,
    )


STYLES = {
    "title": style("title", 17, alignment=TA_CENTER, spaceAfter=4),
    "subtitle": style("subtitle", 10.5, alignment=TA_CENTER, textColor=colors.HexColor("#333333"), spaceAfter=8),
    "h2": style("h2", 12.5, spaceBefore=9, spaceAfter=4, textColor=colors.HexColor("#1a3d6d"), keepWithNext=1),
    "h3": style("h3", 11, spaceBefore=4, spaceAfter=2, keepWithNext=1),
    "body": style("body", 9.5),
    "small": style("small", 8.5),
    "cell": style("cell", 7.6, leading=9.6),
    "cellc": style("cellc", 7.6, leading=9.6, alignment=TA_CENTER),
    "head": style("head", 7.6, leading=9.6, alignment=TA_CENTER, textColor=colors.white),
    "mono": style("mono", 8.5, mono=True),
}


def table_style(*commands: tuple[Any, ...]) -> TableStyle:
    """A TableStyle whose cell font is the embedded face (reportlab's cell default is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def para(text: str, st: str = "body") -> Paragraph:
    """A Paragraph of escaped plain text in one of ``STYLES``."""
    return Paragraph(esc(text), STYLES[st])


def nowrap_width(values: Sequence[str], size: float, pad: float, *, floor: float = 0) -> float:
    """The width (points) a column needs so none of ``values`` wraps at ``size`` with ``pad`` each side."""
    return float(max([floor, *(stringWidth(v, FONT, size) for v in values)])) + 2 * pad + 1.5


def unbroken(text: str, st: str | ParagraphStyle, width: float, seps: str = "、；，–") -> Paragraph:
    """A Paragraph that breaks lines only after one of ``seps`` (the items of a list), never inside a
    code, a figure or a fingerprint's group; an item wider than ``width`` alone keeps a line of its own.

    Args:
        text: plain text (escaped here). st: a ``STYLES`` name or a style. width: the line's room, points.
    """
    style_ = STYLES[st] if isinstance(st, str) else st
    room = width - 1
    sep = re.escape(seps)
    tokens = re.findall(rf"[^{sep}]+[{sep}]?|[{sep}]", text)
    lines: list[str] = []
    for token in tokens:
        if lines and stringWidth(lines[-1] + token, style_.fontName, style_.fontSize) <= room:
            lines[-1] += token
        else:
            lines.append(token)
    return Paragraph("<br/>".join(esc(line) for line in lines), style_)


def draw_watermark(canv: Canvas, width: float, height: float) -> None:
    """Draw the rehearsal watermark (演练) across the page, light enough to read through."""
    canv.saveState()
    canv.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.13))
    canv.setFont(FONT, 150)
    canv.translate(width / 2, height / 2)
    canv.rotate(35)
    canv.drawCentredString(0, -50, WATERMARK)
    canv.setFont(FONT, 14)
    canv.drawCentredString(0, -95, "演练文书 · 不作正式评审依据")
    canv.restoreState()


def draw_page_footer(canv: Canvas, page: tuple[float, float], margin: float, y: float, *, watermark: bool = False,
                     left: str = "", centre: str = "", right: str = "", right_font: str = FONT,
                     colour: str | None = "#555555", rule_y: float | None = None) -> None:
    """The furniture of one page, the same in every document: the rehearsal watermark (``watermark``), then at
    height ``y`` a line of small type: ``left`` at the left margin, ``centre`` (第 x 页 共 y 页) in the middle,
    ``right`` (in ``right_font``) at the right margin; ``rule_y``: a thin rule above it at that height.

    Args: page: the page size (points); margin: the left and right margins (points); colour: the type's colour
    (None: black).
    """
    if watermark:
        draw_watermark(canv, *page)
    canv.saveState()
    canv.setFont(FONT, 8)
    if colour is not None:
        canv.setFillColor(colors.HexColor(colour))
    if rule_y is not None:
        canv.setStrokeColor(colors.HexColor("#bbbbbb"))
        canv.line(margin, rule_y, page[0] - margin, rule_y)
    if left:
        canv.drawString(margin, y, left)
    if centre:
        canv.drawCentredString(page[0] / 2, y, centre)
    if right:
        if right_font != FONT:
            canv.setFont(right_font, 8)
        canv.drawRightString(page[0] - margin, y, right)
    canv.restoreState()


def numbered_canvas(footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """Return a Canvas class that defers pages so ``footer(canvas, page_no, page_count)`` knows the total.

    Args:
        footer: draws page furniture; page numbers are 1-based.
    """

    class _Numbered(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deferred: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._deferred.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._deferred)
            for number, state in enumerate(self._deferred, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return _Numbered


_STAMP_GRID = colors.HexColor("#8a8a8a")


class StampArea(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """The organizing body's part of the last page: a filing note with blank lines on the left, and on
    the right a labelled, dashed square for its official stamp (盖章) and the date. Drawn on paper after
    printing; no electronic signature goes here, so it is not a ``SignatureBox``."""

    _HEIGHT = 56 * mm
    _STAMP = 42 * mm

    def __init__(self, organizing_body: str) -> None:
        super().__init__()
        self._body = organizing_body

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Take the frame's width and a fixed height (points)."""
        self.width = availWidth
        return availWidth, self._HEIGHT

    def draw(self) -> None:
        """Draw the filing note and the dashed stamp square with its label and date line."""
        canv: Canvas = self.canv
        half = (self.width - 8 * mm) / 2
        left = Paragraph(esc("组建单位审核归档意见："), STYLES["body"])
        _, h = left.wrap(half, self._HEIGHT)
        left.drawOn(canv, 0, self._HEIGHT - h)
        canv.saveState()
        canv.setStrokeColor(_STAMP_GRID)
        canv.setLineWidth(0.5)
        for k in range(1, 4):  # three writing lines
            y = self._HEIGHT - h - k * 9 * mm
            canv.line(0, y, half, y)
        canv.setFont(FONT, 9)
        canv.drawString(0, 8 * mm, "经办人：____________　归档日期：______年____月____日")
        x = half + 8 * mm
        label = Paragraph(esc(f"组建单位（盖章）：{self._body}"), STYLES["body"])
        _, lh = label.wrap(half, self._HEIGHT)
        label.drawOn(canv, x, self._HEIGHT - lh)
        side = min(self._STAMP, self._HEIGHT - lh - 12 * mm)
        top = self._HEIGHT - lh - 2 * mm
        canv.setDash(3, 2)
        canv.rect(x + (half - side) / 2, top - side, side, side, stroke=1, fill=0)
        canv.setDash()
        canv.drawString(x, 2 * mm, "日期：______年____月____日")
        canv.setFont(FONT, 7)
        canv.drawRightString(x + half, 2 * mm, "虚线框内加盖组建单位公章")
        canv.restoreState()
