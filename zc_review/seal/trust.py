"""A directory of trusted office root certificates, one ``<sha256>.pem`` file each."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .errors import SealError
from .pki import cert_fingerprint, cert_sha256


def add_trusted_root(store_dir: Path | str, cert_pem: bytes) -> str:
    """Trust a self-signed root certificate; returns its printed fingerprint.

    The caller must have compared the fingerprint with the one on the office's paper letter.

    Args:
        store_dir: The trust store directory (created 0700 if missing; the file is 0600).
        cert_pem: One PEM certificate.

    Returns:
        The fingerprint as from :func:`zc_review.seal.pki.cert_fingerprint`.

    Raises:
        SealError: Not a parsable, self-signed CA certificate.
    """
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        cert.verify_directly_issued_by(cert)
        ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except Exception as exc:  # noqa: BLE001 - any parse or signature failure
        raise SealError(f"not a self-signed root certificate: {type(exc).__name__}") from None
    if not ca:
        raise SealError("not a CA certificate")
    d = Path(store_dir)
    if not d.exists():
        d.mkdir(mode=0o700, parents=True)
        os.chmod(d, 0o700)
    fd = os.open(d / f"{cert_sha256(cert)}.pem", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    return cert_fingerprint(cert)


def trusted_roots(store_dir: Path | str) -> list[x509.Certificate]:
    """Return the trusted roots, sorted by SHA-256; an absent directory trusts nothing.

    Raises:
        SealError: A file's name is not the SHA-256 of its certificate (the store was edited).
    """
    d = Path(store_dir)
    if not d.is_dir():
        return []
    roots = []
    for path in sorted(d.glob("*.pem")):
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        if path.stem != cert_sha256(cert):
            raise SealError(f"trust store file {path.name} does not match its certificate")
        roots.append(cert)
    return roots


def fingerprints(store_dir: Path | str) -> list[str]:
    """Return the printed fingerprints of the trusted roots, in :func:`trusted_roots` order."""
    return [cert_fingerprint(c) for c in trusted_roots(store_dir)]
