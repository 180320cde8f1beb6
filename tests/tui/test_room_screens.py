"""Pilot tests of issue 13's defects on the room's screens, at 80×24 and 160×45: codes never cut, results
without hidden rows, names only once declared, the dashboard's progress, voting logistics, the confirmations
before what cannot be undone, and the keystrokes a reviewer needs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.data_table import ColumnKey

from zc_review.demo.closing import burst, confirm, key, login, on_top, pick, to_dashboard, until
from zc_review.domain.model import StaffRole
from zc_review.tui.app import make_app
from zc_review.tui.screens.ballot import BallotScreen, VoteTable, VotingScreen
from zc_review.tui.screens.ballot_review import BallotReview
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.panel_view import DiscussionScreen, PanelScoresScreen
from zc_review.tui.screens.results import ReasonForm, ReasonsScreen, ResultsScreen, SignOffScreen
from zc_review.tui.screens.scoring import ScoreGrid, ScoringScreen
from zc_review.tui.widgets import Confirm, CredentialPrompt, Notice, Pick

SIZES = [(80, 24), (160, 45)]
CODE = re.compile(r"GC-\d{4}-\d{3}")
CODE_START = re.compile(r"GC-[\d-]*")


async def start(pilot: Any, app: Any, secrets: Any) -> None:
    """Log the recorder in and wait for the dashboard."""
    rec = app.room.defn.staff_with_role(StaffRole.RECORDER).id
    await login(pilot, rec, secrets.persons[rec])
    await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")


async def open_key(pilot: Any, app: Any, k: str, screen_cls: type) -> Any:
    await to_dashboard(pilot)
    await key(pilot, k)
    await until(pilot, lambda: on_top(app, screen_cls) or on_top(app, Pick) or on_top(app, CredentialPrompt),
                screen_cls.__name__)
    return app.screen


def rendered_lines(table: DataTable[Any]) -> list[str]:
    """The table's lines as drawn now (header and visible rows), as text."""
    return [table.render_line(y).text for y in range(table.size.height)]


def assert_codes_whole(table: Any, codes: set[str]) -> set[str]:
    """No rendered line of ``table`` holds a cut code; answers the codes seen."""
    seen: set[str] = set()
    for line in rendered_lines(table):
        for frag in CODE_START.findall(line):
            assert CODE.fullmatch(frag), f"cut code {frag!r} in {line!r}"
            assert frag in codes
            seen.add(frag)
    return seen


def screen_text(app: Any) -> str:
    """The screen as the terminal shows it, one string (the SVG's text, entities decoded)."""
    import html

    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))).replace("\xa0", " ")


# -- item 3: codes are never cut ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_codes_are_whole_on_the_first_frame_of_every_table(room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("open_poll")
    codes = {a.code for a in room.defn.applicants}
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        screen = await open_key(pilot, app, "5", ScoringScreen)
        reviewer = room.views.scorer_ids()[0]
        await login(pilot, reviewer, demo.secrets.persons[reviewer])
        await until(pilot, lambda: on_top(app, ScoringScreen) and app.screen.actor is not None, "scoring")
        screen = app.screen
        grid = screen.query_one(ScoreGrid)
        # the grid is built the moment the credential is accepted: draw it again that way, with no idle
        # between building and drawing (the frame that showed "GC-2")
        actor = screen.actor
        grid.clear(columns=True)
        grid.locked_rows, grid.editable_columns = set(), []
        screen.values, screen.bad, screen.codes = {}, {}, {}
        screen.start(actor)
        first = assert_codes_whole(grid, codes)
        assert first and first <= {r.code for r in room.views.scoring_rows(reviewer)}
        await pilot.pause()
        # after the first layout the grid may show one row more or less (the lines under it are laid out once,
        # issue 9; seen both ways under load at 80×24); every code shown is still whole, the rest the same rows
        after = assert_codes_whole(grid, codes)
        assert after and len(first ^ after) <= 1, (first, after)
        # the panel's scores of the first row (every sheet is submitted at this point)
        await key(pilot, "v")
        await until(pilot, lambda: on_top(app, PanelScoresScreen), "panel scores")
        code = room.views.scoring_rows(reviewer)[0].code
        assert code in screen_text(app)
        await key(pilot, "escape")
        await until(pilot, lambda: on_top(app, ScoringScreen), "back")
        await key(pilot, "escape")
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
        await key(pilot, "o")
        await until(pilot, lambda: on_top(app, DiscussionScreen), "discussion")
        assert assert_codes_whole(app.screen.query_one(DataTable), codes)
        # the ballot
        await open_key(pilot, app, "7", BallotScreen)
        await key(pilot, "o")
        await confirm(pilot)
        await key(pilot, "n")
        await login(pilot, "R04", demo.secrets.persons["R04"])
        await until(pilot, lambda: on_top(app, VotingScreen), "ballot")
        assert assert_codes_whole(app.screen.query_one("#vote-table", VoteTable), codes)


