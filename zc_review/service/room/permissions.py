"""Who may do what: the role × action table, checked in one place (``require``) by the service.

The table is documented in docs/SECURITY.md and every cell has a test (tests/service/test_permissions.py).
"""

from __future__ import annotations

from enum import StrEnum

from zc_review.service.errors import ServiceError


class Role(StrEnum):
    """Roles a person can act in. Context roles (panel leader, presiding officer) depend on the session."""

    REVIEWER = "reviewer"  # 评审专家（出席）
    CHAIR = "chair"  # 主任委员
    VICE_CHAIR = "vice_chair"  # 副主任委员
    PRESIDING = "presiding"  # 主持人
    PANEL_LEADER = "panel_leader"  # 评议组组长（本组）
    PANEL_VICE_LEADER = "panel_vice_leader"  # 评议组副组长（本组）
    SUPERVISOR = "supervisor"  # 纪检监察人员
    RECORDER = "recorder"  # 记录人


class Action(StrEnum):
    """Every use case of the room that needs a credential."""

    MARK_ATTENDANCE = "mark_attendance"
    CLOSE_ROLL_CALL = "close_roll_call"
    ADD_RECUSAL = "add_recusal"
    SIGN_PLEDGE = "sign_pledge"
    SIGN_RUBRIC = "sign_rubric"
    VIEW_DOSSIER = "view_dossier"
    SCORE = "score"
    WRITE_OPINION = "write_opinion"
    OPEN_POLL = "open_poll"
    CAST_BALLOT = "cast_ballot"
    CLOSE_POLL = "close_poll"
    FORCE_CLOSE_POLL = "force_close_poll"
    OPEN_RUNOFF = "open_runoff"
    VOID_ROUND = "void_round"
    WRITE_FAILURE_REASON = "write_failure_reason"
    SIGN_OFF_RESULTS = "sign_off_results"
    GENERATE_MINUTES = "generate_minutes"
    SIGN_MINUTES_RECORDER = "sign_minutes_recorder"
    SIGN_MINUTES_PRESIDING = "sign_minutes_presiding"
    EXPORT = "export"
    PRINT_PAPER_SHEETS = "print_paper_sheets"  # issue 14: the blank paper score sheets
    KEY_PAPER_SHEET = "key_paper_sheet"  # issue 14: a staff member keys (or settles) a paper score sheet
    PRINT_BALLOTS = "print_ballots"  # paper mode (RULES.md §5 "Configurable medium")
    KEY_TALLY = "key_tally"
    WITNESS_TALLY = "witness_tally"


# The table: an action is allowed when the actor holds at least one of the listed roles in context.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.MARK_ATTENDANCE: frozenset({Role.RECORDER}),
    Action.CLOSE_ROLL_CALL: frozenset({Role.RECORDER}),
    Action.ADD_RECUSAL: frozenset({Role.RECORDER}),
    Action.SIGN_PLEDGE: frozenset({Role.REVIEWER}),
    Action.SIGN_RUBRIC: frozenset({Role.PANEL_LEADER, Role.PANEL_VICE_LEADER, Role.SUPERVISOR,
                                   Role.VICE_CHAIR, Role.CHAIR}),
    Action.VIEW_DOSSIER: frozenset({Role.REVIEWER}),
    Action.SCORE: frozenset({Role.REVIEWER}),
    Action.WRITE_OPINION: frozenset({Role.PANEL_LEADER}),
    Action.OPEN_POLL: frozenset({Role.RECORDER}),
    Action.CAST_BALLOT: frozenset({Role.REVIEWER}),
    Action.CLOSE_POLL: frozenset({Role.RECORDER}),
    Action.FORCE_CLOSE_POLL: frozenset({Role.PRESIDING}),
    Action.OPEN_RUNOFF: frozenset({Role.RECORDER}),
    Action.VOID_ROUND: frozenset({Role.CHAIR, Role.SUPERVISOR}),
    Action.WRITE_FAILURE_REASON: frozenset({Role.PANEL_LEADER}),
    Action.SIGN_OFF_RESULTS: frozenset({Role.REVIEWER}),
    Action.GENERATE_MINUTES: frozenset({Role.RECORDER}),
    Action.SIGN_MINUTES_RECORDER: frozenset({Role.RECORDER}),
    Action.SIGN_MINUTES_PRESIDING: frozenset({Role.PRESIDING}),
    Action.EXPORT: frozenset({Role.RECORDER}),
    Action.PRINT_PAPER_SHEETS: frozenset({Role.RECORDER}),
    Action.KEY_PAPER_SHEET: frozenset({Role.RECORDER, Role.SUPERVISOR}),
    Action.PRINT_BALLOTS: frozenset({Role.RECORDER}),
    Action.KEY_TALLY: frozenset({Role.REVIEWER, Role.RECORDER}),
    Action.WITNESS_TALLY: frozenset({Role.SUPERVISOR}),
}


def require(roles: frozenset[Role], action: Action) -> None:
    """Refuse ``action`` unless ``roles`` (the actor's roles in this context) include an allowed one.

    Raises: ServiceError("not_permitted") naming the action.
    """
    if not roles & PERMISSIONS[action]:
        raise ServiceError("not_permitted", action=action.value)
