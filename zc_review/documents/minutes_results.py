"""Section 七 of the minutes (评审结果), laid out as a review office files it (issue 13).

One table per group, each from a page of its own under a heading and the group's summary (panels,
applicants, pass-rate cap, passed); codes and figures are plain strings in columns as wide as their widest
value, so they never wrap; the verdict is ``● 通过`` drawn heavy on a grey row or ``○ 未通过`` with the
reason beside it, distinct in greyscale print and photocopy, not by colour alone.
Source: RULES.md §5–§6; 000_…txt 第二十八条.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from ._layout import STYLES, esc, nowrap_width, para, table_style
from .fonts import FONT
from .views import ApplicantRow, MinutesView

_HEAD_BG = colors.HexColor("#1a3d6d")
_GRID = colors.HexColor("#8a8a8a")

_VERDICT_PASS = "● 通过"
_VERDICT_FAIL = "○ 未通过"
_PASS_SHADE = colors.HexColor("#dcdcdc")  # a grey that survives greyscale printing and photocopies
_RESULT_SIZE = 8.2


class _Verdict(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A verdict cell: ``● 通过`` drawn heavy (fill and stroke: the face has no bold) or ``○ 未通过`` plain.

    Pass and fail differ by the marker's shape, the weight and the row's shade, so they stay distinct
    printed in greyscale or photocopied, never by colour alone (issue 13).
    """

    def __init__(self, label: str, passed: bool | None, size: float) -> None:
        super().__init__()
        self._label, self._passed, self._size = label, passed, size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = stringWidth(self._label, FONT, self._size) + 1
        return self.width, self._size * 1.3

    def draw(self) -> None:
        canv: Canvas = self.canv
        text = canv.beginText(0, self._size * 0.3)
        text.setFont(FONT, self._size)
        if self._passed:
            canv.setLineWidth(0.35)
            text.setTextRenderMode(2)  # fill + stroke: a faux bold in the one embedded face
        text.textOut(self._label)
        canv.drawText(text)


def _verdict(a: ApplicantRow, size: float) -> _Verdict:
    if a.passed is None:
        return _Verdict(a.decision, None, size)
    return _Verdict(_VERDICT_PASS if a.passed else _VERDICT_FAIL, a.passed, size)


def _explanation(a: ApplicantRow) -> str:
    """The 说明 cell: for a failure the rule's outcome (``a.decision``, e.g. 超出通过率限额), then the
    written reason unless it only repeats the outcome; for a pass the reason if any, else ``—``."""
    if a.passed is False:
        reason = a.reason.strip()
        return a.decision if not reason or reason.rstrip("。") == a.decision else f"{a.decision}：{reason}"
    return a.reason or "—"


def _groups_in_order(v: MinutesView) -> list[tuple[str, list[ApplicantRow]]]:
    groups: dict[str, list[ApplicantRow]] = {}
    for a in v.applicants:
        groups.setdefault(a.group, []).append(a)
    return list(groups.items())


def section_results(v: MinutesView, w: float) -> list[Flowable]:
    """Section 七: one table per group, each group from a new page, under its own heading and summary.

    Codes and figures are plain strings in columns as wide as their widest value (never wrapped); the
    verdict is ``● 通过`` (heavy, row shaded grey) or ``○ 未通过`` with the reason beside it.
    """
    out: list[Flowable] = [PageBreak(), para("七、评审结果", "h2"),
                           para("每个组别单列一表，按组内排名排列。结论栏“● 通过”（粗体，整行灰底）为表决通过；"
                                "“○ 未通过”为未通过，“说明”栏为其依据与理由，详见第十节。", "small"), Spacer(1, 2 * mm)]
    if not v.applicants:
        return [*out, para("无。", "body")]
    summaries = {g.group: g for g in v.group_summaries}
    for n, (group, rows) in enumerate(_groups_in_order(v), start=1):
        if n > 1:
            out.append(PageBreak())
        panels = "、".join(dict.fromkeys(a.panel for a in rows))
        g = summaries.get(group)
        line = f"评议组：{panels}　申报 {len(rows)} 人"
        if g is not None:
            line += f"　通过率上限 {g.pass_rate}（至多通过 {g.cap} 人）　实际通过 {g.passed} 人"
        out += [para(f"（{_CN_NUMBERS[n - 1] if n <= len(_CN_NUMBERS) else n}）{group}", "h3"),
                para(line, "body"), Spacer(1, 1.5 * mm), _group_table(v, rows, w)]
    return out


_CN_NUMBERS = "一二三四五六七八九十"


def _group_table(v: MinutesView, rows: list[ApplicantRow], w: float) -> Table:
    size, pad = _RESULT_SIZE, 2.2
    columns: list[tuple[str, Callable[[ApplicantRow], str]]] = [
        ("排名", lambda a: a.rank), ("代码", lambda a: a.code), ("材料分M", lambda a: a.material)]
    if v.has_defence:  # education series: no defence anywhere (RULES.md §4)
        columns.append(("答辩分D", lambda a: a.defence))
    columns += [("综合分C", lambda a: a.composite), ("同意", lambda a: a.agree), ("不同意", lambda a: a.disagree),
                ("弃权", lambda a: a.abstain), ("票数基数", lambda a: a.base)]
    fixed = [nowrap_width([get(a) for a in rows] + [head], size, pad) for head, get in columns]
    verdict_w = nowrap_width([_VERDICT_FAIL, *(a.decision for a in rows if a.passed is None)], size, pad)
    name_w = nowrap_width([a.name for a in rows] + ["姓名"], size, pad)
    reason_w = w - sum(fixed) - verdict_w - name_w
    if reason_w < 40 * mm:  # very long names: the name wraps (a Paragraph), never a code or a figure
        name_w, reason_w = max(20 * mm, name_w - (40 * mm - reason_w)), 40 * mm
    head_style = STYLES["head"]
    header = [Paragraph(esc(h), head_style) for h, _ in columns[:2]] + [Paragraph("姓名", head_style)]
    header += [Paragraph(esc(h), head_style) for h, _ in columns[2:]]
    header += [Paragraph("结论", head_style), Paragraph("说明", head_style)]
    body: list[list[Any]] = [header]
    shade: list[tuple[Any, ...]] = []
    for i, a in enumerate(rows, start=1):
        values = [get(a) for _, get in columns]
        body.append([*values[:2], para(a.name, "cell"), *values[2:], _verdict(a, size),
                     para(_explanation(a), "cell")])
        if a.passed:
            shade.append(("BACKGROUND", (0, i), (-1, i), _PASS_SHADE))
    widths = [*fixed[:2], name_w, *fixed[2:], verdict_w, reason_w]
    table = Table(body, colWidths=widths, repeatRows=1)
    last_figure = len(columns)  # columns 0..len: rank, code, name, figures
    table.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("LINEBELOW", (0, 0), (-1, 0), 1.0, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("FONTSIZE", (0, 1), (-1, -1), size),
        ("ALIGN", (0, 1), (last_figure, -1), "CENTER"),
        *shade,
    ))
    return table
