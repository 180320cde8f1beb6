"""``zc-review office draw | credit | plan`` and the before-the-room options of ``office pack`` (issue 11).

``office draw --pool DIR --session FILE --seed DIGITS --out DIR [--calls FILE]`` draws the committee from the
expert pool (the telephone answers typed at the prompt in draw order, or read from ``--calls``), prints every
step and writes the signed draw record and committee.yaml; ``office draw --verify RECORD [--pool DIR --session
FILE]`` reproduces a record and checks its signatures. ``office credit add|list|export`` keeps the credit
record (诚信档案). ``office plan`` writes the review plan (评审实施方案) PDF. Every refusal is a
``ServiceError`` (one Chinese message, exit status 2, nothing written).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from zc_review.cli._argparse import command_group, subcommand
from zc_review.i18n import join_list, t
from zc_review.service import paths
from zc_review.service.errors import ServiceError

COMMANDS = ("draw", "credit", "plan", "pool")
console = Console(highlight=False, width=max(shutil.get_terminal_size().columns, 150))
_ANSWER_KEYS = {"confirmed": "pool.answer_confirmed", "refused": "pool.answer_refused",
                "unreachable": "pool.answer_unreachable"}
_EXCLUDED_KEYS = {"credit": "pool.excluded_credit", "title_years": "pool.excluded_title_years",
                  "consecutive": "pool.excluded_consecutive", "last_year": "pool.excluded_last_year",
                  "conflict": "pool.excluded_conflict"}
_KIND_KEYS = {"reappoint_call": "pool.kind_reappoint", "call": "pool.kind_call"}


def add_parsers(office: Any) -> None:
    """Add ``draw``, ``credit`` and ``plan`` to the ``office`` sub-command parsers, each with its Chinese help and
    example, a Chinese name for every value (``cli.mv_*``) and a Chinese help on every argument."""
    d, f, rec = t("cli.mv_dir"), t("cli.mv_file"), t("cli.mv_draw_record")
    dr = subcommand(office, "draw", "pool.cli_draw", "cli.ex_draw")
    dr.add_argument("--pool", type=Path, metavar=d, help=t("pool.cli_pool"))
    dr.add_argument("--session", type=Path, metavar=f, help=t("pool.cli_session"))
    dr.add_argument("--seed", metavar=t("cli.mv_seed"), help=t("pool.cli_seed"))
    dr.add_argument("--seed-again", metavar=t("cli.mv_seed"), help=t("pool.cli_seed_again"))
    dr.add_argument("--out", type=Path, metavar=d, help=t("pool.cli_out"))
    dr.add_argument("--calls", type=Path, metavar=f, help=t("pool.cli_calls"))
    dr.add_argument("--previous", type=Path, action="append", default=[], metavar=rec, help=t("pool.cli_previous"))
    dr.add_argument("--db", metavar=t("cli.mv_url"), help=t("pool.cli_db"))
    dr.add_argument("--keys", type=Path, metavar=d, help=t("cli.keys"))
    dr.add_argument("--verify", type=Path, metavar=rec, help=t("pool.cli_verify"))
    cr = command_group(subcommand(office, "credit", "pool.cli_credit_cmd", "cli.ex_credit"), "credit_command")
    ca = subcommand(cr, "add", "pool.cli_credit_add", "cli.ex_credit_add")
    ca.add_argument("--kind", required=True, choices=("expert", "applicant", "staff"),
                    metavar=t("pool.credit_col_kind"), help=t("pool.cli_kind"))
    ca.add_argument("--name", required=True, metavar=t("common.col_name"), help=t("cli.credit_name"))
    ca.add_argument("--employer", default="", metavar=t("cli.mv_employer"), help=t("pool.cli_employer"))
    ca.add_argument("--person-id", default="", metavar=t("cli.mv_person_id"), help=t("pool.cli_person_id"))
    ca.add_argument("--reason", required=True, metavar=t("pool.credit_col_reason"), help=t("pool.cli_reason"))
    ca.add_argument("--source", required=True, metavar=t("common.col_source"), help=t("pool.cli_source"))
    ca.add_argument("--start", required=True, metavar=t("cli.mv_date"), help=t("pool.cli_start"))
    ca.add_argument("--fraud", action="store_true", help=t("pool.cli_fraud"))
    for sub in (ca, subcommand(cr, "list", "pool.cli_credit_list", "cli.ex_credit_list"),
                ex := subcommand(cr, "export", "pool.cli_credit_export", "cli.ex_credit_export")):
        sub.add_argument("--db", metavar=t("cli.mv_url"), help=t("pool.cli_db"))
    ex.add_argument("--out", type=Path, required=True, metavar=f, help=t("pool.cli_export_out"))
    pl = subcommand(office, "plan", "pool.cli_plan", "cli.ex_plan")
    pl.add_argument("--session", type=Path, required=True, metavar=f, help=t("pool.cli_session"))
    pl.add_argument("--draw-record", type=Path, required=True, metavar=rec, help=t("pool.cli_pack_draw_record"))
    pl.add_argument("--out", type=Path, required=True, metavar=f, help=t("pool.cli_plan_out"))
    pl.add_argument("--keys", type=Path, metavar=d, help=t("cli.keys"))
    po = command_group(subcommand(office, "pool", "pool.cli_pool_cmd", "cli.ex_pool"), "pool_command")
    pi = subcommand(po, "import", "pool.cli_pool_import", "cli.ex_pool_import")
    pi.add_argument("--pool", type=Path, required=True, metavar=d, help=t("pool.cli_pool"))
    pli = subcommand(po, "list", "pool.cli_pool_list", "cli.ex_pool_list")
    pli.add_argument("--pool-id", metavar=t("cli.mv_person_id"), help=t("pool.cli_pool_id"))
    for sub in (pi, pli):
        sub.add_argument("--db", metavar=t("cli.mv_url"), help=t("pool.cli_db"))


def extend_pack(pk: argparse.ArgumentParser) -> None:
    """The before-the-room options of ``office pack`` (Chinese value names and helps, as the others)."""
    pk.add_argument("--draw-record", type=Path, metavar=t("cli.mv_draw_record"), help=t("pool.cli_pack_draw_record"))
    pk.add_argument("--conflicts-decisions", type=Path, metavar=t("cli.mv_file"),
                    help=t("pool.cli_conflicts_decisions"))
    pk.add_argument("--decided-by", default="", metavar=t("common.col_name"), help=t("pool.cli_decided_by"))
    pk.add_argument("--db", metavar=t("cli.mv_url"), help=t("pool.cli_db"))


def pack_options(args: argparse.Namespace) -> dict[str, Any]:
    """``office pack``'s keyword arguments from those options; at a terminal, undecided hits are asked."""
    decide = _AskConflict(args.decided_by) if sys.stdin.isatty() and args.conflicts_decisions is None else None
    return {"draw_record": args.draw_record, "conflict_decisions": args.conflicts_decisions,
            "decided_by": args.decided_by, "archive_url": args.db, "decide": decide}


