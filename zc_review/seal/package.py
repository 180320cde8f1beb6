"""The session package (office to room): signed, age-encrypted, opened by chair and supervisor together."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyrage
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ._container import format_text, read_zip, write_zip
from .credentials import Rng, normalize_secret
from .errors import OpeningSecretError, SealError
from .opening import OPENING_SCRYPT, SALT_BYTES, Role, opening_identity
from .pki import OfficeKeys, cert_sha256, parse_age_identity
from .register import REHEARSAL_PREFIX

KIND = "session package"
#: 2 since the opening layers became age X25519 to scrypt-derived identities with a pinned work factor (issue 12
#: §5); version 1 (age passphrase layers, work factor chosen by the library) is refused with its own message.
VERSION = 2
MEMBERS = ("FORMAT", "header.json", "payload.age", "opening.age", "recovery.age", "signature.der")
SIGNED_MEMBERS = MEMBERS[:-1]
MAX_PACKAGE_BYTES = 1 << 30  # 1 GiB: far above a session with scanned dossiers, far below RAM
MAX_HEADER_BYTES = 64 * 1024
_PACKAGE_ID = re.compile(f"({REHEARSAL_PREFIX})?[0-9a-f]{{32}}")
_HEADER_KEYS = {"format", "format_version", "package_id", "created", "office_root_sha256", "signer_cert_pem",
                "opening"}
_OPENING_KEYS = {"kdf", "log2_n", "r", "p", "salt"}
_SALT_HEX = re.compile(f"[0-9a-f]{{{2 * SALT_BYTES}}}")


@dataclass(frozen=True)
class PackageHeader:
    """The signed, unencrypted header of a session package.

    Attributes:
        format_version: Always 2 here.
        package_id: 32 lowercase hex digits (16 random bytes); a rehearsal package's id carries the
            prefix ``"rehearsal-"`` (:data:`zc_review.seal.register.REHEARSAL_PREFIX`), signed with the rest.
        created: Timezone-aware creation time stated by the office.
        office_root_sha256: SHA-256 hex of the signing root certificate (DER).
        signer_cert: The root certificate that signed the package (one of the trusted roots).
        opening_salt: The 16 random bytes the opening layers' scrypt salts end with (header ``opening.salt``);
            the work factor beside it is always :data:`zc_review.seal.opening.OPENING_SCRYPT`.
    """

    format_version: int
    package_id: str
    created: dt.datetime
    office_root_sha256: str
    signer_cert: x509.Certificate
    opening_salt: bytes


def opening_header(salt: bytes) -> dict[str, Any]:
    """The header's ``opening`` object: ``{"kdf": "scrypt", "log2_n": 16, "r": 8, "p": 1, "salt": <32 hex>}``."""
    return {"kdf": "scrypt", "log2_n": OPENING_SCRYPT.log2_n, "r": OPENING_SCRYPT.r, "p": OPENING_SCRYPT.p,
            "salt": salt.hex()}


def signed_digest_input(members: Sequence[tuple[str, bytes]]) -> bytes:
    """Return what ``signature.der`` signs: the 32-byte SHA-256 of each of the first five members,
    concatenated in member order (160 bytes)."""
    return b"".join(hashlib.sha256(body).digest() for _, body in members[: len(SIGNED_MEMBERS)])


def _identity_text(identity: str, recipient: str) -> bytes:
    return f"# zc-review session identity\n# public key: {recipient}\n{identity}\n".encode("ascii")


