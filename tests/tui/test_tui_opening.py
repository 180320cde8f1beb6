"""Pilot tests of the opening and scoring screens: keys pressed, service state asserted."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.conftest import Packed, new_room
from zc_review.domain.model import StaffRole

SIZE = (120, 40)


async def _login(pilot: Any, app: Any, packed: Packed) -> None:
    """Answer the recorder's login with the keyboard and wait for the dashboard."""
    from zc_review.demo.opening import credential, wait_for
    from zc_review.tui.screens.dashboard import DashboardScreen

    await pilot.pause()
    await credential(pilot, app.room.defn.staff_with_role(StaffRole.RECORDER).id, packed.secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "dashboard")


def _plain(widget: Any) -> str:
    return str(widget.render())


async def _type_secret(pilot: Any, secret: str) -> None:
    from zc_review.demo.opening import keys

    await keys(pilot, *secret)
    await pilot.press("enter")


# -- roll call ---------------------------------------------------------------------------------------
async def test_roll_call_marks_quorum_and_refusal(demo: Packed) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.rollcall import RollCallScreen
    from zc_review.tui.widgets import Confirm, Notice

    room = new_room(demo)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        await pilot.press("1")
        assert isinstance(app.screen, RollCallScreen)
        await pilot.press(*["a"] * 10)  # R01..R10 attending
        assert room.attending_ids() == [f"R{i:02d}" for i in range(1, 11)]
        quorum = _plain(app.screen.query_one("#roll-quorum"))
        assert "出席 10 / 应到 17，法定人数 12" in quorum and "未达到法定人数" in quorum
        await pilot.press(*["x"] * 7)  # R11..R17 absent
        await pilot.press("c")
        assert isinstance(app.screen, Notice)
        assert "未达到法定人数：出席 10 人，需不少于 12 人" in app.screen.message
        await pilot.press("enter")
        assert isinstance(app.screen, RollCallScreen)
        assert not room.opening.roll_call_closed()
        await pilot.press("space", "up", "space")  # R17 (the cursor stays on the last row), then R16: attending
        assert room.opening.quorum().attending == 12
        assert "已达到法定人数" in _plain(app.screen.query_one("#roll-quorum"))
        await pilot.press("c")  # asks first (irreversible)
        assert isinstance(app.screen, Confirm) and not room.opening.roll_call_closed()
        await pilot.press("y")
        assert room.opening.roll_call_closed()
        assert isinstance(app.screen, RollCallScreen)


# -- pledge --------------------------------------------------------------------------------------------
async def test_pledge_wrong_then_right_secret(room_at: Any, demo: Packed) -> None:
    from textual.widgets import Label

    from zc_review.tui.app import make_app
    from zc_review.tui.screens.pledge import PledgeScreen
    from zc_review.tui.widgets import Confirm, CredentialPrompt

    room, _ = room_at("pledge")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        await pilot.press("2")
        assert isinstance(app.screen, PledgeScreen)
        await pilot.press("home", "down", "enter")  # R02 (the cursor starts on the first still to sign)
        assert isinstance(app.screen, CredentialPrompt)
        await _type_secret(pilot, "WRONG-WRONG-WRONG")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "凭证不正确" in _plain(app.screen.query_one("#cred-error", Label))
        assert "R02" not in room.opening.pledged_ids()
        await _type_secret(pilot, demo.secrets.persons["R02"])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and room.opening.pledged_ids() == set()  # asks first
        await pilot.press("y")
        assert isinstance(app.screen, PledgeScreen)
        assert room.opening.pledged_ids() == {"R02"}
        assert "已签署" in _plain(app.screen.query_one("#pledge-count"))