def print_conflicts(res: Any) -> None:
    """Print what became of each detected conflict (``PackResult.conflicts``)."""

    for c in res.conflicts:
        if c.decision == "dismissed":
            console.print(Text(t("pool.conflict_dismissed", hit=c.line, reason=c.reason), style="yellow"))
        elif c.decision == "listed":
            console.print(t("pool.conflict_listed_line", hit=c.line))
        else:
            console.print(t("pool.conflict_confirmed", hit=c.line))


def _input(prompt: str) -> str:
    """One line typed at the terminal. Raises: ServiceError("input_ended") at the end of the input."""
    try:
        return input(prompt)
    except EOFError:
        raise ServiceError("input_ended") from None


class _AskConflict:
    """The terminal's questions for each detected conflict; asks who decides once, at the first hit."""

    def __init__(self, decided_by: str) -> None:
        self.decided_by = decided_by.strip()

    def __call__(self, line: str) -> tuple[bool, str, str]:
        while not self.decided_by:
            self.decided_by = _input(t("pool.decided_by_prompt")).strip()
        while (a := _input(t("pool.conflict_prompt", hit=line)).strip().lower()) not in ("y", "n"):
            pass
        if a == "y":
            return True, "", self.decided_by
        return False, _input(t("pool.conflict_reason_prompt")).strip(), self.decided_by


def dispatch(args: argparse.Namespace) -> int:
    """Run ``office draw``, ``office credit …`` or ``office plan``. Returns: the exit status."""
    if args.office_command == "draw":
        return verify_draw(args) if args.verify else draw(args)
    if args.office_command == "plan":
        return plan(args)
    if args.office_command == "pool":
        return pool_command(args)
    return credit(args)


def _keys(args: argparse.Namespace) -> Any:
    from zc_review.seal.pki import load_office_keys

    path = Path(args.keys) if args.keys else paths.office_keys_dir()
    if not (path / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(path))
    return load_office_keys(path)


def _require(args: argparse.Namespace, *names: str) -> None:
    missing = [f"--{n.replace('_', '-')}" for n in names if getattr(args, n) is None]
    if missing:
        raise ServiceError("draw_args_missing", options=" ".join(missing))


