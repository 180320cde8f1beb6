"""The office, last: file a verified result bundle in the office archive, once.

The archive (``zc_review.storage.archive``) keeps one row per session (with its sealed bundle) and one per
applicant; the same
bundle imported twice changes nothing, another bundle of an imported session is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from zc_review.service.errors import ServiceError
from zc_review.service.office.person_ids import read_person_keys
from zc_review.service.office.verify import VerifyReport, verify_bundle


@dataclass(frozen=True)
class ImportResult:
    """What an import did: ``created`` False when the same bundle had already been imported.

    ``passed``/``applicants``: how many applicants passed, of how many in the session.
    """

    report: VerifyReport
    created: bool
    session_id: str
    passed: int
    applicants: int


def import_bundle(bundle: Path, keys_dir: Path, db_url: str, *, key_passphrase: str | None = None,
                  allow_rehearsal: bool = False, imported_by: str | None = None) -> ImportResult:
    """Verify a bundle completely and file its results in the office archive, once.

    Args:
        bundle: the sealed result bundle from the room.
        keys_dir: the office keys (the age identity opens the bundle).
        db_url: the archive's SQLAlchemy URL, e.g. ``sqlite:///archive.db`` or
            ``postgresql+psycopg://office@host/archive``.
        allow_rehearsal: accept a rehearsal (演练) bundle (a rehearsal archive).
        imported_by: who imports (default: the office user's login name).
    Raises: ServiceError("import_refused", failures, checks) on any failed check (``checks``: the failed
        checks' ids, e.g. ``register.official``);
        ServiceError("import_conflict") when a different bundle of the same session was imported
        (an older or altered bundle replayed); ServiceError("rehearsal_refused") for a rehearsal
        bundle in an official archive; what ``verify_bundle`` and ``archive.archive`` raise (an
        unreachable database: nothing is filed).
    Importing the same bundle again changes nothing and returns created=False (a session adopted from the
    first importer's tables gets its sealed bundle and its person keys then). Each result's person key is
    read from the keyed hashes ``office pack`` filed beside the register for the bundle's package
    (``person_ids``; none for a package without identity-card numbers). What is filed: the session's
    facts, each applicant's result, opinion, reason and guidance, and the sealed bundle as it came (so the
    evidence and the signed minutes are read from it again, verified); never a reviewer (RULES.md §1).
    """
    from zc_review.service.office.archive import archive, current_user
    from zc_review.storage.archive import ArchiveResult, ArchiveSession
    from zc_review.storage.repo import archive as repo

    rep = verify_bundle(bundle, keys_dir, key_passphrase=key_passphrase)
    if not rep.ok or rep.definition is None:
        raise ServiceError("import_refused", failures="\n".join(rep.failures()), checks=", ".join(rep.failed_ids()))
    defn, record = rep.definition, rep.record
    if defn.rehearsal and not allow_rehearsal:
        raise ServiceError("rehearsal_refused")
    declared = record["declared"]["applicants"]
    passed = sum(1 for v in declared.values() if v["outcome"] == "passed")
    data = bundle.read_bytes()
    if hashlib.sha256(data).hexdigest() != rep.bundle_sha256:  # the file changed after it was verified
        raise ServiceError("import_changed_file", path=str(bundle))
    person_keys = read_person_keys(keys_dir, record["package_id"], defn.session_id)
    with archive(db_url, write=True) as s:
        filed = repo.filed_sha256(session=s, session_id=defn.session_id)
        if filed is not None:
            if filed != rep.bundle_sha256:
                raise ServiceError("import_conflict", session=defn.session_id)
            # the same bundle again: changes nothing, except that a session adopted from the first
            # importer's tables (no sealed bundle kept) now gets it, and its results their person keys
            repo.complete_adopted(session=s, session_id=defn.session_id, bundle=data,
                                  person_keys=person_keys)
            return ImportResult(rep, False, defn.session_id, passed, len(defn.applicants))
        results = []
        for a in defn.applicants:
            d = declared[a.id]
            fr = record["failure_reasons"].get(a.id, {})
            results.append(ArchiveResult(
                session_id=defn.session_id, applicant_id=a.id, code=a.code, name=a.name, employer=a.employer,
                group_id=a.group_id, group_name=defn.group(a.group_id).name, target_title=a.dossier.target_title,
                composite=d["composite"], rank=d["rank"], agree=d["agree"], disagree=d["disagree"],
                abstain=d["abstain"], outcome=d["outcome"], opinion=record["opinions"].get(a.id, ""),
                reason=fr.get("reason", ""), guidance=fr.get("guidance", ""), person_key=person_keys.get(a.id)))
        repo.file_session(session=s, row=ArchiveSession(
            session_id=defn.session_id, bundle_sha256=rep.bundle_sha256, package_id=record["package_id"],
            committee_name=defn.committee_name, organizing_body=defn.organizing_body, series=defn.series.value,
            title_level=defn.title_level, year=defn.year, scheduled_date=date.fromisoformat(defn.scheduled_date),
            rehearsal=defn.rehearsal, applicants=len(defn.applicants), passed=passed, log_head=record["log_head"],
            imported_at=datetime.now(UTC), imported_by=imported_by or current_user(), bundle=data), results=results)
    return ImportResult(rep, True, defn.session_id, passed, len(defn.applicants))
