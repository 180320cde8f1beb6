"""Autopilot for the opening and scoring screens: plays one script action by pressing keys on them.

``play`` handles attendance, close_roll_call, pledge, recuse, sign_rubric, view_dossier, scores and
opinion; it returns False for any other kind. Every call starts by returning to the dashboard,
except that a screen stays open while the next action can continue on it: the pledge and rubric
screens for the next pledge or signature, the scoring screen for the next ``view_dossier`` or
``scores`` (handed to another reviewer with F2, who types their own credential), a leader's opinion
screen for that leader's next opinion, the ballot screen for the next voter, the sign-off screen for the
next reviewer signing and the results screen, left for the declaration (Esc from the reasons) and after it
for the first sign-off (``closing.KEEPS``). So the dispatcher must call this ``play`` first for every
action (``autopilot.play_actions`` does), and ``finish`` at the end.

Keys are delivered as the terminal delivers them, as ``events.Key`` messages to the app, but in a
burst: typing a value or a secret does not wait for the app to go idle after each character
(``Pilot.press`` waits ≥ 40 ms per key). After a burst, or any key that moves focus or opens a
screen, the autopilot waits until the screen has processed its messages, or for the screen it expects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.widgets import DataTable, Label, OptionList, TextArea

from zc_review.demo import waiting
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room import parse_score
from zc_review.service.script import Secrets
from zc_review.tui.screens.ballot import BallotScreen
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.dossier import DossierScreen
from zc_review.tui.screens.opinion import OpinionScreen
from zc_review.tui.screens.pledge import PledgeScreen
from zc_review.tui.screens.recusal import RecusalScreen
from zc_review.tui.screens.results import ReasonForm, ReasonsScreen, ResultsScreen, SignOffScreen
from zc_review.tui.screens.rollcall import RollCallScreen
from zc_review.tui.screens.rubric import RubricSignScreen
from zc_review.tui.screens.scoring import ScoreGrid, ScoringScreen
from zc_review.tui.widgets import Confirm, CredentialPrompt, Notice, Pick

KINDS = frozenset({"attendance", "close_roll_call", "pledge", "recuse", "sign_rubric", "view_dossier", "scores",
                   "opinion"})
TIMEOUT = 60.0


# -- low-level driving -------------------------------------------------------------------------------
def _key_event(key: str) -> events.Key:
    if len(key) == 1:
        return events.Key(key if key.isalnum() else _character_to_key(key), key)
    return events.Key(key, {"enter": "\r", "tab": "\t", "space": " ", "backspace": "\x7f"}.get(key))


async def _settle(pilot: Any, rounds: int = 1) -> None:
    """Let the app, the screen and its widgets process what is queued and what that sends on (key → widget →
    bubbled binding; ``waiting.settle`` waits until every queue is empty, so one round is enough)."""
    for _ in range(rounds):
        await waiting.settle(pilot)


async def keys(pilot: Any, *names: str) -> None:
    """Send keys as one burst (names as for ``Pilot.press``; single characters are typed), then settle."""
    app = pilot.app
    for name in names:
        app.post_message(_key_event("enter" if name == "\n" else name))
    await _settle(pilot)


async def wait_for(pilot: Any, cond: Callable[[], bool], what: str) -> None:
    """Wait until ``cond()``, on the app's own work (``waiting.until``: no sleeps); a refusal (Notice) on screen
    raises it as a ServiceError."""
    try:
        await waiting.until(pilot, cond, lambda: None if cond() else _raise_if_refused(pilot.app), TIMEOUT)
    except waiting.WaitTimeout:
        raise ServiceError("tui_timeout", what=what) from None
    await _settle(pilot, 1)


def _raise_if_refused(app: Any) -> None:
    if isinstance(app.screen, Notice):
        message = app.screen.message
        app.screen.dismiss(True)
        raise ServiceError("tui_refused", message=message)


async def _check(pilot: Any) -> None:
    await _settle(pilot)
    _raise_if_refused(pilot.app)


async def _open_step(pilot: Any, key: str, screen_cls: type) -> Any:
    await keys(pilot, key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_cls) or _prompt(pilot.app) is not None,
                   screen_cls.__name__)
    return pilot.app.screen


def _prompt(app: Any) -> Any:
    """The credential prompt on top, or the Pick of people that comes before it when several are offered."""
    return app.screen if isinstance(app.screen, (CredentialPrompt, Pick)) else None


async def choose(pilot: Any, person_id: str) -> None:
    """Answer the Pick of people on top: type ``person_id`` (type-to-find), move to it, Enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, Pick)
    if person_id not in [oid for oid, _ in dialog.options]:
        dialog.dismiss(None)
        raise ServiceError("not_permitted", action=f"{person_id}@{dialog.title_text}")
    await keys(pilot, *person_id)
    await wait_for(pilot, lambda: person_id in dialog.shown, "Pick")
    ol = dialog.query_one(OptionList)
    await keys(pilot, *(["down"] * (dialog.shown.index(person_id) - (ol.highlighted or 0))), "enter")


