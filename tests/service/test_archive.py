"""The office archive after the room (issue 10), every test on SQLite and on a real PostgreSQL server.

Bundles: the demo session of 2025 (``demo_bundles``), the same committee's 2024 session (a copy of the demo
input with another id and year: the same applicants, so those who failed in 2024 apply again in 2025) and a
rehearsal of it. Each is packed, played and sealed once per run; each test files them in a new archive.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, Packed, _pack, new_room
from zc_review.service.errors import ServiceError
from zc_review.service.script import ScriptRunner

pytest_plugins = ["tests.pg"]  # the fixtures pg_server and archive_url

SESSION = "QC-GC-ZJ-2025"
LAST_YEAR = "QC-GC-ZJ-2024"
REHEARSAL = "QC-GC-ZJ-2025-YL"


@dataclass(frozen=True)
class Bundles:
    """The genuine bundles the archive tests file, and the office keys that open them."""

    keys: Path
    this_year: Path
    last_year: Path
    rehearsal: Path


def _played(packed: Packed, out: Path) -> Path:
    room = new_room(packed)
    runner = ScriptRunner(room, packed.secrets, out)
    runner.run(packed.script["actions"])
    assert runner.exported is not None
    return runner.exported[0]


def _variant(src: Path, dst: Path, **changes: Any) -> Path:
    shutil.copytree(src, dst)
    session = yaml.safe_load((dst / "session.yaml").read_text("utf-8"))
    session.update(changes)
    (dst / "session.yaml").write_text(yaml.safe_dump(session, allow_unicode=True), "utf-8")
    return dst


@pytest.fixture(scope="session")
def bundles(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    tmp = tmp_path_factory.mktemp("archive-bundles")
    last = _variant(ROOT / "data/demo", tmp / "in-2024", session_id=LAST_YEAR, year=2024, scheduled_date="2024-11-21")
    rehearsal = _variant(ROOT / "data/demo", tmp / "in-yl", session_id=REHEARSAL, rehearsal=True)
    return Bundles(demo.keys, demo_bundles[1], _played(_pack(tmp, last, demo.keys), tmp / "usb-2024"),
                   _played(_pack(tmp, rehearsal, demo.keys), tmp / "usb-yl"))


def _filed(b: Bundles, url: str) -> None:
    from zc_review.service.office import import_bundle

    assert import_bundle(b.last_year, b.keys, url, imported_by="王办事").created
    assert import_bundle(b.this_year, b.keys, url, imported_by="王办事").created
    assert import_bundle(b.rehearsal, b.keys, url, allow_rehearsal=True, imported_by="王办事").created


def _reviewer_strings() -> set[str]:
    committee = yaml.safe_load((ROOT / "data/demo/committee.yaml").read_text("utf-8"))
    out = set()
    for person in committee["reviewers"] + committee.get("staff", []):
        out |= {person["name"], person["id"]}
    return out


def test_db_upgrade_makes_the_same_schema_and_is_idempotent(archive_url: str) -> None:
    from zc_review.service.office.archive import db_upgrade
    from zc_review.storage.archive import head_revision, make_archive_engine, table_rows

    assert db_upgrade(archive_url) == (None, head_revision())
    assert db_upgrade(archive_url) == (head_revision(), head_revision())
    tables = set(table_rows(make_archive_engine(archive_url)))
    assert tables == {"alembic_version", "archive_session", "archive_result", "archive_notice",
                      "archive_complaint", "archive_filing", "archive_pool", "archive_credit", "archive_committee"}


def test_archive_never_holds_a_reviewer_or_a_ballot(bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    """RULES.md §1: read every row of every table; no reviewer's name or id, no slip, no voter roll."""
    from zc_review.service.office.archive_complaint import record_complaint
    from zc_review.service.office.archive_notice import draft_notice
    from zc_review.storage.archive import make_archive_engine, table_rows

    _filed(bundles, archive_url)
    draft_notice(archive_url, SESSION, tmp_path, start=date(2025, 11, 24), today=date(2025, 11, 24))
    record_complaint(archive_url, SESSION, "A020", kind="complaint", summary="对综合得分有异议", handler="李核查")
    rows = table_rows(make_archive_engine(archive_url))
    assert len(rows["archive_result"]) == 3 * 36
    forbidden = _reviewer_strings()
    slips = {s[0] for r in json.loads(_results_json(bundles))["rounds"] for s in r["slips"]}
    assert forbidden and slips
    for table, records in rows.items():
        for record in records:
            for column, value in record.items():
                if column == "bundle":  # the sealed bundle as filed: age ciphertext to the office
                    assert bytes(value) == _bundle_of(bundles, record["session_id"]).read_bytes()
                    continue
                text = str(value)
                hits = {s for s in forbidden | slips if s in text}
                assert not hits, (table, column, hits)
    columns = {c for records in rows.values() for r in records for c in r}
    assert not columns & {"reviewer_id", "reviewer", "voter", "voters", "slips", "person_id"}


