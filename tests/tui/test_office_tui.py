"""The office TUI (``zc-review office``, issue 10): Pilot tests at 80×24 and 160×45 on SQLite and a real
PostgreSQL server (tests/pg.py): the sessions filed, opening one, the notice, a complaint from record to
signed finding and evidence, the filing after the period, the applicant lookup, an older archive upgraded
from the screen, an unreachable database shown in Chinese, F1, the palette and leaving.

Every action goes through the service (the same calls as the command line); the tests check the archive
afterwards with the service too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import DataTable, Input, Static

from tests.bench.latency import _pending_paint
from tests.conftest import ROOT, Packed
from zc_review.i18n import t
from zc_review.tui.office import make_office_app
from zc_review.tui.office.base import WorkingScreen
from zc_review.tui.office.screens import ApplicantScreen, OfficeSessionsScreen
from zc_review.tui.office.session import OfficeSessionScreen
from zc_review.tui.widgets import Confirm, HelpScreen, Notice, Pick, QuitConfirm, TextPrompt

pytest_plugins = ["tests.pg"]  # the fixtures pg_server and archive_url

SIZES = [(80, 24), (160, 45)]
SESSION = "QC-GC-ZJ-2025"


@pytest.fixture
def filed(demo: Packed, demo_bundles: tuple[Path, Path], archive_url: str) -> str:
    """The archive at ``archive_url`` with the demo session filed (the newer demo bundle)."""
    from zc_review.service.office import import_bundle

    assert import_bundle(demo_bundles[1], demo.keys, archive_url, imported_by="王办事").created
    return archive_url


async def settle(pilot: Any) -> None:
    """Wait until every worker has finished and the screen has drawn what they posted (at least three
    rounds, then until nothing is left to draw; at most 100 rounds)."""
    for i in range(100):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if i >= 2 and not _pending_paint(pilot.app.screen):
            return


async def until_top(pilot: Any, cls: type) -> Any:
    """Wait until a mounted ``cls`` is on top (workers finished); return it."""
    for _ in range(2000):
        await settle(pilot)
        screen = pilot.app.screen
        if isinstance(screen, cls) and screen.is_mounted:
            return screen
        assert not isinstance(screen, Notice) or cls is Notice, screen.message if isinstance(screen, Notice) else ""
    raise AssertionError(f"{cls.__name__} never on top: {type(pilot.app.screen).__name__}")


async def answer(pilot: Any, text: str) -> None:
    """Type ``text`` into the TextPrompt on top (replacing its default) and press Enter."""
    prompt = await until_top(pilot, TextPrompt)
    field = prompt.query_one(Input)
    field.value = text
    await pilot.press("enter")


async def pick(pilot: Any, find: str) -> None:
    """In the Pick on top, type ``find`` and take the first option left."""
    dialog = await until_top(pilot, Pick)
    dialog.query_one("#pick-find", Input).value = find
    await pilot.pause()
    await pilot.press("enter")


async def yes(pilot: Any) -> None:
    await until_top(pilot, Confirm)
    await pilot.press("y")


async def notice_text(pilot: Any) -> str:
    """The message of the Notice that ends an action (closed after reading)."""
    n = await until_top(pilot, Notice)
    text = str(n.message)
    await pilot.press("escape")
    await settle(pilot)
    return text


def _text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
async def test_sessions_open_notice_complaint_filing(filed: str, demo: Packed, tmp_path: Path,
                                                     size: tuple[int, int]) -> None:
    """The office's weeks after a session, on the screen: list → open → notice → complaint (record, handle,
    conclude with a signed finding, evidence) → filing once the period is over."""
    from zc_review.service.office.archive_view import session_view

    out = tmp_path / "office"
    app = make_office_app(filed, demo.keys, out, today=date(2025, 11, 21))
    async with app.run_test(size=size) as pilot:
        sessions = await until_top(pilot, OfficeSessionsScreen)
        await settle(pilot)
        table = sessions.query_one("#sessions-table", DataTable)
        assert table.row_count == 1 and [ln.session_id for ln in sessions.lines] == [SESSION]
        assert t("office.cli_sessions_title", n=1) in _text(sessions, "#sessions-title")
        await pilot.press("enter")
        screen = await until_top(pilot, OfficeSessionScreen)
        assert screen.view is not None and len(screen.view.results) == 36
        assert screen.query_one("#session-results", DataTable).row_count == 36
        assert t("office.tui_notice_none") in _text(screen, "#session-notice")

        await pilot.press("n")  # the notice: its first day, asked, then confirmed
        await answer(pilot, "2025-11-24")
        await yes(pilot)
        text = await notice_text(pilot)
        assert "2025-11-24 至 2025-11-28" in text and (out / f"{SESSION}-notice.pdf").exists()
        assert "2025-11-24 至 2025-11-28" in _text(screen, "#session-notice")

        await pilot.press("c")  # a complaint against A020
        await pick(pilot, "A020")
        await pick(pilot, "")  # the first kind: 投诉举报
        await answer(pilot, "对综合得分有异议")
        await answer(pilot, "")
        assert "已登记投诉 1" in await notice_text(pilot)
        await pilot.press("h")
        await pick(pilot, "1")
        await answer(pilot, "李核查")
        assert "李核查" in await notice_text(pilot)
        await pilot.press("f")
        await pick(pilot, "1")
        await answer(pilot, "经核查，评分无误，维持原评审结果")
        await yes(pilot)
        assert t("office.tui_concluded", id=1) in await notice_text(pilot)
        await pilot.press("e")
        await pick(pilot, "1")
        assert (out / "complaint-1-evidence.json").exists() and "complaint-1-evidence.json" in await notice_text(pilot)
        await settle(pilot)
        assert screen.query_one("#session-complaints", DataTable).row_count == 1

        await pilot.press("b")  # within the period: refused by the service, in Chinese, nothing written
        await yes(pilot)
        text = await notice_text(pilot)
        assert "公示" in text and "Traceback" not in text and not (out / f"{SESSION}-filing").exists()
    view = session_view(filed, SESSION, today=date(2025, 12, 1), keys_dir=demo.keys)
    assert view.complaints[0].signed is True and not view.line.filed

    app = make_office_app(filed, demo.keys, out, today=date(2025, 12, 1))
    async with app.run_test(size=size) as pilot:
        await until_top(pilot, OfficeSessionsScreen)
        await pilot.press("enter")
        await until_top(pilot, OfficeSessionScreen)
        await pilot.press("b")
        await yes(pilot)
        text = await notice_text(pilot)
        assert "manifest.json" in text and (out / f"{SESSION}-filing" / "manifest.json").exists()
        await pilot.press("escape")
        sessions = await until_top(pilot, OfficeSessionsScreen)
        await settle(pilot)
        assert sessions.lines[0].filed and sessions.lines[0].complaints == 1


async def test_import_and_applicant_lookup_by_id_number(demo: Packed, demo_bundles: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """``i`` verifies and files a bundle (progress shown meanwhile); ``a`` finds an applicant by the
    identity-card number and shows the history (the number itself only by its tail)."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    app = make_office_app(url, demo.keys, tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        sessions = await until_top(pilot, OfficeSessionsScreen)
        assert t("office.cli_sessions_none") in _text(sessions, "#sessions-status")
        await pilot.press("i")
        await answer(pilot, str(demo_bundles[1]))
        await yes(pilot)
        assert "已导入会议 " + SESSION in await notice_text(pilot)
        await settle(pilot)
        assert [ln.session_id for ln in sessions.lines] == [SESSION]
        raw = yaml.safe_load((ROOT / "data/demo/applicants/A005/dossier.yaml").read_text("utf-8"))
        await pilot.press("a")
        await answer(pilot, raw["id_number"])
        history = await until_top(pilot, ApplicantScreen)
        assert [ln.applicant_id for ln in history.history.lines] == ["A005"]
        assert raw["id_number"] not in history.history.query and raw["id_number"][-4:] in history.history.query
        assert history.query_one("#history-table", DataTable).row_count == 1
        await pilot.press("escape")
        await until_top(pilot, OfficeSessionsScreen)


