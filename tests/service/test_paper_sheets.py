"""Paper score sheets and double keying through the room service (issue 14): the printed sheets, two
keyings by two staff members, the settlement of a mismatch, the confirmation, and the bad input of the
issue (the same person keying twice, a recused reviewer's sheet, a wrong check code, an out-of-range value, a
second keying that never agrees), each refused in Chinese, recorded in the log, nothing keyed lost. A
composite from keyed sheets is worked by hand against RULES.md §4."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed
from zc_review.domain import paper
from zc_review.service.errors import ServiceError

# R02's sheet for A001 in the education demo (its typed values: tests/conftest.py EDUCATION_SCORES)
EDU = {"E1": "10.5", "E2": "19.5", "E3": "13.5", "E4": "8.5", "E5": "7", "E6": "6.5"}


def _at_scoring(room_at: Any, packed: Packed) -> tuple[Any, Any]:
    """The education demo played up to its first keyed sheet (rubrics signed, reviewers pledged)."""
    return room_at("key_sheet", packed=packed)  # type: ignore[no-any-return]


def _staff(room: Any, packed: Packed) -> tuple[Any, Any]:
    rec = next(s.id for s in room.defn.staff if s.role.value == "recorder")
    sup = next(s.id for s in room.defn.staff if s.role.value == "supervisor")
    return room.authenticate(rec, packed.secrets.persons[rec]), room.authenticate(sup, packed.secrets.persons[sup])


def _refusals(room: Any) -> list[dict[str, Any]]:
    return [e["detail"] for e in room.record(with_log=True)["log"] if e["action"] == paper.LOG_REFUSED]


def _sheet(room: Any, reviewer: str, applicant: str) -> Any:
    return room.paper.find(paper.sheet_id(room.defn.applicant(applicant).code, reviewer))


@pytest.fixture
def edu(room_at: Any, demo_education: Packed) -> tuple[Any, Any, Any, Packed]:
    room, _ = _at_scoring(room_at, demo_education)
    rec, sup = _staff(room, demo_education)
    return room, rec, sup, demo_education


def test_mismatch_is_listed_settled_by_both_and_confirmed(edu: tuple[Any, Any, Any, Packed]) -> None:
    room, rec, sup, packed = edu
    s = _sheet(room, "R02", "A001")
    first = room.paper.key(rec, s.sheet_id, s.check_code, EDU)
    assert first.status == "first" and first.cells == ()  # nothing of the first keying is shown
    second = room.paper.key(sup, s.sheet_id, s.check_code.lower(), {**EDU, "E2": "19", "E5": "7.0"})
    # "7.0" and "7" are the same number: one differing cell, both values shown side by side
    assert second.status == "mismatched"
    assert [(c.criterion_id, c.first, c.second, c.settled) for c in second.cells] == [("E2", "19.5", "19", None)]
    assert room.scoring.current_sheet("R02", "A001") is None  # blind until submitted: nothing counts yet
    with pytest.raises(ServiceError) as err:
        room.paper.confirm(room.authenticate("R02", packed.secrets.persons["R02"]), s.sheet_id)
    assert err.value.code == "paper_unsettled" and "E2" in err.value.message
    settled = room.paper.settle(sup, rec, s.sheet_id, {"E2": "19.5"})
    assert settled.status == "settled" and settled.cells[0].settled == "19.5"
    done = room.paper.confirm(room.authenticate("R02", packed.secrets.persons["R02"]), s.sheet_id)
    assert done.status == "confirmed" and done.confirmed_by == "R02"
    sheet = room.scoring.current_sheet("R02", "A001")
    assert sheet.status == "submitted" and json.loads(sheet.values_json) == EDU
    entry = next(e for e in room.record()["paper_sheets"] if e["sheet_id"] == s.sheet_id)
    assert [k["keyer"] for k in entry["keyings"]] == [rec.person_id, sup.person_id]
    assert entry["keyings"][1]["values"]["E2"] == "19"  # the second keying kept as typed
    assert entry["mismatches"] == [{"criterion": "E2", "first": "19.5", "second": "19", "settled": "19.5",
                                    "settled_by": sorted([rec.person_id, sup.person_id]),
                                    "settled_at": entry["mismatches"][0]["settled_at"]}]
    assert entry["confirmation"]["person_id"] == "R02" and entry["sheet_version"] == 1
    assert entry["confirmation"]["statement"] == paper.confirmation_statement(room.defn.session_id, entry).decode()
    with pytest.raises(ServiceError) as err:  # a confirmed sheet is locked like a typed one
        room.paper.confirm(room.authenticate("R02", packed.secrets.persons["R02"]), s.sheet_id)
    assert err.value.code == "paper_confirmed_already"


def test_same_keyer_twice_refused_recorded_first_keying_kept(edu: tuple[Any, Any, Any, Packed]) -> None:
    room, rec, sup, _ = edu
    s = _sheet(room, "R02", "A001")
    room.paper.key(rec, s.sheet_id, s.check_code, EDU)
    with pytest.raises(ServiceError) as err:
        room.paper.key(rec, s.sheet_id, s.check_code, {**EDU, "E1": "11"})
    assert err.value.code == "paper_same_keyer" and "另一名工作人员" in err.value.message
    assert {"sheet": s.sheet_id, "code": "paper_same_keyer"} in _refusals(room)
    entry = room.record()["paper_sheets"][0]
    assert entry["keyings"] == [{"keyer": rec.person_id, "at": entry["keyings"][0]["at"], "values": EDU}]
    assert room.paper.key(sup, s.sheet_id, s.check_code, EDU).status == "settled"  # the other staff member may


def test_wrong_check_code_refused_nothing_stored(edu: tuple[Any, Any, Any, Packed]) -> None:
    room, rec, _, _ = edu
    s = _sheet(room, "R02", "A001")
    other = _sheet(room, "R03", "A001")
    for code in ("AAAA-AAAA", other.check_code):  # a made-up code; another sheet's code
        with pytest.raises(ServiceError) as err:
            room.paper.key(rec, s.sheet_id, code, EDU)
        assert err.value.code == "paper_check_code_wrong" and "其他会议" in err.value.message
    assert room.record()["paper_sheets"] == []
    assert [r["code"] for r in _refusals(room)] == ["paper_check_code_wrong", "paper_check_code_wrong"]
    # the printed code with 0 for O and 1 for I (not in the code's alphabet) is the same code
    typed = s.check_code.replace("O", "0").replace("I", "1")
    assert room.paper.key(rec, s.sheet_id, typed, EDU).status == "first"


def test_out_of_range_and_empty_cell_refused(edu: tuple[Any, Any, Any, Packed]) -> None:
    room, rec, sup, _ = edu
    s = _sheet(room, "R02", "A001")
    # the typed sheet's own checks and messages (Scoring.check_sheet): range, step; then a missing cell, a word
    for values, code, says in (({**EDU, "E1": "16"}, "score_out_of_range", "超出范围"),
                               ({**EDU, "E1": "10.3"}, "score_bad_step", "整数倍"),
                               ({k: v for k, v in EDU.items() if k != "E4"}, "paper_cell_empty", "E4"),
                               ({**EDU, "E3": "十五"}, "paper_cell_invalid", "不是有效分数")):
        with pytest.raises(ServiceError) as err:
            room.paper.key(rec, s.sheet_id, s.check_code, values)
        assert err.value.code == code and says in err.value.message
    assert room.record()["paper_sheets"] == []
    room.paper.key(rec, s.sheet_id, s.check_code, EDU)
    room.paper.key(sup, s.sheet_id, s.check_code, {**EDU, "E2": "20"})
    with pytest.raises(ServiceError) as err:  # a settled value is checked like a typed one
        room.paper.settle(rec, sup, s.sheet_id, {"E2": "31"})
    assert err.value.code == "score_out_of_range"
    assert room.paper.view(s.sheet_id).status == "mismatched"


def test_recused_reviewers_sheet_refused(room_at: Any, demo: Packed) -> None:
    """The engineering demo: R07 recused from A005 in the room after the sheets were printed."""
    room, _ = room_at("view_dossier")
    assert room.is_recused("R07", "A005")
    rec, _ = _staff(room, demo)
    printed = {s.sheet_id for s in room.paper.printable()}
    sid = paper.sheet_id(room.defn.applicant("A005").code, "R07")
    assert sid not in printed  # not printed now that the recusal is recorded
    s = room.paper.find(sid)  # but a sheet printed before it can still be brought to the laptop
    values = {c.id: f"{c.max_points / 2:f}" for c in s.rubric.criteria}
    with pytest.raises(ServiceError) as err:
        room.paper.key(rec, sid, s.check_code, values)
    assert err.value.code == "paper_sheet_recused" and "回避" in err.value.message
    assert room.record()["paper_sheets"] == [] and _refusals(room)[-1]["code"] == "paper_sheet_recused"


def test_keyings_that_never_agree_cannot_be_confirmed_and_keep_both(edu: tuple[Any, Any, Any, Packed]) -> None:
    room, rec, sup, packed = edu
    s = _sheet(room, "R02", "A001")
    room.paper.key(rec, s.sheet_id, s.check_code, EDU)
    room.paper.key(sup, s.sheet_id, s.check_code, {k: "1" for k in EDU})  # every cell differs
    r02 = room.authenticate("R02", packed.secrets.persons["R02"])
    with pytest.raises(ServiceError) as err:
        room.paper.confirm(r02, s.sheet_id)
    assert err.value.code == "paper_unsettled" and "E1" in err.value.message and "E6" in err.value.message
    with pytest.raises(ServiceError) as err:  # a third keying is refused: the two keyings are settled, not replaced
        room.paper.key(rec, s.sheet_id, s.check_code, EDU)
    assert err.value.code == "paper_keyed_twice"
    with pytest.raises(ServiceError) as err:  # settling needs both keyers
        room.paper.settle(rec, r02, s.sheet_id, {"E1": "10.5"})
    assert err.value.code in ("not_permitted", "paper_not_keyers")
    room.paper.settle(rec, sup, s.sheet_id, {"E1": "10.5", "E2": "19.5"})
    with pytest.raises(ServiceError) as err:  # a settled cell stays settled
        room.paper.settle(rec, sup, s.sheet_id, {"E1": "11"})
    assert err.value.code == "paper_cell_settled"
    with pytest.raises(ServiceError) as err:
        room.paper.confirm(r02, s.sheet_id)
    assert err.value.code == "paper_unsettled" and "E3" in err.value.message and "E1" not in err.value.message
    entry = room.record()["paper_sheets"][0]
    assert entry["keyings"][0]["values"] == EDU and entry["keyings"][1]["values"] == {k: "1" for k in EDU}
    assert room.scoring.current_sheet("R02", "A001") is None
    codes = [r["code"] for r in _refusals(room)]
    assert codes.count("paper_unsettled") == 2 and "paper_keyed_twice" in codes and "paper_cell_settled" in codes


def test_only_the_reviewer_or_the_witness_confirms(room_at: Any, demo_education: Packed) -> None:
    room, _ = _at_scoring(room_at, demo_education)
    rec, sup = _staff(room, demo_education)
    s = _sheet(room, "R02", "A001")
    room.paper.key(rec, s.sheet_id, s.check_code, EDU)
    room.paper.key(sup, s.sheet_id, s.check_code, EDU)
    for who in (sup, room.authenticate("R03", demo_education.secrets.persons["R03"])):
        with pytest.raises(ServiceError) as err:
            room.paper.confirm(who, s.sheet_id)
        assert err.value.code == "paper_confirmer_wrong" and "R02" in err.value.message
    # the session's option: the supervisor confirms as witness, the reviewer is no longer asked
    import dataclasses

    from zc_review.domain.model import PaperConfirmation

    room.ctx.defn = dataclasses.replace(room.defn, rules=dataclasses.replace(
        room.defn.rules, paper_sheet_confirmation=PaperConfirmation.SUPERVISOR))
    with pytest.raises(ServiceError) as err:
        room.paper.confirm(room.authenticate("R02", demo_education.secrets.persons["R02"]), s.sheet_id)
    assert err.value.code == "paper_confirmer_wrong" and "纪检监察" in err.value.message
    assert room.paper.confirm(sup, s.sheet_id).confirmed_by == sup.person_id
    entry = room.record()["paper_sheets"][0]
    assert entry["confirmation"]["role"] == "supervisor"


def test_keyed_composite_matches_rules_by_hand(room_at: Any, demo_education: Packed) -> None:
    """A001's five scorers' sheets keyed from paper (R02's with a settled mismatch), the others typed: the
    composite is the mean of the five material scores, C = M in the education series (RULES.md §4):
    (65.5 + 69.5 + 62.5 + 66 + 64) / 5 = 327.5 / 5 = 65.5 → 65.50 (tests/conftest.py EDUCATION_SCORES)."""
    from zc_review.service.script import ScriptRunner

    room, runner = room_at("key_sheet", packed=demo_education)
    assert isinstance(runner, ScriptRunner)
    acts = [a for a in demo_education.script["actions"] if a["action"] in ("key_sheet", "confirm_sheet")
            and a["applicant"] == "A001"]
    assert len(acts) == 10 and any("settle" in a for a in acts)
    runner.run(acts)
    rubric = room.scoring.rubric_of("A001")
    totals = []
    for a in (x for x in acts if x["action"] == "key_sheet"):
        totals.append(sum(Decimal(v) for v in a["values"].values()))  # all material, no N/A
    assert sorted(totals) == sorted(Decimal(x) for x in ("65.5", "69.5", "62.5", "66", "64"))
    assert not rubric.has_defence
    score = room.scoring.applicant_score("A001")
    assert score is not None and score.composite == Decimal("65.50")
    assert len(score.per_reviewer) == 5


def test_sheets_print_on_the_command_line(demo_education: Packed, tmp_path: Path) -> None:
    """``zc-review sheets print``: one page per panel reviewer per applicant (no recusal in this demo), codes and
    check codes, never an applicant's name; an unknown panel is refused in Chinese."""
    import io
    import os
    import subprocess
    import sys

    from pypdf import PdfReader

    from zc_review.documents.score_sheets import format_check_code
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo_education.keys / "root-cert.pem", home)
    exe = Path(sys.executable).parent / "zc-review"
    env = {**os.environ, "ZC_REVIEW_HOME": str(home), "ZC_REVIEW_I18N_STRICT": "1", "COLUMNS": "200"}
    out = tmp_path / "sheets.pdf"
    done = subprocess.run([str(exe), "sheets", "print", str(demo_education.package), "--secrets",
                           str(demo_education.secrets_path), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已生成 60 张空白评分表" in done.stdout  # 12 applicants × 5 panel reviewers
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    text = "".join(p.extract_text() or "" for p in pages)
    assert len(pages) == 60 and "第 60 页 共 60 页" in text
    defn = json.loads(json.dumps(demo_education.payload.session))
    for a in defn["applicants"]:
        assert a["code"] in text and a["name"] not in text
    from zc_review.seal.paper import sheet_check_code

    sid = paper.sheet_id(defn["applicants"][0]["code"], "R02")
    assert format_check_code(sheet_check_code(defn["session_id"], sid, "RB-JY", "2025.1")) in text
    assert "师德师风" in text and "满分" in text and "步长" in text and "优：13–15 分" in text and "2025.1" in text
    bad = subprocess.run([str(exe), "sheets", "print", str(demo_education.package), "--secrets",
                          str(demo_education.secrets_path), "--panel", "P-XX", "--out", str(tmp_path / "x.pdf")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2 and "没有评议组“P-XX”" in bad.stderr and "Traceback" not in bad.stderr


def test_minutes_say_which_scores_were_transcribed_from_paper(room_at: Any, demo_education: Packed) -> None:
    """The minutes' table of paper sheets (reviewer id, applicant code, the keyers, settled cells, confirmer) and
    the confirmer rule among the rule values; the minutes digest covers the table (issue 14)."""
    from zc_review.domain.digest import minutes_content
    from zc_review.service.room.minutes_view import build_minutes_view

    room, runner = room_at("key_sheet", packed=demo_education)
    before = minutes_content(room.defn, room.record())
    assert "paper_sheets" not in before  # a session without paper sheets keeps its digest
    acts = [a for a in demo_education.script["actions"] if a["action"] in ("key_sheet", "confirm_sheet")
            and a["reviewer"] == "R02"]
    runner.run(acts)
    view = build_minutes_view(room.closing, room.outcome())
    rows = [(r.reviewer_code, r.applicant_code, r.keyed_by, r.settled, r.confirmed_by) for r in view.paper_sheets]
    assert len(rows) == sum(1 for a in acts if a["action"] == "key_sheet")
    names = {s.id: s.name for s in room.defn.staff}
    first = next(r for r in rows if r[1] == room.defn.applicant("A001").code)
    assert first == ("R02", room.defn.applicant("A001").code, f"{names['S02']}、{names['S01']}", "1",
                     f"{room.person_name('R02')}（评审专家）")
    assert ("纸质评分表确认", "两人录入核对后，由评审专家本人凭证确认") in view.rule_values
    content = minutes_content(room.defn, room.record())
    assert [r[0] for r in content["paper_sheets"]] == sorted(e["sheet_id"] for e in room.record()["paper_sheets"])
