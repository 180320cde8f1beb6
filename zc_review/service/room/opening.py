"""Opening the meeting: roll call with quorum, integrity pledges, recusals, rubric sign-off (RULES.md §2–3)."""

from __future__ import annotations

from dataclasses import dataclass

from zc_review.domain import rules
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.permissions import Action, Role
from zc_review.storage import repo
from zc_review.storage.models import Attendance, Recusal

# The five signatures that put a panel's rubric into force. Source: RULES.md §3; 000 第二十六条(三).
RUBRIC_ROLES: tuple[Role, ...] = (Role.PANEL_LEADER, Role.PANEL_VICE_LEADER, Role.SUPERVISOR,
                                  Role.VICE_CHAIR, Role.CHAIR)


@dataclass(frozen=True)
class QuorumStatus:
    """Live quorum figures: committee size, required (⌈2/3·size⌉), attending, absent, unmarked."""

    committee_size: int
    required: int
    attending: int
    absent: int
    unmarked: int

    @property
    def met(self) -> bool:
        """True when attending ≥ required."""
        return self.attending >= self.required


class Opening:
    """Roll call, pledges, recusals and rubric sign-off. Source: RULES.md §2–3."""

    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx

    # -- roll call ---------------------------------------------------------------------------
    def quorum(self) -> QuorumStatus:
        """Quorum now. Source: RULES.md §2."""
        marks = self.ctx.attendance()
        n = len(self.ctx.defn.reviewers)
        attending = sum(1 for v in marks.values() if v)
        return QuorumStatus(n, rules.quorum_required(n), attending, sum(1 for v in marks.values() if not v),
                            n - len(marks))

    def attendance(self) -> dict[str, bool]:
        """Roll-call marks so far: reviewer id → attending (True) or absent (False); unmarked are missing."""
        return self.ctx.attendance()

    def roll_call_closed(self) -> bool:
        """True once the roll call is closed (quorum met, every reviewer marked)."""
        return self.ctx.state().roll_call_closed_at is not None

    def mark_attendance(self, actor: Actor, reviewer_id: str, attending: bool) -> QuorumStatus:
        """Mark a reviewer attending (出席) or absent. Only before the roll call is closed.

        Raises: ServiceError("roll_call_closed"), ("unknown_person"), ("not_permitted").
        """
        self.ctx.require(actor, Action.MARK_ATTENDANCE)
        if not any(r.id == reviewer_id for r in self.ctx.defn.reviewers):
            raise ServiceError("unknown_person", person=reviewer_id)
        if self.roll_call_closed():
            raise ServiceError("roll_call_closed")
        with self.ctx.tx() as s:
            row = repo.get(session=s, model=Attendance, key=reviewer_id) or Attendance(reviewer_id=reviewer_id, attending=attending,
                                                                marked_at=self.ctx.clock())
            row.attending, row.marked_at = attending, self.ctx.clock()
            repo.put(session=s, row=row)
            self.ctx.log(s, actor.person_id, "recorder", "attendance", {"reviewer": reviewer_id, "attending": attending})
        return self.quorum()

    def close_roll_call(self, actor: Actor) -> QuorumStatus:
        """End the roll call. Every reviewer must be marked and the quorum met.

        Raises: ServiceError("roll_call_unmarked", count) or ServiceError("no_quorum", attending, required).
        Source: RULES.md §2 (without quorum nothing is scored or voted).
        """
        self.ctx.require(actor, Action.CLOSE_ROLL_CALL)
        q = self.quorum()
        if self.roll_call_closed():
            return q
        if q.unmarked:
            raise ServiceError("roll_call_unmarked", count=q.unmarked)
        if not q.met:
            raise ServiceError("no_quorum", attending=q.attending, required=q.required, size=q.committee_size)
        with self.ctx.tx() as s:
            st = repo.session_state(session=s)
            assert st is not None
            st.roll_call_closed_at = self.ctx.clock()
            st.presiding_officer_id = self.ctx.presiding_officer_id()
            repo.put(session=s, row=st)
            self.ctx.log(s, actor.person_id, "recorder", "roll_call_closed",
                      {"attending": q.attending, "required": q.required, "size": q.committee_size})
        return q

    def require_roll_call(self) -> None:
        """Refuse before the roll call is closed. Raises: ServiceError("roll_call_open")."""
        if not self.roll_call_closed():
            raise ServiceError("roll_call_open")

    # -- pledges ----------------------------------------------------------------------------------
    def pledge_text(self, reviewer_id: str) -> str:
        """The integrity pledge (承诺书) a reviewer signs, in Chinese. Source: 000 第二十六条(二)4."""
        r = self.ctx.defn.reviewer(reviewer_id)
        return t("opening.pledge_statement", committee=self.ctx.defn.committee_name, session=self.ctx.defn.session_id,
                 name=r.name, id=r.id)

    def sign_pledge(self, actor: Actor) -> None:
        """An attending reviewer signs the integrity pledge (承诺书) with their own credential.

        Raises: ServiceError("roll_call_open"), ("not_permitted"), ("already_signed").
        Source: RULES.md §2; 000 第二十六条(二)4.
        """
        self.require_roll_call()
        self.ctx.require(actor, Action.SIGN_PLEDGE)
        self.ctx.sign(actor, kind="pledge", subject=actor.person_id, role="reviewer", text=self.pledge_text(actor.person_id))

    def pledged_ids(self) -> set[str]:
        """Ids of the reviewers who have signed their pledge."""
        return {sg.person_id for sg in self.ctx.signatures("pledge")}

    def require_pledged(self, reviewer_id: str) -> None:
        """Refuse a reviewer who has not pledged. Raises: ServiceError("pledge_missing")."""
        if reviewer_id not in self.pledged_ids():
            raise ServiceError("pledge_missing", name=self.ctx.person_name(reviewer_id))

    # -- recusals ---------------------------------------------------------------------------------
    def add_recusal(self, actor: Actor, reviewer_id: str, applicant_id: str, reason: str) -> None:
        """Record a recusal declared in the room. None can be removed. Not after the poll opens.

        Raises: ServiceError("recusal_exists"), ("poll_started"), ("reason_required"), ("unknown_person").
        Source: RULES.md §2; 000 第四十条(二)4.
        """
        self.ctx.require(actor, Action.ADD_RECUSAL)
        if not any(r.id == reviewer_id for r in self.ctx.defn.reviewers):
            raise ServiceError("unknown_person", person=reviewer_id)
        self.ctx.defn.applicant(applicant_id)
        if not reason.strip():
            raise ServiceError("reason_required")
        if self.ctx.state().poll_opened_at is not None:
            raise ServiceError("poll_started")
        if self.ctx.is_recused(reviewer_id, applicant_id):
            raise ServiceError("recusal_exists")
        with self.ctx.tx() as s:
            repo.put(session=s, row=Recusal(reviewer_id=reviewer_id, applicant_id=applicant_id, reason=reason.strip(),
                          source="room", recorded_at=self.ctx.clock()))
            self.ctx.log(s, actor.person_id, "recorder", "recusal_added",
                      {"reviewer": reviewer_id, "applicant": applicant_id})

    # -- rubric sign-off ----------------------------------------------------------------------------
    def rubric_text(self, panel_id: str) -> str:
        """The statement signed to put a panel's rubric in force: its criteria, maxima and steps."""
        p = self.ctx.defn.panel(panel_id)
        rub = self.ctx.defn.rubric(p.rubric_id)
        lines = [f"{c.id} {c.name} {c.part.value} max={c.max_points} step={c.step}" for c in rub.criteria]
        return t("opening.rubric_statement", panel=p.name, rubric=rub.name, version=rub.version,
                 session=self.ctx.defn.session_id) + "\n" + "\n".join(lines)

    def rubric_roles_for(self, actor: Actor, panel_id: str) -> list[Role]:
        """The rubric roles ``actor`` may sign for this panel (excluding ones already signed)."""
        roles = self.ctx.roles_of(actor.person_id, panel_id=panel_id)
        if Role.PRESIDING in roles:
            roles = roles | {Role.CHAIR}
        signed = {sg.role for sg in self.ctx.signatures("rubric", panel_id)}
        return [r for r in RUBRIC_ROLES if r in roles and r.value not in signed]

    def rubric_candidates(self, panel_id: str, role: Role) -> list[str]:
        """Ids of the people who may sign ``role`` for the panel now (attending reviewers in roster order, then
        staff), whether or not the place is signed; the presiding vice-chair may take the chair's place.
        Source: RULES.md §3; 000 第二十六条(三).
        """
        out = []
        for pid in [*self.ctx.attending_ids(), *(s.id for s in self.ctx.defn.staff)]:
            roles = self.ctx.roles_of(pid, panel_id=panel_id)
            if Role.PRESIDING in roles:
                roles = roles | {Role.CHAIR}
            if role in roles:
                out.append(pid)
        return out

    def sign_rubric(self, actor: Actor, panel_id: str, role: Role) -> None:
        """Sign a panel's rubric in one of the five roles; it takes effect when all five have signed.

        The chair's place may be taken by the presiding vice-chair when the chair is absent. One
        person signs one place per rubric. Reviewers sign only after their pledge.
        Raises: ServiceError("not_permitted"), ("role_already_signed"), ("already_signed"),
            ("pledge_missing"), ("roll_call_open").
        Source: RULES.md §3; 000 第二十六条(三).
        """
        self.require_roll_call()
        self.ctx.require(actor, Action.SIGN_RUBRIC, panel_id=panel_id)
        if role not in self.rubric_roles_for(actor, panel_id):
            if role.value in {sg.role for sg in self.ctx.signatures("rubric", panel_id)}:
                raise ServiceError("role_already_signed", name=actor.name)
            raise ServiceError("not_permitted", action=f"sign_rubric:{role.value}")
        if Role.SUPERVISOR is not role:
            self.require_pledged(actor.person_id)
        self.ctx.sign(actor, kind="rubric", subject=panel_id, role=role.value, text=self.rubric_text(panel_id))

    def rubric_in_force(self, panel_id: str) -> bool:
        """True once all five roles have signed this panel's rubric. Source: RULES.md §3."""
        signed = {sg.role for sg in self.ctx.signatures("rubric", panel_id)}
        return all(r.value in signed for r in RUBRIC_ROLES)
