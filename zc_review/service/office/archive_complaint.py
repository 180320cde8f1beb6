"""Complaints (投诉举报) and requests for re-examination (复查) about a filed session's result.

The office records one against a session and an applicant of it, assigns who handles it, follows its status
(received → investigating → concluded) and concludes it with a finding the office signs with its root key.
For the investigator it writes an evidence extract from the sealed record, verified again from the bundle
the archive keeps: the rubric, that applicant's scores per reviewer code, the panel's opinion, the reason and
guidance, the vote counts, the recusals — never a reviewer's name and never a link from a ballot to a voter.
Source: RULES.md §7; 000 第二十六条(七), 第四十条(六)8; 001 十一(四).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError

KINDS = ("complaint", "reexamination")
STATUSES = ("received", "investigating", "concluded")


@dataclass(frozen=True)
class ComplaintLine:
    """One complaint as listed: ``kind``/``status`` labels in Chinese; ``signed``: the finding's office
    signature checked (None when not concluded, or when no keys were given to check it)."""

    id: int
    session_id: str
    applicant_id: str
    applicant: str
    kind: str
    received_on: date
    summary: str
    status: str
    handler: str
    finding: str
    finding_on: date | None
    signed: bool | None


def finding_statement(c: Any) -> str:
    """The exact text the office signs for a concluded complaint (UTF-8; FORMATS.md "Complaint findings")."""
    return t("office.finding_statement", id=c.id, session=c.session_id, applicant=c.applicant_id, kind=c.kind,
             received=c.received_on.isoformat(), handler=c.handler, on=c.finding_on.isoformat(), finding=c.finding)


def _line(c: Any, applicant: str, keys_dir: Path | None) -> ComplaintLine:
    signed = None
    if c.status == "concluded" and keys_dir is not None:
        from zc_review.seal.office_sign import office_signature_valid

        signed = (c.finding_statement == finding_statement(c)
                  and office_signature_valid(keys_dir, c.finding_statement, c.finding_signature))
    return ComplaintLine(int(c.id), c.session_id, c.applicant_id, applicant, label_of("complaint_kind", c.kind),
                         c.received_on, c.summary, label_of("complaint_status", c.status), c.handler, c.finding,
                         c.finding_on, signed)


def record_complaint(url: str, session_id: str, applicant: str, *, kind: str, summary: str,
                     received_on: date | None = None, handler: str = "",
                     recorded_by: str | None = None) -> ComplaintLine:
    """``office complaint add``: record a complaint or a re-examination request (status received).

    ``applicant``: the applicant's id or code in that session. Raises: ServiceError("archive_session_unknown"),
    ("complaint_applicant_unknown") (not in that session: nothing recorded), ("complaint_kind_invalid"),
    ("complaint_summary_empty"); what ``archive.archive`` raises.
    """
    from zc_review.service.office.archive import archive, current_user
    from zc_review.service.office.archive_notice import filed_or_refuse
    from zc_review.storage.archive import ArchiveComplaint
    from zc_review.storage.repo import archive as repo

    if kind not in KINDS:
        raise ServiceError("complaint_kind_invalid", kind=kind)
    if not summary.strip():
        raise ServiceError("complaint_summary_empty")
    with archive(url, write=True) as s:
        filed_or_refuse(s, session_id)
        r = _applicant(s, session_id, applicant)
        c = ArchiveComplaint(session_id=session_id, applicant_id=r.applicant_id, kind=kind,
                             received_on=received_on or date.today(), summary=summary.strip(), status="received",
                             handler=handler.strip(), recorded_at=datetime.now(UTC),
                             recorded_by=recorded_by or current_user())
        repo.put_row(session=s, row=c)
        return _line(c, f"{r.code} {r.name}", None)


def _applicant(s: Any, session_id: str, applicant: str) -> Any:
    from zc_review.storage.repo import archive as repo

    wanted = applicant.strip()
    for r in repo.results_of(session=s, session_id=session_id):
        if wanted in (r.applicant_id, r.code):
            return r
    raise ServiceError("complaint_applicant_unknown", session=session_id, applicant=wanted)


def _open(s: Any, complaint_id: int) -> Any:
    from zc_review.storage.repo import archive as repo

    c = repo.complaint(session=s, complaint_id=complaint_id)
    if c is None:
        raise ServiceError("complaint_unknown", id=complaint_id)
    if c.status == "concluded":
        raise ServiceError("complaint_concluded", id=complaint_id)
    return c


def update_complaint(url: str, complaint_id: int, *, status: str | None = None,
                     handler: str | None = None) -> ComplaintLine:
    """``office complaint update``: set who handles it and/or its status (received or investigating; a
    finding concludes it: :func:`conclude_complaint`).

    Raises: ServiceError("complaint_unknown"), ("complaint_concluded") (a signed finding is final),
    ("complaint_status_invalid"); what ``archive.archive`` raises.
    """
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive as repo

    if status is not None and status not in STATUSES[:2]:
        raise ServiceError("complaint_status_invalid", status=status)
    with archive(url, write=True) as s:
        c = _open(s, complaint_id)
        if status is not None:
            c.status = status
        if handler is not None:
            c.handler = handler.strip()
        repo.put_row(session=s, row=c)
        r = _applicant(s, c.session_id, c.applicant_id)
        return _line(c, f"{r.code} {r.name}", None)


def conclude_complaint(url: str, complaint_id: int, keys_dir: Path, *, finding: str,
                       finding_on: date | None = None, key_passphrase: str | None = None) -> ComplaintLine:
    """``office complaint conclude``: record the finding and its date and sign it with the office root key.

    Raises: ServiceError("complaint_unknown"), ("complaint_concluded"), ("complaint_finding_empty"),
    ("complaint_no_handler") (a finding needs the person who handled it), ("keys_missing"),
    ("office_key_unusable"); what ``archive.archive`` raises. Nothing changes when refused.
    """
    from zc_review.seal.errors import SealError
    from zc_review.seal.office_sign import sign_as_office
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive as repo

    if not finding.strip():
        raise ServiceError("complaint_finding_empty")
    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    with archive(url, write=True) as s:
        c = _open(s, complaint_id)
        if not c.handler:
            raise ServiceError("complaint_no_handler", id=complaint_id)
        c.finding, c.finding_on, c.status = finding.strip(), finding_on or date.today(), "concluded"
        c.finding_statement = finding_statement(c)
        try:
            c.finding_signature, _fp = sign_as_office(keys_dir, c.finding_statement, key_passphrase)
        except (SealError, OSError) as exc:
            raise ServiceError("office_key_unusable", path=str(keys_dir), error=str(exc)) from None
        repo.put_row(session=s, row=c)
        r = _applicant(s, c.session_id, c.applicant_id)
        return _line(c, f"{r.code} {r.name}", keys_dir)


def list_complaints(url: str, session_id: str | None = None, *, keys_dir: Path | None = None) -> list[ComplaintLine]:
    """``office complaint list``: the complaints (of one session or all) in the order recorded; with
    ``keys_dir`` each concluded finding's office signature is checked. Raises: what ``archive.archive`` raises."""
    from zc_review.service.office.archive import archive
    from zc_review.service.office.archive_notice import filed_or_refuse
    from zc_review.storage.repo import archive as repo

    with archive(url) as s:
        if session_id is not None:
            filed_or_refuse(s, session_id)
        rows = repo.complaints(session=s, session_id=session_id)
        names = {}
        for c in rows:
            r = repo.result_of(session=s, session_id=c.session_id, applicant_id=c.applicant_id)
            names[c.id] = f"{r.code} {r.name}" if r else c.applicant_id
    return [_line(c, names[c.id], keys_dir) for c in rows]


