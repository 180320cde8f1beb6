"""The office's credit record (诚信档案): who is barred, from when, until when, on what source.

Kept in the office archive database (table ``archive_credit``; the archive of issue 10: SQLite by default,
PostgreSQL with ``--db``; docs/FORMATS.md "Credit record"), never in a package or a public output. Periods (000 第四十二条(一)–(三); 001 二、5):

- an expert (评审专家) with a recorded violation never again enters the pool: barred for life;
- an applicant (申报人): 3 years from the entry's start (a pledge proved untrue, a recorded violation);
  5 years for fraud under 001 (``fraud: true``: 一票否决, no application for 5 years);
- staff (工作人员): 3 years, no review work in that time.

Checked at ``office draw`` (a barred expert is never drawn) and at ``office pack`` (a barred expert or staff
member cannot be packed; a barred applicant is refused with the entry's reference).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from zc_review.domain.draw import normalise_employer
from zc_review.i18n import t
from zc_review.service.errors import ServiceError

KINDS = ("expert", "applicant", "staff")
KIND_LABELS = {"expert": "common.role_reviewer", "applicant": "office.col_applicant",
               "staff": "pool.credit_kind_staff"}
_COLUMNS = ("common.col_code", "pool.credit_col_kind", "common.col_name", "office.anonymity_kind_employer",
            "pool.credit_col_reason", "common.col_source", "pool.credit_col_start", "pool.credit_col_until")


@dataclass(frozen=True)
class CreditEntry:
    """One entry. ``until`` is None for life (experts); ``person_id`` is the pool id of an expert (optional
    for applicants and staff, whose ids change between sessions: they are matched by name and employer)."""

    ref: str
    kind: str
    name: str
    employer: str
    source: str
    start: str
    until: str | None
    reason: str
    person_id: str = ""
    fraud: bool = False

    def active_on(self, day: dt.date) -> bool:
        """True when the bar holds on ``day`` (from ``start`` inclusive to ``until`` exclusive)."""
        return dt.date.fromisoformat(self.start) <= day and (self.until is None or day < dt.date.fromisoformat(self.until))

    def matches(self, name: str, employer: str, person_id: str = "") -> bool:
        """The same person: the same pool id, or the same name at the same normalised employer."""
        if self.person_id and person_id and self.person_id == person_id:
            return True
        return self.name == name and normalise_employer(self.employer) == normalise_employer(employer)


def period_end(kind: str, start: dt.date, *, fraud: bool = False) -> dt.date | None:
    """The end of a bar (exclusive): None for an expert (life); start + 3 years (5 with ``fraud`` for an applicant).

    Source: 000 第四十二条(一)(二)(三); 001 二、5. Raises: ValueError for an unknown kind.
    """
    if kind == "expert":
        return None
    if kind not in KINDS:
        raise ValueError(kind)
    years = 5 if (kind == "applicant" and fraud) else 3
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def default_url() -> str | None:
    """The office archive's URL when none is given, or None when that archive does not exist yet (then the
    credit record is empty: reading never creates a database)."""
    from zc_review.service import paths

    path = paths.app_home() / "office" / "archive.db"
    return f"sqlite:///{path}" if path.exists() else None


def _entry(row: Any) -> CreditEntry:
    return CreditEntry(ref=row.ref, kind=row.kind, name=row.name, employer=row.employer, source=row.source,
                       start=row.start.isoformat(), until=row.until.isoformat() if row.until else None,
                       reason=row.reason, person_id=row.person_id, fraud=row.fraud)


def load(url: str | None) -> list[CreditEntry]:
    """The credit record's entries in the archive at ``url`` (``None``: the default archive, empty when it
    does not exist), in reference order.

    Raises: the archive's refusals (``archive_unreachable``, ``archive_outdated``, …).
    """
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive_pool as repo

    url = url or default_url()
    if url is None:
        return []
    with archive(url) as s:
        return [_entry(r) for r in repo.credit_entries(session=s)]


def add(url: str | None, *, kind: str, name: str, employer: str, source: str, start: str, reason: str,
        person_id: str = "", fraud: bool = False, recorded_by: str | None = None) -> CreditEntry:
    """Add one entry to the archive at ``url`` (``None``: the default archive, created if need be); its
    reference is ``XY-<start year>-<n>`` (n counting the archive's entries of that year).

    Raises: ServiceError("credit_bad_kind" | "credit_bad_date" | "credit_field_empty") (nothing written);
    ServiceError("archive_write_conflict") when another office added the same reference meanwhile.
    """
    from zc_review.service import paths
    from zc_review.service.office.archive import archive, current_user
    from zc_review.storage.archive import ArchiveCredit
    from zc_review.storage.repo import archive_pool as repo

    if kind not in KINDS:
        raise ServiceError("credit_bad_kind", kind=kind)
    try:
        day = dt.date.fromisoformat(start)
    except ValueError as exc:
        raise ServiceError("credit_bad_date", value=start) from exc
    for value in (name, source, reason):
        if not value.strip():
            raise ServiceError("credit_field_empty")
    end = period_end(kind, day, fraud=fraud)
    with archive(url or paths.office_archive_url(), write=True) as s:
        n = 1 + len(repo.credit_refs(session=s, prefix=f"XY-{day.year}-"))
        row = ArchiveCredit(ref=f"XY-{day.year}-{n:03d}", kind=kind, name=name.strip(), employer=employer.strip(),
                            person_id=person_id.strip(), reason=reason.strip(), source=source.strip(), start=day,
                            until=end, fraud=fraud and kind == "applicant", recorded_at=dt.datetime.now(dt.UTC),
                            recorded_by=recorded_by or current_user())
        repo.add_row(session=s, row=row)
    return _entry(row)


def active(entries: list[CreditEntry], kind: str, day: dt.date) -> list[CreditEntry]:
    """The entries of ``kind`` in force on ``day``."""
    return [e for e in entries if e.kind == kind and e.active_on(day)]


def find_bar(entries: list[CreditEntry], kind: str, day: dt.date, name: str, employer: str,
             person_id: str = "") -> CreditEntry | None:
    """The first entry in force on ``day`` barring this person, or None."""
    for e in active(entries, kind, day):
        if e.matches(name, employer, person_id):
            return e
    return None


def export_csv(entries: list[CreditEntry]) -> bytes:
    """The entries as CSV for reporting upward (000 第四十二条(五)): UTF-8 with BOM (spreadsheets), a Chinese
    header, one row per entry."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([t(c) for c in _COLUMNS])
    for e in entries:
        w.writerow([e.ref, t(KIND_LABELS[e.kind]), e.name, e.employer, e.reason, e.source, e.start,
                    e.until or t("pool.credit_life")])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def check_session(entries: list[CreditEntry], defn: Any, day: dt.date,
                  pool_ids: dict[str, str] | None = None) -> None:
    """The credit check before the review (000 第四十二条(四)): applicants, reviewers and staff of ``defn``
    (a SessionDefinition) against the entries in force on ``day``.

    ``pool_ids``: reviewer id → pool id (from the draw record), matched against an expert entry's pool id.
    Raises: ServiceError("credit_applicant_barred" | "credit_expert_barred" | "credit_staff_barred") naming
    the first person barred and the entry's reference.
    """
    for a in defn.applicants:
        bar = find_bar(entries, "applicant", day, a.name, a.employer)  # ids change between sessions
        if bar:
            raise ServiceError("credit_applicant_barred", name=a.name, id=a.id, ref=bar.ref, start=bar.start,
                               until=bar.until)
    for r in defn.reviewers:
        bar = find_bar(entries, "expert", day, r.name, r.employer, (pool_ids or {}).get(r.id, r.id))
        if bar:
            raise ServiceError("credit_expert_barred", name=r.name, ref=bar.ref)
    for s in defn.staff:
        bar = find_bar(entries, "staff", day, s.name, s.employer)
        if bar:
            raise ServiceError("credit_staff_barred", name=s.name, ref=bar.ref, start=bar.start, until=bar.until)
