"""Every Decimal is written in fixed notation: the signed minutes and results.json never show ``7E+1``.

``str(Decimal("7E+1"))`` is ``"7E+1"``; a weight or a spread computed with ``normalize()`` or by arithmetic on
such values used to reach the minutes as ``材料 7E+1% + 答辩 3E+1%`` (issue 12 §5).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.conftest import Packed, index_of, room_from_db
from zc_review.documents.minutes_text import rule_values
from zc_review.domain.codec import decimal_text

EXPONENT = re.compile(r"\d[eE][+-]?\d")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_decimal_text_is_fixed_notation() -> None:
    """Hand-worked: 7E+1 → 70, 3E+1 → 30, 12.50 keeps its places, 0.7 stays."""
    assert decimal_text(Decimal("7E+1")) == "70"
    assert decimal_text(Decimal("3E+1")) == "30"
    assert decimal_text(Decimal("12.50")) == "12.50"
    assert decimal_text(Decimal("0.7")) == "0.7"
    assert decimal_text(Decimal("1E-3")) == "0.001"


def test_weights_print_as_percentages() -> None:
    rows = dict(rule_values(has_defence=True, material_weight=Decimal("0.7"), defence_weight=Decimal("0.3"),
                            recusal_counts_attending=True, trimmed_mean=False, trimmed_min_scores=5,
                            quorum_required=12, agree_limited=False, flag_range=Decimal("15"),
                            flag_stdev=Decimal("6"), flag_distance=Decimal("10"), pass_rates=[("甲组", "30%")]))
    text = " ".join(str(v) for v in rows.values())
    assert "材料 70% + 答辩 30%" in text and not EXPONENT.search(text)


def test_minutes_and_results_json_have_no_exponent(demo: Packed, minutes_ready_db: Path, tmp_path: Path) -> None:
    room, runner = room_from_db(demo, minutes_ready_db, tmp_path)
    runner.run([a for a in demo.script["actions"][index_of(demo, "sign_minutes"):] if a["action"] != "export"])
    members = room.closing.bundle_members()
    record = json.loads(members["results.json"])
    bad = [s for s in _strings(record) if EXPONENT.fullmatch(s) or re.fullmatch(r"-?\d+(\.\d+)?[eE][+-]?\d+", s)]
    assert bad == []
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(members["minutes.pdf"])).pages)
    assert "材料 70% + 答辩 30%" in text
    assert not re.search(r"\d+[eE]\+\d+%", text)