def draw(args: argparse.Namespace) -> int:
    """``office draw``: prints the seed, who is left out and why, every call in order, the members; writes the
    record and committee.yaml. Raises: ServiceError (see ``service.office.pool.draw``)."""
    from zc_review.service.office import drawing
    from zc_review.service.office import pool as P

    _require(args, "session", "out")
    seed, again = args.seed, args.seed_again
    if seed is None:
        seed = _input(t("pool.seed_prompt"))
        again = _input(t("pool.seed_again"))
    keys = _keys(args)
    if args.pool is None:
        from zc_review.service.office.pool_archive import current_pool

        the_pool = current_pool(args.db or paths.office_archive_url(),
                                committee_name=P.load_plan(args.session).committee_name)
    else:
        the_pool = P.load_pool(args.pool)
    names = {e.id: e for e in the_pool.experts}
    answers: dict[str, tuple[str, str]] | None = None
    designations: P.Designations | None = None
    if args.calls is not None:
        answers, designations = P.load_calls(args.calls)
    seq = [0]

    def answer(eid: str, kind: str) -> tuple[str, str]:
        seq[0] += 1
        if answers is not None:
            if eid not in answers:
                raise ServiceError("draw_answer_missing", expert=eid)
            return answers[eid]
        e = names[eid]
        prompt = t("pool.call_prompt", seq=seq[0], kind=t(_KIND_KEYS[kind]), name=e.name, employer=e.employer,
                   title=e.title, specialty=e.specialty)
        while (a := _input(prompt).strip()) not in ("1", "2", "3"):
            console.print(t("pool.call_bad"))
        return ("confirmed", "refused", "unreachable")[int(a) - 1], _input(t("pool.call_note")).strip()

    def designate(members: list[Any]) -> P.Designations:
        if designations is not None:
            return designations
        chair, vices = _input(t("pool.chair_prompt")).strip(), _input(t("pool.vice_prompt")).split()
        leaders = {}
        for s in P.load_plan(args.session).seats:
            ids = _input(t("pool.leader_prompt", panel=s.panel, specialty=s.specialty)).split() + ["", ""]
            leaders[s.panel] = (ids[0], ids[1])
        return P.Designations(chair, vices, leaders)

    res = drawing.draw(pool_dir=args.pool, session_file=args.session, seed=seed, seed_again=again, out_dir=args.out,
                 keys=keys, answer=answer, designate=designate, previous=args.previous,
                 archive_url=args.db or paths.office_archive_url())
    print_record(res.record, names)
    for w in res.warnings:
        console.print(Text(w, style="yellow"))
    console.print(t("pool.draw_done", count=len(res.record["body"]["members"]), record=str(res.record_path),
                    committee=str(res.committee_path)))
    if res.panels_path is not None:
        console.print(t("pool.draw_panels", path=str(res.panels_path)))
    return 0


def print_record(record: dict[str, Any], names: dict[str, Any] | None = None) -> None:
    """Print a draw record: the seed and algorithm, the exclusions, the events in order, the members."""

    body = record["body"]

    def named(i: str) -> str:
        return str(names[i].name) if names and i in names else ""

    console.print(t("pool.seed_printed", seed=body["seed"], algorithm=body["algorithm"]))
    for x in body["excluded"]:
        key = "pool.excluded_reappoint" if x["expert"] in body["reappoint"] else _EXCLUDED_KEYS[x["reason"]]
        console.print(t("pool.excluded_line", expert=x["expert"], name=named(x["expert"]),
                        reason=t(key, detail=x["detail"])))
    for e in body["events"]:
        if e["kind"] == "skip_intermediate":
            what = t("pool.skip_intermediate")
        elif e["note"]:
            what = t("pool.answer_with_note", answer=t(_ANSWER_KEYS[e["answer"]]), note=e["note"])
        else:
            what = t(_ANSWER_KEYS[e["answer"]])
        stage = t("pool.stage_reappoint") if e["round"] == 0 else t("pool.stage_round", round=e["round"])
        console.print(t("pool.event_line", seq=e["seq"], specialty=e["specialty"], stage=stage,
                        expert=e["expert"], name=named(e["expert"]), what=what))
    roles = {"chair": "pool.role_chair", "vice_chair": "pool.role_vice_chair"}
    for m in sorted(body["members"], key=lambda m: str(m.get("reviewer", ""))):
        console.print(t("pool.member_line_numbered" if "reviewer" in m else "pool.member_line",
                        reviewer=m.get("reviewer", ""), expert=m["expert"], name=named(m["expert"]), specialty=m["specialty"],
                        how=t("pool.how_reappointed" if m["how"] == "reappointed" else "pool.how_drawn"),
                        role=t(roles[m["committee_role"]]) if m["committee_role"] in roles else ""))


