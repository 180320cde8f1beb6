"""What an action costs through the screens (issue 9: "every room action ≤ 150 ms of app time beyond its service
call"; "scoring-grid keystroke worst ≤ 100 ms"): counted, never timed.

- a cursor move on the scoring grid shows the new criterion in the key's own handling, without a layout pass
  (it waited for the ``CellHighlighted`` message, a frame later, and laid the screen out: two more frames);
- scrolling the grid by a row crops only the rows that changed (every visible line was cropped again);
- a reviewer's turn starts with the garbage collector settled (a full collection fell on a keystroke);
- the results are built once for the reasons, the declaration and the sign-off, and their tables are rebuilt
  only when what they show changes (six rebuilds per declaration);
- a roll-call mark lays nothing out and renders the cells of two rows (it rendered every cell), and a character typed in the recusal form does not lay it out for its
  hints (each redrew its status lines with a layout pass of the whole screen);
- a ballot mark lays nothing out and draws two rows again (the marked one and the next; the table was a DataTable
  and drew every cell again), and the poll screen's redraw after a voter lays nothing out.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable

from tests.conftest import Packed
from tests.tui.test_screen_costs import SIZE, _count_layouts, _count_row_renders, _recorder
from zc_review.demo import autopilot, opening
from zc_review.demo import closing as closing_pilot
from zc_review.demo.closing import on_top, until
from zc_review.tui.app import make_app
from zc_review.tui.screens import common
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.recusal import RecusalScreen
from zc_review.tui.screens.results import ResultsScreen, SignOffScreen
from zc_review.tui.screens.rollcall import RollCallScreen
from zc_review.tui.screens.scoring import ScoreGrid
from zc_review.tui.widgets import CredentialPrompt


def _plain(widget: Any) -> str:
    return str(widget.render())


async def _painted(pilot: Any) -> None:
    """Until the top screen has nothing left to lay out or paint (the frames of what was done so far)."""
    from tests.bench.bench_grid import painted

    await painted(pilot)


async def test_a_cursor_move_shows_its_criterion_at_once_and_lays_nothing_out(
        room_at: Any, demo: Packed, monkeypatch: pytest.MonkeyPatch) -> None:
    room, _ = room_at("view_dossier")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        screen = await opening._open_scoring(pilot, app, "R02", demo.secrets)
        grid = screen.query_one(ScoreGrid)
        await _painted(pilot)
        crit = screen.query_one("#score-crit")
        for column in range(2, 2 + len(grid.editable_columns) - 1):  # the cursor set directly: no message handled
            grid.cursor_coordinate = Coordinate(0, column)
            cid = grid.columns[column].key
            assert screen._shown["score-crit"] == screen._criterion_text(cid)
        await _painted(pilot)
        passes = _count_layouts(monkeypatch)
        for key in ["tab"] * (len(grid.editable_columns) - 1) + ["shift+tab"] * 3 + ["right", "left"]:
            await opening.keys(pilot, key)
            await _painted(pilot)
            cid = grid.columns[grid.cursor_column].key
            assert screen._criterion_text(cid).splitlines()[0] in _plain(crit)
        assert passes == []


async def test_scrolling_the_grid_by_a_row_crops_only_the_rows_that_changed(
        room_at: Any, demo: Packed, monkeypatch: pytest.MonkeyPatch) -> None:
    room, _ = room_at("view_dossier")
    app = make_app(room)
    async with app.run_test(size=(100, 20)) as pilot:  # a few rows in view: the grid scrolls
        await _recorder(pilot, app, demo)
        screen = await opening._open_scoring(pilot, app, "R02", demo.secrets)
        grid = screen.query_one(ScoreGrid)
        await _painted(pilot)
        visible = grid.scrollable_content_region.height - 1
        assert grid.row_count > visible >= 3, (grid.row_count, visible)
        await opening.move_row(pilot, grid, visible - 1)  # the last row in view
        await _painted(pilot)
        crops: list[int] = []
        real = Strip.crop

        def counted(self: Strip, start: int, end: int | None = None) -> Strip:
            crops.append(start)
            return real(self, start, end)

        monkeypatch.setattr(Strip, "crop", counted)
        await opening.keys(pilot, "down")  # every row moves up one line
        await _painted(pilot)
        monkeypatch.undo()
        assert grid.scroll_offset.y == 1 and grid.cursor_row == visible
        # the row that came into view and the two the cursor left and entered, three pieces each (fixed, middle,
        # trailing columns); before, every visible line was cropped again
        assert 0 < len(crops) <= 3 * 3 < 3 * visible


async def test_a_reviewers_turn_starts_with_the_collector_settled(
        room_at: Any, demo: Packed, monkeypatch: pytest.MonkeyPatch) -> None:
    room, _ = room_at("view_dossier")
    calls: list[str] = []
    monkeypatch.setattr(common.gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(common.gc, "freeze", lambda: calls.append("freeze"))
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        calls.clear()
        await opening.keys(pilot, "5")
        await until(pilot, lambda: on_top(app, CredentialPrompt) or app.screen.__class__.__name__ == "Pick",
                    "prompt")
        assert calls == ["collect", "freeze"]  # before the turn's first prompt, once
        await opening.credential(pilot, "R02", demo.secrets)
        await until(pilot, lambda: getattr(app.screen, "actor", None) is not None, "R02's grid")
        await opening._open_scoring(pilot, app, "R04", demo.secrets)  # the hand-over (F2)
        assert calls == ["collect", "freeze"] * 2


async def test_the_results_are_built_once_and_drawn_again_only_when_they_change(
        room_at: Any, demo: Packed, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real_init = ResultsScreen.__init__

    def counted(self: Any) -> None:
        built.append("results")
        real_init(self)

    monkeypatch.setattr(ResultsScreen, "__init__", counted)
    cleared: list[str] = []
    real_clear = DataTable.clear

    def counted_clear(self: DataTable[Any], columns: bool = False) -> Any:
        if (self.id or "").startswith("tbl-"):
            cleared.append(self.id or "")
        return real_clear(self, columns)

    monkeypatch.setattr(DataTable, "clear", counted_clear)
    room, _ = room_at("failure_reason")
    actions = demo.script["actions"]
    start = next(i for i, a in enumerate(actions) if a["action"] == "failure_reason")
    declare = next(i for i, a in enumerate(actions) if a["action"] == "declare_results")
    groups = len(room.views.groups())
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        await autopilot.play_actions(pilot, app, actions[start:declare + 3], demo.secrets)  # + two sign-offs
        assert on_top(app, DashboardScreen)
    assert room.closing.results_declared() and len(room.closing.sign_offs_missing()) == len(room.attending_ids()) - 2
    assert built == ["results"]  # one results screen for the reasons, the declaration and the sign-offs
    assert len(cleared) == 2 * groups  # drawn when opened, and once more when the names appear
    assert all(cleared.count(f"tbl-{g.group_id}") == 2 for g in room.views.groups())


async def test_the_declaration_shows_the_names_and_the_results_stay_for_the_sign_off(
        room_at: Any, demo: Packed) -> None:
    room, _ = room_at("declare_results")
    actions = demo.script["actions"]
    declare = next(i for i, a in enumerate(actions) if a["action"] == "declare_results")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        await opening.keys(pilot, "8")
        await until(pilot, lambda: on_top(app, ResultsScreen), "results")
        results = app.screen
        view = room.views.results()
        first = view.groups[0]
        table = results.query_one(f"#tbl-{first.group_id}", DataTable)
        assert table.row_count == len(first.rows) and len(table.columns) == 8  # by code: no name column
        for act in actions[declare:declare + 2]:
            handled = await opening.play(pilot, app, act, demo.secrets) or await closing_pilot.play(
                pilot, app, act, demo.secrets)
            assert handled
        assert on_top(app, SignOffScreen) and app.screen_stack[-2] is results  # the results kept under it
        assert len(table.columns) == 9  # the names, once declared
        names = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert names == {r.name for r in room.views.results().groups[0].rows}


async def _step(pilot: Any, app: Any, demo: Packed, key: str, screen_cls: type) -> Any:
    """The recorder logged in, the dashboard's ``key``, until ``screen_cls`` is on top and painted: that screen."""
    await _recorder(pilot, app, demo)
    await opening.keys(pilot, key)
    await until(pilot, lambda: on_top(app, screen_cls), screen_cls.__name__)
    await _painted(pilot)
    return app.screen


