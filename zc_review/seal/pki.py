"""Office keys: the P-256 root CA, leaf certificates, fingerprints and the office age identity."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyrage
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zc_review.i18n import t

from .errors import SealError, WorkFactorError

ROOT_VALIDITY_DAYS = 3653
#: How often an age passphrase layer is tried again when age refuses its work factor (see
#: :func:`passphrase_decrypt`), and the pause before each new try (seconds, times the try's number).
WORK_FACTOR_TRIES = 4
WORK_FACTOR_PAUSE = 0.5
_EXCESSIVE_WORK = "Excessive work parameter"
# Certificates start one day early, so a laptop whose clock is a few hours behind the office's
# still accepts them.
BACKDATE = dt.timedelta(days=1)
ROOT_KEY_FILE = "root-key.pem"
ROOT_CERT_FILE = "root-cert.pem"
AGE_IDENTITY_FILE = "office-age-identity.txt"
AGE_IDENTITY_ENCRYPTED_FILE = "office-age-identity.age"
AGE_RECIPIENT_FILE = "office-age-recipient.txt"


@dataclass(frozen=True)
class OfficeKeys:
    """The organising body's keys.

    Attributes:
        name: The organising body, e.g. ``"某省人力资源和社会保障厅"``.
        root_key: P-256 private key of the root CA (signs certificates and session packages).
        root_cert: Self-signed root certificate.
        age_identity: ``AGE-SECRET-KEY-1...`` X25519 identity that opens result bundles and
            recovers packages.
    """

    name: str
    root_key: ec.EllipticCurvePrivateKey
    root_cert: x509.Certificate
    age_identity: str

    @property
    def age_recipient(self) -> str:
        """The ``age1...`` recipient that rooms encrypt result bundles to."""
        return str(pyrage.x25519.Identity.from_str(self.age_identity).to_public())


def passphrase_decrypt(ciphertext: bytes, passphrase: str, what: str) -> bytes:
    """Decrypt an age passphrase (scrypt) file with pyrage, telling a resource refusal from a wrong secret.

    rage picks its refusal limit at each call from one timed scrypt run of logN 10 (a millisecond): a
    preempted measurement on a loaded machine makes it refuse a correct file as "Excessive work
    parameter" before trying the passphrase at all. Such a refusal is tried again (each try measures
    anew; a refusal costs a millisecond) up to :data:`WORK_FACTOR_TRIES` times.

    Args: ciphertext: the age file; passphrase: the secret; what: names the layer in the diagnostics.
    Returns: the plaintext.
    Raises: WorkFactorError when age refused the work factor every time (the secret was never tried);
        SealError (``"<what> age decryption failed"``) for a wrong secret or a damaged file.
    Source: issue 12 §5.
    """
    refusal = ""
    for attempt in range(WORK_FACTOR_TRIES):
        try:
            return bytes(pyrage.passphrase.decrypt(ciphertext, passphrase))
        except Exception as exc:  # noqa: BLE001 - pyrage.DecryptError and header parse errors
            if _EXCESSIVE_WORK not in str(exc):
                raise SealError(f"{what} age decryption failed") from None
            refusal = str(exc).splitlines()[0]
        if attempt + 1 < WORK_FACTOR_TRIES:
            time.sleep(WORK_FACTOR_PAUSE * (attempt + 1))
    raise WorkFactorError(f"{what}: {refusal} (refused {WORK_FACTOR_TRIES} times; the secret was not tried)")


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def generate_office_keys(name: str, now: dt.datetime) -> OfficeKeys:
    """Create a new root CA (P-256, 10 years) and age identity for ``name``.

    Args:
        name: The organising body; the root CN is ``"<name> 职称评审根证书"``.
        now: Timezone-aware creation time; validity starts one day earlier.

    Returns:
        The keys (key generation uses the OS RNG inside OpenSSL and age).
    """
    _aware(now)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, t("seal.root_cert_name", name=name)),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=ROOT_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            # digitalSignature because the root also signs session packages directly.
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    identity = str(pyrage.x25519.Identity.generate())
    return OfficeKeys(name=name, root_key=key, root_cert=cert, age_identity=identity)


def _write(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL: never overwrite existing keys; losing the root key orphans every issued package.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), mode)
        fh.write(data)


def save_office_keys(keys: OfficeKeys, directory: Path | str, passphrase: str | None = None) -> None:
    """Write the office keys into ``directory`` (created if missing).

    Every file is 0600 and a new folder 0700, whatever the umask (issue 12 §5; the public certificate
    and recipient are copied out on purpose, never read from here by others).
    Files: ``root-key.pem`` (PKCS#8, encrypted with ``passphrase`` via
    ``BestAvailableEncryption`` if given), ``root-cert.pem``, ``office-age-recipient.txt`` and
    either ``office-age-identity.txt`` (0600, age-keygen format) or, with a passphrase,
    ``office-age-identity.age`` (0600, armored age passphrase encryption of that text; ``age -d -i``
    accepts it and asks for the passphrase).

    Raises:
        FileExistsError: A key file already exists (keys are never overwritten).
    """
    d = Path(directory)
    if not d.exists():
        d.mkdir(mode=0o700, parents=True)
        os.chmod(d, 0o700)
    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    key_pem = keys.root_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc
    )
    identity_text = (
        f"# zc-review office identity: {keys.name}\n"
        f"# public key: {keys.age_recipient}\n{keys.age_identity}\n"
    ).encode()
    _write(d / ROOT_KEY_FILE, key_pem, 0o600)
    if passphrase:
        sealed = pyrage.passphrase.encrypt(identity_text, passphrase, armored=True)
        _write(d / AGE_IDENTITY_ENCRYPTED_FILE, sealed, 0o600)
    else:
        _write(d / AGE_IDENTITY_FILE, identity_text, 0o600)
    _write(d / ROOT_CERT_FILE, keys.root_cert.public_bytes(serialization.Encoding.PEM), 0o600)
    _write(d / AGE_RECIPIENT_FILE, (keys.age_recipient + "\n").encode("ascii"), 0o600)


def parse_age_identity(text: str) -> str:
    """Return the ``AGE-SECRET-KEY-1...`` line of an age identity file's text.

    Raises:
        SealError: No single valid identity in the text.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(lines) != 1:
        raise SealError("age identity text must hold exactly one identity")
    try:
        pyrage.x25519.Identity.from_str(lines[0])
    except Exception:  # noqa: BLE001 - pyrage raises its own IdentityError/ValueError
        raise SealError("age identity invalid") from None
    return lines[0]


