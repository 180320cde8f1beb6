"""Tests for the session package format (zc_review.seal.package)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization

from zc_review.seal import package as pkg
from zc_review.seal import pki
from zc_review.seal._container import write_zip
from zc_review.seal.credentials import new_secret
from zc_review.seal.errors import FormatVersionError, SealError

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PAYLOAD = "会议数据 session.json + attachments".encode() * 20


@pytest.fixture(scope="module")
def office():
    return pki.generate_office_keys("测试人社厅", NOW)


@pytest.fixture(scope="module")
def secrets():
    return new_secret(), new_secret()


@pytest.fixture(scope="module")
def sealed(office, secrets):
    return pkg.write_package(PAYLOAD, office, secrets[0], secrets[1], NOW, rng=lambda n: b"\x01" * n)


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def test_layout_and_header(sealed, office):
    ms = members(sealed)
    assert [n for n, _ in ms] == list(pkg.MEMBERS)
    assert ms[0][1] == b"zc-review session package\nversion: 2\n"
    with zipfile.ZipFile(io.BytesIO(sealed)) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED and i.date_time == (1980, 1, 1, 0, 0, 0)
                   for i in zf.infolist())
    header = pkg.verify_package_signature(sealed, [office.root_cert])
    assert header.package_id == "01" * 16
    assert header.created == NOW
    assert header.office_root_sha256 == pki.cert_sha256(office.root_cert)
    assert header.opening_salt == b"\x01" * 16  # from rng, like the package id
    # The header says nothing about the content.
    assert "会议" not in ms[1][1].decode()


def test_round_trip_and_recovery(sealed, office, secrets):
    chair, sup = secrets
    assert pkg.open_package(sealed, [office.root_cert], chair.lower(), sup.replace("-", "")) == PAYLOAD
    assert pkg.office_recover_package(sealed, office) == PAYLOAD


@pytest.mark.parametrize("which", ["chair", "supervisor", "chair-only", "swapped"])
def test_wrong_or_missing_secret(sealed, office, secrets, which):
    chair, sup = secrets
    args = {
        "chair": (new_secret(), sup),
        "supervisor": (chair, new_secret()),
        "chair-only": (chair, chair),
        "swapped": (sup, chair),
    }[which]
    with pytest.raises(SealError) as info:
        pkg.open_package(sealed, [office.root_cert], *args)
    assert "opening layer" in info.value.diagnostics()


def test_empty_secret_refused(sealed, office, secrets):
    with pytest.raises(SealError):
        pkg.open_package(sealed, [office.root_cert], secrets[0], "")


def test_untrusted_root_refused_before_decryption(sealed, secrets, monkeypatch):
    foreign = pki.generate_office_keys("测试人社厅", NOW)  # same name, other key

    def boom(*a, **k):
        raise AssertionError("decryption attempted before the signature was checked")

    monkeypatch.setattr(pkg, "opening_identity", boom)
    monkeypatch.setattr(pkg.pyrage, "decrypt", boom)
    with pytest.raises(SealError) as info:
        pkg.open_package(sealed, [foreign.root_cert], *secrets)
    assert "signature" in info.value.diagnostics()
    with pytest.raises(SealError):
        pkg.open_package(sealed, [], *secrets)
    with pytest.raises(SealError):
        pkg.office_recover_package(sealed, foreign)


def test_every_flipped_byte_is_refused(sealed, office, secrets):
    assert len(sealed) < 5000
    for offset in range(len(sealed)):
        bad = bytearray(sealed)
        bad[offset] ^= 0x01
        with pytest.raises(SealError):
            pkg.open_package(bytes(bad), [office.root_cert], *secrets)


def test_truncated_appended_prepended(sealed, office, secrets):
    for bad in [sealed[:n] for n in (0, 1, 22, len(sealed) // 2, len(sealed) - 1)] + [
        sealed + b"\x00", sealed + b"PK\x05\x06" + bytes(18), b"junk" + sealed
    ]:
        with pytest.raises(SealError):
            pkg.open_package(bad, [office.root_cert], *secrets)


def test_member_swaps_and_removals(sealed, office, secrets):
    ms = members(sealed)
    other = members(pkg.write_package(b"other", office, *secrets, NOW))
    variants = [
        [ms[0], ms[2], ms[1], *ms[3:]],  # order swapped
        ms[:-1],  # no signature
        [m for m in ms if m[0] != "recovery.age"],
        [*ms[:2], other[2], *ms[3:]],  # payload from another package
        [*ms[:3], other[3], *ms[4:]],  # opening from another package
        [*ms, ("extra.txt", b"x")],
        [("FORMAT", b"zc-review result bundle\nversion: 1\n"), *ms[1:]],
    ]
    for v in variants:
        with pytest.raises(SealError):
            pkg.open_package(write_zip(v), [office.root_cert], *secrets)


def test_compressed_or_bomb_like_members_refused(sealed, office):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members(sealed):
            zf.writestr(name, body)
        zf.writestr("bomb", b"\0" * 10_000_000)
    with pytest.raises(SealError):
        pkg.verify_package_signature(buf.getvalue(), [office.root_cert])


def test_format_version_3_and_1(sealed, office):
    ms = members(sealed)
    newer = write_zip([("FORMAT", b"zc-review session package\nversion: 3\n"), *ms[1:]])
    with pytest.raises(FormatVersionError) as info:
        pkg.verify_package_signature(newer, [office.root_cert])
    assert info.value.version == 3 and "版本为 3" in str(info.value) and "请升级程序" in str(info.value)
    older = write_zip([("FORMAT", b"zc-review session package\nversion: 1\n"), *ms[1:]])
    with pytest.raises(FormatVersionError) as info:
        pkg.verify_package_signature(older, [office.root_cert])
    assert info.value.older and "旧版程序" in str(info.value) and "升级" not in str(info.value)


def test_write_refuses_equal_or_malformed_secrets(office, secrets):
    with pytest.raises(ValueError):
        pkg.write_package(b"x", office, secrets[0], secrets[0].lower(), NOW)
    with pytest.raises(ValueError):
        pkg.write_package(b"x", office, "123", secrets[1], NOW)
    with pytest.raises(ValueError):
        pkg.write_package(b"x", office, *secrets, NOW.replace(tzinfo=None))


@pytest.mark.tools("openssl")
def test_openssl_verifies_signature(sealed, office, tmp_path):
    for name, body in members(sealed):
        (tmp_path / name).write_bytes(body)
    (tmp_path / "root-cert.pem").write_bytes(office.root_cert.public_bytes(serialization.Encoding.PEM))
    script = (
        "set -e; openssl x509 -in root-cert.pem -pubkey -noout > root-pub.pem; "
        "for m in FORMAT header.json payload.age opening.age recovery.age; "
        "do openssl dgst -sha256 -binary \"$m\"; done > signed-digests.bin; "
        "openssl dgst -sha256 -verify root-pub.pem -signature signature.der signed-digests.bin"
    )
    out = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0 and "Verified OK" in out.stdout
    (tmp_path / "payload.age").write_bytes(b"tampered")
    out = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode != 0


@pytest.mark.tools("age")
def test_age_cli_recovers_payload(sealed, office, tmp_path):
    for name, body in members(sealed):
        (tmp_path / name).write_bytes(body)
    (tmp_path / "office-identity.txt").write_text(office.age_identity + "\n")
    subprocess.run(["age", "-d", "-i", "office-identity.txt", "-o", "session-identity.txt", "recovery.age"],
                   cwd=tmp_path, check=True)
    subprocess.run(["age", "-d", "-i", "session-identity.txt", "-o", "payload.bin", "payload.age"],
                   cwd=tmp_path, check=True)
    assert (tmp_path / "payload.bin").read_bytes() == PAYLOAD
