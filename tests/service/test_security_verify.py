"""``office verify``: who signed what (by name and role), the first broken link of the log, diagnostics.

Bundles here are altered and then re-sealed with the genuine session device key, so the seal passes and the
check under test is the one that refuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed


def reseal(demo: Packed, bundle: Path, out: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """Open ``bundle`` as the office, let ``change`` edit the plaintext members, seal again as the device."""
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from zc_review.seal.bundle import open_bundle, write_bundle
    from zc_review.seal.pki import load_office_keys

    keys = load_office_keys(demo.keys)
    contents = open_bundle(bundle.read_bytes(), [keys.root_cert], keys.age_identity)
    members = dict(contents.members)
    change(members)
    key: Any = load_der_private_key(demo.payload.device_key_der, None)
    data = write_bundle(members, session_id=contents.manifest["session_id"],
                        package_id=contents.manifest["package_id"], device_key=key,
                        device_cert=x509.load_pem_x509_certificate(demo.payload.device_cert_pem),
                        office_recipient=demo.payload.office_recipient, now=datetime.now(UTC))
    out.write_bytes(data)
    return out


def failed(rep: Any) -> dict[str, str]:
    return {name: detail for name, ok, detail in rep.lines if not ok}


def test_verify_names_every_signer_by_name_and_role(demo: Packed, demo_bundles: tuple[Path, Path]) -> None:
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(demo_bundles[1], demo.keys)
    assert rep.ok, rep.failures()
    names = {r["id"]: r["name"] for r in demo.payload.session["reviewers"]}
    names |= {s["id"]: s["name"] for s in demo.payload.session["staff"]}
    sigs = rep.record["signatures"]
    assert {s["kind"] for s in sigs} == {"pledge", "rubric", "results"}
    # one line per signature, plus the device and the two minutes signatures
    assert len(rep.signers) == len(sigs) + 3
    assert rep.signers[0] == "封装：会话设备（会话设备 QC-GC-ZJ-2025）"
    for sg in sigs:
        assert any(names[sg["person_id"]] in line and f"（{sg['person_id']}）" in line and sg["subject"] in line
                   for line in rep.signers), sg
    assert "承诺书：R05　评审专家 " + names["R05"] + "（R05）" in rep.signers
    assert "评分标准：P-JZ　纪检监察人员 " + names["S01"] + "（S01）" in rep.signers
    assert f"会议记录 PDF 签名：记录人 {names['S02']}（S02）" in rep.signers
    assert f"会议记录 PDF 签名：主持人 {names['R01']}（R01）" in rep.signers


def test_verify_reports_first_broken_link(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    def edit(members: dict[str, bytes]) -> None:
        log = json.loads(members["log.json"])
        log[9]["detail"] = {"edited": True}  # entry 10: its hash no longer matches
        members["log.json"] = json.dumps(log, ensure_ascii=False).encode()

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", edit), demo.keys)
    bad = failed(rep)
    assert list(bad) == ["操作日志哈希链"] and bad["操作日志哈希链"] == "第 10 条断链"


def test_verify_cli_prints_signers_and_broken_link(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main

    def edit(members: dict[str, bytes]) -> None:
        log = json.loads(members["log.json"])
        del log[41]  # a removed entry breaks the chain at the one after it
        members["log.json"] = json.dumps(log, ensure_ascii=False).encode()

    bad = reseal(demo, demo_bundles[1], tmp_path / "b.zcb", edit)
    assert main(["office", "verify", str(bad), "--keys", str(demo.keys)]) == 2
    out = capsys.readouterr().out
    assert "第 43 条断链" in out and "会议记录 PDF 签名：主持人" in out


def test_certificate_cannot_stand_for_another_person(demo: Packed, demo_bundles: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    from zc_review.service.office import verify_bundle

    def swap(members: dict[str, bytes]) -> None:
        rec = json.loads(members["results.json"])
        c = rec["certificates"]
        c["R05"], c["R06"] = c["R06"], c["R05"]
        members["results.json"] = json.dumps(rec, ensure_ascii=False).encode()

    rep = verify_bundle(reseal(demo, demo_bundles[1], tmp_path / "b.zcb", swap), demo.keys)
    bad = failed(rep)
    assert set(bad["人员证书链"].split(", ")) == {"R05", "R06"}
    assert "承诺书、评分标准与结果签字" in bad


def test_verify_report_carries_internal_diagnostics(demo: Packed, demo_bundles: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    """The user of the room sees one message; the office's report says which check failed."""
    from zc_review.service.office import verify_bundle

    data = bytearray(demo_bundles[1].read_bytes())
    data[len(data) // 2] ^= 1
    (tmp_path / "x.zcb").write_bytes(bytes(data))
    rep = verify_bundle(tmp_path / "x.zcb", demo.keys)
    assert not rep.ok and rep.lines[0][0] == "封装、签名与加密"
    assert "bundle" in rep.lines[0][2] and "CRC" in rep.lines[0][2]  # which check failed, in English
