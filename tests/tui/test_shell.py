"""Pilot tests of the application shell (issue 13): Esc never quits and leaving asks; F1 help on every screen;
the command palette, footers and key descriptions in Chinese; the package fingerprint on screen; the
projector view never shows a choice and shows codes until the results are final."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed, index_of, new_room, played
from tests.tui.screenshots import screen_text

SIZES = [(80, 24), (160, 45)]
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
TEXTUAL_COMMANDS = ("Theme", "Quit", "Keys", "Screenshot", "Maximize", "Minimize")


def _room_until(packed: Packed, action: str | None, nth: int = 0, then: list[dict[str, Any]] | None = None,
                usb: Path | None = None) -> Any:
    """A room with the script played up to ``action``'s ``nth`` occurrence (None: nothing), a copy of the
    record played once per test process (``tests.conftest.played``), then the actions ``then``."""
    room, runner = played(packed, index_of(packed, action, nth) if action else 0, usb or Path("/nonexistent-usb"))
    if then:
        runner.run(then)
    return room


async def _login(pilot: Any, app: Any, packed: Packed) -> None:
    from zc_review.demo.opening import credential, wait_for
    from zc_review.tui.screens.dashboard import DashboardScreen

    await pilot.pause()
    await credential(pilot, app.room.views.recorder().person_id, packed.secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
    await pilot.pause()


def _running(app: Any) -> bool:
    return bool(app.is_running) and app.return_code is None


async def _escape(pilot: Any, times: int = 3) -> None:
    for _ in range(times):
        await pilot.press("escape")
        await pilot.pause()


def _modules(package: str) -> list[Any]:
    pkg = importlib.import_module(package)
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}.")]


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


# -- Esc never quits; leaving asks (issue 13 item 2) ----------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_escape_never_quits_the_recorder_login(demo: Packed, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.widgets import CredentialPrompt

    app = make_app(new_room(demo))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CredentialPrompt)
        await _escape(pilot)
        assert _running(app) and isinstance(app.screen, CredentialPrompt)  # it used to exit with code 0 here
        assert "Ctrl+Q" in str(app.screen.query_one("#cred-required").render())
        await _login(pilot, app, demo)
        await _escape(pilot)  # Esc on the dashboard does nothing either
        assert _running(app) and type(app.screen).__name__ == "DashboardScreen"


async def test_escape_on_every_credential_prompt_keeps_the_app(demo: Packed) -> None:
    """The pledge's, the scorer's and the lock-lifter's prompts: Esc goes back, never out of the app."""
    from zc_review.demo.opening import choose, keys, wait_for
    from zc_review.service.errors import ServiceError
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.dashboard import DashboardScreen
    from zc_review.tui.widgets import CredentialPrompt, Pick

    room = _room_until(demo, "pledge")
    for _ in range(10):  # lock a reviewer so the lift screen has someone to unlock
        try:
            room.authenticate("R05", "AAAA-AAAA-AAAA-AAAA")
        except ServiceError:
            pass
        room.clock.now += timedelta(seconds=600)
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot, app, demo)
        for step in (["2", "enter"], ["5"], ["u", "enter"]):
            await keys(pilot, *step)
            await wait_for(pilot, lambda: isinstance(app.screen, (CredentialPrompt, Pick)), f"prompt after {step}")
            if isinstance(app.screen, Pick):  # scoring: the reviewer is picked first, then types the credential
                await choose(pilot, app.screen.options[0][0])
            await wait_for(pilot, lambda: isinstance(app.screen, CredentialPrompt), f"prompt after {step}")
            below = app.screen_stack[:-1]
            await pilot.press("escape")
            await pilot.pause()
            assert _running(app) and app.screen in below, step  # back to the step (or the dashboard)
            while not isinstance(app.screen, DashboardScreen):
                await pilot.press("escape")
                await pilot.pause()
            assert _running(app)