async def test_a_roll_call_mark_lays_nothing_out(room_at: Any, demo: Packed,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    room, _ = room_at("attendance")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _step(pilot, app, demo, "1", RollCallScreen)
        table = screen.query_one(DataTable)
        columns = len(table.columns)
        passes = _count_layouts(monkeypatch)
        for n in range(1, 6):
            before = len(table._cell_render_cache)
            await opening.keys(pilot, "a")
            await _painted(pilot)
            assert f"出席 {n} " in _plain(screen.query_one("#roll-quorum"))
            assert str(table.get_row_at(n - 1)[-1]) == "出席" and table.cursor_row == n
            # the marked row, which the cursor left, and the next, which it entered; not every cell of the table
            assert len(table._cell_render_cache) - before <= 2 * columns < table.row_count * columns
        # the roll call laid nothing out (the dashboard beneath may still lay out what it had pending before the
        # roll call covered it: its timer runs on, unrelated to the marks)
        assert [p for p in passes if p[0] != "DashboardScreen"] == []
        assert sum(room.attendance().values()) == 5


async def test_the_recusal_forms_hints_ask_for_no_layout(room_at: Any, demo: Packed,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The hints beside the reviewer and applicant fields change with every character typed; they are redrawn
    in place (the field itself and the footer still ask for layouts of their own: Textual's ``Input``)."""
    room, _ = room_at("recuse")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _step(pilot, app, demo, "3", RecusalScreen)
        asked: list[str] = []
        real = Widget.refresh

        def refresh(self: Widget, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
            if layout and (self.id or "").endswith("-hint"):
                asked.append(self.id or "")
            return real(self, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(Widget, "refresh", refresh)
        for ch in "R07":
            await opening.keys(pilot, ch)
            await _painted(pilot)
        assert room.person_name("R07") in _plain(screen.query_one("#rec-reviewer-hint"))
        await opening.keys(pilot, "enter")
        code = room.views.applicant("A005").code
        for ch in code:
            await opening.keys(pilot, ch)
            await _painted(pilot)
        assert room.views.applicant("A005").panel_name in _plain(screen.query_one("#rec-applicant-hint"))
        assert asked == []


def test_garbage_frozen_at_a_turn_is_given_back_in_a_quiet_moment_or_within_a_bounded_number_of_turns() -> None:
    """``settle_collector`` freezes what survives each turn; a frozen object that later becomes cyclic garbage (a
    removed dialog, a voter's screen) was never collected, ~0.3 MB a turn for the whole day. It is given back
    once nobody has typed for ``QUIET_S`` seconds (the application's timer), or at the latest after
    ``THAW_AT_LATEST`` turns."""
    import gc
    import weakref

    class Screenish:
        def __init__(self) -> None:
            self.me = self  # a cycle, as a widget and its parent

    def frozen_garbage() -> weakref.ref[Screenish]:
        kept = Screenish()
        ref = weakref.ref(kept)
        common.settle_collector()  # kept is alive: frozen
        del kept  # now cyclic garbage inside the permanent generation
        gc.collect()
        assert ref() is not None  # frozen garbage survives an ordinary collection
        return ref

    quiet = getattr(common, "QUIET_S", 3.0)
    ref = frozen_garbage()
    assert not getattr(common, "quiet_moment", lambda s: False)(quiet / 2) and ref() is not None  # typing still
    assert getattr(common, "quiet_moment", lambda s: False)(quiet) and ref() is None  # a quiet moment
    ref = frozen_garbage()
    for _ in range(getattr(common, "THAW_AT_LATEST", 64)):
        common.settle_collector()
    assert ref() is None  # nobody ever stopped typing: at the latest
    gc.unfreeze()


async def test_the_application_gives_the_frozen_garbage_back_when_nobody_types(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The room's application calls ``quiet_moment`` on a timer with the seconds since the last key."""
    from zc_review.tui import app as app_module

    seen: list[float] = []
    monkeypatch.setattr(app_module, "QUIET_S", 0.05)
    monkeypatch.setattr(app_module, "quiet_moment", lambda idle: seen.append(idle) or False)
    app = app_module.ZcReviewApp(package_path=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        seen.clear()
        await pilot.pause(0.3)
        assert seen and all(0.0 <= s < 5.0 for s in seen) and seen == sorted(seen)  # growing while nobody types


async def test_a_ballot_mark_and_a_voters_return_lay_nothing_out(room_at: Any, demo: Packed,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A mark (1/2/3) on the voting screen redraws its row, the next and the progress line in place; back on the poll
    screen after a ballot, its status lines of the same number of lines are redrawn in place too (each
    ``Static.update`` laid the screen out again: one pass per mark, about 20 ms each for 18 applicants)."""
    from zc_review.tui.screens.ballot import BallotScreen, VoteTable, VotingScreen

    room, _ = room_at("ballot")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        poll = await _step(pilot, app, demo, "7", BallotScreen)
        voter = poll.due()[0]
        await opening.keys(pilot, "n")
        await closing_pilot.login(pilot, voter, demo.secrets.persons[voter])
        await until(pilot, lambda: on_top(app, VotingScreen), "ballot")
        voting = app.screen
        await _painted(pilot)
        table = voting.query_one(VoteTable)
        rendered = _count_row_renders(monkeypatch)
        passes = _count_layouts(monkeypatch)
        for n, mark in enumerate("123123", start=1):
            rendered.clear()
            await opening.keys(pilot, mark)
            await _painted(pilot)
            assert len(voting._marks) == n and f"{n}" in _plain(voting.query_one("#vote-progress"))
            # the marked row and the next, where the cursor went; a DataTable drew every cell again
            assert sorted(set(rendered)) == [n - 1, n] and table.row_count > 2
        assert [p for p in passes if p[0] == "VotingScreen"] == []  # (the screens beneath: see the roll call's)
        status = _plain(poll.query_one("#ballot-status"))
        monkeypatch.undo()
        passes = _count_layouts(monkeypatch)
        poll.refresh_status()  # as on every return from a dialog or a ballot
        await _painted(pilot)
        assert _plain(poll.query_one("#ballot-status")) == status
        assert [p for p in passes if p[0] == "BallotScreen"] == []