def verify_draw(args: argparse.Namespace) -> int:
    """``office draw --verify RECORD``: signatures, the replay, and with ``--pool`` the eligibility.
    Returns: 0 when reproduced, 2 otherwise."""
    from zc_review.service.office import drawcheck
    from zc_review.service.office import pool as P

    url = args.db or paths.office_archive_url()
    chk = drawcheck.verify_draw(args.verify, _keys(args).root_cert, pool_dir=args.pool, session_file=args.session,
                                archive_url=url, from_archive=args.pool is None and args.session is not None)
    names = None
    if args.pool:
        names = {e.id: e for e in P.load_pool(args.pool).experts}
    elif args.session is not None:
        from zc_review.service.office.pool_archive import pool_version

        found = pool_version(url, chk.record["body"]["pool_sha256"])
        names = {e.id: e for e in found.experts} if found else None
    print_record(chk.record, names)
    for line in chk.lines:
        console.print(line)
    if chk.ok:
        console.print(Text(t("pool.verify_ok"), style="bold green"))
        return 0
    console.print(Text(t("pool.verify_failed") + "\n" + "\n".join(chk.problems), style="bold red"))
    return 2


def credit(args: argparse.Namespace) -> int:
    """``office credit add|list|export`` on the archive's credit record. Returns: 0."""
    from zc_review.service.atomic import write_atomic
    from zc_review.service.office import credit as C

    url = args.db or paths.office_archive_url()
    if args.credit_command == "add":
        e = C.add(url, kind=args.kind, name=args.name, employer=args.employer, source=args.source,
                  start=args.start, reason=args.reason, person_id=args.person_id, fraud=args.fraud)
        console.print(t("pool.credit_added", ref=e.ref, kind=t(C.KIND_LABELS[e.kind]), name=e.name, start=e.start,
                        until=e.until or t("pool.credit_life")))
        return 0
    entries = C.load(url)
    if args.credit_command == "export":
        write_atomic(args.out, C.export_csv(entries), 0o600)
        console.print(t("pool.credit_exported", count=len(entries), path=str(args.out)))
        return 0
    if not entries:
        console.print(t("pool.credit_none"))
    for line in C.export_csv(entries).decode("utf-8-sig").splitlines():
        console.print(Text(line))
    return 0


def pool_command(args: argparse.Namespace) -> int:
    """``office pool import|list``: the expert pool in the office archive. Returns: 0."""
    from zc_review.service.office import pool_archive as PA

    url = args.db or paths.office_archive_url()
    if args.pool_command == "import":
        res = PA.import_pool(url, args.pool)
        key = "pool.pool_imported" if res.created else "pool.pool_again"
        console.print(t(key, pool=res.pool.pool_id, committee=res.pool.committee_name, experts=len(res.pool.experts),
                        sha=res.pool.sha256[:16]))
        return 0
    if args.pool_id:
        for e in PA.current_pool(url, pool_id=args.pool_id).experts:
            console.print(Text(t("pool.pool_expert_line", id=e.id, name=e.name, specialty=e.specialty, title=e.title,
                                 employer=e.employer, years=join_list(map(str, e.years_served)) or "—")))
        return 0
    versions = PA.pool_versions(url)
    if not versions:
        console.print(t("pool.pool_none"))
    for v in versions:
        console.print(Text(t("pool.pool_version_line", pool=v.pool_id, committee=v.committee_name, experts=v.experts,
                             reviewed=v.reviewed_on, sha=v.sha256[:16], at=v.imported_at.strftime("%Y-%m-%d %H:%M"),
                             by=v.imported_by)))
    return 0


def plan(args: argparse.Namespace) -> int:
    """``office plan``: the review plan (评审实施方案) PDF from session.yaml and the draw record. Returns: 0."""
    from zc_review.service.office.review_plan import write_review_plan

    path = write_review_plan(args.session, args.draw_record, args.out, _keys(args).root_cert)
    console.print(t("pool.plan_done", path=str(path)))
    return 0


#: The demo's seed: as if read from dice before the supervisor (printed; docs/INPUT.md "The draw plan").
DEMO_SEED = "2025128397"


#: The files of the demo's pack input that the draw and the confirmations at pack produce (docs/DESIGN.md
#: "The demo starts from the pool").
DRAWN_FILES = ("committee.yaml", "panels.yaml")


@dataclass(frozen=True)
class DemoDraw:
    """What the demo's draw step made: the pack input (``<out>/input``: the demo input with the drawn
    committee.yaml and panels.yaml, and no conflict typed in advance), the signed draw record, the staff's
    decisions on the conflicts pack detects, the review plan PDF."""

    input_dir: Path
    record_path: Path
    decisions: Path
    plan_pdf: Path


