"""The office's register of issued packages (issue 12 §1): a rehearsal package cannot forge an official result,
a superseded package's bundle is refused, a missing register is refused clearly and rebuilt from the office's
own package files.

The attacks re-seal a bundle with a real device key (the rehearsal's, or the superseded package's): the seal
passes, and the register's checks are the ones that refuse.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed, new_room
from zc_review.service.errors import ServiceError


@pytest.fixture(scope="module")
def rehearsal_of_demo(office_keys: Path, tmp_path_factory: pytest.TempPathFactory) -> Packed:
    """The demo session (same session id, people and names as the official ``demo``) packed as a rehearsal."""
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.office import pack
    from zc_review.service.payload import parse_payload
    from zc_review.service.script import Secrets

    tmp = tmp_path_factory.mktemp("rehearsal-of-demo")
    package, secrets = tmp / "r.zcp", tmp / "r.json"
    res = pack(ROOT / "data/demo", package, office_keys, secrets_out=secrets, fast_kdf=True, rehearsal=True)
    payload = parse_payload(office_recover_package(package.read_bytes(), load_office_keys(office_keys)))
    script = json.loads((ROOT / "data/demo/script.json").read_text("utf-8"))
    return Packed(ROOT / "data/demo", package, office_keys, secrets, Secrets.load(secrets), payload,
                  res.package_id, script)


@pytest.fixture(scope="module")
def rehearsal_bundle(rehearsal_of_demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rehearsal played through and exported: a genuine rehearsal bundle of the demo session."""
    from zc_review.service.script import ScriptRunner

    room = new_room(rehearsal_of_demo)
    runner = ScriptRunner(room, rehearsal_of_demo.secrets, tmp_path_factory.mktemp("rehearsal-usb"))
    runner.run(rehearsal_of_demo.script["actions"])
    assert runner.exported is not None
    return runner.exported[0]


def reseal_as(device: Packed, keys_dir: Path, bundle: Path, out: Path, change: Callable[[dict[str, Any]], None],
              package_id: str | None = None) -> Path:
    """Open ``bundle`` as the office, edit results.json (as a dict), seal again with ``device``'s real key."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from zc_review.domain.codec import canonical_json
    from zc_review.seal.bundle import open_bundle, write_bundle
    from zc_review.seal.pki import load_office_keys

    keys = load_office_keys(keys_dir)
    contents = open_bundle(bundle.read_bytes(), [keys.root_cert], keys.age_identity)
    members = dict(contents.members)
    record = json.loads(members["results.json"])
    change(record)
    if package_id is not None:
        record["package_id"] = package_id
    members["results.json"] = canonical_json(record)
    key: Any = load_der_private_key(device.payload.device_key_der, None)
    out.write_bytes(write_bundle(members, session_id=contents.manifest["session_id"],
                                 package_id=package_id or contents.manifest["package_id"], device_key=key,
                                 device_cert=x509.load_pem_x509_certificate(device.payload.device_cert_pem),
                                 office_recipient=device.payload.office_recipient, now=datetime.now(UTC)))
    return out


def _official(record: dict[str, Any]) -> None:
    record["session"]["rehearsal"] = False


def _refused(bundle: Path, keys: Path, db: Path, check_id: str) -> ServiceError:
    from zc_review.service.office import import_bundle

    with pytest.raises(ServiceError) as err:
        import_bundle(bundle, keys, f"sqlite:///{db}")
    assert err.value.code == "import_refused" and check_id in str(err.value.params["checks"]).split(", ")
    return err.value


# -- the marks ---------------------------------------------------------------------------------------------------

def test_rehearsal_is_marked_in_the_signed_package_id_and_the_device_certificate(
        rehearsal_of_demo: Packed, demo: Packed) -> None:
    from zc_review.seal.certs import common_name, load_certificate_pem

    assert rehearsal_of_demo.package_id.startswith("rehearsal-") and len(rehearsal_of_demo.package_id) == 42
    assert not demo.package_id.startswith("rehearsal-") and len(demo.package_id) == 32
    assert common_name(load_certificate_pem(rehearsal_of_demo.payload.device_cert_pem)) == "会话设备（演练） QC-GC-ZJ-2025"
    assert common_name(load_certificate_pem(demo.payload.device_cert_pem)) == "会话设备 QC-GC-ZJ-2025"


def test_register_lists_both_packages_signed_by_the_root(rehearsal_of_demo: Packed, demo: Packed) -> None:
    from zc_review.seal.certs import cert_sha256, load_certificate_pem
    from zc_review.seal.pki import load_office_keys
    from zc_review.seal.register import open_register

    keys = load_office_keys(demo.keys)
    register = open_register((demo.keys / "issued-packages.json").read_bytes(), keys.root_cert)
    official, rehearsal = register.get(demo.package_id), register.get(rehearsal_of_demo.package_id)
    assert official is not None and rehearsal is not None
    assert (official.session_id, official.rehearsal, official.superseded_by) == ("QC-GC-ZJ-2025", False, None)
    assert (rehearsal.session_id, rehearsal.rehearsal, rehearsal.superseded_by) == ("QC-GC-ZJ-2025", True, None)
    assert official.device_cert_sha256 == cert_sha256(load_certificate_pem(demo.payload.device_cert_pem))
    assert (demo.keys / "issued-packages.json").stat().st_mode & 0o777 == 0o600


# -- the attack: a rehearsal package forges an official result ----------------------------------------------------

def test_rehearsal_resealed_as_official_is_refused_by_verify_and_import(
        rehearsal_of_demo: Packed, rehearsal_bundle: Path, demo: Packed, demo_bundles: tuple[Path, Path],
        tmp_path: Path) -> None:
    """session.rehearsal flipped to false in results.json, re-sealed with the rehearsal's own device key."""
    from zc_review.service.office import import_bundle, verify_bundle

    forged = reseal_as(rehearsal_of_demo, demo.keys, rehearsal_bundle, tmp_path / "forged.zcb", _official)
    rep = verify_bundle(forged, demo.keys)
    assert not rep.ok
    failed = rep.failed_ids()
    assert {"register.official", "device.rehearsal_mark", "record.package_mark"} <= set(failed), failed
    assert not any(i.startswith("seal.") for i in failed)  # a real device key: the seal itself passes
    detail = next(c.detail for c in rep.checks if c.id == "register.official")
    assert "登记为演练评审包" in detail and "正式" in detail
    archive = tmp_path / "archive.db"
    _refused(forged, demo.keys, archive, "register.official")
    # the real official bundle still imports afterwards
    assert import_bundle(demo_bundles[1], demo.keys, f"sqlite:///{archive}").created