async def test_escape_on_the_unlock_screen_keeps_the_app(demo: Packed, tmp_path: Path) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.unlock import UnlockScreen
    from zc_review.tui.widgets import HelpScreen, QuitConfirm

    app = make_app(package_path=demo.package, home=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await _escape(pilot)
        await pilot.press("tab")
        await _escape(pilot)
        assert _running(app) and isinstance(app.screen, UnlockScreen)
        await pilot.press("f1")  # the help works before unlock too
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert str(app.screen.query_one("#help-title").render()) == "帮助：打开会议文件包"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirm)
        await pilot.press("escape")
        await pilot.pause()
        assert _running(app) and isinstance(app.screen, UnlockScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_leaving_asks_first(demo: Packed, size: tuple[int, int]) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.widgets import QuitConfirm

    app = make_app(new_room(demo))
    async with app.run_test(size=size) as pilot:
        await _login(pilot, app, demo)
        dashboard = app.screen
        for key, answer in (("ctrl+q", "n"), ("ctrl+q", "escape"), ("ctrl+c", "n")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, QuitConfirm), key
            assert "确定要退出" in str(app.screen.query_one("#quit-text").render())
            region = app.screen.query_one("#quit-yes").region
            assert region.right <= size[0] and region.bottom <= size[1]
            await pilot.press(answer)
            await pilot.pause()
            assert _running(app) and app.screen is dashboard, (key, answer)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")  # a second Ctrl+Q does not stack a second question
        await pilot.pause()
        assert sum(isinstance(s, QuitConfirm) for s in app.screen_stack) == 1
        await pilot.press("enter")  # 退出 is focused
        await pilot.pause()
    assert app.return_code == 0


# -- F1 help (issue 13: help on every screen) -----------------------------------------------------------
def test_every_room_screen_has_help() -> None:
    from zc_review.i18n import t
    from zc_review.tui.base import RoomScreen
    from zc_review.tui.help import HELP, entry_of
    from zc_review.tui.screens.unlock import UnlockScreen
    from zc_review.tui.widgets import CredentialPrompt

    _modules("zc_review.tui.screens")
    screens = _subclasses(RoomScreen) | {UnlockScreen, CredentialPrompt}
    missing = sorted(cls.__name__ for cls in screens if cls.__name__ not in HELP)
    assert missing == [], "add a HelpEntry in zc_review/tui/help.py"
    for cls in screens:
        entry = entry_of(cls)
        assert entry is not None
        about = t(entry.about)
        assert "依据" in about and re.search(r"RULES\.md §\d|SECURITY\.md", about), cls.__name__
        assert t(entry.next) and t(entry.title)


async def test_f1_opens_the_help_of_every_step(demo: Packed) -> None:
    """From the dashboard, every step (and the discussion order, the lock screen, the projector): F1 shows the
    help of the screen on top (a credential prompt's own when a step asks one first), with that screen's keys;
    F1 again closes it."""
    from zc_review.demo.opening import back_to_dashboard, keys, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.help import help_for, key_lines, title_of
    from zc_review.tui.widgets import HelpScreen, Notice

    app = make_app(_room_until(demo, "open_poll"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot, app, demo)
        dashboard = app.screen
        for key in ["f1", *"1234567890", "o", "u", "f4"]:
            if key != "f1":
                await keys(pilot, key)
                await wait_for(pilot, lambda: app.screen is not dashboard, key)  # noqa: B023
                if isinstance(app.screen, Notice):
                    app.screen.dismiss(True)
                    await pilot.pause()
            top = app.screen
            found = help_for(app.screen_stack)
            assert found is not None, type(top).__name__
            expected_keys = key_lines(app, found[0])
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), key
            assert str(app.screen.query_one("#help-title").render()) == title_of(found[1])
            shown = str(app.screen.query_one("#help-keys").render())
            assert all(description in shown for _, description in expected_keys)
            assert "依据" in str(app.screen.query_one("#help-about").render())
            await pilot.press("f1")
            await pilot.pause()
            assert app.screen is top, key
            await back_to_dashboard(pilot, app)


# -- Chinese palette, footers and keys (issue 13) -------------------------------------------------------
def test_every_binding_description_is_chinese() -> None:
    from textual.binding import Binding

    from zc_review.tui.app import ZcReviewApp

    classes = {ZcReviewApp}
    for module in _modules("zc_review.tui"):
        classes |= {c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__}
    checked = 0
    for cls in classes:
        for b in cls.__dict__.get("BINDINGS", ()):
            if isinstance(b, Binding):
                checked += 1
                assert b.description and not ENGLISH_WORD.search(b.description), (cls.__name__, b.key, b.description)
    assert checked > 50


@pytest.mark.parametrize("size", SIZES)
async def test_the_palette_offers_the_rooms_commands_in_chinese(demo: Packed, size: tuple[int, int]) -> None:
    from textual.command import CommandList
    from textual.widgets._footer import FooterKey

    from zc_review.demo.opening import keys, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.commands import ZcCommandPalette
    from zc_review.tui.screens.projector import ProjectorScreen

    app = make_app(new_room(demo))
    async with app.run_test(size=size) as pilot:
        await _login(pilot, app, demo)
        footer = [k.description for k in app.screen.query(FooterKey)]
        assert footer[0] == "帮助" and "退出" in footer and "命令面板" in footer
        assert all(not ENGLISH_WORD.search(d) for d in footer), footer
        expected = [c.name for c in app.shell_commands(app.screen)]
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, ZcCommandPalette)
                       and app.screen.query_one(CommandList).option_count == len(expected), "palette")
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        for name in ("尚未完成的人员", "解除凭证锁定", "核对会议文件包指纹", "通过率预览（表决前）", "投影视图",
                     "转到步骤：无记名投票", "本屏帮助", "配色：浅色", "退出"):
            assert any(name in line for line in shown), name
        for line in shown:
            assert not ENGLISH_WORD.search(line), line
        assert not any(word in line for line in shown for word in TEXTUAL_COMMANDS)
        await keys(pilot, *"投影视图")
        await pilot.pause()
        await keys(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectorScreen), "projector from the palette")