@pytest.mark.parametrize("size", SIZES)
async def test_results_codes_whole_every_applicant_shown(room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    """Item 4: each group's table is as tall as its rows (no scrollbar of its own); at 160×45 the 12-applicant
    group is seen whole; at 80×24 PageDown brings each group's heading to the top."""
    room, _ = room_at("open_runoff")
    codes = {a.code for a in room.defn.applicants}
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        screen = await open_key(pilot, app, "8", ResultsScreen)
        await pilot.pause()
        groups = room.views.groups()
        big = max(groups, key=lambda g: len(room.defn.applicants_of_group(g.group_id)))
        assert len(room.defn.applicants_of_group(big.group_id)) == 12
        body = screen.query_one("#results-body")
        for i, g in enumerate(groups):
            table = screen.query_one(f"#tbl-{g.group_id}", DataTable)
            n = len(room.defn.applicants_of_group(g.group_id))
            assert table.row_count == n
            assert table.size.height == n + 1 and table.max_scroll_y == 0  # header + every row, no own scroll
            if i:
                await key(pilot, "pagedown")
            await pilot.pause()
            head = screen.query_one(f"#head-{g.group_id}")
            # paged: the group's heading on top (the last group: as high as the page goes), all its rows seen
            assert head.region.y == body.region.y or body.scroll_y == body.max_scroll_y
            assert body.region.y <= head.region.y and table.region.bottom <= body.region.bottom
            assert assert_codes_whole(table, codes) == {a.code for a in room.defn.applicants_of_group(g.group_id)}


# -- item 5: names only once the presiding officer has declared ----------------------------------------------
async def test_names_only_after_the_presiding_officer_declares(room_at: Any, demo: Any) -> None:
    room, _ = room_at("declare_results")  # every round closed: the results are final, not yet declared
    assert room.closing.results_final()
    names = [a.name for a in room.defn.applicants]
    app = make_app(room)
    async with app.run_test(size=(160, 45)) as pilot:
        await start(pilot, app, demo.secrets)
        screen = await open_key(pilot, app, "8", ResultsScreen)
        await pilot.pause()
        assert not [n for n in names if n in screen_text(app)]
        assert "待主持人宣布" in screen_text(app)
        await key(pilot, "f")
        await until(pilot, lambda: on_top(app, Confirm), "confirm")
        await key(pilot, "n")  # no: nothing declared
        await until(pilot, lambda: on_top(app, ResultsScreen), "back")
        assert not room.closing.results_declared()
        await key(pilot, "f")
        await confirm(pilot)
        presiding = room.presiding_officer_id()
        await login(pilot, presiding, demo.secrets.persons[presiding])
        await until(pilot, lambda: room.closing.results_declared(), "declared")
        await pilot.pause()
        shown = screen_text(app)
        top = room.views.results().groups[0].rows[0]
        assert top.name is not None and top.name in shown and "主持人已宣布" in shown
        assert screen is app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_declared_results_fit_the_terminal_and_no_decision_is_cut(room_at: Any, demo: Any,
                                                                         size: tuple[int, int]) -> None:
    """Once names are shown, a group's table was wider than 80 columns and could not scroll sideways: "未达到三分"
    and "通过（加投" were cut. At 80 the figures' labels fold onto two lines and a run-off's count goes under its
    decision; every cell is whole and the table fits. At 160 nothing folds."""
    room, _ = room_at("generate_minutes")  # declared
    assert room.closing.results_declared()
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        screen = await open_key(pilot, app, "8", ResultsScreen)
        await pilot.pause()
        for g in room.views.results().groups:
            table = screen.query_one(f"#tbl-{g.group_id}", DataTable)
            width = sum(c.get_render_width(table) for c in table.columns.values())
            assert width <= table.region.width, (g.group_id, width, table.region.width)
            assert table.header_height == (2 if size[0] == 80 else 1)
            for r in g.rows:
                decision = str(table.get_cell(r.applicant_id, "common.col_decision"))
                column = table.columns[ColumnKey("common.col_decision")]
                assert all(cell_len(line) <= column.width for line in decision.split("\n")), decision
                assert r.name is not None and r.name == str(table.get_cell(r.applicant_id, "common.col_name"))


# -- item 6: the dashboard shows each step's state and the next step ---------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_dashboard_of_a_resumed_session_with_the_poll_closed(room_at: Any, demo: Any,
                                                                   size: tuple[int, int]) -> None:
    room, _ = room_at("open_runoff")
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        ol = app.screen.query_one("#dash-steps", OptionList)
        lines = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]
        assert "已完成" in lines[0] and "已点名 17 / 17" in lines[0]
        assert "已完成" in lines[4] and "已提交评分表" in lines[4]
        assert "进行中" in lines[6] and "已截止 1 轮，待加投" in lines[6]
        assert "未开始" in lines[8] and "未开始" in lines[9]
        assert "下一步：[7] 无记名投票" in str(app.screen.query_one("#dash-next", Static).render())
        assert ol.highlighted == 6  # Enter goes on with the session
        assert "下一步：[7]" in screen_text(app)


