"""What the hand run of the demo found (issue 13: the whole session by hand from ``make tui``, in tmux at 80×24
and 160×45, with only F1 and the footer), each fixed and tested here with Pilot at the size it was seen.
The list of findings is in the branch's report and docs/DESIGN.md "The hand run"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Packed, new_room
from tests.tui.test_room_screens import start
from zc_review.demo.closing import key, on_top, until
from zc_review.tui.app import make_app
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.widgets import Notice

SIZE = (80, 24)


def drawn(widget: Any) -> list[str]:
    """The lines of ``widget`` as the terminal draws them (wrapped at its width), without padding."""
    from textual.geometry import Region

    size = widget.size
    return [strip.text.strip("│ ") for strip in widget.render_lines(Region(0, 0, size.width, size.height))]


@pytest.mark.parametrize("step", ["5", "6"])
async def test_a_step_with_nobody_to_act_says_so(room_at: Any, demo: Any, step: str) -> None:
    """Scoring (or the opinions) before the roll call: nobody may act yet. The app ended with a traceback
    (IndexError in CredentialPrompt); now a notice says why and Enter goes back to the dashboard."""
    room, _ = room_at("attendance")  # nothing played: a fresh session
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await key(pilot, step)
        for _ in range(200):
            if on_top(app, Notice):
                break
            await pilot.pause(0.01)
        assert on_top(app, Notice), type(app.screen).__name__
        assert "目前没有可以进行这一步的人员" in app.screen.message
        assert app.screen.query_one("#notice-text").region.right <= SIZE[0]
        await key(pilot, "enter")
        for _ in range(200):  # the notice closes, then the step's screen: not ``until``, which takes the
            if on_top(app, DashboardScreen):  # notice still closing for a refusal
                break
            await pilot.pause(0.01)
        assert on_top(app, DashboardScreen), type(app.screen).__name__
        assert app.is_running


async def test_every_dialog_fits_80x24(room_at: Any, demo: Any) -> None:
    """The failure-reason form (100 columns wide), the text prompt (90), the panel's scores (110) lost their
    right edge at 80 columns, and the person picker with 15 reviewers was taller than 24 rows (the screen
    scrolled, the count line and the border below the list out of view). Each box now lies inside 80×24."""
    from textual.containers import Vertical

    from zc_review.tui.screens.panel_view import PanelScoresScreen
    from zc_review.tui.screens.results import ReasonForm
    from zc_review.tui.widgets import Pick, TextPrompt

    room, _ = room_at("open_poll")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        reviewer = room.views.scorer_ids()[0]
        actor = room.authenticate(reviewer, demo.secrets.persons[reviewer])
        first = room.views.scoring_rows(reviewer)[0].applicant_id
        people = [(r, f"{r} {room.person_name(r)}") for r in room.views.scorer_ids()]
        assert len(people) >= 15
        dialogs = [ReasonForm("申报人 GC-2025-002：未通过原因与努力方向", "超出通过率限额", ""),
                   TextPrompt("退回 GC-2025-001 的评分表：请写明理由"), Pick("评分：请评审专家选择本人并输入凭证", people),
                   PanelScoresScreen(actor, room.panel.panel_scores(actor, first))]
        for dialog in dialogs:
            await app.push_screen(dialog)
            await pilot.pause()
            box = dialog.query_one(Vertical)
            name = type(dialog).__name__
            assert box.region.x >= 0 and box.region.right <= SIZE[0], (name, box.region)
            assert box.region.y >= 0 and box.region.bottom <= SIZE[1], (name, box.region)
            assert dialog.max_scroll_y == 0, name  # nothing of it below the screen
            dialog.dismiss(None)
            await pilot.pause()


async def test_signers_and_opinions_whole_at_80x24(room_at: Any, demo: Any) -> None:
    """The rubric's signer column showed "R02 龙" for R02 龙倩 once signed, and the opinions' column "（未填写"
    and, once saved, "材料完整，": both were cached at their heading's width on the first frame."""
    from textual.widgets import DataTable

    from tests.tui.test_room_screens import open_key, rendered_lines
    from zc_review.demo.closing import login
    from zc_review.tui.screens.opinion import OpinionScreen
    from zc_review.tui.screens.rubric import RubricSignScreen

    room, _ = room_at("opinion", nth=1)  # every rubric signed, the first opinion written
    opinion = room.scoring.opinions()["A001"]
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "4", RubricSignScreen)
        await pilot.pause()
        sigs = "\n".join(rendered_lines(app.screen.query_one("#rub-sigs", DataTable)))
        for place in room.views.rubric_signatures(room.views.panels()[0].panel_id):
            assert f"{place.signer_id} {place.signer_name}" in sigs, sigs
        await key(pilot, "escape")
        await open_key(pilot, app, "6", OpinionScreen)
        await login(pilot, "R02", demo.secrets.persons["R02"])
        await until(pilot, lambda: on_top(app, OpinionScreen) and app.screen.actor is not None, "opinions")
        await pilot.pause()
        table = app.screen.query_one("#op-table", DataTable)
        lines = rendered_lines(table)
        assert table.region.right <= SIZE[0]
        first = next(line for line in lines if "GC-2025-001" in line)
        assert opinion[:8] in first and "79.54" in first, first
        assert any("（未填写）" in line for line in lines), lines


