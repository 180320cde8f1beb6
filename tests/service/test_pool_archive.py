"""The expert pool, the credit record and the drawn committees in the office archive (issue 11), on SQLite and
PostgreSQL (the ``archive_url`` fixture of tests/pg.py): ``office pool import|list``, ``office credit …``,
a draw that reads its pool, credit record and rotation from the archive. Source: 000 第十一条、第十二条,
第二十六条(一)1, 第四十二条; RULES.md §0.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from zc_review.cli.office_pool import DEMO_SEED
from zc_review.seal.pki import load_office_keys
from zc_review.service.errors import ServiceError
from zc_review.service.office import credit, drawcheck, drawing
from zc_review.service.office import pool as P
from zc_review.service.office import pool_archive as PA

pytest_plugins = ["tests.pg"]  # the fixtures pg_server and archive_url

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def office_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zc_review.service.office import keygen

    keys = tmp_path_factory.mktemp("pool-archive-office") / "keys"
    keygen(keys, "青川市人力资源和社会保障局")
    return keys


def _draw(tmp: Path, keys: Path, url: str, session: Path = DEMO / "session.yaml") -> drawing.DrawResult:
    from tests.service.test_office_pool import designate

    answers, des = P.load_calls(DEMO / "pool" / "demo-calls.yaml")
    return drawing.draw(pool_dir=None, session_file=session, seed=DEMO_SEED, seed_again=DEMO_SEED, out_dir=tmp,
                        keys=load_office_keys(keys), answer=lambda eid, kind: answers[eid],
                        designate=lambda m: designate(des, m), archive_url=url)


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    from zc_review.storage.archive import make_archive_engine, table_rows

    return table_rows(make_archive_engine(url))


def test_the_pool_is_imported_once_per_version_and_drawn_from(archive_url: str, tmp_path: Path,
                                                               office_keys: Path) -> None:
    first = PA.import_pool(archive_url, DEMO / "pool")
    assert first.created and not PA.import_pool(archive_url, DEMO / "pool").created
    assert [(v.pool_id, v.experts, v.sha256) for v in PA.pool_versions(archive_url)] == [
        ("QC-GC-ZJ-POOL", 64, first.pool.sha256)]
    # a draw from the archive is the draw from the folder: same pool digest, same members and numbers
    res = _draw(tmp_path / "a", office_keys, archive_url)
    assert res.record["body"]["pool_sha256"] == first.pool.sha256
    assert (tmp_path / "a" / "committee.yaml").read_bytes() == (DEMO / "committee.yaml").read_bytes()
    chk = drawcheck.verify_draw(res.record_path, load_office_keys(office_keys).root_cert,
                                session_file=DEMO / "session.yaml", archive_url=archive_url, from_archive=True)
    assert chk.ok and len(chk.lines) == 3, chk.problems
    # next year's review of the pool: a new version; the draw takes the newest, the old one stays for re-checks
    newer = tmp_path / "pool"
    shutil.copytree(DEMO / "pool", newer)
    raw = yaml.safe_load((newer / "pool.yaml").read_text("utf-8"))
    raw["reviewed_on"] = "2026-09-01"
    (newer / "pool.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    second = PA.import_pool(archive_url, newer)
    assert second.created and second.pool.sha256 != first.pool.sha256
    assert PA.current_pool(archive_url, committee_name=first.pool.committee_name).sha256 == second.pool.sha256
    assert PA.pool_version(archive_url, first.pool.sha256) == first.pool
    assert drawcheck.verify_draw(res.record_path, load_office_keys(office_keys).root_cert,
                                 session_file=DEMO / "session.yaml", archive_url=archive_url, from_archive=True).ok


def test_a_bad_or_missing_or_altered_pool_is_refused(archive_url: str, tmp_path: Path, office_keys: Path) -> None:
    from zc_review.storage.archive import make_archive_engine

    with pytest.raises(ServiceError) as exc:  # nothing imported yet
        _draw(tmp_path / "a", office_keys, archive_url)
    assert exc.value.code == "pool_not_imported" and "office pool import" in exc.value.message
    assert not (tmp_path / "a").exists()
    bad = tmp_path / "bad"
    shutil.copytree(DEMO / "pool", bad)
    text = (bad / "pool.yaml").read_text("utf-8")
    (bad / "pool.yaml").write_text(text.replace("id: E002", "id: E001", 1), "utf-8")
    with pytest.raises(ServiceError) as exc:
        PA.import_pool(archive_url, bad)
    assert exc.value.code == "pool_invalid" and "E001" in exc.value.message
    assert PA.pool_versions(archive_url) == []
    PA.import_pool(archive_url, DEMO / "pool")
    engine = make_archive_engine(archive_url)
    with engine.begin() as conn:  # someone edits the stored pool in the database
        doc = conn.exec_driver_sql("SELECT document FROM archive_pool").scalar_one()
        edited = bytes(doc).replace("崔丽娟".encode(), "崔丽华".encode())
        conn.exec_driver_sql("UPDATE archive_pool SET document = %s" if engine.dialect.name == "postgresql"
                             else "UPDATE archive_pool SET document = ?", (edited,))
    with pytest.raises(ServiceError) as exc:
        _draw(tmp_path / "b", office_keys, archive_url)
    assert exc.value.code == "pool_archive_altered" and not (tmp_path / "b").exists()


def test_credit_entries_live_in_the_archive_by_period(archive_url: str, tmp_path: Path) -> None:
    """Experts for life, applicants 3 years (5 for fraud under 001), staff 3 years; references per start year."""
    a = credit.add(archive_url, kind="applicant", name="李四", employer="青川某公司", source="核查结论",
                   start="2025-01-02", reason="申报材料不实", fraud=True)
    b = credit.add(archive_url, kind="staff", name="王五", employer="青川市职称评审服务中心", source="纪检通报",
                   start="2025-05-01", reason="泄露评审信息")
    c = credit.add(archive_url, kind="expert", name="张三", employer="某单位", person_id="E900", source="通报",
                   start="2024-12-31", reason="违规")
    assert [(e.ref, e.until) for e in (a, b, c)] == [("XY-2025-001", "2030-01-02"), ("XY-2025-002", "2028-05-01"),
                                                      ("XY-2024-001", None)]
    assert credit.load(archive_url) == [c, a, b]
    rows = _rows(archive_url)["archive_credit"]
    assert {r["ref"] for r in rows} == {"XY-2025-001", "XY-2025-002", "XY-2024-001"}
    with pytest.raises(ServiceError) as exc:
        credit.add(archive_url, kind="staff", name="王五", employer="", source="x", start="2025-13-01", reason="y")
    assert exc.value.code == "credit_bad_date" and len(credit.load(archive_url)) == 3


def test_rotation_reads_the_archives_past_committees(archive_url: str, tmp_path: Path, office_keys: Path) -> None:
    """The 2025 committee filed in the archive is last year's for the 2026 draw (of 9): E002 (2024, 2025) may be
    reappointed; E001 (2023, 2024, 2025) has sat three years in a row; 12 of the 17 is over ⌊2/3 × 17⌋ = 11."""
    PA.import_pool(archive_url, DEMO / "pool")
    res = _draw(tmp_path / "2025", office_keys, archive_url)
    PA.file_committee(archive_url, res.record, res.record_path.read_bytes(), "pkg-2025")
    members = [m["expert"] for m in res.record["body"]["members"]]

    def plan_2026(reappoint: list[str]) -> Path:
        dst = tmp_path / f"in-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns("pool"))
        raw = yaml.safe_load((dst / "session.yaml").read_text("utf-8"))
        raw["year"], raw["session_id"], raw["draw"]["reappoint"] = 2026, "QC-GC-ZJ-2026", reappoint
        for seat in raw["draw"]["seats"]:  # 9 places: the pool is 3 × that once last year's 17 rotate off
            seat["count"] = 3
        (dst / "session.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
        return dst / "session.yaml"

    for reappoint, code in ((["E001"], "draw_consecutive"), (members[:12], "draw_reappoint_too_many")):
        with pytest.raises(ServiceError) as exc:
            _draw(tmp_path / "x", office_keys, archive_url, plan_2026(reappoint))
        assert exc.value.code == code, reappoint
    assert "最多 11 人" in exc.value.message
    body = _draw(tmp_path / "2026", office_keys, archive_url, plan_2026(["E002"])).record["body"]
    assert sorted(body["last_year"]) == sorted(members)  # last year's committee: the archive's 2025 draw
    assert ("E002", "reappointed") in [(m["expert"], m["how"]) for m in body["members"]]
    assert {"expert": "E001", "reason": "consecutive", "detail": "3"} in body["excluded"]
    assert json.loads(_rows(archive_url)["archive_committee"][0]["record"])["body"]["session_id"] == "QC-GC-ZJ-2025"


def test_cli_pool_and_credit_on_the_archive(archive_url: str, tmp_path: Path, office_keys: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main

    assert main(["office", "pool", "list", "--db", archive_url]) == 0
    assert "还没有专家库" in capsys.readouterr().out
    assert main(["office", "pool", "import", "--pool", str(DEMO / "pool"), "--db", archive_url]) == 0
    assert "专家 64 人" in capsys.readouterr().out
    assert main(["office", "pool", "import", "--pool", str(DEMO / "pool"), "--db", archive_url]) == 0
    assert "未作改动" in capsys.readouterr().out
    assert main(["office", "pool", "list", "--pool-id", "QC-GC-ZJ-POOL", "--db", archive_url]) == 0
    out = capsys.readouterr().out
    assert "E001 崔丽娟" in out and out.count("\n") == 64
    draw = ["office", "draw", "--session", str(DEMO / "session.yaml"), "--seed", DEMO_SEED, "--out",
            str(tmp_path / "draw"), "--keys", str(office_keys), "--calls", str(DEMO / "pool" / "demo-calls.yaml"),
            "--db", archive_url]
    assert main(draw) == 0  # no --pool: the archive's
    assert "评委 R01：E001 崔丽娟" in capsys.readouterr().out
    assert main(["office", "draw", "--verify", str(tmp_path / "draw" / "draw-record.json"), "--keys", str(office_keys),
                 "--session", str(DEMO / "session.yaml"), "--db", archive_url]) == 0
    out = capsys.readouterr().out
    assert "抽取记录核验通过" in out and "按专家库重新核定" in out and "E031 邱子涵" in out
    assert main(["office", "credit", "add", "--db", archive_url, "--kind", "staff", "--name", "王五",
                 "--reason", "泄露评审信息", "--source", "纪检通报", "--start", "2025-05-01"]) == 0
    assert "XY-2025-001" in capsys.readouterr().out
    assert main(["office", "credit", "export", "--db", archive_url, "--out", str(tmp_path / "c.csv")]) == 0
    assert "王五" in (tmp_path / "c.csv").read_text("utf-8-sig")
    assert main(["office", "pool", "import", "--pool", str(tmp_path / "nope"), "--db", archive_url]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
