"""The double-keying screen (issue 14) at 80×24 and 160×45, by keyboard only: the recorder keys a 9-criterion
paper sheet of the engineering demo, the supervisor keys it again on an empty grid (never shown the first
keying) with one cell different, the differing cell is shown side by side and settled with both keyers'
credentials, the reviewer confirms. Every key pressed is counted (the secrets' characters apart) and the run is
timed (printed, never asserted). Snapshots: the second keyer's empty grid and the mismatch grid."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.tui.test_room_screens import screen_text, start
from zc_review.demo.closing import burst, key, login, on_top, until
from zc_review.domain.model import StaffRole
from zc_review.tui.app import make_app
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.paper_keying import PaperKeyingScreen
from zc_review.tui.screens.scoring import ScoreGrid
from zc_review.tui.widgets import CredentialPrompt, Notice, Pick, TextPrompt

SIZES = [(80, 24), (160, 45)]


def _sheet(room: Any) -> tuple[Any, dict[str, str]]:
    """The first printed 9-criterion sheet and values for it (each criterion's maximum less a step or two)."""
    s = next(x for x in room.paper.printable() if len(x.rubric.criteria) == 9)
    values = {c.id: f"{c.max_points - c.step * (1 + i % 2):f}" for i, c in enumerate(s.rubric.criteria)}
    return s, values


class Counter:
    """Presses keys through the Pilot and counts them: ``keys`` (everything but secrets) and ``secret``."""

    def __init__(self, pilot: Any) -> None:
        self.pilot, self.keys, self.secret = pilot, 0, 0

    async def press(self, *names: str) -> None:
        self.keys += len(names)
        await burst(self.pilot, list(names))

    async def type_secret(self, text: str) -> None:
        self.secret += len(text)
        await burst(self.pilot, list(text))


async def _login(c: Counter, app: Any, person: str, secrets: Any) -> None:
    """Choose ``person`` in a Pick of people (typing their id) if one is shown, then type their secret, Enter."""
    await until(c.pilot, lambda: on_top(app, Pick) or on_top(app, CredentialPrompt), "who")
    if on_top(app, Pick):
        await c.press(*person)
        await until(c.pilot, lambda: app.screen.shown[:1] == [person], "found")
        await c.press("enter")
    await until(c.pilot, lambda: on_top(app, CredentialPrompt), "credential")
    await c.type_secret(secrets.persons[person])
    await c.press("enter")
    await until(c.pilot, lambda: not on_top(app, CredentialPrompt), "credential checked")


async def _key(c: Counter, app: Any, sheet: Any, values: dict[str, str]) -> Any:
    """Pick ``sheet`` (type-to-find on its id), type its check code, every cell, Ctrl+S."""
    await until(c.pilot, lambda: on_top(app, Pick), "sheet picker")
    await c.press(*sheet.sheet_id)
    await until(c.pilot, lambda: app.screen.shown[:1] == [sheet.sheet_id], "sheet found")
    await c.press("enter")
    await until(c.pilot, lambda: on_top(app, TextPrompt), "check code")
    await c.press(*sheet.check_code, "enter")
    await until(c.pilot, lambda: on_top(app, PaperKeyingScreen) and app.screen.mode == "key", "grid")
    screen = app.screen
    grid = screen.query_one("#pk-grid", ScoreGrid)
    assert [str(grid.get_cell(r, "value")) for r in grid.rows] == [""] * 9  # the grid starts empty
    for c_id in [str(r) for r in grid.rows]:
        await c.press(*values[c_id], "enter")
    await c.press("ctrl+s")
    await c.pilot.pause()
    assert not isinstance(app.screen, Notice), app.screen.message if isinstance(app.screen, Notice) else ""
    return screen


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
async def test_key_settle_and_confirm_one_nine_criterion_sheet_by_keyboard(room_at: Any, demo: Any,
                                                                          size: tuple[int, int]) -> None:
    room, _ = room_at("view_dossier")
    sheet, values = _sheet(room)
    cell = sheet.rubric.criteria[4].id
    wrong = {**values, cell: f"{sheet.rubric.criteria[4].step:f}"}
    recorder = room.defn.staff_with_role(StaffRole.RECORDER).id
    supervisor = room.defn.staff_with_role(StaffRole.SUPERVISOR).id
    app = make_app(room)
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, demo.secrets)
        c = Counter(pilot)
        began = time.monotonic()
        await c.press("k")
        await _login(c, app, recorder, demo.secrets)
        screen = await _key(c, app, sheet, values)
        assert room.paper.view(sheet.sheet_id).status == "first"
        first_keys = c.keys
        await c.press("f2")
        await _login(c, app, supervisor, demo.secrets)
        await until(pilot, lambda: screen.keyer is not None and screen.keyer.person_id == supervisor, "second keyer")
        await _key(c, app, sheet, wrong)
        await until(pilot, lambda: screen.mode == "settle", "mismatch grid")
        text = screen_text(app)
        # side by side: what each keyer typed, the cell to settle
        assert values[cell] in text and wrong[cell] in text and cell in text and "核定值" in text
        await c.press(*values[cell], "enter", "ctrl+s")
        await _login(c, app, recorder, demo.secrets)  # the first keyer, present for the settlement
        await until(pilot, lambda: screen.mode == "confirm", "settled")
        await c.press("c")
        await _login(c, app, sheet.reviewer_id, demo.secrets)
        await until(pilot, lambda: room.paper.view(sheet.sheet_id).status == "confirmed", "confirmed")
        seconds = time.monotonic() - began
        assert "已确认" in screen_text(app)
        await key(pilot, "escape")
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
    sh = room.scoring.current_sheet(sheet.reviewer_id, sheet.applicant_id)
    assert sh.status == "submitted"
    assert {k: v for k, v in room.scoring.sheet_values(sh).items()} == {k: __import__("decimal").Decimal(v)
                                                                         for k, v in values.items()}
    entry = room.record()["paper_sheets"][0]
    assert [k["keyer"] for k in entry["keyings"]] == [recorder, supervisor]
    assert [m["criterion"] for m in entry["mismatches"]] == [cell]
    value_chars = sum(len(v) for v in values.values())
    # one keying: k (first only), the staff pick (id + Enter), Enter after the secret, the sheet id + Enter,
    # the code + Enter, each value + Enter, Ctrl+S
    assert first_keys == 1 + len(recorder) + 1 + 1 + len(sheet.sheet_id) + 1 + 8 + 1 + value_chars + 9 + 1
    print(f"[{size[0]}x{size[1]}] one 9-criterion sheet keyed twice, one mismatch settled, confirmed: "
          f"{c.keys} keys besides {c.secret} secret characters ({c.keys + c.secret} in all), {seconds:.2f} s; "
          f"first keying {first_keys} keys")


