"""``zc-review sheets print``: the blank paper score sheets (评分表) of an unlocked session, as one PDF (issue 14).

The package is opened with both opening secrets and the recorder prints with their credential (typed, or read
from ``--secrets`` in a rehearsal), as at the laptop's keying screen (``p``). Printing is logged.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zc_review.i18n import t

COMMANDS = frozenset({"print"})


def add_parsers(sub: Any) -> None:
    """``sheets`` and its one command ``print`` under the top-level commands ``sub``."""
    from zc_review.cli._argparse import command_group, subcommand

    group = subcommand(sub, "sheets", "sheets.cli_group", "sheets.cli_ex_group")
    commands = command_group(group, "sheets_command")
    pr = subcommand(commands, "print", "sheets.cli_print", "sheets.cli_ex_print")
    pr.add_argument("package", type=Path, metavar=t("cli.mv_package"), help=t("cli.package_arg"))
    pr.add_argument("--out", type=Path, metavar=t("cli.mv_file"), help=t("sheets.cli_out"))
    pr.add_argument("--panel", metavar=t("common.col_panel"), help=t("sheets.cli_panel"))
    pr.add_argument("--secrets", type=Path, metavar=t("cli.mv_file"), help=t("cli.close_secrets"))


def run(args: argparse.Namespace) -> int:
    """Open the package, sign the recorder in, write the blank sheets' PDF; prints its path and sheet count.

    Returns: 0. Raises: what ``RoomService.open`` and ``authenticate`` raise; ServiceError("paper_panel_unknown")
    for a panel the session has not.
    """
    from getpass import getpass

    from zc_review.cli.commands import _unlock_progress, console, progress_console
    from zc_review.cli.progress import Steps
    from zc_review.service import RoomService
    from zc_review.service.atomic import write_atomic
    from zc_review.service.errors import ServiceError
    from zc_review.service.room import StaffRole
    from zc_review.service.script import Secrets

    rehearsal = Secrets.load(args.secrets) if args.secrets else None
    chair_open = rehearsal.chair_opening if rehearsal else getpass(t("cli.prompt_chair_opening"))
    supervisor_open = rehearsal.supervisor_opening if rehearsal else getpass(t("cli.prompt_supervisor_opening"))
    with Steps(progress_console) as steps:
        room = RoomService.open(args.package, chair_open, supervisor_open, progress=_unlock_progress(steps))
    if args.panel is not None and args.panel not in {p.id for p in room.defn.panels}:
        raise ServiceError("paper_panel_unknown", panel=args.panel,
                           panels=", ".join(p.id for p in room.defn.panels))
    recorder = room.defn.staff_with_role(StaffRole.RECORDER)
    secret = (rehearsal.persons.get(recorder.id, "") if rehearsal
              else getpass(t("cli.prompt_credential", role=t("common.role_recorder"), name=recorder.name)))
    actor = room.authenticate(recorder.id, secret)
    pdf = room.paper.sheets_pdf(actor, args.panel)
    out = args.out or Path("reports") / f"{room.defn.session_id}-paper-sheets.pdf"
    write_atomic(out, pdf)
    console.print(t("sheets.cli_done", path=str(out), sheets=len(room.paper.printable(args.panel))))
    return 0
