"""The embedded Chinese font (WenQuanYi Micro Hei) and the glyph check that refuses blank characters."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: Path of the shipped font collection (Apache-2.0 option, see wqy-microhei-COPYRIGHT.txt).
FONT_PATH = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"

#: Registered name of the proportional face (subfont 0). Use it as every template's initialFontName.
FONT = "WQY"
#: Registered name of the monospaced face (subfont 1), used for secrets and fingerprints.
FONT_MONO = "WQY-Mono"

# Characters that never reach the page as glyphs: line breaks become <br/>, tabs become spaces.
_LAYOUT_CHARS = frozenset("\n\r\t")

_lock = threading.Lock()


class MissingGlyphError(ValueError):
    """A text holds characters the embedded font cannot draw.

    reportlab silently drops such glyphs, so a rare name (CJK Ext-B and beyond, e.g. 𬌗) would
    print blank. The document is refused instead; the message is Chinese and names the field.

    Attributes:
        field: human label of the field that holds the characters (e.g. ``申报人姓名 A001``).
        characters: the offending characters, in order of first appearance.
    """

    def __init__(self, field: str, characters: list[str]) -> None:
        self.field = field
        self.characters = tuple(characters)
        shown = "、".join(f"「{c}」(U+{ord(c):04X})" for c in characters)
        super().__init__(
            f"{field}含有字体无法显示的字符：{shown}。"
            "文书不能把它印成空白，请在名单或材料中改用可显示的写法（如加注拼音或说明）后重新生成。"
        )


@cache
def _register() -> tuple[frozenset[int], frozenset[int]]:
    # The .ttc is parsed once (~0.3 s); registration is process-wide in reportlab.
    regular = TTFont(FONT, str(FONT_PATH), subfontIndex=0)
    mono = TTFont(FONT_MONO, str(FONT_PATH), subfontIndex=1)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(mono)
    # One face for every style, so a <b> or <i> in our own markup never falls back to Helvetica.
    for name in (FONT, FONT_MONO):
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
    return frozenset(regular.face.charToGlyph), frozenset(mono.face.charToGlyph)


def register_fonts() -> None:
    """Register the embedded regular and monospaced faces with reportlab, once per process.

    Safe to call from several threads. Afterwards ``FONT`` and ``FONT_MONO`` can be used as
    reportlab font names; both embed as subsets in every PDF that uses them.
    """
    with _lock:
        _register()


def missing_glyphs(text: str, *, mono: bool = False) -> set[str]:
    """Return the characters of ``text`` that the embedded font has no glyph for.

    Args:
        text: any string; line breaks and tabs are ignored (they are layout, not glyphs).
        mono: check against the monospaced face (secrets, fingerprints) instead of the regular one.

    Returns:
        The set of missing characters; empty when every character can be drawn.
    """
    register_fonts()
    regular, monospaced = _register()
    cmap = monospaced if mono else regular
    return {c for c in text if c not in _LAYOUT_CHARS and ord(c) not in cmap}


def require_glyphs(text: str, what: str, *, mono: bool = False) -> None:
    """Refuse a text the embedded font cannot fully draw.

    Args:
        text: the text to be printed.
        what: Chinese label of the field, used in the error message (e.g. ``评审专家姓名``).
        mono: check against the monospaced face.

    Raises:
        MissingGlyphError: some characters have no glyph; the message lists them with code points.
    """
    missing = missing_glyphs(text, mono=mono)
    if missing:
        ordered = list(dict.fromkeys(c for c in text if c in missing))
        raise MissingGlyphError(what, ordered)