async def test_dashboard_of_a_fresh_session(room_at: Any, demo: Any) -> None:
    room, _ = room_at("attendance")
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, demo.secrets)
        ol = app.screen.query_one("#dash-steps", OptionList)
        assert all("未开始" in str(ol.get_option_at_index(i).prompt) for i in (0, 1, 4, 6, 8, 9))
        assert "下一步：[1] 点名与法定人数" in screen_text(app)


# -- item 7: voting logistics -----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_voters_due_only_type_to_find_outstanding_and_no_cast_key_while_unmarked(
        room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("open_poll")
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        screen = await open_key(pilot, app, "7", BallotScreen)
        await key(pilot, "o")
        await confirm(pilot)
        entitled = room.ballot.entitled_voters()
        assert "尚未投票（16 人）" in str(screen.query_one("#ballot-outstanding").render())
        # R01 votes
        await key(pilot, "n")
        await login(pilot, "R01", demo.secrets.persons["R01"])
        await until(pilot, lambda: on_top(app, VotingScreen), "ballot")
        voting = app.screen
        await burst(pilot, ["1"] * (len(voting._items) - 2))  # two left unmarked
        await until(pilot, lambda: len(voting._marks) == len(voting._items) - 2, "marks")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, BallotReview), "review")
        await pilot.pause()
        footer = screen_text(app)
        assert "确认投出" not in footer and "返回补选" in footer
        unmarked = [room.defn.applicant(a).code for a in voting._items[-2:]]
        assert all(c in footer for c in unmarked)
        await key(pilot, "enter")  # back, to the first unmarked row
        await until(pilot, lambda: on_top(app, VotingScreen), "back to ballot")
        assert voting.query_one("#vote-table", VoteTable).cursor_row == len(voting._items) - 2
        await burst(pilot, ["2", "3"])
        await until(pilot, lambda: len(voting._marks) == len(voting._items), "all marked")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, BallotReview), "review")
        assert "确认投出" in screen_text(app)
        await key(pilot, "enter")
        await until(pilot, lambda: room.ballot.voters_done(1) == {"R01"}, "cast")
        await key(pilot, "enter")  # the neutral notice
        await until(pilot, lambda: on_top(app, BallotScreen), "poll screen")
        outstanding = str(screen.query_one("#ballot-outstanding").render())
        assert "尚未投票（15 人）" in outstanding and "R01" not in outstanding and "R02" in outstanding
        # the next voter: R01 is not offered; typing finds
        await key(pilot, "n")
        await until(pilot, lambda: on_top(app, Pick), "pick")
        dialog = app.screen
        assert [oid for oid, _ in dialog.options] == [r for r in entitled if r != "R01"]
        name = room.person_name("R09")
        await burst(pilot, name)
        await until(pilot, lambda: dialog.query_one("#pick-find", Input).value == name, "typed")
        await until(pilot, lambda: dialog.shown == ["R09"], "found")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, CredentialPrompt), "credential")
        assert [pid for pid, _ in app.screen.people] == ["R09"]