async def test_pledge_and_dossier_lines_are_not_broken_at_a_space(room_at: Any, demo: Any) -> None:
    """Rich breaks a line of Chinese at its only space: the pledge read "本人⏎崔丽娟（R01）郑重承诺…" and each
    paper of a dossier "•⏎《题目》…" (the bullet alone on its line)."""
    from tests.tui.test_room_screens import open_key
    from zc_review.demo.closing import login
    from zc_review.tui.screens.dossier import DossierScreen
    from zc_review.tui.screens.pledge import PledgeScreen
    from zc_review.tui.screens.scoring import ScoringScreen

    room, _ = room_at("view_dossier")  # pledges and rubrics done, nothing scored
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "2", PledgeScreen)
        await pilot.pause()
        lines = drawn(app.screen.query_one("#pledge-text"))
        assert not [line for line in lines if line.strip() == "本人"], lines
        assert any(line.startswith("本人 ") and "（R" in line for line in lines), lines
        await key(pilot, "escape")
        await open_key(pilot, app, "5", ScoringScreen)
        await login(pilot, "R02", demo.secrets.persons["R02"])
        await until(pilot, lambda: on_top(app, ScoringScreen) and app.screen.actor is not None, "scoring")
        await key(pilot, "d")
        await until(pilot, lambda: on_top(app, DossierScreen), "dossier")
        await pilot.pause()
        lines = drawn(app.screen.query_one("#dossier-text"))
        assert any(line.startswith("• 《") for line in lines), lines
        assert not [line for line in lines if line.strip() == "•"], lines


async def test_ctrl_t_after_the_last_criterion_submits_that_row(room_at: Any, demo: Any) -> None:
    """Typing a row's nine values with Enter after each moves the cursor to the next row; Ctrl+T then asked to
    submit the next, empty row ("提交 GC-2025-002 的评分？" with every criterion missing). It submits the row
    just filled, which the confirmation names."""
    from tests.tui.test_room_screens import open_key
    from zc_review.demo.closing import burst, login
    from zc_review.tui.screens.scoring import ScoreGrid, ScoringScreen
    from zc_review.tui.widgets import Confirm

    room, _ = room_at("view_dossier")
    act = next(a for a in demo.script["actions"] if a["action"] == "scores")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "5", ScoringScreen)
        await login(pilot, act["reviewer"], demo.secrets.persons[act["reviewer"]])
        await until(pilot, lambda: on_top(app, ScoringScreen) and app.screen.actor is not None, "scoring")
        screen = app.screen
        grid = screen.query_one(ScoreGrid)
        assert grid.key_at(grid.cursor_coordinate)[0] == act["applicant"]
        for cid in screen.rubric.grid:
            await burst(pilot, [*act["values"][cid.criterion_id], "enter"])
        await pilot.pause()
        assert grid.key_at(grid.cursor_coordinate)[0] != act["applicant"]  # moved on
        code = room.views.applicant(act["applicant"]).code
        assert code in str(screen.query_one("#score-msg").render())  # says the row is complete, and how to submit
        await key(pilot, "ctrl+t")
        await until(pilot, lambda: on_top(app, Confirm), "confirm")
        assert app.screen.blocked is None and code in app.screen.question
        await key(pilot, "y")
        await until(pilot, lambda: on_top(app, ScoringScreen), "back")
        assert room.scoring.current_sheet(act["reviewer"], act["applicant"]).status == "submitted"


