"""Pilot tests of lifting a credential lock at 80×24 (issue 12 §3; issue 13 item 1): from the dashboard, and
from the recorder's login when the recorder is locked (which used to end the session)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.text import Text

from tests.conftest import Packed, new_room
from zc_review.service.errors import ServiceError

LOCK_AFTER, MAX_WAIT_S = 10, 600  # issue 12 §3 (tests/service/test_credential_lockout.py checks them against the room)
SIZE = (80, 24)
WRONG = "AAAA-AAAA-AAAA-AAAA"


def _lock(room: Any, pid: str) -> None:
    for _ in range(LOCK_AFTER):
        try:
            room.authenticate(pid, WRONG)
        except ServiceError:
            pass
        room.clock.now += timedelta(seconds=MAX_WAIT_S)
    assert room.credentials.status(pid).locked


def _plain(widget: Any) -> str:
    return str(widget.render())


def _fully_shown(app: Any, widget: Any, message: str) -> None:
    """``message`` fits ``widget`` (wrapped, no line lost) and the widget lies inside the terminal."""
    lines = Text(message).wrap(app.console, widget.content_size.width)
    assert widget.content_size.height >= len(lines), (widget.content_size, len(lines))
    assert widget.region.right <= SIZE[0] and widget.region.bottom <= SIZE[1]
    assert _plain(widget) == message


async def test_dashboard_lifts_a_reviewers_lock(demo: Packed) -> None:
    from zc_review.demo.opening import credential, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.dashboard import DashboardScreen
    from zc_review.tui.screens.unlock_person import UnlockPersonScreen
    from zc_review.tui.widgets import CredentialPrompt

    room = new_room(demo)
    _lock(room, "R05")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await credential(pilot, "S02", demo.secrets)
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        await pilot.pause()
        shown = [k for k in app.screen.query("FooterKey") if k.description == "解除凭证锁定"]
        assert shown and shown[0].key == "u" and shown[0].region.right <= SIZE[0]  # the key is in the footer
        await pilot.press("u")
        assert isinstance(app.screen, UnlockPersonScreen)
        people = app.screen.query_one("#lift-people")
        assert people.option_count == 1 and "叶博文" in str(people.get_option_at_index(0).prompt)
        assert "已锁定（连续输错 10 次）" in str(people.get_option_at_index(0).prompt)
        rule = app.screen.query_one("#lift-rule")
        assert rule.region.bottom <= SIZE[1] - 3  # the rule, the hint and the list fit above the footer
        await pilot.press("enter")
        assert isinstance(app.screen, CredentialPrompt)
        assert [pid for pid, _ in app.screen.people] == ["R01", "S01"]  # only the officers the room allows
        await credential(pilot, "R01", demo.secrets)
        assert isinstance(app.screen, CredentialPrompt)
        assert [pid for pid, _ in app.screen.people] == ["S01"]  # the chair's partner: the supervisor
        await credential(pilot, "S01", demo.secrets)
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockPersonScreen), "back on the lift screen")
        assert not room.credentials.status("R05").held
        assert "已解除 叶博文 的凭证锁定" in _plain(app.screen.query_one("#lift-msg"))
        assert app.screen.query_one("#lift-people").option_count == 0
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
    assert room.authenticate("R05", demo.secrets.persons["R05"]).person_id == "R05"


async def test_locked_recorder_is_lifted_from_the_login(demo: Packed) -> None:
    """Issue 13 item 1: the recorder locked before the login; the login says so in full, F2 lets the
    chair and the supervisor lift the lock, and the recorder then logs in."""
    from textual.widgets import Label

    from zc_review.demo.opening import credential, keys, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.dashboard import DashboardScreen
    from zc_review.tui.screens.unlock_person import UnlockPersonScreen
    from zc_review.tui.widgets import CredentialPrompt

    room = new_room(demo)
    _lock(room, "S02")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialPrompt), "recorder login")
        login = app.screen
        assert "F2" in _plain(login.query_one("#cred-lift"))
        await keys(pilot, *demo.secrets.persons["S02"], "enter")  # the right secret, refused: locked
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = login.query_one("#cred-error", Label)
        message = _plain(error)
        assert message.startswith(room.person_name("S02"))
        assert message.endswith("共同解除锁定。") and "主任委员与纪检监察人员" in message
        _fully_shown(app, error, message)
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialPrompt) and app.screen is not login,
                       "first officer")
        assert isinstance(app.screen_stack[-2], UnlockPersonScreen)
        await credential(pilot, "R01", demo.secrets)
        await credential(pilot, "S01", demo.secrets)
        await wait_for(pilot, lambda: app.screen is login, "back at the recorder's login")
        assert not room.credentials.status("S02").held
        assert _plain(login.query_one("#cred-error", Label)) == ""
        await keys(pilot, *demo.secrets.persons["S02"], "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")
        assert app.operator is not None and app.operator.person_id == "S02"


async def test_a_wait_at_the_login_says_how_long(demo: Packed) -> None:
    """A wrong entry that starts a wait says how long, in full, at 80×24; an entry during the wait is refused."""
    from textual.widgets import Label

    from zc_review.demo.opening import keys, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.widgets import CredentialPrompt

    room = new_room(demo)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialPrompt), "recorder login")
        error = app.screen.query_one("#cred-error", Label)
        for _ in range(4):
            await keys(pilot, *WRONG, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        message = _plain(error)
        assert "请等待 30 秒后再试" in message
        _fully_shown(app, error, message)
        await keys(pilot, *demo.secrets.persons["S02"], "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = _plain(error)
        assert "须等待" in message and "不计入次数" in message
        _fully_shown(app, error, message)
    assert room.credentials.status("S02").misses == 4
