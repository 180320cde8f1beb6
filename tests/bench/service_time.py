"""How much of an action's time the room service takes (``make bench``; issue 9's "app time beyond the service").

``ServiceTime`` wraps every public method of the room service's facade and its parts (``RoomService``,
``Opening``, ``Scoring``, ``Panel``, ``Ballot``, ``Closing``, ``Close``, ``Views``, ``ShellViews``,
``Credentials``) and adds up the wall time spent in the outermost call, in any thread (the credential check
runs in a worker thread). Calls made by the autopilot itself (``zc_review.demo``: its checks of the room's
state between keys) are not counted as service time, except the one action that has no screen
(``void_round``, done through the service by the autopilot): they are the autopilot's cost, so they stay in
the app's figure, which is thus an upper bound. ``ActionTimes`` splits a run into its script actions
(the autopilot's ``progress`` callback) and gives, per action kind, the wall time and the service time.

The app's time of an action is the main thread's CPU time outside the service (``main_cpu``: CPU seconds of the
application's thread inside service calls): what drawing, layout and the autopilot cost. Wall time minus service
time was not it: a credential check (Argon2id, in a worker thread) runs while the main thread goes on drawing,
so work done meanwhile was counted as the service's, and a main-thread call waiting for the room while the
check held it counted twice; the same ballot measured 72 or 155 ms of "app time" as the drawing moved before or
after the check, at the same wall time.
"""

from __future__ import annotations

import functools
import inspect
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any


class ServiceTime:
    """Seconds spent inside the room service (``total``) while installed."""

    def __init__(self) -> None:
        self.total = 0.0
        self.main_cpu = 0.0  # CPU seconds of the main thread inside service calls
        self._main = threading.main_thread()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._undo: list[tuple[type, str, Any]] = []

    def install(self) -> ServiceTime:
        """Wrap the service's public methods (class level, so rooms opened later are timed too)."""
        from zc_review.service.room import (
            Ballot,
            Close,
            Closing,
            Credentials,
            Opening,
            Panel,
            RoomService,
            Scoring,
            Views,
        )
        from zc_review.service.room.shell_views import ShellViews

        for cls in (RoomService, Opening, Scoring, Panel, Ballot, Closing, Close, Views, ShellViews, Credentials):
            for name, fn in list(vars(cls).items()):
                if not name.startswith("_") and inspect.isfunction(fn):
                    setattr(cls, name, self._wrap(fn))
                    self._undo.append((cls, name, fn))
        return self

    def uninstall(self) -> None:
        """Put the original methods back."""
        for cls, name, fn in reversed(self._undo):
            setattr(cls, name, fn)
        self._undo.clear()

    def _wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        local, lock = self._local, self._lock

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(local, "depth", 0)
            counted = True
            if depth == 0:
                caller = sys._getframe(1)
                counted = (not caller.f_globals.get("__name__", "").startswith("zc_review.demo")
                           or caller.f_code.co_name == "_do_void_round")
            local.depth = depth + 1
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                local.depth = depth
                if depth == 0 and counted:
                    main = threading.current_thread() is self._main
                    with lock:
                        self.total += time.perf_counter() - t0
                        if main:
                            self.main_cpu += time.thread_time() - c0

        return timed