# -- recusal ---------------------------------------------------------------------------------------------
async def test_recusal_added_by_code(room_at: Any, demo: Packed) -> None:
    from zc_review.demo.opening import keys
    from zc_review.tui.app import make_app

    room, _ = room_at("recuse")
    before = len(room.recusals())
    code = room.defn.applicant("A010").code
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        await pilot.press("3")
        await pilot.press("R", "0", "5", "enter")
        await keys(pilot, *code)
        await pilot.press("enter")
        await keys(pilot, *"同一工作单位")
        await pilot.press("enter")
        assert not room.is_recused("R05", "A010")  # asks first: a recusal cannot be undone
        await pilot.press("y")
        assert room.is_recused("R05", "A010")
        assert len(room.recusals()) == before + 1
        assert room.recusals()[-1].source == "room"
        table = app.screen.query_one("#rec-table")
        assert table.row_count == before + 1


# -- rubric ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_every_level_descriptor_can_be_read_before_signing(room_at: Any, demo: Packed,
                                                                 size: tuple[int, int]) -> None:
    """A signer must be able to read the whole rubric. At 80 columns the criteria table cut the level
    descriptors (等级描述) after "优" and could not be focused or scrolled. Tab reaches the table; ↑↓ go through the
    criteria and the one under the cursor is shown whole under it, wrapped inside the screen."""
    from zc_review.demo.opening import keys
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.rubric import RubricSignScreen
    from zc_review.tui.widgets.dialogs import Message

    room, _ = room_at("sign_rubric")
    rubric = room.views.rubric(room.views.panels()[0].panel_id)
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await _login(pilot, app, demo)
        await pilot.press("4")
        assert isinstance(app.screen, RubricSignScreen)
        await keys(pilot, "tab")
        table = app.screen.query_one("#rub-criteria")
        assert table.has_focus
        detail = app.screen.query_one("#rub-levels", Message)
        for i, c in enumerate(rubric.criteria):
            if i:
                await keys(pilot, "down")
            await pilot.pause()
            shown = detail.text
            assert shown.startswith(f"{c.criterion_id} {c.name}") and all(level in shown for level in c.levels)
            lines = [line.plain for line in detail.render().split("\n")]
            assert len(lines) <= detail.region.height and detail.region.right <= size[0]
            assert "".join(lines).replace(" ", "") == shown.replace("\n", "").replace(" ", "")  # nothing cut


async def test_rubric_signed_in_role(room_at: Any, demo: Packed) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.rubric import RubricSignScreen
    from zc_review.tui.widgets import Confirm, CredentialPrompt, Notice

    room, _ = room_at("sign_rubric")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        await pilot.press("4")
        assert isinstance(app.screen, RubricSignScreen)
        assert "M1" in str(app.screen.query_one("#rub-criteria").get_row_at(0)[0])
        assert "Enter 由本人输入凭证签署" in _plain(app.screen.query_one("#rub-keys"))  # the keys are named
        await pilot.press("enter", "enter")  # panel P-JZ, role panel leader
        assert isinstance(app.screen, CredentialPrompt)
        await _type_secret(pilot, demo.secrets.persons["R02"])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and not room.signatures("rubric", "P-JZ")  # asks first
        await pilot.press("y")
        assert [(s.role, s.person_id) for s in room.signatures("rubric", "P-JZ")] == [("panel_leader", "R02")]
        assert "已签署 1 / 5" in _plain(app.screen.query_one("#rub-state"))
        await pilot.press("up", "enter")  # the panel leader's place again (the cursor moved on): refused
        await _type_secret(pilot, demo.secrets.persons["R02"])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Notice)
        assert "不能以“评议组组长”身份签署" in app.screen.message


# -- scoring -------------------------------------------------------------------------------------------------
async def _open_scoring(pilot: Any, app: Any, demo: Packed, reviewer: str) -> Any:
    from zc_review.demo.opening import _open_scoring

    await _login(pilot, app, demo)
    return await _open_scoring(pilot, app, reviewer, demo.secrets)


