"""The crash harness (``make crash``): pull the plug at random moments of a whole session, resume, compare.

The parent packs a session (fast key derivation), then plays its script in a child process through the
service on a file database under a temporary ZC_REVIEW_HOME. It kills the child with SIGKILL in the
middle of chosen actions (scores, ballots, closing a poll, tallies, PDF rendering, signatures, export),
restarts it, and the child resumes: it acknowledges an action (fsync'd file) only after the service call
returned, and on restart asks the database whether the action after the last acknowledged one is done
(zc_review/service/resume.py). After every kill the parent checks the database: integrity, every ballot
whole (slips = voters on the roll), no acknowledged action lost. Every run ends with results identical to
an uninterrupted run (and to data/demo/expected-results.json), no stray or partial bundle, and a bundle
the office verifies.

    .venv/bin/python tools/crash.py                      # ≥100 kill points on data/demo
    .venv/bin/python tools/crash.py --kills 5 --runs 1   # a sample
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# kinds of kill point, so the report can say where the plug was pulled
from zc_review.service.script.progress import ack, read_acks  # noqa: E402  (one implementation)

CATEGORY = {"scores": "mid-score", "key_sheet": "mid-score", "ballot": "mid-ballot",
            "close_poll": "mid-close/tally",
            "open_poll": "mid-open-poll", "open_runoff": "mid-open-poll", "generate_minutes": "mid-PDF",
            "sign_minutes": "mid-signature", "sign_off": "mid-signature", "pledge": "mid-signature",
            "sign_rubric": "mid-signature", "export": "mid-export", "failure_reason": "mid-close/tally"}


# -- the child ---------------------------------------------------------------------------------------------



def child(args: argparse.Namespace) -> int:
    from zc_review.domain.outcome import declared_numbers
    from zc_review.service import RoomService
    from zc_review.service.script import ScriptRunner, Secrets, action_done

    actions = json.loads(Path(args.script).read_text("utf-8"))["actions"]
    secrets = Secrets.load(Path(args.secrets))
    print("B", flush=True)
    if args.unlocked:  # the payload the parent unlocked once: skips the package open (≈ 0.5 s), same constructor as open()
        import hashlib
        import pickle

        from zc_review.service import paths as zpaths
        from zc_review.storage.engine import make_engine

        payload, package_id = pickle.loads(Path(args.unlocked).read_bytes())
        workdir = zpaths.session_dir(str(payload.session["session_id"]))
        service = RoomService.build(payload=payload, package_id=package_id,
                              package_sha256=hashlib.sha256(Path(args.package).read_bytes()).hexdigest(),
                              engine=make_engine(workdir / "session.db"), workdir=workdir)
    else:
        service = RoomService.open(Path(args.package), secrets.chair_opening, secrets.supervisor_opening)
    runner = ScriptRunner(service, secrets, Path(args.out))
    acks = Path(args.acks)
    start = read_acks(acks)
    with open(acks, "a", encoding="ascii") as fh:
        if start and not (start < len(actions) and action_done(service, actions[start])):
            # the state is exactly "after the last acknowledged action": its effect must be there
            last = actions[start - 1]
            if last["action"] not in ("view_dossier", "export", "generate_minutes") and not action_done(service, last):
                print(f"LOST {start - 1}", flush=True)
                return 3
        if start < len(actions) and action_done(service, actions[start]):
            print(f"R {start}", flush=True)  # done before the kill, acknowledgement lost: not redone
            ack(fh, start)
            start += 1
        for i in range(start, len(actions)):
            print(f"S {i} {time.monotonic():.4f}", flush=True)
            runner.perform(actions[i])
            ack(fh, i)
            print(f"A {i} {time.monotonic():.4f}", flush=True)
    results = declared_numbers(service.defn, service.outcome())
    Path(args.results).write_text(json.dumps(results, sort_keys=True), "utf-8")
    print("DONE", flush=True)
    return 0


# -- the parent ----------------------------------------------------------------------------------------------

class Setup:
    """Office keys, a packed session (fast KDF), its secrets and script, in a temporary folder."""

    def __init__(self, base: Path, input_dir: Path, packed: tuple[Path, Path, Path] | None = None) -> None:
        """``packed``: (keys, package, secrets) already made (tests), else keys and a package are made here."""
        from zc_review.service.office import keygen, pack

        self.base = base
        if packed is not None:
            self.keys, self.package, self.secrets = packed
        else:
            self.keys = base / "keys"
            keygen(self.keys, "青川市人力资源和社会保障局")
            self.package = base / "session.zcp"
            self.secrets = base / "secrets.json"
            pack(input_dir, self.package, self.keys, secrets_out=self.secrets, fast_kdf=True)
        self.script = input_dir / "script.json"
        self.actions = json.loads(self.script.read_text("utf-8"))["actions"]
        expected = input_dir / "expected-results.json"
        self.expected = json.loads(expected.read_text("utf-8")) if expected.exists() else None
        self.unlocked = base / "unlocked.pickle"
        self.spawned = 0

    def unlock_once(self) -> None:
        """Open the package for real once (two scrypt-derived age layers, ≈ 0.5 s) and keep the payload for fast restarts."""
        import pickle

        from zc_review.service import RoomService
        from zc_review.service.script import Secrets

        sec = Secrets.load(self.secrets)
        self.new_run("unlock")  # a home that trusts the office root
        room = RoomService.open(self.package, sec.chair_opening, sec.supervisor_opening, in_memory=True)
        self.unlocked.write_bytes(pickle.dumps((room.payload, room.package_id)))

    def new_run(self, name: str) -> dict[str, Path]:
        from zc_review.service.office import trust_add

        run = self.base / name
        home = run / "home"
        home.mkdir(parents=True)
        os.environ["ZC_REVIEW_HOME"] = str(home)
        trust_add(self.keys / "root-cert.pem")
        return {"run": run, "home": home, "out": run / "usb", "acks": run / "acks.txt", "results": run / "results.json"}

    def spawn(self, paths: dict[str, Path]) -> subprocess.Popen[str]:
        env = dict(os.environ, ZC_REVIEW_HOME=str(paths["home"]), PYTHONUNBUFFERED="1")
        # every tenth start unlocks the package for real, as `zc-review open` does after a power cut
        fast = ["--unlocked", str(self.unlocked)] if self.spawned % 10 and self.unlocked.exists() else []
        self.spawned += 1
        return subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", "--package", str(self.package),
             "--secrets", str(self.secrets), "--script", str(self.script), "--out", str(paths["out"]),
             "--acks", str(paths["acks"]), "--results", str(paths["results"]), *fast],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def session_db(paths: dict[str, Path]) -> Path | None:
    found = list((paths["home"] / "sessions").glob("*/session.db")) if (paths["home"] / "sessions").exists() else []
    return found[0] if found else None


def check_db(db: Path | None) -> list[str]:
    """Integrity, and every ballot whole: for each round and applicant, slips = voters on the roll not recused."""
    if db is None or not db.exists():
        return []
    problems = []
    with sqlite3.connect(db) as c:
        if c.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return ["integrity_check failed"]
        recused = set(c.execute("SELECT reviewer_id, applicant_id FROM recusal").fetchall())
        for round_no, apps in c.execute("SELECT round_no, applicants_json FROM pollround").fetchall():
            voters = [r for (r,) in c.execute("SELECT reviewer_id FROM voterroll WHERE round_no=?", (round_no,))]
            if len(voters) != len(set(voters)):
                problems.append(f"round {round_no}: double vote")
            for a in json.loads(apps):
                n = c.execute("SELECT count(*) FROM ballotslip WHERE round_no=? AND applicant_id=?",
                              (round_no, a)).fetchone()[0]
                if n != sum(1 for v in voters if (v, a) not in recused):
                    problems.append(f"round {round_no} {a}: {n} slips for {len(voters)} voters")
    return problems


def drive(setup: Setup, paths: dict[str, Path], target: int | None, fraction: float,
          durations: dict[int, float]) -> tuple[str, str, int]:
    """Start (or restart) the child; kill it ``fraction`` into action ``target`` (None: let it finish).

    Returns: (what happened: "killed" | "done" | "failed: …", stderr tail, index of the action hit).
    """
    proc = setup.spawn(paths)
    assert proc.stdout is not None
    hit = -1
    for line in proc.stdout:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "S":
            i = int(parts[1])
            hit = i
            if target is not None and i >= target:
                time.sleep(fraction * durations.get(i, 0.05))  # uncalibrated: 0–50 ms in
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return "killed", "", hit
        elif parts[0] == "A":
            durations.setdefault(int(parts[1]), 0.0)
        elif parts[0] == "DONE":
            break
        elif parts[0] == "LOST":
            proc.wait()
            return f"failed: acknowledged action {parts[1]} lost", "", hit
    proc.wait()
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        return f"failed: exit {proc.returncode}", err[-2000:], hit
    return "done", "", hit


def calibrate(setup: Setup) -> tuple[dict[int, float], Any]:
    """One uninterrupted run: each action's duration, and the reference results."""
    paths = setup.new_run("calibration")
    proc = setup.spawn(paths)
    assert proc.stdout is not None
    starts: dict[int, float] = {}
    durations: dict[int, float] = {}
    for line in proc.stdout:
        parts = line.split()
        if parts and parts[0] == "S":
            starts[int(parts[1])] = float(parts[2])
        elif parts and parts[0] == "A":
            durations[int(parts[1])] = float(parts[2]) - starts[int(parts[1])]
    proc.wait()
    if proc.returncode != 0:
        raise SystemExit(f"calibration run failed:\n{proc.stderr.read() if proc.stderr else ''}")
    return durations, json.loads(paths["results"].read_text("utf-8"))


