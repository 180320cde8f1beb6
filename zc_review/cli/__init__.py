"""The ``zc-review`` command line: office keygen/pack/verify/import, trust, open (the TUI), run-script, demo.

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

from zc_review.i18n import t
from zc_review.service.errors import ServiceError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zc-review", description=t("cli.description"))
    p.add_argument("--home", type=Path, help=t("cli.home"))
    sub = p.add_subparsers(dest="command", required=True)

    office = sub.add_parser("office", help=t("cli.office")).add_subparsers(dest="office_command", required=True)
    kg = office.add_parser("keygen", help=t("cli.keygen"))
    kg.add_argument("--keys", type=Path, help=t("cli.keys"))
    kg.add_argument("--name", default=t("cli.default_office_name"), help=t("cli.office_name"))
    pk = office.add_parser("pack", help=t("cli.pack"))
    pk.add_argument("input", type=Path)
    pk.add_argument("--out", type=Path, required=True)
    pk.add_argument("--keys", type=Path, help=t("cli.keys"))
    pk.add_argument("--secrets-out", type=Path, help=t("cli.secrets_out"))
    pk.add_argument("--fast-kdf", action="store_true", help=argparse.SUPPRESS)
    pk.add_argument("--rehearsal", action="store_true", help=t("cli.pack_rehearsal"))
    vf = office.add_parser("verify", help=t("cli.verify"))
    vf.add_argument("bundle", type=Path)
    vf.add_argument("--keys", type=Path, help=t("cli.keys"))
    im = office.add_parser("import", help=t("cli.import"))
    im.add_argument("bundle", type=Path)
    im.add_argument("--keys", type=Path, help=t("cli.keys"))
    im.add_argument("--db", help=t("cli.db"))
    im.add_argument("--rehearsal", action="store_true", help=t("cli.rehearsal_archive"))
    rc = office.add_parser("recover", help=t("cli.recover"))
    rc.add_argument("package", type=Path)
    rc.add_argument("--keys", type=Path, help=t("cli.keys"))
    rc.add_argument("--out", type=Path, required=True, help=t("cli.new_out"))
    rc.add_argument("--secrets-out", type=Path, help=t("cli.secrets_out"))
    rg = office.add_parser("register", help=t("cli.register"))
    rg.add_argument("packages", type=Path, nargs="+", help=t("cli.register_packages"))
    rg.add_argument("--keys", type=Path, help=t("cli.keys"))
    from zc_review.cli import office_pool  # issue 11: draw, credit, plan; the before-the-room options of pack

    office_pool.add_parsers(office)
    office_pool.extend_pack(pk)
    from zc_review.cli.office_archive import add_parsers as add_archive_parsers

    add_archive_parsers(office)  # db upgrade, sessions, applicant, notice, complaint, filing (issue 10)

    trust = sub.add_parser("trust", help=t("cli.trust")).add_subparsers(dest="trust_command", required=True)
    ta = trust.add_parser("add", help=t("cli.trust_add"))
    ta.add_argument("cert", type=Path)
    trust.add_parser("list", help=t("cli.trust_list"))

    op = sub.add_parser("open", help=t("cli.open"))
    op.add_argument("package", type=Path)
    op.add_argument("--out", type=Path, default=Path("reports"), help=t("cli.out"))

    cl = sub.add_parser("close", help=t("cli.close"))
    cl.add_argument("package", type=Path)
    cl.add_argument("--bundle", type=Path, help=t("cli.bundle"))
    cl.add_argument("--secrets", type=Path, help=t("cli.close_secrets"))
    rs = sub.add_parser("run-script", help=t("cli.run_script"))
    rs.add_argument("package", type=Path)
    rs.add_argument("script", type=Path)
    rs.add_argument("--secrets", type=Path, required=True, help=t("cli.secrets"))
    rs.add_argument("--out", type=Path, default=Path("reports"), help=t("cli.out"))
    rs.add_argument("--results-json", type=Path, help=t("cli.results_json"))

    dm = sub.add_parser("demo", help=t("cli.demo"))
    dm.add_argument("input", type=Path, nargs="?", default=Path("data/demo"))
    dm.add_argument("--out", type=Path, default=Path("reports/demo"))
    dm.add_argument("--no-tui", action="store_true", help=t("cli.no_tui"))
    from zc_review.cli.office_archive import add_demo_arguments

    add_demo_arguments(dm)  # --as-of: the day the office's filing is judged on (issue 10)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point. Returns the process exit status (0 ok, 2 refused, 3 internal error)."""
    args = _parser().parse_args(argv)
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

        if args.office_command in office_archive.COMMANDS:
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
    if args.command == "demo":
        from zc_review.cli.demo import run_demo

        return run_demo(args)
    raise AssertionError(args.command)
