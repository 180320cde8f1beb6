"""Tests of the canonical JSON codec of SessionDefinition: exact round trips and strict decoding."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zc_review.domain.codec import CodecError, canonical_json, definition_from_dict, definition_to_dict
from zc_review.domain.model import (
    Aggregation,
    Applicant,
    ApplicantFlag,
    Attachment,
    CommitteeRole,
    Conflict,
    Criterion,
    Dossier,
    Group,
    Panel,
    RecusalBase,
    Reviewer,
    Rubric,
    RuleSettings,
    ScorePart,
    Series,
    SessionDefinition,
    Staff,
    StaffRole,
    TitleLevel,
)

ROOT = Path(__file__).resolve().parents[2]

text = st.text(max_size=12)
ids = st.text(alphabet="ABCRP0123456789-", min_size=1, max_size=6)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000)
tuples = lambda s: st.lists(s, max_size=3).map(tuple)  # noqa: E731

reviewers = st.builds(Reviewer, id=ids, name=text, employer=text, title=text, title_level=st.sampled_from(TitleLevel),
                      specialty=text, committee_role=st.sampled_from(CommitteeRole))
staff = st.builds(Staff, id=ids, name=text, role=st.sampled_from(StaffRole), employer=text)
criteria = st.builds(Criterion, id=ids, name=text, part=st.sampled_from(ScorePart), max_points=decimals, step=decimals,
                     levels=tuples(text), allow_na=st.booleans(), description=text)
rubrics = st.builds(Rubric, id=ids, name=text, version=text, series=st.sampled_from(Series), criteria=tuples(criteria))
panels = st.builds(Panel, id=ids, name=text, specialty=text, leader_id=ids, vice_leader_id=ids,
                   member_ids=tuples(ids), rubric_id=ids)
groups = st.builds(Group, id=ids, name=text, pass_rate=decimals)
attachments = st.builds(Attachment, id=ids, filename=text, media_type=text, sha256=text,
                        size=st.integers(0, 2**40), title=text)
dossiers = st.builds(Dossier, education=text, years_in_field=st.integers(-5, 80), current_title=text,
                     target_title=text, achievements=tuples(text), papers=tuples(text), annual_reviews=tuples(text),
                     continuing_education=text, work_summary=st.text(max_size=200), attachments=tuples(attachments))
applicants = st.builds(Applicant, id=ids, code=ids, name=text, employer=text, panel_id=ids, group_id=ids,
                       dossier=dossiers, flags=tuples(st.sampled_from(ApplicantFlag)))
rules = st.builds(RuleSettings, recusal_base=st.sampled_from(RecusalBase), aggregation=st.sampled_from(Aggregation),
                  trimmed_min_scores=st.integers(0, 50), material_weight=decimals, defence_weight=decimals,
                  ballot_agree_limit=st.booleans(), min_committee_size=st.integers(1, 99))
definitions = st.builds(
    SessionDefinition, session_id=ids, committee_name=text, organizing_body=text, series=st.sampled_from(Series),
    title_level=text, year=st.integers(1900, 2200), venue=text, scheduled_date=text, reviewers=tuples(reviewers),
    staff=tuples(staff), panels=tuples(panels), groups=tuples(groups), rubrics=tuples(rubrics),
    applicants=tuples(applicants), conflicts=tuples(st.builds(Conflict, reviewer_id=ids, applicant_id=ids, reason=text)),
    rules=rules, rehearsal=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(definitions)
def test_round_trip_is_exact(defn: SessionDefinition) -> None:
    d = definition_to_dict(defn)
    data = canonical_json(d)
    back = definition_from_dict(json.loads(data))
    assert back == defn
    assert canonical_json(definition_to_dict(back)) == data


def _minimal() -> SessionDefinition:
    crit = Criterion(id="M1", name="学历资历", part=ScorePart.MATERIAL, max_points=Decimal("12.50"))
    return SessionDefinition(
        session_id="S1", committee_name="评委会", organizing_body="人社局", series=Series.ENGINEERING,
        title_level="中级", year=2025, venue="会议室", scheduled_date="2025-11-20",
        reviewers=(Reviewer("R01", "甲", "单位", "正高级工程师", TitleLevel.FULL_SENIOR, "建筑", CommitteeRole.CHAIR),),
        staff=(Staff("S01", "乙", StaffRole.RECORDER),), panels=(), groups=(Group("G1", "组", Decimal("0.6")),),
        rubrics=(Rubric("RB", "标准", "1", Series.ENGINEERING, (crit,)),), applicants=(),
    )


def test_dict_form_is_json_safe_and_readable() -> None:
    d = definition_to_dict(_minimal())
    assert d["groups"] == [{"id": "G1", "name": "组", "pass_rate": "0.6"}]
    assert d["rubrics"][0]["criteria"][0]["max_points"] == "12.50"  # exponent kept
    assert d["rubrics"][0]["criteria"][0]["levels"] == []
    assert d["reviewers"][0]["committee_role"] == "chair"
    assert d["rules"]["material_weight"] == "0.7"
    back = definition_from_dict(d)
    assert str(back.rubrics[0].criteria[0].max_points) == "12.50"


def test_canonical_json_bytes() -> None:
    assert canonical_json({"b": 1, "a": ["评", True, None]}) == '{"a":["评",true,null],"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_demo_definition_round_trips() -> None:
    from zc_review.service.office.input import load_office_input

    for name in ("demo", "demo-education"):
        defn, _ = load_office_input(ROOT / "data" / name)
        d = definition_to_dict(defn)
        assert definition_from_dict(json.loads(canonical_json(d))) == defn


def test_missing_defaulted_key_uses_default() -> None:
    d = definition_to_dict(_minimal())
    del d["rules"]["ballot_agree_limit"], d["conflicts"], d["staff"][0]["employer"]
    back = definition_from_dict(d)
    assert back.rules.ballot_agree_limit is False and back.conflicts == () and back.staff[0].employer == ""


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("session_id"), "session_id"),
        (lambda d: d.update(extra=1), "$"),
        (lambda d: d.update(year="2025"), "year"),
        (lambda d: d.update(year=True), "year"),
        (lambda d: d.update(rehearsal=1), "rehearsal"),
        (lambda d: d.update(series="law"), "series"),
        (lambda d: d["groups"][0].update(pass_rate=0.6), "groups[0].pass_rate"),
        (lambda d: d["groups"][0].update(pass_rate="sixty"), "groups[0].pass_rate"),
        (lambda d: d["groups"][0].update(pass_rate="NaN"), "groups[0].pass_rate"),
        (lambda d: d["rubrics"][0].update(criteria={}), "rubrics[0].criteria"),
        (lambda d: d["reviewers"].append("R02"), "reviewers[1]"),
    ],
)
def test_strict_decoding(mutate: Any, path: str) -> None:
    d = definition_to_dict(_minimal())
    mutate(d)
    with pytest.raises(CodecError) as info:
        definition_from_dict(d)
    assert info.value.path == path or (path == "$" and info.value.path == "")


def test_encoding_refuses_non_finite() -> None:
    bad = _minimal()
    bad = SessionDefinition(**{**bad.__dict__, "groups": (Group("G1", "组", Decimal("NaN")),)})
    with pytest.raises(CodecError):
        definition_to_dict(bad)
