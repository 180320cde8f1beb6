"""How much of an action's time the room service takes (``make bench``; issue 9's "app time beyond the service").

``ServiceTime`` wraps every public method of the room service's facade and its parts (``RoomService``,
``Opening``, ``Scoring``, ``Panel``, ``Ballot``, ``Closing``, ``Close``, ``Views``, ``ShellViews``,
``Credentials``) and adds up the wall time spent in the outermost call, in any thread (the credential check
runs in a worker thread). Calls made by the autopilot itself (``zc_review.demo``: its checks of the room's
state between keys) are not counted as service time, except the one action that has no screen
(``void_round``, done through the service by the autopilot): they are the autopilot's cost, so they stay in
the app's figure, which is thus an upper bound. ``ActionTimes`` splits a run into its script actions
(the autopilot's ``progress`` callback) and gives, per action kind, the wall time and the service time.
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
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                local.depth = depth
                if depth == 0 and counted:
                    with lock:
                        self.total += time.perf_counter() - t0

        return timed


class ActionTimes:
    """Per script action: (kind, wall seconds, service seconds), from the autopilot's ``progress`` calls."""

    def __init__(self, service: ServiceTime) -> None:
        self.service = service
        self.actions: list[tuple[str, float, float]] = []
        self._open: tuple[str, float, float] | None = None

    def progress(self, done: int, total: int, kind: str) -> None:
        """The autopilot starts action ``done`` (of ``total``), of ``kind``."""
        self.close()
        self._open = (kind, time.perf_counter(), self.service.total)

    def close(self) -> None:
        """The action in progress (if any) has ended."""
        if self._open is not None:
            kind, w0, s0 = self._open
            self.actions.append((kind, time.perf_counter() - w0, self.service.total - s0))
            self._open = None

    def figures(self, prefix: str = "action") -> dict[str, float]:
        """Per kind: count, app ms (wall − service) median and worst, service ms median; and how many actions
        took more than 150 ms of app time, the worst eight by kind."""
        kinds: dict[str, list[tuple[float, float]]] = {}
        for kind, wall, svc in self.actions:
            kinds.setdefault(kind, []).append((wall, svc))
        out: dict[str, float] = {}
        over = [(kind, (w - s) * 1000) for kind, w, s in self.actions if (w - s) * 1000 > 150]
        out[f"{prefix}_all_n"] = float(len(self.actions))
        out[f"{prefix}_over_150ms_n"] = float(len(over))  # issue 9's target: every action ≤ 150 ms of app time
        for i, (kind, ms) in enumerate(sorted(over, key=lambda o: -o[1])[:8]):
            out[f"{prefix}_over_150ms_{i + 1}_{kind}_ms"] = ms
        for kind, rows in sorted(kinds.items()):
            app = [(w - s) * 1000 for w, s in rows]
            out[f"{prefix}_{kind}_n"] = float(len(rows))
            out[f"{prefix}_{kind}_app_ms_median"] = statistics.median(app)
            out[f"{prefix}_{kind}_app_ms_worst"] = max(app)
            out[f"{prefix}_{kind}_service_ms_median"] = statistics.median(s * 1000 for _, s in rows)
        return out