async def test_pledge_outstanding_and_cursor_moves_on(room_at: Any, demo: Any) -> None:
    room, _ = room_at("pledge")
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, demo.secrets)
        from zc_review.tui.screens.pledge import PledgeScreen

        screen = await open_key(pilot, app, "2", PledgeScreen)
        table = screen.query_one(DataTable)
        first = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        outstanding = str(screen.query_one("#pledge-outstanding").render())
        assert "尚未签署（16 人）" in outstanding and first in outstanding
        await key(pilot, "enter")
        await login(pilot, first, demo.secrets.persons[first])
        await confirm(pilot)
        await until(pilot, lambda: first in room.opening.pledged_ids(), "signed")
        await until(pilot, lambda: on_top(app, PledgeScreen), "pledge screen")
        now = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        assert now != first and now not in room.opening.pledged_ids()  # the next one still to sign
        outstanding = str(screen.query_one("#pledge-outstanding").render())
        assert "尚未签署（15 人）" in outstanding and f"{first} " not in outstanding


async def test_sign_off_offers_only_those_still_to_sign(room_at: Any, demo: Any) -> None:
    room, runner = room_at("sign_off", 1)  # one reviewer has signed off
    missing = room.closing.sign_offs_missing()
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "8", ResultsScreen)
        await key(pilot, "s")
        await until(pilot, lambda: on_top(app, SignOffScreen), "sign-off")
        assert "尚未签字" in screen_text(app)
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, Pick), "pick")
        assert [oid for oid, _ in app.screen.options] == missing
        await pick(pilot, missing[0])
        await until(pilot, lambda: on_top(app, CredentialPrompt), "credential")
        await burst(pilot, demo.secrets.persons[missing[0]])
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, Confirm), "confirm")
        await key(pilot, "n")  # no: not signed
        await until(pilot, lambda: on_top(app, SignOffScreen), "sign-off")
        assert room.closing.sign_offs_missing() == missing


# -- item 10 and the confirmations ---------------------------------------------------------------------------
async def test_recusal_roll_call_poll_and_submit_ask_first(room_at: Any, demo: Any) -> None:
    from zc_review.tui.screens.recusal import RecusalScreen
    from zc_review.tui.screens.rollcall import RollCallScreen

    room, _ = room_at("close_roll_call")
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "1", RollCallScreen)
        await key(pilot, "c")
        await until(pilot, lambda: on_top(app, Confirm), "confirm close")
        assert "结束点名" in screen_text(app)
        await key(pilot, "n")
        await until(pilot, lambda: on_top(app, RollCallScreen), "back")
        assert not room.opening.roll_call_closed()
        await key(pilot, "c")
        await confirm(pilot)
        assert room.opening.roll_call_closed()
        await open_key(pilot, app, "3", RecusalScreen)
        code = room.defn.applicant("A010").code
        before = len(room.recusals())
        from zc_review.demo.opening import keys

        await keys(pilot, "R", "0", "5")
        await keys(pilot, "enter")
        await keys(pilot, *code)
        await keys(pilot, "enter")
        await keys(pilot, *"同事")
        await keys(pilot, "enter")
        await until(pilot, lambda: on_top(app, Confirm), "confirm recusal")
        assert code in screen_text(app) and "不能撤销" in screen_text(app)
        await key(pilot, "n")
        await until(pilot, lambda: on_top(app, RecusalScreen), "back")
        assert len(room.recusals()) == before
        await key(pilot, "ctrl+s")
        await confirm(pilot)
        assert room.is_recused("R05", "A010")


