"""What the hand run of the demo left (docs/DESIGN.md "Footers at 80×24 … the hand run", "Seen and left"), each
fixed and tested here with Pilot at the size it was seen: numbers and codes broken from their measure word or
name across lines (issue 13 item 10), 回避登记 shown as 进行中 all session (item 6), a key F1 listed that does
nothing (Esc on the recorder's login), and the scoring grid's total and status off screen at 80 columns."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest

from tests.conftest import Packed, new_room
from zc_review.i18n import MESSAGES, t

#: A break that splits a number or a code from what belongs to it: the line ends with a letter or digit of a
#: code and the next starts with the rest of the code or with the Han word that follows it (its measure word
#: or the name it labels), with at most one space between them in the text.
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
_CODE_CHAR = re.compile(r"[A-Za-z0-9\-./:_%+]")


def bad_breaks(lines: list[str], text: str) -> list[str]:
    """The line breaks in ``lines`` (the wrapped ``text``) that split a code or a number: inside it (no space
    at the break, a code's character on both sides), or from the Han word after it (a digit, at most one
    plain space, a Han character: "27⏎秒", "2⏎项不一致", "R07⏎龙建国")."""
    bad = []
    pos = 0
    for before, after in zip(lines, lines[1:], strict=False):
        if not before or not after:
            continue
        pos = text.index(before, pos) + len(before)
        gap = text[pos:text.index(after, pos)]
        inside = gap == "" and _CODE_CHAR.match(before[-1]) and _CODE_CHAR.match(after[0])
        measure = gap in ("", " ", "\u00a0") and before[-1].isdigit() and re.match(_HAN, after[0])
        if inside or measure:
            bad.append(f"{before}⏎{after}")
    return bad


_NUMERIC = re.compile(r"^(n|m|k|done|total|seconds|minutes|failures|remaining|misses|round|rounds|count|left|"
                      r"reasons|failed|signed|attending|present|quorum|need|needed|votes?|yes|no|abstain|"
                      r"max|min|score|points|step|steps|page|pages|rank|applicants|reviewers|voters|size|"
                      r"limit|version|hours|days|number|no_|index|got|want|expected|found|cells|rows|cols)$")


def _param(name: str, i: int) -> str:
    """A value for the catalogue's ``{name}``: a number for a count, an applicant's code for a code, a wait
    ("27 秒") for a wait, a person's code and name for a person, else a short Chinese word."""
    if _NUMERIC.match(name) or name.endswith(("_n", "_count", "_no")):
        return str(27 + i)
    if "code" in name or name in ("applicant", "sheet", "sheet_id"):
        return "GC-2025-008"
    if name == "wait":
        return t("room.wait_seconds", seconds=27)
    if name in ("name", "reviewer", "who", "person"):
        return "R07 龙建国"
    return "材料"


def _filled(text: str) -> str | None:
    fields = [f for _, f, _, _ in string.Formatter().parse(text) if f]
    if not fields:
        return None
    try:
        return text.format(**{f: _param(f, i) for i, f in enumerate(fields)})
    except (KeyError, IndexError, ValueError, AttributeError):
        return None


def test_a_range_of_points_stays_whole_with_its_measure_word() -> None:
    """The rubric's level descriptors, wrapped under the criteria table at 80 columns, broke a range after its
    dash ("中：24–⏎27.5 分"): a range is one token with the measure word after it, at every width."""
    from zc_review.tui.widgets.dialogs import Unbroken

    text = "等级描述：优：34–40 分 / 良：28–33.5 分 / 中：24–27.5 分 / 差：0–23.5 分"
    for width in range(14, 60):
        lines = [line.plain for line in Unbroken(text).lines(width)]
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for rng in ("34–40 分", "28–33.5 分", "24–27.5 分", "0–23.5 分"):
            assert any(rng in line for line in lines), (width, rng, lines)


def test_a_message_kept_at_one_width_wraps_anew_at_another() -> None:
    """``Unbroken`` keeps the lines of the last width asked (a layout asks for the height, the drawing for the
    lines); asked at another width it wraps again, and a caller changing the list it got changes nothing."""
    from zc_review.tui.widgets.dialogs import Unbroken

    text = "评审材料第 12 项：GC-2025-008 的论文《关于职称评审的若干问题》已核实，" * 4
    msg = Unbroken(text)
    at_30 = [line.plain for line in Unbroken(text).lines(30)]
    at_50 = [line.plain for line in Unbroken(text).lines(50)]
    assert at_30 != at_50
    got = msg.lines(30)
    got.clear()
    assert [line.plain for line in msg.lines(30)] == at_30
    assert [line.plain for line in msg.lines(50)] == at_50
    assert [line.plain for line in msg.lines(30)] == at_30


