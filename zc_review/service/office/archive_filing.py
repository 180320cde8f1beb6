"""The filing pack (备案) of a session, once its public notice period is over.

One folder ``<out>/<session>-filing/`` with: the roster of those passed (花名册) as XLSX and PDF, with the pass
rates by group and level and the complaints and their outcomes; the signed minutes taken from the sealed
bundle after verifying it again; and ``manifest.json`` naming every file with its SHA-256, the bundle's
fingerprint and the notice period. Refused before the notice is published and over, and for a rehearsal
(results not publicly noticed are never filed). Source: RULES.md §7; 000 第二十六条(八); 001 十二(二);
002 第十一条.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from zc_review.i18n import join_list, label_of, t
from zc_review.service.errors import ServiceError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class FilingResult:
    """What ``office filing`` wrote: the folder, its files (manifest last) and the manifest's SHA-256."""

    folder: Path
    files: tuple[Path, ...]
    manifest_sha256: str


def _rate(passed: int, total: int) -> str:
    if not total:
        return "—"
    return f"{(Decimal(100 * passed) / Decimal(total)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def pass_rates(row: Any, results: list[Any]) -> list[tuple[str, str, int, int, str]]:
    """(group, level, applicants, passed, rate) per group in the session's group order, then the whole
    session (group "合计"); the rate as a percentage with one decimal, half up."""
    groups: dict[str, list[Any]] = {}
    for r in results:
        groups.setdefault(r.group_name, []).append(r)
    out = []
    for name, rs in groups.items():
        n_pass = sum(1 for r in rs if r.outcome == "passed")
        out.append((name, row.title_level, len(rs), n_pass, _rate(n_pass, len(rs))))
    total_pass = sum(1 for r in results if r.outcome == "passed")
    out.append((t("office.filing_total"), row.title_level, len(results), total_pass, _rate(total_pass, len(results))))
    return out


def rows_differing(rep: Any, results: list[Any]) -> list[str]:
    """The applicant ids whose archived row differs from the re-verified bundle (name, employer, group,
    composite, votes, outcome, reason, guidance) or is missing or extra: a row edited in the database."""
    defn, record = rep.definition, rep.record
    declared = record["declared"]["applicants"]
    rows = {r.applicant_id: r for r in results}
    out = sorted(set(rows) ^ {a.id for a in defn.applicants})
    for a in defn.applicants:
        r = rows.get(a.id)
        if r is None:
            continue
        d, fr = declared[a.id], record["failure_reasons"].get(a.id, {})
        sealed = (a.code, a.name, a.employer, defn.group(a.group_id).name, d["composite"], d["agree"], d["disagree"],
                  d["abstain"], d["outcome"], fr.get("reason", ""), fr.get("guidance", ""))
        kept = (r.code, r.name, r.employer, r.group_name, r.composite, r.agree, r.disagree, r.abstain, r.outcome,
                r.reason, r.guidance)
        if sealed != kept:
            out.append(a.id)
    return sorted(out)