def _to_second_grid(room: Any, demo: Any) -> Any:
    sheet, values = _sheet(room)
    rec = room.authenticate("S02", demo.secrets.persons["S02"])
    room.paper.key(rec, sheet.sheet_id, sheet.check_code, values)
    return sheet, values


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_snapshot_second_keyer_empty_grid(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("view_dossier")
    sheet, _ = _to_second_grid(room, demo)

    async def run(pilot: Any) -> None:
        app = pilot.app
        await start(pilot, app, demo.secrets)
        await key(pilot, "k")
        await login(pilot, "S01", demo.secrets.persons["S01"])
        await until(pilot, lambda: on_top(app, Pick), "sheet picker")
        await burst(pilot, list(sheet.sheet_id))
        await until(pilot, lambda: app.screen.shown[:1] == [sheet.sheet_id], "found")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, TextPrompt), "code")
        await burst(pilot, [*sheet.check_code, "enter"])
        await until(pilot, lambda: on_top(app, PaperKeyingScreen) and app.screen.mode == "key", "grid")
        await burst(pilot, ["1", "2", "enter", "9"])  # M1 over its maximum: red, the reason below
        await pilot.pause()

    assert snap_compare(make_app(room), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_snapshot_mismatch_grid(snap_compare: Any, room_at: Any, demo: Any, size: tuple[int, int]) -> None:
    room, _ = room_at("view_dossier")
    sheet, values = _to_second_grid(room, demo)
    sup = room.authenticate("S01", demo.secrets.persons["S01"])
    crit = sheet.rubric.criteria
    room.paper.key(sup, sheet.sheet_id, sheet.check_code, {**values, crit[1].id: "0", crit[7].id: "1"})

    async def run(pilot: Any) -> None:
        app = pilot.app
        await start(pilot, app, demo.secrets)
        await key(pilot, "k")
        await login(pilot, "S01", demo.secrets.persons["S01"])
        await until(pilot, lambda: on_top(app, Pick), "sheet picker")
        await burst(pilot, list(sheet.sheet_id))
        await until(pilot, lambda: app.screen.shown[:1] == [sheet.sheet_id], "found")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, PaperKeyingScreen) and app.screen.mode == "settle", "mismatches")
        await pilot.pause()

    assert snap_compare(make_app(room), terminal_size=size, run_before=run)


