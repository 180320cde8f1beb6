"""Signed statements: a person's ECDSA P-256 signature over the exact bytes of what they sign."""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from zc_review.seal.errors import SealError


def sign_statement(private_key: Any, statement: bytes) -> bytes:
    """Sign ``statement`` with a P-256 key (ECDSA, SHA-256). Returns the DER signature."""
    return bytes(private_key.sign(statement, ec.ECDSA(hashes.SHA256())))


def verify_statement(cert: Any, statement: bytes, signature: bytes) -> None:
    """Check a statement's signature against the signer's certificate.

    Raises: SealError when the signature does not match (diagnostics say so).
    """
    try:
        cert.public_key().verify(signature, statement, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise SealError("statement signature invalid") from exc