async def test_submit_scores_and_open_poll_ask_first(room_at: Any, demo: Any) -> None:
    room, _ = room_at("scores")
    action = next(a for a in demo.script["actions"] if a["action"] == "scores")
    app = make_app(room)
    async with app.run_test(size=(160, 45)) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "5", ScoringScreen)
        await login(pilot, action["reviewer"], demo.secrets.persons[action["reviewer"]])
        await until(pilot, lambda: on_top(app, ScoringScreen) and app.screen.actor is not None, "scoring")
        screen = app.screen
        grid = screen.query_one(ScoreGrid)
        await burst(pilot, ["down"] * grid.get_row_index(action["applicant"]))
        await key(pilot, "ctrl+t")  # nothing typed yet: refused, with what is missing, no way to say yes
        await until(pilot, lambda: on_top(app, Confirm), "confirm")
        assert app.screen.blocked is not None and "尚未评分的项目" in app.screen.blocked
        await key(pilot, "y")
        await key(pilot, "enter")
        assert on_top(app, Confirm)
        await key(pilot, "escape")
        await until(pilot, lambda: on_top(app, ScoringScreen), "grid")
        from zc_review.demo.opening import _typed

        typed: list[str] = []
        for i, cid in enumerate(grid.editable_columns):
            typed.extend(_typed(action["values"][cid]))
            if i < len(grid.editable_columns) - 1:
                typed.append("tab")
        await burst(pilot, typed)
        grid.commit()
        await key(pilot, "ctrl+t")
        await until(pilot, lambda: on_top(app, Confirm), "confirm")
        await key(pilot, "n")
        await until(pilot, lambda: on_top(app, ScoringScreen), "grid")
        assert action["applicant"] not in grid.locked_rows
        await key(pilot, "ctrl+t")
        await confirm(pilot)
        await until(pilot, lambda: action["applicant"] in grid.locked_rows, "submitted")


async def test_one_leader_sign_in_per_batch_with_a_timeout(room_at: Any, demo: Any) -> None:
    room, _ = room_at("failure_reason")
    failed = room.views.failed()
    by_panel: dict[str, list[Any]] = {}
    for f in failed:
        by_panel.setdefault(f.panel_id, []).append(f)
    panel_id, rows = max(by_panel.items(), key=lambda kv: len(kv[1]))
    assert len(rows) >= 2
    leader = rows[0].leader_id
    app = make_app(room)
    async with app.run_test(size=(160, 45)) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "8", ResultsScreen)
        await key(pilot, "e")
        await until(pilot, lambda: on_top(app, ReasonsScreen), "reasons")
        screen = app.screen
        table = screen.query_one(DataTable)
        target = screen.row_ids.index(rows[0].applicant_id)
        await burst(pilot, ["down"] * target)
        await until(pilot, lambda: table.cursor_row == target, "row")
        await key(pilot, "enter")
        await login(pilot, leader, demo.secrets.persons[leader])
        await until(pilot, lambda: "分钟无操作" in str(screen.query_one("#reasons-leader").render()), "signed in")
        from zc_review.demo.closing import retype

        for _ in range(2):  # two reasons, one sign-in: the second form opens by itself
            await until(pilot, lambda: on_top(app, ReasonForm), "form")
            form = app.screen
            await key(pilot, "enter")
            await retype(pilot, form.query_one("#reason-guidance", Input), "加强业绩积累")
            await key(pilot, "enter")
            await until(pilot, lambda f=form: app.screen is not f, "saved")
        written = room.closing.failure_reasons()
        assert {r.applicant_id for r in rows[:2]} <= set(written)
        if len(rows) > 2:  # the third of the panel is already open
            await until(pilot, lambda: on_top(app, ReasonForm), "third form")
            await key(pilot, "escape")
        await until(pilot, lambda: on_top(app, ReasonsScreen), "reasons")
        # ten minutes later: the credential is asked again
        now = screen.clock()
        screen.clock = lambda: now + 11 * 60
        row = screen.row_ids.index(rows[0].applicant_id)
        await burst(pilot, ["up"] * (table.cursor_row - row) if table.cursor_row >= row else ["down"] * (row - table.cursor_row))
        await until(pilot, lambda: table.cursor_row == row, "row")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, CredentialPrompt), "asked again")
        assert "超时" in str(screen.query_one("#reasons-leader").render())