def write_filing(url: str, session_id: str, out_dir: Path, keys_dir: Path, *, today: date | None = None,
                 key_passphrase: str | None = None, filed_by: str | None = None) -> FilingResult:
    """``office filing SESSION --out DIR``: write the filing pack and record the filing in the archive.

    ``today`` (default: the real date; ``--as-of``) must be after the notice's last day.
    Raises: ServiceError("archive_session_unknown"), ("filing_rehearsal"), ("filing_no_notice"),
    ("filing_notice_open") (the period is not over: nothing written), ("archive_bundle_invalid") (the kept
    bundle no longer verifies), ("archive_rows_differ") (a result row no longer says what the sealed bundle
    says: edited in the database), ("keys_missing"); what ``archive.archive`` raises.
    """
    from zc_review.documents.fonts import MissingGlyphError
    from zc_review.documents.tables import Section, TableDocument, render_table_pdf, render_xlsx
    from zc_review.domain.notice_period import NoticeState, notice_state
    from zc_review.service.atomic import make_private_dir, write_atomic
    from zc_review.service.office.archive import archive, current_user
    from zc_review.service.office.archive_complaint import list_complaints, verified_record
    from zc_review.service.office.archive_notice import filed_or_refuse
    from zc_review.storage.archive import ArchiveFiling
    from zc_review.storage.repo import archive as repo

    day = today or date.today()
    with archive(url) as s:
        row = filed_or_refuse(s, session_id)
        if row.rehearsal:
            raise ServiceError("filing_rehearsal", session=session_id)
        n = repo.notice(session=s, session_id=session_id)
        if n is None:
            raise ServiceError("filing_no_notice", session=session_id)
        if notice_state(n.first_day, n.last_day, day) is not NoticeState.OVER:
            raise ServiceError("filing_notice_open", session=session_id, first=n.first_day.isoformat(),
                               last=n.last_day.isoformat(), today=day.isoformat())
        results = repo.results_of(session=s, session_id=session_id)
    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    rep, members = verified_record(url, session_id, keys_dir, key_passphrase=key_passphrase)
    differ = rows_differing(rep, results)
    if differ:
        raise ServiceError("archive_rows_differ", session=session_id, applicants=join_list(differ))
    complaints = list_complaints(url, session_id, keys_dir=keys_dir)

    passed = [r for r in results if r.outcome == "passed"]
    roster = Section(t("office.roster_section"),
                     tuple(t(k) for k in ("office.col_no", "common.col_code", "common.col_name", "office.anonymity_kind_employer",
                                          "common.col_group", "scoring.dossier_target_title", "common.col_composite",
                                          "common.col_votes")),
                     tuple((str(i), r.code, r.name, r.employer, r.group_name, r.target_title, r.composite or "—",
                            f"{r.agree}/{r.disagree}/{r.abstain}" if r.agree is not None else "—")
                           for i, r in enumerate(passed, start=1)))
    rates = Section(t("office.rates_section"),
                    tuple(t(k) for k in ("common.col_group", "office.col_level", "office.col_applicants",
                                         "office.col_passed", "office.col_rate")),
                    tuple((g, lv, str(a), str(p), rate) for g, lv, a, p, rate in pass_rates(row, results)))
    cases = Section(t("office.complaints_section"),
                    tuple(t(k) for k in ("office.col_complaint_no", "office.col_applicant", "office.col_kind",
                                         "office.col_received", "common.col_status", "office.col_handler",
                                         "office.col_finding", "office.col_signed")),
                    tuple((str(c.id), c.applicant, c.kind, c.received_on.isoformat(), c.status, c.handler,
                           c.finding or "—", t("office.signed_yes") if c.signed else
                           t("office.signed_no") if c.signed is False else "—") for c in complaints),
                    note="" if complaints else t("office.complaints_none"))
    fingerprint = rep.fingerprint  # the kept bundle, verified again: the one filed (its SHA-256 compared)
    doc = TableDocument(
        title=t("office.filing_title", committee=row.committee_name),
        lines=(t("office.notice_line_session", session=row.session_id, date=row.scheduled_date.isoformat(),
                 applicants=len(results), passed=len(passed)),
               t("office.notice_line_period", first=n.first_day.isoformat(), last=n.last_day.isoformat(),
                 days=n.working_days),
               t("office.filing_line_fingerprint", fp=fingerprint)),
        sections=(roster, rates, cases), footer=t("office.filing_footer", session=row.session_id),
        closing=(row.organizing_body, t("office.filing_issued", date=day.isoformat())))
    try:
        pdf = render_table_pdf(doc)
    except MissingGlyphError as exc:
        raise ServiceError("document_glyphs", error=str(exc)) from None
    xlsx = render_xlsx([(t("office.roster_sheet"), roster), (t("office.rates_sheet"), rates),
                        (t("office.complaints_sheet"), cases)], title=doc.title)

    folder = out_dir / f"{session_id}-filing"
    make_private_dir(folder)
    files = {"roster.pdf": pdf, "roster.xlsx": xlsx, "minutes.pdf": members["minutes.pdf"]}
    written = []
    for name, data in files.items():
        write_atomic(folder / name, data)
        written.append(folder / name)
    manifest = {
        "format": "zc-review filing pack", "format_version": 1, "session_id": session_id,
        "committee": row.committee_name, "organizing_body": row.organizing_body,
        "series": label_of("series", row.series), "title_level": row.title_level,
        "scheduled_date": row.scheduled_date.isoformat(),
        "bundle_sha256": row.bundle_sha256, "bundle_fingerprint": fingerprint,
        "notice": {"first_day": n.first_day.isoformat(), "last_day": n.last_day.isoformat(),
                   "working_days": n.working_days},
        "applicants": len(results), "passed": len(passed),
        "pass_rates": [{"group": g, "level": lv, "applicants": a, "passed": p, "rate": rate}
                       for g, lv, a, p, rate in pass_rates(row, results)],
        "complaints": [{"id": c.id, "applicant_id": c.applicant_id, "status": c.status, "finding": c.finding,
                        "finding_signed": c.signed} for c in complaints],
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "filed_on": day.isoformat(),
    }
    raw = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    write_atomic(folder / MANIFEST, raw)
    written.append(folder / MANIFEST)
    digest = hashlib.sha256(raw).hexdigest()
    with archive(url, write=True) as s:
        f = repo.filing(session=s, session_id=session_id) or ArchiveFiling(
            session_id=session_id, filed_at=datetime.now(UTC), filed_by=filed_by or current_user(), manifest_sha256="")
        f.manifest_sha256, f.filed_at = digest, datetime.now(UTC)
        repo.put_row(session=s, row=f)
    return FilingResult(folder, tuple(written), digest)
