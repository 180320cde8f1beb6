"""Person credentials: typable secrets, Argon2id verifiers and AES-GCM-wrapped private keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .errors import SealError

Rng = Callable[[int], bytes]

# Crockford base32: no I, L, O, U, so nothing reads as 1/0 or a rude word.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RFC4648_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_CROCKFORD = str.maketrans(_RFC4648_ALPHABET, CROCKFORD_ALPHABET)
_FROM_CROCKFORD = str.maketrans(CROCKFORD_ALPHABET, _RFC4648_ALPHABET)
_READ_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None, "_": None})
SECRET_CHARS = 16  # 16 x 5 bits = 80 bits
_AD_CONTEXT = b"zc-review credential v1\x00"


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters.

    Attributes:
        iterations: Passes over memory (Argon2 ``t``).
        memory_cost_kib: Memory in KiB (Argon2 ``m``); at least ``8 * lanes``.
        lanes: Parallelism (Argon2 ``p``).
    """

    iterations: int
    memory_cost_kib: int
    lanes: int


#: Production cost: t=3, 64 MiB, 4 lanes (about 135 ms on the target laptop).
ARGON2_PARAMS = Argon2Params(iterations=3, memory_cost_kib=64 * 1024, lanes=4)
#: Cheap parameters for tests only.
ARGON2_TEST_PARAMS = Argon2Params(iterations=1, memory_cost_kib=64, lanes=1)
# Bounds on what a record may ask for, so a bad record cannot make a check take minutes or GBs.
_MAX_PARAMS = Argon2Params(iterations=16, memory_cost_kib=1024 * 1024, lanes=16)


def new_secret(rng: Rng = os.urandom) -> str:
    """Return a new human-typable secret of 80 bits, e.g. ``"7K3M-Q9TZ-0XGH-2PWD"``.

    Args:
        rng: ``rng(n) -> n random bytes``; must be a CSPRNG outside tests.

    Returns:
        16 Crockford base32 characters in four dash-separated groups of 4.
    """
    raw = base64.b32encode(rng(10)).decode("ascii").translate(_TO_CROCKFORD)
    return _group(raw)


def normalize_secret(text: str) -> str:
    """Return the canonical form ``XXXX-XXXX-XXXX-XXXX`` of a typed secret.

    Accepts lower case, full-width characters (NFKC), missing or extra dashes and spaces,
    and reads O as 0 and I/L as 1 (Crockford).

    Raises:
        ValueError: The text is not 16 characters of the Crockford alphabet.
    """
    chars = unicodedata.normalize("NFKC", text).upper().translate(_READ_ALIASES)
    if len(chars) != SECRET_CHARS or any(c not in CROCKFORD_ALPHABET for c in chars):
        raise ValueError("secret must be 16 Crockford base32 characters")
    return _group(chars)


def secret_bytes(text: str) -> bytes:
    """Return the 10 bytes a secret encodes (normalising first).

    Raises:
        ValueError: The text is not a well-formed secret.
    """
    raw = normalize_secret(text).replace("-", "").translate(_FROM_CROCKFORD)
    return base64.b32decode(raw)


def _group(chars: str) -> str:
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


