"""Every cell of the role × action table (service/permissions.py, docs/SECURITY.md), through the one check.

For each Action and each Role an actor holding only that role is allowed or refused by
``RoomContext.require``; the table in docs/SECURITY.md is the table in the code; and the issue's named cases
(the recorder cannot vote, a reviewer cannot sign the minutes, nobody signs twice) go through real calls.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed, new_room, room_from_db
from zc_review.service.errors import ServiceError
from zc_review.service.room.permissions import PERMISSIONS, Action, Role, require

CELLS = [(a, r) for a in Action for r in Role]


@pytest.fixture(scope="module")
def room_and_actor(demo: Packed) -> tuple[Any, Any]:
    room = new_room(demo)
    return room, room.authenticate("R05", demo.secrets.persons["R05"])


def test_table_covers_every_action() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert all(PERMISSIONS[a] for a in Action)  # no action nobody may do


@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a.value}-{r.value}" for a, r in CELLS])
def test_every_cell_through_require(room_and_actor: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch,
                                    action: Action, role: Role) -> None:
    """An actor holding only ``role`` is allowed exactly when the table lists it."""
    room, actor = room_and_actor
    monkeypatch.setattr(room.ctx, "roles_of", lambda person_id, panel_id=None: frozenset({role}))
    allowed = role in PERMISSIONS[action]
    if allowed:
        assert room.ctx.require(actor, action, panel_id="P-JZ") == frozenset({role})
        require(frozenset({role}), action)
    else:
        with pytest.raises(ServiceError) as err:
            room.ctx.require(actor, action, panel_id="P-JZ")
        assert err.value.code == "not_permitted" and action.value in str(err.value)
        with pytest.raises(ServiceError):
            require(frozenset({role}), action)


@pytest.mark.parametrize("action", list(Action))
def test_no_roles_no_action_and_forged_actor_refused(room_and_actor: tuple[Any, Any], action: Action) -> None:
    room, actor = room_and_actor
    with pytest.raises(ServiceError):
        require(frozenset(), action)
    forged = dataclasses.replace(actor, _token=object())  # an Actor not made by authenticate
    with pytest.raises(ServiceError) as err:
        room.ctx.require(forged, action)
    assert err.value.params["action"] == "forged_actor"


def _doc_table() -> dict[str, set[str]]:
    """The role × action table as written in docs/SECURITY.md (✓ marks an allowed cell)."""
    text = (ROOT / "docs/SECURITY.md").read_text("utf-8")
    block = text.split("<!-- permissions-table -->")[1]
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    header = next(line for line in block.splitlines() if line.startswith("| action"))
    roles = [re.sub(r"[`\s]", "", c) for c in header.strip("|").split("|")[1:]]
    table = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        table[cells[0].strip("`")] = {roles[i] for i, c in enumerate(cells[1:]) if c == "✓"}
    return table


def test_security_doc_table_is_the_code_table() -> None:
    doc = _doc_table()
    assert doc == {a.value: {r.value for r in roles} for a, roles in PERMISSIONS.items()}


def test_context_roles_come_from_the_session(room_at: Any) -> None:
    room, runner = room_at("pledge")  # roll call closed, the chair attending
    assert room.roles_of("S02") == {Role.RECORDER}
    assert room.roles_of("S01") == {Role.SUPERVISOR}
    assert room.roles_of("R01") == {Role.REVIEWER, Role.CHAIR, Role.PRESIDING}
    p = room.defn.panels[0]
    assert Role.PANEL_LEADER in room.roles_of(p.leader_id, panel_id=p.id)
    assert Role.PANEL_LEADER not in room.roles_of(p.leader_id)
    assert Role.PANEL_VICE_LEADER in room.roles_of(p.vice_leader_id, panel_id=p.id)
    absent = [r.id for r in room.defn.reviewers if r.id not in room.attending_ids()]
    assert all(room.roles_of(r) == frozenset() for r in absent)


# -- the named cases, through real service calls ------------------------------------------------------
def test_recorder_cannot_vote(room_at: Any) -> None:
    room, runner = room_at("ballot")
    with pytest.raises(ServiceError) as err:
        room.ballot.cast_ballot(runner.recorder, {})
    assert err.value.code == "not_permitted"
    with pytest.raises(ServiceError) as err:  # nor the supervisor
        room.ballot.cast_ballot(runner.actor("S01"), {})
    assert err.value.code == "not_permitted"


def test_reviewer_cannot_sign_minutes_and_nobody_signs_twice(demo: Packed, minutes_ready_db: Path,
                                                              tmp_path: Path) -> None:
    room, runner = room_from_db(demo, minutes_ready_db, tmp_path)
    with pytest.raises(ServiceError) as err:  # an ordinary reviewer
        room.closing.sign_minutes(runner.actor("R05"))
    assert err.value.code == "not_permitted"
    with pytest.raises(ServiceError) as err:  # the presiding officer before the recorder
        room.closing.sign_minutes(runner.actor("R01"))
    assert err.value.code == "not_permitted"
    room.closing.sign_minutes(runner.recorder)
    with pytest.raises(ServiceError) as err:  # the recorder again, in the presiding officer's place
        room.closing.sign_minutes(runner.recorder)
    assert err.value.code == "not_permitted"
    room.closing.sign_minutes(runner.actor("R01"))
    with pytest.raises(ServiceError) as err:  # the presiding officer again
        room.closing.sign_minutes(runner.actor("R01"))
    assert err.value.code == "minutes_sign_order"
    with pytest.raises(ServiceError) as err:  # a result sign-off twice
        room.closing.sign_off_results(runner.actor("R05"))
    assert err.value.code == "already_signed"
    with pytest.raises(ServiceError) as err:  # a pledge twice
        room.opening.sign_pledge(runner.actor("R05"))
    assert err.value.code == "already_signed"


def test_one_rubric_place_per_person(room_at: Any) -> None:
    room, runner = room_at("sign_rubric")
    p = room.defn.panels[0]
    room.opening.sign_rubric(runner.actor(p.leader_id), p.id, Role.PANEL_LEADER)
    with pytest.raises(ServiceError) as err:
        room.opening.sign_rubric(runner.actor(p.leader_id), p.id, Role.PANEL_LEADER)
    assert err.value.code in {"already_signed", "role_already_signed"}
    with pytest.raises(ServiceError) as err:  # the leader cannot also sign in the vice-leader's place
        room.opening.sign_rubric(runner.actor(p.leader_id), p.id, Role.PANEL_VICE_LEADER)
    assert err.value.code in {"not_permitted", "already_signed", "role_already_signed"}
    with pytest.raises(ServiceError) as err:  # a plain member cannot sign the rubric at all
        member = next(m for m in p.member_ids if m not in {p.leader_id, p.vice_leader_id})
        room.opening.sign_rubric(runner.actor(member), p.id, Role.PANEL_LEADER)
    assert err.value.code == "not_permitted"


def test_security_doc_names_only_existing_tests() -> None:
    """Every test docs/SECURITY.md cites (``tests/f.py::name`` or a bare ``test_name``) exists."""
    text = (ROOT / "docs/SECURITY.md").read_text("utf-8")
    sources = {p.relative_to(ROOT / "tests").as_posix(): p.read_text("utf-8") for p in (ROOT / "tests").rglob("test_*.py")}
    everything = "\n".join(sources.values())
    cited = re.findall(r"tests/((?:\w+/)?test_\w+\.py)::(test_\w+)", text)
    assert len(cited) > 40
    for file, name in cited:
        assert re.search(rf"def {name}\(", sources[file]), f"{file}::{name}"
    for name in re.findall(r"`(test_\w+)`", text):
        assert re.search(rf"def {name}\(", everything), name
