"""Tests for certificates and keys as bytes (zc_review.seal.certs): PEM/DER, subject attributes, the device identity."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from zc_review.seal import certs, pki
from zc_review.seal.errors import SealError

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def office() -> pki.OfficeKeys:
    return pki.generate_office_keys("测试人社厅", NOW)


def test_subject_attributes_are_those_issue_certificate_writes(office: pki.OfficeKeys) -> None:
    _, cert = pki.issue_certificate(office, "张伟", "chair", "R01", NOW)
    assert certs.common_name(cert) == "张伟"
    assert certs.user_id(cert) == "R01"
    assert certs.organizational_unit(cert) == "chair"
    assert certs.subject_attribute(cert, "O") == "测试人社厅"
    assert certs.user_id(office.root_cert) == "?"  # the root names no person
    with pytest.raises(KeyError):
        certs.subject_attribute(cert, "EMAIL")


def test_pem_round_trip_as_bytes_or_text(office: pki.OfficeKeys) -> None:
    pem = certs.certificate_pem(office.root_cert)
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert certs.load_certificate_pem(pem) == office.root_cert
    assert certs.load_certificate_pem(pem.decode("ascii")) == office.root_cert
    assert certs.cert_sha256(office.root_cert) == pki.cert_sha256(office.root_cert)


@pytest.mark.parametrize("bad", [b"", b"not a certificate", "-----BEGIN CERTIFICATE-----\n证书\n", 42])
def test_not_a_certificate_is_a_seal_error(bad: object) -> None:
    with pytest.raises(SealError) as err:
        certs.load_certificate_pem(bad)  # type: ignore[arg-type]
    assert "certificate PEM invalid" in err.value.diagnostics()


def test_device_identity_loads_what_pack_stores(office: pki.OfficeKeys) -> None:
    key, cert = pki.issue_certificate(office, "会话设备 S-1", "device", "device", NOW, validity_days=90)
    ident = certs.load_device_identity(certs.private_key_der(key), certs.certificate_pem(cert),
                                       certs.certificate_pem(office.root_cert))
    assert ident.cert == cert and ident.root_cert == office.root_cert
    assert ident.key.public_key() == cert.public_key()
    pki.verify_chain(ident.cert, ident.root_cert)


def test_device_key_of_another_type_is_refused(office: pki.OfficeKeys) -> None:
    _, cert = pki.issue_certificate(office, "会话设备 S-1", "device", "device", NOW)
    other = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    root = certs.certificate_pem(office.root_cert)
    with pytest.raises(SealError) as err:
        certs.load_device_identity(other, certs.certificate_pem(cert), root)
    assert err.value.diagnostics() == "device key type"
    with pytest.raises(SealError):
        certs.load_device_identity(b"\x30\x03garbage", certs.certificate_pem(cert), root)
    key, _ = pki.issue_certificate(office, "x", "device", "device", NOW)
    with pytest.raises(SealError):
        certs.load_device_identity(certs.private_key_der(key), b"junk", root)
