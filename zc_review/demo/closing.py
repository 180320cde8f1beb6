"""Autopilot for the second half of a session script: the vote, the results, the minutes and the export.

``play(pilot, app, action, secrets)`` performs one script action (docs/SCRIPT.md) by pressing keys on
the real screens, starting from the DashboardScreen and returning to it, and answers False for kinds
it does not handle. Long runs of keys (a ballot's marks, a secret, a reason) are sent as one burst of
key events and then awaited once: the app handles them in order, as from a fast typist, which makes
32 ballots of 36 applicants take seconds rather than minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from zc_review.demo import waiting
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room import Choice
from zc_review.tui.screens.ballot import BallotScreen, VotingScreen
from zc_review.tui.screens.ballot_review import BallotReview, VotedNotice
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.export import ExportScreen
from zc_review.tui.screens.minutes import MinutesScreen
from zc_review.tui.screens.results import ReasonForm, ReasonsScreen, ResultsScreen, SignOffScreen
from zc_review.tui.screens.tally import FIELDS, TallyScreen
from zc_review.tui.widgets import Confirm, CredentialPrompt, Notice, Pick

KINDS = frozenset({"open_poll", "ballot", "close_poll", "open_runoff", "void_round", "failure_reason",
                   "declare_results", "sign_off", "generate_minutes", "sign_minutes", "export", "print_ballots",
                   "key_tally", "witness_tally"})
CHOICE_KEY = {Choice.AGREE.value: "1", Choice.DISAGREE.value: "2", Choice.ABSTAIN.value: "3"}
STEP_KEY = {"ballot": "7", "results": "8", "minutes": "9", "export": "0"}
#: Screens that stay open after an action of these kinds, for the next one of the same kind, as in the room:
#: voters come in turn to the ballot screen, reviewers in turn to the sign-off screen (issue 9: screens
#: built once, not once per voter). The opening autopilot's dispatcher keeps them (``opening._keeps``).
KEEPS: dict[str, type] = {"ballot": BallotScreen, "sign_off": SignOffScreen,
                          # the results stay open after the declaration: the sign-off is opened from them (s)
                          "declare_results": ResultsScreen}


class AutopilotError(RuntimeError):
    """The screens refused or did not reach the expected state; the message says what the room saw."""


async def burst(pilot: Pilot[Any], keys: Iterable[str]) -> None:
    """Send key events without waiting between them, then wait once for the app to settle.

    Only for keys that stay on one screen and one focused widget (marks, text, cursor moves).
    """
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else _character_to_key(key)
            event = events.Key(name, key)
        else:
            event = events.Key(key, None)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await waiting.settle(pilot)  # the keys processed; no forced refresh (Pilot.pause forces one)


async def key(pilot: Pilot[Any], name: str) -> None:
    """Press one key (Pilot.press waits for the CPU to idle twice per key; this waits once)."""
    await burst(pilot, [name])


def _notice_text(app: Any) -> str | None:
    if isinstance(app.screen, Notice):
        return str(app.screen.message)
    return None


def on_top(app: Any, screen_cls: type) -> bool:
    """The top screen is a mounted ``screen_cls`` (keys sent before its mount would be lost)."""
    screen = app.screen
    return isinstance(screen, screen_cls) and bool(getattr(screen, "is_mounted", False))


async def until(pilot: Pilot[Any], cond: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Wait until ``cond()``, on the app's own work (``waiting.until``: no sleeps, no forced refresh); a Notice
    (a refusal) or the timeout raises AutopilotError."""
    def refused() -> None:
        if cond():  # waiting for the Notice itself (a refusal a test expects) is not a refusal
            return
        msg = _notice_text(pilot.app)
        if msg is not None:
            raise AutopilotError(f"{what}: {msg}")

    try:
        await waiting.until(pilot, cond, refused, timeout)
    except waiting.WaitTimeout:
        raise AutopilotError(f"{what}: timeout on {type(pilot.app.screen).__name__}") from None


async def retype(pilot: Pilot[Any], field: Input, text: str) -> None:
    """Replace a focused Input's text by typing: clear it (ctrl+a, ctrl+k), then the characters.

    Key bindings run as actions after plain characters are inserted, so the clearing is awaited
    before the text is sent.
    """
    await until(pilot, lambda: field.has_focus, f"focus {field.id}")
    await burst(pilot, ["ctrl+a", "ctrl+k"])
    await until(pilot, lambda: field.value == "", f"clear {field.id}")
    await burst(pilot, text)
    await until(pilot, lambda: field.value == text, f"type {field.id}")


