"""The public notice (公示) of a filed session: its period in working days, its state, its PDF and XLSX.

The notice lists the applicants and their results (code, name, employer, group, target title, composite,
votes, result) and never a reviewer (RULES.md §1, §7; 000 第二十六条(七)). Its period is fixed when it is
first drafted: at least 5 Chinese working days (``domain.notice_period``) from the first working day on or
after the chosen start; its state on a day is drafted (before the first day), published (through the last)
or over, after which the session may be filed (``archive_filing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError

if TYPE_CHECKING:
    from zc_review.documents.tables import TableDocument
    from zc_review.storage.archive import ArchiveResult, ArchiveSession


@dataclass(frozen=True)
class NoticeInfo:
    """A session's notice: its period, state (``drafted`` / ``published`` / ``over``) and Chinese label,
    and the files written (empty when only looked up)."""

    session_id: str
    first_day: date
    last_day: date
    working_days: int
    state: str
    state_label: str
    files: tuple[Path, ...] = ()


def _period(start: date, days: int) -> tuple[date, date]:
    from zc_review.domain.notice_period import MIN_WORKING_DAYS, CalendarYearUnknown, notice_period

    if days < MIN_WORKING_DAYS:
        raise ServiceError("notice_too_short", days=days, min=MIN_WORKING_DAYS)
    try:
        return notice_period(start, days)
    except CalendarYearUnknown as exc:
        raise ServiceError("calendar_year_unknown", year=exc.year) from None


def filed_or_refuse(s: Any, session_id: str) -> ArchiveSession:
    """The filed session ``session_id`` (bundle not loaded). Raises: ServiceError("archive_session_unknown")."""
    from zc_review.storage.repo import archive as repo

    row = repo.filed_session(session=s, session_id=session_id)
    if row is None:
        raise ServiceError("archive_session_unknown", session=session_id)
    return row


def notice_info(url: str, session_id: str, *, today: date | None = None) -> NoticeInfo | None:
    """The session's notice as drafted, its state on ``today`` (default: the real date); None before it
    is drafted. Raises: ServiceError("archive_session_unknown"); what ``archive.archive`` raises."""
    from zc_review.domain.notice_period import notice_state
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive as repo

    with archive(url) as s:
        filed_or_refuse(s, session_id)
        n = repo.notice(session=s, session_id=session_id)
    if n is None:
        return None
    state = notice_state(n.first_day, n.last_day, today or date.today())
    return NoticeInfo(session_id, n.first_day, n.last_day, n.working_days, state.value,
                      label_of("notice_state", state.value))


def notice_document(row: ArchiveSession, results: list[ArchiveResult], first: date, last: date,
                    days: int) -> TableDocument:
    """The notice as a ``documents.tables.TableDocument`` (texts from the catalogue)."""
    from zc_review.documents.tables import Section, TableDocument

    headers = tuple(t(k) for k in ("common.col_code", "common.col_name", "office.anonymity_kind_employer", "common.col_group",
                                   "scoring.dossier_target_title", "common.col_composite", "common.col_votes",
                                   "common.col_decision"))
    rows = tuple((r.code, r.name, r.employer, r.group_name, r.target_title, r.composite or "—",
                  f"{r.agree}/{r.disagree}/{r.abstain}" if r.agree is not None else "—",
                  label_of("outcome", r.outcome) if r.outcome else "—")
                 for r in results)
    passed = sum(1 for r in results if r.outcome == "passed")
    return TableDocument(
        title=t("office.notice_title", committee=row.committee_name),
        lines=(t("office.notice_line_session", session=row.session_id, date=row.scheduled_date.isoformat(),
                 applicants=len(results), passed=passed),
               t("office.notice_line_period", first=first.isoformat(), last=last.isoformat(), days=days)),
        sections=(Section(t("office.notice_section"), headers, rows, note=t("office.notice_note")),),
        footer=t("office.notice_footer", session=row.session_id),
        closing=(row.organizing_body, t("office.notice_issued", date=first.isoformat())),
    )


def draft_notice(url: str, session_id: str, out_dir: Path, *, start: date | None = None,
                 working_days: int | None = None, today: date | None = None,
                 drafted_by: str | None = None) -> NoticeInfo:
    """``office notice SESSION --out DIR``: fix the notice period (first time), write the notice as
    ``<session>-notice.pdf`` and ``<session>-notice.xlsx`` in ``out_dir`` and return its state.

    Args:
        start: the first day wanted (default: the working day after ``today``); moved to the first working
            day on or after it. Once drafted the period never changes: a different ``start`` or
            ``working_days`` is refused.
        working_days: the notice's length, at least 5 (default 5).
        today: the day the state is judged on (default: the real date; ``--as-of``).
    Raises: ServiceError("archive_session_unknown"), ("notice_rehearsal") (a rehearsal is never
        published), ("notice_too_short"), ("notice_fixed"), ("calendar_year_unknown"), what
        ``archive.archive`` raises. Nothing is written to the archive or to ``out_dir`` when refused.
    Source: RULES.md §7; 000 第二十六条(七); 001 十一(四).
    """
    from zc_review.documents.fonts import MissingGlyphError
    from zc_review.documents.tables import render_table_pdf, render_xlsx
    from zc_review.domain.notice_period import MIN_WORKING_DAYS, notice_state
    from zc_review.service.atomic import make_private_dir, write_atomic
    from zc_review.service.office.archive import archive, current_user
    from zc_review.storage.archive import ArchiveNotice
    from zc_review.storage.repo import archive as repo

    day = today or date.today()
    days = working_days or MIN_WORKING_DAYS
    with archive(url, write=True) as s:
        row = filed_or_refuse(s, session_id)
        if row.rehearsal:
            raise ServiceError("notice_rehearsal", session=session_id)
        n = repo.notice(session=s, session_id=session_id)
        if n is None:
            first, last = _period(start or day + timedelta(days=1), days)
            n = ArchiveNotice(session_id=session_id, first_day=first, last_day=last, working_days=days,
                              drafted_at=datetime.now(UTC), drafted_by=drafted_by or current_user())
        else:
            days = working_days or n.working_days
            wanted = _period(start, days) if start is not None else (n.first_day, n.last_day)
            if wanted != (n.first_day, n.last_day) or days != n.working_days:
                raise ServiceError("notice_fixed", session=session_id, first=n.first_day.isoformat(),
                                   last=n.last_day.isoformat())
        results = repo.results_of(session=s, session_id=session_id)
        doc = notice_document(row, list(results), n.first_day, n.last_day, n.working_days)
        try:
            pdf = render_table_pdf(doc)
        except MissingGlyphError as exc:
            raise ServiceError("document_glyphs", error=str(exc)) from None
        xlsx = render_xlsx([(t("office.notice_sheet"), doc.sections[0])], title=doc.title)
        make_private_dir(out_dir)
        files = (out_dir / f"{session_id}-notice.pdf", out_dir / f"{session_id}-notice.xlsx")
        write_atomic(files[0], pdf)
        write_atomic(files[1], xlsx)
        repo.put_row(session=s, row=n)
    state = notice_state(n.first_day, n.last_day, day)
    return NoticeInfo(session_id, n.first_day, n.last_day, n.working_days, state.value,
                      label_of("notice_state", state.value), files)
