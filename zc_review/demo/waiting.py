"""Waiting for the screens without polling: the autopilot's one way to wait until a condition holds.

``until(pilot, cond, raise_refusal, timeout)`` checks ``cond()`` after each step of the app's own work, and
waits only on that work: the messages queued at the app, the screen and its widgets (``settle`` returns when
every queue has processed what it held and what it was sent meanwhile), the workers running (a credential check, a PDF: their
tasks are awaited until one ends), and, when the condition depends on neither, the app's next frame (a timer
of Textual's). It never sleeps a fixed interval and never forces a refresh. Before, the closing autopilot
slept 10 ms and forced a screen refresh on every check, and the opening autopilot woke every 3 ms (issue 9).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic
from typing import Any

from textual.worker import WorkerState

#: The last resort when nothing is queued and no worker runs: one frame of the app (Textual's update period).
FRAME_S = 1 / 60


class WaitTimeout(Exception):
    """``cond`` did not hold within the timeout."""


async def settle(pilot: Any, timeout: float = 30.0) -> None:
    """Return once the app, its top screen and every widget on it have processed the messages they were sent,
    including those sent on meanwhile (a key → the widget → a bubbled binding → a new screen's mount...).

    While some message queue holds messages, it waits on those pumps only (a callback sent to each runs after
    what it holds); then once on every pump of the screen (``Pilot._wait_for_screen``: a widget may be busy in a
    handler with its queue empty), and again if that sent anything on. ``_wait_for_screen`` alone sends a
    callback to every widget (~100 on the scoring screen); the autopilot called it three times per key burst,
    290,000 messages in one demo run (issue 9).
    Raises WaitTimeout after ``timeout`` s.
    """
    app = pilot.app
    deadline = monotonic() + timeout
    while True:
        busy = [p for p in (app, *app.screen.walk_children(with_self=True)) if not p._message_queue.empty()]
        if not busy:
            await pilot._wait_for_screen(timeout=max(0.1, deadline - monotonic()))
            if not _queued(app):
                return
            continue
        if monotonic() > deadline:
            raise WaitTimeout
        if await _pumps_done(app, busy, deadline):
            return


async def _pumps_done(app: Any, pumps: list[Any], deadline: float) -> bool:
    """Wait until each of ``pumps`` has run a callback sent now (so processed what it held), the deadline, or the
    app stopping on an exception (then True: there is nothing more to wait for)."""
    done = asyncio.Event()
    left = 0

    def one_done() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            done.set()

    left = sum(1 for p in pumps if p.call_later(one_done))
    if left:
        waits = [asyncio.ensure_future(done.wait()), asyncio.ensure_future(app._exception_event.wait())]
        await asyncio.wait(waits, timeout=max(0.0, deadline - monotonic()), return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
    return bool(app._exception_event.is_set())


def _queued(app: Any) -> bool:
    """Some message pump of the app or its top screen still holds a message."""
    pumps = [app, *app.screen.walk_children(with_self=True)]
    return any(not p._message_queue.empty() for p in pumps)


async def until(pilot: Any, cond: Callable[[], bool], raise_refusal: Callable[[], None], timeout: float) -> None:
    """Return once ``cond()`` holds and the app has processed the messages queued so far; ``raise_refusal()`` is
    called before each check (it raises when a refusal is on screen). Raises WaitTimeout after ``timeout`` s."""
    app = pilot.app
    deadline = monotonic() + timeout
    while True:
        raise_refusal()
        if cond():
            # settled too: what the same work set going (a screen pushed, its mount) is processed before the
            # next key is sent, or that key could reach the screen being replaced
            await settle(pilot, timeout)
            if not _queued(app) and cond():
                return
            continue
        if monotonic() > deadline:
            raise WaitTimeout
        await settle(pilot, timeout)
        raise_refusal()
        if cond() or _queued(app):
            continue
        tasks = [w._task for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                 and w._task is not None and not w._task.done()]
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.0, deadline - monotonic()), return_when=asyncio.FIRST_COMPLETED)
        else:
            await asyncio.sleep(FRAME_S)
