"""Pilot tests of the vote, results, minutes and export screens and of the closing autopilot."""

from __future__ import annotations

import gc
from typing import Any

from textual.widgets import DataTable, Input

from zc_review.demo.closing import burst, key, login, on_top, play, to_dashboard, until
from zc_review.domain.model import StaffRole
from zc_review.i18n import t
from zc_review.tui.app import make_app
from zc_review.tui.screens.ballot import BallotScreen, VoteTable, VotingScreen
from zc_review.tui.screens.ballot_review import VotedNotice
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.results import ResultsScreen
from zc_review.tui.screens.score_grid import GridTable
from zc_review.tui.widgets import Confirm, Notice, Pick

SIZE = (120, 40)
CHOICE_WORDS = ("同意", "弃权")  # "不同意" contains "同意"


async def start(pilot: Any, app: Any, secrets: Any) -> None:
    """Log the recorder in and wait for the dashboard."""
    rec = app.room.defn.staff_with_role(StaffRole.RECORDER).id
    await login(pilot, rec, secrets.persons[rec])
    await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")


async def notice_shown(pilot: Any, app: Any) -> None:
    """Wait for a mounted Notice (``until`` itself treats a Notice as a failure)."""
    for _ in range(500):
        if on_top(app, Notice):
            return
        await pilot.pause(0.01)
    raise AssertionError("no notice shown")


def all_text(app: Any) -> str:
    """Everything the app's screens hold as text: rendered widgets, table cells, input values.

    A widget whose ``render()`` raises fails the test (no exception is swallowed: a probe that skips what it
    cannot read would report a screen clean of what it never looked at)."""
    parts: list[str] = []
    for screen in app.screen_stack:
        for w in screen.walk_children(with_self=True):
            if isinstance(w, DataTable):
                parts += [str(c) for c in w.columns.values()]
                parts += [str(cell) for i in range(w.row_count) for cell in w.get_row_at(i)]
            elif isinstance(w, GridTable):  # its cells and every row and line it keeps drawn
                parts += [str(c.label) for c in w.columns]
                parts += [str(cell) for i in range(w.row_count) for cell in w.get_row_at(i)]
                parts += [strip.text for strip in (*w._strips.values(), *w._lines.values())]
            elif isinstance(w, Input):
                parts.append(w.value)
            else:
                parts.append(str(w.render()))
    return "\n".join(parts)


async def open_ballot_screen(pilot: Any, app: Any) -> None:
    await to_dashboard(pilot)
    await key(pilot, "7")
    await until(pilot, lambda: on_top(app, BallotScreen), "ballot screen")


async def reviewer_ballot(pilot: Any, app: Any, secrets: Any, reviewer: str) -> None:
    await open_ballot_screen(pilot, app)
    await key(pilot, "n")
    await login(pilot, reviewer, secrets.persons[reviewer])
    await pilot.pause()


def action(demo: Any, kind: str, nth: int = 0) -> tuple[int, dict[str, Any]]:
    hits = [(i, a) for i, a in enumerate(demo.script["actions"]) if a["action"] == kind]
    return hits[nth]


async def test_ballot_by_keyboard_leaves_no_trace(room_at: Any, demo: Any) -> None:
    room, _ = room_at("open_poll")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        assert await play(pilot, app, action(demo, "open_poll")[1], demo.secrets)
        await reviewer_ballot(pilot, app, demo.secrets, "R04")
        voting = app.screen
        assert isinstance(voting, VotingScreen)
        n = len(voting._items)
        assert n == len(room.defn.applicants)
        # first row disagree, second abstain, then move back up and change the first to agree
        await pilot.press("2", "3", "up", "up", "1")
        table = voting.query_one("#vote-table", VoteTable)
        assert str(table.get_cell_at((0, 4))) == "同意" and str(table.get_cell_at((1, 4))) == "弃权"
        await pilot.press("down")
        await burst(pilot, ["2"] * (n - 1))
        await until(pilot, lambda: len(voting._marks) == n, "marks")
        await pilot.press("enter")
        review_text = all_text(app)
        assert "同意 1 人，不同意 34 人，弃权 1 人" in review_text
        await pilot.press("enter")
        await until(pilot, lambda: on_top(app, VotedNotice), "cast")
        assert room.ballot.voters_done(1) == {"R04"}
        assert "已投票，请下一位评委" in all_text(app)

        # nothing of the ballot anywhere: no voting screen, no marks, no cells, nothing rendered
        assert not any(isinstance(s, VotingScreen) for s in app.screen_stack)
        text = all_text(app)
        assert not any(word in text for word in CHOICE_WORDS), text
        assert not any(word in app.export_screenshot() for word in CHOICE_WORDS)
        gc.collect()
        for leftover in (o for o in gc.get_objects() if isinstance(o, VotingScreen)):
            assert leftover._marks == {} and leftover._items == [] and leftover._actor is None
            assert not leftover.is_attached and not list(leftover.walk_children())

        # the same reviewer is not offered again (only those still due are, issue 13 item 7)
        await key(pilot, "enter")
        await key(pilot, "n")
        await until(pilot, lambda: on_top(app, Pick), "voter picker")
        offered = [oid for oid, _ in app.screen.options]
        assert "R04" not in offered and offered == [r for r in room.ballot.entitled_voters() if r != "R04"]
        assert room.ballot.voters_done(1) == {"R04"}