def test_rehearsal_claiming_the_official_package_id_fails_the_device_certificate(
        rehearsal_of_demo: Packed, rehearsal_bundle: Path, demo: Packed, demo_bundles: tuple[Path, Path],
        tmp_path: Path) -> None:
    """Same forgery, also claiming the official package's id: the device certificate is not the one issued."""
    from zc_review.service.office import import_bundle, verify_bundle

    forged = reseal_as(rehearsal_of_demo, demo.keys, rehearsal_bundle, tmp_path / "forged.zcb", _official,
                       package_id=demo.package_id)
    rep = verify_bundle(forged, demo.keys)
    assert "register.device_cert" in rep.failed_ids() and not rep.ok
    assert "不是本办事机构为评审包" in next(c.detail for c in rep.checks if c.id == "register.device_cert")
    archive = tmp_path / "archive.db"
    _refused(forged, demo.keys, archive, "register.device_cert")
    assert import_bundle(demo_bundles[1], demo.keys, f"sqlite:///{archive}").created


def test_genuine_rehearsal_bundle_passes_and_goes_only_to_a_rehearsal_archive(
        rehearsal_bundle: Path, demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import import_bundle, verify_bundle

    rep = verify_bundle(rehearsal_bundle, demo.keys)
    assert rep.ok, rep.failures()
    with pytest.raises(ServiceError) as err:
        import_bundle(rehearsal_bundle, demo.keys, f"sqlite:///{tmp_path / 'official.db'}")
    assert err.value.code == "rehearsal_refused"
    assert import_bundle(rehearsal_bundle, demo.keys, f"sqlite:///{tmp_path / 'r.db'}", allow_rehearsal=True).created


# -- office recover supersedes ------------------------------------------------------------------------------------

@pytest.fixture
def recovered(demo: Packed, tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    """A copy of the office (keys and register) that re-issued the demo package: (keys, new package, secrets)."""
    from zc_review.service.office import recover

    keys = tmp_path / "keys"
    shutil.copytree(demo.keys, keys)
    res = recover(demo.package, keys, tmp_path / "new.zcp", secrets_out=tmp_path / "new.json")
    assert res.supersedes == demo.package_id and res.package_id != demo.package_id
    return keys, res.package_path, json.loads((tmp_path / "new.json").read_text("utf-8"))


def test_bundle_of_a_package_superseded_by_recover_is_refused_as_not_latest(
        demo: Packed, demo_bundles: tuple[Path, Path], recovered: tuple[Path, Path, dict[str, Any]],
        tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    keys, _, secrets = recovered
    rep = verify_bundle(demo_bundles[1], keys)  # sealed under the old package, with its real device key
    assert rep.failed_ids() == ["register.latest"]
    detail = next(c.detail for c in rep.checks if c.id == "register.latest")
    assert demo.package_id in detail and secrets["package_id"] in detail and "取代" in detail
    _refused(demo_bundles[1], keys, tmp_path / "archive.db", "register.latest")


def test_recovered_package_resumes_the_session_and_its_bundle_is_accepted(
        demo: Packed, minutes_ready_db: Path, recovered: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    """The room that began under the old package carries on under the new one (new id, new device key)."""
    from tests.conftest import Clock, index_of
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service import RoomService
    from zc_review.service.office import verify_bundle
    from zc_review.service.payload import parse_payload
    from zc_review.service.script import ScriptRunner
    from zc_review.storage.engine import make_engine

    keys, package, secrets = recovered
    payload = parse_payload(office_recover_package(package.read_bytes(), load_office_keys(keys)))
    assert payload.supersedes == (demo.package_id,) and payload.box_key_source == demo.payload.device_key_der
    assert payload.device_key_der != demo.payload.device_key_der
    db = tmp_path / "room" / "session.db"
    db.parent.mkdir()
    shutil.copyfile(minutes_ready_db, db)
    room = RoomService.build(payload=payload, package_id=secrets["package_id"], package_sha256="1" * 64,
                             engine=make_engine(db), workdir=db.parent, clock=Clock())
    assert room.package_id == secrets["package_id"]
    runner = ScriptRunner(room, demo.secrets, tmp_path / "usb")
    runner.run(demo.script["actions"][index_of(demo, "sign_minutes"):])
    assert runner.exported is not None
    rep = verify_bundle(runner.exported[0], keys)
    assert rep.ok, rep.failures()
    room.engine.dispose()


def test_recover_refuses_a_package_already_superseded(demo: Packed, recovered: tuple[Path, Path, dict[str, Any]],
                                                      tmp_path: Path) -> None:
    from zc_review.service.office import recover

    keys, _, _ = recovered
    with pytest.raises(ServiceError) as err:
        recover(demo.package, keys, tmp_path / "again.zcp")
    assert err.value.code == "recover_superseded" and not (tmp_path / "again.zcp").exists()


# -- no register: a clear refusal, and re-registration from the office's own files ----------------------------------

def test_missing_register_is_refused_clearly_and_re_registering_restores_it(
        demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main
    from zc_review.service.office import verify_bundle

    keys = tmp_path / "keys"  # the office's keys on another laptop: no register
    shutil.copytree(demo.keys, keys)
    (keys / "issued-packages.json").unlink()
    rep = verify_bundle(demo_bundles[1], keys)
    assert rep.failed_ids()[0] == "register.present" and not rep.ok
    assert all(i.startswith("register.") for i in rep.failed_ids())
    line = next(ln for ln in rep.lines if not ln.ok)
    assert line.name.startswith("评审包签发登记") and "没有评审包登记簿" in line.detail
    assert "zc-review office register" in line.detail
    _refused(demo_bundles[1], keys, tmp_path / "archive.db", "register.present")
    assert main(["office", "verify", str(demo_bundles[1]), "--keys", str(keys)]) == 2
    printed = "".join(capsys.readouterr().out.split())  # the table wraps long details over several lines
    assert "没有评审包登记簿" in printed and "zc-review" in printed and "register" in printed

    assert main(["office", "register", str(demo.package), "--keys", str(keys)]) == 0
    assert f"已登记评审包 {demo.package_id}" in capsys.readouterr().out
    assert verify_bundle(demo_bundles[1], keys).ok
    assert main(["office", "register", str(demo.package), "--keys", str(keys)]) == 0  # again: nothing changes
    assert "已在登记簿中" in capsys.readouterr().out


def test_re_registering_orders_packages_by_issue_and_keeps_recoveries(
        demo: Packed, demo_bundles: tuple[Path, Path], recovered: tuple[Path, Path, dict[str, Any]]) -> None:
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.office import register_packages, verify_bundle
    from zc_review.service.office.register import load_register

    keys, package, secrets = recovered
    (keys / "issued-packages.json").unlink()
    register_packages([package, demo.package], keys)  # newest first: the old one is still superseded
    entry = load_register(keys, load_office_keys(keys)).get(demo.package_id)
    assert entry is not None and entry.superseded_by == secrets["package_id"] and entry.source == "register"
    assert verify_bundle(demo_bundles[1], keys).failed_ids() == ["register.latest"]


def test_register_refuses_a_foreign_package_and_an_edited_register(demo: Packed, tmp_path: Path) -> None:
    from zc_review.service.office import keygen, register_packages

    other = tmp_path / "other"
    keygen(other, "别的单位")
    with pytest.raises(ServiceError) as err:
        register_packages([demo.package], other)
    assert err.value.code == "register_foreign"

    keys = tmp_path / "keys"
    shutil.copytree(demo.keys, keys)
    path = keys / "issued-packages.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["entries"][0]["rehearsal"] = not doc["entries"][0]["rehearsal"]  # an edit without the root key
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(ServiceError) as err:
        register_packages([demo.package], keys)
    assert err.value.code == "register_invalid_file"


def test_edited_register_fails_register_present(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    keys = tmp_path / "keys"
    shutil.copytree(demo.keys, keys)
    path = keys / "issued-packages.json"
    doc = json.loads(path.read_text("utf-8"))
    for e in doc["entries"]:
        e["superseded_by"] = None
        e["rehearsal"] = False
    path.write_text(json.dumps(doc), "utf-8")
    rep = verify_bundle(demo_bundles[1], keys)
    assert rep.failed_ids()[0] == "register.present"
    assert "签名无效" in next(c.detail for c in rep.checks if c.id == "register.present")
