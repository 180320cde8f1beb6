"""The session minutes (会议记录) as an A4 PDF, with labelled space for the two signatures."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from . import minutes_text as text
from ._layout import (
    STYLES,
    StampArea,
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
from .minutes_results import section_results
from .views import MinutesView

_MARGIN_X = 15 * mm
_HEAD_BG = colors.HexColor("#1a3d6d")
_GRID = colors.HexColor("#8a8a8a")
_ZEBRA = colors.HexColor("#f1f4f8")
_CATALOG_KEY = "ZCReviewSignatureBoxes"
#: Catalog key holding the minutes digest (64 hex): in the first revision, so both PDF signatures cover it.
DIGEST_CATALOG_KEY = "ZCReviewMinutesDigest"

#: Roles whose signature boxes the minutes carry, in signing order (recorder first, then presiding).
SIGNATURE_ROLES = ("recorder", "presiding")


@dataclass(frozen=True)
class SignatureBox:
    """A rectangle left empty for a visible signature stamp.

    Coordinates are PDF points in default user space (origin bottom-left of the page), the same
    ``(x1, y1, x2, y2)`` order pyHanko's ``SigFieldSpec(box=...)`` takes.

    Attributes:
        role: ``recorder`` (记录人) or ``presiding`` (主持人).
        page_index: 0-based page index.
        x1, y1, x2, y2: lower-left and upper-right corners, points.
    """

    role: str
    page_index: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The rectangle as ``(x1, y1, x2, y2)``."""
        return (self.x1, self.y1, self.x2, self.y2)


@dataclass(frozen=True)
class RenderedMinutes:
    """The rendered minutes and where their signature stamps go.

    Attributes:
        pdf: the PDF bytes.
        page_count: number of pages.
        signature_boxes: one box per role in ``SIGNATURE_ROLES``, keyed by role.
    """

    pdf: bytes
    page_count: int
    signature_boxes: dict[str, SignatureBox]


class _SignatureArea(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Two labelled, empty rectangles side by side; records their absolute position when drawn."""

    _HEIGHT = 42 * mm
    _BOX_HEIGHT = 28 * mm

    def __init__(self, slots: Sequence[tuple[str, str]], sink: dict[str, SignatureBox]) -> None:
        super().__init__()
        self._slots = slots  # (role, label)
        self._sink = sink

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self._HEIGHT

    def draw(self) -> None:
        canv: Canvas = self.canv
        gap = 8 * mm
        slot_w = (self.width - gap * (len(self._slots) - 1)) / len(self._slots)
        for i, (role, label) in enumerate(self._slots):
            x = i * (slot_w + gap)
            label_para = Paragraph(esc(label), STYLES["body"])
            _, h = label_para.wrap(slot_w, self._HEIGHT)
            label_para.drawOn(canv, x, self._HEIGHT - h)
            y_top = self._HEIGHT - h - 2 * mm
            y_bottom = y_top - self._BOX_HEIGHT
            canv.saveState()
            canv.setStrokeColor(_GRID)
            canv.setDash(3, 2)
            canv.rect(x, y_bottom, slot_w, self._BOX_HEIGHT, stroke=1, fill=0)
            canv.restoreState()
            # The box stays empty: a hint inside would show through a transparent signature stamp.
            canv.setFont(FONT, 9)
            canv.drawString(x, y_bottom - 5 * mm, "日期：______年____月____日")
            canv.setFont(FONT, 7)
            canv.drawRightString(x + slot_w, y_bottom - 5 * mm, "虚线框内为电子签名位置")
            x1, y1 = canv.absolutePosition(x, y_bottom)
            x2, y2 = canv.absolutePosition(x + slot_w, y_top)
            self._sink[role] = SignatureBox(
                role, canv.getPageNumber() - 1, round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)
            )
        # Recorded in the catalog too, so signature_boxes() can find them from the bytes alone.
        # reportlab writes only the catalog keys it knows (PDFCatalog.__NoDefault__, pinned 5.1);
        # extending that list on this one instance is the least intrusive way to add ours.
        _set_catalog(canv, _CATALOG_KEY, json.dumps(
            {r: [b.page_index, b.x1, b.y1, b.x2, b.y2] for r, b in self._sink.items()}, sort_keys=True
        ))


def _set_catalog(canv: Canvas, key: str, value: str) -> None:
    """Write ``key`` into the document catalog (a PDF string); a later call for the same key replaces it."""
    catalog = canv._doc.Catalog
    if key not in catalog.__NoDefault__:
        catalog.__NoDefault__ = [*catalog.__NoDefault__, key]
    canv.setCatalogEntry(key, value)


def _grid(rows: list[list[Any]], widths: list[float], *, header: bool = True, pad: float = 3,
          repeat: bool = False, extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A bordered table; first row styled as header when ``header``."""
    table = Table(rows, colWidths=widths, repeatRows=1 if (header and repeat) else 0)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _ZEBRA]),
        ]
    table.setStyle(table_style(*commands, *extra))
    return table