@dataclass(frozen=True)
class CredentialRecord:
    """What the package holds for one person: a verifier and a wrapped key, never the secret.

    Attributes:
        person_id: The person's id in the session.
        salt: 16 random bytes for Argon2id.
        params: Argon2id costs used for this record.
        verifier: First 32 bytes of the Argon2id output.
        wrapped_key: 12-byte AES-GCM nonce followed by the ciphertext+tag of the PKCS#8 DER
            private key; the key is the last 32 bytes of the Argon2id output.
        cert_pem: The person's certificate (PEM text).
    """

    person_id: str
    salt: bytes
    params: Argon2Params
    verifier: bytes
    wrapped_key: bytes
    cert_pem: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (bytes as standard base64 strings), ``"version": 1``."""
        return {
            "version": 1,
            "kdf": "argon2id",
            "person_id": self.person_id,
            "salt": _b64(self.salt),
            "iterations": self.params.iterations,
            "memory_cost_kib": self.params.memory_cost_kib,
            "lanes": self.params.lanes,
            "verifier": _b64(self.verifier),
            "wrapped_key": _b64(self.wrapped_key),
            "cert_pem": self.cert_pem,
        }

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> CredentialRecord:
        """Build a record from :meth:`to_dict` output.

        Raises:
            SealError: A field is missing, of the wrong type, or out of bounds.
        """
        try:
            if obj["version"] != 1 or obj["kdf"] != "argon2id":
                raise ValueError("unknown credential version or kdf")
            params = Argon2Params(
                _int(obj["iterations"]), _int(obj["memory_cost_kib"]), _int(obj["lanes"])
            )
            record = cls(
                person_id=_str(obj["person_id"]),
                salt=base64.b64decode(_str(obj["salt"]), validate=True),
                params=params,
                verifier=base64.b64decode(_str(obj["verifier"]), validate=True),
                wrapped_key=base64.b64decode(_str(obj["wrapped_key"]), validate=True),
                cert_pem=_str(obj["cert_pem"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SealError(f"credential record malformed: {exc}") from None
        if len(record.salt) != 16 or len(record.verifier) != 32 or len(record.wrapped_key) < 12 + 16:
            raise SealError("credential record malformed: field lengths")
        return record


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _int(v: Any) -> int:
    if type(v) is not int:
        raise TypeError("expected an integer")
    return v


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("expected a string")
    return v


def _derive(secret: str, salt: bytes, params: Argon2Params) -> bytes:
    if not (
        1 <= params.iterations <= _MAX_PARAMS.iterations
        and 1 <= params.lanes <= _MAX_PARAMS.lanes
        and 8 * params.lanes <= params.memory_cost_kib <= _MAX_PARAMS.memory_cost_kib
    ):
        raise SealError(f"credential: Argon2id parameters out of bounds {params}")
    kdf = Argon2id(
        salt=salt,
        length=64,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost_kib,
    )
    return kdf.derive(normalize_secret(secret).encode("ascii"))


def _associated_data(person_id: str, cert_pem: str) -> bytes:
    cert = x509.load_pem_x509_certificate(cert_pem.encode("ascii"))
    cert_digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()
    return _AD_CONTEXT + person_id.encode("utf-8") + b"\x00" + cert_digest


def make_credential(
    person_id: str,
    secret: str,
    private_key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    *,
    params: Argon2Params = ARGON2_PARAMS,
    rng: Rng = os.urandom,
) -> CredentialRecord:
    """Wrap ``private_key`` under ``secret`` for ``person_id``.

    Argon2id(secret, 16-byte salt, params) gives 64 bytes: bytes 0-31 are the stored verifier,
    bytes 32-63 the AES-256-GCM key that wraps the PKCS#8 DER private key. The associated data
    binds the person id and the SHA-256 of the certificate, so a wrapped key cannot be moved to
    another person or paired with another certificate.

    Args:
        person_id: The person's id (any Unicode string).
        secret: The person's secret (normalised with :func:`normalize_secret`).
        private_key: The person's P-256 key; its public key must be the certificate's.
        cert: The person's certificate.
        params: Argon2id costs (use :data:`ARGON2_TEST_PARAMS` only in tests).
        rng: Source of the salt and nonce.

    Returns:
        The record (about 50 ms to 150 ms of Argon2id with the default parameters).

    Raises:
        ValueError: The secret is malformed or the key does not match the certificate.
    """
    if cert.public_key() != private_key.public_key():
        raise ValueError("private key does not match the certificate")
    salt = rng(16)
    okm = _derive(secret, salt, params)
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    nonce = rng(12)
    wrapped = nonce + AESGCM(okm[32:]).encrypt(nonce, der, _associated_data(person_id, cert_pem))
    return CredentialRecord(person_id, salt, params, okm[:32], wrapped, cert_pem)


def check_credential(record: CredentialRecord, secret: str) -> ec.EllipticCurvePrivateKey:
    """Return the private key if ``secret`` is the record's secret.

    Args:
        record: The person's record.
        secret: What the person typed (any case, with or without dashes).

    Returns:
        The person's P-256 private key.

    Raises:
        SealError: Wrong or malformed secret, or a damaged record (``diagnostics()`` says which).
    """
    try:
        normalize_secret(secret)
    except ValueError:
        raise SealError("credential: secret malformed") from None
    okm = _derive(secret, record.salt, record.params)
    if not hmac.compare_digest(okm[:32], record.verifier):
        raise SealError(f"credential: wrong secret for {record.person_id!r}")
    nonce, body = record.wrapped_key[:12], record.wrapped_key[12:]
    try:
        der = AESGCM(okm[32:]).decrypt(nonce, body, _associated_data(record.person_id, record.cert_pem))
        key = serialization.load_der_private_key(der, password=None)
        cert = x509.load_pem_x509_certificate(record.cert_pem.encode("ascii"))
    except Exception as exc:  # noqa: BLE001 - InvalidTag, ValueError...: all mean a bad record
        raise SealError(f"credential: wrapped key invalid ({type(exc).__name__})") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert.public_key() != key.public_key():
        raise SealError("credential: wrapped key does not match the certificate")
    return key