def write_package(
    payload: bytes,
    office_keys: OfficeKeys,
    chair_secret: str,
    supervisor_secret: str,
    now: dt.datetime,
    rng: Rng = os.urandom,
    *,
    rehearsal: bool = False,
) -> bytes:
    """Seal ``payload`` into a session package (format in docs/FORMATS.md).

    A fresh X25519 session identity encrypts the payload. The identity is stored twice:
    ``opening.age`` = age(chair layer identity, age(supervisor layer identity, identity)) so both secrets
    are needed, each layer identity derived from its secret by scrypt with the pinned work factor and the
    header's random salt (:func:`zc_review.seal.opening.opening_identity`); and ``recovery.age`` = age to the
    office recipient. The office root key signs the SHA-256 digests of the first five members.

    Args:
        payload: Opaque bytes (the service's session ZIP); at most about 1 GiB.
        office_keys: Signs the package and receives the recovery copy.
        chair_secret: The chair's opening secret (``new_secret()`` form).
        supervisor_secret: The supervisor's opening secret; must differ from the chair's.
        now: Timezone-aware creation time written to the header.
        rng: Source of the package id and the opening salt (age and ECDSA use their own OS randomness).
        rehearsal: A rehearsal (演练) package: its id is ``"rehearsal-"`` + 32 hex digits, so the mark is
            under the office's signature, not only in the session's JSON flag (issue 12 §1).

    Returns:
        The package bytes (payload size + about 2 KB). Takes about 0.5 s: two scrypt derivations at the pinned
        work factor (log2 N = 16, 64 MiB; docs/FORMATS.md).

    Raises:
        ValueError: A secret is malformed, the two secrets are equal, or ``now`` is naive.
    """
    chair = normalize_secret(chair_secret)
    supervisor = normalize_secret(supervisor_secret)
    if chair == supervisor:
        raise ValueError("the chair's and the supervisor's opening secrets must differ")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    identity = pyrage.x25519.Identity.generate()
    recipient = identity.to_public()
    package_id = (REHEARSAL_PREFIX if rehearsal else "") + rng(16).hex()
    salt = rng(SALT_BYTES)
    header = {
        "format": "zc-review " + KIND,
        "format_version": VERSION,
        "package_id": package_id,
        "created": now.isoformat(timespec="seconds"),
        "opening": opening_header(salt),
        "office_root_sha256": cert_sha256(office_keys.root_cert),
        "signer_cert_pem": office_keys.root_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    }
    id_text = _identity_text(str(identity), str(recipient))
    office_recipient = pyrage.x25519.Recipient.from_str(office_keys.age_recipient)
    chair_layer = opening_identity(chair, "chair", salt).to_public()
    supervisor_layer = opening_identity(supervisor, "supervisor", salt).to_public()
    members = [
        ("FORMAT", format_text(KIND, VERSION)),
        ("header.json", _json_bytes(header)),
        ("payload.age", pyrage.encrypt(payload, [recipient])),
        ("opening.age", pyrage.encrypt(pyrage.encrypt(id_text, [supervisor_layer]), [chair_layer])),
        ("recovery.age", pyrage.encrypt(id_text, [office_recipient])),
    ]
    signature = office_keys.root_key.sign(signed_digest_input(members), ec.ECDSA(hashes.SHA256()))
    members.append(("signature.der", signature))
    return write_zip(members)