async def confirm(pilot: Any) -> None:
    """Answer the Confirm on top yes; a blocked one is the room's refusal (raised)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, Confirm), "Confirm")
    dialog = pilot.app.screen
    if dialog.blocked is not None:
        dialog.dismiss(False)
        raise ServiceError("tui_refused", message=dialog.blocked)
    await keys(pilot, "y")
    await wait_for(pilot, lambda: pilot.app.screen is not dialog, "Confirm")


async def credential(pilot: Any, person_id: str, secrets: Secrets) -> None:
    """Answer the credential prompt on top (after the Pick of people when several are offered): choose
    ``person_id`` (if offered a list), type their secret."""
    await wait_for(pilot, lambda: _prompt(pilot.app) is not None, "CredentialPrompt")
    if isinstance(pilot.app.screen, Pick):
        await choose(pilot, person_id)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CredentialPrompt), "CredentialPrompt")
    prompt = pilot.app.screen
    ids = [pid for pid, _ in prompt.people]
    if person_id not in ids:
        prompt.dismiss(None)
        raise ServiceError("not_permitted", action=f"{person_id}@{prompt.title_text}")
    if len(ids) > 1:
        ol = prompt.query_one(OptionList)
        await keys(pilot, *(["down"] * (ids.index(person_id) - (ol.highlighted or 0))), "enter")
    await keys(pilot, *secrets.persons.get(person_id, ""))
    await keys(pilot, "enter")

    def answered() -> bool:
        if pilot.app.screen is not prompt:
            return True
        error = str(prompt.query_one("#cred-error", Label).render())
        if error:
            prompt.dismiss(None)
            raise ServiceError("tui_refused", message=error)
        return False

    await wait_for(pilot, answered, "credential")


async def move_row(pilot: Any, table: Any, row: int) -> None:
    """Move ``table``'s cursor to ``row`` with up/down keys (one burst)."""
    delta = row - table.cursor_row
    if delta:
        await keys(pilot, *(["down" if delta > 0 else "up"] * abs(delta)))


async def back_to_dashboard(pilot: Any, app: Any, keep: Callable[[Any], bool] = lambda s: False) -> None:
    """Close screens (Esc; "y" on a leave-without-saving question) until the dashboard, or a screen ``keep`` wants."""
    for _ in range(10):
        screen = app.screen
        if isinstance(screen, DashboardScreen) or keep(screen):
            return
        if isinstance(screen, Notice):
            screen.dismiss(True)
        else:
            await keys(pilot, "y" if isinstance(screen, Confirm) else "escape")
        await wait_for(pilot, lambda s=screen: app.screen is not s, "back")  # type: ignore[misc]
    raise ServiceError("tui_timeout", what="dashboard")


async def finish(pilot: Any, app: Any) -> None:
    """End of a run: close a scoring or opinion screen left open for a following action."""
    await back_to_dashboard(pilot, app)


# -- the actions ---------------------------------------------------------------------------------------
def _keeps(action: dict[str, Any]) -> Callable[[Any], bool]:
    """Which open screen this action can continue on."""
    kind = action["action"]
    if kind in ("view_dossier", "scores"):  # another reviewer takes over the open screen (F2)
        return lambda s: isinstance(s, ScoringScreen) and s.actor is not None
    if kind == "pledge":
        return lambda s: isinstance(s, PledgeScreen)
    if kind in ("ballot", "close_poll", "open_runoff"):  # voters come in turn to the ballot screen (closing.KEEPS)
        return lambda s: isinstance(s, BallotScreen)
    if kind == "sign_off":  # reviewers come in turn to the sign-off screen, opened from the results (s)
        return lambda s: isinstance(s, (SignOffScreen, ResultsScreen))
    if kind == "declare_results":  # declared on the results screen, back from the reasons screen (Esc)
        return lambda s: isinstance(s, ResultsScreen)
    if kind == "failure_reason":  # the panels' leaders come in turn to the reasons screen (its form may be open)
        return lambda s: isinstance(s, (ReasonsScreen, ReasonForm))
    if kind == "sign_rubric":
        return lambda s: isinstance(s, RubricSignScreen)
    if kind == "opinion":  # the next panel leader takes over the open screen (F2)
        return lambda s: isinstance(s, OpinionScreen) and s.actor is not None
    return lambda s: False


