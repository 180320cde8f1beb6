"""The office's credit record (诚信档案): who is barred, from when, until when, on what source.

One JSON file in the office's data directory (``<home>/office/credit.json``, mode 0600; docs/FORMATS.md
"Credit record"), kept there rather than in the office archive database for now (the archive's Alembic
schema is being built in parallel). Periods (000 第四十二条(一)–(三); 001 二、5):

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
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from zc_review.domain.draw import normalise_employer
from zc_review.i18n import t
from zc_review.service.atomic import write_atomic
from zc_review.service.errors import ServiceError

FORMAT = "zc-review credit record"
VERSION = 1
KINDS = ("expert", "applicant", "staff")
KIND_LABELS = {"expert": "common.role_reviewer", "applicant": "office.col_applicant",
               "staff": "pool.credit_kind_staff"}
_COLUMNS = ("common.col_code", "pool.credit_col_kind", "common.col_name", "office.anonymity_kind_employer",
            "pool.credit_col_reason", "common.col_source", "pool.credit_col_start", "pool.credit_col_until")
MAX_BYTES = 16 * 1024 * 1024


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


def default_path(home: Path | None = None) -> Path:
    """``<home>/office/credit.json``."""
    from zc_review.service import paths

    return (home or paths.app_home()) / "office" / "credit.json"


def load(path: Path) -> list[CreditEntry]:
    """The entries of the credit file (none when it does not exist).

    Raises: ServiceError("credit_unreadable") for a file that is not a credit record.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ServiceError("credit_unreadable", path=str(path), error=exc.strerror or str(exc)) from exc
    try:
        if len(data) > MAX_BYTES:
            raise ValueError("too large")
        doc = json.loads(data.decode("utf-8"))
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise ValueError("format")
        return [CreditEntry(**_entry(e)) for e in doc["entries"]]
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        raise ServiceError("credit_unreadable", path=str(path), error=f"{type(exc).__name__}: {exc}") from exc


def _entry(e: Any) -> dict[str, Any]:
    keys = set(CreditEntry.__dataclass_fields__)
    if not isinstance(e, dict) or not set(e) <= keys or e.get("kind") not in KINDS:
        raise ValueError("entry")
    return e


def _save(path: Path, entries: list[CreditEntry]) -> None:
    doc = {"format": FORMAT, "version": VERSION, "entries": [asdict(e) for e in entries]}
    write_atomic(path, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), 0o600)


def add(path: Path, *, kind: str, name: str, employer: str, source: str, start: str, reason: str,
        person_id: str = "", fraud: bool = False) -> CreditEntry:
    """Add one entry; its reference is ``XY-<start year>-<n>`` (n counting the file's entries of that year).

    Raises: ServiceError("credit_bad_kind" | "credit_bad_date" | "credit_field_empty").
    """
    if kind not in KINDS:
        raise ServiceError("credit_bad_kind", kind=kind)
    try:
        day = dt.date.fromisoformat(start)
    except ValueError as exc:
        raise ServiceError("credit_bad_date", value=start) from exc
    for value in (name, source, reason):
        if not value.strip():
            raise ServiceError("credit_field_empty")
    entries = load(path)
    n = 1 + sum(1 for e in entries if e.ref.startswith(f"XY-{day.year}-"))
    end = period_end(kind, day, fraud=fraud)
    entry = CreditEntry(ref=f"XY-{day.year}-{n:03d}", kind=kind, name=name.strip(), employer=employer.strip(),
                        source=source.strip(), start=day.isoformat(), until=end.isoformat() if end else None,
                        reason=reason.strip(), person_id=person_id.strip(), fraud=fraud and kind == "applicant")
    _save(path, [*entries, entry])
    return entry


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


def check_session(entries: list[CreditEntry], defn: Any, day: dt.date) -> None:
    """The credit check before the review (000 第四十二条(四)): applicants, reviewers and staff of ``defn``
    (a SessionDefinition) against the entries in force on ``day``.

    Raises: ServiceError("credit_applicant_barred" | "credit_expert_barred" | "credit_staff_barred") naming
    the first person barred and the entry's reference.
    """
    for a in defn.applicants:
        bar = find_bar(entries, "applicant", day, a.name, a.employer)  # ids change between sessions
        if bar:
            raise ServiceError("credit_applicant_barred", name=a.name, id=a.id, ref=bar.ref, start=bar.start,
                               until=bar.until)
    for r in defn.reviewers:
        bar = find_bar(entries, "expert", day, r.name, r.employer, r.id)
        if bar:
            raise ServiceError("credit_expert_barred", name=r.name, ref=bar.ref)
    for s in defn.staff:
        bar = find_bar(entries, "staff", day, s.name, s.employer)
        if bar:
            raise ServiceError("credit_staff_barred", name=s.name, ref=bar.ref, start=bar.start, until=bar.until)