async def test_an_unreachable_database_is_a_chinese_message_on_screen(demo: Packed) -> None:
    """No server at that port: the list says so in Chinese (password hidden), no traceback; ``r`` retries."""
    url = "postgresql+psycopg://office:secret-pw@127.0.0.1:1/zc_archive"
    app = make_office_app(url, demo.keys, Path("reports/office"))
    async with app.run_test(size=(80, 24)) as pilot:
        sessions = await until_top(pilot, OfficeSessionsScreen)
        await settle(pilot)
        status = _text(sessions, "#sessions-status")
        assert sessions.error_code == "archive_unreachable"
        assert "office:***@127.0.0.1:1" in status and "secret-pw" not in status and "Traceback" not in status
        assert t("office.tui_retry") in status and not sessions.query_one("#sessions-table", DataTable).display
        assert "secret-pw" not in str(app.sub_title)
        await pilot.press("r")
        await settle(pilot)
        assert sessions.error_code == "archive_unreachable"


async def test_an_older_archive_is_upgraded_from_the_screen(demo: Packed, archive_url: str) -> None:
    """An archive at revision 0001 is refused as older (nothing changed); ``u`` asks, then upgrades it."""
    from alembic import command

    from zc_review.storage.archive import (
        _alembic_config,
        current_revision,
        head_revision,
        make_archive_engine,
    )

    engine = make_archive_engine(archive_url)
    command.upgrade(_alembic_config(engine), "0001")
    app = make_office_app(archive_url, demo.keys, Path("reports/office"))
    async with app.run_test(size=(160, 45)) as pilot:
        sessions = await until_top(pilot, OfficeSessionsScreen)
        await settle(pilot)
        assert sessions.error_code == "archive_outdated"
        assert t("office.tui_upgrade_hint") in _text(sessions, "#sessions-status")
        assert current_revision(engine)[0] == "0001"
        await pilot.press("u")
        await until_top(pilot, Confirm)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert current_revision(engine)[0] == "0001"
        await pilot.press("u")
        await yes(pilot)
        assert head_revision() in await notice_text(pilot)
        await settle(pilot)
        assert sessions.error_code is None and t("office.cli_sessions_none") in _text(sessions, "#sessions-status")
    assert current_revision(engine)[0] == head_revision()
    engine.dispose()