def preliminary_draw(input_dir: Path, out: Path, keys_dir: Path, archive_url: str) -> DemoDraw | None:
    """``zc-review demo``'s first step (issue 11): import ``<input>/pool`` into the office archive at
    ``archive_url``, draw the committee from it with the fixed, printed seed and the demo call sheet, verify
    the record (signatures, replay, eligibility against the archived pool), write the review plan PDF (all
    under ``<out>/draw``), and build the pack input ``<out>/input`` from the draw.

    The pack input is the demo input with the drawn committee.yaml and panels.yaml, and an empty
    conflicts.yaml: every same-employer conflict is found at pack and confirmed from
    ``<input>/pool/demo-conflict-decisions.yaml``. The demo script is written for the committee this seed
    draws (data/demo/committee.yaml and panels.yaml are that draw's committed output, checked byte for byte
    by tests/service/test_demo_draw.py); a draw that differs refuses the demo. None when the input has no
    pool or no draw plan. Raises: ServiceError("draw_not_reproduced" | "demo_draw_differs") and whatever the
    draw refuses.
    """
    import hashlib

    import yaml

    from zc_review.seal.pki import load_office_keys
    from zc_review.service.atomic import make_private_dir, write_atomic
    from zc_review.service.office import drawcheck, drawing
    from zc_review.service.office import pool as P
    from zc_review.service.office.archive import grouped_fingerprint
    from zc_review.service.office.pool_archive import import_pool
    from zc_review.service.office.review_plan import write_review_plan

    session = input_dir / "session.yaml"
    if not (input_dir / "pool" / "pool.yaml").is_file() or "draw" not in (
            yaml.safe_load(session.read_text("utf-8")) or {}):
        return None
    keys = load_office_keys(keys_dir)
    the_pool = import_pool(archive_url, input_dir / "pool").pool
    console.print(t("pool.pool_imported", pool=the_pool.pool_id, committee=the_pool.committee_name,
                    experts=len(the_pool.experts), sha=the_pool.sha256[:16]))
    answers, des = P.load_calls(input_dir / "pool" / "demo-calls.yaml")
    draw_dir = out / "draw"
    console.print(Text(t("pool.demo_draw_start", seed=DEMO_SEED), style="bold"))
    res = drawing.draw(pool_dir=None, session_file=session, seed=DEMO_SEED, seed_again=DEMO_SEED, out_dir=draw_dir,
                       keys=keys, answer=lambda eid, kind: answers[eid], designate=lambda m: des,
                       archive_url=archive_url)
    print_record(res.record, {e.id: e for e in the_pool.experts})
    chk = drawcheck.verify_draw(res.record_path, keys.root_cert, session_file=session, archive_url=archive_url,
                                from_archive=True)
    for line in chk.lines:
        console.print(line)
    if not chk.ok:
        raise ServiceError("draw_not_reproduced", problems="\n".join(chk.problems))
    plan_pdf = write_review_plan(session, res.record_path, draw_dir / "review-plan.pdf", keys.root_cert)
    drawn = {name: (draw_dir / name).read_bytes() for name in DRAWN_FILES}
    for name, data in drawn.items():
        if (input_dir / name).read_bytes() != data:
            raise ServiceError("demo_draw_differs", file=name, drawn=str(draw_dir / name))
    pack_input = out / "input"
    shutil.rmtree(pack_input, ignore_errors=True)
    make_private_dir(pack_input)
    for src in sorted(input_dir.iterdir()):  # the rest of the input as it is, but the office's own files
        if src.name in (*DRAWN_FILES, "conflicts.yaml", "pool", "script.json", "expected-results.json"):
            continue
        if src.is_dir():
            shutil.copytree(src, pack_input / src.name)
        else:
            shutil.copyfile(src, pack_input / src.name)
    for name, data in drawn.items():
        write_atomic(pack_input / name, data, 0o600)
    write_atomic(pack_input / "conflicts.yaml", f"# {t('pool.demo_conflicts_header')}\nconflicts: []\n".encode(),
                 0o600)
    fp = grouped_fingerprint(hashlib.sha256(res.record_path.read_bytes()).hexdigest())
    console.print(t("pool.demo_draw_done", record=str(res.record_path), fp=fp, committee=str(res.committee_path),
                    plan=str(plan_pdf), input=str(pack_input)))
    return DemoDraw(pack_input, res.record_path, input_dir / "pool" / "demo-conflict-decisions.yaml", plan_pdf)