def _cells(values: Sequence[str], st: str = "cell") -> list[Paragraph]:
    return [para(v, st) for v in values]


def _head(labels: Sequence[str]) -> list[Paragraph]:
    return [Paragraph(esc(label), STYLES["head"]) for label in labels]


def _scaled(fractions: Sequence[float], width: float) -> list[float]:
    total = sum(fractions)
    return [width * f / total for f in fractions]


def _code_table(v_codes: Sequence[str], head: Sequence[str], rows: Sequence[Sequence[str]],
                rest: Sequence[float], w: float, st: str = "cell") -> Table:
    """A table whose first column holds applicant codes, as wide as the widest code (never wrapped);
    the other columns share the rest of ``w`` in the proportions ``rest``."""
    size = STYLES[st].fontSize
    code_w = nowrap_width([*v_codes, head[0]], size, 3)
    body: list[list[Any]] = [_head(head)]
    body += [[para(r[0], st), *_cells(r[1:], st)] for r in rows]
    return _grid(body, [code_w, *_scaled(rest, w - code_w)], repeat=True)


def _none() -> Paragraph:
    return para("无。", "body")


def _section_basic(v: MinutesView, w: float) -> list[Flowable]:
    rows = [
        ("评审委员会", v.committee_name), ("组建单位", v.organizing_body), ("会议名称", v.session_title),
        ("会议编号", v.session_id), ("会议性质", "演练（不作正式评审依据）" if v.rehearsal else "正式评审"),
        ("开始时间", v.started_at), ("结束时间", v.ended_at), ("会议地点", v.venue),
        ("主持人", f"{v.presiding_name}（{v.presiding_role}）"), ("记录人", v.recorder_name),
    ]
    table = _grid([_cells(r, "body") for r in rows], [30 * mm, w - 30 * mm], header=False,
                  extra=[("BACKGROUND", (0, 0), (0, -1), _ZEBRA)])
    return [para("一、会议基本情况", "h2"), table]


def _section_attendance(v: MinutesView, w: float) -> list[Flowable]:
    q = v.quorum
    out: list[Flowable] = [para("二、出席情况与法定人数", "h2")]
    out.append(_grid(
        [_head(["评委会组成人数", "法定出席人数（不少于三分之二）", "实际出席人数"]),
         _cells([q.committee_size, q.required, q.attending], "cellc")],
        _scaled([1, 1.4, 1], w),
    ))
    out += [Spacer(1, 2 * mm), para("出席人员：", "body")]
    if v.attendees:
        # Two people per row keeps a 25-member committee on about a third of a page.
        half = (len(v.attendees) + 1) // 2
        rows: list[list[Any]] = [_head(["序号", "姓名", "身份", "序号", "姓名", "身份"])]
        for i in range(half):
            row: list[Any] = []
            for j in (i, i + half):
                if j < len(v.attendees):
                    p = v.attendees[j]
                    label = p.role_label + (f"（{p.note}）" if p.note else "")
                    row += _cells([str(j + 1), p.name, label], "cell")
                else:
                    row += ["", "", ""]
            rows.append(row)
        out.append(_grid(rows, _scaled([0.45, 1.2, 1.6, 0.45, 1.2, 1.6], w), repeat=True))
    else:
        out.append(_none())
    out += [Spacer(1, 2 * mm), para("缺席人员：", "body")]
    if v.absentees:
        rows = [_head(["姓名", "身份", "缺席原因"])]
        rows += [_cells([p.name, p.role_label, p.note or "—"]) for p in v.absentees]
        out.append(_grid(rows, _scaled([1, 1, 3], w), repeat=True))
    else:
        out.append(_none())
    return out


