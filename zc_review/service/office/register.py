"""The office's register of issued packages: written at ``office pack`` and ``office recover``, rebuilt from
the office's own package files with ``office register`` (issue 12 §1).

The register (``issued-packages.json`` in the keys folder, signed by the office root: format in
``zc_review.seal.register``) lists every package the office issued: its id, session, official or
rehearsal, the SHA-256 of its device certificate, when, and which later package superseded it. The
verifier accepts a bundle only from the latest package of its session whose device certificate it names.

Supersession: ``office recover`` supersedes the package it re-issues; among the *official* packages of one
session, each is superseded by the next one issued (packing a session again voids the earlier package).
Rehearsal packages are superseded only by their own recovery: rehearsals may be run more than once, and no
rehearsal bundle is ever accepted as official (``register.official``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from zc_review.i18n import t
from zc_review.seal.pki import OfficeKeys, cert_sha256
from zc_review.seal.register import REGISTER_FILE, IssuedPackage, Register, open_register, seal_register
from zc_review.service.atomic import write_atomic
from zc_review.service.errors import ServiceError, os_error_text


def register_path(keys_dir: Path) -> Path:
    """Where the register lives: ``<keys_dir>/issued-packages.json``."""
    return keys_dir / REGISTER_FILE


def load_register(keys_dir: Path, keys: OfficeKeys) -> Register:
    """The office's register (an empty one when there is no file yet).

    Raises: ServiceError("register_invalid_file") when the file exists but its signature or format is bad
        (nothing is ever appended to a register that does not verify); ("register_unreadable").
    """
    from zc_review.seal.errors import SealError

    path = register_path(keys_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Register(cert_sha256(keys.root_cert))
    except OSError as exc:
        raise ServiceError("register_unreadable", path=str(path), error=os_error_text(exc)) from exc
    try:
        return open_register(data, keys.root_cert)
    except SealError as exc:
        raise ServiceError("register_invalid_file", path=str(path), why=exc.diagnostics()) from exc


def _issued(e: IssuedPackage) -> datetime:
    return datetime.fromisoformat(e.issued_at)


def _chain_official(entries: list[IssuedPackage], session_id: str) -> list[IssuedPackage]:
    """Each official package of ``session_id`` superseded by the next one issued (the newest by none)."""
    official = sorted((i for i, e in enumerate(entries) if e.session_id == session_id and not e.rehearsal),
                      key=lambda i: (_issued(entries[i]), i))
    out = list(entries)
    for pos, i in enumerate(official):
        nxt = entries[official[pos + 1]].package_id if pos + 1 < len(official) else None
        out[i] = replace(out[i], superseded_by=nxt)
    return out


def record_issue(keys_dir: Path, keys: OfficeKeys, entry: IssuedPackage,
                 supersedes: Sequence[str] = ()) -> tuple[Register, bool]:
    """Add ``entry`` to the register (signed anew), marking what it supersedes.

    Args:
        entry: the package just issued (or re-added).
        supersedes: package ids it replaces explicitly (``office recover``); official packages of the same
            session are also chained by issue time.
    Returns: (the register as saved, whether it changed: False when the same package was already there).
    Raises: ServiceError("register_conflict") when the id is registered with another device certificate;
        what :func:`load_register` raises; OSError when the file cannot be written.
    """
    register = load_register(keys_dir, keys)
    known = register.get(entry.package_id)
    if known is not None:
        if known.device_cert_sha256 != entry.device_cert_sha256 or known.session_id != entry.session_id:
            raise ServiceError("register_conflict", package=entry.package_id)
        return register, False
    entries = [replace(e, superseded_by=entry.package_id) if e.package_id in supersedes else e
               for e in register.entries] + [entry]
    entries = _chain_official(entries, entry.session_id)
    register = replace(register, entries=tuple(entries))
    write_atomic(register_path(keys_dir), seal_register(register, keys), 0o600)
    return register, True


def register_packages(packages: Sequence[Path], keys_dir: Path, *,
                      key_passphrase: str | None = None) -> list[str]:
    """Re-add package files the office still holds to its register (``zc-review office register``).

    Each file must carry this office root's signature and open with the office's age key (its
    ``recovery.age``); its id, session, kind, device certificate and issue time are read from the signed
    header and the payload, and the packages it supersedes from its payload (``office recover``). Files are
    added oldest first, so official packages chain by issue time whatever the order given.
    Returns: one Chinese line per package (added, or already there) and per supersession recorded.
    Raises: ServiceError("keys_missing"), ("package_unreadable"), ("register_foreign") for a file that is not
        this office's package, ("package_format_old") for a package of format version 1, ("register_conflict"),
        ("register_invalid_file").
    """
    from zc_review.domain.codec import definition_from_dict
    from zc_review.seal.certs import load_certificate_pem
    from zc_review.seal.errors import FormatVersionError, SealError
    from zc_review.seal.package import office_recover_package, verify_package_signature
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.payload import parse_payload

    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    keys = load_office_keys(keys_dir, key_passphrase)
    found: list[tuple[IssuedPackage, tuple[str, ...]]] = []
    for path in packages:
        try:
            data = path.read_bytes()
            header = verify_package_signature(data, [keys.root_cert])
            payload = parse_payload(office_recover_package(data, keys))
        except OSError as exc:
            raise ServiceError("package_unreadable", path=str(path), error=os_error_text(exc)) from exc
        except FormatVersionError as exc:
            raise ServiceError("package_format_old" if exc.older else "package_format_new", version=exc.version,
                               supported=exc.supported, diagnostics=exc.diagnostics()) from exc
        except (SealError, ServiceError) as exc:
            raise ServiceError("register_foreign", path=str(path)) from exc
        defn = definition_from_dict(payload.session)
        found.append((IssuedPackage(
            package_id=header.package_id, session_id=defn.session_id, rehearsal=bool(defn.rehearsal),
            device_cert_sha256=cert_sha256(load_certificate_pem(payload.device_cert_pem)),
            issued_at=header.created.isoformat(), superseded_by=None, source="register"), payload.supersedes))
    lines = []
    for entry, supersedes in sorted(found, key=lambda x: _issued(x[0])):
        register, changed = record_issue(keys_dir, keys, entry, supersedes)
        if not changed:
            lines.append(t("office.register_known", package=entry.package_id))
            continue
        lines.append(t("office.register_added", package=entry.package_id, session=entry.session_id,
                       kind=t("office.kind_rehearsal") if entry.rehearsal else t("office.kind_official"),
                       fp=entry.device_cert_sha256[:16], issued_at=entry.issued_at))
    register = load_register(keys_dir, keys)
    for e in register.entries:
        if e.superseded_by is not None and any(e.package_id == f.package_id or e.superseded_by == f.package_id
                                               for f, _ in found):
            lines.append(t("office.register_superseded_note", package=e.package_id, by=e.superseded_by))
    return lines