class ActionTimes:
    """Per script action: (kind, wall seconds, service seconds, app seconds), from the autopilot's ``progress``
    calls (made on the main thread); app seconds are the main thread's CPU outside the service."""

    def __init__(self, service: ServiceTime) -> None:
        self.service = service
        self.actions: list[tuple[str, float, float, float]] = []
        self.keys: list[int] = []  # keys pressed during each action (``count_keys``), in step with ``actions``
        self.pressed = 0
        self._open: tuple[str, float, float, float, float] | None = None
        self._open_keys = 0
        self._started = time.perf_counter()  # the run's start (``start``; unlock and login precede action 1)
        self._ends: list[float] = []  # seconds from the start to the end of each action

    def start(self) -> None:
        """The run starts now (before opening the package)."""
        self._started = time.perf_counter()

    def count_keys(self) -> Callable[[], None]:
        """Count every key event posted to an app from now on (``pressed``); returns the function that stops
        counting. An action's keys are what a person would press for it: its marks, a secret, a reason typed."""
        from textual import events
        from textual.app import App

        original = App.post_message

        def post_message(app: Any, message: Any) -> bool:
            # once per key: a key no widget handles bubbles up and is posted to the app again, the same event
            if isinstance(message, events.Key) and not getattr(message, "_zc_counted", False):
                message._zc_counted = True
                self.pressed += 1
            return original(app, message)

        App.post_message = post_message  # type: ignore[method-assign]

        def stop() -> None:
            App.post_message = original  # type: ignore[method-assign]

        return stop

    def progress(self, done: int, total: int, kind: str) -> None:
        """The autopilot starts action ``done`` (of ``total``), of ``kind``."""
        self.close()
        self._open = (kind, time.perf_counter(), self.service.total, time.thread_time(), self.service.main_cpu)
        self._open_keys = self.pressed

    def close(self) -> None:
        """The action in progress (if any) has ended."""
        if self._open is not None:
            kind, w0, s0, c0, m0 = self._open
            now = time.perf_counter()
            app = (time.thread_time() - c0) - (self.service.main_cpu - m0)
            self.actions.append((kind, now - w0, self.service.total - s0, app))
            self.keys.append(self.pressed - self._open_keys)
            self._ends.append(now - self._started)
            self._open = None

    def first_wall_s(self, n: int) -> float:
        """Seconds from ``start`` to the end of the ``n``-th action (NaN if the run had fewer)."""
        return self._ends[n - 1] if len(self._ends) >= n else float("nan")

    def figures(self, prefix: str = "action") -> dict[str, float]:
        """Per kind: count; app ms median and worst; service ms median; wall ms median and its ratio to the
        service's (the issue's "1.35 s / 60× / 21× the service"); how many actions took more than 150 ms of app
        time, and the worst eight by kind. With ``count_keys``: per kind, the keys pressed (median) and the app
        time per key (median and worst), and over all actions the worst app time per key: an action's app time
        grows with what a person types for it (a ballot's 36 marks, a secret, a reason), the time per key does
        not, and it is what a person waits for after each key."""
        kinds: dict[str, list[tuple[float, float, float]]] = {}
        for kind, wall, svc, app in self.actions:
            kinds.setdefault(kind, []).append((wall, svc, app))
        out: dict[str, float] = {}
        if len(self.keys) == len(self.actions) and any(self.keys):
            per_kind: dict[str, list[tuple[int, float]]] = {}
            for (kind, _, _, app), n in zip(self.actions, self.keys, strict=True):
                per_kind.setdefault(kind, []).append((n, app * 1000 / max(n, 1)))
            for kind, rows in sorted(per_kind.items()):
                out[f"{prefix}_{kind}_keys_median"] = float(statistics.median(n for n, _ in rows))
                out[f"{prefix}_{kind}_app_ms_per_key_median"] = statistics.median(m for _, m in rows)
                out[f"{prefix}_{kind}_app_ms_per_key_worst"] = max(m for _, m in rows)
            out[f"{prefix}_keys_n"] = float(sum(self.keys))
            out[f"{prefix}_app_ms_per_key_worst"] = max(m for rows in per_kind.values() for _, m in rows)
        over = [(kind, app * 1000) for kind, _, _, app in self.actions if app * 1000 > 150]
        out[f"{prefix}_all_n"] = float(len(self.actions))
        out[f"{prefix}_over_150ms_n"] = float(len(over))  # issue 9's target: every action ≤ 150 ms of app time
        for i, (kind, ms) in enumerate(sorted(over, key=lambda o: -o[1])[:8]):
            out[f"{prefix}_over_150ms_{i + 1}_{kind}_ms"] = ms
        for kind, rows in sorted(kinds.items()):
            out[f"{prefix}_{kind}_n"] = float(len(rows))
            out[f"{prefix}_{kind}_app_ms_median"] = statistics.median(a * 1000 for _, _, a in rows)
            out[f"{prefix}_{kind}_app_ms_worst"] = max(a * 1000 for _, _, a in rows)
            out[f"{prefix}_{kind}_service_ms_median"] = statistics.median(s * 1000 for _, s, _ in rows)
            out[f"{prefix}_{kind}_wall_ms_median"] = statistics.median(w * 1000 for w, _, _ in rows)
            out[f"{prefix}_{kind}_wall_over_service"] = (out[f"{prefix}_{kind}_wall_ms_median"]
                                                         / max(out[f"{prefix}_{kind}_service_ms_median"], 1e-3))
        return out
