"""The one catalogue of user-visible strings (zh-CN), split by area. ``t(key, **params)`` formats one.

Areas: one module per area of the meeting, each with ``AREA`` (its name) and ``MESSAGES`` (its keys):
``common`` (roles, choices, outcomes, flags, parts, column headings, buttons), ``unlock``, ``room``,
``opening``, ``scoring``, ``ballot``, ``closing``, ``office``, ``seal`` (the opaque failure, certificate
names), ``cli``, ``tui``, ``pool`` (the office before the room: pool, draw, conflicts, credit), ``sheets`` (paper score sheets and double keying). ``MESSAGES`` below is their merge; a key defined in two areas is refused at
import (``CatalogueError``). A new area is a new module listed in ``AREAS``.

Key dialect (one): a text shown to people is ``<area>.<name>`` (``ballot.open_poll``), the area being the
module that holds it; an error code is a bare snake_case name (``credential_wrong``) because it is an API:
``ServiceError(code)`` / ``RuleError(code)`` carry it, screens branch on ``exc.code`` and tests assert it.
One key per text: a text is stored once and every caller points to that key.

Run-time keys: never build a key from a value (no ``t(f"outcome_{o.value}")``). A value that picks a text
belongs to a family in ``FAMILIES`` and is shown with ``label_of(family, member)``; ``KEY_FAMILIES`` lists
each family's members. Members are plain strings (enum ``.value``s): this package imports nothing of
``zc_review`` so it stays at the bottom of the house; tests check the families against the domain enums.

A missing key: the catalogue test guarantees that every key written in the code exists, so a missing key
is a programming error. At run time it must never crash the room: ``t()`` returns the key itself, and
logs it once on the ``zc_review.i18n`` logger (``MISSING`` holds the keys seen). With the environment
variable ``ZC_REVIEW_I18N_STRICT=1`` (tests, development) ``t()`` raises ``KeyError`` instead, and also
raises on parameters that do not fit the text. ``label_of()`` always raises ``KeyError`` for an unknown
family or member (it cannot be reached with a typo in a string literal; the tests cover every member).

Joining texts: the punctuation that joins texts is the catalogue's too (``LIST_SEP`` 、 between the items
of a list, ``CLAUSE_SEP`` ； between clauses); ``join_list()`` and ``join_clauses()`` use them, so no
service code writes a Chinese separator.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from types import ModuleType

from zc_review.i18n import (
    ballot,
    cli,
    closing,
    common,
    office,
    opening,
    pool,
    room,
    scoring,
    seal,
    sheets,
    tui,
    unlock,
)

AREAS: tuple[ModuleType, ...] = (common, unlock, room, opening, scoring, ballot, closing, office, seal, cli, tui,
                                 pool, sheets)
STRICT_ENV = "ZC_REVIEW_I18N_STRICT"

_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")
_TEXT_KEY = re.compile(r"([a-z]+)\.[a-z][a-z0-9_]*")

_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())
MISSING: set[str] = set()


class CatalogueError(ValueError):
    """The catalogue's areas do not merge: a key defined twice, or a key outside the dialect."""


def merge(areas: Iterable[tuple[str, Mapping[str, str]]]) -> dict[str, str]:
    """Merge area catalogues ``(area name, {key: text})`` into one dict, in the order given.

    Raises: CatalogueError when a key appears in two areas (or twice in the input), when a text key's
    area prefix is not its own area (``ballot.x`` outside ``ballot``), or when a key is neither
    ``<area>.<name>`` nor a bare error code.
    """
    merged: dict[str, str] = {}
    owner: dict[str, str] = {}
    for area, messages in areas:
        for key, text in messages.items():
            if key in merged:
                raise CatalogueError(f"catalogue key {key!r} defined in area {owner[key]!r} and again in {area!r}")
            m = _TEXT_KEY.fullmatch(key)
            if m is not None:
                if m.group(1) != area:
                    raise CatalogueError(f"catalogue key {key!r} belongs to area {m.group(1)!r}, found in {area!r}")
            elif _ERROR_CODE.fullmatch(key) is None:
                raise CatalogueError(f"catalogue key {key!r} in area {area!r} is neither <area>.<name> nor an error code")
            merged[key] = text
            owner[key] = area
    return merged


MESSAGES: dict[str, str] = merge((m.AREA, m.MESSAGES) for m in AREAS)

