"""Autopilot for the paper score sheets' double keying (issue 14): ``key_sheet`` and ``confirm_sheet`` played
by pressing keys on the keying screen (tui/screens/paper_keying.py), as two staff members and a reviewer do.

``key_sheet``: the first keyer signs in (F2), picks the sheet (type-to-find on its id), types the check code
and every cell, saves; the second keyer signs in, does the same on an empty grid (with the values the script
says they typed differently); on the mismatch grid both settle each differing cell (the value read on the
paper, Ctrl+S, the other keyer's credential). ``confirm_sheet``: the sheet picked again, C, the confirmer's
credential. The screen stays open between these actions. Returns False for any other kind.
"""

from __future__ import annotations

from typing import Any

from zc_review.demo.opening import _check, back_to_dashboard, credential, keys, wait_for
from zc_review.service.errors import ServiceError
from zc_review.service.script import Secrets
from zc_review.tui.screens.paper_keying import PaperKeyingScreen
from zc_review.tui.screens.scoring import ScoreGrid
from zc_review.tui.widgets import Pick, TextPrompt

KINDS = frozenset({"key_sheet", "confirm_sheet"})


def _sheet_id(app: Any, action: dict[str, Any]) -> str:
    return f"{app.room.defn.applicant(action['applicant']).code}-{action['reviewer']}"


async def _screen(pilot: Any, app: Any) -> Any:
    """The keying screen on top (opened from the dashboard with ``k`` when it is not)."""
    if isinstance(app.screen, PaperKeyingScreen):
        return app.screen
    await back_to_dashboard(pilot, app)
    await keys(pilot, "k")
    await wait_for(pilot, lambda: isinstance(app.screen, (PaperKeyingScreen, Pick)) or
                   type(app.screen).__name__ == "CredentialPrompt", "PaperKeyingScreen")
    return next(s for s in reversed(app.screen_stack) if isinstance(s, PaperKeyingScreen))


async def _as_keyer(pilot: Any, app: Any, screen: Any, keyer: str, secrets: Secrets) -> None:
    """``keyer`` signed in on the keying screen (F2 when another keyer is)."""
    if app.screen is screen and screen.keyer is not None and screen.keyer.person_id == keyer:
        return
    if app.screen is screen:
        await keys(pilot, "f2")
    await credential(pilot, keyer, secrets)
    await wait_for(pilot, lambda: screen.keyer is not None and screen.keyer.person_id == keyer, "keyer")


async def _pick(pilot: Any, app: Any, screen: Any, sheet_id: str) -> None:
    """The sheet chosen in the picker (opened with ``n`` unless it is already up)."""
    if app.screen is screen:
        await keys(pilot, "n")
    await wait_for(pilot, lambda: isinstance(app.screen, Pick), "Pick")
    dialog = app.screen
    if sheet_id not in [oid for oid, _ in dialog.options]:
        dialog.dismiss(None)
        raise ServiceError("paper_keyed_twice", sheet=sheet_id)
    await keys(pilot, *sheet_id)
    await wait_for(pilot, lambda: dialog.shown[:1] == [sheet_id], "Pick")
    await keys(pilot, "enter")
    await wait_for(pilot, lambda: app.screen is not dialog, "Pick")


async def _key_once(pilot: Any, app: Any, screen: Any, sheet_id: str, code: str, values: dict[str, str]) -> None:
    await _pick(pilot, app, screen, sheet_id)
    await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), "TextPrompt")
    await keys(pilot, *code, "enter")
    await wait_for(pilot, lambda: app.screen is screen and screen.mode == "key", "key grid")
    grid = screen.query_one(ScoreGrid)
    burst: list[str] = []
    for row in list(grid.rows):
        burst += [*values[str(row)], "enter"]
    await keys(pilot, *burst)
    await keys(pilot, "ctrl+s")
    await _check(pilot)


async def _key_sheet(pilot: Any, app: Any, action: dict[str, Any], secrets: Secrets) -> None:
    screen = await _screen(pilot, app)
    sid = _sheet_id(app, action)
    code = action.get("check_code") or app.room.paper.find(sid).check_code
    status = app.room.paper.view(sid).status
    if status == "blank":
        await _as_keyer(pilot, app, screen, action["keyer"], secrets)
        await _key_once(pilot, app, screen, sid, code, dict(action["values"]))
        status = app.room.paper.view(sid).status
    if status == "first":
        await _as_keyer(pilot, app, screen, action["second_keyer"], secrets)
        await _key_once(pilot, app, screen, sid, code, {**action["values"], **action.get("second_values", {})})
        status = app.room.paper.view(sid).status
    if status == "mismatched":
        if screen.mode != "settle" or screen.sheet_id != sid:
            await _as_keyer(pilot, app, screen, action["second_keyer"], secrets)
            await _pick(pilot, app, screen, sid)
        await wait_for(pilot, lambda: screen.mode == "settle", "mismatch grid")
        grid = screen.query_one(ScoreGrid)
        burst: list[str] = []
        for row in list(grid.rows):
            cid = str(row)
            if cid in grid.locked_rows:
                continue
            await keys(pilot, *(["down"] * (grid.get_row_index(cid) - grid.cursor_row)))
            await keys(pilot, *action.get("settle", {}).get(cid, ""), "enter")
        await keys(pilot, *burst, "ctrl+s")
        other = action["keyer"] if screen.keyer.person_id == action["second_keyer"] else action["second_keyer"]
        await credential(pilot, other, secrets)
        await wait_for(pilot, lambda: app.screen is screen, "settled")
        await _check(pilot)
    if app.room.paper.view(sid).status not in ("settled", "confirmed"):
        raise ServiceError("tui_timeout", what=f"settle {sid}")


async def _confirm_sheet(pilot: Any, app: Any, action: dict[str, Any], secrets: Secrets) -> None:
    screen = await _screen(pilot, app)
    sid = _sheet_id(app, action)
    if screen.keyer is None:
        staff = next(s.id for s in app.room.defn.staff if s.role.value == "recorder")
        await _as_keyer(pilot, app, screen, staff, secrets)
    if screen.mode != "confirm" or screen.sheet_id != sid:
        await _pick(pilot, app, screen, sid)
        await wait_for(pilot, lambda: screen.mode == "confirm" and screen.sheet_id == sid, "confirm")
    await keys(pilot, "c")
    await credential(pilot, action["by"], secrets)
    await wait_for(pilot, lambda: app.screen is screen, "confirmed")
    await _check(pilot)
    if app.room.paper.view(sid).status != "confirmed":
        raise ServiceError("tui_timeout", what=f"confirm {sid}")


async def play(pilot: Any, app: Any, action: dict[str, Any], secrets: Secrets) -> bool:
    """Perform ``key_sheet`` or ``confirm_sheet`` through the keying screen; False for any other kind (the
    keying screen, if open, is left for the other drivers to close)."""
    kind = action["action"]
    if kind not in KINDS:
        return False
    await (_key_sheet if kind == "key_sheet" else _confirm_sheet)(pilot, app, action, secrets)
    return True
