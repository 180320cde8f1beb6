"""The office, last: file a verified result bundle in the office archive, once.

The archive (``zc_review.storage.archive``) keeps one row per session and one per applicant; the same
bundle imported twice changes nothing, another bundle of an imported session is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zc_review.service.errors import ServiceError
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
                  allow_rehearsal: bool = False) -> ImportResult:
    """Verify a bundle completely and file its results in the office archive, once.

    Args:
        bundle: the sealed result bundle from the room.
        keys_dir: the office keys (the age identity opens the bundle).
        db_url: the archive's SQLAlchemy URL, e.g. ``sqlite:///archive.db``.
        allow_rehearsal: accept a rehearsal (演练) bundle (a rehearsal archive).
    Raises: ServiceError("import_refused", failures, checks) on any failed check (``checks``: the failed
        checks' ids, e.g. ``register.official``);
        ServiceError("import_conflict") when a different bundle of the same session was imported
        (an older or altered bundle replayed); ServiceError("rehearsal_refused") for a rehearsal
        bundle in an official archive; what ``verify_bundle`` raises.
    Importing the same bundle again changes nothing and returns created=False.
    """
    from zc_review.storage.archive import (
        ImportedBundle,
        ImportedResult,
        file_bundle,
        imported_bundle_sha256,
        make_archive_engine,
    )

    rep = verify_bundle(bundle, keys_dir, key_passphrase=key_passphrase)
    if not rep.ok or rep.definition is None:
        raise ServiceError("import_refused", failures="\n".join(rep.failures()), checks=", ".join(rep.failed_ids()))
    defn, record = rep.definition, rep.record
    if defn.rehearsal and not allow_rehearsal:
        raise ServiceError("rehearsal_refused")
    engine = make_archive_engine(db_url)
    declared = record["declared"]["applicants"]
    passed = sum(1 for v in declared.values() if v["outcome"] == "passed")
    filed = imported_bundle_sha256(engine, defn.session_id)
    if filed is not None:
        if filed == rep.bundle_sha256:
            return ImportResult(rep, False, defn.session_id, passed, len(defn.applicants))
        raise ServiceError("import_conflict", session=defn.session_id)
    results = []
    for a in defn.applicants:
        d = declared[a.id]
        fr = record["failure_reasons"].get(a.id, {})
        results.append(ImportedResult(session_id=defn.session_id, applicant_id=a.id, code=a.code, name=a.name,
                                      employer=a.employer, group_name=defn.group(a.group_id).name,
                                      composite=d["composite"], agree=d["agree"], disagree=d["disagree"],
                                      abstain=d["abstain"], outcome=d["outcome"], reason=fr.get("reason", ""),
                                      guidance=fr.get("guidance", "")))
    file_bundle(engine, ImportedBundle(
        session_id=defn.session_id, bundle_sha256=rep.bundle_sha256, package_id=record["package_id"],
        committee_name=defn.committee_name, rehearsal=defn.rehearsal, imported_at=datetime.now(UTC),
        applicants=len(defn.applicants), passed=passed, log_head=record["log_head"],
        results_json=json.dumps(record, ensure_ascii=False, sort_keys=True)), results)
    return ImportResult(rep, True, defn.session_id, passed, len(defn.applicants))