# family -> {member (a plain string, an enum's .value) -> catalogue key}
FAMILIES: dict[str, dict[str, str]] = {
    # zc_review.service.room.permissions.Role (the role a person acts in)
    "role": {
        "reviewer": "common.role_reviewer",
        "chair": "common.role_chair",
        "vice_chair": "common.role_vice_chair",
        "presiding": "common.role_presiding",
        "panel_leader": "common.role_panel_leader",
        "panel_vice_leader": "common.role_panel_vice_leader",
        "supervisor": "common.role_supervisor",
        "recorder": "common.role_recorder",
    },
    # zc_review.domain.ballot.Choice
    "choice": {
        "agree": "common.choice_agree",
        "disagree": "common.choice_disagree",
        "abstain": "common.choice_abstain",
    },
    # zc_review.domain.rules.Outcome
    "outcome": {
        "passed": "common.outcome_passed",
        "below_threshold": "common.outcome_below_threshold",
        "exceeds_cap": "common.outcome_exceeds_cap",
        "runoff_pending": "common.outcome_runoff_pending",
    },
    # zc_review.domain.model.ApplicantFlag
    "flag": {
        "exceptional": "common.flag_exceptional",
        "green_channel": "common.flag_green_channel",
        "grassroots": "common.flag_grassroots",
        "enterprise": "common.flag_enterprise",
    },
    # zc_review.domain.model.ScorePart
    "part": {
        "material": "common.part_material",
        "defence": "common.part_defence",
    },
    # Signature.kind in storage (pledge, rubric, results sign-off)
    # zc_review.domain.signed_texts TEXT_KINDS (the texts their authors sign, issue 12 §2)
    "text_kind": {
        "opinion": "common.opinion",
        "failure_reason": "common.col_reason",
        "explanation": "office.text_kind_explanation",
        "sheet_return": "office.text_kind_sheet_return",
    },
    "sig_kind": {
        "pledge": "common.pledge",
        "rubric": "office.sig_kind_rubric",
        "results": "office.sig_kind_results",
        "tally_keying": "ballot.sig_kind_keying",
        "tally_witness": "ballot.sig_kind_witness",
    },
    # zc_review.domain.committee Finding.code (composition checks before packing)
    "finding": {
        "committee_chair_count": "office.finding_committee_chair_count",
        "committee_vice_chair_count": "office.finding_committee_vice_chair_count",
        "staff_role_count": "office.finding_staff_role_count",
        "panel_too_small": "office.finding_panel_too_small",
        "panel_leader_not_member": "office.finding_panel_leader_not_member",
        "panel_leader_same": "office.finding_panel_leader_same",
        "reviewer_two_panels": "office.finding_reviewer_two_panels",
        "committee_even": "office.finding_committee_even",
        "committee_small": "office.finding_committee_small",
        "committee_intermediate_share": "office.finding_committee_intermediate_share",
    },
    # zc_review.domain.panel BlindFinding.kind (anonymity check of the dossiers)
    "anonymity_kind": {
        "name": "office.anonymity_kind_name",
        "employer": "office.anonymity_kind_employer",
        "region": "pool.anonymity_kind_region",
        "id_number": "office.anonymity_kind_id_number",
    },
    # a row of the scoring grid (tui scoring screen)
    "scoring_status": {
        "empty": "scoring.status_empty",
        "dirty": "scoring.status_dirty",
        "draft": "scoring.status_draft",
        "locked": "scoring.status_locked",
    },
    # zc_review.domain.model.Series (the office archive lists it, issue 10)
    "series": {
        "engineering": "office.series_engineering",
        "education": "office.series_education",
        "other": "office.series_other",
    },
    # zc_review.domain.notice_period.NoticeState
    "notice_state": {
        "drafted": "office.notice_drafted",
        "published": "office.notice_published",
        "over": "office.notice_over",
    },
    # service.office.archive_complaint KINDS and STATUSES
    "complaint_kind": {
        "complaint": "office.kind_complaint",
        "reexamination": "office.kind_reexamination",
    },
    "complaint_status": {
        "received": "office.status_received",
        "investigating": "office.status_investigating",
        "concluded": "office.status_concluded",
    },
}

KEY_FAMILIES: dict[str, tuple[str, ...]] = {name: tuple(members) for name, members in FAMILIES.items()}


#: Between the items of a list: names, codes, flags (顿号).
LIST_SEP = "、"
#: Between clauses: one per flagged score part, one per ballot round (分号).
CLAUSE_SEP = "；"


def join_list(items: Iterable[object]) -> str:
    """The items (``str()`` of each) joined by ``LIST_SEP``: ``["A01", "A02"]`` → ``"A01、A02"``; ``[]`` → ``""``."""
    return LIST_SEP.join(map(str, items))


def join_clauses(items: Iterable[object]) -> str:
    """The clauses (``str()`` of each) joined by ``CLAUSE_SEP``: ``["甲", "乙"]`` → ``"甲；乙"``; ``[]`` → ``""``."""
    return CLAUSE_SEP.join(map(str, items))


def t(key: str, **params: object) -> str:
    """Return the Chinese text for catalogue ``key`` formatted with ``params`` (``str.format`` fields).

    A missing key returns the key itself and is logged once (never a crash); a parameter that does not
    fit leaves the text unformatted. Raises: KeyError (missing key) or ValueError/KeyError/IndexError
    (bad parameters) only when ``ZC_REVIEW_I18N_STRICT=1``.
    """
    text = MESSAGES.get(key)
    strict = os.environ.get(STRICT_ENV) == "1"
    if text is None:
        if strict:
            raise KeyError(key)
        if key not in MISSING:
            MISSING.add(key)
            _log.error("catalogue key missing: %r", key)
        text = key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        if strict:
            raise
        return text


def label_of(family: str, member: str, **params: object) -> str:
    """The text of ``member`` (a plain string such as ``Outcome.PASSED.value``) in ``family``.

    ``label_of("outcome", "passed")`` → ``"通过"``; ``params`` format the text as in ``t()``.
    Raises: KeyError for an unknown family or member.
    """
    return t(FAMILIES[family][member], **params)
