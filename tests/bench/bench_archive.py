"""``make bench-archive``: the office archive at a province's size (issue 10 "Scale"), on PostgreSQL and SQLite.

1. Two genuine bundles (the demo committee's 2024 and 2025 sessions: packed, played through the service,
   sealed) are verified and imported: the time per bundle (verify + file).
2. The archive is then filled to ``--sessions`` sessions (default 100) with replicas of the 2025 session's
   filed rows under new session ids, years 2016–2025 (36 applicants each, the same names, so one applicant's
   history spans every session). Replicas are written through the archive's own repository, not verified:
   a genuine bundle takes ~25 s to play, which is not what is measured here.
3. At that size: the archive's size, and the time of ``office sessions``, ``office applicant NAME`` and
   ``office notice SESSION`` (median and worst of 7 runs, through the service, as the CLI calls them).

Results print as a table and go to reports/bench-archive.json. Nothing asserts a time: machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _bundles(tmp: Path) -> tuple[Path, list[Path]]:
    from tests.conftest import _pack, new_room
    from tests.service.test_archive import LAST_YEAR, _variant
    from zc_review.service.office import keygen
    from zc_review.service.script import ScriptRunner

    keys = tmp / "keys"
    keygen(keys, "青川市人力资源和社会保障局")
    out = []
    for name, src in (("2024", _variant(ROOT / "data/demo", tmp / "in-2024", session_id=LAST_YEAR, year=2024,
                                        scheduled_date="2024-11-21")), ("2025", ROOT / "data/demo")):
        (tmp / name).mkdir()
        packed = _pack(tmp / name, src, keys)
        room = new_room(packed)
        runner = ScriptRunner(room, packed.secrets, tmp / f"usb-{name}")
        runner.run(packed.script["actions"])
        assert runner.exported is not None
        out.append(runner.exported[0])
    return keys, out


def _replicate(url: str, source: str, n: int) -> float:
    """File ``n`` replicas of session ``source``; returns the seconds per replica."""
    from zc_review.service.office.archive import archive
    from zc_review.storage.archive import ArchiveResult, ArchiveSession
    from zc_review.storage.repo import archive as repo

    with archive(url) as s:
        row = repo.filed_session(session=s, session_id=source, with_bundle=True)
        results = repo.results_of(session=s, session_id=source)
    assert row is not None
    started = time.perf_counter()
    for k in range(n):
        sid = f"QC-BENCH-{k:03d}"
        year = 2016 + k % 10
        fields = row.model_dump()
        fields.update(session_id=sid, year=year, scheduled_date=date(year, 1 + k % 12, 1 + k % 28))
        with archive(url, write=True) as s:
            repo.file_session(session=s, row=ArchiveSession(**fields),
                              results=[ArchiveResult(**{**r.model_dump(), "session_id": sid}) for r in results])
    return (time.perf_counter() - started) / max(n, 1)


def _timed(fn: Any, runs: int = 7) -> dict[str, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "worst_ms": round(max(times), 1)}


def _size(url: str) -> int:
    from zc_review.service.office.archive import archive
    from zc_review.storage.repo.archive import database_size

    with archive(url) as s:
        return database_size(session=s)


def measure(url: str, keys: Path, bundles: list[Path], sessions: int, tmp: Path) -> dict[str, Any]:
    """Import the genuine bundles, fill to ``sessions``, time the three queries."""
    from zc_review.service.office import import_bundle
    from zc_review.service.office.archive import applicant_history, list_sessions
    from zc_review.service.office.archive_notice import draft_notice

    imports = []
    for b in bundles:
        t0 = time.perf_counter()
        assert import_bundle(b, keys, url).created
        imports.append(time.perf_counter() - t0)
    per_replica = _replicate(url, "QC-GC-ZJ-2025", sessions - len(bundles))
    assert len(list_sessions(url)) == sessions
    name = "冯浩然"
    out = {
        "sessions": sessions, "applicant_rows": 36 * sessions,
        "import_s_per_genuine_bundle": [round(x, 2) for x in imports],
        "file_ms_per_replica": round(per_replica * 1000, 1),
        "archive_bytes": _size(url),
        "office_sessions": _timed(lambda: list_sessions(url)),
        "office_applicant": _timed(lambda: applicant_history(url, name)),
        "office_notice": _timed(lambda: draft_notice(url, "QC-GC-ZJ-2025", tmp / "notice",
                                                     start=date(2025, 11, 24), today=date(2025, 11, 24))),
        "applicant_history_lines": len(applicant_history(url, name).lines),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on a throw-away PostgreSQL server (tests/pg.py) and on SQLite; print and save."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=100)
    p.add_argument("--report", type=Path, default=ROOT / "reports/bench-archive.json")
    args = p.parse_args(argv)
    from tests.pg import new_database, running_server

    os.environ.setdefault("ZC_REVIEW_HOME", tempfile.mkdtemp(prefix="zc-bench-home-"))
    with tempfile.TemporaryDirectory(prefix="zc-bench-archive-") as t:
        tmp = Path(t)
        keys, bundles = _bundles(tmp)
        report: dict[str, Any] = {}
        with running_server() as server:
            gen = new_database(server)
            url = next(gen)
            report["postgresql"] = measure(url, keys, bundles, args.sessions, tmp / "pg")
            gen.close()
        report["sqlite"] = measure(f"sqlite:///{tmp / 'archive.db'}", keys, bundles, args.sessions, tmp / "sq")
    for db, r in report.items():
        print(f"{db}: {r['sessions']} sessions, {r['applicant_rows']} results, {r['archive_bytes'] / 1e6:.1f} MB; "
              f"import {r['import_s_per_genuine_bundle']} s per genuine bundle, {r['file_ms_per_replica']} ms per "
              f"replica; office sessions {r['office_sessions']}, office applicant {r['office_applicant']} "
              f"({r['applicant_history_lines']} lines), office notice {r['office_notice']}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