def _section_agenda(v: MinutesView, w: float) -> list[Flowable]:
    items = [para(f"{i}. {item}", "body") for i, item in enumerate(v.agenda, start=1)]
    return [para("三、议程", "h2"), *(items or [_none()])]


def _section_rules(v: MinutesView, w: float) -> list[Flowable]:
    if not v.rule_values:
        return [para("四、规则参数", "h2"), _none()]
    rows = [_head(["规则", "本次会议执行值"])] + [_cells([k, val]) for k, val in v.rule_values]
    return [para("四、规则参数", "h2"), _grid(rows, _scaled([1.3, 2.7], w), repeat=True)]


def _section_panels(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("五、评议组与评分标准签署", "h2")]
    if not v.panels:
        return [*out, _none()]
    rows = [_head(["评议组", "组长", "人数", "评分标准（版本）", "签署（姓名、身份、时间）"])]
    for p in v.panels:
        signs = "\n".join(f"{s.name}（{s.role_label}）{s.signed_at}" for s in p.rubric_signoffs) or "未签署"
        rows.append(_cells([p.name, p.leader, p.members_count, f"{p.rubric_name}（{p.rubric_version}）", signs]))
    return [*out, _grid(rows, _scaled([1.1, 0.8, 0.45, 1.5, 2.6], w), repeat=True)]


def _section_recusals(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("六、回避情况", "h2")]
    if not v.recusals:
        return [*out, _none()]
    rows = [(r.applicant_code, r.reviewer_name, r.reason, "组建单位事先申报" if r.pre_declared else "会上提出")
            for r in v.recusals]
    return [*out, _code_table([r[0] for r in rows], ["申报人代码", "回避专家", "回避原因", "提出方式"], rows,
                              [1, 2.4, 1.2], w)]


def _section_paper(v: MinutesView, w: float) -> list[Flowable]:
    """The scores transcribed from paper score sheets by double keying (issue 14); nothing when there are none."""
    if not v.paper_sheets:
        return []
    out: list[Flowable] = [para("附：由纸质评分表录入的评分", "h2"),
                           para(f"以下 {len(v.paper_sheets)} 张评分表由评审专家手工填写签字，经两名工作人员分别录入、"
                                "对照原件核对不一致项后确认计入；纸质原件随会议记录归档。", "small")]
    rows = [(r.applicant_code, r.reviewer_code, r.keyed_by, r.settled, r.confirmed_by) for r in v.paper_sheets]
    return [*out, _code_table([r[0] for r in rows], ["申报人代码", "评审专家编号", "录入人", "核对不一致项", "确认人"],
                              rows, [0.7, 1.6, 0.7, 1.6], w)]


def _section_groups(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("八、分组通过率", "h2")]
    if not v.group_summaries:
        return [*out, _none()]
    rows = [_head(["组别", "通过率上限", "申报人数", "可通过人数上限", "实际通过人数"])]
    rows += [_cells([g.group], "cell") + _cells([g.pass_rate, g.applicants, g.cap, g.passed], "cellc")
             for g in v.group_summaries]
    return [*out, _grid(rows, _scaled([2, 1, 1, 1.2, 1.2], w), repeat=True)]


def _section_opinions(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("九、评议意见", "h2")]
    if not v.panel_opinions:
        return [*out, _none()]
    rows = [(o.applicant_code, o.panel, o.opinion) for o in v.panel_opinions]
    out.append(_code_table([r[0] for r in rows], ["申报人代码", "评议组", "评议意见"], rows, [1, 5], w))
    if v.disagreement_notes:  # issue 5 §4: flags and the reviewers' explanations
        notes = [(n.applicant_code, n.panel, n.spread, n.explanations) for n in v.disagreement_notes]
        out += [Spacer(1, 2 * mm), para("评分分歧标记与复核说明（分数未作任何自动调整）", "body"),
                _code_table([n[0] for n in notes], ["申报人代码", "评议组", "评分分歧", "复核说明"], notes,
                            [1, 2, 3.2], w)]
    return out