# -- the package fingerprint (issue 13 item 9) --------------------------------------------------------------
async def test_the_fingerprint_of_the_letters_is_on_screen(demo: Packed) -> None:
    from zc_review.demo.opening import keys, wait_for
    from zc_review.seal.pki import cert_fingerprint, load_office_keys
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.shell import FingerprintScreen

    fp = cert_fingerprint(load_office_keys(demo.keys).root_cert)  # what packing prints on every letter
    groups = fp.split()
    app = make_app(new_room(demo))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert " ".join(groups[:8]) in text and " ".join(groups[8:]) in text  # on the login, no group split
        await _login(pilot, app, demo)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await keys(pilot, *"指纹")
        await pilot.pause()
        await keys(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FingerprintScreen), "fingerprint")
        assert str(app.screen.query_one("#fp-root").render()) == fp
        assert str(app.screen.query_one("#fp-package").render()) == demo.package_id
        assert app.screen.query_one("#fp-root").region.right <= 80


async def test_who_is_still_due(demo: Packed) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.shell import OutstandingScreen

    room = _room_until(demo, "pledge", 3)  # three reviewers have pledged
    pledged = room.opening.pledged_ids()
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot, app, demo)
        app.push_screen(OutstandingScreen())
        await pilot.pause()
        body = str(app.screen.query_one("#out-body").render())
        due = [r for r in room.attending_ids() if r not in pledged]
        assert f"尚未签署诚信承诺书（{len(due)} 人）" in body
        assert all(room.person_name(r) in body for r in due)
        assert not any(room.person_name(r) in body for r in pledged)
        assert "目前没有进行中的投票" in body


