"""The package's two opening layers: an age X25519 identity derived from each opening secret by pinned scrypt.

Each opening secret (80 random bits, :func:`zc_review.seal.credentials.new_secret`) gives, through scrypt with
the pinned work factor :data:`OPENING_SCRYPT` and the package's random salt, the 32-byte X25519 key of an
ordinary age identity (``AGE-SECRET-KEY-1…``, bech32 by the reference ``bech32`` package). ``opening.age`` is
plain age to those identities, so the ``age`` CLI opens it after the few-line derivation in docs/FORMATS.md
"2-of-2 opening". No library decides the work factor on the packing machine and nothing measures the
opening machine, so a correct package is never refused as "too much work" (issue 12 §5; docs/DESIGN.md
"The opening layers' work factor").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import bech32
import pyrage
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .credentials import normalize_secret
from .errors import SealError, WorkFactorError

Role = Literal["chair", "supervisor"]
#: The two layers, outer first: the chair's wraps the supervisor's.
ROLES: tuple[Role, Role] = ("chair", "supervisor")
SALT_BYTES = 16
_IDENTITY_HRP = "age-secret-key-"


@dataclass(frozen=True)
class ScryptParams:
    """scrypt's cost parameters (RFC 7914).

    Attributes:
        log2_n: log2 of the CPU/memory cost N.
        r: Block size.
        p: Parallelism.
    """

    log2_n: int
    r: int
    p: int

    @property
    def memory_bytes(self) -> int:
        """The memory one derivation takes: 128 · N · r bytes (64 MiB for :data:`OPENING_SCRYPT`)."""
        return 128 * (1 << self.log2_n) * self.r


#: The pinned work factor of both opening layers: N = 2**16, r = 8, p = 1 (64 MiB, about 0.25 s per layer on
#: the project's 2-core machine; docs/FORMATS.md gives the figures). Written in every package's header and
#: read back only if equal (a package cannot ask the room for more work).
OPENING_SCRYPT = ScryptParams(log2_n=16, r=8, p=1)


def layer_salt(role: Role, package_salt: bytes) -> bytes:
    """Return scrypt's salt for ``role``'s layer: ``b"zc-review opening <role>:"`` + the package's 16-byte salt.

    The role label separates the two layers, so equal secrets would still give different keys (the writer
    refuses them anyway).
    """
    if role not in ROLES or len(package_salt) != SALT_BYTES:
        raise ValueError("opening layer: unknown role or salt not 16 bytes")
    return f"zc-review opening {role}:".encode("ascii") + package_salt


def opening_identity(secret: str, role: Role, package_salt: bytes,
                     params: ScryptParams = OPENING_SCRYPT) -> pyrage.x25519.Identity:
    """Derive ``role``'s age identity from the opening secret.

    key = scrypt(password = the canonical secret ``XXXX-XXXX-XXXX-XXXX`` in ASCII, salt = :func:`layer_salt`,
    N = 2**log2_n, r, p, 32 bytes), encoded as ``AGE-SECRET-KEY-1`` + bech32 of the key (upper case), the
    form ``age-keygen`` writes.

    Args:
        secret: The opening secret as typed (normalised first).
        role: ``"chair"`` or ``"supervisor"``.
        package_salt: The 16 random bytes of the package header's ``opening.salt``.
        params: The work factor (only :data:`OPENING_SCRYPT` outside tests).

    Returns:
        The X25519 identity (about 0.25 s and 64 MiB with the pinned parameters).

    Raises:
        ValueError: The secret is malformed.
        WorkFactorError: This machine could not give scrypt its memory now (not a wrong secret).
    """
    password = normalize_secret(secret).encode("ascii")
    kdf = Scrypt(salt=layer_salt(role, package_salt), length=32, n=1 << params.log2_n, r=params.r, p=params.p)
    try:
        key = kdf.derive(password)
    except MemoryError:
        raise WorkFactorError(f"opening layer ({role}): scrypt could not get {params.memory_bytes >> 20} MiB "
                              "of memory (the secret was not tried)") from None
    words = bech32.convertbits(list(key), 8, 5)
    if words is None:  # convertbits pads 8-bit input, so only a library defect gets here
        raise SealError("opening layer: bech32 conversion failed")
    return pyrage.x25519.Identity.from_str(bech32.bech32_encode(_IDENTITY_HRP, words).upper())