async def pick(pilot: Pilot[Any], option_id: str) -> None:
    """Answer the Pick on top with ``option_id``: type it into the find field (type-to-find), move to it if
    the filter left others above it, press Enter. Raises AutopilotError when it is not offered."""
    app = pilot.app
    await until(pilot, lambda: on_top(app, Pick), "pick")
    dialog = app.screen
    assert isinstance(dialog, Pick)
    if option_id not in [oid for oid, _ in dialog.options]:
        raise AutopilotError(f"{option_id} not offered in {dialog.title_text}")
    await burst(pilot, option_id)
    await until(pilot, lambda: option_id in dialog.shown and dialog.query_one("#pick-find", Input).value == option_id,
                "find")
    ol = dialog.query_one(OptionList)
    await burst(pilot, ["down"] * (dialog.shown.index(option_id) - (ol.highlighted or 0)))
    await until(pilot, lambda: ol.highlighted == dialog.shown.index(option_id), "highlight")
    await key(pilot, "enter")
    await until(pilot, lambda: app.screen is not dialog, "picked")


async def confirm(pilot: Pilot[Any]) -> None:
    """Answer the Confirm on top yes (``y``); a blocked one raises AutopilotError with what blocks it."""
    app = pilot.app
    await until(pilot, lambda: on_top(app, Confirm), "confirm")
    dialog = app.screen
    assert isinstance(dialog, Confirm)
    if dialog.blocked is not None:
        raise AutopilotError(dialog.blocked)
    await key(pilot, "y")
    await until(pilot, lambda: app.screen is not dialog, "confirmed")


async def login(pilot: Pilot[Any], person_id: str, secret: str) -> None:
    """Answer the CredentialPrompt on top (after the Pick of people, when several are offered): choose
    ``person_id``, type the secret, wait for it to go."""
    app = pilot.app
    await until(pilot, lambda: on_top(app, CredentialPrompt) or on_top(app, Pick), "credential prompt")
    if isinstance(app.screen, Pick):
        await pick(pilot, person_id)
    await until(pilot, lambda: on_top(app, CredentialPrompt), "credential prompt")
    prompt = app.screen
    assert isinstance(prompt, CredentialPrompt)
    ids = [pid for pid, _ in prompt.people]
    if person_id not in ids:
        raise AutopilotError(f"{person_id} not offered in the credential prompt")
    if len(ids) > 1:
        await burst(pilot, ["down"] * ids.index(person_id))
        await until(pilot, lambda: prompt.query_one(OptionList).highlighted == ids.index(person_id), "highlight")
        await key(pilot, "enter")
        await until(pilot, lambda: prompt.focused is prompt.query_one(Input), "secret field")
    await burst(pilot, secret)
    await key(pilot, "enter")

    def gone() -> bool:
        if app.screen is not prompt:
            return True
        err = str(prompt.query_one("#cred-error").render())
        if err:
            raise AutopilotError(f"credential refused for {person_id}: {err}")
        return False

    await until(pilot, gone, "credential check")


async def to_dashboard(pilot: Pilot[Any]) -> None:
    """Press Esc until the dashboard is on top again."""
    for _ in range(8):
        if isinstance(pilot.app.screen, DashboardScreen):
            return
        msg = _notice_text(pilot.app)
        if msg is not None:
            raise AutopilotError(msg)
        top = pilot.app.screen
        await key(pilot, "escape")
        await until(pilot, lambda top=top: pilot.app.screen is not top, "leave screen")  # type: ignore[misc]
    raise AutopilotError("cannot return to the dashboard")


async def open_step(pilot: Pilot[Any], step: str, screen_cls: type) -> Any:
    """``screen_cls`` when it is on top already (kept from the previous action), else from the dashboard open
    ``step``'s screen by its key and wait until ``screen_cls`` is on top."""
    if on_top(pilot.app, screen_cls):
        return pilot.app.screen
    await to_dashboard(pilot)
    await key(pilot, STEP_KEY[step])
    await until(pilot, lambda: on_top(pilot.app, screen_cls), f"open {screen_cls.__name__}")
    return pilot.app.screen


