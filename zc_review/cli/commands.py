"""The command implementations behind ``zc-review``: thin wrappers over the service that print."""

from __future__ import annotations

import argparse
import errno
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zc_review.cli.progress import Steps
from zc_review.i18n import label_of, t
from zc_review.service import paths
from zc_review.service.errors import ServiceError
from zc_review.service.unlock_steps import UNLOCK_STEPS

console = Console(highlight=False, width=max(shutil.get_terminal_size().columns, 150))
#: Steps of long work and their elapsed time go to stderr, so stdout keeps only the command's result.
progress_console = Console(stderr=True, highlight=False)
_CJK = re.compile(r"[\u3400-\u9fff]")


def _keys(args: argparse.Namespace) -> Path:
    return Path(args.keys) if getattr(args, "keys", None) else paths.office_keys_dir()


def _existing_keys(args: argparse.Namespace, command: str, target: Path) -> Path:
    """The office keys that must already exist (verify, import, recover, register).

    Raises: ServiceError("office_keys_not_found") saying where they were looked for, that ``--keys`` names
    them, and that ``office keygen`` cannot help (new keys never verify an existing bundle).
    """
    keys = _keys(args)
    if not (keys / "root-cert.pem").is_file():
        where = t("cli.keys_where_given", path=str(keys)) if getattr(args, "keys", None) else \
            t("cli.keys_where_default", path=str(keys))
        raise ServiceError("office_keys_not_found", where=where,
                           example=f"zc-review office {command} {target} --keys {t('cli.keys_example_dir')}")
    return keys


def _unlock_progress(steps: Steps) -> Callable[[str], None]:
    """``RoomService.open(progress=…)`` shown as steps: signature, the two key derivations, payload, database."""
    labels = dict(UNLOCK_STEPS)

    def step(name: str) -> None:
        steps.start(t(labels[name]))
    return step


def keygen(args: argparse.Namespace) -> int:
    """``office keygen``: make the office's root certificate and age identity in ``--keys`` (named ``--name``).

    Prints the keys' directory and the root fingerprint. Returns: 0. Raises: ServiceError("keys_exist")
    when keys are already there (never overwritten).
    """
    from zc_review.service.office import keygen as do_keygen

    fp = do_keygen(_keys(args), args.name)
    console.print(t("cli.keygen_done", path=str(_keys(args)), fp=fp))
    return 0


def pack(args: argparse.Namespace) -> int:
    """``office pack``: validate the input folder and write the sealed session package and credential letters.

    Prints each composition or anonymity warning (yellow), then the package, letters and counts.
    Returns: 0. Raises: ServiceError("input_invalid"), ("composition_fatal"), ("keys_missing") (see
    ``service.office.pack``). Source: RULES.md §1; issue 2 §1.
    """
    from zc_review.cli.office_pool import pack_options, print_conflicts
    from zc_review.service.office import pack as do_pack

    with Steps(progress_console) as steps, steps.step(t("cli.step_pack", input=str(args.input))):
        res = do_pack(args.input, args.out, _keys(args), secrets_out=args.secrets_out, fast_kdf=args.fast_kdf,
                      rehearsal=args.rehearsal, **pack_options(args))
    print_conflicts(res)
    for w in res.warnings:
        console.print(Text(w, style="yellow"))
    console.print(t("cli.pack_done", package=str(res.package_path), letters=str(res.letters_path),
                    package_id=res.package_id, applicants=len(res.definition.applicants),
                    reviewers=len(res.definition.reviewers)))
    return 0


def print_report(rep: object, details: bool = False) -> None:
    """Print a verify report as a table (check, passed or not, detail; a passed line cut to 160 characters), then every
    signer. ``rep`` is a ``service.office.VerifyReport``. Raises: AssertionError for anything else.

    A detail without Chinese is the checks' internal diagnostic (English, for technical support): it is
    replaced by a Chinese sentence, and printed beneath only with ``details`` (``--details``)."""
    from zc_review.service.office import VerifyReport

    assert isinstance(rep, VerifyReport)
    table = Table(title=t("cli.verify_title", fp=rep.fingerprint or "—"))
    table.add_column(t("cli.col_check"))
    table.add_column(t("cli.col_result"))
    table.add_column(t("cli.col_detail"))
    for name, ok, detail in rep.lines:
        shown = detail if not ok else detail[:160]  # a failure's detail in full: it says what to do
        if detail and not _CJK.search(detail):
            shown = (t("cli.detail_technical") if ok else t("cli.detail_failed")) + \
                ("\n" + t("cli.detail_raw", detail=detail) if details else "")
        table.add_row(Text(name), Text(t("common.outcome_passed") if ok else t("cli.fail"), style="green" if ok else "bold red"),
                      Text(shown))
    console.print(table)
    if rep.signers:
        console.print(Text(t("cli.signers") + "\n  " + "\n  ".join(rep.signers)))  # every signer: who signed what


