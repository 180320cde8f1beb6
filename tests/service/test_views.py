"""The screens' read models (room.views) and the live validation the scoring grid asks the service for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zc_review.domain import rules
from zc_review.domain.model import ScorePart, StaffRole
from zc_review.i18n import t
from zc_review.service.errors import ServiceError


def test_results_view_carries_the_cap_and_hides_names_until_final(room_at: Any) -> None:
    room, _ = room_at("open_poll")
    view = room.views.results()
    assert not view.final and not view.voted and view.pending == ()
    caps = {g.group_id: g.cap for g in room.panel.pass_rate_preview()}
    for g in view.groups:
        n = len(room.defn.applicants_of_group(g.group_id))
        assert g.applicants == n == len(g.rows)
        assert g.cap == caps[g.group_id] == rules.pass_cap(room.defn.group(g.group_id).pass_rate, n)
        assert all(r.name is None and r.tally is None and r.outcome is None for r in g.rows)
    assert [g.group_id for g in view.groups] == [g.group_id for g in room.views.groups()]


def test_results_view_once_final(room_at: Any, demo: Any) -> None:
    room, _ = room_at("declare_results")  # the script's declaration is what this test plays by hand
    view = room.views.results()
    out = room.outcome()
    assert view.final and view.voted and not view.declared
    # final but not yet declared by the presiding officer: codes only (RULES.md §4; issue 13 item 5)
    assert all(r.name is None for g in view.groups for r in g.rows)
    recorder = room.defn.staff_with_role(StaffRole.RECORDER).id
    with pytest.raises(ServiceError) as refused:
        room.closing.declare_results(room.authenticate(recorder, demo.secrets.persons[recorder]))
    assert refused.value.code == "not_permitted"
    presiding = room.presiding_officer_id()
    room.closing.declare_results(room.authenticate(presiding, demo.secrets.persons[presiding]))
    view = room.views.results()
    assert view.declared
    for g in view.groups:
        assert g.cap == out.groups[g.group_id].cap
        ranks = [r.rank or 10**6 for r in g.rows]
        assert ranks == sorted(ranks)
        for r in g.rows:
            assert r.name == room.defn.applicant(r.applicant_id).name
            assert r.outcome is out.applicants[r.applicant_id].outcome
    failed = room.views.failed()
    assert [f.applicant_id for f in failed] == sorted(out.failed(), key=lambda a: room.defn.applicant(a).code)
    assert all(f.leader_id == room.defn.panel(f.panel_id).leader_id for f in failed)


def test_rows_by_code_and_roll_call(room_at: Any) -> None:
    room, _ = room_at("open_poll")
    d = room.defn
    assert [r.reviewer_id for r in room.views.roll_call()] == [r.id for r in d.reviewers]
    chair = room.views.reviewer_row(d.chair.id)
    assert chair.role_label.startswith(t("common.role_chair"))
    a = d.applicants[0]
    row = room.views.applicant(a.id)
    assert (row.code, row.panel_name, row.group_name) == (a.code, d.panel(a.panel_id).name, d.group(a.group_id).name)
    assert room.views.applicant_by_code(a.code.lower()) == row and room.views.applicant_by_code("nope") is None
    assert room.views.recorder().person_id == d.staff_with_role(StaffRole.RECORDER).id


def test_check_value_and_part_totals_follow_the_rules(room_at: Any) -> None:
    room, _ = room_at("open_poll")
    a = room.defn.applicants[0]
    rubric = room.views.rubric(a.panel_id)
    c = rubric.grid[0]
    assert room.scoring.check_value(a.id, c.criterion_id, format(c.max_points, "f")) == (c.max_points, None)
    value, message = room.scoring.check_value(a.id, c.criterion_id, format(c.max_points + c.step, "f"))
    assert value is None and message
    assert room.scoring.check_value(a.id, c.criterion_id, "abc") == (
        None, ServiceError("score_not_number", value="abc").message)
    full = {x.criterion_id: x.max_points for x in rubric.criteria}
    totals = room.scoring.part_totals(a.id, full)
    assert len(totals) == len(rubric.parts) and all(done for _, done in totals)
    engine_rubric = room.scoring.rubric_of(a.id)
    assert totals[0][0] == rules.round_half_up(rules.part_score(engine_rubric, ScorePart.MATERIAL, full))
    partial = {c.criterion_id: c.max_points}
    assert room.scoring.part_totals(a.id, partial)[0] == (c.max_points, False)
    assert room.scoring.part_totals(a.id, {c.criterion_id: None})[0] == (Decimal(0), False)
