"""The blind-material check over a whole session definition, and its lines, shared by ``office pack`` and the room.

The rule itself (which terms identify an applicant, how a hit is excerpted) is pure and lives in
``zc_review.domain.panel``; this module applies it to the work summaries and to the attachments' text.
That text is extracted once, by the office at ``office pack`` (``service/office/extract.py``: bounded in
time and memory, in a child process) and shipped in the package (``payload.Payload.texts``): nobody here
parses a PDF. Source: 003 五、评审办法; RULES.md §4; issue 5 §9; issue 12 §4.
"""

from __future__ import annotations

from collections.abc import Mapping

from zc_review.domain import panel as pr
from zc_review.domain.model import SessionDefinition
from zc_review.i18n import label_of, t


def blind_material_findings(defn: SessionDefinition, texts: Mapping[str, str],
                            regions: Mapping[str, str] | None = None,
                            id_numbers: Mapping[str, str] | None = None) -> dict[str, list[pr.BlindFinding]]:
    """Applicant id → findings in their work summary or attachments' text naming them, their employer or region.

    Args:
        defn: the session definition (each applicant's name, employer, work summary, attachment ids).
        texts: attachment id → the attachment's extracted text (a missing id counts as empty).
        regions: applicant id → region (市、县、区) from the dossier (``office pack`` only: the region is not
            shipped in the package, so the room's repeat of the check covers name and employer).
        id_numbers: applicant id → identity-card number (``office pack`` only, for the same reason).
    Returns: only applicants with at least one finding, in definition order; findings as
        ``domain.panel.blind_findings`` gives them ("work_summary" first, then attachment ids).
    """
    out: dict[str, list[pr.BlindFinding]] = {}
    for a in defn.applicants:
        found_in = {"work_summary": a.dossier.work_summary}
        for att in a.dossier.attachments:
            found_in[att.id] = texts.get(att.id, "")
        found = pr.blind_findings(a.name, a.employer, found_in, region=(regions or {}).get(a.id, ""),
                                  id_number=(id_numbers or {}).get(a.id, ""))
        if found:
            out[a.id] = found
    return out


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