async def play(pilot: Any, app: Any, action: dict[str, Any], secrets: Secrets) -> bool:
    """Perform one script action through the opening/scoring screens.

    Returns: False when the action's kind is not one of these screens' (after returning to the dashboard).
    Raises: ServiceError with the message the screen showed, when the room refused the action.
    """
    keep = _keeps(action)
    await back_to_dashboard(pilot, app, keep)
    kind = action["action"]
    if kind not in KINDS:
        return False
    if kind in ("attendance", "close_roll_call", "recuse"):
        await (_recuse(pilot, app, action) if kind == "recuse" else _roll_call(pilot, app, action))
        await back_to_dashboard(pilot, app)
    elif kind == "pledge":  # the screens below stay open for a following action of the same kind
        await _pledge(pilot, app, action, secrets)
    elif kind == "sign_rubric":
        await _sign_rubric(pilot, app, action, secrets)
    elif kind in ("view_dossier", "scores"):
        screen = await _open_scoring(pilot, app, action["reviewer"], secrets)
        if kind == "view_dossier":
            await _view_dossier(pilot, app, screen, action["applicant"])
        else:
            await _scores(pilot, app, screen, action)
    else:
        screen = await _open_opinions(pilot, app, action["leader"], secrets)
        await _opinion(pilot, app, screen, action)
    return True


async def _roll_call(pilot: Any, app: Any, action: dict[str, Any]) -> None:
    screen = await _open_step(pilot, "1", RollCallScreen)
    if action["action"] == "close_roll_call":
        await keys(pilot, "c")
        await _check(pilot)
        if isinstance(app.screen, Confirm):
            await confirm(pilot)
            await _check(pilot)
        return
    table = screen.query_one(DataTable)
    attending, absent = set(action["attending"]), set(action["absent"])
    for i, r in enumerate(app.room.views.roll_call()):
        if r.reviewer_id in attending or r.reviewer_id in absent:
            await move_row(pilot, table, i)
            await keys(pilot, "a" if r.reviewer_id in attending else "x")
            await _check(pilot)


async def _pledge(pilot: Any, app: Any, action: dict[str, Any], secrets: Secrets) -> None:
    screen = app.screen if isinstance(app.screen, PledgeScreen) else await _open_step(pilot, "2", PledgeScreen)
    rid = action["reviewer"]
    table = screen.query_one(DataTable)
    if rid not in table.rows:
        raise ServiceError("not_permitted", action="sign_pledge")
    await move_row(pilot, table, table.get_row_index(rid))
    await keys(pilot, "enter")
    await wait_for(pilot, lambda: app.screen is not screen, "CredentialPrompt")
    await credential(pilot, rid, secrets)
    await confirm(pilot)
    await wait_for(pilot, lambda: app.screen is screen, "PledgeScreen")
    await _check(pilot)


async def _recuse(pilot: Any, app: Any, action: dict[str, Any]) -> None:
    await _open_step(pilot, "3", RecusalScreen)
    code = app.room.views.applicant(action["applicant"]).code
    await keys(pilot, *action["reviewer"])
    await keys(pilot, "enter")
    await keys(pilot, *code)
    await keys(pilot, "enter")
    await keys(pilot, *action["reason"].replace("\n", " "))
    await keys(pilot, "enter")
    await _check(pilot)
    if isinstance(app.screen, Confirm):
        await confirm(pilot)
        await _check(pilot)


async def _sign_rubric(pilot: Any, app: Any, action: dict[str, Any], secrets: Secrets) -> None:
    screen = (app.screen if isinstance(app.screen, RubricSignScreen)
              else await _open_step(pilot, "4", RubricSignScreen))
    panels = [p.panel_id for p in app.room.views.panels()]
    ol = screen.query_one(OptionList)
    for _ in range(3):  # back to the panels: the signatures → the criteria table → the panels
        if ol.has_focus:
            break
        await keys(pilot, "shift+tab")
    delta = panels.index(action["panel"]) - (ol.highlighted or 0)
    await keys(pilot, *(["down" if delta > 0 else "up"] * abs(delta)), "enter")
    places = [p.role for p in app.room.views.rubric_signatures(action["panel"])]
    sigs = screen.query_one("#rub-sigs", DataTable)
    await move_row(pilot, sigs, places.index(action["role"]))
    await keys(pilot, "enter")
    await wait_for(pilot, lambda: app.screen is not screen, "CredentialPrompt")
    await credential(pilot, action["person"], secrets)
    if not isinstance(app.screen, Notice):  # a role not theirs is refused before any question
        await confirm(pilot)
    await wait_for(pilot, lambda: app.screen is screen, "RubricSignScreen")
    await _check(pilot)