def _json_bytes(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _read(data: bytes) -> dict[str, bytes]:
    members = read_zip(
        data, kind=KIND, version=VERSION, names=MEMBERS, max_total=MAX_PACKAGE_BYTES, max_member=MAX_PACKAGE_BYTES
    )
    return dict(members)


def _verify(data: bytes, trusted_roots: Sequence[x509.Certificate]) -> tuple[PackageHeader, dict[str, bytes]]:
    parts = _read(data)
    if len(parts["header.json"]) > MAX_HEADER_BYTES:
        raise SealError("package: header.json too large")
    signed = signed_digest_input(list(parts.items()))
    # Try each trusted root rather than trusting the header's claim: nothing inside the
    # package is interpreted before the signature is known good.
    signer = None
    for root in trusted_roots:
        pub = root.public_key()
        if not isinstance(pub, ec.EllipticCurvePublicKey):
            continue
        try:
            pub.verify(parts["signature.der"], signed, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        signer = root
        break
    if signer is None:
        raise SealError("package: outer signature invalid or not by a trusted root")
    try:
        header = json.loads(parts["header.json"].decode("utf-8"))
        if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
            raise ValueError(f"header keys {sorted(header) if isinstance(header, dict) else header!r}")
        if header["format"] != "zc-review " + KIND or header["format_version"] != VERSION:
            raise ValueError("header format or version disagrees with FORMAT")
        created = dt.datetime.fromisoformat(header["created"])
        if created.tzinfo is None:
            raise ValueError("created lacks a UTC offset")
        header_cert = x509.load_pem_x509_certificate(header["signer_cert_pem"].encode("ascii"))
        package_id = header["package_id"]
        if not isinstance(package_id, str) or not _PACKAGE_ID.fullmatch(package_id):
            raise ValueError("package_id")
        salt = _opening_salt(header["opening"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SealError(f"package: signed header malformed: {exc}") from None
    if header["office_root_sha256"] != cert_sha256(signer) or header_cert != signer:
        raise SealError("package: header names another signer than the verifying root")
    return PackageHeader(VERSION, package_id, created, cert_sha256(signer), signer, salt), parts


def _opening_salt(opening: Any) -> bytes:
    """The salt of the header's ``opening`` object, which must state exactly the pinned work factor."""
    if not isinstance(opening, dict) or set(opening) != _OPENING_KEYS:
        raise ValueError("opening keys")
    salt = opening["salt"]
    if not isinstance(salt, str) or not _SALT_HEX.fullmatch(salt):
        raise ValueError("opening salt")
    # type() so that True/1.0 never pass for 1: the work factor is the pinned one, byte for byte.
    if any(type(opening[k]) is not int for k in ("log2_n", "r", "p")) or opening != opening_header(bytes.fromhex(salt)):
        raise ValueError(f"opening work factor is not the pinned one ({OPENING_SCRYPT})")
    return bytes.fromhex(salt)


def verify_package_signature(data: bytes, trusted_roots: Sequence[x509.Certificate]) -> PackageHeader:
    """Check a package's structure and office signature; needs no secret.

    Args:
        data: The package file's bytes.
        trusted_roots: Root certificates the room trusts (from the trust store).

    Returns:
        The signed header.

    Raises:
        FormatVersionError: The package is of a newer format version.
        SealError: Malformed container or header, or no trusted root made the signature.
    """
    return _verify(data, trusted_roots)[0]


def _decrypt_payload(parts: dict[str, bytes], id_text: bytes) -> bytes:
    try:
        identity = pyrage.x25519.Identity.from_str(parse_age_identity(id_text.decode("ascii")))
    except (SealError, UnicodeDecodeError):
        raise SealError("package: session identity malformed") from None
    try:
        return bytes(pyrage.decrypt(parts["payload.age"], [identity]))
    except Exception:  # noqa: BLE001 - pyrage.DecryptError and parse errors of age headers
        raise SealError("package: payload age decryption failed") from None


def open_package(
    data: bytes, trusted_roots: Sequence[x509.Certificate], chair_secret: str, supervisor_secret: str,
    on_step: Callable[[str], None] | None = None,
) -> bytes:
    """Verify, then decrypt a session package with both opening secrets.

    The signature is checked against ``trusted_roots`` before any decryption. Takes about 0.5 s on this
    project's machine (two scrypt derivations at the pinned work factor, then age X25519; docs/FORMATS.md gives
    the figures under load). Nothing here measures the machine, so no work factor is ever refused.

    Args:
        data: The package file's bytes.
        trusted_roots: Root certificates the room trusts.
        chair_secret: The chair's opening secret as typed (any case, dashes optional).
        supervisor_secret: The supervisor's opening secret as typed.
        on_step: called with ``"chair"``, ``"supervisor"`` and ``"payload"`` as each step starts (the two
            scrypt layers take seconds each: the room shows which one is running).

    Returns:
        The payload bytes given to :func:`write_package`.

    Raises:
        FormatVersionError: Another format version (``older`` for a version-1 package).
        WorkFactorError: scrypt could not get its 64 MiB on this machine now (not a wrong secret).
        OpeningSecretError: The signature is good but an opener's layer did not open (``layer`` names it).
        SealError: Any other failure; ``diagnostics()`` names the failed check.
    """
    step = on_step or (lambda _name: None)
    header, parts = _verify(data, trusted_roots)
    step("chair")
    inner = _open_layer(parts["opening.age"], chair_secret, "chair", header.opening_salt,
                        "package: opening layer 1 (chair secret)")
    step("supervisor")
    id_text = _open_layer(inner, supervisor_secret, "supervisor", header.opening_salt,
                          "package: opening layer 2 (supervisor secret)")
    step("payload")
    return _decrypt_payload(parts, id_text)


def _open_layer(ciphertext: bytes, typed: str, role: Role, salt: bytes, what: str) -> bytes:
    """One opener's age layer, its key derived from the secret typed (seal/opening.py).

    Raises: OpeningSecretError (malformed or wrong secret; ``layer`` is the role), WorkFactorError.
    """
    try:
        secret = normalize_secret(typed)
    except ValueError:
        raise OpeningSecretError(role, f"{what}: secret malformed") from None
    identity = opening_identity(secret, role, salt)
    try:
        return bytes(pyrage.decrypt(ciphertext, [identity]))
    except Exception:  # noqa: BLE001 - pyrage.DecryptError (no matching identity: a wrong secret) and header errors
        raise OpeningSecretError(role, f"{what} age decryption failed") from None


def office_recover_package(data: bytes, office_keys: OfficeKeys) -> bytes:
    """Open a package with the office's age identity (when an opening secret is lost).

    Raises:
        SealError: Not signed by this office, or ``recovery.age`` does not open.
    """
    _, parts = _verify(data, [office_keys.root_cert])
    try:
        office = pyrage.x25519.Identity.from_str(office_keys.age_identity)
        id_text = bytes(pyrage.decrypt(parts["recovery.age"], [office]))
    except Exception:  # noqa: BLE001 - pyrage.DecryptError
        raise SealError("package: recovery.age age decryption failed") from None
    return _decrypt_payload(parts, id_text)
