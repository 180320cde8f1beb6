"""Who is held by wrong credential entries, and lifting a lock with two other officers (issue 12 §3).

``RoomContext.authenticate`` counts wrong entries and refuses during a wait or a lock (the policy is
``room/lockout.py``); this part answers the screens and the script: each person's state (``status``,
``held``), who may lift a lock (``lift_pairs``), the lift itself (``lift_lock``: two authenticated officers,
neither of them the locked person, logged as ``credential_lock_lifted``) and every lift so far
(``lifts``, printed in the minutes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from zc_review.domain.model import CommitteeRole, StaffRole
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room import lockout
from zc_review.service.room.context import Actor, RoomContext
from zc_review.storage import repo

LIFT_ACTION = "credential_lock_lifted"


@dataclass(frozen=True)
class CredentialStatus:
    """One person's credential state now.

    Attributes: person_id; label: role and name (``主任委员 崔丽娟``); misses: wrong entries in a row;
        locked: True after ``lockout.LOCK_AFTER`` of them; wait_s: whole seconds until the next entry is
        checked (0: now, and 0 when locked: no wait ends a lock); wait: ``wait_s`` in words (``1 分 30 秒``).
    """

    person_id: str
    label: str
    misses: int
    locked: bool
    wait_s: int
    wait: str

    @property
    def held(self) -> bool:
        """True when the person cannot enter their credential now (locked, or waiting)."""
        return self.locked or self.wait_s > 0


@dataclass(frozen=True)
class LockLift:
    """One lift, from the log: whose lock, the two officers, when (the room's clock, UTC), the count then."""

    person_id: str
    first_id: str
    second_id: str
    at: datetime
    misses: int
    locked: bool


class Credentials:
    """The room's part for held credentials: states, the officers who may lift a lock, the lift."""

    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx

    def label(self, person_id: str) -> str:
        """Role and name, e.g. ``主任委员 崔丽娟``. Raises: ServiceError("unknown_person")."""
        role = t("common.role_reviewer")
        for r in self.ctx.defn.reviewers:
            if r.id == person_id and r.committee_role is CommitteeRole.CHAIR:
                role = t("common.role_chair")
            elif r.id == person_id and r.committee_role is CommitteeRole.VICE_CHAIR:
                role = t("common.role_vice_chair")
        for st in self.ctx.defn.staff:
            if st.id == person_id:
                role = t("common.role_supervisor") if st.role is StaffRole.SUPERVISOR else t("common.role_recorder")
        return f"{role} {self.ctx.person_name(person_id)}"

    def status(self, person_id: str) -> CredentialStatus:
        """``person_id``'s state now (misses, lock, the wait left). Raises: ServiceError("unknown_person")."""
        label = self.label(person_id)
        with self.ctx.read() as s:
            st = repo.credential_state(session=s, person_id=person_id)
        wait = 0 if st.locked else lockout.remaining_wait(st.failures, st.last_failure_at, self.ctx.clock())
        return CredentialStatus(person_id, label, st.failures, st.locked, wait, lockout.fmt_wait(wait))

    def held(self) -> list[CredentialStatus]:
        """Everyone locked or waiting now, reviewers in roster order, then staff."""
        people = [r.id for r in self.ctx.defn.reviewers] + [s.id for s in self.ctx.defn.staff]
        return [st for st in (self.status(p) for p in people if p in self.ctx.credentials) if st.held]

    def lift_pairs(self, person_id: str) -> list[tuple[str, str]]:
        """The pairs of officers (ids) who together may lift ``person_id``'s lock now.

        The rule is ``lockout.lift_pairs``: for the chair the supervisor and a vice-chair, for the supervisor
        the chair and a vice-chair, for anyone else the chair and the supervisor; a vice-chair takes the
        chair's part when the chair is marked absent or locked. Locked officers and reviewers marked absent
        are left out. Raises: ServiceError("unknown_person").
        """
        self.ctx.person_name(person_id)
        d = self.ctx.defn
        absent = {r for r, attending in self.ctx.attendance().items() if not attending}
        with self.ctx.read() as s:
            locked = {p for p in self.ctx.credentials if repo.credential_state(session=s, person_id=p).locked}
        return lockout.lift_pairs(person_id=person_id, chair_id=d.chair.id,
                                  supervisor_id=d.staff_with_role(StaffRole.SUPERVISOR).id,
                                  vice_chair_ids=[v.id for v in d.vice_chairs], unavailable=absent | locked)

    def lift_lock(self, first: Actor, second: Actor, person_id: str) -> None:
        """Lift ``person_id``'s lock (or running wait) with two other officers, both just authenticated.

        The count starts again at zero. Logged as ``credential_lock_lifted`` (whose, by whom, the count);
        printed in the minutes (``lifts``).
        Raises: ServiceError("not_permitted") for an Actor not made by this room; ("unknown_person");
            ("lift_same_officer") when both are one person; ("lift_not_self") when the locked person is one
            of them; ("credential_not_locked") when the person is neither locked nor waiting;
            ("lift_wrong_officers") when the two are not a pair of ``lift_pairs``. Source: issue 12 §3.
        """
        self.ctx.check_actor(first)
        self.ctx.check_actor(second)
        name = self.ctx.person_name(person_id)
        if first.person_id == second.person_id:
            raise ServiceError("lift_same_officer")
        if person_id in (first.person_id, second.person_id):
            raise ServiceError("lift_not_self")
        if not self.status(person_id).held:
            raise ServiceError("credential_not_locked", name=name)
        if frozenset((first.person_id, second.person_id)) not in {frozenset(p) for p in self.lift_pairs(person_id)}:
            d = self.ctx.defn
            raise ServiceError("lift_wrong_officers", name=name, officers=lockout.lift_rule(
                person_id=person_id, chair_id=d.chair.id, supervisor_id=d.staff_with_role(StaffRole.SUPERVISOR).id))
        with self.ctx.tx(outcome_unchanged=True) as s:
            st = repo.credential_state(session=s, person_id=person_id)
            detail = {"person": person_id, "first": first.person_id, "second": second.person_id,
                      "failures": st.failures, "locked": st.locked}
            st.failures, st.locked, st.last_failure_at = 0, False, None
            repo.put(session=s, row=st)
            self.ctx.log(s, first.person_id, "officers", LIFT_ACTION, detail)

    def lifts(self) -> list[LockLift]:
        """Every lift so far, in the order made (from the hash-chained log)."""
        with self.ctx.read() as s:
            entries = repo.log_entries_of(session=s, action=LIFT_ACTION)
        out = []
        for e in entries:
            d = json.loads(e.detail_json)
            out.append(LockLift(str(d["person"]), str(d["first"]), str(d["second"]), e.at, int(d["failures"]),
                                bool(d["locked"])))
        return out