def pick_targets(setup: Setup, rng: random.Random, k: int) -> list[tuple[int, float]]:
    """k kill points in action order: one per category first (round-robin), then anywhere."""
    by_cat: dict[str, list[int]] = {}
    for i, a in enumerate(setup.actions):
        by_cat.setdefault(CATEGORY.get(a["action"], "anywhere"), []).append(i)
    cats = sorted(by_cat)
    rng.shuffle(cats)
    # the same action may be drawn twice: the second kill then lands in its redo (or the next action)
    chosen = [rng.choice(list(by_cat[cats[n % len(cats)]] if n < 2 * len(cats) else range(len(setup.actions))))
              for n in range(k)]
    return sorted((i, rng.random()) for i in chosen)


def finish_checks(setup: Setup, paths: dict[str, Path], reference: Any) -> list[str]:
    from zc_review.service.office import verify_bundle

    problems = []
    results = json.loads(paths["results"].read_text("utf-8"))
    if reference is not None and results != reference:
        problems.append("results differ from the uninterrupted run")
    if setup.expected is not None and results != setup.expected:
        problems.append("results differ from expected-results.json")
    files = sorted(p.name for p in paths["out"].iterdir()) if paths["out"].exists() else []
    bundles = [f for f in files if f.endswith(".zcb")]
    if len(bundles) != 1 or len(files) != 1:
        problems.append(f"out folder holds {files}")
    elif not (rep := verify_bundle(paths["out"] / bundles[0], setup.keys)).ok:
        problems.append("bundle does not verify: " + "; ".join(rep.failures()[:3]))
    problems += check_db(session_db(paths))
    return problems


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("package", "secrets", "script", "out", "acks", "results", "unlocked"):
        p.add_argument(f"--{name}", help=argparse.SUPPRESS)
    p.add_argument("--input", type=Path, default=ROOT / "data/demo")
    p.add_argument("--kills", type=int, default=108, help="kill points in all")
    p.add_argument("--runs", type=int, default=6, help="whole sessions (kills are spread over them)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--report", type=Path, default=None, help="write the figures as JSON")
    args = p.parse_args()
    if args.child:
        return child(args)

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    base = Path(tempfile.mkdtemp(prefix="zc-crash-"))
    try:
        rep = harness(Setup(base, args.input), kills=args.kills, runs=args.runs, seed=seed)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"kill points tried {rep['tried']}, passed {rep['passed']}; by kind {rep['by_kind']}; "
          f"{rep['seconds']} s (seed {seed})", flush=True)
    for f in rep["failures"]:
        print("FAIL", f, flush=True)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(rep, indent=1, ensure_ascii=False), "utf-8")
    return 0 if rep["tried"] and rep["passed"] == rep["tried"] else 1


