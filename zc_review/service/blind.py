"""The blind-material check over a whole session definition (work summaries and attachments' text).

Shared by ``office pack`` (a warning per finding) and the room's anonymity report, so it belongs to
neither. Source: RULES.md §4 (blind materials); 003 五.
"""

from __future__ import annotations

import io
from typing import Any

from zc_review.domain import panel as pr


def pdf_text(data: bytes, *, max_pages: int = 200) -> str:
    """The text of a PDF's first ``max_pages`` pages (pypdf, in memory); "" for empty or unreadable data."""
    if not data:
        return ""
    from pypdf import PdfReader

    try:
        return "\n".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages[:max_pages])
    except Exception:  # hostile or broken PDF: nothing to check here, shown as unreadable in the room
        return ""


def blind_material_findings(defn: Any, attachments: dict[str, bytes]) -> dict[str, list[pr.BlindFinding]]:
    """Applicant id → the places where its name or employer appears in its blind materials.

    Args: defn: the SessionDefinition; attachments: attachment id → PDF bytes.
    An unreadable attachment is skipped (the room reports it when opened).
    """
    out: dict[str, list[pr.BlindFinding]] = {}
    for a in defn.applicants:
        texts = {"work_summary": a.dossier.work_summary}
        for att in a.dossier.attachments:
            texts[att.id] = pdf_text(attachments.get(att.id, b""))
        found = pr.blind_findings(a.name, a.employer, texts)
        if found:
            out[a.id] = found
    return out
