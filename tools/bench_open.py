"""Time opening a session package (signature, both opening layers, payload): issue 9's "package open" row.

    .venv/bin/python -m tools.bench_open write DIR          # pack a 2 MB payload on this machine into DIR
    .venv/bin/python -m tools.bench_open open DIR --runs 3  # open it, e.g. under `taskset -c 0` beside busy loops

``write`` keeps the package, the office root certificate and the two opening secrets in DIR (a benchmark's
throw-away office, never a real one); ``open`` prints wall and CPU seconds per open, or the refusal. Packing on
one setting and opening on another is what a slower or busier room laptop does (docs/FORMATS.md "Opening
times").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from pathlib import Path

PAYLOAD_BYTES = 2_000_000


def write(directory: Path) -> None:
    """Pack a random payload with a fresh throw-away office into ``directory`` and print the time taken."""
    from zc_review.seal import package, pki
    from zc_review.seal.credentials import new_secret

    now = dt.datetime.now(dt.UTC)
    office = pki.generate_office_keys("基准测试", now)
    chair, supervisor = new_secret(), new_secret()
    payload = os.urandom(PAYLOAD_BYTES)
    start = time.perf_counter()
    data = package.write_package(payload, office, chair, supervisor, now)
    print(f"write {time.perf_counter() - start:.2f} s ({len(data)} bytes)", flush=True)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "bench.zcp").write_bytes(data)
    (directory / "payload.bin").write_bytes(payload)
    pki.save_office_keys(office, directory / "keys")
    (directory / "secrets.json").write_text(json.dumps({"chair": chair, "supervisor": supervisor}), "utf-8")


def open_runs(directory: Path, runs: int) -> list[float]:
    """Open ``directory``'s package ``runs`` times; print and return the wall seconds of each successful open."""
    from zc_review.seal import package, pki
    from zc_review.seal.errors import SealError

    keys = pki.load_office_keys(directory / "keys")
    secrets = json.loads((directory / "secrets.json").read_text("utf-8"))
    data = (directory / "bench.zcp").read_bytes()
    payload = (directory / "payload.bin").read_bytes()
    times = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            ok = package.open_package(data, [keys.root_cert], secrets["chair"], secrets["supervisor"]) == payload
        except SealError as exc:
            print(f"open REFUSED after {time.perf_counter() - start:.2f} s: {exc.diagnostics()}", flush=True)
            continue
        wall = time.perf_counter() - start
        times.append(wall)
        print(f"open {wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, payload intact: {ok}", flush=True)
    return times


def main(argv: list[str] | None = None) -> int:
    """Command line: ``write DIR`` or ``open DIR [--runs N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["write", "open"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.mode == "write":
        write(args.directory)
        return 0
    return 0 if len(open_runs(args.directory, args.runs)) == args.runs else 1


if __name__ == "__main__":
    raise SystemExit(main())
