"""The office TUI's view of one filed session (``session_view``): its line as ``office sessions`` lists it,
its results, notice and complaints, read with the same service functions as the command line.

Its own module: it reads ``archive``, ``archive_notice`` and ``archive_complaint``, which import ``archive``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from zc_review.i18n import label_of
from zc_review.service.office.archive import SessionLine, archive, session_line


@dataclass(frozen=True)
class ResultLine:
    """One applicant's filed result as the office TUI lists it (what the public notice shows: no reviewer).

    ``composite``: the composite or ``"—"``; ``votes``: ``"agree/disagree/abstain"`` or ``"—"``; ``outcome``:
    the Chinese outcome or ``"—"``."""

    applicant_id: str
    code: str
    name: str
    employer: str
    group_name: str
    composite: str
    votes: str
    outcome: str
    passed: bool


@dataclass(frozen=True)
class SessionView:
    """One filed session opened in the office TUI: its line (as ``office sessions``), organizing body and
    year, its results by group then code, its notice (None before it is drafted), its complaints in the
    order recorded, and whether the archive keeps its sealed bundle (False for a session adopted from the
    first importer's tables until it is imported again)."""

    line: SessionLine
    organizing_body: str
    year: int
    results: list[ResultLine]
    notice: Any
    complaints: list[Any]
    bundle_kept: bool


def session_view(url: str, session_id: str, *, today: date | None = None,
                 keys_dir: Path | None = None) -> SessionView:
    """The office TUI's view of one filed session (the same reads as ``office sessions``, ``office notice``
    and ``office complaint list``). ``today`` (default: the real date) decides the notice's state; with
    ``keys_dir`` each concluded finding's signature is checked.
    Raises: ServiceError("archive_session_unknown"); what :func:`archive` raises."""
    from zc_review.service.office.archive_complaint import list_complaints
    from zc_review.service.office.archive_notice import filed_or_refuse, notice_info
    from zc_review.storage.repo import archive as repo

    day = today or date.today()
    with archive(url) as s:
        row = filed_or_refuse(s, session_id)
        n = repo.notice(session=s, session_id=session_id)
        count = repo.complaint_counts(session=s).get(session_id, 0)
        filed = repo.filing(session=s, session_id=session_id) is not None
        kept = repo.bundle_kept(session=s, session_id=session_id)
        results = [ResultLine(r.applicant_id, r.code, r.name, r.employer, r.group_name, r.composite or "—",
                              f"{r.agree}/{r.disagree}/{r.abstain}" if r.agree is not None else "—",
                              label_of("outcome", r.outcome) if r.outcome else "—", r.outcome == "passed")
                   for r in repo.results_of(session=s, session_id=session_id)]
    line = session_line(row, n, count, filed, day)
    return SessionView(line, row.organizing_body, row.year, results, notice_info(url, session_id, today=day),
                       list_complaints(url, session_id, keys_dir=keys_dir), kept)
