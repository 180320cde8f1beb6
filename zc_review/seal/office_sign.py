"""The office signs its own statements (a complaint's finding) with its root key, and opens a filed bundle.

A finding is signed ECDSA P-256 / SHA-256 by the office root key over the exact UTF-8 statement, like the
persons' statements in the room (``seal.statements``); anyone with ``root-cert.pem`` can check it.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from zc_review.seal.bundle import open_bundle
from zc_review.seal.errors import SealError
from zc_review.seal.pki import cert_fingerprint, load_office_keys
from zc_review.seal.statements import sign_statement, verify_statement


def sign_as_office(keys_dir: Path, statement: str, passphrase: str | None = None) -> tuple[str, str]:
    """Sign ``statement`` with the office root key in ``keys_dir``.

    Returns: (base64 of the DER signature, the root certificate's fingerprint).
    Raises: SealError (wrong passphrase, damaged keys); FileNotFoundError (no keys there).
    """
    keys = load_office_keys(keys_dir, passphrase)
    sig = sign_statement(keys.root_key, statement.encode("utf-8"))
    return base64.b64encode(sig).decode("ascii"), cert_fingerprint(keys.root_cert)


def office_signature_valid(keys_dir: Path, statement: str, signature_b64: str) -> bool:
    """True when ``signature_b64`` is the office root's signature over ``statement`` (strict base64).

    Raises: FileNotFoundError when ``keys_dir`` has no ``root-cert.pem``.
    """
    from cryptography import x509

    cert = x509.load_pem_x509_certificate((Path(keys_dir) / "root-cert.pem").read_bytes())
    try:
        sig = base64.b64decode(signature_b64, validate=True)
        verify_statement(cert, statement.encode("utf-8"), sig)
    except (SealError, binascii.Error, ValueError):
        return False
    return True


def bundle_members(data: bytes, keys_dir: Path, passphrase: str | None = None) -> dict[str, bytes]:
    """The plaintext members of a result bundle (``minutes.pdf``, ``results.json``, ``log.json``), opened
    with the office's keys. Raises: SealError for a bundle that does not verify or decrypt."""
    keys = load_office_keys(keys_dir, passphrase)
    return dict(open_bundle(data, [keys.root_cert], keys.age_identity).members)