async def _open_scoring(pilot: Any, app: Any, reviewer: str, secrets: Secrets) -> Any:
    """The scoring screen with ``reviewer`` identified: kept, handed over (F2) or opened from the dashboard."""
    screen = app.screen
    if isinstance(screen, ScoringScreen) and screen.actor is not None:
        if screen.actor.person_id == reviewer:
            return screen
        await keys(pilot, "f2")
    else:
        await keys(pilot, "5")
    await wait_for(pilot, lambda: _prompt(app) is not None, "CredentialPrompt")
    await credential(pilot, reviewer, secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, ScoringScreen) and app.screen.actor is not None,
                   "ScoringScreen")
    return app.screen


async def _to_row(pilot: Any, app: Any, screen: Any, applicant: str) -> Any:
    grid = screen.query_one(ScoreGrid)
    if applicant not in grid.rows:  # recused, or not on the reviewer's panel: the screen never offers it
        a = app.room.views.applicant(applicant)
        recused = app.room.is_recused(screen.actor.person_id, applicant)
        raise ServiceError("recused", code=a.code) if recused else ServiceError("not_on_panel")
    await move_row(pilot, grid, grid.get_row_index(applicant))
    return grid


async def _view_dossier(pilot: Any, app: Any, screen: Any, applicant: str) -> None:
    await _to_row(pilot, app, screen, applicant)
    await keys(pilot, "d")
    await wait_for(pilot, lambda: isinstance(app.screen, DossierScreen), "DossierScreen")
    await keys(pilot, "escape")
    await wait_for(pilot, lambda: app.screen is screen, "ScoringScreen")


def _typed(value: str) -> str:
    """What a person types for a script value: "4E+1" → "40", "NA" → "-" (the grid takes digits, "." and "-")."""
    parsed = parse_score(value)
    return "-" if parsed is None else format(parsed, "f")


async def _scores(pilot: Any, app: Any, screen: Any, action: dict[str, Any]) -> None:
    aid = action["applicant"]
    grid = await _to_row(pilot, app, screen, aid)
    first = grid.get_column_index(grid.editable_columns[0])
    delta = grid.cursor_column - first
    if delta:
        await keys(pilot, *(["left" if delta > 0 else "right"] * abs(delta)))
    burst: list[str] = []
    columns = grid.editable_columns
    for i, cid in enumerate(columns):
        if cid in action["values"]:
            burst.extend(_typed(action["values"][cid]))
        if i < len(columns) - 1:
            burst.append("tab")
    await keys(pilot, *burst)
    grid.commit()
    if screen.bad.get(aid):
        raise ServiceError("tui_refused", message=str(screen.query_one("#score-msg").render()))
    if action["submit"]:
        await keys(pilot, "ctrl+t")  # asks (Confirm)
        await _check(pilot)
        await confirm(pilot)
        await _check(pilot)
        if aid not in grid.locked_rows:
            raise ServiceError("tui_timeout", what=f"submit {aid}")
    else:
        await keys(pilot, "ctrl+s")
        await _check(pilot)


async def _open_opinions(pilot: Any, app: Any, leader: str, secrets: Secrets) -> Any:
    """The opinion screen with ``leader`` identified: kept, handed over (F2) or opened from the dashboard."""
    screen = app.screen
    if isinstance(screen, OpinionScreen) and screen.actor is not None:
        if screen.actor.person_id == leader:
            return screen
        await keys(pilot, "f2")
    else:
        await keys(pilot, "6")
    await wait_for(pilot, lambda: _prompt(app) is not None, "CredentialPrompt")
    await credential(pilot, leader, secrets)
    await wait_for(pilot, lambda: isinstance(app.screen, OpinionScreen) and app.screen.actor is not None,
                   "OpinionScreen")
    return app.screen


async def _opinion(pilot: Any, app: Any, screen: Any, action: dict[str, Any]) -> None:
    table = screen.query_one(DataTable)
    aid = action["applicant"]
    if aid not in table.rows:
        raise ServiceError("not_permitted", action="write_opinion")
    await move_row(pilot, table, table.get_row_index(aid))
    await keys(pilot, "enter")
    area = screen.query_one(TextArea)
    await wait_for(pilot, lambda: area.has_focus, "TextArea")
    if area.text:
        await keys(pilot, "f7", "backspace")  # select all, delete: the text replaces an earlier opinion
    await keys(pilot, *action["text"])
    await keys(pilot, "ctrl+s")
    await _check(pilot)
    if screen.editing is not None:
        raise ServiceError("tui_refused", message=t("reason_required"))
