"""``zc-review office`` after the room: db upgrade, sessions, applicant, notice, complaint, filing (issue 10).

Thin wrappers over ``service.office.archive*`` that print Chinese tables; every refusal is a ServiceError
(printed by ``cli.main``, exit 2, nothing changed). ``--db`` is the archive's SQLAlchemy URL (default: the
SQLite file under the user's data directory); ``--as-of`` sets the day notices are judged on (the demo and
rehearsals of the weeks after a session).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from zc_review.cli._argparse import command_group, subcommand
from zc_review.i18n import t
from zc_review.service import paths


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("office.cli_bad_date", value=text)) from None


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar=t("cli.mv_url"), help=t("office.cli_db"))


def add_parsers(office: Any) -> None:
    """Add the archive's subcommands to the ``office`` subparsers (``office`` is argparse's
    ``_SubParsersAction``), each with its Chinese help and example, a Chinese name for every value
    (``cli.mv_*``, or the column header of the same thing) and a Chinese help on every argument."""
    day, out, keys = t("cli.mv_date"), t("cli.mv_dir"), t("cli.mv_dir")
    session, complaint = t("office.col_session"), t("office.col_complaint_no")
    office.required = False  # ``zc-review office`` alone opens the office TUI (``office tui``)
    tu = subcommand(office, "tui", "office.cli_tui", "cli.ex_office_tui")
    _db(tu)
    tu.add_argument("--keys", type=Path, metavar=keys, help=t("office.cli_keys"))
    tu.add_argument("--out", type=Path, metavar=out, help=t("office.cli_tui_out"))
    tu.add_argument("--as-of", type=_date, metavar=day, help=t("office.cli_as_of"))
    tu.add_argument("--rehearsal", action="store_true", help=t("cli.rehearsal_archive"))

    db = command_group(subcommand(office, "db", "office.cli_db_group", "cli.ex_db"), "db_command")
    _db(subcommand(db, "upgrade", "office.cli_db_upgrade", "cli.ex_db_upgrade"))

    ss = subcommand(office, "sessions", "office.cli_sessions", "cli.ex_sessions")
    _db(ss)
    ss.add_argument("--as-of", type=_date, metavar=day, help=t("office.cli_as_of"))

    ap = subcommand(office, "applicant", "office.cli_applicant", "cli.ex_applicant")
    ap.add_argument("query", metavar=t("cli.mv_query"), help=t("office.cli_query"))
    ap.add_argument("--keys", type=Path, metavar=keys, help=t("office.cli_keys_person"))
    _db(ap)

    nt = subcommand(office, "notice", "office.cli_notice", "cli.ex_notice")
    nt.add_argument("session", metavar=session, help=t("office.cli_session"))
    nt.add_argument("--out", type=Path, required=True, metavar=out, help=t("office.cli_out"))
    nt.add_argument("--start", type=_date, metavar=day, help=t("office.cli_start"))
    nt.add_argument("--days", type=int, metavar=t("cli.mv_days"), help=t("office.cli_days"))
    nt.add_argument("--as-of", type=_date, metavar=day, help=t("office.cli_as_of"))
    _db(nt)

    cp = command_group(subcommand(office, "complaint", "office.cli_complaint", "cli.ex_complaint"),
                       "complaint_command")
    ca = subcommand(cp, "add", "office.cli_complaint_add", "cli.ex_complaint_add")
    ca.add_argument("session", metavar=session, help=t("office.cli_session"))
    ca.add_argument("applicant", metavar=t("office.col_applicant"), help=t("office.cli_applicant_id"))
    ca.add_argument("--summary", required=True, metavar=t("cli.mv_text"), help=t("office.cli_summary"))
    ca.add_argument("--kind", choices=("complaint", "reexamination"), default="complaint",
                    metavar=t("office.col_kind"), help=t("office.cli_kind"))
    ca.add_argument("--received", type=_date, metavar=day, help=t("office.cli_received"))
    ca.add_argument("--handler", default="", metavar=t("common.col_name"), help=t("office.cli_handler"))
    _db(ca)
    cu = subcommand(cp, "update", "office.cli_complaint_update", "cli.ex_complaint_update")
    cu.add_argument("id", type=int, metavar=complaint, help=t("cli.complaint_id"))
    cu.add_argument("--status", choices=("received", "investigating"), metavar=t("common.col_status"),
                    help=t("office.cli_status"))
    cu.add_argument("--handler", metavar=t("common.col_name"), help=t("office.cli_handler"))
    _db(cu)
    cc = subcommand(cp, "conclude", "office.cli_complaint_conclude", "cli.ex_complaint_conclude")
    cc.add_argument("id", type=int, metavar=complaint, help=t("cli.complaint_id"))
    cc.add_argument("--finding", required=True, metavar=t("office.col_finding"), help=t("office.cli_finding"))
    cc.add_argument("--on", type=_date, metavar=day, help=t("office.cli_finding_on"))
    cc.add_argument("--keys", type=Path, metavar=keys, help=t("office.cli_keys"))
    _db(cc)
    cl = subcommand(cp, "list", "office.cli_complaint_list", "cli.ex_complaint_list")
    cl.add_argument("session", nargs="?", metavar=session, help=t("cli.complaint_list_session"))
    cl.add_argument("--keys", type=Path, metavar=keys, help=t("office.cli_keys"))
    _db(cl)
    ce = subcommand(cp, "evidence", "office.cli_complaint_evidence", "cli.ex_complaint_evidence")
    ce.add_argument("id", type=int, metavar=complaint, help=t("cli.complaint_id"))
    ce.add_argument("--out", type=Path, required=True, metavar=out, help=t("office.cli_out"))
    ce.add_argument("--keys", type=Path, metavar=keys, help=t("office.cli_keys"))
    _db(ce)

    fl = subcommand(office, "filing", "office.cli_filing", "cli.ex_filing")
    fl.add_argument("session", metavar=session, help=t("office.cli_session"))
    fl.add_argument("--out", type=Path, required=True, metavar=out, help=t("office.cli_out"))
    fl.add_argument("--keys", type=Path, metavar=keys, help=t("office.cli_keys"))
    fl.add_argument("--as-of", type=_date, metavar=day, help=t("office.cli_as_of"))
    _db(fl)


#: the ``office`` subcommands this module runs (and ``office`` alone: the TUI)
COMMANDS = frozenset({"tui", "db", "sessions", "applicant", "notice", "complaint", "filing"})

#: where the office TUI writes notices, evidence extracts and filing packs when ``--out`` is not given
TUI_OUT = Path("reports/office")


def _url(args: argparse.Namespace) -> str:
    return str(args.db) if getattr(args, "db", None) else paths.office_archive_url()


def _keys(args: argparse.Namespace) -> Path:
    return Path(args.keys) if getattr(args, "keys", None) else paths.office_keys_dir()


def run(args: argparse.Namespace) -> int:
    """Run the ``office`` subcommand in ``args.office_command`` (one of :data:`COMMANDS`). Returns: 0.
    Raises: the ServiceError of the service function it calls."""
    from zc_review.cli.commands import console

    cmd = args.office_command
    if cmd in (None, "tui"):
        run_tui(args)
    elif cmd == "db":
        from zc_review.service.office.archive import db_upgrade, display_url

        before, after = db_upgrade(_url(args))
        console.print(t("office.cli_db_upgraded" if before != after else "office.cli_db_current",
                        url=display_url(_url(args)), before=before or "—", after=after))
    elif cmd == "sessions":
        print_sessions(args)
    elif cmd == "applicant":
        print_history(args)
    elif cmd == "notice":
        from zc_review.service.office.archive_notice import draft_notice

        n = draft_notice(_url(args), args.session, args.out, start=args.start, working_days=args.days,
                         today=args.as_of)
        console.print(t("office.cli_notice_done", session=n.session_id, first=n.first_day.isoformat(),
                        last=n.last_day.isoformat(), days=n.working_days, state=n.state_label,
                        files="\n  ".join(str(f) for f in n.files)))
    elif cmd == "complaint":
        complaint(args)
    elif cmd == "filing":
        from zc_review.service.office.archive_filing import write_filing

        res = write_filing(_url(args), args.session, args.out, _keys(args), today=args.as_of)
        console.print(t("office.cli_filing_done", session=args.session, folder=str(res.folder),
                        files="\n  ".join(str(f) for f in res.files), sha=res.manifest_sha256))
    else:
        raise AssertionError(cmd)
    return 0


def run_tui(args: argparse.Namespace) -> None:
    """``zc-review office`` / ``office tui``: the office TUI on the archive (``--db``), until the user quits.
    Nothing is read before the first screen is up: an unreachable database is shown there, in Chinese."""
    from zc_review.tui.office import make_office_app

    make_office_app(_url(args), _keys(args), getattr(args, "out", None) or TUI_OUT,
                    today=getattr(args, "as_of", None), rehearsal=bool(getattr(args, "rehearsal", False))).run()


def print_sessions(args: argparse.Namespace) -> None:
    """The ``office sessions`` table."""
    from zc_review.cli.commands import console
    from zc_review.service.office.archive import list_sessions

    lines = list_sessions(_url(args), today=args.as_of)
    if not lines:
        console.print(t("office.cli_sessions_none"))
        return
    table = Table(title=t("office.cli_sessions_title", n=len(lines)))
    for key in ("office.col_date", "office.col_session", "office.col_committee", "office.col_series_level",
                "office.col_applicants", "office.col_passed", "office.col_session_kind", "office.col_notice",
                "office.col_complaints", "office.col_fingerprint", "office.col_imported"):
        table.add_column(t(key))
    for ln in lines:
        table.add_row(ln.scheduled_date.isoformat(), ln.session_id, ln.committee_name,
                      f"{ln.series} {ln.title_level}", str(ln.applicants), str(ln.passed),
                      Text(t("office.kind_rehearsal") if ln.rehearsal else t("office.kind_official"),
                           style="yellow" if ln.rehearsal else ""),
                      ln.notice + (t("office.filed_mark") if ln.filed else ""), str(ln.complaints),
                      ln.fingerprint, t("office.imported_by", at=ln.imported_at.strftime("%Y-%m-%d %H:%M"),
                                        by=ln.imported_by))
    console.print(table)


def print_history(args: argparse.Namespace) -> None:
    """The ``office applicant`` table, then each warning of a failure the year before (bold red)."""
    from zc_review.cli.commands import console
    from zc_review.service.office.archive import applicant_history

    h = applicant_history(_url(args), args.query, keys_dir=_keys(args))
    table = Table(title=t("office.cli_history_title", query=h.query, n=len(h.lines)))
    for key in ("office.col_year", "office.col_session", "common.col_code", "common.col_name", "office.anonymity_kind_employer",
                "common.col_group", "common.col_composite", "common.col_votes", "common.col_decision",
                "common.col_reason", "closing.reason_guidance"):
        table.add_column(t(key))
    for ln in h.lines:
        table.add_row(str(ln.year), ln.session_id + (t("office.rehearsal_mark") if ln.rehearsal else ""), ln.code,
                      ln.name, ln.employer, ln.group_name, ln.composite, ln.votes,
                      Text(ln.outcome, style="green" if ln.passed else "red"), ln.reason, ln.guidance)
    console.print(table)
    for w in h.warnings:
        console.print(Text(w, style="bold red"))


def complaint(args: argparse.Namespace) -> None:
    """``office complaint add|update|conclude|list|evidence``."""
    from zc_review.cli.commands import console
    from zc_review.service.office import archive_complaint as svc

    sub = args.complaint_command
    if sub == "evidence":
        path, ex = svc.write_evidence(_url(args), args.id, _keys(args), args.out)
        console.print(t("office.cli_evidence_done", id=args.id, path=str(path), code=ex["code"],
                        scores=len(ex["scores"]), recusals=len(ex["recusals"])))
        return
    if sub == "add":
        lines = [svc.record_complaint(_url(args), args.session, args.applicant, kind=args.kind, summary=args.summary,
                                      received_on=args.received, handler=args.handler)]
    elif sub == "update":
        lines = [svc.update_complaint(_url(args), args.id, status=args.status, handler=args.handler)]
    elif sub == "conclude":
        lines = [svc.conclude_complaint(_url(args), args.id, _keys(args), finding=args.finding, finding_on=args.on)]
    else:
        keys = _keys(args)
        lines = svc.list_complaints(_url(args), args.session,
                                    keys_dir=keys if (keys / "root-cert.pem").exists() else None)
    table = Table(title=t("office.cli_complaints_title", n=len(lines)))
    for key in ("office.col_complaint_no", "office.col_session", "office.col_applicant", "office.col_kind",
                "office.col_received", "common.col_status", "office.col_handler", "office.col_finding",
                "office.col_signed"):
        table.add_column(t(key))
    for c in lines:
        table.add_row(str(c.id), c.session_id, c.applicant, c.kind, c.received_on.isoformat(), c.status, c.handler,
                      t("office.finding_dated", finding=c.finding, on=c.finding_on.isoformat()) if c.finding_on else "—",
                      Text(t("office.signed_yes"), style="green") if c.signed else
                      Text(t("office.signed_no"), style="bold red") if c.signed is False else "—")
    console.print(table)


def add_demo_arguments(dm: argparse.ArgumentParser) -> None:
    """``demo --as-of DATE``: the office's clock for the weeks after the session (default: the day after the
    notice period, so the demo can file)."""
    dm.add_argument("--as-of", type=_date, metavar=t("cli.mv_date"), help=t("office.cli_demo_as_of"))


def demo_office(url: str, session_id: str, keys: Path, out: Path, scheduled: str, as_of: date | None) -> None:
    """The demo's last steps at the office: the public notice, starting the working day after the session,
    and, judged on ``as_of`` (default: the day after the notice period), the filing pack; prints their paths.

    The filing is skipped with a message when ``as_of`` falls within the notice period (nothing is refused:
    the demo shows the state). Raises: ServiceError from the notice or the filing.
    """
    from datetime import timedelta

    from zc_review.cli.commands import console
    from zc_review.service.errors import ServiceError
    from zc_review.service.office.archive_filing import write_filing
    from zc_review.service.office.archive_notice import draft_notice

    start = date.fromisoformat(scheduled) + timedelta(days=1)
    first = draft_notice(url, session_id, out, start=start, today=start)
    day = as_of or first.last_day + timedelta(days=1)
    n = draft_notice(url, session_id, out, today=day)
    console.print(t("office.cli_notice_done", session=n.session_id, first=n.first_day.isoformat(),
                    last=n.last_day.isoformat(), days=n.working_days, state=n.state_label,
                    files="\n  ".join(str(f) for f in n.files)))
    try:
        res = write_filing(url, session_id, out, keys, today=day)
    except ServiceError as exc:
        if exc.code != "filing_notice_open":
            raise
        console.print(Text(exc.message, style="yellow"))
        return
    console.print(t("office.cli_filing_done", session=session_id, folder=str(res.folder),
                    files="\n  ".join(str(f) for f in res.files), sha=res.manifest_sha256))