async def test_f1_palette_and_leaving_ask_first(filed: str, demo: Packed) -> None:
    """F1 shows this screen's help in Chinese; the palette offers this screen's Chinese commands only; Escape
    never quits; Ctrl+Q asks, ``n`` stays, ``y`` leaves."""
    from zc_review.tui.commands import ZcCommandPalette

    app = make_office_app(filed, demo.keys, Path("reports/office"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until_top(pilot, OfficeSessionsScreen)
        await pilot.press("f1")
        help_screen = await until_top(pilot, HelpScreen)
        assert help_screen.title_text == t("tui.help_title", screen=t("office.tui_help_sessions_title"))
        keys = dict((d, k) for k, d in help_screen.keys)
        assert keys[t("office.tui_key_import")] == "i" and t("office.tui_key_applicant") in keys
        await pilot.press("escape")
        await pilot.press("enter")
        await until_top(pilot, OfficeSessionScreen)
        names = [c.name for c in app.shell_commands()]
        assert names[:6] == [t("office.col_notice"), t("office.tui_key_complaint"), t("office.tui_key_handle"),
                             t("office.tui_key_conclude"), t("office.tui_key_evidence"), t("office.tui_key_filing")]
        assert all(not any(ch.isascii() and ch.isalpha() for ch in n) for n in names)
        await pilot.press("ctrl+p")
        await until_top(pilot, ZcCommandPalette)
        await pilot.press("escape")
        await pilot.press("escape")  # back to the list; Escape again does nothing
        await until_top(pilot, OfficeSessionsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, OfficeSessionsScreen)
        await pilot.press("ctrl+q")
        await until_top(pilot, QuitConfirm)
        assert t("office.tui_quit_question") in str(app.screen.query_one("#quit-text", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running
        await pilot.press("ctrl+q")
        await until_top(pilot, QuitConfirm)
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running


async def test_long_work_shows_progress_and_the_screen_stays_live(filed: str, demo: Packed) -> None:
    """While an action runs (here held on an event), its WorkingScreen (indicator and bar) is on top, the
    app still answers keys (F1 opens and closes the help), and the result arrives when the work ends."""
    import threading

    from textual.widgets import LoadingIndicator, ProgressBar

    release = threading.Event()
    got: list[str] = []
    app = make_office_app(filed, demo.keys, Path("reports/office"))
    async with app.run_test(size=(80, 24)) as pilot:
        sessions = await until_top(pilot, OfficeSessionsScreen)

        def slow() -> str:
            assert release.wait(30)
            return "done"

        sessions.run_job(t("office.tui_importing", path="x.zcb"), slow, got.append)
        await pilot.pause()
        working = pilot.app.screen
        assert isinstance(working, WorkingScreen)
        assert working.query_one(ProgressBar).total is None and working.query(LoadingIndicator)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is working and got == []
        release.set()
        await settle(pilot)
        assert got == ["done"] and isinstance(pilot.app.screen, OfficeSessionsScreen)
