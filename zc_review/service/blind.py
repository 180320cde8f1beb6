"""The blind-material check over a whole session definition, and its lines, shared by ``office pack`` and the room.

The rule itself (which terms identify an applicant, how a hit is excerpted) is pure and lives in
``zc_review.domain.panel``; this module extracts the attachments' text (pypdf, in memory) and applies it.
Source: 003 五、评审办法; RULES.md §4; issue 5 §9.
"""

from __future__ import annotations

import io

from zc_review.domain import panel as pr
from zc_review.domain.model import SessionDefinition
from zc_review.i18n import label_of, t

MAX_PAGES = 200  # pages of text read per attachment


def blind_material_findings(defn: SessionDefinition,
                            attachments: dict[str, bytes]) -> dict[str, list[pr.BlindFinding]]:
    """Applicant id → findings in their work summary or attachments' text naming them or their employer.

    Args:
        defn: the session definition (each applicant's name, employer, work summary, attachment ids).
        attachments: attachment id → PDF bytes (a missing id counts as empty).
    Returns: only applicants with at least one finding, in definition order; findings as
        ``domain.panel.blind_findings`` gives them ("work_summary" first, then attachment ids).
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


def pdf_text(data: bytes) -> str:
    """The text of a PDF's first ``MAX_PAGES`` pages, pages joined by newlines; "" when empty or unreadable."""
    if not data:
        return ""
    from pypdf import PdfReader

    try:
        return "\n".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages[:MAX_PAGES])
    except Exception:  # hostile or broken PDF: nothing to check here, shown as unreadable in the room
        return ""


def anonymity_lines(defn: SessionDefinition, findings: dict[str, list[pr.BlindFinding]]) -> list[str]:
    """The blind-material findings (applicant id → BlindFinding list) as Chinese lines, one per finding, in the
    order given: the applicant's code, where (work summary or attachment id), what kind, the term, an excerpt.

    Used by ``office pack`` (warnings) and by the room (the recorder's notice). Raises: KeyError for an
    applicant id not in ``defn``. Source: 003 五、评审办法; issue 5 §9.
    """
    out = []
    for aid, found in findings.items():
        a = defn.applicant(aid)
        for f in found:
            where = (t("common.work_summary") if f.where == "work_summary"
                     else t("office.anonymity_where_attachment", id=f.where))
            out.append(t("office.anonymity_pack_warning", code=a.code, where=where, kind=label_of("anonymity_kind", f.kind),
                         term=f.term, excerpt=f.excerpt))
    return out
