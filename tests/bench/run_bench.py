"""``make bench``: the figures of issue 2 on this machine.

1. time from ``zc-review open PACKAGE`` (a real process in tmux) to the first screen, and from typing the
   opening secrets to the recorder's login prompt (signature check + two scrypt-derived age layers + load);
2. keystroke-to-screen on the scoring grid and on the ballot screen (a key event posted to the app until
   the screen has processed it and refreshed), median and worst;
3. export and import of the demo's sealed bundle;
4. the whole demo script through the real screens (Pilot, as ``make demo`` plays it) beside the same script
   through the service (ScriptRunner, as ``--no-tui``), on the same package, in the same run: wall and CPU
   seconds of each and their ratio (issue 9's target: screens ≤ 1.5× the service).

Results print as a table and go to reports/bench.json. Nothing here asserts a time: machines are noisy.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


#: The issue's row "the first 80 actions through the screens" (117.6 s, service 5.3 s).
FIRST_N = 80


def _packed(tmp: Path) -> Any:
    from tests.conftest import _pack
    from zc_review.service.office import keygen, trust_add

    keys = tmp / "keys"
    keygen(keys, "青川市人力资源和社会保障局")
    trust_add(keys / "root-cert.pem", tmp / "home")
    return _pack(tmp, ROOT / "data/demo", keys)


def bench_startup(packed: Any, tmp: Path) -> dict[str, float]:
    """Wall time from launching ``zc-review open`` in tmux until the unlock screen is on the terminal."""
    if not shutil.which("tmux"):
        return {}
    exe = Path(sys.executable).parent / "zc-review"
    session = f"zcbench{os.getpid()}"
    env = f"ZC_REVIEW_HOME={tmp / 'home'} LANG=C.UTF-8 TERM=xterm-256color"
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                        f"{env} {exe} open {packed.package}"], check=True)
        try:
            while time.perf_counter() - t0 < 30:
                pane = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                      text=True).stdout
                if "开启口令" in pane:
                    break
                time.sleep(0.01)
            times.append(time.perf_counter() - t0)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return {"open_to_first_screen_s_median": statistics.median(times), "open_to_first_screen_s_worst": max(times)}


async def bench_unlock(packed: Any, tmp: Path) -> dict[str, float]:
    from zc_review.tui.app import make_app

    app = make_app(package_path=packed.package, home=tmp / "home", out_dir=tmp / "usb")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.click("#unlock-chair")
        await pilot.press(*packed.secrets.chair_opening)
        await pilot.click("#unlock-supervisor")
        await pilot.press(*packed.secrets.supervisor_opening)
        t0 = time.perf_counter()
        await pilot.press("enter")
        while app.screen.__class__.__name__ != "CredentialPrompt":
            await asyncio.sleep(0.01)
        return {"unlock_to_login_s": time.perf_counter() - t0}


async def bench_keys(packed: Any, tmp: Path) -> dict[str, float]:
    from tests.bench.latency import keystrokes
    from tests.conftest import index_of, new_room
    from zc_review.demo import closing as autopilot_closing
    from zc_review.demo import opening as autopilot_opening
    from zc_review.service.script import ScriptRunner
    from zc_review.tui.app import make_app

    out: dict[str, float] = {}
    room = new_room(packed)
    runner = ScriptRunner(room, packed.secrets, tmp / "usb")
    runner.run(packed.script["actions"][:index_of(packed, "scores")])
    app = make_app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await autopilot_opening.credential(pilot, "S02", packed.secrets)
        await autopilot_opening.wait_for(pilot, lambda: app.screen.__class__.__name__ == "DashboardScreen", "dash")
        await autopilot_opening._open_scoring(pilot, app, "R02", packed.secrets)
        seq = []
        for _ in range(12):
            seq += ["8", ".", "5", "tab"]
        seq += ["down", "up", "right", "left"] * 6
        lat = await keystrokes(pilot, seq)
        out["scoring_key_ms_median"] = statistics.median(lat)
        out["scoring_key_ms_worst"] = max(lat)
    room = new_room(packed)
    runner = ScriptRunner(room, packed.secrets, tmp / "usb")
    runner.run(packed.script["actions"][:index_of(packed, "ballot")])
    app = make_app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await autopilot_opening.credential(pilot, "S02", packed.secrets)
        await autopilot_opening.wait_for(pilot, lambda: app.screen.__class__.__name__ == "DashboardScreen", "dash")
        from zc_review.tui.screens.ballot import BallotScreen, VotingScreen

        await autopilot_closing.open_step(pilot, "ballot", BallotScreen)
        await autopilot_closing.key(pilot, "n")
        await autopilot_closing.login(pilot, "R01", packed.secrets.persons["R01"])
        await autopilot_closing.until(pilot, lambda: autopilot_closing.on_top(app, VotingScreen), "voting")
        lat = await keystrokes(pilot, ["1", "down", "2", "down", "3", "down"] * 10 + ["up"] * 20)
        out["ballot_key_ms_median"] = statistics.median(lat)
        out["ballot_key_ms_worst"] = max(lat)
    return out


def bench_export_import(packed: Any, tmp: Path) -> dict[str, float]:
    from tests.conftest import index_of, new_room
    from zc_review.service.office import import_bundle, verify_bundle
    from zc_review.service.script import ScriptRunner

    room = new_room(packed, tmp / "db" / "session.db")
    runner = ScriptRunner(room, packed.secrets, tmp / "usb")
    stop = index_of(packed, "export")
    t0 = time.perf_counter()
    runner.run(packed.script["actions"][:stop])
    played = time.perf_counter() - t0
    t0 = time.perf_counter()
    bundle, _ = room.closing.export_bundle(runner.recorder, tmp / "usb")
    export = time.perf_counter() - t0
    t0 = time.perf_counter()
    verify_bundle(bundle, packed.keys)
    verify = time.perf_counter() - t0
    t0 = time.perf_counter()
    import_bundle(bundle, packed.keys, f"sqlite:///{tmp / 'archive.db'}")
    imported = time.perf_counter() - t0
    return {"service_session_s": played, "export_s": export, "verify_s": verify, "import_s": imported,
            "bundle_bytes": float(bundle.stat().st_size)}


class _CredentialChecks:
    """Counts the room's credential checks (``RoomContext.authenticate``: one Argon2id each) and their seconds,
    in any thread (the screens check in a worker thread)."""

    def __init__(self) -> None:
        self.n, self.seconds = 0, 0.0
        self._lock = threading.Lock()
        self._real: Any = None

    def install(self) -> _CredentialChecks:
        from zc_review.service.room.context import RoomContext

        real = self._real = RoomContext.authenticate
        counter = self

        def counted(ctx: Any, person_id: str, secret: str) -> Any:
            t0 = time.perf_counter()
            try:
                return real(ctx, person_id, secret)
            finally:
                with counter._lock:
                    counter.n += 1
                    counter.seconds += time.perf_counter() - t0

        RoomContext.authenticate = counted  # type: ignore[method-assign]
        return self

    def uninstall(self) -> None:
        from zc_review.service.room.context import RoomContext

        RoomContext.authenticate = self._real  # type: ignore[method-assign]


def bench_demo_screens_vs_service(packed: Any, tmp: Path) -> dict[str, float]:
    """The demo script through the screens and through the service, same package, same run (issue 9).

    The package is packed here as ``make demo`` packs it: production Argon2id for every person's credential.
    The screens' run also gives, per action kind, the app's time beyond the service's (``service_time``).

    The two runs do not check the same number of credentials: the service's ``ScriptRunner`` checks each
    person's once and keeps the Actor, while the screens check one per sitting at the keyboard (each hand-over,
    each voter), as the room must (issue 9: "one credential check per person per sitting"). So beside the
    plain ratio the figures give the same-work reference: the service's run plus the screens' extra
    credential checks, each at the mean cost measured in this run (``demo_same_work_reference_s``), and
    the screens' ratio to it (``demo_screens_over_same_work_wall``); ``demo_screens_app_s`` is the time the
    screens add beyond every service call (wall minus time in the service, checks included).

    The floor (``switch_floor.py``): the screens' pushes and closes counted in the run, times what one push
    and close of a kept dialog costs a bare Textual app in the same run (``textual_switch_pair_*``), is
    ``demo_switches_floor_s``; the keys pressed times a bare app's cost per key typed in a burst
    (``textual_key_in_burst_ms_median``) is ``demo_keys_floor_s``; ``demo_floor_over_same_work`` is the ratio
    the screens could reach if they cost nothing but those switches and keys (issue 9's target is 1.5).
    """
    from tests.bench.service_time import ActionTimes, ServiceTime
    from tests.bench.switch_floor import SwitchCount, switch_floor
    from zc_review.demo.autopilot import play_in_tui
    from zc_review.service import RoomService
    from zc_review.service.office import pack, trust_add
    from zc_review.service.script import ScriptRunner, Secrets

    package, secrets_path = tmp / "demo-production.zcp", tmp / "demo-production-secrets.json"
    pack(ROOT / "data/demo", package, packed.keys, secrets_out=secrets_path)
    secrets = Secrets.load(secrets_path)
    out: dict[str, float] = {}
    service_time = ServiceTime().install()  # both runs pay the same wrapping
    actions = ActionTimes(service_time)
    checks = _CredentialChecks().install()
    for mode in ("service", "screens"):
        home = tmp / f"home-{mode}"
        trust_add(packed.keys / "root-cert.pem", home)  # the trusted office root, no session yet
        w0, c0, t0 = time.perf_counter(), time.process_time(), time.thread_time()
        if mode == "service":
            room = RoomService.open(package, secrets.chair_opening, secrets.supervisor_opening, home=home)
            runner = ScriptRunner(room, secrets, tmp / f"usb-{mode}")
            runner.run(packed.script["actions"][:FIRST_N])
            out[f"demo_service_first_{FIRST_N}_wall_s"] = time.perf_counter() - w0  # the "first 80" row
            runner.run(packed.script["actions"][FIRST_N:])
        else:
            actions.start()
            stop_counting = actions.count_keys()
            switches = SwitchCount().install()
            asyncio.run(play_in_tui(package, home, tmp / f"usb-{mode}", packed.script, secrets,
                                    progress=actions.progress))
            switches.uninstall()
            actions.close()
            stop_counting()
            out["demo_screens_pushes_n"], out["demo_screens_pops_n"] = float(switches.pushes), float(switches.pops)
        out[f"demo_{mode}_wall_s"] = time.perf_counter() - w0
        out[f"demo_{mode}_cpu_s"] = time.process_time() - c0
        out[f"demo_{mode}_in_service_s"] = service_time.total
        # the main thread's CPU outside the service: the app's own work (service_time's docstring)
        out[f"demo_{mode}_main_cpu_outside_service_s"] = time.thread_time() - t0 - service_time.main_cpu
        out[f"demo_{mode}_credential_checks_n"] = float(checks.n)
        out[f"demo_{mode}_credential_checks_s"] = checks.seconds
        service_time.total, service_time.main_cpu, checks.n, checks.seconds = 0.0, 0.0, 0, 0.0
    service_time.uninstall()
    checks.uninstall()
    out["demo_screens_over_service_wall"] = out["demo_screens_wall_s"] / out["demo_service_wall_s"]
    out["demo_screens_over_service_cpu"] = out["demo_screens_cpu_s"] / out["demo_service_cpu_s"]
    extra = out["demo_screens_credential_checks_n"] - out["demo_service_credential_checks_n"]
    mean = out["demo_screens_credential_checks_s"] / max(1.0, out["demo_screens_credential_checks_n"])
    out["demo_same_work_reference_s"] = out["demo_service_wall_s"] + extra * mean
    out["demo_screens_over_same_work_wall"] = out["demo_screens_wall_s"] / out["demo_same_work_reference_s"]
    out["demo_screens_app_s"] = out["demo_screens_wall_s"] - out["demo_screens_in_service_s"]
    out.update(actions.figures("screens_action"))
    # Textual's own floor per screen switch and per key, in this run, times the demo's switches and keys
    # (switch_floor.py): the screens' time beyond the same work cannot be less, whatever the app draws
    out.update(asyncio.run(switch_floor()))
    pairs = min(out["demo_screens_pushes_n"], out["demo_screens_pops_n"])
    out["demo_switches_floor_s"] = pairs * out["textual_switch_pair_kept_ms_median"] / 1000
    out["demo_keys_floor_s"] = out["screens_action_keys_n"] * out["textual_key_in_burst_ms_median"] / 1000
    out["demo_floor_over_same_work"] = ((out["demo_same_work_reference_s"] + out["demo_switches_floor_s"]
                                         + out["demo_keys_floor_s"]) / out["demo_same_work_reference_s"])
    # the "first 80 actions" row: from the package to the end of action 80, unlock and login included
    out[f"demo_screens_first_{FIRST_N}_wall_s"] = actions.first_wall_s(FIRST_N)
    out[f"demo_screens_over_service_first_{FIRST_N}"] = (out[f"demo_screens_first_{FIRST_N}_wall_s"]
                                                        / out[f"demo_service_first_{FIRST_N}_wall_s"])
    return out


def main() -> None:
    figures: dict[str, Any] = {"machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        os.environ["ZC_REVIEW_HOME"] = str(tmp / "home")
        packed = _packed(tmp)
        figures.update(bench_startup(packed, tmp))
        figures.update(asyncio.run(bench_unlock(packed, tmp)))
        figures.update(asyncio.run(bench_keys(packed, tmp)))
        figures.update(bench_export_import(packed, tmp))
        figures.update(bench_demo_screens_vs_service(packed, tmp))
    for k, v in figures.items():
        print(f"{k:36s} {v:.3f}" if isinstance(v, float) else f"{k:36s} {v}")
    out = ROOT / "reports" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