def test_no_catalogue_message_breaks_a_number_or_a_code() -> None:
    """Every catalogue text with a parameter, filled with numbers, codes and waits, wrapped by ``Unbroken`` at
    every width a dialog or a status line has at 80×24 and 160×45 (24–78 cells): no line ends inside a code
    or with a number whose measure word starts the next line (the hand run saw "27⏎秒", "两次录入有 2⏎项不一致"
    and a list broken between a reviewer's code and name). Also the outstanding lists as ``codes_line``
    joins them."""
    from zc_review.tui.widgets.dialogs import Unbroken, codes_line

    texts = [x for x in (_filled(v) for v in MESSAGES.values()) if x]
    texts.append(codes_line([f"R{i:02d} 龙建国" for i in range(1, 17)]))
    texts.append(codes_line([f"GC-2025-{i:03d}" for i in range(1, 33)]))
    assert len(texts) > 300
    found = []
    for text in texts:
        for width in range(24, 79):
            for para in text.split("\n"):
                lines = [line.plain for line in Unbroken(para).lines(width)]
                found += bad_breaks(lines, para)
    assert not found, sorted(set(found))[:20]


async def test_the_credential_prompts_wait_keeps_its_seconds_at_80x24(demo: Packed) -> None:
    """The recorder's login as drawn at 80×24, showing the room's wait and lock refusals for every wait of
    1–30 s: the seconds stay on the line of their 秒 (the hand run saw "须等待 27⏎秒后…")."""
    from tests.tui.test_hand_run import drawn
    from zc_review.demo.opening import wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.widgets import CredentialPrompt

    room = new_room(demo)
    app = make_app(room)
    name = room.person_name(room.views.recorder().person_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialPrompt), "recorder login")
        prompt = app.screen
        found = []
        for seconds in range(1, 31):
            wait = t("room.wait_seconds", seconds=seconds)
            for message in (t("credential_wait", name=name, failures=4, wait=wait),
                            t("credential_wrong_wait", failures=4, wait=wait, remaining=1)):
                prompt.post_message(CredentialPrompt.Refused(message, prompt.asked))
                await pilot.pause()
                lines = [x for x in drawn(prompt.query_one("#cred-error")) if x]
                assert "".join(lines).replace(" ", "") == message.replace(" ", "")  # whole, nothing cut
                found += bad_breaks(lines, message)
        assert not found, sorted(set(found))


async def test_f1_on_the_recorders_login_lists_only_keys_that_work(demo: Packed) -> None:
    """F1 on the recorder's login (which cannot be cancelled) listed "esc 取消", and Esc does not cancel there.
    Now its keys are Esc 如何退出 (it says how to leave) and F2 (lift a lock); Esc still does not leave."""
    from zc_review.demo.opening import wait_for
    from zc_review.tui.app import make_app
    from zc_review.tui.help import key_lines
    from zc_review.tui.widgets import CredentialPrompt, HelpScreen

    room = new_room(demo)
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialPrompt), "recorder login")
        prompt = app.screen
        listed = dict((desc, keys) for keys, desc in key_lines(app, prompt))
        assert t("common.cancel") not in listed
        assert t("tui.login_required_key") in listed and t("tui.lift_title") in listed
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        help_keys = str(app.screen.query_one("#help-keys").render())
        assert t("common.cancel") not in help_keys and t("tui.login_required_key") in help_keys
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is prompt, "back at the login")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is prompt and app.is_running
        assert "Ctrl+Q" in prompt.query_one("#cred-required").text


def test_a_cancellable_prompt_lists_esc_cancel(demo: Packed) -> None:
    """The other logins can be cancelled: their key list has Esc 取消 and not 如何退出, nor F2 without a lock
    to lift."""
    import asyncio

    from textual.app import App

    from zc_review.tui.help import key_lines
    from zc_review.tui.widgets import CredentialPrompt

    room = new_room(demo)

    async def run() -> list[tuple[str, str]]:
        app: App[None] = App()
        async with app.run_test(size=(80, 24)) as pilot:
            prompt = CredentialPrompt(room, "登录", [("R01", "R01")])
            await app.push_screen(prompt)
            await pilot.pause()
            return key_lines(app, prompt)

    descriptions = [desc for _, desc in asyncio.run(run())]
    assert t("common.cancel") in descriptions
    assert t("tui.login_required_key") not in descriptions and t("tui.lift_title") not in descriptions


@pytest.mark.parametrize("action", ["sign_rubric", "open_poll"])
def test_recusals_are_done_once_the_rubric_is_in_force(room_at: Any, action: str) -> None:
    """回避登记 was 进行中 from the roll call to the poll (recusals can be added until the poll opens). It is done
    once a panel's rubric is in force or scoring has started — the room has moved on — and says it can still
    take a late recusal until the poll opens; the count is always shown."""
    from zc_review.service.room.progress import session_progress

    room, _ = room_at(action)
    before = {s.step: s for s in session_progress(room.views).steps}["recusal"]
    n = len(room.views.recusals())
    if action == "sign_rubric":  # the first rubric signature: nothing in force yet
        assert before.state == "doing" and before.detail == t("tui.dash_recusals", n=n)
        return
    assert before.state == "done"
    assert before.detail == t("tui.dash_recusals_open", n=n)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
