"""Credential letters: one A4 page per person, printed and sealed in an envelope before the session."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from ._layout import (
    check_view_glyphs,
    draw_page_footer,
    esc,
    numbered_canvas,
    para,
    style,
    table_style,
    unbroken,
)
from .fonts import FONT, register_fonts
from .views import CredentialLetter

_MARGIN = 20 * mm
_SECRET = style("secret", 24, leading=32, mono=True, alignment=TA_CENTER)
_OPENING = style("opening", 17, leading=24, mono=True, alignment=TA_CENTER)
_FINGERPRINT = style("fingerprint", 12, leading=17, mono=True, alignment=TA_CENTER)

_INSTRUCTIONS = (
    "本函所载凭据仅限本人使用，请妥善保管，不得告知他人、拍照或复制；会议结束后交回会务人员统一销毁。",
    "在评审会场的电脑上，当系统提示输入凭据时，请逐字输入上方方框中的内容（区分大小写）。",
    "连续输错五次，该凭据即被锁定，须由纪检监察人员在场见证后重新核发。",
    "首次开启时，请将屏幕显示的“办事机构根指纹”与本函所印指纹逐组核对；如不一致，请立即停止操作并告知纪检监察人员。",
)
_OPENING_NOTE = (
    "评审包须由主任委员与纪检监察人员两人分别输入各自的开封凭据方可开启。"
    "此开封凭据只属于您一人，不得交给另一位开封人或任何其他人。"
)


def _boxed(content: Flowable | list[Flowable], width: float, border: colors.Color) -> Table:
    table = Table([[content]], colWidths=[width])
    table.setStyle(table_style(
        ("BOX", (0, 0), (-1, -1), 1.2, border),
        ("TOPPADDING", (0, 0), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ))
    return table


def _fingerprint(fp: str, width: float) -> Paragraph:
    """The fingerprint in balanced lines (8 + 8 groups, not 13 + 3), breaking only between groups."""
    groups = fp.split()
    for lines in range(1, len(groups) + 1):
        per = -(-len(groups) // lines)
        rows = [" ".join(groups[i:i + per]) for i in range(0, len(groups), per)]
        if all(stringWidth(r, _FINGERPRINT.fontName, _FINGERPRINT.fontSize) <= width for r in rows):
            break
    return Paragraph("<br/>".join(esc(r) for r in rows), _FINGERPRINT)


def _letter_story(letter: CredentialLetter, width: float) -> list[Flowable]:
    rows = [
        ("评委会", letter.committee_name),
        ("会议", letter.session_title),
        ("姓名", letter.person_name),
        ("身份", letter.role_label),
        ("人员编号", letter.person_id),
        ("评审包编号", letter.package_id),
        ("签发时间", letter.issued_at),
    ]
    info = Table(
        [[para(k, "body"), para(v, "body")] for k, v in rows],
        colWidths=[28 * mm, width - 28 * mm],
    )
    info.setStyle(table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ))
    story: list[Flowable] = [
        para("职称评审会议 · 个人凭据函", "title"),
        para("（密封件 · 本人亲启）", "subtitle"),
        info,
        Spacer(1, 7 * mm),
        para("您的登录凭据", "h2"),
        _boxed(unbroken(letter.secret, _SECRET, width - 12, seps="- "), width, colors.HexColor("#1a3d6d")),
    ]
    if letter.opening_secret is not None:
        story += [
            para("您的评审包开封凭据（两人开封之一）", "h2"),
            _boxed(unbroken(letter.opening_secret, _OPENING, width - 12, seps="- "), width,
                   colors.HexColor("#8a1c1c")),
            Spacer(1, 2 * mm),
            para(_OPENING_NOTE, "small"),
        ]
    story += [
        para("使用须知", "h2"),
        *[para(f"{i}. {text}", "body") for i, text in enumerate(_INSTRUCTIONS, start=1)],
        para("办事机构根指纹（首次开启时核对）", "h2"),
        # Lines break between the groups people compare one by one, never inside a group.
        _boxed(_fingerprint(letter.office_root_fingerprint, width - 12), width, colors.HexColor("#555555")),
    ]
    if letter.rehearsal:
        story += [Spacer(1, 4 * mm), para("本函为演练用凭据，仅用于演练会议，不得用于正式评审。", "body")]
    return story


def render_credential_letters(letters: list[CredentialLetter], reproducible: bool = False) -> bytes:
    """Render credential letters, one A4 page per person, for sealed envelopes.

    Each page has the heading, the person and role, the secret in large monospaced clear text,
    the chair's or supervisor's opening secret when present, Chinese instructions (keep it
    secret; type it when asked; five wrong attempts lock) and the office root fingerprint. A
    rehearsal letter carries a 演练 watermark. The font is embedded; no base-14 font is used.

    Args:
        letters: the letters, in print order; at least one.
        reproducible: byte-identical output for identical input (reportlab invariant mode:
            fixed timestamps and document ID), for golden tests.

    Returns:
        The PDF as bytes; page ``i`` (0-based) belongs to ``letters[i]``.

    Raises:
        ValueError: ``letters`` is empty.
        MissingGlyphError: a field holds a character the embedded font cannot draw.
    """
    if not letters:
        raise ValueError("没有需要打印的凭据函")
    for i, letter in enumerate(letters, start=1):
        check_view_glyphs(letter, context=f"第{i}封凭据函·")
    register_fonts()

    flags = [letter.rehearsal for letter in letters]

    def furniture(canv: Canvas, number: int, total: int) -> None:
        draw_page_footer(canv, A4, _MARGIN, 10 * mm, watermark=flags[number - 1], colour="#666666",
                         centre=f"第 {number} 页 共 {total} 页", right="凭据函 · 请勿折叠、请勿复印")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
        bottomMargin=_MARGIN, initialFontName=FONT, invariant=1 if reproducible else 0,
        title="个人凭据函", author="zc-review", subject="职称评审会议凭据函", creator="zc-review",
    )
    story: list[Flowable] = []
    for i, letter in enumerate(letters):
        if i:
            story.append(PageBreak())
        # Shrink rather than spill: a letter must stay on its own single page.
        story.append(KeepInFrame(doc.width, doc.height, _letter_story(letter, doc.width), mode="shrink"))
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return buffer.getvalue()

