"""What every part of the room shares: the unlocked session, its database, the log, credentials, roles.

``RoomContext`` holds the session definition, the engine, the clock and the service lock. Every part of
the room (opening, scoring, panel, ballot, closing) holds the context, never inherits from it. Writes go
through ``tx()`` (one committed transaction); each one that can change a derived number bumps
``generation``, and ``outcome()`` recomputes only when the generation moved ("commands write, reads
never do": finality is written by the command that closes a poll, never by a screen).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from zc_review.domain.chain import GENESIS, entry_body, entry_hash
from zc_review.domain.codec import definition_from_dict
from zc_review.domain.model import CommitteeRole, SessionDefinition, StaffRole
from zc_review.domain.outcome import SessionOutcome, compute_outcome
from zc_review.seal.credentials import CredentialRecord, check_credential
from zc_review.seal.errors import SealError
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError
from zc_review.service.payload import Payload
from zc_review.service.room import lockout
from zc_review.service.room.permissions import Action, Role, require
from zc_review.storage import repo
from zc_review.storage.engine import reading, transaction
from zc_review.storage.models import LogEntry, Recusal, SessionState, Signature


def new_slip_id() -> str:
    """A random ballot-slip id: 128 bits from the OS CSPRNG, hex (32 characters)."""
    return secrets.token_hex(16)


def new_slip_ids(n: int) -> list[str]:
    """``n`` random ballot-slip ids as ``new_slip_id`` makes them (128 bits each from the OS CSPRNG, hex), from
    one read of the CSPRNG: a closing box re-keys 60,000 slips at a province's size (issue 9)."""
    raw = secrets.token_bytes(16 * n)
    return [raw[i:i + 16].hex() for i in range(0, 16 * n, 16)]


@dataclass(frozen=True, eq=False)
class Actor:
    """A person who has just proved their credential. Made only by ``RoomContext.authenticate``.

    ``key`` is the person's private signing key (unwrapped with their secret), ``cert`` its
    certificate issued by the office root.
    """

    person_id: str
    name: str
    key: Any = field(repr=False)
    cert: Any = field(repr=False)
    _token: object = field(repr=False, default=None)