async def test_autopilot_plays_keyed_sheets_through_the_screen(room_at: Any, demo_education: Any) -> None:
    """The demo's autopilot plays the education script's first reviewer's ``key_sheet`` and ``confirm_sheet``
    actions by keys on the keying screen, the deliberate mismatch included: the record is the service's."""
    from zc_review.demo.autopilot import play_actions

    packed = demo_education
    actions = packed.script["actions"]
    first = next(i for i, a in enumerate(actions) if a["action"] == "key_sheet")
    reviewer = actions[first]["reviewer"]
    last = max(i for i, a in enumerate(actions) if a["action"] == "confirm_sheet" and a["reviewer"] == reviewer)
    mine = actions[first:last + 1]
    assert any("settle" in a for a in mine)
    room, _ = room_at("key_sheet", packed=packed)
    app = make_app(room)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, packed.secrets)
        await play_actions(pilot, app, mine, packed.secrets)
    keyed = room.record()["paper_sheets"]
    assert len(keyed) == sum(1 for a in mine if a["action"] == "key_sheet")
    assert all(e["confirmation"]["person_id"] == reviewer for e in keyed)
    settled = [m for e in keyed for m in e["mismatches"]]
    want = [(c, v) for a in mine for c, v in a.get("settle", {}).items()]
    assert [(m["criterion"], m["settled"]) for m in settled] == want
    for a in (x for x in mine if x["action"] == "key_sheet"):
        sheet = room.scoring.current_sheet(reviewer, a["applicant"])
        assert sheet.status == "submitted" and __import__("json").loads(sheet.values_json) == a["values"]


async def test_print_blank_sheets_from_the_keying_screen(room_at: Any, demo: Any, tmp_path: Any) -> None:
    """``p`` on the keying screen writes the blank sheets of every panel (the recorder logged in at unlock)."""
    room, _ = room_at("view_dossier")
    app = make_app(room, out_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app, demo.secrets)
        await key(pilot, "k")
        await until(pilot, lambda: on_top(app, Pick), "who keys")
        await key(pilot, "escape")  # nobody keys yet: printing needs no keyer
        await until(pilot, lambda: on_top(app, PaperKeyingScreen), "keying screen")
        await key(pilot, "p")
        pdf = tmp_path / f"{room.defn.session_id}-paper-sheets.pdf"
        await until(pilot, lambda: pdf.exists(), "printed")
        assert "空白评分表已生成" in screen_text(app)
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf.read_bytes())).pages) == len(room.paper.printable())
    assert any(e["action"] == "paper_sheets_printed" for e in room.record(with_log=True)["log"])