def verify(args: argparse.Namespace) -> int:
    """``office verify``: check a result bundle (signatures, decryption, digests, every number recounted).

    Prints the report and a verdict. Returns: 0 when every check passed, 2 otherwise.
    Raises: ServiceError("bundle_unreadable"), ("keys_missing").
    """
    from zc_review.service.office import verify_bundle

    keys = _existing_keys(args, "verify", args.bundle)
    with Steps(progress_console) as steps, steps.step(t("cli.step_verify", path=str(args.bundle))):
        rep = verify_bundle(args.bundle, keys)
    print_report(rep, details=args.details)
    console.print(Text(t("cli.verify_ok") if rep.ok else t("cli.verify_failed"), style="bold green" if rep.ok else "bold red"))
    return 0 if rep.ok else 2


def import_(args: argparse.Namespace) -> int:
    """``office import``: verify a bundle and file its results in the office archive (``--db``), once.

    Prints the report and what was filed (again: nothing changed). Returns: 0. Raises: ServiceError
    ("import_refused") on a failed check, ("import_conflict"), ("rehearsal_refused") without
    ``--rehearsal``, and what ``verify`` raises.
    """
    from zc_review.service.office import import_bundle, verify_bundle

    keys = _existing_keys(args, "import", args.bundle)
    with Steps(progress_console) as steps:
        with steps.step(t("cli.step_verify", path=str(args.bundle))):
            rep = verify_bundle(args.bundle, keys)
        if rep.ok:  # else the report says why in Chinese, and the archive is not touched
            with steps.step(t("cli.step_import")):
                res = import_bundle(args.bundle, keys, args.db or paths.office_archive_url(),
                                    allow_rehearsal=args.rehearsal)
    if not rep.ok:
        print_report(rep, details=args.details)
        raise ServiceError("import_refused_shown")
    print_report(res.report, details=args.details)
    console.print(t("cli.import_done" if res.created else "cli.import_again", session=res.session_id,
                    passed=res.passed, applicants=res.applicants))
    return 0


def trust_add(args: argparse.Namespace) -> int:
    """``trust add``: trust an office root certificate on this laptop; prints its fingerprint to compare
    with the one printed on the credential envelope. Returns: 0. Raises: ServiceError("cert_invalid")."""
    from zc_review.service.errors import os_error_text
    from zc_review.service.office import trust_add as do_trust

    if not args.cert.is_file():  # missing (or a folder): say so, not "not a PEM certificate"
        code = errno.EISDIR if args.cert.is_dir() else errno.ENOENT
        raise ServiceError("cert_missing", path=str(args.cert), error=os_error_text(OSError(code, "")))
    fp = do_trust(args.cert)
    console.print(t("cli.trust_added", fp=fp))
    return 0


def trust_list(args: argparse.Namespace) -> int:
    """``trust list``: print the fingerprint of every trusted office root, one a line. Returns: 0."""
    from zc_review.seal.trust import fingerprints

    for fp in fingerprints(paths.trust_dir()):
        console.print(fp)
    return 0


def recover(args: argparse.Namespace) -> int:
    """``office recover``: re-issue a package whose opening secret was lost, with new opening letters.

    Prints the new package, its new id, the id it supersedes and the letters. Returns: 0.
    Raises: ServiceError("keys_missing"), ("recover_failed"), ("recover_superseded").
    """
    from zc_review.service.office import recover as do_recover

    res = do_recover(args.package, _existing_keys(args, "recover", args.package), args.out, secrets_out=args.secrets_out)
    console.print(t("cli.recover_done", package=str(res.package_path), package_id=res.package_id,
                    old_id=res.supersedes, letters=str(res.letters_path)))
    return 0


def register(args: argparse.Namespace) -> int:
    """``office register``: re-add package files this office issued to its register of issued packages.

    For a lost register or another laptop (issue 12 §1): each file must carry this office's signature and
    open with its age key. Prints one line per package added (or already there) and per supersession.
    Returns: 0. Raises: ServiceError("keys_missing"), ("package_unreadable"), ("register_foreign"),
    ("register_conflict"), ("register_invalid_file").
    """
    from zc_review.service.office import register_packages

    for line in register_packages(args.packages, _existing_keys(args, "register", args.packages[0])):
        console.print(line)
    return 0


def close(args: argparse.Namespace) -> int:
    """Open the package with both opening secrets, then each of chair and supervisor types their credential."""
    from getpass import getpass

    from zc_review.domain.model import StaffRole
    from zc_review.service import RoomService
    from zc_review.service.script import Secrets

    rehearsal = Secrets.load(args.secrets) if args.secrets else None
    chair_open = rehearsal.chair_opening if rehearsal else getpass(t("cli.prompt_chair_opening"))
    supervisor_open = rehearsal.supervisor_opening if rehearsal else getpass(t("cli.prompt_supervisor_opening"))
    with Steps(progress_console) as steps:
        service = RoomService.open(args.package, chair_open, supervisor_open, progress=_unlock_progress(steps))
    actors = []
    for person, role in ((service.defn.chair, "common.role_chair"),
                         (service.defn.staff_with_role(StaffRole.SUPERVISOR), "common.role_supervisor")):
        secret = (rehearsal.persons.get(person.id, "") if rehearsal
                  else getpass(t("cli.prompt_credential", role=t(role), name=person.name)))
        actors.append(service.authenticate(person.id, secret))
    with Steps(progress_console) as steps, steps.step(t("cli.step_close")):
        res = service.close.close_session(actors[0], actors[1], bundle=args.bundle)
    console.print(t("cli.close_done", session=res.session_id, files=len(res.wiped), bundle=str(res.bundle),
                    fp=res.fingerprint))
    return 0