async def test_who_is_still_due_on_paper_ballots(demo_education: Packed, tmp_path: Path) -> None:
    """On paper nobody votes at the laptop: the list named every attending reviewer as "not yet voted" for the
    whole round. It says what the count still needs instead, at each step of the tellers' work (the demo-education
    script has them all: a first keying, a second that differs on A001, the re-count, the witness)."""
    from zc_review.service.script import ScriptRunner
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.shell import OutstandingScreen

    actions = demo_education.script["actions"]
    start = index_of(demo_education, "print_ballots") + 1
    room = _room_until(demo_education, "print_ballots", usb=tmp_path)
    runner = ScriptRunner(room, demo_education.secrets, tmp_path)
    n = len(room.ballot.round_applicants(room.ballot.open_round()))
    expected = [f"待计票人录入 {n} 名申报人的票数", f"第 1 遍：{room.person_name('R10')} 已录入",
                "第 2 遍：1 名申报人的两遍票数不一致", f"第 2 遍：{room.person_name('R10')} 已录入，待另一名计票人录入 1 名",
                "票数已由监督人签字确认"]
    seen = []
    for i, want in enumerate(expected):
        view = room.views.shell.outstanding()
        assert view.poll_open and view.ballots == () and want in view.tally_due, (i, view.tally_due)
        seen.append(view.tally_due)
        runner.run(actions[start + i:start + i + 1] if i < 4 else [])
        if i == 3:  # the second re-keying agrees: the supervisor is due, then witnesses
            assert "待监督人签字确认" in room.views.shell.outstanding().tally_due
            runner.run(actions[start + 4:start + 5])
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot, app, demo_education)
        app.push_screen(OutstandingScreen())
        await pilot.pause()
        body = str(app.screen.query_one("#out-body").render())
        assert "纸质选票计票" in body and seen[-1] in body and "本轮尚未投票" not in body
        assert not any(room.person_name(r) in body for r in room.attending_ids())  # everyone pledged and is marked


# -- the projector (issue 13) ---------------------------------------------------------------------------------
def _flipped(action: dict[str, Any]) -> dict[str, Any]:
    swap = {"agree": "disagree", "disagree": "abstain", "abstain": "agree"}
    return {**action, "choices": {a: swap[c] for a, c in action["choices"].items()}}


async def _projector_pages(pilot: Any, app: Any, packed: Packed) -> dict[str, str]:
    from zc_review.tui.screens.projector import ProjectorScreen

    await _login(pilot, app, packed)
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(app.screen, ProjectorScreen)
    pages = {}
    for key, page in zip("1234", ("roll_call", "preview", "ballot", "results"), strict=True):
        await pilot.press(key)
        await pilot.pause()
        pages[page] = _widget_text(app.screen)
    return pages


def _widget_text(screen: Any) -> str:
    from textual.widgets import Digits, Static

    return "\n".join(w.value if isinstance(w, Digits) else str(w.render())
                     for w in screen.query("*") if isinstance(w, Digits | Static))


@pytest.mark.parametrize("size", SIZES)
async def test_the_projector_never_shows_a_choice(demo: Packed, size: tuple[int, int]) -> None:
    """Two rooms where the same six reviewers voted, every choice different: the projector is the same in
    both, and names no choice."""
    from zc_review.i18n import label_of
    from zc_review.tui.app import make_app

    actions = demo.script["actions"]
    start = index_of(demo, "ballot")
    ballots = actions[start:start + 6]
    assert all(a["action"] == "ballot" for a in ballots)
    rooms = [_room_until(demo, "ballot", then=ballots),
             _room_until(demo, "ballot", then=[_flipped(a) for a in ballots])]
    assert rooms[0].views.shell.projector() == rooms[1].views.shell.projector()
    seen = []
    for room in rooms:
        app = make_app(room)
        async with app.run_test(size=size) as pilot:
            seen.append(await _projector_pages(pilot, app, demo))
            assert app.screen.page == "results"
    assert seen[0] == seen[1]
    ballot = seen[0]["ballot"]
    assert "6" in ballot.splitlines() and "已投" in ballot
    for text in seen[0].values():
        assert not any(label_of("choice", c) in text for c in ("agree", "disagree", "abstain")), text