async def test_scoring_grid_keyboard(room_at: Any, demo: Packed) -> None:
    from textual.widgets import Static

    from zc_review.tui.app import make_app
    from zc_review.tui.screens.scoring import ScoreGrid
    from zc_review.tui.widgets import Confirm

    room, _ = room_at("view_dossier")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_scoring(pilot, app, demo, "R02")
        grid = screen.query_one(ScoreGrid)
        assert grid.cursor_coordinate == (0, 1)  # first applicant, first criterion
        codes = [str(grid.get_row_at(i)[0]) for i in range(grid.row_count)]
        assert codes[0] == room.defn.applicant("A001").code
        assert all(room.defn.applicant("A001").name not in str(c) for c in grid.get_row_at(0))
        await pilot.press("8", "enter", "3", "0", "tab")
        assert str(grid.get_cell("A001", "material")) == "38"
        await pilot.press("9", "9")
        assert "超出范围" in _plain(screen.query_one("#score-msg", Static))  # live, before Enter
        await pilot.press("enter")
        assert "M3" in screen.bad["A001"] and "M3" not in screen.values["A001"]
        await pilot.press("ctrl+s")
        assert room.scoring.sheet_values(room.scoring.current_sheet("R02", "A001")) == {"M1": 8, "M2": 30}
        await pilot.press("shift+tab", "backspace", "1", "2", "enter")  # M3 corrected to 12
        assert not screen.bad["A001"]
        for value in ("12", "8", "8", "26", "36", "16"):  # M4..M6, D1..D3
            await pilot.press(*value, "tab")
        assert str(grid.get_cell("A001", "material")) == "78"
        assert str(grid.get_cell("A001", "defence")) == "78"
        await pilot.press("up", "ctrl+t")  # the cursor wrapped to the next row; back to A001
        assert isinstance(app.screen, Confirm) and "提交后锁定" in app.screen.question
        assert room.scoring.current_sheet("R02", "A001").status == "draft"
        await pilot.press("y")
        sheet = room.scoring.current_sheet("R02", "A001")
        assert sheet.status == "submitted"
        assert "A001" in grid.locked_rows
        await pilot.press("5")  # typing into a locked row is refused with the Chinese message
        assert "已提交锁定" in _plain(screen.query_one("#score-msg", Static))
        assert room.scoring.current_sheet("R02", "A001").values_json == sheet.values_json


async def test_recused_reviewer_does_not_see_applicant(room_at: Any, demo: Packed) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.scoring import ScoreGrid

    room, _ = room_at("view_dossier")
    assert room.is_recused("R07", "A005") and room.is_recused("R06", "A003")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_scoring(pilot, app, demo, "R07")
        rows = screen.query_one(ScoreGrid).rows
        assert "A005" not in rows and "A004" in rows and "A006" in rows


async def test_dossier_text_is_inert(room_at: Any, demo: Packed, monkeypatch: Any) -> None:
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.dossier import DossierScreen

    room, _ = room_at("view_dossier")
    hostile = "总结[red]x[/] [@click=app.quit]点我[/] \x1b[31m红色\x1b[0m 结束"
    original = room.scoring.dossier

    def crafted(actor: Any, applicant_id: str) -> Any:
        view = original(actor, applicant_id)
        return dataclasses.replace(view, dossier=dataclasses.replace(view.dossier, work_summary=hostile,
                                                                     papers=("[b]论文[/b]",)))

    monkeypatch.setattr(room.scoring, "dossier", crafted)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_scoring(pilot, app, demo, "R02")
        await pilot.press("d")
        assert isinstance(app.screen, DossierScreen)
        body = "\n".join(_plain(w) for w in app.screen.query(".section"))
        assert "总结[red]x[/] [@click=app.quit]点我[/] \\x1b[31m红色\\x1b[0m 结束" in body
        assert "[b]论文[/b]" in body
        assert "\x1b" not in body
        assert app.screen.query_one("#dossier-title").render() is not None
        assert room.defn.applicant("A001").name not in body
        await pilot.press("ctrl+f", "红", "色")
        assert "找到 1 处" in _plain(app.screen.query_one("#dossier-hits"))
        await pilot.press("escape")
        assert app.screen is screen
        assert app.is_running