def _results_json(b: Bundles) -> str:
    from zc_review.seal.office_sign import bundle_members

    return bundle_members(b.this_year.read_bytes(), b.keys)["results.json"].decode()


def _bundle_of(b: Bundles, session_id: str) -> Path:
    return {SESSION: b.this_year, LAST_YEAR: b.last_year, REHEARSAL: b.rehearsal}[session_id]


def test_sessions_lists_what_was_filed(bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    from zc_review.service.office.archive import list_sessions
    from zc_review.service.office.archive_notice import draft_notice

    _filed(bundles, archive_url)
    draft_notice(archive_url, SESSION, tmp_path, start=date(2025, 11, 24), today=date(2025, 11, 21))
    lines = list_sessions(archive_url, today=date(2025, 11, 26))
    assert [ln.session_id for ln in lines] == [SESSION, REHEARSAL, LAST_YEAR]
    this = lines[0]
    assert (this.scheduled_date, this.series, this.title_level, this.applicants, this.passed, this.rehearsal) == \
        (date(2025, 11, 20), "工程系列", "中级", 36, 19, False)
    assert this.fingerprint.replace(" ", "").lower() == __import__("hashlib").sha256(
        bundles.this_year.read_bytes()).hexdigest()
    assert this.imported_by == "王办事" and this.notice == "公示中" and lines[2].notice == "未公示"
    assert lines[1].rehearsal


def test_applicant_history_flags_a_failure_last_year(bundles: Bundles, archive_url: str) -> None:
    """Seed 003 七(二): an applicant who failed last year is generally not accepted again: shown."""
    from zc_review.service.office.archive import applicant_history

    _filed(bundles, archive_url)
    record = json.loads(_results_json(bundles))
    failed_id = next(a for a, d in sorted(record["declared"]["applicants"].items()) if d["outcome"] != "passed")
    passed_id = next(a for a, d in sorted(record["declared"]["applicants"].items()) if d["outcome"] == "passed")
    name = next(a["name"] for a in record["session"]["applicants"] if a["id"] == failed_id)
    h = applicant_history(archive_url, name)
    assert [ln.session_id for ln in h.lines] == [LAST_YEAR, SESSION, REHEARSAL]
    assert [ln.failed_year_before for ln in h.lines] == [False, True, False]  # a rehearsal never counts
    assert len(h.warnings) == 1 and "2024" in h.warnings[0] and name in h.warnings[0]
    assert h.lines[0].reason and h.lines[0].guidance
    ok = applicant_history(archive_url, passed_id)
    assert ok.warnings == [] and all(ln.passed for ln in ok.lines if not ln.rehearsal)
    with pytest.raises(ServiceError) as err:
        applicant_history(archive_url, "不存在的人")
    assert err.value.code == "applicant_not_found"


def test_notice_pdf_and_xlsx_without_reviewers(bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from tests.tooling import require_tool
    from zc_review.service.office.archive_notice import draft_notice, notice_info

    require_tool("pdftotext", "pdffonts")
    _filed(bundles, archive_url)
    n = draft_notice(archive_url, SESSION, tmp_path, start=date(2025, 9, 29), today=date(2025, 9, 26))
    assert (n.first_day, n.last_day, n.state) == (date(2025, 9, 29), date(2025, 10, 11), "drafted")  # 国庆
    assert notice_info(archive_url, SESSION, today=date(2025, 10, 11)).state == "published"  # type: ignore[union-attr]
    assert notice_info(archive_url, SESSION, today=date(2025, 10, 12)).state == "over"  # type: ignore[union-attr]
    pdf, xlsx = n.files
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "评审结果公示" in text and "2025-10-11" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and "Helvetica" not in fonts
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("编号", "姓名") and len(rows) == 2 + 36 + 2
    everything = text + json.dumps(rows, ensure_ascii=False, default=str)
    names = {s for s in _reviewer_strings() if not s.isascii()}
    assert names and not {s for s in names if s in everything}
    again = draft_notice(archive_url, SESSION, tmp_path / "again", today=date(2025, 10, 12))
    assert (again.first_day, again.last_day, again.state) == (n.first_day, n.last_day, "over")


@pytest.mark.parametrize("case", ["unknown", "rehearsal", "too_short", "moved"])
def test_bad_notice_changes_nothing(bundles: Bundles, archive_url: str, tmp_path: Path, case: str) -> None:
    from zc_review.service.office.archive_notice import draft_notice, notice_info
    from zc_review.storage.archive import make_archive_engine, table_rows

    _filed(bundles, archive_url)
    if case == "moved":
        draft_notice(archive_url, SESSION, tmp_path / "first", start=date(2025, 11, 24), today=date(2025, 11, 21))
    before = table_rows(make_archive_engine(archive_url))
    session, kw = {"unknown": ("QC-NOPE", {}), "rehearsal": (REHEARSAL, {}), "too_short": (SESSION, {"working_days": 4}),
                   "moved": (SESSION, {"start": date(2025, 12, 1)})}[case]
    with pytest.raises(ServiceError) as err:
        draft_notice(archive_url, session, tmp_path / "out", today=date(2025, 11, 21), **kw)
    assert err.value.code == {"unknown": "archive_session_unknown", "rehearsal": "notice_rehearsal",
                              "too_short": "notice_too_short", "moved": "notice_fixed"}[case]
    assert "\n" not in err.value.message.strip() and err.value.message
    assert table_rows(make_archive_engine(archive_url)) == before
    assert not (tmp_path / "out").exists()
    if case == "too_short":
        assert notice_info(archive_url, SESSION) is None


def test_complaint_lifecycle_signed_finding_and_evidence(bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    from zc_review.service.office import archive_complaint as svc
    from zc_review.storage.archive import ArchiveComplaint, make_archive_engine, writing

    _filed(bundles, archive_url)
    with pytest.raises(ServiceError) as err:
        svc.record_complaint(archive_url, SESSION, "A999", kind="complaint", summary="x")
    assert err.value.code == "complaint_applicant_unknown"
    assert svc.list_complaints(archive_url) == []
    c = svc.record_complaint(archive_url, SESSION, "A020", kind="reexamination", summary="申请复查材料评分",
                             received_on=date(2025, 11, 25))
    assert (c.id, c.status, c.kind) == (1, "已受理", "申请复查")
    with pytest.raises(ServiceError) as err:
        svc.conclude_complaint(archive_url, c.id, bundles.keys, finding="维持原评审结果")
    assert err.value.code == "complaint_no_handler"
    svc.update_complaint(archive_url, c.id, status="investigating", handler="李核查")
    done = svc.conclude_complaint(archive_url, c.id, bundles.keys, finding="经核查，评分无误，维持原评审结果",
                                  finding_on=date(2025, 11, 28))
    assert done.status == "已办结" and done.signed is True
    with pytest.raises(ServiceError) as err:
        svc.update_complaint(archive_url, c.id, handler="别人")
    assert err.value.code == "complaint_concluded"
    # a finding changed in the database after signing no longer verifies
    engine = make_archive_engine(archive_url)
    with writing(engine) as s:
        row = s.get(ArchiveComplaint, c.id)
        assert row is not None
        row.finding = "撤销原评审结果"
        s.add(row)
    assert svc.list_complaints(archive_url, keys_dir=bundles.keys)[0].signed is False

    path, ex = svc.write_evidence(archive_url, c.id, bundles.keys, tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    record = json.loads(_results_json(bundles))
    d = record["declared"]["applicants"]["A020"]
    assert (ex["declared"]["agree"], ex["declared"]["composite"]) == (d["agree"], d["composite"])
    assert ex["scores"] and all(s["reviewer"].startswith("专家") for s in ex["scores"])
    assert ex["rubric"]["criteria"] and ex["opinion"] == record["opinions"]["A020"]
    text = path.read_text("utf-8")
    slips = {s[0] for r in record["rounds"] for s in r["slips"]}
    assert not {s for s in _reviewer_strings() | slips if s in text}
    assert "voters" not in text and "slips" not in text


def test_filing_only_after_the_notice_period(bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    import hashlib

    from openpyxl import load_workbook

    from zc_review.service.office.archive import list_sessions
    from zc_review.service.office.archive_complaint import record_complaint
    from zc_review.service.office.archive_filing import write_filing
    from zc_review.service.office.archive_notice import draft_notice
    from zc_review.storage.archive import make_archive_engine, table_rows

    _filed(bundles, archive_url)
    out = tmp_path / "filing"
    for session, code, kw in ((SESSION, "filing_no_notice", {}), (REHEARSAL, "filing_rehearsal", {})):
        with pytest.raises(ServiceError) as err:
            write_filing(archive_url, session, out, bundles.keys, today=date(2025, 12, 31), **kw)
        assert err.value.code == code
    n = draft_notice(archive_url, SESSION, tmp_path, start=date(2025, 11, 24), today=date(2025, 11, 21))
    record_complaint(archive_url, SESSION, "A020", kind="complaint", summary="对结果有异议")
    before = table_rows(make_archive_engine(archive_url))
    with pytest.raises(ServiceError) as err:
        write_filing(archive_url, SESSION, out, bundles.keys, today=n.last_day)
    assert err.value.code == "filing_notice_open" and n.last_day.isoformat() in err.value.message
    assert not out.exists() and table_rows(make_archive_engine(archive_url)) == before

    res = write_filing(archive_url, SESSION, out, bundles.keys, today=date(2025, 12, 8))
    names = sorted(p.name for p in res.folder.iterdir())
    assert names == ["manifest.json", "minutes.pdf", "roster.pdf", "roster.xlsx"]
    manifest = json.loads((res.folder / "manifest.json").read_text("utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((res.folder / name).read_bytes()).hexdigest() == digest
    assert manifest["bundle_sha256"] == hashlib.sha256(bundles.this_year.read_bytes()).hexdigest()
    assert manifest["passed"] == 19 and manifest["pass_rates"][-1]["passed"] == 19
    assert [c["status"] for c in manifest["complaints"]] == ["已受理"]
    minutes = json.loads(_results_json(bundles))
    assert minutes  # the minutes come from the sealed bundle: the same bytes the room signed
    from zc_review.seal.office_sign import bundle_members

    assert (res.folder / "minutes.pdf").read_bytes() == bundle_members(bundles.this_year.read_bytes(),
                                                                       bundles.keys)["minutes.pdf"]
    wb = load_workbook(res.folder / "roster.xlsx")
    assert wb.sheetnames == ["花名册", "通过率统计", "投诉处理"]
    assert wb["花名册"].max_row == 2 + 19
    headings = [c.value for row in wb["投诉处理"].iter_rows() for c in row]
    assert "状态" in headings and not [h for h in headings if str(h).startswith(("office.", "common."))]
    assert list_sessions(archive_url, today=date(2025, 12, 8))[0].filed


def test_unreachable_database_is_a_clear_message(bundles: Bundles, tmp_path: Path) -> None:
    """A URL nobody answers: one Chinese message, the password hidden, nothing written anywhere."""
    import port_for

    from zc_review.service.office import import_bundle
    from zc_review.service.office.archive import list_sessions

    url = f"postgresql+psycopg://office:secret-pw@127.0.0.1:{port_for.select_random()}/archive"
    for call in (lambda: list_sessions(url), lambda: import_bundle(bundles.this_year, bundles.keys, url)):
        with pytest.raises(ServiceError) as err:
            call()
        assert err.value.code == "archive_unreachable"
        assert "secret-pw" not in err.value.message and "office:***@" in err.value.message
    with pytest.raises(ServiceError) as err:
        list_sessions("nosuchdialect://x")
    assert err.value.code == "archive_unreachable"


def test_an_older_schema_is_not_changed_behind_the_office(archive_url: str) -> None:
    from zc_review.service.office.archive import list_sessions
    from zc_review.storage.archive import make_archive_engine

    engine = make_archive_engine(archive_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0000')")
        conn.exec_driver_sql("CREATE TABLE archive_session (session_id VARCHAR(128) PRIMARY KEY)")
    with pytest.raises(ServiceError) as err:
        list_sessions(archive_url)
    assert err.value.code == "archive_newer"  # 0000 is no revision this program knows
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql("CREATE TABLE importedbundle (session_id VARCHAR(128) PRIMARY KEY)")
    with pytest.raises(ServiceError) as err:
        list_sessions(archive_url)
    assert err.value.code == "archive_foreign"  # half of the first importer's tables: not an archive it made
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE importedresult (session_id VARCHAR(128) PRIMARY KEY)")
    with pytest.raises(ServiceError) as err:
        list_sessions(archive_url)
    assert err.value.code == "archive_legacy" and "office db upgrade" in err.value.message


def test_cli_refusals_are_one_chinese_line_and_exit_2(archive_url: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main
    from zc_review.storage.archive import head_revision

    assert main(["office", "db", "upgrade", "--db", archive_url]) == 0
    assert head_revision() in capsys.readouterr().out
    cases = [(["office", "notice", "QC-NOPE", "--out", str(tmp_path / "n"), "--db", archive_url], "QC-NOPE"),
             (["office", "filing", "QC-NOPE", "--out", str(tmp_path / "f"), "--db", archive_url], "QC-NOPE"),
             (["office", "complaint", "add", "QC-NOPE", "A001", "--summary", "x", "--db", archive_url], "QC-NOPE"),
             (["office", "applicant", "张三", "--db", archive_url], "张三")]
    for argv, shown in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert shown in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "n").exists() and not (tmp_path / "f").exists()
    assert main(["office", "sessions", "--db", archive_url]) == 0
    assert "还没有会议" in capsys.readouterr().out


def test_a_concurrent_import_of_the_same_session_is_refused_whole(bundles: Bundles, archive_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Two offices import the same session at once: the second's check ran before the first committed (the
    check is made to miss the row), so its insert meets the key: a clear message, nothing of it kept."""
    from zc_review.service.office import import_bundle
    from zc_review.storage.archive import make_archive_engine, table_rows
    from zc_review.storage.repo import archive as repo

    import_bundle(bundles.this_year, bundles.keys, archive_url)
    before = table_rows(make_archive_engine(archive_url))
    monkeypatch.setattr(repo, "filed_sha256", lambda **_: None)
    with pytest.raises(ServiceError) as err:
        import_bundle(bundles.this_year, bundles.keys, archive_url)
    assert err.value.code == "archive_write_conflict" and "重新执行" in err.value.message
    assert table_rows(make_archive_engine(archive_url)) == before


def test_the_migrations_make_exactly_the_models_schema_and_go_back(archive_url: str) -> None:
    """Alembic's autogenerate finds nothing to change after ``upgrade`` (the tables, columns, types, keys and
    indexes the code uses are the ones the revisions made), on SQLite and PostgreSQL; downgrade removes them."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from zc_review.storage.archive import (
        ArchiveBase,
        _alembic_config,
        make_archive_engine,
        table_rows,
        upgrade,
    )

    engine = make_archive_engine(archive_url)
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), ArchiveBase.metadata) == []
    command.downgrade(_alembic_config(engine), "base")
    assert set(table_rows(engine)) == {"alembic_version"}
    upgrade(engine)
    assert len(table_rows(engine)) == 9


def test_a_longer_notice_keeps_its_period_when_drafted_again(bundles: Bundles, archive_url: str,
                                                             tmp_path: Path) -> None:
    from zc_review.service.office.archive_notice import draft_notice

    _filed(bundles, archive_url)
    first = draft_notice(archive_url, SESSION, tmp_path, start=date(2026, 2, 12), working_days=7,
                         today=date(2026, 2, 11))
    assert (first.first_day, first.last_day) == (date(2026, 2, 12), date(2026, 2, 27))  # 春节 15–23 February
    again = draft_notice(archive_url, SESSION, tmp_path, start=date(2026, 2, 12), today=date(2026, 2, 28))
    assert (again.first_day, again.last_day, again.working_days, again.state) == (
        first.first_day, first.last_day, 7, "over")


def test_demo_office_writes_the_notice_and_files_after_the_period(bundles: Bundles, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """``make demo``'s last steps: the notice from the day after the session; the filing judged on --as-of."""
    from zc_review.cli.office_archive import demo_office
    from zc_review.service.office import import_bundle

    url = f"sqlite:///{tmp_path / 'office-archive.db'}"
    import_bundle(bundles.this_year, bundles.keys, url)
    demo_office(url, SESSION, bundles.keys, tmp_path / "office", "2025-11-20", date(2025, 11, 25))
    out = capsys.readouterr().out
    assert "2025-11-21 至 2025-11-27" in out and "公示中" in out and "尚未期满" in out
    assert not (tmp_path / "office" / f"{SESSION}-filing").exists()
    demo_office(url, SESSION, bundles.keys, tmp_path / "office", "2025-11-20", None)
    out = capsys.readouterr().out
    assert "公示期满" in out and str(tmp_path / "office" / f"{SESSION}-filing" / "manifest.json") in out
    assert (tmp_path / "office" / f"{SESSION}-notice.pdf").exists()


def test_a_result_edited_in_the_database_stops_the_filing(bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    """The roster comes from the rows; before filing, every row is compared with the re-verified bundle."""
    from zc_review.service.office.archive_filing import write_filing
    from zc_review.service.office.archive_notice import draft_notice
    from zc_review.storage.archive import ArchiveResult, make_archive_engine, writing

    _filed(bundles, archive_url)
    draft_notice(archive_url, SESSION, tmp_path, start=date(2025, 11, 24), today=date(2025, 11, 21))
    record = json.loads(_results_json(bundles))
    failed_id = next(a for a, d in sorted(record["declared"]["applicants"].items()) if d["outcome"] != "passed")
    with writing(make_archive_engine(archive_url)) as s:
        row = s.get(ArchiveResult, (SESSION, failed_id))
        assert row is not None
        row.outcome = "passed"
        s.add(row)
    with pytest.raises(ServiceError) as err:
        write_filing(archive_url, SESSION, tmp_path / "filing", bundles.keys, today=date(2025, 12, 8))
    assert err.value.code == "archive_rows_differ" and failed_id in err.value.message
    assert not (tmp_path / "filing").exists()


# -- identity-card numbers (居民身份证号码): cross-year matching by a keyed hash ------------------------------

def _numbers() -> dict[str, str]:
    """Applicant id → the identity-card number data/demo gives (fictional, valid)."""
    out = {}
    for f in sorted((ROOT / "data/demo/applicants").glob("*/dossier.yaml")):
        raw = yaml.safe_load(f.read_text("utf-8"))
        out[raw["id"]] = raw["id_number"]
    return out


def test_the_same_person_across_two_years_is_found_by_id_number(bundles: Bundles, archive_url: str) -> None:
    """The 2024 and 2025 sessions have the same applicants (the same numbers): ``office applicant <号码>``
    finds both years (and the rehearsal), flags the failure the year before, and shows only the number's tail."""
    from zc_review.service.office.archive import applicant_history

    _filed(bundles, archive_url)
    record = json.loads(_results_json(bundles))
    failed_id = next(a for a, d in sorted(record["declared"]["applicants"].items()) if d["outcome"] != "passed")
    number = _numbers()[failed_id]
    h = applicant_history(archive_url, number, keys_dir=bundles.keys)
    assert [(ln.session_id, ln.applicant_id) for ln in h.lines] == \
        [(LAST_YEAR, failed_id), (SESSION, failed_id), (REHEARSAL, failed_id)]
    assert all(ln.identified for ln in h.lines)
    assert [ln.failed_year_before for ln in h.lines] == [False, True, False] and len(h.warnings) == 1
    assert number not in h.query and number[-4:] in h.query
    assert applicant_history(archive_url, number.lower() if number.endswith("X") else f" {number} ",
                             keys_dir=bundles.keys).lines == h.lines
    # a valid number of nobody in the archive
    other = _with_check_digit("11010519491231002")
    with pytest.raises(ServiceError) as err:
        applicant_history(archive_url, other, keys_dir=bundles.keys)
    assert err.value.code == "applicant_not_found" and other not in err.value.message


def test_two_applicants_of_the_same_name_are_told_apart(bundles: Bundles, archive_url: str) -> None:
    """A namesake at the same employer (another person key) is listed by name but is not the same person: the
    number finds only its owner, and the namesake is not warned of the other's failure the year before."""
    from zc_review.service.office.archive import applicant_history
    from zc_review.storage.archive import ArchiveResult, make_archive_engine, writing

    _filed(bundles, archive_url)
    record = json.loads(_results_json(bundles))
    declared = sorted(record["declared"]["applicants"].items())
    failed_id = next(a for a, d in declared if d["outcome"] != "passed")
    passed_id = next(a for a, d in declared if d["outcome"] == "passed")
    failed = next(a for a in record["session"]["applicants"] if a["id"] == failed_id)
    with writing(make_archive_engine(archive_url)) as s:  # this year, another person of the same name and employer
        row = s.get(ArchiveResult, (SESSION, passed_id))
        assert row is not None and row.person_key
        row.name, row.employer = failed["name"], failed["employer"]
        s.add(row)
    by_name = applicant_history(archive_url, failed["name"], keys_dir=bundles.keys)
    assert {(ln.session_id, ln.applicant_id) for ln in by_name.lines} >= {(SESSION, passed_id), (SESSION, failed_id)}
    namesake = next(ln for ln in by_name.lines if ln.applicant_id == passed_id and ln.session_id == SESSION)
    assert namesake.failed_year_before is False  # name and employer alone would have said True
    assert len(by_name.warnings) == 1
    by_number = applicant_history(archive_url, _numbers()[failed_id], keys_dir=bundles.keys)
    assert {ln.applicant_id for ln in by_number.lines} == {failed_id}
    assert {ln.applicant_id for ln in applicant_history(archive_url, _numbers()[passed_id],
                                                         keys_dir=bundles.keys).lines} == {passed_id}


def test_the_id_number_never_reaches_the_package_the_bundle_the_notice_or_the_archive(
        demo: Packed, bundles: Bundles, archive_url: str, tmp_path: Path) -> None:
    """SECURITY.md "Identity-card numbers": only keyed hashes leave the input (beside the register)."""
    from openpyxl import load_workbook

    from zc_review.seal.office_sign import bundle_members
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.office.archive_notice import draft_notice
    from zc_review.storage.archive import make_archive_engine, table_rows

    numbers = set(_numbers().values())
    assert len(numbers) == 36
    plain = office_recover_package(demo.package.read_bytes(), load_office_keys(demo.keys))
    assert not {n for n in numbers if n.encode() in plain}
    for member in bundle_members(bundles.this_year.read_bytes(), bundles.keys).values():
        assert not {n for n in numbers if n.encode() in member}
    _filed(bundles, archive_url)
    n = draft_notice(archive_url, SESSION, tmp_path, start=date(2025, 11, 24), today=date(2025, 11, 24))
    xlsx = next(f for f in n.files if f.suffix == ".xlsx")
    cells = {str(c.value) for row in load_workbook(xlsx).active.iter_rows() for c in row}
    assert not numbers & cells
    rows = table_rows(make_archive_engine(archive_url))
    text = json.dumps(rows, default=str)
    assert not {x for x in numbers if x in text}
    keys = {r["person_key"] for r in rows["archive_result"]}
    assert None not in keys and len(keys) == 36 and all(len(k) == 64 for k in keys)
    filed = json.loads((demo.keys / "person-keys" / f"{demo.package_id}.json").read_text("utf-8"))
    assert set(filed["keys"].values()) == keys and not {x for x in numbers if x in json.dumps(filed)}
    assert (demo.keys / "person-key.bin").stat().st_mode & 0o777 == 0o600


def _with_check_digit(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(("value", "why"), [("330102199802080378", "校验码"), ("33010219980208037", "18 位"),
                                            (_with_check_digit("33010219980230037"), "出生日期"),
                                            ("dup", "相同")])
def test_an_invalid_id_number_is_refused_at_pack(office_keys: Path, tmp_path: Path, value: str, why: str) -> None:
    from zc_review.service.office import pack

    src = _variant(ROOT / "data/demo", tmp_path / "in", session_id="QC-GC-ZJ-2025-X")
    f = src / "applicants/A003/dossier.yaml"
    raw = yaml.safe_load(f.read_text("utf-8"))
    raw["id_number"] = _numbers()["A001"] if value == "dup" else value
    f.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    with pytest.raises(ServiceError) as err:
        pack(src, tmp_path / "x.zcp", office_keys, fast_kdf=True)
    assert err.value.code == "input_invalid"
    assert "applicants/A003/dossier.yaml" in err.value.message and "id_number" in err.value.message
    assert why in err.value.message and "居民身份证号码" in err.value.message
    assert not (tmp_path / "x.zcp").exists()


# -- an archive of the first importer (before the migrations) -------------------------------------------

def _legacy_archive(url: str, bundles: Bundles) -> dict[str, Any]:
    """An archive as the first importer made it (its models and ``create_all``, git show 4b29441:
    zc_review/storage/archive.py), holding the two official sessions filed its way. Returns the records."""
    from datetime import UTC, datetime

    from sqlmodel import Session, create_engine

    from tests.service.legacy_archive import ImportedBundle, ImportedResult, OldBase
    from zc_review.service.office.verify import verify_bundle

    engine = create_engine(url)
    OldBase.metadata.create_all(engine)
    records = {}
    with Session(engine) as s:
        for path in (bundles.last_year, bundles.this_year):  # what the first import_bundle did
            rep = verify_bundle(path, bundles.keys)
            assert rep.ok and rep.definition is not None
            defn, record = rep.definition, rep.record
            declared = record["declared"]["applicants"]
            s.add(ImportedBundle(
                session_id=defn.session_id, bundle_sha256=rep.bundle_sha256, package_id=record["package_id"],
                committee_name=defn.committee_name, rehearsal=defn.rehearsal, imported_at=datetime.now(UTC),
                applicants=len(defn.applicants), passed=sum(1 for v in declared.values() if v["outcome"] == "passed"),
                log_head=record["log_head"], results_json=json.dumps(record, ensure_ascii=False, sort_keys=True)))
            for a in defn.applicants:
                d, fr = declared[a.id], record["failure_reasons"].get(a.id, {})
                s.add(ImportedResult(session_id=defn.session_id, applicant_id=a.id, code=a.code, name=a.name,
                                     employer=a.employer, group_name=defn.group(a.group_id).name,
                                     composite=d["composite"], agree=d["agree"], disagree=d["disagree"],
                                     abstain=d["abstain"], outcome=d["outcome"], reason=fr.get("reason", ""),
                                     guidance=fr.get("guidance", "")))
            records[defn.session_id] = record
        s.commit()
    engine.dispose()
    return records


def test_a_legacy_archive_is_upgraded_without_losing_a_result(bundles: Bundles, archive_url: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The first importer's tables are refused until ``office db upgrade``, which adopts every session and
    result (the same rows a new import files), drops the plain record (reviewers' names: RULES.md §1); the
    evidence asks for the bundle, and importing the same bundle again gives it (and the person keys)."""
    from zc_review.cli import main
    from zc_review.service.office import archive_complaint as svc
    from zc_review.service.office import import_bundle
    from zc_review.service.office.archive import applicant_history, list_sessions
    from zc_review.storage.archive import head_revision, make_archive_engine, table_rows

    _legacy_archive(archive_url, bundles)
    with pytest.raises(ServiceError) as err:
        list_sessions(archive_url)
    assert err.value.code == "archive_legacy" and "office db upgrade" in err.value.message
    assert main(["office", "db", "upgrade", "--db", archive_url]) == 0
    assert head_revision() in capsys.readouterr().out
    rows = table_rows(make_archive_engine(archive_url))
    assert "importedbundle" not in rows and "importedresult" not in rows
    assert not {s for s in _reviewer_strings() if s in json.dumps(rows, default=str)}
    assert [ln.session_id for ln in list_sessions(archive_url)] == [SESSION, LAST_YEAR]

    # the same rows a new archive files from the same bundles (the sealed bundle, importer and keys apart)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    import_bundle(bundles.last_year, bundles.keys, fresh)
    import_bundle(bundles.this_year, bundles.keys, fresh)
    want = table_rows(make_archive_engine(fresh))
    skip = {"bundle", "imported_at", "imported_by", "person_key"}

    def same(table: str, got: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return sorted(({k: v for k, v in r.items() if k not in skip} for r in got[table]),
                      key=lambda r: (r["session_id"], r.get("applicant_id", "")))

    assert same("archive_result", rows) == same("archive_result", want)
    assert same("archive_session", rows) == same("archive_session", want)
    assert all(r["bundle"] is None and r["imported_by"] == "—" for r in rows["archive_session"])
    with pytest.raises(ServiceError) as err:  # the first importer kept no person keys
        applicant_history(archive_url, _numbers()["A001"], keys_dir=bundles.keys)
    assert err.value.code == "applicant_not_found"

    c = svc.record_complaint(archive_url, SESSION, "A020", kind="complaint", summary="对综合得分有异议")
    with pytest.raises(ServiceError) as err:
        svc.write_evidence(archive_url, c.id, bundles.keys, tmp_path / "ev")
    assert err.value.code == "archive_bundle_missing" and "office import" in err.value.message
    assert import_bundle(bundles.this_year, bundles.keys, archive_url).created is False  # fills the bundle in
    path, ex = svc.write_evidence(archive_url, c.id, bundles.keys, tmp_path / "ev")
    assert path.exists() and ex["code"]
    after = table_rows(make_archive_engine(archive_url))
    this = [r for r in after["archive_result"] if r["session_id"] == SESSION]
    assert all(r["person_key"] for r in this)
    assert {ln.session_id for ln in applicant_history(archive_url, _numbers()["A001"], keys_dir=bundles.keys).lines} \
        == {SESSION}  # 2024's bundle not imported again yet: its results have no person key


def test_an_id_number_in_a_blind_material_is_a_pack_warning(demo: Packed) -> None:
    """The applicant's own number written into a blind material (the work summary) identifies them as surely
    as the name: ``office pack`` warns of it, like the name, employer and region (003 五、评审办法)."""
    import dataclasses

    from zc_review.domain.codec import definition_from_dict
    from zc_review.service.office import anonymity_warnings

    defn = definition_from_dict(demo.payload.session)
    a = defn.applicants[4]
    number = _numbers()[a.id]
    told = dataclasses.replace(a, dossier=dataclasses.replace(a.dossier, work_summary=a.dossier.work_summary
                                                              + f"\n身份证号：{number}"))
    defn = dataclasses.replace(defn, applicants=(*defn.applicants[:4], told, *defn.applicants[5:]))
    lines = anonymity_warnings(defn, {}, None, _numbers())
    mine = [ln for ln in lines if a.code in ln and "居民身份证号码" in ln]
    assert len(mine) == 1 and number in mine[0]
    assert not [ln for ln in anonymity_warnings(defn, {}, None, {}) if "居民身份证号码" in ln]
