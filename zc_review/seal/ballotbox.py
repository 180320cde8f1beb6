"""Sealing of ballot slips while a poll is open: AES-256-GCM under a key that never touches the disk.

The key is derived (HKDF-SHA256) from the session device's private key, which lives only inside the
encrypted package and is decrypted into memory at each open with the two opening secrets. So while a
poll is open, the session database holds only sealed choices: a copy of the disk taken then gives no
partial count and no choice, and after a crash the reopened room (same package, same secrets) can
still unseal the box when the poll closes. Source: issue 4 §1–2.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zc_review.seal.errors import SealError

PREFIX = "sealed:"
_INFO = b"zc-review ballot box v1"


def box_key(device_key_der: bytes) -> bytes:
    """The 32-byte slip-sealing key of one session, from its device key (PKCS#8 DER bytes)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(device_key_der)


def _aad(slip_id: str, round_no: int, applicant_id: str) -> bytes:
    return f"{slip_id}:{round_no}:{applicant_id}".encode()


def _seal(aead: AESGCM, slip_id: str, round_no: int, applicant_id: str, choice: str, nonce: bytes | None) -> str:
    n = nonce if nonce is not None else os.urandom(12)
    ct = aead.encrypt(n, choice.encode().ljust(8), _aad(slip_id, round_no, applicant_id))
    return PREFIX + base64.b64encode(n + ct).decode()


def _open(aead: AESGCM, slip_id: str, round_no: int, applicant_id: str, sealed: str) -> str:
    if not sealed.startswith(PREFIX):
        raise SealError("slip")
    try:
        raw = base64.b64decode(sealed[len(PREFIX):], validate=True)
        plain = aead.decrypt(raw[:12], raw[12:], _aad(slip_id, round_no, applicant_id))
    except (ValueError, InvalidTag) as exc:
        raise SealError("slip") from exc
    return plain.decode().rstrip()


def seal_choice(key: bytes, slip_id: str, round_no: int, applicant_id: str, choice: str,
                nonce: bytes | None = None) -> str:
    """Seal one choice, bound to its slip id, round and applicant (a sealed value cannot be moved).

    Returns: ``"sealed:" + base64(nonce ‖ ciphertext ‖ tag)``; every choice seals to the same length.
    """
    return _seal(AESGCM(key), slip_id, round_no, applicant_id, choice, nonce)


def seal_choices(key: bytes, round_no: int, slips: Iterable[tuple[str, str, str]]) -> list[str]:
    """``seal_choice`` for each (slip id, applicant id, choice) of one ballot, in order: the same
    construction, each with its own random nonce, with one AES-GCM context for the ballot (a province's
    ballot has 2,000 slips, issue 9)."""
    aead = AESGCM(key)
    return [_seal(aead, sid, round_no, a, c, None) for sid, a, c in slips]


def open_choice(key: bytes, slip_id: str, round_no: int, applicant_id: str, sealed: str) -> str:
    """Unseal a choice sealed by ``seal_choice``.

    Raises: SealError("slip") for a value that is not sealed, was altered, or belongs to another slip.
    """
    return _open(AESGCM(key), slip_id, round_no, applicant_id, sealed)


def open_choices(key: bytes, round_no: int, slips: Iterable[tuple[str, str, str]]) -> list[str]:
    """``open_choice`` for each (slip id, applicant id, sealed choice) of one round's box, in order, with
    one AES-GCM context. Raises: SealError("slip") at the first slip that does not unseal."""
    aead = AESGCM(key)
    return [_open(aead, sid, round_no, a, c) for sid, a, c in slips]


def is_sealed(value: str) -> bool:
    """True when ``value`` is a sealed choice (``"sealed:…"``, from ``seal_choice``), False for a plain one."""
    return value.startswith(PREFIX)
