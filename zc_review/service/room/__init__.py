"""The sealed room's one door: ``RoomService``, a small facade over the parts of the session.

``RoomService.open(...)`` verifies and unlocks a package and opens (or resumes) its session database.
The use cases live in parts that hold the shared context and never inherit from each other:

- ``room.opening``  roll call, pledges, recusals, rubric sign-off (RULES.md §2–3)
- ``room.scoring``  blind dossiers, score sheets, panel aggregates (RULES.md §3–4)
- ``room.panel``    disagreement flags, leader's sheet, discussion order, pass-rate preview (issue 5)
- ``room.ballot``   poll rounds, the secret ballot, tallies, run-offs, finality (RULES.md §5)
- ``room.tally``    paper mode: printed ballots, the two tellers' keyed counts, the witness (RULES.md §5)
- ``room.closing``  failure reasons, sign-off, the minutes and their signatures, export (RULES.md §5–6)
- ``room.close``    wiping the working folder after a verified export
- ``room.views``    read models for the screens (room/views.py): rows, rubrics, ballots, results

The screens import only from here (and ``zc_review.service``): the names below re-export the domain's
enums and the parts' types they need (``Choice``, ``Outcome``, ``Role`` ...), so the TUI never imports the
domain.
- ``room.paper``   printed paper score sheets and their double keying (issue 14; room/paper_sheets.py)
- ``room.credentials``  who is locked or waiting after wrong entries, and lifting a lock (issue 12 §3)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from zc_review.domain.ballot import Choice
from zc_review.domain.model import CommitteeRole, SessionDefinition, StaffRole
from zc_review.domain.outcome import SessionOutcome
from zc_review.domain.rules import Outcome
from zc_review.seal.errors import SealError
from zc_review.service import paths
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError, os_error_text
from zc_review.service.payload import parse_payload
from zc_review.service.room.ballot import Ballot
from zc_review.service.room.close import Close
from zc_review.service.room.closing import Closing
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.credentials import Credentials
from zc_review.service.room.opening import RUBRIC_ROLES, Opening, QuorumStatus
from zc_review.service.room.panel import Panel, PanelScores
from zc_review.service.room.paper_ballot import PaperBallot
from zc_review.service.room.paper_sheets import PaperSheets
from zc_review.service.room.permissions import Action, Role
from zc_review.service.room.scoring import DossierView, Scoring, parse_score
from zc_review.service.room.shell_views import ShellViews
from zc_review.service.room.views import Views
from zc_review.storage.engine import make_engine
from zc_review.storage.models import Recusal, SessionState

MAX_PACKAGE_BYTES = 1024 * 1024 * 1024

__all__ = ["RUBRIC_ROLES", "Action", "Actor", "Choice", "CommitteeRole", "DossierView", "Outcome", "PanelScores",
           "QuorumStatus", "Role", "RoomService", "ServiceError", "StaffRole", "Views", "parse_score"]


class RoomService:
    """The sealed room: the context plus its parts (``opening``, ``scoring``, ``panel``, ``ballot``,
    ``closing``, ``close``, ``credentials``) and the screens' read models (``views``). Open one with
    ``RoomService.open``."""

    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.opening = Opening(ctx)
        self.scoring = Scoring(ctx, self.opening)
        self.panel = Panel(ctx, self.scoring)
        self.paper = PaperSheets(ctx, self.opening, self.scoring)
        self.ballot = Ballot(ctx, self.opening, self.scoring)
        self.tally = PaperBallot(ctx, self.ballot)
        self.closing = Closing(ctx, self.opening, self.scoring, self.ballot, self.panel)
        self.close = Close(ctx, self.closing)
        self.views = Views(ctx, self.scoring, self.ballot, self.closing,
                           shell=ShellViews(ctx, self.opening, self.panel, self.ballot, self.closing))
        self.credentials = Credentials(ctx)

    @classmethod
    def build(cls, *, payload: Any, package_id: str, package_sha256: str, engine: Any, workdir: Path | None,
              clock: Callable[[], datetime] = utcnow) -> RoomService:
        """A room over an already decrypted payload and an engine (tests, benchmarks, the crash harness).

        Args: as ``RoomContext``. Raises: as ``RoomContext``.
        """
        return cls(RoomContext(payload=payload, package_id=package_id, package_sha256=package_sha256,
                               engine=engine, workdir=workdir, clock=clock))

    # -- opening a package ------------------------------------------------------------------
    @classmethod
    def open(cls, package_path: Path, chair_secret: str, supervisor_secret: str, *,
             home: Path | None = None, clock: Callable[[], datetime] = utcnow,
             in_memory: bool = False, progress: Callable[[str], None] | None = None) -> RoomService:
        """Verify and unlock a session package, then open (or resume) its session database.

        Args:
            package_path: the package file from the office.
            chair_secret, supervisor_secret: the two opening secrets (both needed: two-person rule).
            home: data directory (default ``$ZC_REVIEW_HOME`` or the user data dir).
            in_memory: keep the database in memory (tests only).
            progress: called with each step's name as it starts, in order: ``signature``, ``chair``,
                ``supervisor`` (the two key derivations, seconds each), ``payload``, ``database``
                (``zc_review.service.unlock_steps.UNLOCK_STEPS``); the room and the CLI show it with the elapsed time.
        Returns: a RoomService.
        Raises: ServiceError("no_trust") when no office root is trusted on this laptop;
            ServiceError("package_is_folder") when ``package_path`` is a folder;
            ServiceError("package_not_genuine") when the file fails its signature check (damaged,
            changed, or not from an office this laptop trusts), checked before any secret is used;
            ServiceError("package_format_old") / ("package_format_new") for a package of another format
            version (e.g. version 1, made before the opening layers' work factor was pinned), also before
            any secret is used;
            ServiceError("opening_secret_wrong_chair") / ("opening_secret_wrong_supervisor") when the
            signature is good but that opener's layer did not open (docs/SECURITY.md);
            ServiceError("unlock_failed") for anything else (``diagnostics`` param says which check failed);
            ServiceError("unlock_busy") when this machine could not give an opening layer's key derivation
            its memory (never shown as a wrong secret; issue 12 §5);
            ServiceError("package_unreadable") when the file cannot be read;
            ServiceError("other_package_in_progress") when this session is already running from a
            different package file.
        """
        from zc_review.seal.errors import FormatVersionError, OpeningSecretError, WorkFactorError
        from zc_review.seal.package import open_package, verify_package_signature
        from zc_review.seal.trust import trusted_roots
        from zc_review.service import journal

        step = progress or (lambda _name: None)
        if package_path.is_dir():
            raise ServiceError("package_is_folder", path=str(package_path), example=str(package_path / "session.zcp"))
        try:
            size = package_path.stat().st_size
            if size > MAX_PACKAGE_BYTES:
                raise ServiceError("unlock_failed", diagnostics="file too large")
            data = package_path.read_bytes()
        except OSError as exc:
            raise ServiceError("package_unreadable", path=str(package_path), error=os_error_text(exc)) from exc
        roots = trusted_roots(paths.trust_dir(home))
        if not roots:
            raise ServiceError("no_trust")
        try:
            # The signature first, before any secret is used: a file that fails it is not from an office
            # this laptop trusts, or is damaged, whatever was typed; saying so helps no one forge one.
            step("signature")
            header = verify_package_signature(data, roots)
        except SealError as exc:
            journal.record_unlock_failure(home or paths.app_home(), data, exc.diagnostics())
            if isinstance(exc, FormatVersionError):
                raise ServiceError("package_format_old" if exc.older else "package_format_new", version=exc.version,
                                   supported=exc.supported, diagnostics=exc.diagnostics()) from exc
            raise ServiceError("package_not_genuine", diagnostics=exc.diagnostics()) from exc
        try:
            plain = open_package(data, roots, chair_secret, supervisor_secret, on_step=step)
        except SealError as exc:
            # No session database yet: the failure goes to the laptop's journal (never the secrets).
            journal.record_unlock_failure(home or paths.app_home(), data, exc.diagnostics())
            if isinstance(exc, WorkFactorError):  # the machine refused the work, the secret was not tried
                raise ServiceError("unlock_busy", diagnostics=exc.diagnostics()) from exc
            if isinstance(exc, OpeningSecretError):  # which opener retypes (docs/SECURITY.md)
                if exc.layer == "chair":
                    raise ServiceError("opening_secret_wrong_chair", diagnostics=exc.diagnostics()) from exc
                raise ServiceError("opening_secret_wrong_supervisor", diagnostics=exc.diagnostics()) from exc
            raise ServiceError("unlock_failed", diagnostics=exc.diagnostics()) from exc
        step("database")
        payload = parse_payload(plain)
        session_id = str(payload.session["session_id"])
        workdir = None if in_memory else paths.session_dir(session_id, home)
        if workdir is not None:
            from zc_review.service.atomic import make_private_dir

            make_private_dir(workdir)  # 0700: the database holds plaintext scores mid-session (issue 12 §5)
        engine = make_engine(None if workdir is None else workdir / "session.db")
        ctx = RoomContext(payload=payload, package_id=header.package_id, package_sha256=hashlib.sha256(data).hexdigest(),
                          engine=engine, workdir=workdir, clock=clock)
        room = cls(ctx)
        room._log_unlock_failures(home or paths.app_home())
        return room

    def _log_unlock_failures(self, home: Path) -> None:
        """Copy the unlock failures journaled before this open into the session's hash-chained log."""
        from zc_review.service import journal

        pending = journal.pending_unlock_failures(home)
        if not pending:
            return
        with self.ctx.tx(outcome_unchanged=True) as s:
            for e in pending:
                self.ctx.log(s, "system", "system", "unlock_failed_earlier",
                             {k: e.get(k) for k in ("at", "package_sha256", "size", "diagnostics")})
        journal.append(home, "unlock_failures_logged", session_id=self.ctx.defn.session_id, count=len(pending))

    # -- what every screen needs ---------------------------------------------------------------
    @property
    def defn(self) -> SessionDefinition:
        """The session definition (roster, panels, applicants, rubrics, rules) from the package."""
        return self.ctx.defn

    @property
    def package_id(self) -> str:
        """The package's id (as issued by the office)."""
        return self.ctx.package_id

    @property
    def payload(self) -> Any:
        """The decrypted package payload (session, credentials, attachments, device identity)."""
        return self.ctx.payload

    @property
    def clock(self) -> Callable[[], datetime]:
        """The room's clock (aware UTC datetimes)."""
        return self.ctx.clock

    @property
    def engine(self) -> Any:
        """The session database engine (tests and the crash harness read the file through it)."""
        return self.ctx.engine

    @property
    def workdir(self) -> Path | None:
        """The session's working folder, or None for a database in memory."""
        return self.ctx.workdir

    def authenticate(self, person_id: str, secret: str) -> Actor:
        """Check a person's credential; see ``RoomContext.authenticate``. Source: issue 3 §4."""
        return self.ctx.authenticate(person_id, secret)

    def lift_lock(self, first: Actor, second: Actor, person_id: str) -> None:
        """Lift ``person_id``'s credential lock with two other officers together (for the chair: the
        supervisor and a vice-chair; for the supervisor: the chair and a vice-chair; for anyone else: the
        chair and the supervisor); see ``room.credentials``. Source: issue 12 §3."""
        self.credentials.lift_lock(first, second, person_id)

    def person_name(self, person_id: str) -> str:
        """The name of a reviewer or staff member. Raises: ServiceError("unknown_person")."""
        return self.ctx.person_name(person_id)

    def attendance(self) -> dict[str, bool]:
        """Roll-call marks so far: reviewer id → attending (True) or absent (False)."""
        return self.ctx.attendance()

    def signatures(self, kind: str, subject: str | None = None) -> list[Any]:
        """Signatures of ``kind`` (pledge | rubric | results), optionally of one subject, in signing order."""
        return self.ctx.signatures(kind, subject)

    def attending_ids(self) -> list[str]:
        """Attending reviewers' ids in roster order."""
        return self.ctx.attending_ids()

    def presiding_officer_id(self) -> str | None:
        """The chair if attending, else the first attending vice-chair (主持人). Source: GLOSSARY.md."""
        return self.ctx.presiding_officer_id()

    def roles_of(self, person_id: str, *, panel_id: str | None = None) -> frozenset[Role]:
        """The roles ``person_id`` holds now, in the context of ``panel_id`` when given."""
        return self.ctx.roles_of(person_id, panel_id=panel_id)

    def recusals(self) -> list[Recusal]:
        """Every recusal (pre-declared and added in the room) in the order recorded."""
        return self.ctx.recusals()

    def is_recused(self, reviewer_id: str, applicant_id: str) -> bool:
        """True when ``reviewer_id`` is recused from ``applicant_id``."""
        return self.ctx.is_recused(reviewer_id, applicant_id)

    def state(self) -> SessionState:
        """The session's state row (opened, roll call closed, poll opened, results final, closed)."""
        return self.ctx.state()

    def record(self, *, with_log: bool = False) -> dict[str, Any]:
        """The raw record of the session (results.json minus "declared"); see room/record.py."""
        return self.ctx.record(with_log=with_log)

    def outcome(self) -> SessionOutcome:
        """Every derived number now, computed once per state change. Source: RULES.md §4–5."""
        return self.ctx.outcome()

    def log_head(self) -> str:
        """The hash of the newest log entry (hex)."""
        return self.ctx.log_head()
