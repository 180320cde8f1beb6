from __future__ import annotations
import time
from typing import Any
import zc_review.tui.autopilot_closing as ap
from tests.test_tui_closing import start, SIZE
from zc_review.tui.app import make_app

async def test_prof(room_at: Any, demo: Any) -> None:
    stats = {}
    def wrap(name, f):
        async def g(*a, **k):
            t0 = time.time()
            try: return await f(*a, **k)
            finally: stats[name] = stats.get(name, 0) + time.time() - t0
        return g
    ap.burst = wrap("burst", ap.burst); ap.until = wrap("until", ap.until); ap.login = wrap("login", ap.login)
    ap.open_step = wrap("open_step", ap.open_step); ap.to_dashboard = wrap("to_dash", ap.to_dashboard)
    room, runner = room_at("open_poll")
    app = make_app(room)
    acts = demo.script["actions"]
    i = next(i for i, a in enumerate(acts) if a["action"] == "open_poll")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app, demo.secrets)
        orig = pilot.press
        async def press(*k):
            t0 = time.time(); await orig(*k); stats["press"] = stats.get("press", 0) + time.time() - t0
        pilot.press = press
        assert await ap.play(pilot, app, acts[i], demo.secrets)
        stats.clear()
        t0 = time.time()
        for j in range(1, 4):
            assert await ap.play(pilot, app, acts[i + j], demo.secrets)
        print("3 ballots", time.time() - t0, stats)