def verified_record(url: str, session_id: str, keys_dir: Path, *,
                    key_passphrase: str | None = None) -> tuple[Any, dict[str, bytes]]:
    """The filed bundle of ``session_id`` verified again: (VerifyReport, its plaintext members).

    Raises: ServiceError("archive_session_unknown"), ("archive_bundle_invalid") when the kept bundle no
    longer verifies or is not the one filed (its SHA-256), ("archive_bundle_missing") for a session adopted
    from the first importer's tables before its bundle is imported again; what ``verify_bundle`` and
    ``archive`` raise.
    """
    import hashlib

    from zc_review.seal.errors import SealError
    from zc_review.seal.office_sign import bundle_members
    from zc_review.service.office.archive import archive, grouped_fingerprint
    from zc_review.service.office.verify import verify_bundle
    from zc_review.storage.repo import archive as repo

    with archive(url) as s:
        row = repo.filed_session(session=s, session_id=session_id, with_bundle=True)
        if row is None:
            raise ServiceError("archive_session_unknown", session=session_id)
        data, sha = row.bundle, row.bundle_sha256
    if data is None:  # adopted from the first importer's tables, which kept no sealed bundle
        raise ServiceError("archive_bundle_missing", session=session_id, fingerprint=grouped_fingerprint(sha))
    if hashlib.sha256(data).hexdigest() != sha:
        raise ServiceError("archive_bundle_invalid", session=session_id, failures=t("office.bundle_digest_differs"))
    with tempfile.TemporaryDirectory(prefix="zc-archive-") as tmp:
        path = Path(tmp) / f"{session_id}.zcb"
        path.write_bytes(data)
        rep = verify_bundle(path, keys_dir, key_passphrase=key_passphrase)
    if not rep.ok or rep.definition is None:
        raise ServiceError("archive_bundle_invalid", session=session_id, failures="\n".join(rep.failures()))
    try:
        members = bundle_members(data, keys_dir, key_passphrase)
    except SealError as exc:
        raise ServiceError("archive_bundle_invalid", session=session_id, failures=str(exc)) from None
    return rep, members