def load_office_keys(directory: Path | str, passphrase: str | None = None) -> OfficeKeys:
    """Load keys written by :func:`save_office_keys`.

    Raises:
        SealError: Wrong passphrase or damaged key files.
        FileNotFoundError: A file is missing.
    """
    d = Path(directory)
    cert = x509.load_pem_x509_certificate((d / ROOT_CERT_FILE).read_bytes())
    try:
        key = serialization.load_pem_private_key(
            (d / ROOT_KEY_FILE).read_bytes(), passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError) as exc:
        raise SealError(f"root key could not be loaded: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
        raise SealError("root key does not match root-cert.pem")
    enc_path = d / AGE_IDENTITY_ENCRYPTED_FILE
    if enc_path.exists():
        try:
            text = passphrase_decrypt(enc_path.read_bytes(), passphrase or "", "office age identity").decode()
        except WorkFactorError:
            raise
        except (SealError, UnicodeDecodeError):
            raise SealError("office age identity: wrong passphrase or damaged file") from None
    else:
        text = (d / AGE_IDENTITY_FILE).read_text("utf-8")
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    name = str(org[0].value) if org else ""
    return OfficeKeys(name=name, root_key=key, root_cert=cert, age_identity=parse_age_identity(text))


def issue_certificate(
    keys: OfficeKeys,
    common_name: str,
    role: str,
    person_id: str,
    now: dt.datetime,
    validity_days: int = 30,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Issue a P-256 leaf certificate signed by the office root.

    Subject: ``CN=common_name, OU=role, O=<office name>, UID=person_id``. Extensions:
    BasicConstraints CA=false, KeyUsage digitalSignature+nonRepudiation (both critical; needed
    for PDF approval signatures), SubjectKeyIdentifier, AuthorityKeyIdentifier.

    Args:
        keys: The office keys.
        common_name: Person's name or a device label, e.g. ``"张伟"``.
        role: e.g. ``"chair"``, ``"recorder"``, ``"device"``.
        person_id: Stable id of the person or session device.
        now: Timezone-aware issue time; valid from ``now - 1 day`` to ``now + validity_days``.
        validity_days: Days of validity after ``now``.

    Returns:
        ``(private_key, certificate)``.
    """
    _aware(now)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, keys.name or "zc-review"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
            x509.NameAttribute(NameOID.USER_ID, person_id),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    root_ski = keys.root_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(keys.root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=validity_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False
        )
        .sign(keys.root_key, hashes.SHA256())
    )
    return key, cert


def cert_sha256(cert: x509.Certificate) -> str:
    """Return the SHA-256 of the certificate's DER as 64 lowercase hex digits."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def group_hex(hex_digest: str) -> str:
    """Format hex for printing: upper case in groups of 4, e.g. ``"3F2A 9C01 ..."``."""
    h = hex_digest.upper()
    return " ".join(h[i : i + 4] for i in range(0, len(h), 4))


def cert_fingerprint(cert: x509.Certificate) -> str:
    """Return the certificate's SHA-256 fingerprint for letters: 16 groups of 4 upper-case hex."""
    return group_hex(cert_sha256(cert))


def verify_chain(cert: x509.Certificate, root_cert: x509.Certificate, at: dt.datetime | None = None) -> None:
    """Check that ``cert`` is a signing leaf issued directly by ``root_cert``.

    Checks the issuer name and signature (``verify_directly_issued_by``), that the root is a CA
    and the leaf is not, that the leaf may sign (digitalSignature), that it is P-256, and, if
    ``at`` is given, that both certificates are valid at that time.

    Raises:
        SealError: Any check fails.
    """
    try:
        cert.verify_directly_issued_by(root_cert)
        root_bc = root_cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        leaf_bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        leaf_ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except Exception as exc:  # noqa: BLE001 - InvalidSignature, ValueError, ExtensionNotFound...
        raise SealError(f"certificate chain invalid: {type(exc).__name__}: {exc}") from None
    if not root_bc.ca or leaf_bc.ca or not leaf_ku.digital_signature:
        raise SealError("certificate chain invalid: wrong CA flags or key usage")
    pub = cert.public_key()
    if not isinstance(pub, ec.EllipticCurvePublicKey) or pub.curve.name != "secp256r1":
        raise SealError("certificate chain invalid: signer key is not P-256")
    if at is not None:
        for c in (cert, root_cert):
            if not c.not_valid_before_utc <= at <= c.not_valid_after_utc:
                raise SealError(f"certificate not valid at {at.isoformat()}: {c.subject.rfc4514_string()}")

