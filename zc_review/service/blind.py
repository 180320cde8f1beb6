"""The blind-material check over a whole session definition, shared by ``office pack`` and the room.

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


def blind_material_findings(defn: SessionDefinition,
                            texts: Mapping[str, str]) -> dict[str, list[pr.BlindFinding]]:
    """Applicant id → findings in their work summary or attachments' text naming them or their employer.

    Args:
        defn: the session definition (each applicant's name, employer, work summary, attachment ids).
        texts: attachment id → the attachment's extracted text (a missing id counts as empty).
    Returns: only applicants with at least one finding, in definition order; findings as
        ``domain.panel.blind_findings`` gives them ("work_summary" first, then attachment ids).
    """
    out: dict[str, list[pr.BlindFinding]] = {}
    for a in defn.applicants:
        found_in = {"work_summary": a.dossier.work_summary}
        for att in a.dossier.attachments:
            found_in[att.id] = texts.get(att.id, "")
        found = pr.blind_findings(a.name, a.employer, found_in)
        if found:
            out[a.id] = found
    return out
