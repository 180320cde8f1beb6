"""Play a session script through the real screens, headlessly, with Textual's Pilot (the demo, tests).

Each action is performed by pressing keys on the same screens a recorder and the reviewers use:
unlock (both opening secrets typed), the recorder's login, then every script action dispatched to
the screens' drivers (``zc_review.demo.opening``, ``zc_review.demo.closing``, ``zc_review.demo.paper``). A refusal shown on screen stops the run
with the same message.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zc_review.demo import closing, opening, paper, waiting
from zc_review.service.errors import ServiceError
from zc_review.service.script import Secrets
from zc_review.tui.app import make_app
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.widgets import CredentialPrompt


async def unlock_and_login(pilot: Any, app: Any, secrets: Secrets) -> None:
    """Type both opening secrets on the unlock screen, wait for the package to open, log the recorder in."""
    await pilot.pause()
    await pilot.click("#unlock-chair")
    await pilot.press(*secrets.chair_opening)
    await pilot.click("#unlock-supervisor")
    await pilot.press(*secrets.supervisor_opening)
    await pilot.press("enter")
    try:  # on the unlock worker's end and the screens' messages, not on a fixed sleep (waiting.until)
        await waiting.until(pilot, lambda: app.room is not None and isinstance(app.screen, CredentialPrompt),
                            lambda: None, 120)
    except waiting.WaitTimeout:
        raise ServiceError("unlock_failed", diagnostics="autopilot timeout") from None
    recorder = app.room.views.recorder().person_id
    await pilot.press(*secrets.persons[recorder], "enter")
    try:
        await waiting.until(pilot, lambda: isinstance(app.screen, DashboardScreen), lambda: None, 120)
    except waiting.WaitTimeout:
        raise ServiceError("credential_wrong", remaining="?") from None


async def play_actions(pilot: Any, app: Any, actions: list[dict[str, Any]], secrets: Secrets,
                       progress: Callable[[int, int, str], None] | None = None) -> None:
    """Perform each action through the screens; raise ServiceError("script_step_failed") on a refusal.

    ``progress(done, total, action)`` is called after each action (the demo prints every 50).
    """
    for i, act in enumerate(actions):
        if progress is not None:
            progress(i, len(actions), act["action"])
        try:
            handled = (await paper.play(pilot, app, act, secrets)  # the keying screen stays open for the next
                       or await opening.play(pilot, app, act, secrets)
                       or await closing.play(pilot, app, act, secrets))
        except ServiceError as exc:
            raise ServiceError("script_step_failed", index=i + 1, action=act["action"], message=exc.message) from exc
        if not handled:
            raise ServiceError("script_invalid", where=str(i + 1), problem=f"no screen plays {act['action']}")
    await opening.finish(pilot, app)


async def play_in_tui(package: Path, home: Path, out_dir: Path, script: dict[str, Any],
                      secrets: Secrets, size: tuple[int, int] = (120, 40),
                      progress: Callable[[int, int, str], None] | None = None,
                      ) -> tuple[Any, tuple[Path, str] | None]:
    """Open ``package`` in the real app (headless) and play ``script``. Returns (service, (bundle, fingerprint))."""
    app = make_app(package_path=package, home=home, out_dir=out_dir)
    async with app.run_test(size=size) as pilot:
        await unlock_and_login(pilot, app, secrets)
        gc.freeze()  # the long-lived app objects leave the collector's work; a third of the time was GC
        await play_actions(pilot, app, script["actions"], secrets, progress)
        service = app.room
    return service, (service.closing.last_export() if service is not None else None)
