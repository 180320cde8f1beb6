"""The room's service core: unlocking a package, the session database, credentials, the hash-chained log.

``RoomService`` is the one door of the sealed room: the TUI, the script runner and the tests call its
methods and nothing else. The use cases are grouped in mixins (opening, scoring, voting, closing);
this module holds what they share.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from zc_review.domain.chain import GENESIS, entry_body, entry_hash
from zc_review.domain.codec import definition_from_dict
from zc_review.domain.model import CommitteeRole, SessionDefinition, StaffRole
from zc_review.seal.credentials import CredentialRecord, check_credential
from zc_review.seal.errors import SealError
from zc_review.service import paths
from zc_review.service.errors import ServiceError
from zc_review.service.payload import Payload, parse_payload
from zc_review.service.permissions import Action, Role, require
from zc_review.storage.engine import make_engine
from zc_review.storage.models import Attendance, CredentialState, LogEntry, Recusal, SessionState

MAX_PACKAGE_BYTES = 1024 * 1024 * 1024
MAX_FAILURES = 5  # wrong credential attempts before a person is locked (issue 3)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, eq=False)
class Actor:
    """A person who has just proved their credential. Made only by ``RoomService.authenticate``.

    ``key`` is the person's private signing key (unwrapped with their secret), ``cert`` its
    certificate issued by the office root.
    """

    person_id: str
    name: str
    key: Any = field(repr=False)
    cert: Any = field(repr=False)
    _token: object = field(repr=False, default=None)


class RoomBase:
    """Shared state and helpers of the room service (see RoomService in service/__init__)."""

    def __init__(self, *, payload: Payload, package_id: str, package_sha256: str, engine: Engine,
                 workdir: Path | None, clock: Callable[[], datetime] = utcnow) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_der_private_key

        self.payload = payload
        self.defn: SessionDefinition = definition_from_dict(payload.session)
        self.package_id = package_id
        self.engine = engine
        self.workdir = workdir
        self.clock = clock
        self._lock = threading.RLock()
        self._token = object()
        self.credentials = {pid: CredentialRecord.from_dict(rec) for pid, rec in payload.credentials.items()}
        from cryptography.hazmat.primitives.asymmetric import ec

        device_key = load_der_private_key(payload.device_key_der, password=None)
        if not isinstance(device_key, ec.EllipticCurvePrivateKey):
            raise ServiceError("payload_malformed", detail="device key type")
        self.device_key = device_key
        self.device_cert = x509.load_pem_x509_certificate(payload.device_cert_pem)
        self.root_cert = x509.load_pem_x509_certificate(payload.office_root_pem)
        self._init_state(package_sha256)

    # -- opening a package ------------------------------------------------------------------
    @classmethod
    def open(cls, package_path: Path, chair_secret: str, supervisor_secret: str, *,
             home: Path | None = None, clock: Callable[[], datetime] = utcnow,
             in_memory: bool = False) -> Any:
        """Verify and unlock a session package, then open (or resume) its session database.

        Args:
            package_path: the package file from the office.
            chair_secret, supervisor_secret: the two opening secrets (both needed: two-person rule).
            home: data directory (default ``$ZC_REVIEW_HOME`` or the user data dir).
            in_memory: keep the database in memory (tests only).
        Returns: a RoomService.
        Raises: ServiceError("no_trust") when no office root is trusted on this laptop;
            ServiceError("unlock_failed") for a wrong secret, a wrong, corrupt or tampered file
            (one opaque message; ``diagnostics`` param says which check failed);
            ServiceError("package_unreadable") when the file cannot be read;
            ServiceError("other_package_in_progress") when this session is already running from a
            different package file.
        """
        from zc_review.seal.package import open_package, verify_package_signature
        from zc_review.seal.trust import trusted_roots

        try:
            size = package_path.stat().st_size
            if size > MAX_PACKAGE_BYTES:
                raise ServiceError("unlock_failed", diagnostics="file too large")
            data = package_path.read_bytes()
        except OSError as exc:
            raise ServiceError("package_unreadable", path=str(package_path), error=exc.strerror or str(exc)) from exc
        roots = trusted_roots(paths.trust_dir(home))
        if not roots:
            raise ServiceError("no_trust")
        from zc_review.service import journal

        try:
            header = verify_package_signature(data, roots)
            plain = open_package(data, roots, chair_secret, supervisor_secret)
        except SealError as exc:
            # No session database yet: the failure goes to the laptop's journal (never the secrets).
            journal.record_unlock_failure(home or paths.app_home(), data, exc.diagnostics())
            raise ServiceError("unlock_failed", diagnostics=exc.diagnostics()) from exc
        payload = parse_payload(plain)
        session_id = str(payload.session["session_id"])
        workdir = None if in_memory else paths.session_dir(session_id, home)
        engine = make_engine(None if workdir is None else workdir / "session.db")
        room = cls(payload=payload, package_id=header.package_id, package_sha256=hashlib.sha256(data).hexdigest(),
                   engine=engine, workdir=workdir, clock=clock)
        room._log_unlock_failures(home or paths.app_home())
        return room

    def _log_unlock_failures(self, home: Path) -> None:
        """Copy the unlock failures journaled before this open into the session's hash-chained log."""
        from zc_review.service import journal

        pending = journal.pending_unlock_failures(home)
        if not pending:
            return
        with self._tx() as s:
            for e in pending:
                self._log(s, "system", "system", "unlock_failed_earlier",
                          {k: e.get(k) for k in ("at", "package_sha256", "size", "diagnostics")})
        journal.append(home, "unlock_failures_logged", session_id=self.defn.session_id, count=len(pending))

    def _init_state(self, package_sha256: str) -> None:
        with self._tx() as s:
            state = s.get(SessionState, 1)
            if state is None:
                s.add(SessionState(session_id=self.defn.session_id, package_id=self.package_id,
                                   package_sha256=package_sha256, opened_at=self.clock()))
                for c in self.defn.conflicts:
                    s.add(Recusal(reviewer_id=c.reviewer_id, applicant_id=c.applicant_id, reason=c.reason,
                                  source="predeclared", recorded_at=self.clock()))
                self._log(s, "system", "system", "session_opened", {"package_id": self.package_id})
            elif state.package_id != self.package_id:
                raise ServiceError("other_package_in_progress")
            elif state.package_sha256 != package_sha256:
                # Same package id, other file: the office re-issued it with new opening secrets
                # (``office recover``); only the office root can sign that id, so the room carries on.
                state.package_sha256 = package_sha256
                s.add(state)
                self._log(s, "system", "system", "session_resumed", {"package_reissued": package_sha256})
            else:
                self._log(s, "system", "system", "session_resumed", {})

    # -- transactions and the log -----------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[Session]:
        """One committed transaction under the service lock: the screen acknowledges only after this."""
        with self._lock, Session(self.engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read-only session under the service lock.

        The engine shares one SQLite connection between threads (the TUI's workers and the screen),
        so every use of it, reads included, is serialised by the same lock as the transactions.
        """
        with self._lock, Session(self.engine, expire_on_commit=False) as s:
            yield s

    def _log(self, s: Session, actor_id: str, role: str, action: str, detail: dict[str, Any]) -> None:
        """Append one entry to the hash-chained log (inside the caller's transaction).

        hash = SHA-256(prev_hash ‖ canonical JSON of {seq, at, actor, role, action, detail}).
        Never given a ballot's content or a secret.
        """
        last = s.exec(select(LogEntry).order_by(LogEntry.seq.desc()).limit(1)).first()  # type: ignore[attr-defined]
        seq = 1 if last is None else last.seq + 1
        prev = GENESIS if last is None else last.hash
        at = self.clock()
        digest = entry_hash(prev, entry_body(seq=seq, at=at.isoformat(), actor=actor_id, role=role,
                                             action=action, detail=detail))
        s.add(LogEntry(seq=seq, at=at, actor_id=actor_id, role=role, action=action,
                       detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                       prev_hash=prev, hash=digest))
        s.flush()

    def log_head(self) -> str:
        """The hash of the newest log entry (hex), signed into the bundle and printed in the minutes."""
        with self._read() as s:
            last = s.exec(select(LogEntry).order_by(LogEntry.seq.desc()).limit(1)).first()  # type: ignore[attr-defined]
            return GENESIS if last is None else last.hash

    # -- credentials --------------------------------------------------------------------------
    def person_name(self, person_id: str) -> str:
        for r in self.defn.reviewers:
            if r.id == person_id:
                return r.name
        for st in self.defn.staff:
            if st.id == person_id:
                return st.name
        raise ServiceError("unknown_person", person=person_id)

    def authenticate(self, person_id: str, secret: str) -> Actor:
        """Check a person's credential secret and return an Actor holding their signing key.

        Raises: ServiceError("unknown_person"); ServiceError("credential_locked") after five wrong
            attempts in a row; ServiceError("credential_wrong", remaining=n) otherwise. Every
            attempt is logged (never the secret).
        Source: issue 3 §4.
        """
        record = self.credentials.get(person_id)
        if record is None:
            raise ServiceError("unknown_person", person=person_id)
        with self._tx() as s:
            st = s.get(CredentialState, person_id) or CredentialState(person_id=person_id)
            if st.locked:
                self._log(s, person_id, "", "credential_refused_locked", {})
                s.add(st)
                raise_after = ServiceError("credential_locked", name=self.person_name(person_id))
            else:
                try:
                    key = check_credential(record, secret)
                except SealError:
                    st.failures += 1
                    st.locked = st.failures >= MAX_FAILURES
                    s.add(st)
                    self._log(s, person_id, "", "credential_failed", {"failures": st.failures})
                    raise_after = (ServiceError("credential_locked", name=self.person_name(person_id))
                                   if st.locked else
                                   ServiceError("credential_wrong", remaining=MAX_FAILURES - st.failures))
                else:
                    st.failures = 0
                    s.add(st)
                    self._log(s, person_id, "", "credential_ok", {})
                    from cryptography import x509

                    cert = x509.load_pem_x509_certificate(record.cert_pem.encode()
                                                          if isinstance(record.cert_pem, str) else record.cert_pem)
                    return Actor(person_id, self.person_name(person_id), key, cert, self._token)
        raise raise_after

    def unlock_person(self, chair: Actor, supervisor: Actor, person_id: str) -> None:
        """Lift a credential lock: needs the chair and the supervisor together. Source: issue 3 §4."""
        self._check_actor(chair)
        self._check_actor(supervisor)
        if chair.person_id != self.defn.chair.id:
            raise ServiceError("not_permitted", action="unlock_person")
        if supervisor.person_id != self.defn.staff_with_role(StaffRole.SUPERVISOR).id:
            raise ServiceError("not_permitted", action="unlock_person")
        with self._tx() as s:
            st = s.get(CredentialState, person_id) or CredentialState(person_id=person_id)
            st.failures, st.locked = 0, False
            s.add(st)
            self._log(s, chair.person_id, "chair", "credential_unlocked",
                      {"person": person_id, "witness": supervisor.person_id})

    def _check_actor(self, actor: Actor) -> None:
        if actor._token is not self._token:
            raise ServiceError("not_permitted", action="forged_actor")

    # -- roles -------------------------------------------------------------------------------
    def attending_ids(self) -> list[str]:
        """Attending reviewers' ids in roster order."""
        with self._read() as s:
            present = {a.reviewer_id for a in s.exec(select(Attendance)) if a.attending}
        return [r.id for r in self.defn.reviewers if r.id in present]

    def presiding_officer_id(self) -> str | None:
        """The chair if attending, else the first attending vice-chair (主持人). Source: GLOSSARY.md."""
        attending = set(self.attending_ids())
        if self.defn.chair.id in attending:
            return self.defn.chair.id
        for v in self.defn.vice_chairs:
            if v.id in attending:
                return v.id
        return None

    def roles_of(self, person_id: str, *, panel_id: str | None = None) -> frozenset[Role]:
        """The roles ``person_id`` holds now, in the context of ``panel_id`` when given."""
        roles: set[Role] = set()
        for st in self.defn.staff:
            if st.id == person_id:
                roles.add(Role.SUPERVISOR if st.role is StaffRole.SUPERVISOR else Role.RECORDER)
        if person_id in self.attending_ids():
            roles.add(Role.REVIEWER)
            r = self.defn.reviewer(person_id)
            if r.committee_role is CommitteeRole.CHAIR:
                roles.add(Role.CHAIR)
            if r.committee_role is CommitteeRole.VICE_CHAIR:
                roles.add(Role.VICE_CHAIR)
            if person_id == self.presiding_officer_id():
                roles.add(Role.PRESIDING)
            if panel_id is not None:
                p = self.defn.panel(panel_id)
                if p.leader_id == person_id:
                    roles.add(Role.PANEL_LEADER)
                if p.vice_leader_id == person_id:
                    roles.add(Role.PANEL_VICE_LEADER)
        return frozenset(roles)

    def _require(self, actor: Actor, action: Action, *, panel_id: str | None = None) -> frozenset[Role]:
        """The one permission check of the service: a genuine actor holding an allowed role."""
        self._check_actor(actor)
        roles = self.roles_of(actor.person_id, panel_id=panel_id)
        require(roles, action)
        return roles

    # -- recusals (shared) -------------------------------------------------------------------------
    def recusals(self) -> list[Recusal]:
        with self._read() as s:
            return list(s.exec(select(Recusal).order_by(Recusal.id)))  # type: ignore[arg-type]

    def is_recused(self, reviewer_id: str, applicant_id: str) -> bool:
        with self._read() as s:
            return s.exec(select(Recusal).where(Recusal.reviewer_id == reviewer_id,
                                                Recusal.applicant_id == applicant_id)).first() is not None

    def recused_ids(self, applicant_id: str) -> set[str]:
        with self._read() as s:
            return {r.reviewer_id for r in s.exec(select(Recusal).where(Recusal.applicant_id == applicant_id))}

    def state(self) -> SessionState:
        with self._read() as s:
            st = s.get(SessionState, 1)
            assert st is not None
            return st


def new_slip_id() -> str:
    """A random ballot-slip id: 128 bits from the OS CSPRNG, hex."""
    return secrets.token_hex(16)