async def test_the_keying_screens_mismatch_count_stays_with_its_measure_word(room_at: Any, demo: Any,
                                                                             size: tuple[int, int]) -> None:
    """The paper keying screen with two cells keyed differently: its status line said "两次录入有 2⏎项不一致"
    at 80×24. Drawn now, no line of the status or the sheet line breaks a number or a code."""
    from tests.tui.test_hand_run import drawn
    from tests.tui.test_paper_keying import _to_second_grid
    from tests.tui.test_room_screens import start
    from zc_review.demo.closing import burst, key, login, on_top, until
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.paper_keying import PaperKeyingScreen
    from zc_review.tui.widgets import Pick

    room, _ = room_at("view_dossier")
    sheet, values = _to_second_grid(room, demo)
    sup = room.authenticate("S01", demo.secrets.persons["S01"])
    crit = sheet.rubric.criteria
    room.paper.key(sup, sheet.sheet_id, sheet.check_code, {**values, crit[1].id: "0", crit[7].id: "1"})
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        await key(pilot, "k")
        await login(pilot, "S01", demo.secrets.persons["S01"])
        await until(pilot, lambda: on_top(app, Pick), "sheet picker")
        await burst(pilot, list(sheet.sheet_id))
        await until(pilot, lambda: app.screen.shown[:1] == [sheet.sheet_id], "found")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, PaperKeyingScreen) and app.screen.mode == "settle", "mismatches")
        await pilot.pause()
        status = app.screen.query_one("#pk-status")
        assert re.sub(r"\s", "", str(status.render())) == re.sub(r"\s", "", t("sheets.tui_mismatches", n=2))
        found = []
        for widget, text in ((status, t("sheets.tui_mismatches", n=2)), (app.screen.query_one("#pk-sheet"), None)):
            text = text or str(widget.render()).replace("\n", "")
            lines = [x for x in drawn(widget) if x]
            assert lines and widget.region.right <= size[0]
            found += bad_breaks(lines, text)
        assert not found, found


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
async def test_the_scoring_grid_keeps_totals_and_status_in_view(room_at: Any, demo: Any,
                                                                 size: tuple[int, int]) -> None:
    """At 80 columns the grid scrolled sideways to its 材料 total and 状态: a reviewer typing a row saw
    neither. The code stays at the left and the totals and status at the right edge, whichever criterion the
    cursor is on; the grid still scrolls between them, and a click on the status column lands there."""
    from textual.geometry import Offset

    from tests.tui.test_hand_run import drawn
    from tests.tui.test_room_screens import open_key, start
    from zc_review.demo.closing import burst, login, on_top, until
    from zc_review.tui.app import make_app
    from zc_review.tui.screens.scoring import ScoreGrid, ScoringScreen

    room, _ = room_at("view_dossier")
    act = next(a for a in demo.script["actions"] if a["action"] == "scores")
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        await open_key(pilot, app, "5", ScoringScreen)
        await login(pilot, act["reviewer"], demo.secrets.persons[act["reviewer"]])
        await until(pilot, lambda: on_top(app, ScoringScreen) and app.screen.actor is not None, "scoring")
        screen = app.screen
        grid = screen.query_one(ScoreGrid)
        status_head, material_head = t("common.col_status"), t("common.col_material")
        code = room.views.applicant(act["applicant"]).code
        last = screen.rubric.grid[-1].criterion_id
        for cid in screen.rubric.grid:
            await burst(pilot, [*act["values"][cid.criterion_id], "enter" if cid.criterion_id != last else "right"])
        await pilot.pause()
        for where in ("after typing", "on the first criterion"):
            lines = drawn(grid)
            assert status_head in lines[0] and material_head in lines[0], (where, lines[0])
            assert lines[0].rstrip().endswith(status_head), (where, lines[0])
            row = next(x for x in lines if x.startswith(code))
            total = str(grid.get_cell(act["applicant"], "material"))
            assert total.strip() and total in row and str(grid.get_cell(act["applicant"], "status")) in row, row
            grid.move_cursor(column=1)
            await pilot.pause()
        if size[0] == 80:  # the criteria between still scroll: the last one is reachable, and drawn
            grid.move_cursor(column=grid.get_column_index(last))
            await pilot.pause()
            assert grid.scroll_offset.x > 0 and last in drawn(grid)[0]
        status_x = grid.region.x + min(grid.size.width, grid.virtual_size.width) - 3
        row_y = grid.region.y + 1 + grid.get_row_index(act["applicant"]) - grid.scroll_offset.y
        await pilot.click(offset=Offset(status_x, row_y))
        assert grid.columns[grid.cursor_column].key == "status"
