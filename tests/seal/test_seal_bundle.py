"""Tests for the sealed result bundle (zc_review.seal.bundle)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from zc_review.seal import bundle as bd
from zc_review.seal import pki
from zc_review.seal._container import write_zip
from zc_review.seal.errors import FormatVersionError, SealError

NOW = dt.datetime(2025, 3, 1, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MEMBERS = {
    "results.json": json.dumps({"通过": ["张伟"]}, ensure_ascii=False).encode(),
    "minutes.pdf": b"%PDF-1.4 minutes",
    "log/audit.jsonl": b'{"event":"opened"}\n',
}


@pytest.fixture(scope="module")
def office():
    return pki.generate_office_keys("测试人社厅", NOW)


@pytest.fixture(scope="module")
def device(office):
    return pki.issue_certificate(office, "评审室设备", "device", "S-2025-01", NOW)


@pytest.fixture(scope="module")
def sealed(office, device):
    key, cert = device
    return bd.write_bundle(MEMBERS, "S-2025-01", "ab" * 16, key, cert, office.age_recipient, NOW,
                           rng=lambda n: b"\x02" * n)


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def test_round_trip(sealed, office, device):
    got = bd.open_bundle(sealed, [office.root_cert], office.age_identity)
    assert got.members == MEMBERS
    m = got.manifest
    assert m["session_id"] == "S-2025-01" and m["package_id"] == "ab" * 16 and m["bundle_id"] == "02" * 16
    assert m["created"] == "2025-03-01T18:30:00+08:00"
    assert list(m["members"]) == sorted(MEMBERS)
    assert got.signer_cert == device[1]
    assert got.fingerprint == bd.bundle_fingerprint(sealed)
    assert len(got.fingerprint.split(" ")) == 16
    assert [n for n, _ in members(sealed)] == list(bd.MEMBERS)


def test_identity_file_text_accepted(sealed, office):
    text = f"# created: x\n# public key: {office.age_recipient}\n{office.age_identity}\n"
    assert bd.open_bundle(sealed, [office.root_cert], text).members == MEMBERS


def test_wrong_identity_or_root(sealed, office):
    other = pki.generate_office_keys("测试人社厅", NOW)
    with pytest.raises(SealError) as info:
        bd.open_bundle(sealed, [office.root_cert], other.age_identity)
    assert "age decryption failed" in info.value.diagnostics()
    with pytest.raises(SealError) as info:
        bd.open_bundle(sealed, [other.root_cert], office.age_identity)
    assert "trusted root" in info.value.diagnostics()


def test_every_flipped_byte_is_refused(sealed, office):
    for offset in range(len(sealed)):
        bad = bytearray(sealed)
        bad[offset] ^= 0x80
        with pytest.raises(SealError):
            bd.open_bundle(bytes(bad), [office.root_cert], office.age_identity)


def test_truncated_appended_swapped_removed(sealed, office):
    ms = members(sealed)
    bads = [sealed[:n] for n in (0, 10, len(sealed) - 1)] + [sealed + b"\n", b"PK" + sealed]
    bads += [write_zip(v) for v in ([ms[0], ms[2], ms[1], ms[3]], ms[:3], [*ms, ("x", b"")])]
    for bad in bads:
        with pytest.raises(SealError):
            bd.open_bundle(bad, [office.root_cert], office.age_identity)


def _resign(ms, manifest, key):
    raw = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    return write_zip([ms[0], ("manifest.json", raw), ms[2], ("signature.der", key.sign(raw, ec.ECDSA(hashes.SHA256())))])


def test_resigned_by_foreign_key(sealed, office, device):
    ms = members(sealed)
    manifest = json.loads(ms[1][1])
    foreign = pki.generate_office_keys("测试人社厅", NOW)  # same subject name as the real root
    fkey, fcert = pki.issue_certificate(foreign, "评审室设备", "device", "S-2025-01", NOW)
    forged = {**manifest, "signer_chain_pem": [fcert.public_bytes(serialization.Encoding.PEM).decode()]}
    with pytest.raises(SealError):
        bd.open_bundle(_resign(ms, forged, fkey), [office.root_cert], office.age_identity)
    # A bare key with the genuine certificate still in the manifest.
    with pytest.raises(SealError) as info:
        bd.open_bundle(_resign(ms, manifest, ec.generate_private_key(ec.SECP256R1())), [office.root_cert],
                       office.age_identity)
    assert "signature invalid" in info.value.diagnostics()
    # Sanity: re-signing with the genuine device key is accepted, so the checks above are meaningful.
    assert bd.open_bundle(_resign(ms, manifest, device[0]), [office.root_cert], office.age_identity)


def test_member_digest_and_extra_member_detected(office, device):
    key, cert = device
    good = bd.write_bundle(MEMBERS, "S", "p", key, cert, office.age_recipient, NOW)
    ms = members(good)
    manifest = json.loads(ms[1][1])
    lying = {**manifest, "members": {**manifest["members"], "results.json": "0" * 64}}
    with pytest.raises(SealError) as info:
        bd.open_bundle(_resign(ms, lying, key), [office.root_cert], office.age_identity)
    assert "member digest mismatch: results.json" in info.value.diagnostics()
    missing = {**manifest, "members": {k: v for k, v in manifest["members"].items() if k != "minutes.pdf"}}
    with pytest.raises(SealError):
        bd.open_bundle(_resign(ms, missing, key), [office.root_cert], office.age_identity)


def test_expired_device_cert_refused(office):
    key, cert = pki.issue_certificate(office, "设备", "device", "S", NOW - dt.timedelta(days=60))
    data = bd.write_bundle(MEMBERS, "S", "p", key, cert, office.age_recipient, NOW)
    with pytest.raises(SealError) as info:
        bd.open_bundle(data, [office.root_cert], office.age_identity)
    assert "not valid at" in str(info.value.diagnostics())


def test_root_cannot_sign_as_device(office):
    with pytest.raises(SealError):
        data = bd.write_bundle(MEMBERS, "S", "p", office.root_key, office.root_cert, office.age_recipient, NOW)
        bd.open_bundle(data, [office.root_cert], office.age_identity)


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a\\b", ".hidden", "a/../b", "FORMAT", "", "名单.json"])
def test_bad_member_names_refused(office, device, name):
    with pytest.raises(ValueError):
        bd.write_bundle({name: b"x"}, "S", "p", *device, office.age_recipient, NOW)


def test_format_version_2(sealed, office):
    ms = members(sealed)
    with pytest.raises(FormatVersionError):
        bd.open_bundle(write_zip([("FORMAT", b"zc-review result bundle\nversion: 2\n"), *ms[1:]]),
                       [office.root_cert], office.age_identity)


@pytest.mark.tools("openssl", "unzip")
def test_openssl_verifies_manifest_and_chain(sealed, office, tmp_path):
    (tmp_path / "bundle.zip").write_bytes(sealed)
    (tmp_path / "root-cert.pem").write_bytes(office.root_cert.public_bytes(serialization.Encoding.PEM))
    script = (
        "set -e; unzip -q bundle.zip -d b; cd b; "
        "python3 -c 'import json;print(json.load(open(\"manifest.json\"))[\"signer_chain_pem\"][0],end=\"\")'"
        " > device-cert.pem; "
        "openssl verify -CAfile ../root-cert.pem -partial_chain -attime 1740830000 device-cert.pem; "
        "openssl x509 -in device-cert.pem -pubkey -noout > device-pub.pem; "
        "openssl dgst -sha256 -verify device-pub.pem -signature signature.der manifest.json; "
        "openssl dgst -sha256 -r payload.age"
    )
    out = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Verified OK" in out.stdout and "device-cert.pem: OK" in out.stdout
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["payload_sha256"] in out.stdout


@pytest.mark.tools("age")
def test_age_cli_decrypts_payload(sealed, office, tmp_path):
    (tmp_path / "payload.age").write_bytes(dict(members(sealed))["payload.age"])
    (tmp_path / "office-age-identity.txt").write_text(office.age_identity + "\n")
    subprocess.run(["age", "-d", "-i", "office-age-identity.txt", "-o", "payload.zip", "payload.age"],
                   cwd=tmp_path, check=True)
    inner = dict(members((tmp_path / "payload.zip").read_bytes()))
    assert inner.pop("FORMAT") == b"zc-review result bundle payload\nversion: 1\n"
    assert inner == MEMBERS
