"""Tests for PDF signatures (zc_review.seal.pdfsign), office keys (pki) and the trust store."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from reportlab.pdfgen import canvas

from zc_review.seal import pdfsign, pki, trust
from zc_review.seal.errors import SealError

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)  # pdfsig checks validity against the real clock


@pytest.fixture(scope="module")
def office():
    return pki.generate_office_keys("测试人社厅", NOW)


@pytest.fixture(scope="module")
def signed(office):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=0)
    c.drawString(72, 720, "minutes / jiyao")
    c.showPage()
    c.save()
    rk, rc = pki.issue_certificate(office, "李记录", "recorder", "P-2", NOW)
    ck, cc = pki.issue_certificate(office, "张伟", "chair", "P-1", NOW)
    one = pdfsign.sign_pdf(buf.getvalue(), rk, rc, [rc, office.root_cert], "sig-recorder", "记录无误",
                           "评审会场", "记录人 李记录", NOW, box=(50, 50, 250, 110))
    return pdfsign.sign_pdf(one, ck, cc, [cc, office.root_cert], "sig-chair", "审核通过", "评审会场",
                            "主任委员 张伟", NOW)


def test_two_signatures_verify(signed, office):
    st = pdfsign.verify_pdf(signed, office.root_cert)
    assert [(s.field_name, s.signer_cn) for s in st] == [("sig-recorder", "李记录"), ("sig-chair", "张伟")]
    assert all(s.ok and s.valid and s.intact and s.trusted for s in st)
    assert st[-1].covers_whole_file and not st[0].covers_whole_file
    assert st[-1].signing_time == NOW


def test_appended_byte_detected(signed, office):
    st = pdfsign.verify_pdf(signed + b"\n", office.root_cert)
    assert not st[-1].covers_whole_file


def test_changed_byte_detected(signed, office):
    i = signed.index(b"minutes / jiyao")
    bad = signed[:i] + b"M" + signed[i + 1 :]
    st = pdfsign.verify_pdf(bad, office.root_cert)
    assert not any(s.ok for s in st) and not st[0].intact


def test_foreign_root_untrusted(signed):
    st = pdfsign.verify_pdf(signed, pki.generate_office_keys("x", NOW).root_cert)
    assert st and not any(s.trusted or s.ok for s in st)


def test_garbage_is_seal_error(office):
    with pytest.raises(SealError):
        pdfsign.verify_pdf(b"not a pdf", office.root_cert)


@pytest.mark.tools("pdfsig", "certutil")
def test_pdfsig_cross_check(signed, office, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    pem = office.root_cert.public_bytes(serialization.Encoding.PEM)
    assert pdfsign.pdfsig_check(path, pem) == ["Signature is Valid.; Certificate is Trusted."] * 2
    i = signed.index(b"minutes / jiyao")
    path.write_bytes(signed[:i] + b"M" + signed[i + 1 :])
    res = pdfsign.pdfsig_check(path, pem)
    assert res and "Signature is Valid." not in res[0]


def test_issue_certificate_profile(office):
    key, cert = pki.issue_certificate(office, "张伟", "chair", "P-1", NOW)
    from cryptography import x509

    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "chair"
    assert cert.not_valid_after_utc == NOW + dt.timedelta(days=30)
    pki.verify_chain(cert, office.root_cert, at=NOW)
    with pytest.raises(SealError):
        pki.verify_chain(cert, office.root_cert, at=NOW + dt.timedelta(days=31))
    with pytest.raises(SealError):
        pki.verify_chain(cert, pki.generate_office_keys("测试人社厅", NOW).root_cert)
    fp = pki.cert_fingerprint(cert)
    assert len(fp) == 79 and fp.replace(" ", "").lower() == pki.cert_sha256(cert)


@pytest.mark.parametrize("passphrase", [None, "office pass 口令"])
def test_save_load_office_keys(office, tmp_path, passphrase):
    pki.save_office_keys(office, tmp_path, passphrase)
    key_mode = stat.S_IMODE(os.stat(tmp_path / "root-key.pem").st_mode)
    assert key_mode == 0o600
    ident = "office-age-identity.age" if passphrase else "office-age-identity.txt"
    assert stat.S_IMODE(os.stat(tmp_path / ident).st_mode) == 0o600
    back = pki.load_office_keys(tmp_path, passphrase)
    assert back.root_cert == office.root_cert and back.age_identity == office.age_identity
    assert back.name == "测试人社厅"
    assert (tmp_path / "office-age-recipient.txt").read_text().strip() == office.age_recipient
    with pytest.raises(FileExistsError):
        pki.save_office_keys(office, tmp_path, passphrase)
    if passphrase:
        assert b"ENCRYPTED" in (tmp_path / "root-key.pem").read_bytes()
        with pytest.raises(SealError):
            pki.load_office_keys(tmp_path, "wrong")


def test_trust_store(office, tmp_path):
    store = tmp_path / "trust"
    assert trust.trusted_roots(store) == []
    fp = trust.add_trusted_root(store, office.root_cert.public_bytes(serialization.Encoding.PEM))
    assert fp == pki.cert_fingerprint(office.root_cert)
    assert trust.trusted_roots(store) == [office.root_cert]
    assert trust.fingerprints(store) == [fp]
    _, leaf = pki.issue_certificate(office, "x", "chair", "x", NOW)
    with pytest.raises(SealError):
        trust.add_trusted_root(store, leaf.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(SealError):
        trust.add_trusted_root(store, b"garbage")


def test_existing_field_gets_chinese_stamp(office):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 720, "m")
    c.showPage()
    c.save()
    w = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    fields.append_signature_field(w, fields.SigFieldSpec("sig-chair", box=(300, 50, 500, 110)))
    out = io.BytesIO()
    w.write(out)
    key, cert = pki.issue_certificate(office, "张伟", "chair", "P-1", NOW)
    signed = pdfsign.sign_pdf(out.getvalue(), key, cert, [cert, office.root_cert], "sig-chair", "审核通过",
                              "评审会场", "主任委员 张伟", NOW)
    assert b"WenQuanYi" in signed  # our reportlab stamp, not pyHanko's default text stamp
    assert [s.ok for s in pdfsign.verify_pdf(signed, office.root_cert)] == [True]
