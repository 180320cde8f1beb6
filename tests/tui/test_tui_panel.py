"""Pilot tests of issue 5's screens: visibility after submission, flag explanation, the leader's witnessed
return and the resubmission, the discussion order and the pass-rate preview, all by keyboard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.conftest import Packed
from tests.service.test_panel_scoring import D80, M50, M80
from tests.tui.test_tui_opening import SIZE, _login, _open_scoring, _plain


async def test_grid_submit_then_see_panel_and_explain(room_at: Any, demo: Packed) -> None:
    from zc_review.demo.opening import keys
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.panel_view import PanelScoresScreen
    from zc_review.tui.screens.scoring import ScoringScreen
    from zc_review.tui.widgets import Notice

    room, runner = room_at("scores")
    for r in ("R02", "R04", "R05", "R06", "R07"):
        room.scoring.save_scores(runner.actor(r), "A001", {**M80, **D80}, submit=True)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_scoring(pilot, app, demo, "R08")
        await pilot.press("v")  # before submitting: refused
        assert isinstance(app.screen, Notice) and "须先提交本人" in app.screen.message
        await pilot.press("enter")
        for value in ("5", "20", "7.5", "7.5", "5", "5", "32", "32", "16"):  # material 50, defence 80
            await keys(pilot, *value, "tab")
        await pilot.press("up", "ctrl+t", "y")  # submit asks first (Confirm)
        assert room.scoring.current_sheet("R08", "A001").status == "submitted"
        await pilot.press("v")
        assert isinstance(app.screen, PanelScoresScreen)
        body = "\n".join(_plain(w) for w in app.screen.query("Static"))
        assert "汇总：材料分 75.00" in body and "综合分 76.50" in body and "算术平均" in body
        assert "极差 30.00" in body and "标准差 11.18" in body and "评分分歧已标记" in body
        assert app.screen.query_one("#ps-table").row_count == 6
        await keys(pilot, *"已复核，维持原评分", "enter")  # the explanation input has focus
        assert room.panel.flag_explanations() == {"A001": {"R08": "已复核，维持原评分"}}
        assert room.scoring.applicant_score("A001").material == 75  # never changed
        await pilot.press("escape")
        assert isinstance(app.screen, ScoringScreen) and app.screen is screen


async def test_leader_returns_sheet_with_witness_and_reviewer_resubmits(room_at: Any, demo: Packed) -> None:
    from zc_review.demo.opening import _open_opinions, credential, keys, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.opinion import OpinionScreen
    from zc_review.tui.screens.scoring import ScoreGrid
    from zc_review.tui.widgets import Pick, TextPrompt

    room, runner = room_at("scores")
    for r in ("R02", "R04", "R05", "R06", "R07", "R08"):
        room.scoring.save_scores(runner.actor(r), "A001", {**(M50 if r == "R08" else M80), **D80}, submit=True)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        screen = await _open_opinions(pilot, app, "R02", demo.secrets)
        assert isinstance(screen, OpinionScreen)
        table = screen.query_one("#op-table")
        assert str(table.get_cell("A001", "composite")) == "76.50"
        assert room.person_name("R08") in str(table.get_cell("A001", "flag"))
        await pilot.press("r")
        assert isinstance(app.screen, Pick)
        await pilot.press(*["down"] * 5, "enter")  # R02, R04, R05, R06, R07, R08
        assert isinstance(app.screen, TextPrompt)
        await keys(pilot, *"偏离较大，请复核", "enter")
        await credential(pilot, "S01", demo.secrets)
        await wait_for(pilot, lambda: app.screen is screen, "opinion screen")
        assert "已退回" in _plain(screen.query_one("#op-editing"))
        versions = [(s.version, s.status) for s in room.panel.sheet_versions("R08", "A001")]
        assert versions == [(1, "returned"), (2, "draft")]
        assert room.panel.sheet_versions("R08", "A001")[0].return_reason == "偏离较大，请复核"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "DashboardScreen", "dashboard")
        from zc_review.demo.opening import _open_scoring as open_scoring

        scoring = await open_scoring(pilot, app, "R08", demo.secrets)
        grid = scoring.query_one(ScoreGrid)
        assert "A001" not in grid.locked_rows  # the returned sheet is a draft again, values kept
        assert str(grid.get_cell("A001", "material")) == "50"
        await keys(pilot, *"8", "tab", *"32", "tab", *"12", "tab", *"12", "tab", *"8", "tab", *"8", "tab")
        assert str(grid.get_cell("A001", "material")) == "80"
        await pilot.press("up", "ctrl+t", "y")  # submit asks first (Confirm)
        assert [(s.version, s.status) for s in room.panel.sheet_versions("R08", "A001")] == [(1, "returned"),
                                                                                       (2, "submitted")]
        assert room.scoring.applicant_score("A001").material == Decimal(80)
        assert [s["version"] for s in room.record()["sheets"]
                if (s["reviewer_id"], s["applicant_id"]) == ("R08", "A001")] == [1, 2]


async def test_discussion_order_and_preview_screens(room_at: Any, demo: Packed) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.panel_view import DiscussionScreen, PreviewScreen

    room, _ = room_at("open_poll")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        await pilot.press("o")
        assert isinstance(app.screen, DiscussionScreen)
        order = room.panel.discussion_order()
        table = app.screen.query_one("#disc-table")
        target = order.index("A003")
        await pilot.press(*["down"] * target)
        now = _plain(app.screen.query_one("#disc-now"))
        assert room.defn.applicant("A003").code in now and room.person_name("R06") in now and "离场" in now
        await pilot.press("p")
        assert isinstance(app.screen, PreviewScreen)
        body = _plain(app.screen.query_one("#preview-body"))
        for g in room.panel.pass_rate_preview():
            n = len(room.defn.applicants_of_group(g.group_id))
            assert f"{g.name}：申报 {n} 人" in body and f"最多通过 {g.cap} 人" in body
        assert "建筑工程组：申报 8 人，通过率 60%，最多通过 4 人" in body  # ⌊0.6 × 8⌋ = 4
        assert table.row_count == len(room.defn.applicants)
