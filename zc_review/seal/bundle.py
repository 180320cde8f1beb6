"""The sealed result bundle (room to office): encrypted to the office, signed by the session device."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyrage
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ._container import format_text, read_zip, write_zip
from .credentials import Rng
from .errors import SealError
from .pki import group_hex, parse_age_identity, verify_chain

KIND = "result bundle"
INNER_KIND = "result bundle payload"
VERSION = 1
MEMBERS = ("FORMAT", "manifest.json", "payload.age", "signature.der")
MAX_BUNDLE_BYTES = 1 << 30
MAX_MANIFEST_BYTES = 1 << 20
MAX_MEMBERS = 10_000
# Portable relative names only: no leading dot or slash, no "..", no backslash, no drive letters.
MEMBER_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}")
_MANIFEST_KEYS = {
    "format", "format_version", "bundle_id", "session_id", "package_id", "created",
    "payload_sha256", "members", "signer_chain_pem",
}


@dataclass(frozen=True)
class BundleContents:
    """A verified and decrypted result bundle.

    Attributes:
        manifest: The signed manifest.json as a dict (fields in docs/FORMATS.md).
        members: Member name -> plaintext bytes, each checked against the manifest digest.
        signer_cert: The session device certificate that signed the manifest.
        fingerprint: :func:`bundle_fingerprint` of the whole file (groups of 4 hex).
    """

    manifest: dict[str, Any]
    members: dict[str, bytes]
    signer_cert: x509.Certificate
    fingerprint: str


def bundle_fingerprint(data: bytes) -> str:
    """Return the SHA-256 of the whole bundle file, 16 groups of 4 upper-case hex digits."""
    return group_hex(hashlib.sha256(data).hexdigest())


def _check_names(names: Sequence[str]) -> None:
    if len(names) > MAX_MEMBERS:
        raise SealError("bundle: too many members")
    for name in names:
        if not MEMBER_NAME_RE.fullmatch(name) or "/." in name or name == "FORMAT":
            raise SealError(f"bundle: bad member name {name!r}")


def write_bundle(
    members: Mapping[str, bytes],
    session_id: str,
    package_id: str,
    device_key: ec.EllipticCurvePrivateKey,
    device_cert: x509.Certificate,
    office_recipient: str,
    now: dt.datetime,
    rng: Rng = os.urandom,
) -> bytes:
    """Seal the session's results for the office (format in docs/FORMATS.md).

    Args:
        members: Name -> bytes, e.g. ``{"results.json": ..., "minutes.pdf": ...}``; names match
            :data:`MEMBER_NAME_RE` (ASCII, relative, no ``..``); stored sorted by name.
        session_id: The session's id.
        package_id: The ``package_id`` of the session package this answers.
        device_key: The session device's P-256 private key.
        device_cert: Its certificate, issued by the office root.
        office_recipient: The office's ``age1...`` recipient.
        now: Timezone-aware creation time.
        rng: Source of the bundle id.

    Returns:
        The bundle bytes (members + ~2 KB).

    Raises:
        ValueError: Bad member name, naive ``now``, bad recipient, or key/cert mismatch.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if device_cert.public_key() != device_key.public_key():
        raise ValueError("device key does not match the device certificate")
    names = sorted(members)
    try:
        _check_names(names)
    except SealError as exc:
        raise ValueError(exc.diagnostics()) from None
    try:
        recipient = pyrage.x25519.Recipient.from_str(office_recipient.strip())
    except Exception as exc:  # noqa: BLE001 - pyrage.RecipientError
        raise ValueError(f"bad office recipient: {exc}") from None
    inner = write_zip([("FORMAT", format_text(INNER_KIND, VERSION))] + [(n, members[n]) for n in names])
    payload = pyrage.encrypt(inner, [recipient])
    manifest = {
        "format": "zc-review " + KIND,
        "format_version": VERSION,
        "bundle_id": rng(16).hex(),
        "session_id": session_id,
        "package_id": package_id,
        "created": now.isoformat(timespec="seconds"),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "members": {n: hashlib.sha256(members[n]).hexdigest() for n in names},
        "signer_chain_pem": [device_cert.public_bytes(serialization.Encoding.PEM).decode("ascii")],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    signature = device_key.sign(manifest_bytes, ec.ECDSA(hashes.SHA256()))
    return write_zip(
        [
            ("FORMAT", format_text(KIND, VERSION)),
            ("manifest.json", manifest_bytes),
            ("payload.age", payload),
            ("signature.der", signature),
        ]
    )


def _parse_manifest(raw: bytes) -> tuple[dict[str, Any], x509.Certificate, dt.datetime]:
    try:
        m = json.loads(raw.decode("utf-8"))
        if not isinstance(m, dict) or set(m) != _MANIFEST_KEYS:
            raise ValueError("manifest keys differ from the format")
        if m["format"] != "zc-review " + KIND or m["format_version"] != VERSION:
            raise ValueError("manifest format or version disagrees with FORMAT")
        for key in ("bundle_id", "session_id", "package_id", "payload_sha256"):
            if not isinstance(m[key], str):
                raise ValueError(f"{key} is not a string")
        created = dt.datetime.fromisoformat(m["created"])
        if created.tzinfo is None:
            raise ValueError("created lacks a UTC offset")
        members = m["members"]
        if not isinstance(members, dict) or not all(
            isinstance(v, str) and len(v) == 64 for v in members.values()
        ):
            raise ValueError("members must map names to SHA-256 hex")
        chain = m["signer_chain_pem"]
        if not isinstance(chain, list) or len(chain) != 1 or not isinstance(chain[0], str):
            raise ValueError("signer_chain_pem must hold exactly the device certificate")
        cert = x509.load_pem_x509_certificate(chain[0].encode("ascii"))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SealError(f"bundle: manifest malformed: {exc}") from None
    _check_names(list(members))
    return m, cert, created


def verify_bundle_signature(
    data: bytes, trusted_roots: Sequence[x509.Certificate]
) -> tuple[dict[str, Any], x509.Certificate]:
    """Check a bundle's structure, device signature and certificate chain; needs no key.

    The device certificate must be issued directly by one of ``trusted_roots`` and be valid at
    the manifest's ``created`` time; ``payload.age`` must match ``payload_sha256``.

    Returns:
        ``(manifest, signer_cert)``.

    Raises:
        FormatVersionError: Newer format version.
        SealError: Any other failure.
    """
    manifest, cert, _ = _verify(data, trusted_roots)
    return manifest, cert


def _verify(
    data: bytes, trusted_roots: Sequence[x509.Certificate]
) -> tuple[dict[str, Any], x509.Certificate, dict[str, bytes]]:
    parts = dict(
        read_zip(data, kind=KIND, version=VERSION, names=MEMBERS, max_total=MAX_BUNDLE_BYTES,
                 max_member=MAX_BUNDLE_BYTES)
    )
    if len(parts["manifest.json"]) > MAX_MANIFEST_BYTES:
        raise SealError("bundle: manifest.json too large")
    manifest, cert, created = _parse_manifest(parts["manifest.json"])
    issuers = [r for r in trusted_roots if r.subject == cert.issuer]
    chain_errors = []
    for root in issuers:
        try:
            verify_chain(cert, root, at=created)
            break
        except SealError as exc:
            chain_errors.append(exc.diagnostics())
    else:
        raise SealError(f"bundle: signer certificate not issued by a trusted root {chain_errors}")
    pub = cert.public_key()
    if not isinstance(pub, ec.EllipticCurvePublicKey):
        raise SealError("bundle: signer key is not EC")
    try:
        pub.verify(parts["signature.der"], parts["manifest.json"], ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SealError("bundle: manifest signature invalid") from None
    if hashlib.sha256(parts["payload.age"]).hexdigest() != manifest["payload_sha256"]:
        raise SealError("bundle: payload.age digest mismatch")
    return manifest, cert, parts


def open_bundle(
    data: bytes, trusted_roots: Sequence[x509.Certificate], office_age_identity: str
) -> BundleContents:
    """Verify and decrypt a result bundle at the office.

    Checks, in order: container structure, manifest form, device certificate chain to a trusted
    root, signature over manifest.json, payload digest; then decrypts and checks the inner ZIP
    has exactly the manifest's members with matching SHA-256 digests.

    Args:
        data: The bundle file's bytes.
        trusted_roots: The office's own root(s).
        office_age_identity: ``AGE-SECRET-KEY-1...`` or the text of an age identity file.

    Returns:
        The verified contents.

    Raises:
        FormatVersionError: Newer format version.
        SealError: Any other failure; ``diagnostics()`` names the failed check.
    """
    manifest, cert, parts = _verify(data, trusted_roots)
    payload = parts["payload.age"]
    try:
        identity = pyrage.x25519.Identity.from_str(parse_age_identity(office_age_identity))
        inner = bytes(pyrage.decrypt(payload, [identity]))
    except Exception:  # noqa: BLE001 - SealError, pyrage.DecryptError
        raise SealError("bundle: age decryption failed (not encrypted to this office?)") from None
    names = sorted(manifest["members"])
    got = read_zip(inner, kind=INNER_KIND, version=VERSION, names=["FORMAT", *names],
                   max_total=len(inner), max_member=len(inner))
    members = dict(got[1:])
    for name in names:
        if hashlib.sha256(members[name]).hexdigest() != manifest["members"][name]:
            raise SealError(f"bundle: member digest mismatch: {name}")
    return BundleContents(manifest, members, cert, bundle_fingerprint(data))
