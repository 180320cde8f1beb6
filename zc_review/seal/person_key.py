"""The person key: a keyed hash (HMAC-SHA256) of an applicant's identity-card number (居民身份证号码).

The office archive matches the same person across sessions and years by this key, never by the number
itself (docs/SECURITY.md "Identity-card numbers"): a copy of the archive without the office's secret does not
give the numbers back, and cannot be searched by guessing one (18 digits with a birth date and a check digit
are few enough to enumerate for an unkeyed hash). No new construction: HMAC-SHA256 from ``cryptography``
over the number's 18 ASCII characters (upper-case X), under a 32-byte random secret the office keeps beside
its keys (``service.office.person_ids``).
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes, hmac

#: the secret's length in bytes
SECRET_BYTES = 32


def new_person_secret() -> bytes:
    """A new random secret for :func:`person_key` (32 bytes from the operating system's CSPRNG)."""
    return os.urandom(SECRET_BYTES)


def person_key(secret: bytes, number: str) -> str:
    """HMAC-SHA256 of the normalised identity-card ``number`` (18 characters, ``X`` upper case) under
    ``secret``, as 64 lowercase hex digits. Raises: ValueError for a secret that is not 32 bytes."""
    if len(secret) != SECRET_BYTES:
        raise ValueError("person key secret must be 32 bytes")
    mac = hmac.HMAC(secret, hashes.SHA256())
    mac.update(number.encode("ascii"))
    return mac.finalize().hex()