# -- opinions -------------------------------------------------------------------------------------------------
async def test_opinion_written(room_at: Any, demo: Packed) -> None:
    from zc_review.demo.opening import _open_opinions, keys
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.opinion import OpinionScreen

    room, _ = room_at("opinion")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        screen = await _open_opinions(pilot, app, "R02", demo.secrets)
        assert isinstance(screen, OpinionScreen)
        await pilot.press("down", "enter")  # A002
        await keys(pilot, *"材料完整，符合条件。")
        await pilot.press("ctrl+s")
        assert room.scoring.opinions() == {"A002": "材料完整，符合条件。"}


async def test_the_next_panel_leader_takes_the_opinion_screen_with_f2(room_at: Any, demo: Packed) -> None:
    """F2 hands the opinion screen to the next panel leader (it was left and built again for each leader): the
    last leader is forgotten, an unsaved opinion is not dropped without a question, the next leader types their
    own credential and sees their own panel's applicants on the same screen."""
    from zc_review.demo.opening import _open_opinions, confirm, credential, keys, wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.opinion import OpinionScreen
    from zc_review.tui.widgets import Confirm

    room, _ = room_at("opinion")
    leaders = {p.leader_id: p.panel_id for p in room.views.panels()}
    assert {"R02", "R09"} <= set(leaders)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _login(pilot, app, demo)
        screen = await _open_opinions(pilot, app, "R02", demo.secrets)
        table = screen.query_one("#op-table")
        r02_rows = set(table.rows)
        await pilot.press("down", "enter")  # A002, being written
        await keys(pilot, *"尚未写完")
        await keys(pilot, "f2")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm), "unsaved question")
        await keys(pilot, "n")  # no: R02 goes on writing
        await wait_for(pilot, lambda: app.screen is screen, "back to R02")
        assert screen.actor is not None and screen.actor.person_id == "R02" and screen.editing == "A002"
        await keys(pilot, "f2")
        await confirm(pilot)  # yes: the unsaved text is dropped, R02 forgotten
        assert screen.actor is None
        await credential(pilot, "R09", demo.secrets)
        await wait_for(pilot, lambda: screen.actor is not None, "R09 identified")
        assert app.screen is screen and isinstance(screen, OpinionScreen)
        assert screen.actor.person_id == "R09" and screen.editing is None
        r09_rows = set(table.rows)
        assert r09_rows and not (r09_rows & r02_rows)
        assert r09_rows == {a.id for a in room.defn.applicants_of_panel(leaders["R09"])}
        assert len(table.columns) == 6  # one set of columns, not two
        await keys(pilot, "enter")
        await keys(pilot, *"材料完整。")
        await keys(pilot, "ctrl+s")
        saved = room.scoring.opinions()
        assert "A002" not in saved and list(saved.values()) == ["材料完整。"]


@pytest.mark.slow
# -- unlock: a package of the old format -------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_unlock_screen_says_an_old_package_must_be_packed_again(demo: Packed, tmp_path: Any,
                                                                      size: tuple[int, int]) -> None:
    """A version-1 package (work factor chosen by the library) gets its own Chinese message, not a wrong secret."""
    import io
    import zipfile

    from zc_review.demo.opening import wait_for
    from zc_review.i18n import t
    from zc_review.seal._container import write_zip
    from zc_review.service.office import trust_add
    from zc_review.tui.app import make_app

    with zipfile.ZipFile(io.BytesIO(demo.package.read_bytes())) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    old = tmp_path / "old.zcp"
    old.write_bytes(write_zip([("FORMAT", b"zc-review session package\nversion: 1\n"), *members[1:]]))
    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    app = make_app(package_path=old, home=home, out_dir=tmp_path / "usb")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.click("#unlock-chair")
        await _type_secret(pilot, demo.secrets.chair_opening)
        await _type_secret(pilot, demo.secrets.supervisor_opening)
        error = app.screen.query_one("#unlock-error")
        await wait_for(pilot, lambda: bool(_plain(error)), "unlock error")
        shown = _plain(error)
        assert shown == t("package_format_old", version=1, supported=2) and shown != t("unlock_failed")
        assert app.room is None and app.screen.query_one("#unlock-chair").value == ""