@pytest.mark.parametrize("size", SIZES)
async def test_messages_never_break_a_code(room_at: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("open_poll")
    codes = [a.code for a in room.defn.applicants]
    app = make_app(room)
    from zc_review.i18n import join_list, t

    async with app.run_test(size=size) as pilot:
        app.push_screen(Notice(t("ballot.review_missing", count=len(codes), codes=join_list(codes))))
        await pilot.pause()
        assert isinstance(app.screen, Notice)
        text = app.screen.query_one("#notice-text", Static)
        lines = [text.render_line(y).text for y in range(text.size.height)]
        joined = "\n".join(lines)
        for frag in CODE_START.findall(joined):
            assert CODE.fullmatch(frag), f"cut code {frag!r}:\n{joined}"
        assert sum(len(CODE.findall(line)) for line in lines) == len(codes)


def test_break_offsets_keep_codes_and_numbers_whole() -> None:
    from zc_review.tui.widgets.dialogs import break_offsets

    text = "还有以下申报人未选择：GC-2025-001、GC-2025-002、GC-2025-003，综合得分 87.50 分"
    for width in range(12, 40):
        cuts = [0, *break_offsets(text, width), len(text)]
        lines = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
        for line in lines:
            assert cell_len(line.rstrip()) <= width
        assert all(c in "".join(lines) for c in ("GC-2025-001", "87.50"))
        for line in lines:
            for frag in CODE_START.findall(line):
                assert CODE.fullmatch(frag), (width, lines)


# -- keystrokes: what a reviewer presses (the secret's characters counted apart) ---------------------------------
async def test_keystrokes_to_vote_on_twelve_and_to_score_one(room_at: Any, demo_education_laptop: Any) -> None:
    """Measured by playing them: voting on the 12 applicants of data/demo-education takes 17 keys besides the
    secret for the first voter in the list (n, Enter on the picker, Enter after the secret, 12 marks, Enter to
    review, Enter to cast) plus 1 to dismiss the neutral notice; a voter further down types part of their
    id or name instead (3 keys for "R07"). Scoring one applicant: the values' characters, a Tab between
    criteria, Ctrl+T and y."""
    packed = demo_education_laptop  # the education demo votes on paper; this measures the laptop's ballot
    room, _ = room_at("open_poll", packed=packed)
    app = make_app(room)
    pressed: list[str] = []

    async def press(*names: str) -> None:
        pressed.extend(names)
        await burst(pilot, list(names))

    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, packed.secrets)
        await open_key(pilot, app, "7", BallotScreen)
        await key(pilot, "o")
        await confirm(pilot)
        voter = room.ballot.entitled_voters()[0]
        await press("n")
        await until(pilot, lambda: on_top(app, Pick), "picker")
        await press("enter")  # the first still due is highlighted
        await until(pilot, lambda: on_top(app, CredentialPrompt), "credential")
        await burst(pilot, packed.secrets.persons[voter])  # the secret: not counted
        await press("enter")
        await until(pilot, lambda: on_top(app, VotingScreen), "ballot")
        assert len(app.screen._items) == 12
        await press(*["1"] * 12)
        await until(pilot, lambda: len(app.screen._marks) == 12, "marks")
        await press("enter")
        await until(pilot, lambda: on_top(app, BallotReview), "review")
        await press("enter")
        await until(pilot, lambda: room.ballot.voters_done(1) == {voter}, "cast")
        assert len(pressed) == 17
        await press("enter")  # the neutral notice, for the next voter
        await until(pilot, lambda: on_top(app, BallotScreen), "poll screen")
        assert len(pressed) == 18
        # a voter further down the list: type to find
        second = room.ballot.entitled_voters()[6]
        pressed.clear()
        await press("n")
        await until(pilot, lambda: on_top(app, Pick), "picker")
        await press(*second)
        await until(pilot, lambda: app.screen.shown[:1] == [second], "found")
        await press("enter")
        await until(pilot, lambda: on_top(app, CredentialPrompt), "credential")
        assert len(pressed) == 2 + len(second)
    print(f"keystrokes to vote on 12 (besides the secret): 18; a voter found by id: +{len(second)}")
