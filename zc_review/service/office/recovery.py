"""The office's recovery path when an opening secret is lost: re-issue the package with new opening secrets.

Source: issue 3 §3; issue 12 §1. ``recovery.age`` in every package holds the session identity encrypted to the
office's age key; the office opens it (``seal.package.office_recover_package``, after checking the package
carries its own root signature), then seals the same session again as a **new package**: a new package id
(same official or rehearsal mark), a new session device key and certificate, two new opening secrets, and
two new opening letters (chair, supervisor). Personal credentials do not change. The new payload names the
package it supersedes (so a room that began under the old one carries on, see ``RoomContext``) and keeps the
ballot box's key source (so a poll open at the time still unseals). The register marks the old package
superseded: a bundle sealed with the old package's device key is refused (``register.latest``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zc_review.i18n import t
from zc_review.service.atomic import write_atomic
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError, os_error_text
from zc_review.service.office.packing import session_title


@dataclass(frozen=True)
class RecoverResult:
    """The re-issued package, the two opening letters, its new package id and the id it supersedes."""

    package_path: Path
    letters_path: Path
    package_id: str
    supersedes: str = ""


def recover(package: Path, keys_dir: Path, out: Path, *, secrets_out: Path | None = None,
            key_passphrase: str | None = None, clock: Callable[[], datetime] = utcnow) -> RecoverResult:
    """Re-issue ``package`` as ``out`` with new chair and supervisor opening secrets.

    Args:
        package: the package whose opening secret was lost (signed by this office).
        keys_dir: the office keys (root key and age identity).
        out: the new package; the letters go beside it as ``<stem>-opening-letters.pdf``.
        secrets_out: also write the new opening secrets as JSON (rehearsals and tests only).
    Raises: ServiceError("keys_missing"); ServiceError("recover_failed") when the package is not this
        office's or does not open with its key (``diagnostics`` says which check failed);
        ServiceError("recover_superseded") when the register says a later package replaced it (recover that
        one); ServiceError("package_format_old") for a package of format version 1 (pack the session again);
        what the register raises (``register_invalid_file``).
    """
    from zc_review.documents.letters import render_credential_letters
    from zc_review.documents.views import CredentialLetter
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.model import StaffRole
    from zc_review.seal.certs import certificate_pem, private_key_der
    from zc_review.seal.credentials import new_secret
    from zc_review.seal.errors import FormatVersionError, SealError
    from zc_review.seal.package import office_recover_package, verify_package_signature, write_package
    from zc_review.seal.pki import cert_fingerprint, cert_sha256, issue_certificate, load_office_keys
    from zc_review.seal.register import IssuedPackage
    from zc_review.service.office.packing import DEVICE_VALIDITY_DAYS
    from zc_review.service.office.register import load_register, record_issue
    from zc_review.service.office.report import device_common_name
    from zc_review.service.payload import build_payload, parse_payload

    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    keys = load_office_keys(keys_dir, key_passphrase)
    try:
        data = package.read_bytes()
        header = verify_package_signature(data, [keys.root_cert])
        plain = office_recover_package(data, keys)
    except OSError as exc:
        raise ServiceError("package_unreadable", path=str(package), error=os_error_text(exc)) from exc
    except FormatVersionError as exc:
        raise ServiceError("package_format_old" if exc.older else "package_format_new", version=exc.version,
                           supported=exc.supported, diagnostics=exc.diagnostics()) from exc
    except SealError as exc:
        raise ServiceError("recover_failed", diagnostics=exc.diagnostics()) from exc
    old = parse_payload(plain)
    defn = definition_from_dict(old.session)
    known = load_register(keys_dir, keys).get(header.package_id)
    if known is not None and known.superseded_by is not None:
        raise ServiceError("recover_superseded", package=header.package_id, by=known.superseded_by)
    opening = {"chair": new_secret(), "supervisor": new_secret()}
    now = clock()
    # A new package: new id, new device key and certificate (the old package's key can no longer seal an
    # accepted bundle), the old id named as superseded, the ballot box's key source kept.
    device_key, device_cert = issue_certificate(keys, device_common_name(defn.session_id, defn.rehearsal), "device",
                                                "device", now, validity_days=DEVICE_VALIDITY_DAYS)
    payload = dataclasses.replace(old, device_key_der=private_key_der(device_key),
                                  device_cert_pem=certificate_pem(device_cert),
                                  supersedes=(*old.supersedes, header.package_id), ballot_key_der=old.box_key_source)
    new = write_package(build_payload(payload), keys, opening["chair"], opening["supervisor"], now,
                        rehearsal=defn.rehearsal)
    new_header = verify_package_signature(new, [keys.root_cert])
    supervisor = defn.staff_with_role(StaffRole.SUPERVISOR)
    people = [(defn.chair.id, defn.chair.name, t("common.role_chair"), opening["chair"]),
              (supervisor.id, supervisor.name, t("common.role_supervisor"), opening["supervisor"])]
    letters = render_credential_letters([CredentialLetter(
        session_title=session_title(defn), committee_name=defn.committee_name,
        person_name=name, role_label=label, person_id=pid, secret=t("office.recover_letter_secret"),
        opening_secret=secret, office_root_fingerprint=cert_fingerprint(keys.root_cert),
        package_id=new_header.package_id, issued_at=now.strftime("%Y-%m-%d %H:%M"), rehearsal=defn.rehearsal)
        for pid, name, label, secret in people])
    write_atomic(out, new)
    if old.draw_record is not None:  # the re-issued package keeps its draw record: file it under the new id too
        from zc_review.service.office.register_checks import DRAW_RECORDS

        write_atomic(keys_dir / DRAW_RECORDS / f"{new_header.package_id}.json", old.draw_record, 0o600)
    from zc_review.service.office.person_ids import copy_person_keys

    copy_person_keys(keys_dir, header.package_id, new_header.package_id)  # and its applicants' person keys
    record_issue(keys_dir, keys, IssuedPackage(
        package_id=new_header.package_id, session_id=defn.session_id, rehearsal=defn.rehearsal,
        device_cert_sha256=cert_sha256(device_cert), issued_at=new_header.created.isoformat(), source="recover"),
        supersedes=[header.package_id])
    letters_path = out.with_name(f"{out.stem}-opening-letters.pdf")
    write_atomic(letters_path, letters, 0o600)
    if secrets_out is not None:
        write_atomic(secrets_out, json.dumps({"warning": t("office.secrets_file_warning"), "package_id": new_header.package_id,
                                              "opening": opening}, ensure_ascii=False, indent=2).encode(), 0o600)
    return RecoverResult(out, letters_path, new_header.package_id, header.package_id)
