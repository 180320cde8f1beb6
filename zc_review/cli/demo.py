"""``zc-review demo``: the whole session on the bundled demo, from office keys to the verified import.

Steps: office keys (made on first run), trust provisioning of the laptop, the draw of the committee from the
expert pool (when the input has one: ``cli.office_pool.preliminary_draw``), pack, the sealed-room
session played through the real TUI headlessly with Textual's Pilot from the demo script (or
straight through the service with ``--no-tui``), the results table, then the office's verify and import.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from pathlib import Path

from zc_review.cli.commands import console, print_report, print_results
from zc_review.i18n import t
from zc_review.service.atomic import make_private_dir, write_atomic
from zc_review.service.errors import ServiceError


def run_demo(args: argparse.Namespace) -> int:
    """``demo``: the whole session on the demo input (``args.input``), every file under ``args.out``.

    Office keys (made once), trust, pack, the session (through the real TUI with Pilot, or the service
    with ``--no-tui``), the results table, the signed minutes, then the office's verify and import.
    Returns: 0. Raises: ServiceError("script_invalid") without ``script.json``, ("demo_not_exported") when
    the script exported no bundle, and whatever a step refuses.
    """
    from zc_review.service import RoomService
    from zc_review.service.office import import_bundle, keygen, pack, trust_add
    from zc_review.service.script import ScriptRunner, Secrets, load_script

    out: Path = args.out.resolve()
    keys = out / "office-keys"
    home = out / "laptop-home"  # the sealed-room laptop's data directory
    script_path = args.input / "script.json"
    if not script_path.exists():
        raise ServiceError("script_invalid", where=str(script_path), problem="missing")
    script = load_script(script_path)
    started = time.perf_counter()
    make_private_dir(out)
    if not (keys / "root-cert.pem").exists():
        fp = keygen(keys, t("cli.default_office_name"))
        console.print(t("cli.demo_keys_made", fp=fp))
    shutil.rmtree(home, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):  # each demo run is a fresh office archive
        (out / f"office-archive.db{suffix}").unlink(missing_ok=True)
    trust_add(keys / "root-cert.pem", home)
    from zc_review.cli.office_pool import preliminary_draw, print_conflicts

    # issue 11: the committee drawn from the pool (verified, with the review plan), packed with its record and
    # the conflicts detected at pack confirmed; an input without a pool is packed as it is
    archive_url = f"sqlite:///{out / 'office-archive.db'}"  # the pool, the credit record, then the results
    drawn = preliminary_draw(args.input, out, keys, archive_url)
    package = out / "session.zcp"
    secrets_path = out / "rehearsal-secrets.json"
    res = pack(drawn.input_dir if drawn else args.input, package, keys, secrets_out=secrets_path,
               archive_url=archive_url, draw_record=drawn.record_path if drawn else None,
               conflict_decisions=drawn.decisions if drawn else None)
    print_conflicts(res)
    console.print(t("cli.pack_done", package=str(package), letters=str(res.letters_path), package_id=res.package_id,
                    applicants=len(res.definition.applicants), reviewers=len(res.definition.reviewers)))
    secrets = Secrets.load(secrets_path)
    bundle_dir = out / "usb"
    shutil.rmtree(bundle_dir, ignore_errors=True)

    if args.no_tui:
        service = RoomService.open(package, secrets.chair_opening, secrets.supervisor_opening, home=home)
        runner = ScriptRunner(service, secrets, bundle_dir)
        runner.run(script["actions"])
        exported = runner.exported
    else:
        from zc_review.demo.autopilot import play_in_tui

        console.print(t("cli.demo_tui_start", n=len(script["actions"])))
        def progress(done: int, total: int, action: str) -> None:
            if done % 50 == 0:
                console.print(t("cli.demo_progress", done=done, total=total, action=action,
                                seconds=f"{time.perf_counter() - started:.0f}"))

        service, exported = asyncio.run(play_in_tui(package, home, bundle_dir, script, secrets, progress=progress))
    print_results(service)
    if exported is None:
        raise ServiceError("demo_not_exported")
    bundle, fp = exported
    minutes_path = out / "minutes.pdf"
    write_atomic(minutes_path, service.closing.minutes_pdf())
    console.print(t("cli.demo_paths", minutes=str(minutes_path), bundle=str(bundle), fp=fp))
    result = import_bundle(bundle, keys, archive_url,
                           allow_rehearsal=res.definition.rehearsal)
    print_report(result.report)
    console.print(t("cli.import_done" if result.created else "cli.import_again", session=result.session_id,
                    passed=result.passed, applicants=result.applicants))
    if not res.definition.rehearsal:
        from zc_review.cli.office_archive import demo_office

        demo_office(f"sqlite:///{out / 'office-archive.db'}", result.session_id, keys, out / "office",
                    res.definition.scheduled_date, getattr(args, "as_of", None))
    console.print(t("cli.demo_done", seconds=f"{time.perf_counter() - started:.1f}"))
    return 0
