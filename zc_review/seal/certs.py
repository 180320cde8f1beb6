"""Certificates and keys as bytes: PEM/DER loading and encoding, subject attributes, the device identity.

The office and the room never touch ``cryptography`` themselves: they hand bytes to these functions and
get certificates and keys back (or a :class:`SealError`). The subject attributes read here are the ones
:func:`zc_review.seal.pki.issue_certificate` writes: ``CN`` (the person's name or the device label),
``OU`` (the role, ``"device"`` for the session device) and ``UID`` (the person id).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .errors import SealError
from .pki import cert_sha256

__all__ = [
    "DeviceIdentity",
    "cert_sha256",
    "certificate_pem",
    "common_name",
    "load_certificate_pem",
    "load_device_identity",
    "organizational_unit",
    "private_key_der",
    "subject_attribute",
    "user_id",
]

MISSING = "?"
_OIDS = {
    "CN": NameOID.COMMON_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "UID": NameOID.USER_ID,
    "O": NameOID.ORGANIZATION_NAME,
}


@dataclass(frozen=True)
class DeviceIdentity:
    """The session device's signing identity, as the package payload carries it.

    Attributes:
        key: The device's P-256 private key (signs the result bundle).
        cert: Its certificate, issued by the office root (``OU=device``).
        root_cert: The office root certificate the package names.
    """

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    root_cert: x509.Certificate


def load_certificate_pem(data: bytes | str) -> x509.Certificate:
    """Parse one PEM certificate (``-----BEGIN CERTIFICATE-----``), given as bytes or ASCII text.

    Only parses: the chain is checked by :func:`zc_review.seal.pki.verify_chain`.

    Raises:
        SealError: Not a PEM certificate (malformed, empty, or neither bytes nor str).
    """
    try:
        raw = data.encode("ascii") if isinstance(data, str) else data
        if not isinstance(raw, bytes):
            raise TypeError(f"expected bytes or str, got {type(data).__name__}")
        return x509.load_pem_x509_certificate(raw)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise SealError(f"certificate PEM invalid: {type(exc).__name__}: {exc}") from None


def certificate_pem(cert: x509.Certificate) -> bytes:
    """Return the certificate as PEM bytes (ASCII, ending in a newline)."""
    return cert.public_bytes(serialization.Encoding.PEM)


def private_key_der(key: ec.EllipticCurvePrivateKey) -> bytes:
    """Return the private key as unencrypted PKCS#8 DER (it travels only inside an encrypted package)."""
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_device_identity(device_key_der: bytes, device_cert_pem: bytes, office_root_pem: bytes) -> DeviceIdentity:
    """Load the session device's key and certificate and the office root from a package payload.

    Args:
        device_key_der: PKCS#8 DER of the device's private key, unencrypted (``payload.device_key_der``).
        device_cert_pem: The device certificate, PEM (``payload.device_cert_pem``).
        office_root_pem: The office root certificate, PEM (``payload.office_root_pem``).

    Returns:
        The :class:`DeviceIdentity`.

    Raises:
        SealError: The key is not DER PKCS#8, is not an EC (P-256) key, or a certificate is not PEM.
            ``diagnostics()`` says which (``"device key type"`` for a key of another type).
    """
    try:
        key = serialization.load_der_private_key(device_key_der, password=None)
    except (ValueError, TypeError) as exc:
        raise SealError(f"device key invalid: {type(exc).__name__}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SealError("device key type")
    return DeviceIdentity(key=key, cert=load_certificate_pem(device_cert_pem),
                          root_cert=load_certificate_pem(office_root_pem))


def subject_attribute(cert: x509.Certificate, name: str) -> str:
    """Return the first value of a subject attribute, or ``"?"`` when the subject lacks it.

    Args:
        cert: Any certificate.
        name: ``"CN"``, ``"OU"``, ``"UID"`` or ``"O"``.

    Raises:
        KeyError: ``name`` is none of those.
    """
    attrs = cert.subject.get_attributes_for_oid(_OIDS[name])
    return str(attrs[0].value) if attrs else MISSING


def common_name(cert: x509.Certificate) -> str:
    """The subject CN: a person's name (``"张伟"``) or the device label (``"会话设备 <session id>"``); ``"?"`` if absent."""
    return subject_attribute(cert, "CN")


def user_id(cert: x509.Certificate) -> str:
    """The subject UID: the person id the office issued the certificate for (``"R05"``); ``"?"`` if absent."""
    return subject_attribute(cert, "UID")


def organizational_unit(cert: x509.Certificate) -> str:
    """The subject OU: the holder's role (``"chair"``, ``"recorder"``, ``"device"`` ...); ``"?"`` if absent."""
    return subject_attribute(cert, "OU")