def open_tui(args: argparse.Namespace) -> int:
    """``open``: run the room's TUI on a package until the user quits. Returns: 0.

    Raises: ServiceError("package_unreadable") when the package file does not exist.
    """
    from zc_review.tui.app import make_app

    if args.package.is_dir():  # a folder would start the unlock screen for nothing
        found = sorted(args.package.glob("*.zcp"))
        raise ServiceError("package_is_folder", path=str(args.package), example=str(found[0] if found else
                                                                                   args.package / "session.zcp"))
    if not args.package.exists():
        raise ServiceError("package_unreadable", path=str(args.package), error=t("cli.file_missing"))
    make_app(package_path=args.package, out_dir=args.out).run()
    return 0


def run_script(args: argparse.Namespace) -> int:
    """``run-script``: open a package with the rehearsal secrets and play a script through the service.

    Prints the results table (and the bundle written, if the script exported one); with
    ``--results-json`` also writes every declared number as JSON. Returns: 0.
    Raises: ServiceError("script_invalid"), ("secrets_invalid"), what ``RoomService.open`` raises, and
    ("script_step_failed") wrapping the first refused step.
    """
    from zc_review.service import RoomService
    from zc_review.service.script import ScriptRunner, Secrets, load_script
    from zc_review.service.script.progress import progress_path, read_acks, resume_point

    script = load_script(args.script)
    secrets = Secrets.load(args.secrets)
    with Steps(progress_console) as steps:
        service = RoomService.open(args.package, secrets.chair_opening, secrets.supervisor_opening,
                                   progress=_unlock_progress(steps))
    runner = ScriptRunner(service, secrets, args.out)
    actions = script["actions"]
    acks = progress_path(service.workdir, args.script.read_bytes()) if service.workdir is not None else None
    if acks is not None and acks.exists():
        start = resume_point(service, actions, read_acks(acks))
        console.print(t("cli.script_resumed", step=start + 1, total=len(actions)) if start < len(actions)
                      else t("cli.script_all_done", total=len(actions)))
    with Steps(progress_console) as steps, steps.step(t("cli.step_script", n=len(actions))):
        runner.run(actions, acks=acks)
    print_results(service)
    if args.results_json:
        import json

        from zc_review.domain.outcome import declared_numbers
        from zc_review.service.atomic import write_atomic

        write_atomic(args.results_json, (json.dumps(declared_numbers(service.defn, service.outcome()),
                                                    ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    if runner.exported:
        console.print(t("cli.bundle_written", path=str(runner.exported[0]), fp=runner.exported[1]))
    return 0


def print_results(service: object) -> None:
    """The results table: code, name, composite, agree/disagree/abstain, decision, reason."""
    from zc_review.domain.rules import round_half_up
    from zc_review.service import RoomService

    assert isinstance(service, RoomService)
    out = service.outcome()
    reasons = service.closing.failure_reasons()
    final = service.closing.results_final()
    table = Table(title=t("cli.results_title", committee=service.defn.committee_name))
    for col in ("common.col_code", "common.col_name", "common.col_group", "common.col_material", "common.col_defence", "common.col_composite", "common.col_rank",
                "common.col_votes", "common.col_decision", "common.col_reason"):
        table.add_column(t(col))
    for a in sorted(service.defn.applicants, key=lambda x: (x.group_id, x.code)):
        o = out.applicants[a.id]
        s = o.score
        votes = f"{o.tally.agree}/{o.tally.disagree}/{o.tally.abstain}" if o.tally else "—"
        if o.runoff_agree:
            votes += " " + t("common.col_runoff", n=",".join(map(str, o.runoff_agree)))
        decision = label_of("outcome", o.outcome.value) if o.outcome else "—"
        style = "green" if o.outcome and o.outcome.value == "passed" else "red" if o.outcome else ""
        table.add_row(Text(a.code), Text(a.name if final else "—"), Text(service.defn.group(a.group_id).name),
                      Text(str(round_half_up(s.material)) if s else "—"),
                      Text(str(round_half_up(s.defence)) if s and s.defence is not None else "—"),
                      Text(str(s.composite) if s else "—"), Text(str(o.rank or "—")), Text(votes),
                      Text(decision, style=style), Text(reasons[a.id].reason if a.id in reasons else ""))
    console.print(table)