def _section_failures(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("十、未通过原因与努力方向", "h2")]
    if not v.failure_notes:
        return [*out, _none()]
    rows = [(f.applicant_code, f.reason, f.guidance) for f in v.failure_notes]
    return [*out, _code_table([r[0] for r in rows], ["申报人代码", "未通过原因", "努力方向"], rows, [2.6, 3.4], w)]


def _section_ballots(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("十一、投票轮次", "h2")]
    if not v.ballot_rounds:
        return [*out, _none()]
    rows = [_head(["轮次", "类型", "投票对象", "收回票数", "应投票人数", "截止宣布人", "未投票人数", "说明"])]
    widths = _scaled([0.45, 0.6, 1.9, 0.7, 0.7, 1.2, 0.7, 1.9], w)
    rows += [_cells([b.number, b.kind], "cellc") + [unbroken(b.applicants, "cell", widths[2] - 6)]
             + _cells([b.ballots_cast, b.voters_on_roll], "cellc") + _cells([b.closed_by], "cell")
             + _cells([b.missing_voters], "cellc") + _cells([b.note or "—"], "cell")
             for b in v.ballot_rounds]
    return [*out, _grid(rows, widths, repeat=True)]


def _section_signoffs(v: MinutesView, w: float) -> list[Flowable]:
    out: list[Flowable] = [para("十二、结果签字确认", "h2")]
    if not v.result_signoffs:
        return [*out, para("尚无评审专家签字确认。", "body")]
    return [*out, para("以下出席评审专家已在系统中对评审结果签字确认：", "body"),
            para("、".join(v.result_signoffs), "body")]


def _section_integrity(v: MinutesView, w: float) -> list[Flowable]:
    rows = [_cells(["投票箱指纹"], "body") + [unbroken(v.ballot_box_fingerprint, "mono", w - 30 * mm - 6)],
            _cells(["日志链头"], "body") + _cells([v.log_head_hash], "mono")]
    if v.minutes_digest:
        rows.append(_cells([text.DIGEST_LABEL], "body") + _cells([v.minutes_digest], "mono"))
    out: list[Flowable] = [para("十三、投票箱指纹与日志链头", "h2"),
                           _grid(rows, [30 * mm, w - 30 * mm], header=False,
                                 extra=[("BACKGROUND", (0, 0), (0, -1), _ZEBRA)])]
    if v.bundle_fingerprint_note:
        out += [Spacer(1, 1.5 * mm), para(v.bundle_fingerprint_note, "small")]
    if v.minutes_digest:
        out += [Spacer(1, 1.5 * mm), para(text.DIGEST_NOTE, "small")]
    if v.credential_lifts:  # issue 12 §3: a line per lock lifted by two other officers
        lifts = [_head(["被锁定人", "共同解除人", "解除时间", "说明"])]
        lifts += [_cells([c.person, c.lifted_by, c.lifted_at, c.note]) for c in v.credential_lifts]
        out += [Spacer(1, 2 * mm), para("凭证锁定解除记录", "body"),
                _grid(lifts, _scaled([1.4, 2.6, 1.2, 1.4], w), repeat=True)]
    return out


_SECTIONS = (_section_basic, _section_attendance, _section_agenda, _section_rules, _section_panels,
             _section_recusals, _section_paper, section_results, _section_groups, _section_opinions, _section_failures,
             _section_ballots, _section_signoffs, _section_integrity)