async def test_recused_applicant_not_on_ballot(room_at: Any, demo: Any) -> None:
    room, runner = room_at("ballot")  # the poll is open
    assert room.is_recused("R07", "A005")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await reviewer_ballot(pilot, app, demo.secrets, "R07")
        voting = app.screen
        assert isinstance(voting, VotingScreen)
        codes = {str(c) for i in range(voting.query_one("#vote-table", VoteTable).row_count)
                 for c in voting.query_one("#vote-table", VoteTable).get_row_at(i)[:1]}
        assert room.defn.applicant("A005").code not in codes
        assert len(codes) == len(room.defn.applicants) - 1
        # cancelling wipes the marks too
        await pilot.press("1", "1", "escape")
        await until(pilot, lambda: on_top(app, Confirm), "cancel question")
        await pilot.press("y")
        await until(pilot, lambda: on_top(app, BallotScreen), "back to poll")
        assert voting._marks == {} and "R07" not in room.ballot.voters_done(1)


async def test_close_with_voters_missing_then_force_close(room_at: Any, demo: Any) -> None:
    room, runner = room_at("ballot", nth=3)  # three ballots cast
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_ballot_screen(pilot, app)
        assert "已投 3 / 应投 16" in all_text(app)
        await key(pilot, "c")
        await notice_shown(pilot, app)
        assert app.screen.message == t("voters_missing", count=13)
        assert room.ballot.open_round() is not None
        await key(pilot, "enter")
        for _ in range(600):  # a loaded machine: the notice is gone before F is pressed (until() fails on a notice)
            if on_top(app, BallotScreen):
                break
            await pilot.pause(0.05)
        assert on_top(app, BallotScreen)
        await key(pilot, "f")
        await until(pilot, lambda: on_top(app, Confirm), "force question")
        assert "13" in all_text(app) and "不同意" in all_text(app)
        await key(pilot, "y")
        presiding = room.presiding_officer_id()
        await login(pilot, presiding, demo.secrets.persons[presiding])
        await until(pilot, lambda: room.ballot.open_round() is None, "forced close")
        closed = room.ballot.rounds()[0]
        assert closed.forced and closed.missing_voters == 13


async def test_results_counts_match_tally(room_at: Any, demo: Any) -> None:
    room, runner = room_at("open_runoff")  # main vote closed, a run-off pending
    app = make_app(room)
    tally = room.ballot.tally(1)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await key(pilot, "8")
        await until(pilot, lambda: on_top(app, ResultsScreen), "results")
        screen = app.screen
        groups = len(room.defn.groups)
        await until(pilot, lambda: [tb.row_count > 0 for tb in screen.query(DataTable)] == [True] * groups,
                    "results rows")
        for applicant_id in ("A001", "A008", "A020"):
            a = room.defn.applicant(applicant_id)
            row = [str(c) for c in screen.query_one(f"#tbl-{a.group_id}", DataTable).get_row(applicant_id)]
            tl = tally[applicant_id]
            assert row[0] == a.code
            assert len(row) == 8 and a.name not in row  # no names before the results are declared
            assert row[3:6] == [str(tl.agree), str(tl.disagree), str(tl.abstain)]
            assert row[6] == str(room.outcome().applicants[applicant_id].base)
        text = all_text(app)
        assert "通过名额" in text and "待加投" in text and "并列" in text
        await key(pilot, "b")
        await until(pilot, lambda: on_top(app, BallotScreen), "ballot from results")


async def test_the_autopilot_declares_and_names_appear_only_then(room_at: Any, demo: Any) -> None:
    """The script's ``declare_results`` played through the screens (F, the confirmation, the presiding
    officer's credential): before it the results screen shows codes only, after it every name (issue 13
    items 2 and 5; RULES.md §4–§5)."""
    from tests.tui.test_room_screens import screen_text

    room, _ = room_at("declare_results")
    assert room.closing.results_final() and not room.closing.results_declared()
    i, act = action(demo, "declare_results")
    assert act["person"] == room.presiding_officer_id()
    assert demo.script["actions"][i + 1]["action"] == "sign_off"  # the chair announces, then the sign-offs
    first = room.views.results().groups[0]
    names = {a.name for a in room.defn.applicants_of_group(first.group_id)}
    app = make_app(room)
    async with app.run_test(size=(160, 45)) as pilot:
        await start(pilot, app, demo.secrets)
        await key(pilot, "8")
        await until(pilot, lambda: on_top(app, ResultsScreen), "results")
        await pilot.pause()
        before = screen_text(app)
        assert all(r.code in before for r in first.rows) and not [n for n in names if n in before]
        assert await play(pilot, app, act, demo.secrets)
        assert room.closing.results_declared()
        await key(pilot, "8")
        await until(pilot, lambda: on_top(app, ResultsScreen), "results")
        await pilot.pause()
        after = screen_text(app)
        assert all(r.code in after for r in first.rows) and names and all(n in after for n in names)