class RoomContext:
    """The unlocked session: definition, database, clock, lock, log, credentials and roles.

    Args:
        payload: the decrypted package payload; package_id: the package's id;
        package_sha256: SHA-256 hex of the package file; engine: the session database;
        workdir: the session's folder (None for a database in memory); clock: returns aware UTC times.
    Raises: ServiceError("payload_malformed") for a device key of the wrong type;
        ServiceError("other_package_in_progress") when the database belongs to another package.
    """

    def __init__(self, *, payload: Payload, package_id: str, package_sha256: str, engine: Any,
                 workdir: Path | None, clock: Callable[[], datetime] = utcnow) -> None:
        from zc_review.seal.certs import load_certificate_pem, load_device_identity

        self.payload = payload
        self.defn: SessionDefinition = definition_from_dict(payload.session)
        self.package_id = package_id
        self.engine = engine
        self.workdir = workdir
        self.clock = clock
        self.lock = threading.RLock()
        self.generation = 0
        self.writes = 0  # committed transactions, those that keep the memoised numbers too (``tx``)
        self._rows: dict[str, tuple[int, Any]] = {}
        self._token = object()
        self._memo: dict[str, tuple[int, Any]] = {}
        self._entry_locks: dict[str, threading.Lock] = {}
        self._box_key: bytes | None = None
        self._load_cert = load_certificate_pem
        self.credentials = {pid: CredentialRecord.from_dict(rec) for pid, rec in payload.credentials.items()}
        try:
            ident = load_device_identity(payload.device_key_der, payload.device_cert_pem, payload.office_root_pem)
        except SealError as exc:
            raise ServiceError("payload_malformed", detail="device key type") from exc
        self.device_key, self.device_cert, self.root_cert = ident.key, ident.cert, ident.root_cert
        self._init_state(package_sha256)

    def _init_state(self, package_sha256: str) -> None:
        with self.tx() as s:
            state = repo.session_state(session=s)
            if state is None:
                repo.put(session=s, row=SessionState(session_id=self.defn.session_id, package_id=self.package_id,
                                                     package_sha256=package_sha256, opened_at=self.clock()))
                for c in self.defn.conflicts:
                    repo.put(session=s, row=Recusal(reviewer_id=c.reviewer_id, applicant_id=c.applicant_id,
                                                    reason=c.reason, source="predeclared", recorded_at=self.clock()))
                self.log(s, "system", "system", "session_opened", {"package_id": self.package_id})
            elif state.package_id != self.package_id and state.package_id in self.payload.supersedes:
                # The office re-issued the package (``office recover``: new id, new device key, the old
                # id named under the office's signature); the room carries on under the new one.
                old = state.package_id
                state.package_id, state.package_sha256 = self.package_id, package_sha256
                repo.put(session=s, row=state)
                self.log(s, "system", "system", "session_resumed",
                         {"package_reissued": package_sha256, "package_id": self.package_id, "supersedes": old})
            elif state.package_id != self.package_id:
                raise ServiceError("other_package_in_progress")
            elif state.package_sha256 != package_sha256:
                # Same package id, other file: the office re-issued it with new opening secrets
                # (``office recover``); only the office root can sign that id, so the room carries on.
                state.package_sha256 = package_sha256
                repo.put(session=s, row=state)
                self.log(s, "system", "system", "session_resumed", {"package_reissued": package_sha256})
            else:
                self.log(s, "system", "system", "session_resumed", {})

    # -- transactions and the log -----------------------------------------------------------
    @contextmanager
    def tx(self, *, outcome_unchanged: bool = False, keep: tuple[str, ...] = ()) -> Iterator[Any]:
        """One committed transaction under the service lock: the screen acknowledges only after this.

        Args: outcome_unchanged: True for a transaction that cannot change any derived number (a log
            entry of a dossier view, a credential attempt): every memoised value is kept.
            keep: names of memoised values (``memo``) this transaction cannot change, kept while the others
            are recomputed on their next read (a ballot cast changes who has voted, never the outcome).
        """
        with self.lock, transaction(self.engine, self.lock) as s:
            yield s
        self.writes += 1  # committed: every row read before may have changed (``memo_rows``)
        if not outcome_unchanged:
            with self.lock:
                kept = {n: hit for n in keep if (hit := self._memo.get(n)) is not None and hit[0] == self.generation}
                self.generation += 1
                for n, (_, value) in kept.items():
                    self._memo[n] = (self.generation, value)

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A read-only database session under the service lock (never committed)."""
        with reading(self.engine, self.lock) as s:
            yield s

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``'s value, recomputed only after a transaction that may change it (see ``tx``)."""
        return self._kept(self._memo, name, "generation", compute)

    def memo_rows(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()``'s value (rows read from the database), read again after any committed transaction,
        including those that keep the memoised numbers (``tx(outcome_unchanged=True)``: a signature, the
        export's closing time, a credential attempt). The screens read the session's state and signatures for
        every footer and permission check (835 and 1,079 reads in one demo); between two writes once is enough.
        The value is shared: callers read it and never change it."""
        return self._kept(self._rows, name, "writes", compute)

    def _kept(self, store: dict[str, tuple[int, Any]], name: str, counter: str, compute: Callable[[], Any]) -> Any:
        """``store``'s value of ``name`` while ``counter`` (``generation`` or ``writes``) has not moved since it
        was computed; else ``compute()``'s, kept with the count it was computed at."""
        with self.lock:
            count = getattr(self, counter)
            hit = store.get(name)
            if hit is not None and hit[0] == count:
                return hit[1]
            value = compute()
            store[name] = (count, value)
            return value

    def memo_peek(self, name: str) -> Any:
        """The memoised value of ``name`` if it is still current, else None (never computes it)."""
        with self.lock:
            hit = self._memo.get(name)
            return hit[1] if hit is not None and hit[0] == self.generation else None

    def log(self, s: Any, actor_id: str, role: str, action: str, detail: dict[str, Any]) -> None:
        """Append one entry to the hash-chained log inside the caller's transaction ``s``.

        The formula is domain/chain.py. Never given a ballot's content or a secret.
        """
        last = repo.last_log_entry(session=s)
        seq = 1 if last is None else last.seq + 1
        prev = GENESIS if last is None else last.hash
        at = self.clock()
        digest = entry_hash(prev, entry_body(seq=seq, at=at.isoformat(), actor=actor_id, role=role,
                                             action=action, detail=detail))
        repo.add_log_entry(session=s, entry=LogEntry(
            seq=seq, at=at, actor_id=actor_id, role=role, action=action,
            detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True), prev_hash=prev, hash=digest))

    def log_head(self) -> str:
        """The hash of the newest log entry (hex), signed into the bundle and printed in the minutes."""
        with self.read() as s:
            last = repo.last_log_entry(session=s)
            return GENESIS if last is None else last.hash

    def state(self) -> SessionState:
        """The session's state row (opened, roll call closed, poll opened, results final, closed); read again
        after each write (``memo_rows``): read it, never change it (a command changes its own copy in ``tx``)."""
        def load() -> SessionState:
            with self.read() as s:
                st = repo.session_state(session=s)
                assert st is not None
                return st
        return cast(SessionState, self.memo_rows("state", load))

    # -- credentials --------------------------------------------------------------------------
    def person_name(self, person_id: str) -> str:
        """The name of a reviewer or staff member. Raises: ServiceError("unknown_person")."""
        for r in self.defn.reviewers:
            if r.id == person_id:
                return r.name
        for st in self.defn.staff:
            if st.id == person_id:
                return st.name
        raise ServiceError("unknown_person", person=person_id)

    def authenticate(self, person_id: str, secret: str) -> Actor:
        """Check a person's credential secret and return an Actor holding their signing key.

        The policy is service/room/lockout.py: after ``FREE_MISSES`` wrong entries in a row each further
        one makes the person wait (30 s doubling, at most 10 minutes, from the stored time of the last
        wrong entry on the room's clock); an entry during the wait is refused without checking the secret
        and without counting; the ``LOCK_AFTER``-th wrong entry in a row locks the person until two other
        officers lift it (``room.credentials.lift_lock``). A right entry starts the count again.
        Raises: ServiceError("unknown_person"); ServiceError("credential_locked") when locked (says who
            lifts it); ServiceError("credential_wait") during a wait (says how long);
            ServiceError("credential_wrong_wait") for a wrong entry that starts a wait;
            ServiceError("credential_wrong", remaining=n) otherwise. Every entry is logged (never the secret).
        Source: issue 12 §3; issue 3 §4.
        """
        record = self.credentials.get(person_id)
        if record is None:
            raise ServiceError("unknown_person", person=person_id)
        name = self.person_name(person_id)
        with self._entry_lock(person_id):
            with self.read() as s:
                st = repo.credential_state(session=s, person_id=person_id)
            now = self.clock()
            wait = lockout.remaining_wait(st.failures, st.last_failure_at, now)
            if st.locked or wait > 0:
                with self.tx(outcome_unchanged=True) as s:
                    if st.locked:
                        self.log(s, person_id, "", "credential_refused_locked", {})
                        raise_after = self._locked_error(person_id, st.failures)
                    else:
                        self.log(s, person_id, "", "credential_refused_waiting", {"wait_s": wait})
                        raise_after = ServiceError("credential_wait", name=name, failures=st.failures,
                                                   wait=lockout.fmt_wait(wait))
                raise raise_after
            # The derivation (Argon2id, about 0.1 s) runs outside the room's lock, so the screens go on
            # reading and drawing meanwhile; the entry lock keeps one person's entries one at a time, so no
            # second entry is checked before the first one's count is written.
            try:
                key: Any = check_credential(record, secret)
            except SealError:
                key = None
            with self.tx(outcome_unchanged=True) as s:
                st = repo.credential_state(session=s, person_id=person_id)  # afresh: a lift may have come between
                if key is not None:
                    st.failures, st.last_failure_at = 0, None
                    repo.put(session=s, row=st)
                    self.log(s, person_id, "", "credential_ok", {})
                    return Actor(person_id, name, key, self._load_cert(record.cert_pem), self._token)
                st.failures += 1
                st.last_failure_at = now
                st.locked = st.failures >= lockout.LOCK_AFTER
                repo.put(session=s, row=st)
                wait = lockout.wait_after(st.failures)
                self.log(s, person_id, "", "credential_failed",
                         {"failures": st.failures, "wait_s": wait, "locked": st.locked})
                remaining = lockout.LOCK_AFTER - st.failures
                if st.locked:
                    raise_after = self._locked_error(person_id, st.failures)
                elif wait > 0:
                    raise_after = ServiceError("credential_wrong_wait", failures=st.failures,
                                               wait=lockout.fmt_wait(wait), remaining=remaining)
                else:
                    raise_after = ServiceError("credential_wrong", remaining=remaining)
        raise raise_after

    def _entry_lock(self, person_id: str) -> threading.Lock:
        """The lock that keeps one person's credential entries one at a time (``authenticate``)."""
        with self.lock:
            return self._entry_locks.setdefault(person_id, threading.Lock())

    def _locked_error(self, person_id: str, failures: int) -> ServiceError:
        """The refusal shown to a locked person: their name, the count, and who lifts the lock."""
        supervisor = self.defn.staff_with_role(StaffRole.SUPERVISOR).id
        officers = lockout.lift_rule(person_id=person_id, chair_id=self.defn.chair.id, supervisor_id=supervisor)
        return ServiceError("credential_locked", name=self.person_name(person_id), failures=failures,
                            officers=officers)

    def check_actor(self, actor: Actor) -> None:
        """Refuse an Actor not made by this room's ``authenticate``. Raises: ServiceError("not_permitted")."""
        if actor._token is not self._token:
            raise ServiceError("not_permitted", action="forged_actor")

    # -- roles -------------------------------------------------------------------------------
    def attendance(self) -> dict[str, bool]:
        """Roll-call marks so far: reviewer id → attending (True) or absent (False); unmarked are missing."""
        def load() -> dict[str, bool]:
            with self.read() as s:
                return repo.attendance(session=s)
        return dict(self.memo("attendance", load))

    def attending_ids(self) -> list[str]:
        """Attending reviewers' ids in roster order."""
        present = {r for r, v in self.attendance().items() if v}
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

    def require(self, actor: Actor, action: Action, *, panel_id: str | None = None) -> frozenset[Role]:
        """The one permission check of the room: a genuine actor holding a role allowed ``action``.

        Returns: the actor's roles. Raises: ServiceError("not_permitted"). Source: docs/SECURITY.md table.
        """
        self.check_actor(actor)
        roles = self.roles_of(actor.person_id, panel_id=panel_id)
        require(roles, action)
        return roles

    # -- recusals -------------------------------------------------------------------------------
    def recusals(self) -> list[Recusal]:
        """Every recusal (pre-declared and added in the room) in the order recorded."""
        def load() -> list[Recusal]:
            with self.read() as s:
                return repo.recusals(session=s)
        return list(self.memo("recusals", load))

    def recused_ids(self, applicant_id: str) -> set[str]:
        """Reviewer ids recused from ``applicant_id``."""
        return {r.reviewer_id for r in self.recusals() if r.applicant_id == applicant_id}

    def is_recused(self, reviewer_id: str, applicant_id: str) -> bool:
        """True when ``reviewer_id`` is recused from ``applicant_id``."""
        return any(r.reviewer_id == reviewer_id and r.applicant_id == applicant_id for r in self.recusals())

    # -- signatures ---------------------------------------------------------------------------
    def sign(self, actor: Actor, *, kind: str, subject: str, role: str, text: str) -> Signature:
        """Sign ``text`` (UTF-8) with the actor's key and store it; one signature per person or role.

        A signature changes no derived number (no memoised read: rounds, sheets, attendance, recusals,
        outcome), so the memo is kept: 30 sign-offs never recompute the outcome (issue 9).
        Raises: ServiceError("already_signed") or ("role_already_signed").
        """
        from zc_review.seal.statements import sign_statement

        statement = text.encode("utf-8")
        sig = Signature(kind=kind, subject=subject, role=role, person_id=actor.person_id, signed_at=self.clock(),
                        statement=statement, signature=sign_statement(actor.key, statement))
        with self.tx(outcome_unchanged=True) as s:
            dup = repo.conflicting_signature(session=s, kind=kind, subject=subject, person_id=actor.person_id,
                                             role=role)
            if dup is not None:
                raise ServiceError("already_signed" if dup.person_id == actor.person_id else "role_already_signed",
                                   name=actor.name)
            repo.put(session=s, row=sig)
            self.log(s, actor.person_id, role, f"signed_{kind}", {"subject": subject})
        return sig

    def signatures(self, kind: str, subject: str | None = None) -> list[Signature]:
        """Signatures of ``kind`` (pledge | rubric | results), optionally of one subject, in signing order
        (read again after each write: ``memo_rows``)."""
        def load() -> list[Signature]:
            with self.read() as s:
                return repo.signatures(session=s, kind=kind, subject=subject)
        return list(self.memo_rows(f"signatures:{kind}:{subject}", load))

    # -- derived numbers ------------------------------------------------------------------------
    def record(self, *, with_log: bool = False) -> dict[str, Any]:
        """The raw record of the session as JSON-safe data (see room/record.py)."""
        from zc_review.service.room.record import build_record

        return build_record(self, with_log=with_log)

    def outcome(self) -> SessionOutcome:
        """Every derived number now (composites, ranks, tallies of closed rounds, decisions).

        Computed once per state change (``memo``) from the raw record by domain/outcome.py, the same
        function the office runs on import. Source: RULES.md §4–5.
        """
        return self.memo("outcome", lambda: compute_outcome(self.defn, self.record()))  # type: ignore[no-any-return]

    @property
    def box_key(self) -> bytes:
        """The ballot box's sealing key, derived in memory from the device key (never stored)."""
        if self._box_key is None:
            from zc_review.seal.ballotbox import box_key

            self._box_key = box_key(self.payload.box_key_source)
        return self._box_key