async def test_the_minutes_can_be_read_before_they_are_signed(room_at: Any, demo: Any, tmp_path: Any) -> None:
    """The minutes screen offered G and S only: the recorder and the presiding officer signed a PDF nobody
    could open. P writes the stored minutes to the output folder first (a notice before they exist)."""
    from tests.tui.test_room_screens import open_key
    from zc_review.tui.screens.minutes import MinutesScreen

    room, _ = room_at("sign_minutes")  # generated, not yet signed
    out = tmp_path / "usb-copy"
    app = make_app(room, out_dir=out)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "9", MinutesScreen)
        await pilot.pause()
        await key(pilot, "p")
        await pilot.pause()
        written = out / f"{room.views.session().session_id}-minutes.pdf"
        assert written.read_bytes() == room.closing.minutes_pdf()
        assert str(written) in str(app.screen.query_one("#minutes-error").render())
        assert on_top(app, MinutesScreen)


async def test_the_logins_use_the_letters_words(demo: Packed, tmp_path: Any) -> None:
    """The letters say 评审包开封凭据 and 登录凭据; the unlock screen asked for a 开启口令 and the recorder's
    login for a 记录人凭证, which a new recorder could not find on the letter. Both now name the letter's
    words, whole at 80×24."""
    from zc_review.documents import letters
    from zc_review.tui.screens.unlock import UnlockScreen

    letter_words = open(letters.__file__, encoding="utf-8").read()
    assert "评审包开封凭据" in letter_words and "登录凭据" in letter_words
    app = make_app(package_path=demo.package, home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        labels = [w for w in app.screen.query("Label") if "开封凭据" in str(w.render())]
        assert len(labels) == 2 and all(w.region.right <= SIZE[0] for w in labels)
    room = new_room(demo)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#cred-title").render())
        assert "登录凭据" in title and "凭据函" in title


async def test_enter_is_in_the_footer_of_the_pledges_and_the_reasons(room_at: Any, demo: Any) -> None:
    """The pledge and failure-reason screens act on Enter, but their footers showed only F1 and Esc (a new
    recorder using the footer alone found no way on). Enter is in their footers and does the same."""
    from textual.widgets._footer import FooterKey

    from tests.tui.test_room_screens import open_key
    from zc_review.demo.closing import login
    from zc_review.tui.screens.pledge import PledgeScreen
    from zc_review.tui.screens.results import ReasonForm, ReasonsScreen, ResultsScreen
    from zc_review.tui.widgets import CredentialPrompt

    room, _ = room_at("pledge")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "2", PledgeScreen)
        await pilot.pause()
        keys = {k.key_display: k.description for k in app.screen.query(FooterKey)}
        assert keys.get("⏎") == "本人签署", keys
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, CredentialPrompt), "the reviewer's credential")
    room, _ = room_at("failure_reason")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "8", ResultsScreen)
        await key(pilot, "e")
        await until(pilot, lambda: on_top(app, ReasonsScreen), "reasons")
        await pilot.pause()
        keys = {k.key_display: k.description for k in app.screen.query(FooterKey)}
        assert keys.get("⏎") == "填写原因", keys
        await key(pilot, "enter")
        await login(pilot, "R02", demo.secrets.persons["R02"])
        await until(pilot, lambda: on_top(app, ReasonForm), "the reason form")