async def play(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> bool:
    """Perform one script action through the screens. Returns False for kinds handled elsewhere.

    Args:
        pilot: the Pilot of a running ZcReviewApp showing the DashboardScreen.
        app: that app (``pilot.app``).
        action: one action of a session script (schema: session-script.schema.json).
        secrets: a ``Secrets`` (``persons``: person id → credential secret).
    Raises: AutopilotError when a screen refuses (the room's Chinese message is in it).
    """
    kind = action["action"]
    if kind not in KINDS:
        return False
    handler = globals()[f"_do_{kind}"]
    await handler(pilot, app, action, secrets)
    if kind in KEEPS:
        await until(pilot, lambda: on_top(app, KEEPS[kind]), f"back to {KEEPS[kind].__name__}")
    elif kind == "failure_reason":  # the reasons screen stays open (its next form of the panel may be open)
        await until(pilot, lambda: on_top(app, ReasonsScreen) or on_top(app, ReasonForm), "back to ReasonsScreen")
    else:
        await to_dashboard(pilot)
    return True


# -- the vote ------------------------------------------------------------------------------------------
async def _do_open_poll(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    await open_step(pilot, "ballot", BallotScreen)
    await key(pilot, "o")
    await confirm(pilot)
    await until(pilot, lambda: app.room.ballot.open_round() is not None, "open poll")


async def _do_open_runoff(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    await open_step(pilot, "ballot", BallotScreen)
    await key(pilot, "r")
    await until(pilot, lambda: on_top(app, Pick) or on_top(app, Confirm), "run-off")
    if isinstance(app.screen, Pick):
        await pick(pilot, action["group"])
    await confirm(pilot)
    await until(pilot, lambda: app.room.ballot.open_round() is not None, "open run-off")


async def _do_ballot(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    await open_step(pilot, "ballot", BallotScreen)
    reviewer = action["reviewer"]
    await key(pilot, "n")
    await login(pilot, reviewer, secrets.persons[reviewer])
    await until(pilot, lambda: on_top(app, VotingScreen), "ballot")
    voting = app.screen
    order = list(voting._items)
    choices = action["choices"]
    if set(order) != set(choices):
        raise AutopilotError(f"ballot of {reviewer} does not match the screen's applicants")
    await burst(pilot, [CHOICE_KEY[choices[a]] for a in order])
    await until(pilot, lambda: len(voting._marks) == len(order), "marks")
    await key(pilot, "enter")
    await until(pilot, lambda: on_top(app, BallotReview), "review")
    await key(pilot, "enter")
    await until(pilot, lambda: on_top(app, VotedNotice), "cast")
    await key(pilot, "enter")


async def _do_close_poll(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    await open_step(pilot, "ballot", BallotScreen)
    if action.get("force"):
        await key(pilot, "f")
        await until(pilot, lambda: on_top(app, Confirm), "confirm force close")
        await key(pilot, "y")
        by = action.get("by") or app.room.presiding_officer_id()
        await login(pilot, by, secrets.persons[by])
    else:
        await key(pilot, "c")
        await confirm(pilot)
    await until(pilot, lambda: app.room.ballot.open_round() is None, "close poll")


# -- paper ballots (ballot_mode: paper; screens/tally.py) --------------------------------------------------
async def _do_print_ballots(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    screen = await open_step(pilot, "ballot", BallotScreen)
    await key(pilot, "p")
    await until(pilot, lambda: bool(screen.printed), "print ballots")


def _tally_ready(screen: Any) -> bool:
    """The tally grid has its rows, the focus and the cursor on the first count: keys sent earlier would land
    before the screen's focus moved (Widget.focus is deferred) and shift every count by a cell."""
    table = screen.query_one("#tally-table")
    return bool(table.row_count) and screen.app.focused is table and table.cursor_coordinate.column == 1


async def _do_key_tally(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    """The teller signs in (``k``), types every count of the applicants due (digits, Space to the next cell),
    Enter; the grid's rows must be exactly the action's applicants."""
    await open_step(pilot, "ballot", BallotScreen)
    teller, counts = action["teller"], action["counts"]
    await key(pilot, "k")
    await login(pilot, teller, secrets.persons[teller])
    await until(pilot, lambda: on_top(app, TallyScreen) and _tally_ready(app.screen), "tally grid")
    grid = app.screen
    due = [a for a, _ in grid._due]
    if set(due) != set(counts):
        raise AutopilotError(f"keying of {teller}: the screen asks for {due}, the script has {sorted(counts)}")
    keys = [k for a in due for f in FIELDS for k in [*str(counts[a][f]), " "]]
    await burst(pilot, keys)
    await until(pilot, lambda: sum(1 for v in grid.values.values() if v) == len(due) * len(FIELDS), "counts typed")
    await key(pilot, "enter")
    await until(pilot, lambda: app.screen is not grid, "keying accepted")


async def _do_witness_tally(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    await open_step(pilot, "ballot", BallotScreen)
    await key(pilot, "w")
    await confirm(pilot)
    await login(pilot, action["supervisor"], secrets.persons[action["supervisor"]])
    await until(pilot, lambda: app.room.tally.witnessed(), "witness")


async def _do_void_round(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    # No screen of its own yet: a rare act of the chair and the supervisor, done through the service.
    room = app.room
    chair = room.authenticate(action["chair"], secrets.persons[action["chair"]])
    supervisor = room.authenticate(action["supervisor"], secrets.persons[action["supervisor"]])
    try:
        room.ballot.void_round(chair, supervisor, int(action["round"]), action["reason"])
    except ServiceError as exc:
        raise AutopilotError(exc.message) from exc


# -- results ---------------------------------------------------------------------------------------------
async def _kept_reason_form(pilot: Pilot[Any], app: Any, applicant: str) -> ReasonForm | None:
    """The form the kept reasons screen opened for the next unwritten reason of the panel (its leader still
    signed in), when it is ``applicant``'s; a form for another applicant is cancelled (Esc)."""
    if not on_top(app, ReasonForm):
        return None
    form, below = app.screen_stack[-1], app.screen_stack[-2]
    table = below.query_one(DataTable) if isinstance(below, ReasonsScreen) else None
    if table is not None and below.row_ids[table.cursor_row] == applicant:
        return form  # type: ignore[no-any-return]
    await key(pilot, "escape")
    await until(pilot, lambda: on_top(app, ReasonsScreen), "reasons screen")
    return None


async def _do_failure_reason(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    """On the reasons screen kept from the previous reason (as the panels' leaders come in turn), else from
    the results (E): the applicant's row, Enter, the leader's credential unless signed in for this batch,
    the form's two fields."""
    form = await _kept_reason_form(pilot, app, action["applicant"])
    if form is not None:
        await _write_reason(pilot, app, form, action)
        return
    if not on_top(app, ReasonsScreen):
        await open_step(pilot, "results", ResultsScreen)
        await key(pilot, "e")
        await until(pilot, lambda: on_top(app, ReasonsScreen), "reasons screen")
    screen = app.screen
    await until(pilot, lambda: action["applicant"] in screen.row_ids, f"failed applicant {action['applicant']}")
    row = screen.row_ids.index(action["applicant"])
    table = screen.query_one(DataTable)
    await burst(pilot, ["down"] * (row - table.cursor_row) if row >= table.cursor_row else ["up"] * (table.cursor_row - row))
    await until(pilot, lambda: table.cursor_row == row, "reason row")
    await key(pilot, "enter")
    await until(pilot, lambda: on_top(app, CredentialPrompt) or on_top(app, ReasonForm), "leader login")
    if isinstance(app.screen, CredentialPrompt):
        await login(pilot, action["leader"], secrets.persons[action["leader"]])
    await until(pilot, lambda: on_top(app, ReasonForm), "reason form")
    await _write_reason(pilot, app, app.screen, action)


async def _write_reason(pilot: Pilot[Any], app: Any, form: Any, action: dict[str, Any]) -> None:
    for field, text in (("#reason-text", action["reason"]), ("#reason-guidance", action["guidance"])):
        await retype(pilot, form.query_one(field, Input), text)
        await key(pilot, "enter")
    await until(pilot, lambda: action["applicant"] in app.room.closing.failure_reasons(), "write reason")


async def _do_declare_results(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    """F on the results screen, the confirmation, the presiding officer's credential; then the names show."""
    await open_step(pilot, "results", ResultsScreen)
    await key(pilot, "f")
    await confirm(pilot)
    person = action["person"]
    await login(pilot, person, secrets.persons[person])
    await until(pilot, lambda: app.room.closing.results_declared() and on_top(app, ResultsScreen), "declare results")


async def _do_sign_off(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    if not on_top(app, SignOffScreen):  # kept open from the previous sign-off
        await open_step(pilot, "results", ResultsScreen)
        await key(pilot, "s")
        await until(pilot, lambda: on_top(app, SignOffScreen), "sign-off screen")
    await key(pilot, "enter")
    reviewer = action["reviewer"]
    await login(pilot, reviewer, secrets.persons[reviewer])
    await confirm(pilot)
    await until(pilot, lambda: reviewer not in app.room.closing.sign_offs_missing(), "sign-off")


# -- minutes and export ----------------------------------------------------------------------------------
async def _do_generate_minutes(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    screen = await open_step(pilot, "minutes", MinutesScreen)
    await key(pilot, "g")
    await until(pilot, lambda: screen.generated and not screen.busy, "generate minutes", timeout=120)


async def _do_sign_minutes(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    screen = await open_step(pilot, "minutes", MinutesScreen)
    before = app.room.closing.minutes_stage()
    await key(pilot, "s")
    await login(pilot, action["person"], secrets.persons[action["person"]])
    await confirm(pilot)
    # the stage changes in the worker before the screen hears of it: wait for both
    await until(pilot, lambda: app.room.closing.minutes_stage() != before and not screen.busy, "sign minutes",
                timeout=120)


async def _do_export(pilot: Pilot[Any], app: Any, action: dict[str, Any], secrets: Any) -> None:
    screen = await open_step(pilot, "export", ExportScreen)
    if screen.query_one("#export-dir", Input).value != str(Path(app.out_dir)):
        raise AutopilotError("export folder is not the app's out_dir")
    await key(pilot, "enter")
    await confirm(pilot)
    await until(pilot, lambda: screen.exported is not None, "export", timeout=120)
    if t("closing.export_safe") not in str(screen.query_one("#export-safe", Static).render()):
        raise AutopilotError("export finished without the safe-to-remove message")
