"""Issue 5 in the service and the domain: flags with hand-worked numbers, after-review visibility, returned
sheets in the bundle, discussion order, pass-rate preview, the three rubrics, the blind-material check."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EDUCATION_SCORES, ROOT, Packed, _pack, index_of, new_room, played
from zc_review.domain import panel as pr
from zc_review.domain.model import ScorePart
from zc_review.service.errors import ServiceError

D = Decimal
M80 = {"M1": D(8), "M2": D(32), "M3": D(12), "M4": D(12), "M5": D(8), "M6": D(8)}
M50 = {"M1": D(5), "M2": D(20), "M3": D("7.5"), "M4": D("7.5"), "M5": D(5), "M6": D(5)}
D80 = {"D1": D(32), "D2": D(32), "D3": D(16)}


# -- the domain, by hand -------------------------------------------------------------------------------------
def test_spread_stdev_only_flags_the_extremes() -> None:
    # 80, 70, 90: mean 80, range 20 (not > 20), stdev √(200/3) = 8.165 > 8, distances 0, 15, 15 (not > 15)
    s = pr.spread("material", {"R1": D(80), "R2": D(70), "R3": D(90)}, pr.Thresholds())
    assert s.mean == 80 and s.range == 20
    assert D("8.164") < s.stdev < D("8.165")
    assert s.distance == {"R1": 0, "R2": 15, "R3": 15}
    assert s.reasons == ("stdev",) and s.concerned == ("R2", "R3")


def test_spread_outlier_is_the_one_concerned() -> None:
    # 60, 80, 82, 78: mean 75, range 22, stdev √(308/4) = 8.775; A is 20 from the others' mean 80
    s = pr.spread("material", {"A": D(60), "B": D(80), "C": D(82), "D": D(78)}, pr.Thresholds())
    assert s.range == 22 and D("8.774") < s.stdev < D("8.775")
    assert s.distance["A"] == 20 and s.distance["D"] == 4
    assert s.reasons == ("range", "stdev", "distance") and s.concerned == ("A",)
    quiet = pr.spread("material", {"A": D(80), "B": D(82), "C": D(78)}, pr.Thresholds())
    assert not quiet.flagged and quiet.concerned == ()
    assert not pr.spread("material", {"A": D(60), "B": D(80)}, pr.Thresholds(range=D(20), stdev=D(10),
                                                                              distance=D(20))).flagged


def test_discussion_order_small_case_by_hand() -> None:
    out = {"a1": frozenset({"X"}), "a3": frozenset({"Y"}), "a4": frozenset({"X"}), "a5": frozenset({"X", "Y"})}
    naive = ["a1", "a2", "a3", "a4", "a5"]
    # by code: ∅→X 1, X→∅ 1, ∅→Y 1, Y→X 2, X→XY 1, XY→∅ 2 = 8 moves
    assert pr.movements(naive, out) == 8
    order = pr.discussion_order(naive, out)
    assert sorted(order) == naive and order[0] == "a2"
    # best tour: ∅ → Y → XY → X → ∅ (or its reverse) = 4 moves; a1 and a4 stay together
    assert pr.movements(order, out) == 4
    assert order == ["a2", "a3", "a5", "a1", "a4"]
    many = {f"b{i}": frozenset({f"R{i}"}) for i in range(12)}  # 12 distinct sets: greedy path
    assert pr.movements(pr.discussion_order(sorted(many), many), many) == 24


def test_blind_findings_name_employer_and_core() -> None:
    found = pr.blind_findings("梁健", "青川精工装备制造有限公司", {
        "work_summary": "本人梁健，就职于青川精工装备制造，负责……",
        "F1": "报告单位：青川精工装备制造有限公司",
        "F2": "与申报人无关的文字",
    })
    assert [(f.where, f.kind, f.term) for f in found] == [
        ("work_summary", "name", "梁健"), ("work_summary", "employer", "青川精工装备制造"),
        ("F1", "employer", "青川精工装备制造有限公司")]


# -- the service on the demo ---------------------------------------------------------------------------------------
def _flagged_a001(room_at: Any) -> tuple[Any, Any]:
    room, runner = room_at("scores")
    scorers = room.scoring.scorers_of("A001")
    assert scorers == ["R02", "R04", "R05", "R06", "R07", "R08"]
    for r in scorers:
        values = {**(M50 if r == "R08" else M80), **D80}
        room.scoring.save_scores(runner.actor(r), "A001", values, submit=True)
    return room, runner


def test_visibility_after_own_submission_and_flags(room_at: Any) -> None:
    room, runner = room_at("scores")
    r02, r04 = runner.actor("R02"), runner.actor("R04")
    room.scoring.save_scores(r02, "A001", {**M80, **D80}, submit=False)
    with pytest.raises(ServiceError) as err:
        room.panel.panel_scores(r02, "A001")
    assert err.value.code == "own_sheet_not_submitted"
    room.scoring.save_scores(r02, "A001", {**M80, **D80}, submit=True)
    view = room.panel.panel_scores(r02, "A001")
    assert set(view.per_reviewer) == {"R02"} and "R04" in view.waiting
    with pytest.raises(ServiceError):
        room.panel.panel_scores(r04, "A001")  # R04 has not submitted: sees nothing
    with pytest.raises(ServiceError) as err:
        room.panel.panel_scores(runner.actor("R09"), "A001")  # another panel
    assert err.value.code == "not_on_panel"


def test_flag_explanation_never_changes_a_score(room_at: Any, tmp_path: Path) -> None:
    room, runner = _flagged_a001(room_at)
    view = room.panel.panel_scores(runner.actor("R02"), "A001")
    # material: five at 80, R08 at 50. mean 75, range 30, stdev √(750/6) = 11.18, R08 is 30 from 80
    m = view.spreads[0]
    assert (m.part, m.range, m.distance["R08"], m.distance["R02"]) == ("material", 30, 30, 6)
    assert D("11.18") < m.stdev < D("11.181")
    assert view.flagged and view.concerned == ("R08",)
    assert not view.spreads[1].flagged  # defence all 80
    assert view.aggregate.material == 75 and view.aggregate.composite == D("76.50")  # 0.7·75 + 0.3·80
    assert "算术平均" in view.rule
    before = room.scoring.current_sheet("R08", "A001").values_json
    with pytest.raises(ServiceError) as err:
        room.panel.explain_flag(runner.actor("R02"), "A001", "我没有偏离")
    assert err.value.code == "flag_not_concerned"
    room.panel.explain_flag(runner.actor("R08"), "A001", "该申报人代表性业绩不足，维持原评分。")
    assert room.scoring.current_sheet("R08", "A001").values_json == before
    assert room.scoring.applicant_score("A001").material == 75
    assert room.panel.flag_explanations() == {"A001": {"R08": "该申报人代表性业绩不足，维持原评分。"}}
    assert list(room.panel.flagged_applicants()) == ["A001"]
    rec = room.record()
    assert rec["flag_explanations"] == [{"applicant_id": "A001", "reviewer_id": "R08",
                                         "text": "该申报人代表性业绩不足，维持原评分。"}]
    from zc_review.service.room.minutes_view import build_minutes_view

    notes = build_minutes_view(room.closing, room.outcome()).disagreement_notes
    assert len(notes) == 1 and notes[0].applicant_code == room.defn.applicant("A001").code
    assert "申报材料分极差 30.00、标准差 11.18" == notes[0].spread
    assert notes[0].explanations == f"{room.person_name('R08')}：该申报人代表性业绩不足，维持原评分。"
    row = next(r for r in room.panel.leader_sheet("P-JZ") if r.applicant_id == "A001")
    assert row.material == "75.00" and row.composite == "76.50" and "R08" not in row.disagreement
    assert room.person_name("R08") in row.disagreement
    pdf = room.panel.leader_sheet_pdf(runner.actor("R02"), "P-JZ")
    assert pdf.startswith(b"%PDF-")
    with pytest.raises(ServiceError):
        room.panel.leader_sheet_pdf(runner.actor("R04"), "P-JZ")  # the vice-leader is not the leader


def test_returned_sheet_keeps_every_version(room_at: Any) -> None:
    room, runner = _flagged_a001(room_at)
    leader, sup = runner.actor("R02"), runner.actor("S01")
    with pytest.raises(ServiceError):
        room.scoring.return_sheet(leader, runner.actor("R04"), "R08", "A001", "请复核")  # the witness is no supervisor
    room.scoring.return_sheet(leader, sup, "R08", "A001", "分数偏离较大，请复核后重新提交")
    with pytest.raises(ServiceError):
        room.panel.panel_scores(runner.actor("R08"), "A001")  # returned: must submit again to see the others
    room.scoring.save_scores(runner.actor("R08"), "A001", {**M80, **D80}, submit=True)
    versions = [(s.version, s.status, s.return_reason) for s in room.panel.sheet_versions("R08", "A001")]
    assert versions == [(1, "returned", "分数偏离较大，请复核后重新提交"), (2, "submitted", "")]
    sheets = [s for s in room.record()["sheets"] if (s["reviewer_id"], s["applicant_id"]) == ("R08", "A001")]
    assert [(s["version"], s["status"], s["rubric_version"]) for s in sheets] == [
        (1, "returned", "2025.1"), (2, "submitted", "2025.1")]
    assert room.scoring.applicant_score("A001").material == 80
    assert room.panel.flagged_applicants() == {}


def test_discussion_order_and_step_out_on_demo(room_at: Any) -> None:
    room, _ = room_at("open_poll")
    order = room.panel.discussion_order()
    assert sorted(order) == sorted(a.id for a in room.defn.applicants)
    assert room.panel.must_step_out("A003") == ["R06"] and room.panel.must_step_out("A001") == []
    naive = sorted(order, key=lambda a: room.defn.applicant(a).code)
    assert room.panel.movements(order) <= room.panel.movements(naive)
    assert room.panel.movements(order) == 2 * len({r.reviewer_id for r in room.recusals()
                                             if r.reviewer_id in room.attending_ids()})


def test_pass_rate_preview_matches_results(room_at: Any) -> None:
    room, _ = room_at("open_poll")
    expected = json.loads((ROOT / "data/demo/expected-results.json").read_text("utf-8"))
    for g in room.panel.pass_rate_preview():
        assert g.cap == expected["groups"][g.group_id]["cap"]
        assert g.applicants == len(room.defn.applicants_of_group(g.group_id))
        ranks = [r for _, _, r in g.ranking]
        assert ranks == sorted(ranks)
        for aid, composite, rank in g.ranking:
            assert str(composite) == expected["applicants"][aid]["composite"]
            assert rank == expected["applicants"][aid]["rank"]


# -- the three rubrics ---------------------------------------------------------------------------------------
def test_three_rubrics_pack_with_their_required_criteria(demo: Packed, demo_education: Packed) -> None:
    from zc_review.domain.codec import definition_from_dict

    eng = definition_from_dict(demo.payload.session)
    edu = definition_from_dict(demo_education.payload.session)
    gc, qy, jy = eng.rubric("RB-GC"), eng.rubric("RB-GC-QY"), edu.rubric("RB-JY")
    assert any("安全生产" in c.name for c in gc.criteria) and any("安全生产" in c.name for c in qy.criteria)
    assert any("诚信" in c.name and "守法" in c.name for c in qy.criteria)
    assert "师德师风" in jy.criteria[0].name and not jy.has_defence
    assert gc.criterion("M3").allow_na and not gc.criterion("M1").allow_na
    assert eng.panel("P-JD").rubric_id == "RB-GC-QY"
    for rb in (gc, qy, jy):
        assert sum(c.max_points for c in rb.part_criteria(ScorePart.MATERIAL)) == 100


def test_na_is_rescaled_not_zero(room_at: Any) -> None:
    room, runner = room_at("scores")
    values: dict[str, Decimal | None] = {**M80, "M3": None, **D80}
    room.scoring.save_scores(runner.actor("R02"), "A001", values, submit=True)
    # 68 applicable points of 85 → 80 of 100; not 68
    assert room.scoring.applicant_score("A001").material == 80
    with pytest.raises(ServiceError):
        room.scoring.save_scores(runner.actor("R04"), "A001", {**M80, "M1": None, **D80}, submit=True)


def test_enterprise_rubric_scores_and_aggregates(room_at: Any) -> None:
    room, runner = room_at("scores")
    a = next(x for x in room.defn.applicants_of_panel("P-JD"))
    qy = {"M1": D(8), "M2": D(28), "M3": D(12), "M4": D(12), "M7": D(4), "M5": D(8), "M6": D(8), **D80}
    for r in room.scoring.scorers_of(a.id):
        room.scoring.save_scores(runner.actor(r), a.id, qy, submit=True)
    s = room.scoring.applicant_score(a.id)
    assert s.material == 80 and s.defence == 80 and s.composite == D("80.00")
    sheet = room.scoring.current_sheet(room.scoring.scorers_of(a.id)[0], a.id)
    assert (sheet.rubric_id, sheet.rubric_version) == ("RB-GC-QY", "2025.1")


def test_education_has_no_defence_anywhere(demo_education: Packed, tmp_path: Path) -> None:
    from zc_review.service.room.minutes_view import build_minutes_view

    room, runner = played(demo_education, index_of(demo_education, "generate_minutes"), tmp_path / "usb")
    out = room.outcome()
    assert set(out.applicants) == set(EDUCATION_SCORES)
    for a, o in out.applicants.items():
        assert o.score is not None and o.score.defence is None
        material, composite = EDUCATION_SCORES[a]  # worked by hand in tests/conftest.py
        assert o.score.material == D(material) and o.score.composite == D(composite)
        assert all(d is None for _, d in o.score.per_reviewer.values())
    view = build_minutes_view(room.closing, out)
    assert view.has_defence is False and all(r.defence == "—" for r in view.applicants)
    pdf = room.closing.generate_minutes(runner.recorder)
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "答辩分" not in text, text[max(0, text.find("答辩分") - 80):text.find("答辩分") + 10]
    assert all(str(o.score.composite) in text for o in out.applicants.values())
    leader = room.defn.panels[0].leader_id
    sheet = room.panel.leader_sheet_pdf(runner.actor(leader), room.defn.panels[0].id)
    sheet_text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(sheet)).pages)
    assert "答辩分" not in sheet_text and "综合分" in sheet_text


# -- the blind-material check ------------------------------------------------------------------------------------
def test_anonymity_check_at_pack_and_in_the_room(tmp_path: Path, office_keys: Path, demo: Packed) -> None:
    src = tmp_path / "input"
    shutil.copytree(ROOT / "data/demo", src)
    dossier = src / "applicants/A001/dossier.yaml"
    text = dossier.read_text("utf-8")
    text = text.replace("  work_summary: |\n", "  work_summary: |\n    本人梁健在青川市恒泰建设工程有限公司工作。\n", 1)
    dossier.write_text(text, "utf-8")
    from zc_review.service.office import keygen, pack

    keys = tmp_path / "keys"  # its own office: packing the demo session again would supersede the shared demo package
    keygen(keys, "青川市人力资源和社会保障局")
    packed = _pack(tmp_path, src, keys)
    res = pack(src, tmp_path / "again.zcp", keys, fast_kdf=True)
    warnings = [w for w in res.warnings if "匿名材料检查" in w]
    assert len(warnings) == 2 and "GC-2025-001" in warnings[0] and "梁健" in warnings[0]
    assert "青川市恒泰建设工程有限公司" in warnings[1]
    room = new_room(packed)
    found = room.panel.anonymity_findings()
    assert list(found) == ["A001"] and {f.kind for f in found["A001"]} == {"name", "employer"}
    from zc_review.service.script import ScriptRunner

    runner = ScriptRunner(room, packed.secrets, tmp_path / "usb")
    with pytest.raises(ServiceError):
        room.panel.anonymity_report(runner.actor("R02"))  # a reviewer never gets the report
    assert room.panel.anonymity_report(runner.recorder) == found
    assert new_room(demo).panel.anonymity_findings() == {}
