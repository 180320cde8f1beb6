"""The office's recovery path when an opening secret is lost: re-issue the package with new opening secrets.

Source: issue 3 §3. ``recovery.age`` in every package holds the session identity encrypted to the office's
age key; the office opens it (``seal.package.office_recover_package``, after checking the package carries
its own root signature), then seals the same payload again under two new opening secrets, with the same
package id, and prints two new opening letters (chair, supervisor). Personal credentials do not change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zc_review.i18n import t
from zc_review.service.atomic import write_atomic
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError
from zc_review.service.office.packing import session_title


@dataclass(frozen=True)
class RecoverResult:
    """The re-issued package, the two opening letters, and the (unchanged) package id."""

    package_path: Path
    letters_path: Path
    package_id: str


def recover(package: Path, keys_dir: Path, out: Path, *, secrets_out: Path | None = None,
            key_passphrase: str | None = None, clock: Callable[[], datetime] = utcnow) -> RecoverResult:
    """Re-issue ``package`` as ``out`` with new chair and supervisor opening secrets.

    Args:
        package: the package whose opening secret was lost (signed by this office).
        keys_dir: the office keys (root key and age identity).
        out: the new package; the letters go beside it as ``<stem>-opening-letters.pdf``.
        secrets_out: also write the new opening secrets as JSON (rehearsals and tests only).
    Raises: ServiceError("keys_missing"); ServiceError("recover_failed") when the package is not this
        office's or does not open with its key (``diagnostics`` says which check failed).
    """
    from zc_review.documents.letters import render_credential_letters
    from zc_review.documents.views import CredentialLetter
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.model import StaffRole
    from zc_review.seal.credentials import new_secret
    from zc_review.seal.errors import SealError
    from zc_review.seal.package import office_recover_package, verify_package_signature, write_package
    from zc_review.seal.pki import cert_fingerprint, load_office_keys
    from zc_review.service.payload import parse_payload

    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    keys = load_office_keys(keys_dir, key_passphrase)
    try:
        data = package.read_bytes()
        header = verify_package_signature(data, [keys.root_cert])
        plain = office_recover_package(data, keys)
    except OSError as exc:
        raise ServiceError("package_unreadable", path=str(package), error=exc.strerror or str(exc)) from exc
    except SealError as exc:
        raise ServiceError("recover_failed", diagnostics=exc.diagnostics()) from exc
    defn = definition_from_dict(parse_payload(plain).session)
    opening = {"chair": new_secret(), "supervisor": new_secret()}
    now = clock()
    # Same payload, same package id (the room resumes a session under it), new session identity and layers.
    new = write_package(plain, keys, opening["chair"], opening["supervisor"], now,
                        rng=lambda n: bytes.fromhex(header.package_id)[:n])
    if verify_package_signature(new, [keys.root_cert]).package_id != header.package_id:
        raise AssertionError("package id changed")
    supervisor = defn.staff_with_role(StaffRole.SUPERVISOR)
    people = [(defn.chair.id, defn.chair.name, t("common.role_chair"), opening["chair"]),
              (supervisor.id, supervisor.name, t("common.role_supervisor"), opening["supervisor"])]
    letters = render_credential_letters([CredentialLetter(
        session_title=session_title(defn), committee_name=defn.committee_name,
        person_name=name, role_label=label, person_id=pid, secret=t("office.recover_letter_secret"),
        opening_secret=secret, office_root_fingerprint=cert_fingerprint(keys.root_cert),
        package_id=header.package_id, issued_at=now.strftime("%Y-%m-%d %H:%M"), rehearsal=defn.rehearsal)
        for pid, name, label, secret in people])
    write_atomic(out, new)
    letters_path = out.with_name(f"{out.stem}-opening-letters.pdf")
    write_atomic(letters_path, letters, 0o600)
    if secrets_out is not None:
        write_atomic(secrets_out, json.dumps({"warning": t("office.secrets_file_warning"), "package_id": header.package_id,
                                              "opening": opening}, ensure_ascii=False, indent=2).encode(), 0o600)
    return RecoverResult(out, letters_path, header.package_id)
