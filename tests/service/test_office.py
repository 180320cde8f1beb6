"""The office's side: unlocking a package, verifying and importing a bundle, tampering, the minutes PDF."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed, new_room
from zc_review.service.errors import ServiceError
from zc_review.service.script import ScriptRunner


@pytest.fixture(scope="module")
def sealed(demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The demo played to the end: (room, bundle path)."""
    room = new_room(demo)
    out = tmp_path_factory.mktemp("usb")
    runner = ScriptRunner(room, demo.secrets, out)
    runner.run(demo.script["actions"])
    assert runner.exported is not None
    return room, runner.exported[0]


def test_bundle_verifies_and_every_number_is_recomputed(sealed: tuple[Any, Path], demo: Packed) -> None:
    from zc_review.service.office import verify_bundle

    room, bundle = sealed
    rep = verify_bundle(bundle, demo.keys)
    assert rep.ok, rep.failures()
    names = [c[0] for c in rep.lines]
    assert any("重算" in n for n in names)
    assert any("会议记录" in s for s in rep.signers)
    assert rep.fingerprint.replace(" ", "").lower() == __import__("hashlib").sha256(bundle.read_bytes()).hexdigest()


def test_import_once_then_nothing_changes(sealed: tuple[Any, Path], demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import import_bundle
    from zc_review.storage.archive import make_archive_engine, table_rows

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    first = import_bundle(sealed[1], demo.keys, url)
    assert first.created and first.passed == 19 and first.applicants == 36
    again = import_bundle(sealed[1], demo.keys, url)
    assert not again.created
    rows = table_rows(make_archive_engine(url))["archive_result"]
    assert len(rows) == 36
    failed = [r for r in rows if r["outcome"] != "passed"]
    assert failed and all(r["reason"] and r["guidance"] for r in failed)


def test_changed_byte_in_bundle_is_refused(sealed: tuple[Any, Path], demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import import_bundle, verify_bundle

    data = sealed[1].read_bytes()
    rnd = random.Random(7)
    for i in range(25):
        pos = rnd.randrange(len(data))
        bad = bytearray(data)
        bad[pos] ^= 1 << rnd.randrange(8)
        path = tmp_path / f"bad{i}.zcb"
        path.write_bytes(bytes(bad))
        rep = verify_bundle(path, demo.keys)
        assert not rep.ok, pos
        with pytest.raises(ServiceError) as err:
            import_bundle(path, demo.keys, f"sqlite:///{tmp_path / 'a.db'}")
        assert err.value.code == "import_refused"


def test_lying_room_is_caught_by_recomputation(sealed: tuple[Any, Path], demo: Packed, tmp_path: Path) -> None:
    """A bundle correctly sealed by the room's own device key, but with a declared number changed."""
    from zc_review.seal.bundle import write_bundle
    from zc_review.service.office import verify_bundle

    room, _ = sealed
    members = room.closing.bundle_members()
    record = json.loads(members["results.json"])
    record["declared"]["applicants"]["A020"]["composite"] = "99.99"
    from zc_review.domain.codec import canonical_json

    members["results.json"] = canonical_json(record)
    data = write_bundle(members, session_id=room.defn.session_id, package_id=room.package_id,
                        device_key=room.ctx.device_key, device_cert=room.ctx.device_cert,
                        office_recipient=room.payload.office_recipient, now=room.clock())
    path = tmp_path / "lying.zcb"
    path.write_bytes(data)
    rep = verify_bundle(path, demo.keys)
    assert not rep.ok
    assert any("重算" in name and not ok and "A020" in detail for name, ok, detail in rep.lines)


def test_forged_ballot_is_caught(sealed: tuple[Any, Path], demo: Packed, tmp_path: Path) -> None:
    from zc_review.domain.codec import canonical_json
    from zc_review.seal.bundle import write_bundle
    from zc_review.service.office import verify_bundle

    room, _ = sealed
    members = room.closing.bundle_members()
    record = json.loads(members["results.json"])
    slip = record["rounds"][0]["slips"][0]
    slip[2] = "agree" if slip[2] != "agree" else "disagree"
    members["results.json"] = canonical_json(record)
    data = write_bundle(members, session_id=room.defn.session_id, package_id=room.package_id,
                        device_key=room.ctx.device_key, device_cert=room.ctx.device_cert,
                        office_recipient=room.payload.office_recipient, now=room.clock())
    path = tmp_path / "forged.zcb"
    path.write_bytes(data)
    rep = verify_bundle(path, demo.keys)
    assert not rep.ok
    assert any("票箱" in name and not ok for name, ok, _ in rep.lines)


def test_minutes_pdf_holds_the_results_and_two_valid_signatures(sealed: tuple[Any, Path], demo: Packed,
                                                                 tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    from zc_review.seal.pdfsign import verify_pdf
    from zc_review.seal.pki import load_office_keys

    room, _ = sealed
    pdf = room.closing.minutes_pdf()
    import re

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for a in room.defn.applicants:
        assert a.code in text
    assert "超出通过率限额" in text and "通过" in text and room.defn.venue.replace(" ", "") in text
    out = room.outcome()
    a001 = out.applicants["A001"]
    assert str(a001.score.composite) in text
    root = load_office_keys(demo.keys).root_cert
    statuses = verify_pdf(pdf, root)
    assert [s.field_name for s in statuses] == ["Recorder", "PresidingOfficer"]
    assert all(s.ok for s in statuses) and statuses[-1].covers_whole_file


@pytest.mark.tools("pdfsig", "certutil")
def test_minutes_signatures_valid_for_pdfsig(sealed: tuple[Any, Path], demo: Packed, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    from zc_review.seal.pdfsign import pdfsig_check
    from zc_review.seal.pki import load_office_keys

    path = tmp_path / "minutes.pdf"
    path.write_bytes(sealed[0].closing.minutes_pdf())
    root = load_office_keys(demo.keys).root_cert
    lines = pdfsig_check(path, root.public_bytes(serialization.Encoding.PEM))
    assert lines is not None and len(lines) == 2 and all("Signature is Valid" in x for x in lines), lines


@pytest.mark.tools("pdffonts")
def test_minutes_fonts_embedded(sealed: tuple[Any, Path], tmp_path: Path) -> None:
    path = tmp_path / "m.pdf"
    path.write_bytes(sealed[0].closing.minutes_pdf())
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    # every font, the signature stamps' included, is embedded: the column "emb" (5th from the right) is yes
    assert rows and any("WenQuanYi" in r[0] for r in rows)
    assert [r[0] for r in rows if r[-5] != "yes"] == []


# -- the package ------------------------------------------------------------------------------------

def test_package_file_reveals_nothing(demo: Packed) -> None:
    data = demo.package.read_bytes()
    # probes of ≥ 6 bytes: a 3-byte id can occur by chance in 1 MB of ciphertext
    s = demo.payload.session
    for probe in [s["committee_name"], s["applicants"][0]["name"], s["applicants"][0]["code"], s["reviewers"][0]["name"],
                  s["venue"], "工程系列"]:
        assert probe.encode() not in data


def test_changed_byte_in_package_refused_with_one_message(demo: Packed, tmp_path: Path) -> None:
    from zc_review.i18n import t
    from zc_review.service import RoomService
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    data = demo.package.read_bytes()
    rnd = random.Random(3)
    for i in range(12):
        bad = bytearray(data)
        bad[rnd.randrange(len(bad))] ^= 0x20
        path = tmp_path / f"p{i}.zcp"
        path.write_bytes(bytes(bad))
        with pytest.raises(ServiceError) as err:
            RoomService.open(path, demo.secrets.chair_opening, demo.secrets.supervisor_opening, home=home,
                             in_memory=True)
        # the signature is checked before any secret is used: a changed byte is "not from the office or
        # damaged", never a wrong secret (issue 13 item 8)
        assert err.value.code == "package_not_genuine" and str(err.value) == t("package_not_genuine")
    with pytest.raises(ServiceError) as err:  # the supervisor's secret wrong: their layer is named
        RoomService.open(demo.package, demo.secrets.chair_opening, demo.secrets.chair_opening, home=home,
                         in_memory=True)
    assert err.value.code == "opening_secret_wrong_supervisor"
    with pytest.raises(ServiceError) as err:  # the chair's secret wrong: the supervisor's is not tried
        RoomService.open(demo.package, demo.secrets.supervisor_opening, "x" * 16, home=home, in_memory=True)
    assert err.value.code == "opening_secret_wrong_chair"
    room = RoomService.open(demo.package, demo.secrets.chair_opening, demo.secrets.supervisor_opening, home=home,
                            in_memory=True)
    assert room.defn.session_id == "QC-GC-ZJ-2025"


def test_package_from_untrusted_office_refused(demo: Packed, tmp_path: Path) -> None:
    from zc_review.service import RoomService
    from zc_review.service.office import keygen, trust_add

    other = tmp_path / "other-keys"
    keygen(other, "别的单位")
    home = tmp_path / "home"
    with pytest.raises(ServiceError) as err:
        RoomService.open(demo.package, "x", "y", home=home, in_memory=True)
    assert err.value.code == "no_trust"
    trust_add(other / "root-cert.pem", home)
    with pytest.raises(ServiceError) as err:
        RoomService.open(demo.package, demo.secrets.chair_opening, demo.secrets.supervisor_opening, home=home,
                         in_memory=True)
    assert err.value.code == "package_not_genuine"  # signed by an office this laptop does not trust


def test_pack_refuses_bad_input_naming_file_and_field(office_keys: Path, tmp_path: Path) -> None:
    from zc_review.service.office import pack

    src = tmp_path / "in"
    shutil.copytree(ROOT / "data/demo-education", src)
    p = src / "session.yaml"
    p.write_text(p.read_text("utf-8").replace("year: 2025", "year: 二〇二五"), "utf-8")
    with pytest.raises(ServiceError) as err:
        pack(src, tmp_path / "x.zcp", office_keys, fast_kdf=True)
    assert err.value.code == "input_invalid"
    assert "session.yaml" in err.value.message and "year" in err.value.message
