"""``make bench-scale``: a province-sized committee through the service (issue 9), at several sizes.

For each size N (default 100, 300, 1,000, 2,000 applicants × 31 reviewers in 6 panels; ``--sizes 100,300``)
a child process (its own peak memory) generates the synthetic committee (tools/make_scale_data.py), packs
it, opens it, plays its script through the service (ScriptRunner, the same code as ``run-script``) and times:

* ``pack_s``, ``open_s``; every action, reported per kind as median and worst milliseconds;
* ``open_poll_ms``, ``close_poll_ms`` and a ``ballot`` (one reviewer's whole ballot) — the per-kind figures —
  and ``ballot_scrub_ms``, the part of a ballot spent on disk hygiene (WAL truncated and the database
  vacuumed after every cast, so no file holds the box in cast order: storage/secrecy.py);
* ``results_after_close_ms`` (the results read model as the screen reads it right after the poll closes) and
  ``results_ms`` (the same at the end of the session); ``outcome_ms``: one computation of the outcome from the
  record (what the command that changes a derived number pays once, read by every screen after it);
  ``minutes_ms`` and ``minutes_pages``, ``export_ms``;
* the office: ``verify_s``, ``import_sqlite_s`` and ``import_postgresql_s`` (``--pg URL``; without it a
  throw-away server is started the way tests/pg.py does when the PostgreSQL binaries are installed,
  ``--no-pg`` to leave it out);
* the counts that must not grow with N: SQL statements per action kind (an SQLAlchemy event) and outcome
  computations per session (the room's ``compute_outcome``).

Then the office archive at 100 sessions, on PostgreSQL and SQLite (issue 10 "Scale"): ``make bench-archive``'s
own code (tests/bench/bench_archive.py) is run and its figures (import per bundle, archive size, ``office
sessions`` / ``applicant`` / ``notice``) are printed and stored under ``archive`` (``--no-archive`` to skip).

Key derivation: the package's person credentials use the cheap test parameters (``fast_kdf``), so the figures
show the application's own cost; the production Argon2id cost of one credential check is printed apart (it is
constant per check, one check per person per sitting). The reference measured in the same run is the
smallest size: ``growth`` gives each size's per-action medians relative to it, and its per-applicant cost, so
linear growth shows as a flat ``per_applicant`` column; the largest size is also printed beside the issue's
targets. Results go to reports/bench-scale.json; nothing here asserts a time (machines are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (100, 300, 1000, 2000)


def _one(n: int, tmp: Path, pg_url: str | None) -> dict[str, Any]:
    """Generate, pack, play and import one size; returns its figures."""
    import sqlalchemy
    from pypdf import PdfReader

    import zc_review.service.room.ballot as room_ballot
    import zc_review.service.room.context as room_context
    from tools.make_scale_data import make_scale
    from zc_review.service import RoomService
    from zc_review.service.office import import_bundle, keygen, pack, trust_add, verify_bundle
    from zc_review.service.script import ScriptRunner, Secrets

    os.environ["ZC_REVIEW_HOME"] = str(tmp / "home")
    fig: dict[str, Any] = {"applicants": n, "reviewers": 31}
    t0 = time.perf_counter()
    data = make_scale(tmp / "input", n, attachments=min(n, 20))
    fig["generate_s"] = time.perf_counter() - t0
    keys = tmp / "keys"
    keygen(keys, "青川省人力资源和社会保障厅")
    trust_add(keys / "root-cert.pem", tmp / "home")
    t0 = time.perf_counter()
    pack(data, tmp / "session.zcp", keys, secrets_out=tmp / "secrets.json", fast_kdf=True)
    fig["pack_s"] = time.perf_counter() - t0
    secrets = Secrets.load(tmp / "secrets.json")
    t0 = time.perf_counter()
    room = RoomService.open(tmp / "session.zcp", secrets.chair_opening, secrets.supervisor_opening, home=tmp / "home")
    fig["open_s"] = time.perf_counter() - t0

    statements = [0]
    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "before_cursor_execute",
                            lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    outcomes = [0]
    real = room_context.compute_outcome

    def counted(*a: Any, **k: Any) -> Any:
        outcomes[0] += 1
        return real(*a, **k)

    room_context.compute_outcome = counted  # type: ignore[assignment]
    scrubs: list[float] = []
    real_scrub = room_ballot.scrub_database

    def timed_scrub(engine: Any) -> None:
        t = time.perf_counter()
        real_scrub(engine)
        scrubs.append((time.perf_counter() - t) * 1000)

    room_ballot.scrub_database = timed_scrub  # type: ignore[assignment]
    ballot_scrubs: list[float] = []
    script = json.loads((data / "script.json").read_text("utf-8"))
    actions = script["actions"]
    runner = ScriptRunner(room, secrets, tmp / "usb")
    times: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    outcome_by_kind: Counter[str] = Counter()
    play0 = time.perf_counter()
    for act in actions:
        for who in ("reviewer", "person", "leader"):  # the sitting's one credential check, timed apart
            if who in act:
                runner.actor(act[who])
        q0, o0, s0, a0 = statements[0], outcomes[0], len(scrubs), time.perf_counter()
        runner.perform(act)
        outcome_by_kind[act["action"]] += outcomes[0] - o0
        times[act["action"]].append((time.perf_counter() - a0) * 1000)
        queries[act["action"]].append(statements[0] - q0)
        if act["action"] == "ballot":
            ballot_scrubs.append(sum(scrubs[s0:]))
        if act["action"] == "close_poll" and "results_after_close_ms" not in fig:
            t0 = time.perf_counter()
            room.views.results()
            fig["results_after_close_ms"] = (time.perf_counter() - t0) * 1000
    fig["play_s"] = time.perf_counter() - play0
    fig["actions"] = len(actions)
    fig["outcome_computations"] = outcomes[0]
    fig["outcome_computations_by_kind"] = dict(sorted(outcome_by_kind.items()))
    fig["per_kind_ms"] = {k: {"n": len(v), "median": statistics.median(v), "worst": max(v)}
                          for k, v in sorted(times.items())}
    fig["per_kind_queries"] = {k: {"median": statistics.median(v), "worst": max(v)} for k, v in sorted(queries.items())}
    for k, name in (("open_poll", "open_poll_ms"), ("close_poll", "close_poll_ms"), ("ballot", "ballot_ms"),
                    ("generate_minutes", "minutes_ms"), ("export", "export_ms")):
        if k in times:
            fig[name] = statistics.median(times[k])
    if "ballot" in times:
        fig["ballot_worst_ms"] = max(times["ballot"])
        fig["ballot_scrub_ms"] = statistics.median(ballot_scrubs)
    t0 = time.perf_counter()
    view = room.views.results()
    fig["results_ms"] = (time.perf_counter() - t0) * 1000
    del view
    t0 = time.perf_counter()
    real(room.defn, room.record())  # one computation from the record, uncounted: what a state change pays
    fig["outcome_ms"] = (time.perf_counter() - t0) * 1000
    fig["minutes_pages"] = len(PdfReader(__import__("io").BytesIO(room.closing.minutes_pdf())).pages)
    bundle, _fp = room.closing.last_export() or (None, None)
    if bundle is None:
        raise SystemExit("the scale script exported no bundle")
    fig["bundle_bytes"] = bundle.stat().st_size
    t0 = time.perf_counter()
    report = verify_bundle(bundle, keys)
    fig["verify_s"] = time.perf_counter() - t0
    fig["verify_ok"] = bool(report.ok)
    t0 = time.perf_counter()
    import_bundle(bundle, keys, f"sqlite:///{tmp / 'archive.db'}")
    fig["import_sqlite_s"] = time.perf_counter() - t0
    if pg_url:
        t0 = time.perf_counter()
        import_bundle(bundle, keys, pg_url)
        fig["import_postgresql_s"] = time.perf_counter() - t0
    fig["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return fig


def _production_credential_check_ms() -> float:
    """One person's credential check with the production Argon2id parameters (median of 3 derivations)."""
    from zc_review.seal.credentials import ARGON2_PARAMS, _derive, new_secret

    secret = new_secret()
    samples = []
    for _ in range(3):
        t0 = time.perf_counter()
        _derive(secret, os.urandom(16), ARGON2_PARAMS)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def _growth(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Each size against the smallest: the ratio of per-action medians, and the play time per applicant."""
    ref = sizes[0]
    out: dict[str, Any] = {}
    for s in sizes:
        ratios = {k: s["per_kind_ms"][k]["median"] / max(v["median"], 1e-6)
                  for k, v in ref["per_kind_ms"].items() if k in s["per_kind_ms"]}
        out[str(s["applicants"])] = {
            "applicants_ratio": s["applicants"] / ref["applicants"],
            "play_s_per_applicant": s["play_s"] / s["applicants"],
            "median_ratio": {k: round(v, 2) for k, v in sorted(ratios.items())},
        }
    return out


def _table(sizes: list[dict[str, Any]], prod_ms: float) -> str:
    rows = [("applicants", "applicants"), ("pack_s", "pack (s)"), ("open_s", "open (s)"), ("play_s", "play (s)"),
            ("ballot_ms", "a ballot (ms)"), ("ballot_worst_ms", "a ballot, worst (ms)"),
            ("ballot_scrub_ms", "of a ballot: disk hygiene (ms)"), ("open_poll_ms", "open poll (ms)"),
            ("close_poll_ms", "close poll (ms)"), ("results_after_close_ms", "results after the close (ms)"),
            ("results_ms", "results (ms)"), ("outcome_ms", "outcome from the record (ms)"),
            ("minutes_ms", "minutes (ms)"), ("minutes_pages", "minutes (pages)"),
            ("export_ms", "export (ms)"), ("verify_s", "office verify (s)"), ("import_sqlite_s", "import SQLite (s)"),
            ("import_postgresql_s", "import PostgreSQL (s)"), ("outcome_computations", "outcome computations"),
            ("peak_rss_mib", "peak RSS (MiB)")]
    lines = ["| what | " + " | ".join(str(s["applicants"]) for s in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for key, label in rows[1:]:
        if not any(key in s for s in sizes):
            continue
        cells = []
        for s in sizes:
            v = s.get(key)
            cells.append("—" if v is None else f"{v:.0f}" if isinstance(v, int) or v >= 100 else f"{v:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    per_app = [s["play_s"] / s["applicants"] * 1000 for s in sizes]
    lines.append("| play per applicant (ms) | " + " | ".join(f"{v:.0f}" for v in per_app) + " |")
    q = sizes[-1]["per_kind_queries"]
    lines.append("")
    lines.append("SQL statements per action (median, largest size): "
                 + ", ".join(f"{k} {v['median']:.0f}" for k, v in q.items()))
    lines.append(f"Production credential check (Argon2id, once per person per sitting): {prod_ms:.0f} ms")
    big = sizes[-1]
    lines += ["", f"At {big['applicants']} applicants against the issue's targets (issue 9):", "",
              "| what | measured | target | met |", "|---|---:|---:|---|"]
    for key, label, target, scale in TARGETS:
        if key in big:
            v = big[key] * scale
            lines.append(f"| {label} | {v:.2f} | {target:g} | {'yes' if v <= target else 'no'} |")
    return "\n".join(lines)


#: (figure, label, target, factor to the target's unit): issue 9 "Targets" at 2,000 applicants × 31 reviewers.
TARGETS = (("ballot_ms", "a ballot (ms)", 150, 1), ("close_poll_ms", "closing a poll (s)", 2, 1 / 1000),
           ("results_ms", "results (s)", 0.5, 1 / 1000), ("minutes_ms", "minutes (s)", 30, 1 / 1000),
           ("import_sqlite_s", "office import, SQLite (s)", 10, 1),
           ("import_postgresql_s", "office import, PostgreSQL (s)", 10, 1))


def _archive_table(arch: dict[str, Any]) -> str:
    """The 100-session archive's figures (bench_archive.py), PostgreSQL beside SQLite."""
    dbs = [d for d in ("postgresql", "sqlite") if d in arch]
    lines = ["| archive, " + f"{arch[dbs[0]]['sessions']} sessions | " + " | ".join(dbs) + " |",
             "|---|" + "---:|" * len(dbs)]
    lines.append("| size (MB) | " + " | ".join(f"{arch[d]['archive_bytes'] / 1e6:.1f}" for d in dbs) + " |")
    lines.append("| import per genuine bundle (s) | "
                 + " | ".join(", ".join(f"{x:.2f}" for x in arch[d]["import_s_per_genuine_bundle"]) for d in dbs) + " |")
    for key in ("office_sessions", "office_applicant", "office_notice"):
        lines.append(f"| `{key.replace('_', ' ')}` median / worst (ms) | "
                     + " | ".join(f"{arch[d][key]['median_ms']:.0f} / {arch[d][key]['worst_ms']:.0f}" for d in dbs)
                     + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="规模基准：合成评审会议经服务层完整运行，各规模分别计时")
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="申报人数，逗号分隔（默认 100,300,1000,2000）")
    ap.add_argument("--pg", default=os.environ.get("ZC_BENCH_PG_URL"), help="也导入到这个 PostgreSQL 数据库（URL）")
    ap.add_argument("--no-pg", action="store_true", help="不导入 PostgreSQL（默认：未给 --pg 时启动临时服务器）")
    ap.add_argument("--no-archive", action="store_true", help="不运行 100 场会议的档案库基准（bench_archive）")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as d:
            fig = _one(args.one, Path(d), args.pg)
        args.json.write_text(json.dumps(fig, indent=1) + "\n")
        return
    sizes = [int(x) for x in args.sizes.split(",") if x]
    with ExitStack() as stack:
        pg = _pg_databases(stack, args.pg, off=args.no_pg)
        results = []
        for n in sizes:
            with tempfile.TemporaryDirectory() as d:
                out = Path(d) / "fig.json"
                cmd = [sys.executable, "-m", "tests.bench.bench_scale", "--one", str(n), "--json", str(out)]
                url = pg()
                if url:
                    cmd += ["--pg", url]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, cwd=ROOT)
                fig = json.loads(out.read_text())
                fig["wall_s"] = time.perf_counter() - t0
                results.append(fig)
                print(f"{n} applicants: play {fig['play_s']:.1f} s, wall {fig['wall_s']:.1f} s", flush=True)
    prod_ms = _production_credential_check_ms()
    report: dict[str, Any] = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg(), "sizes": results, "growth": _growth(results),
        "production_credential_check_ms": prod_ms,
        "targets": {k: {"target": t, "measured": results[-1][k] * f, "applicants": results[-1]["applicants"]}
                    for k, _label, t, f in TARGETS if k in results[-1]}}
    print(_table(results, prod_ms))
    if not args.no_archive:
        with tempfile.TemporaryDirectory() as d:
            arch_json = Path(d) / "archive.json"
            subprocess.run([sys.executable, "-m", "tests.bench.bench_archive", "--report", str(arch_json)],
                           check=True, cwd=ROOT)
            report["archive"] = json.loads(arch_json.read_text("utf-8"))
        print()
        print(_archive_table(report["archive"]))
    path = ROOT / "reports" / "bench-scale.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(path)


def _pg_databases(stack: ExitStack, url: str | None, *, off: bool) -> Callable[[], str | None]:
    """Where each size imports into PostgreSQL: ``url`` as given (each size imports a bundle of its own
    session id, so they share it), else a new database per size on a throw-away server started the way
    tests/pg.py does (when pg_ctl is installed; stopped and removed afterwards), else nowhere."""
    if off:
        return lambda: None
    if url:
        return lambda: url
    from tests.tooling import tool_path

    if tool_path("pg_ctl") is None:
        print("PostgreSQL binaries not found (apt-get install postgresql): import into SQLite only", flush=True)
        return lambda: None
    from tests.pg import new_database, running_server

    server = stack.enter_context(running_server())

    def fresh() -> str:
        gen = new_database(server)
        stack.callback(gen.close)
        return next(gen)
    return fresh


if __name__ == "__main__":
    main()
