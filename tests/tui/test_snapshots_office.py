"""Snapshot tests (pytest-textual-snapshot) of the office TUI at 80×24 and 160×45: the sessions filed, one
session with its notice and a complaint, an applicant's history, and an archive that cannot be reached.

The archive is a relative SQLite file (the URL in the header is the same every run) with the demo session
filed; the bundle's fingerprint and the import time, which differ every run (signatures, the clock), are
set to fixed values after the import so the pictures can be compared.

Update after a deliberate change of a screen: ``pytest tests/tui/test_snapshots_office.py --snapshot-update``,
then look at the new SVGs (tests/tui/__snapshots__/) before committing them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed
from tests.tui.test_office_tui import SESSION, answer, settle, until_top
from zc_review.tui.office import make_office_app
from zc_review.tui.office.screens import ApplicantScreen, OfficeSessionsScreen
from zc_review.tui.office.session import OfficeSessionScreen

SIZES = [(80, 24), (160, 45)]
URL = "sqlite:///archive.db"
TODAY = date(2025, 11, 26)


@pytest.fixture
def archive_here(demo: Packed, demo_bundles: tuple[Path, Path], tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    """``archive.db`` in the test's folder (now the working folder) with the demo session filed, its notice
    drafted from 2025-11-24 and one complaint; fingerprint and import time fixed."""
    from zc_review.service.office import import_bundle
    from zc_review.service.office.archive_complaint import record_complaint
    from zc_review.service.office.archive_notice import draft_notice
    from zc_review.storage.archive import ArchiveSession, make_archive_engine, writing

    monkeypatch.chdir(tmp_path)
    import_bundle(demo_bundles[1], demo.keys, URL, imported_by="王办事")
    draft_notice(URL, SESSION, tmp_path / "out", start=date(2025, 11, 24), today=date(2025, 11, 21))
    record_complaint(URL, SESSION, "A020", kind="reexamination", summary="申请复查材料评分",
                     received_on=date(2025, 11, 25), handler="李核查")
    engine = make_archive_engine(URL)
    with writing(engine) as s:
        row = s.get(ArchiveSession, SESSION)
        assert row is not None
        row.bundle_sha256 = "3f" * 32
        row.imported_at = datetime(2025, 11, 21, 9, 30, tzinfo=UTC)
        s.add(row)
    engine.dispose()
    return tmp_path


def _app(demo: Packed, url: str = URL) -> Any:
    return make_office_app(url, demo.keys, Path("out"), today=TODAY)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_sessions_filed(snap_compare: Any, archive_here: Path, demo: Packed, size: tuple[int, int]) -> None:
    async def ready(pilot: Any) -> None:
        await until_top(pilot, OfficeSessionsScreen)
        await settle(pilot)

    assert snap_compare(_app(demo), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_one_session_with_notice_and_complaint(snap_compare: Any, archive_here: Path, demo: Packed,
                                               size: tuple[int, int]) -> None:
    async def opened(pilot: Any) -> None:
        await until_top(pilot, OfficeSessionsScreen)
        await pilot.press("enter")
        await until_top(pilot, OfficeSessionScreen)
        await settle(pilot)

    assert snap_compare(_app(demo), terminal_size=size, run_before=opened)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_applicant_history(snap_compare: Any, archive_here: Path, demo: Packed, size: tuple[int, int]) -> None:
    async def looked_up(pilot: Any) -> None:
        await until_top(pilot, OfficeSessionsScreen)
        await pilot.press("a")
        await answer(pilot, "A020")
        await until_top(pilot, ApplicantScreen)
        await settle(pilot)

    assert snap_compare(_app(demo), terminal_size=size, run_before=looked_up)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_unreachable_archive(snap_compare: Any, demo: Packed, size: tuple[int, int]) -> None:
    async def failed(pilot: Any) -> None:
        await until_top(pilot, OfficeSessionsScreen)
        await settle(pilot)

    app = _app(demo, "postgresql+psycopg://office:secret-pw@127.0.0.1:1/zc_archive")
    assert snap_compare(app, terminal_size=size, run_before=failed)
