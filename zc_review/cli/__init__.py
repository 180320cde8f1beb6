"""The ``zc-review`` command line: office keygen/pack/verify/import, trust, open (the TUI), run-script, sheets
print (the blank paper score sheets), demo.

Every refusal prints one Chinese message and exits with status 2; an unexpected error prints a short
Chinese message and writes the technical details to a file (never a traceback on the screen).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from pathlib import Path

from zc_review.cli._argparse import ZhHelpFormatter, chinese_argparse, command_group, subcommand
from zc_review.i18n import t
from zc_review.service.errors import ServiceError


def _parser() -> argparse.ArgumentParser:
    """The whole command line, every text Chinese: a help on every argument, an example on every command.

    Build and run it inside ``chinese_argparse()`` (argparse's own texts: usage, titles, errors).
    """
    parser, commands = subcommand, command_group
    p = argparse.ArgumentParser(prog="zc-review", description=t("cli.description"), epilog=t("cli.ex_main"),
                                formatter_class=ZhHelpFormatter)
    p.add_argument("--home", type=Path, metavar=t("cli.mv_dir"), help=t("cli.home"))
    sub = commands(p, "command")

    office_p = parser(sub, "office", "cli.office", "cli.ex_office")
    office = commands(office_p, "office_command")
    kg = parser(office, "keygen", "cli.keygen", "cli.ex_keygen")
    kg.add_argument("--keys", type=Path, metavar=t("cli.mv_dir"), help=t("cli.keys"))
    kg.add_argument("--name", default=t("cli.default_office_name"), metavar=t("cli.mv_name"), help=t("cli.office_name"))
    pk = parser(office, "pack", "cli.pack", "cli.ex_pack")
    pk.add_argument("input", type=Path, metavar=t("cli.mv_input"), help=t("cli.pack_input"))
    pk.add_argument("--out", type=Path, required=True, metavar=t("cli.mv_file"), help=t("cli.pack_out"))
    pk.add_argument("--keys", type=Path, metavar=t("cli.mv_dir"), help=t("cli.keys"))
    pk.add_argument("--secrets-out", type=Path, metavar=t("cli.mv_file"), help=t("cli.secrets_out"))
    pk.add_argument("--fast-kdf", action="store_true", help=argparse.SUPPRESS)
    pk.add_argument("--rehearsal", action="store_true", help=t("cli.pack_rehearsal"))
    vf = parser(office, "verify", "cli.verify", "cli.ex_verify")
    vf.add_argument("bundle", type=Path, metavar=t("cli.mv_bundle"), help=t("cli.bundle_arg"))
    vf.add_argument("--keys", type=Path, metavar=t("cli.mv_dir"), help=t("cli.keys"))
    vf.add_argument("--details", action="store_true", help=t("cli.details"))
    im = parser(office, "import", "cli.import", "cli.ex_import")
    im.add_argument("bundle", type=Path, metavar=t("cli.mv_bundle"), help=t("cli.bundle_arg"))
    im.add_argument("--keys", type=Path, metavar=t("cli.mv_dir"), help=t("cli.keys"))
    im.add_argument("--db", metavar=t("cli.mv_url"), help=t("cli.db"))
    im.add_argument("--rehearsal", action="store_true", help=t("cli.rehearsal_archive"))
    im.add_argument("--details", action="store_true", help=t("cli.details"))
    rc = parser(office, "recover", "cli.recover", "cli.ex_recover")
    rc.add_argument("package", type=Path, metavar=t("cli.mv_package"), help=t("cli.package_arg"))
    rc.add_argument("--keys", type=Path, metavar=t("cli.mv_dir"), help=t("cli.keys"))
    rc.add_argument("--out", type=Path, required=True, metavar=t("cli.mv_file"), help=t("cli.new_out"))
    rc.add_argument("--secrets-out", type=Path, metavar=t("cli.mv_file"), help=t("cli.secrets_out"))
    rg = parser(office, "register", "cli.register", "cli.ex_register")
    rg.add_argument("packages", type=Path, nargs="+", metavar=t("cli.mv_package"), help=t("cli.register_packages"))
    rg.add_argument("--keys", type=Path, metavar=t("cli.mv_dir"), help=t("cli.keys"))
    from zc_review.cli import office_pool  # issue 11: draw, credit, plan; the before-the-room options of pack

    office_pool.add_parsers(office)
    office_pool.extend_pack(pk)
    from zc_review.cli.office_archive import add_parsers as add_archive_parsers

    add_archive_parsers(office)  # db upgrade, sessions, applicant, notice, complaint, filing (issue 10)

    trust_p = parser(sub, "trust", "cli.trust", "cli.ex_trust")
    trust = commands(trust_p, "trust_command")
    ta = parser(trust, "add", "cli.trust_add", "cli.ex_trust_add")
    ta.add_argument("cert", type=Path, metavar=t("cli.mv_cert"), help=t("cli.cert_arg"))
    parser(trust, "list", "cli.trust_list", "cli.ex_trust_list")

    op = parser(sub, "open", "cli.open", "cli.ex_open")
    op.add_argument("package", type=Path, metavar=t("cli.mv_package"), help=t("cli.package_arg"))
    op.add_argument("--out", type=Path, default=Path("reports"), metavar=t("cli.mv_dir"), help=t("cli.out"))

    cl = parser(sub, "close", "cli.close", "cli.ex_close")
    cl.add_argument("package", type=Path, metavar=t("cli.mv_package"), help=t("cli.package_arg"))
    cl.add_argument("--bundle", type=Path, metavar=t("cli.mv_bundle"), help=t("cli.bundle"))
    cl.add_argument("--secrets", type=Path, metavar=t("cli.mv_file"), help=t("cli.close_secrets"))
    rs = parser(sub, "run-script", "cli.run_script", "cli.ex_run_script")
    rs.add_argument("package", type=Path, metavar=t("cli.mv_package"), help=t("cli.package_arg"))
    rs.add_argument("script", type=Path, metavar=t("cli.mv_script"), help=t("cli.script_arg"))
    rs.add_argument("--secrets", type=Path, required=True, metavar=t("cli.mv_file"), help=t("cli.secrets"))
    rs.add_argument("--out", type=Path, default=Path("reports"), metavar=t("cli.mv_dir"), help=t("cli.out"))
    rs.add_argument("--results-json", type=Path, metavar=t("cli.mv_file"), help=t("cli.results_json"))

    from zc_review.cli import paper_sheets  # issue 14: the blank paper score sheets

    paper_sheets.add_parsers(sub)

    dm = parser(sub, "demo", "cli.demo", "cli.ex_demo")
    dm.add_argument("input", type=Path, nargs="?", default=Path("data/demo"), metavar=t("cli.mv_input"),
                    help=t("cli.demo_input"))
    dm.add_argument("--out", type=Path, default=Path("reports/demo"), metavar=t("cli.mv_dir"), help=t("cli.demo_out"))
    dm.add_argument("--no-tui", action="store_true", help=t("cli.no_tui"))
    from zc_review.cli.office_archive import add_demo_arguments

    add_demo_arguments(dm)  # --as-of: the day the office's filing is judged on (issue 10)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point. Returns the process exit status (0 ok, 2 refused, 3 internal error).

    With no arguments it prints the Chinese help (status 2); a wrong argument prints the Chinese usage,
    what was wrong and where to read more (status 2, by argparse).
    """
    argv = sys.argv[1:] if argv is None else argv
    with chinese_argparse():
        parser = _parser()
        if not argv:
            parser.print_help(sys.stderr)
            return 2
        args = parser.parse_args(argv)
    if args.home:
        os.environ["ZC_REVIEW_HOME"] = str(args.home)
    try:
        return _dispatch(args)
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception:  # last resort: a short message, details to a file, never a traceback on screen
        fd, path = tempfile.mkstemp(prefix="zc-review-error-", suffix=".txt")
        with os.fdopen(fd, "w") as fh:
            fh.write(traceback.format_exc())
        print(t("cli.internal_error", path=path), file=sys.stderr)
        return 3


def _dispatch(args: argparse.Namespace) -> int:
    from zc_review.cli import commands

    if args.command == "office":
        from zc_review.cli import office_pool

        if args.office_command in office_pool.COMMANDS:
            return office_pool.dispatch(args)
        from zc_review.cli import office_archive

        if args.office_command is None or args.office_command in office_archive.COMMANDS:
            return office_archive.run(args)
        return {"keygen": commands.keygen, "pack": commands.pack, "verify": commands.verify,
                "import": commands.import_, "recover": commands.recover,
                "register": commands.register}[args.office_command](args)
    if args.command == "trust":
        return commands.trust_add(args) if args.trust_command == "add" else commands.trust_list(args)
    if args.command == "open":
        return commands.open_tui(args)
    if args.command == "close":
        return commands.close(args)
    if args.command == "run-script":
        return commands.run_script(args)
    if args.command == "sheets":
        from zc_review.cli import paper_sheets

        return paper_sheets.run(args)
    if args.command == "demo":
        from zc_review.cli.demo import run_demo

        return run_demo(args)
    raise AssertionError(args.command)