def harness(setup: Setup, *, kills: int, runs: int, seed: int, calibrated: bool = True) -> dict[str, Any]:
    """Kill ``kills`` times over ``runs`` whole sessions. Without calibration (a quick sample) the kill
    lands a random 0–50 ms into the action and the reference is the bundle's own recount only.

    A target already behind the resume point (its action was done before the restart) is drawn again among
    the actions left; a kill that finds the session finished is carried to the next run (a session of its
    own at the end if needed, at most three more): the harness never counts its own miss as a failure.

    Returns: {"seed", "tried", "passed", "by_kind", "seconds", "failures"}.
    """
    rng = random.Random(seed)
    t0 = time.monotonic()
    tried = passed = 0
    failures: list[str] = []
    categories: dict[str, int] = {}
    setup.unlock_once()
    durations: dict[int, float] = {}
    reference = None
    if calibrated:
        durations, reference = calibrate(setup)
        print(f"session of {len(setup.actions)} actions, uninterrupted run "
              f"{sum(durations.values()):.1f} s of service calls", flush=True)
    per_run = [kills // runs + (1 if r < kills % runs else 0) for r in range(runs)]
    r = 0
    carried = 0  # kills that found no action left in their run: they go to the next run (one more if need be)
    while r < len(per_run):
        k = per_run[r] + carried
        carried = 0
        paths = setup.new_run(f"run{r}")
        run_tried: list[tuple[int, str]] = []
        run_failed: list[str] = []
        for target, fraction in pick_targets(setup, rng, k):
            resume = read_acks(paths["acks"])
            if resume >= len(setup.actions):  # the session is over: this kill belongs to another run
                carried += 1
                continue
            if target < resume:  # already behind the resume point: draw again among the actions left
                target = rng.randrange(resume, len(setup.actions))
            what, err, hit = drive(setup, paths, target, fraction, durations)
            if what == "done":  # finished before reaching the target (its last actions were redone): no kill
                carried += 1
                break
            if what != "killed":
                run_failed.append(f"kill before action {target}: {what} {err}")
                break
            cat = CATEGORY.get(setup.actions[hit]["action"], "anywhere") if hit >= 0 else "mid-startup"
            categories[cat] = categories.get(cat, 0) + 1
            run_tried.append((hit, cat))
            problems = check_db(session_db(paths))
            if problems:
                run_failed.append(f"after kill at action {hit}: {problems}")
        what, err, _ = drive(setup, paths, None, 0, durations)
        if what != "done":
            run_failed.append(f"final resume: {what} {err}")
        else:
            run_failed += finish_checks(setup, paths, reference)
        tried += len(run_tried)
        if not run_failed:
            passed += len(run_tried)
        else:
            failures += [f"run {r}: {f}" for f in run_failed]
        print(f"run {r}: {len(run_tried)} kill points {'passed' if not run_failed else 'FAILED'} "
              f"({time.monotonic() - t0:.0f} s)", flush=True)
        shutil.rmtree(paths["run"], ignore_errors=True)
        if carried and r == len(per_run) - 1 and len(per_run) < runs + 3:
            per_run.append(0)  # the kills carried over get a whole session of their own
        r += 1
    elapsed = time.monotonic() - t0
    return {"seed": seed, "tried": tried, "passed": passed, "by_kind": dict(sorted(categories.items())),
            "seconds": round(elapsed), "failures": failures}


if __name__ == "__main__":
    raise SystemExit(main())