def render_minutes_document(view: MinutesView, reproducible: bool = False) -> RenderedMinutes:
    """Render the minutes and report where the signature stamps go.

    Sections, in order: 会议基本情况, 出席情况与法定人数, 议程, 规则参数, 评议组与评分标准签署,
    回避情况, 评审结果 (header row repeated on every page), 分组通过率, 评议意见,
    未通过原因与努力方向, 投票轮次, 结果签字确认, 投票箱指纹与日志链头, then a labelled signature
    area for the recorder (记录人) and the presiding officer (主持人). Every page has the footer
    ``第 N 页 共 M 页`` with the session id, and a 演练 watermark when ``view.rehearsal``.
    All text is escaped (markup in an opinion prints literally); the font is embedded.
    Source: RULES.md §6; 000_…txt, 第二十八条.

    Args:
        view: the minutes' content, every value pre-formatted.
        reproducible: byte-identical output for identical input (reportlab invariant mode).

    Returns:
        RenderedMinutes with the PDF bytes, the page count and one SignatureBox per role.

    Raises:
        MissingGlyphError: some string holds a character the embedded font cannot draw; the
            message names the field (e.g. ``评审结果第4项·姓名``).
    """
    check_view_glyphs(view)
    register_fonts()
    pages: list[int] = []

    def furniture(canv: Canvas, number: int, total: int) -> None:
        if view.minutes_digest:
            _set_catalog(canv, DIGEST_CATALOG_KEY, view.minutes_digest)
        draw_page_footer(canv, A4, _MARGIN_X, 10 * mm, watermark=view.rehearsal, rule_y=14 * mm,
                         left=f"会议编号：{view.session_id}" + ("（演练）" if view.rehearsal else ""),
                         centre=f"第 {number} 页 共 {total} 页", right="会议记录")
        pages.append(number)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=_MARGIN_X, rightMargin=_MARGIN_X, topMargin=15 * mm,
        bottomMargin=20 * mm, initialFontName=FONT, invariant=1 if reproducible else 0,
        title=f"{view.committee_name}会议记录", author="zc-review", subject=view.session_id,
        creator="zc-review",
    )
    w = doc.width
    title = f"{view.committee_name}\n评审会议记录" + ("（演练）" if view.rehearsal else "")
    story: list[Flowable] = [para(title, "title"), para(view.session_title, "subtitle")]
    for section in _SECTIONS:
        story += section(view, w)
    boxes: dict[str, SignatureBox] = {}
    slots = [("recorder", f"记录人（签名）：{view.recorder_name}"),
             ("presiding", f"主持人（签名）：{view.presiding_name}（{view.presiding_role}）")]
    story.append(KeepTogether([
        para("十四、签字", "h2"), para(view.signature_note, "body"), Spacer(1, 3 * mm),
        _SignatureArea(slots, boxes),
        para("十五、组建单位盖章", "h2"), Spacer(1, 2 * mm), StampArea(view.organizing_body),
    ]))
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return RenderedMinutes(pdf=buffer.getvalue(), page_count=len(pages), signature_boxes=dict(boxes))


def render_minutes(view: MinutesView, reproducible: bool = False) -> bytes:
    """Render the minutes (会议记录) as A4 PDF bytes; see ``render_minutes_document``.

    Use ``signature_boxes(pdf)`` to find where the recorder's and presiding officer's visible
    signature stamps go.

    Raises:
        MissingGlyphError: a string holds a character the embedded font cannot draw.
    """
    return render_minutes_document(view, reproducible=reproducible).pdf


def signature_boxes(pdf_bytes: bytes) -> dict[str, SignatureBox]:
    """Read the signature rectangles recorded in minutes rendered by this module.

    Works on the rendered bytes and on the same file after incremental updates (signatures).

    Args:
        pdf_bytes: a PDF produced by ``render_minutes``.

    Returns:
        ``{"recorder": SignatureBox, "presiding": SignatureBox}``; coordinates in points,
        origin bottom-left, page index 0-based.

    Raises:
        ValueError: the PDF carries no signature-box record (not minutes from this module).
    """
    from pypdf import PdfReader  # lazy: only the signing step needs it
    from pypdf.errors import PyPdfError
    from pypdf.generic import DictionaryObject

    try:
        root = PdfReader(io.BytesIO(pdf_bytes)).trailer["/Root"].get_object()
    except (PyPdfError, KeyError) as exc:
        raise ValueError("无法读取该 PDF") from exc
    raw = root.get(f"/{_CATALOG_KEY}") if isinstance(root, DictionaryObject) else None
    if raw is None:
        raise ValueError("该 PDF 没有签名位置记录，不是本系统生成的会议记录")
    data = json.loads(str(raw))
    return {role: SignatureBox(role, int(v[0]), *map(float, v[1:])) for role, v in data.items()}