async def test_the_projector_shows_codes_until_the_results_are_final(demo: Packed) -> None:
    from zc_review.tui.app import make_app

    names = [a.name for a in new_room(demo).defn.applicants]
    counted = _room_until(demo, "open_runoff")  # the main vote is closed, a run-off is pending: not final
    assert not counted.closing.results_final()
    app = make_app(counted)
    async with app.run_test(size=(160, 45)) as pilot:
        pages = await _projector_pages(pilot, app, demo)
    results = pages["results"]
    assert "尚未宣布为最终结果" in results and "GC-2025-001" in results and "同意" in results
    assert not any(name in text for name in names for text in pages.values())
    final = _room_until(demo, "failure_reason")
    assert final.closing.results_final()
    app = make_app(final)
    async with app.run_test(size=(160, 45)) as pilot:
        results = (await _projector_pages(pilot, app, demo))["results"]
    assert "最终结果" in results and any(name in results for name in names)


def test_the_projector_reads_only_the_room_views() -> None:
    source = (Path(__file__).resolve().parents[2] / "zc_review/tui/screens/projector.py").read_text("utf-8")
    reads = re.findall(r"self\.room\.[a-z_.]+", source)
    assert reads and set(reads) == {"self.room.views.shell.projector"}, reads


@pytest.fixture(scope="module")
def paper_demo(demo: Packed) -> Packed:
    """The demo held on paper (``ballot_mode: paper``): the tellers key the counts, one applicant re-counted."""
    from tests.service.test_paper_ballots import paper_packed

    return paper_packed(demo)


@pytest.mark.parametrize("size", SIZES)
async def test_the_projector_shows_the_paper_rounds_progress(paper_demo: Packed, size: tuple[int, int],
                                                             tmp_path: Path) -> None:
    """In paper mode nobody votes at the laptop: the ballot page shows the paper round's steps instead of
    "voted 0/n" — printed, the first and the second teller keyed, what is to re-count, the witness — and
    never a count of an applicant nor a choice."""
    from zc_review.i18n import label_of
    from zc_review.tui.app import make_app

    def page(until: str, nth: int = 0) -> tuple[str, Any]:
        return until, _room_until(paper_demo, until, nth, usb=tmp_path / f"usb-{until}-{nth}")

    states = [page("print_ballots"), page("key_tally", 0), page("key_tally", 2), page("key_tally", 3),
              page("close_poll", 0)]
    seen = []
    for _, room in states:
        app = make_app(room)
        async with app.run_test(size=size) as pilot:
            seen.append((await _projector_pages(pilot, app, paper_demo))["ballot"])
        assert room.views.shell.projector().stage == "ballot"  # the page the projector opens on
    before, printed, recount, one_keyed, witnessed = seen
    copies = sum(f.copies for f in states[1][1].tally.forms(states[1][1].ballot.open_round()))
    assert copies > 0
    assert "已投" not in "".join(seen) and "纸质选票计票中" in before
    assert "○ 选票尚未印制" in before and "○ 第一位计票人已录入" in before
    assert f"✓ 选票已印制 {copies} 张" in printed and "○ 第一位计票人已录入" in printed
    assert "✓ 第一位计票人已录入" in recount and "✓ 第二位计票人已录入" in recount
    assert "○ 1 位申报人的两次录入不一致，待重新清点（第 2 遍，两位计票人均待录入）" in recount
    assert "○ 1 位申报人待重新清点（第 2 遍，一位计票人已录入）" in one_keyed
    assert "✓ 监票人确认" not in one_keyed and "✓ 监票人确认" in witnessed
    applicants = len(states[1][1].ballot.round_applicants(states[1][1].ballot.open_round()))
    assert str(applicants - 1) in recount.splitlines() and str(applicants) in witnessed.splitlines()  # agreed
    for text in seen:
        assert not any(label_of("choice", c) in text for c in ("agree", "disagree", "abstain")), text