def evidence_extract(rep: Any, applicant_id: str) -> dict[str, Any]:
    """The investigator's extract for one applicant from a verified record (a plain JSON-able dict).

    Reviewers appear only as codes 专家1…n, numbered in the order of their material score (highest first),
    not of the roster, so a code cannot be matched to the committee list; the votes are counts only; a
    recusal gives its reason and who recorded it (pre-declared or in the room), not the reviewer.
    Shape: FORMATS.md "Evidence extract". Source: RULES.md §1, §5; 000 第二十七条.
    """
    from zc_review.domain.model import ScorePart
    from zc_review.domain.outcome import latest_submitted
    from zc_review.domain.rules import part_score

    defn, record = rep.definition, rep.record
    a = defn.applicant(applicant_id)
    panel = defn.panel(a.panel_id)
    rubric = defn.rubric(panel.rubric_id)
    attending = {rid for rid, v in record["attendance"].items() if v}
    recused = {x["reviewer_id"] for x in record["recusals"] if x["applicant_id"] == a.id}
    counted = [sh for (rid, aid), sh in latest_submitted(record["sheets"]).items()
               if aid == a.id and rid in panel.member_ids and rid in attending and rid not in recused]

    def parts(sh: dict[str, Any]) -> dict[str, str]:
        values = {k: (None if v is None else Decimal(v)) for k, v in sh["values"].items()}
        out = {"material": str(part_score(rubric, ScorePart.MATERIAL, values))}
        if rubric.has_defence:
            out["defence"] = str(part_score(rubric, ScorePart.DEFENCE, values))
        return out

    scored = sorted(((parts(sh), sh) for sh in counted),
                    key=lambda ps: (-Decimal(ps[0]["material"]), -Decimal(ps[0].get("defence", "0")),
                                    json.dumps(ps[1]["values"], sort_keys=True)))
    d = record["declared"]["applicants"][a.id]
    fr = record["failure_reasons"].get(a.id, {})
    return {
        "session_id": defn.session_id, "committee": defn.committee_name, "applicant_id": a.id, "code": a.code,
        "name": a.name, "employer": a.employer, "group": defn.group(a.group_id).name, "panel": panel.name,
        "rubric": {"id": rubric.id, "name": rubric.name, "version": rubric.version,
                   "criteria": [{"id": c.id, "name": c.name, "part": c.part.value, "max_points": str(c.max_points)}
                                for c in rubric.criteria]},
        "scores": [{"reviewer": t("office.evidence_reviewer_code", n=i), "values": sh["values"], **p}
                   for i, (p, sh) in enumerate(scored, start=1)],
        "declared": {k: d[k] for k in ("material", "defence", "composite", "rank", "agree", "disagree", "abstain",
                                       "base", "runoff_agree", "outcome")},
        "opinion": record["opinions"].get(a.id, ""),
        "reason": fr.get("reason", ""), "guidance": fr.get("guidance", ""),
        "recusals": [{"reason": x["reason"], "source": x["source"]} for x in record["recusals"]
                     if x["applicant_id"] == a.id],
        "attending": len(attending),
    }


def write_evidence(url: str, complaint_id: int, keys_dir: Path, out_dir: Path, *,
                   key_passphrase: str | None = None) -> tuple[Path, dict[str, Any]]:
    """``office complaint evidence``: the extract for the complaint's applicant, verified again from the
    sealed bundle, written as ``complaint-<id>-evidence.json`` (UTF-8, 0600) in ``out_dir``.

    Returns: (the file, the extract). Raises: ServiceError("complaint_unknown"), what :func:`verified_record`
    raises.
    """
    from zc_review.service.atomic import make_private_dir, write_atomic
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo import archive as repo

    with archive(url) as s:
        c = repo.complaint(session=s, complaint_id=complaint_id)
        if c is None:
            raise ServiceError("complaint_unknown", id=complaint_id)
        session_id, applicant_id, kind, summary = c.session_id, c.applicant_id, c.kind, c.summary
    rep, _ = verified_record(url, session_id, keys_dir, key_passphrase=key_passphrase)
    extract = {"complaint": {"id": complaint_id, "kind": kind, "summary": summary},
               "bundle_fingerprint": rep.fingerprint, **evidence_extract(rep, applicant_id)}
    make_private_dir(out_dir)
    path = out_dir / f"complaint-{complaint_id}-evidence.json"
    write_atomic(path, (json.dumps(extract, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return path, extract
