"""office verify's section ``draw`` (issue 11): the draw record filed at pack is shown, and a record that is
edited, of another session or naming other reviewers fails ``draw.record``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed
from zc_review.seal.drawsign import issue_signers, sign_record
from zc_review.seal.pki import load_office_keys
from zc_review.service.office.register_checks import DRAW_RECORDS


def _record(demo: Packed, keys_dir: Path, edit: Any = None) -> bytes:
    """A record signed by the office naming the demo's committee as drawn (ids and roles)."""
    keys = load_office_keys(keys_dir)
    session = demo.payload.session
    body: dict[str, Any] = {
        "algorithm": "zc-review-draw-v1", "session_id": session["session_id"], "seed": "2025112036",
        "drawn_at": dt.datetime.now(dt.UTC).isoformat(),
        "members": [{"expert": r["id"], "committee_role": r["committee_role"]} for r in session["reviewers"]]}
    if edit:
        edit(body)
    body["signers"], private = issue_signers(keys, [("staff", "S02", "范家豪"), ("supervisor", "S01", "孟嘉怡")],
                                             dt.datetime.now(dt.UTC))
    rec = {"format": "zc-review draw record", "version": 1} | sign_record(body, private, keys)
    return json.dumps(rec, ensure_ascii=False).encode()


def _verify(demo: Packed, bundle: Path, tmp: Path, record: bytes | None) -> Any:
    from zc_review.service.office import verify_bundle

    keys = tmp / "keys"
    shutil.copytree(demo.keys, keys)
    if record is not None:
        (keys / DRAW_RECORDS).mkdir()
        (keys / DRAW_RECORDS / f"{demo.package_id}.json").write_bytes(record)
    rep = verify_bundle(bundle, keys)
    return rep, next(c for c in rep.checks if c.id == "draw.record")


def test_no_record_filed_passes_and_says_so(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    rep, check = _verify(demo, demo_bundles[1], tmp_path, None)
    assert check.ok and "未附抽取记录" in check.detail
    assert any(line[0] == "评审专家抽取记录" for line in rep.lines)


def test_a_record_of_this_committee_is_shown(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    rep, check = _verify(demo, demo_bundles[1], tmp_path, _record(demo, demo.keys))
    assert check.ok and "随机种子 2025112036" in check.detail and "17 人" in check.detail
    assert rep.ok


@pytest.mark.parametrize("how", ["edited", "other_members", "other_session"])
def test_a_bad_record_fails_draw_record(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path,
                                        how: str) -> None:
    if how == "edited":
        record = _record(demo, demo.keys).replace(b'"seed": "2025112036"', b'"seed": "2025112037"')
    elif how == "other_members":
        record = _record(demo, demo.keys, lambda b: b["members"][0].update(committee_role="member"))
    else:
        record = _record(demo, demo.keys, lambda b: b.update(session_id="QC-GC-ZJ-2024"))
    rep, check = _verify(demo, demo_bundles[1], tmp_path, record)
    assert not check.ok and not rep.ok
    assert ("已被改动" if how == "edited" else "不一致") in check.detail
