"""The draw's pure rules (zc_review.domain.draw): the published algorithm written out again here, every
composition and rotation rule at its edge, employer variants. Source: 000 第十三条, 第十四条, 第二十六条(一);
RULES.md §0–1; docs/FORMATS.md "Draw record"."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from tests.tooling import require_tool
from zc_review.domain import draw as d
from zc_review.domain.model import TitleLevel
from zc_review.domain.panel import blind_findings
from zc_review.domain.rules import RuleError

SID, SEED = "QC-GC-ZJ-2025", "2025112036"


def published_order(session: str, seed: str, specialty: str, round_no: int, ids: list[str]) -> list[str]:
    """docs/FORMATS.md "Draw record", step 3, written out independently of the code."""
    def key(i: str) -> str:
        msg = f"zc-review-draw-v1\n{session}\n{seed}\n{specialty}\n{round_no}\n{i}"
        return hashlib.sha256(msg.encode("utf-8")).hexdigest()
    return sorted(ids, key=lambda i: (key(i), i))


def expert(i: int, specialty: str = "建筑工程", level: TitleLevel = TitleLevel.ASSOCIATE_SENIOR,
           since: int = 2010, served: tuple[int, ...] = (), employer: str = "") -> d.Expert:
    return d.Expert(f"E{i:03d}", f"专家{i}", employer or f"单位{i}", "高级工程师", level, since, specialty, "东城区",
                    years_served=served)


def always(answer: str = "confirmed") -> d.Answerer:
    return lambda eid, kind: (answer, "")


def test_the_order_is_the_published_algorithm() -> None:
    ids = [f"E{i:03d}" for i in range(1, 40)]
    got = [e for e, _ in d.draw_order(SID, SEED, "建筑工程", 1, ids)]
    assert got == published_order(SID, SEED, "建筑工程", 1, ids)
    assert got != ids  # it is a permutation, not the pool order
    assert got != [e for e, _ in d.draw_order(SID, "2025112037", "建筑工程", 1, ids)]  # the seed matters


def test_a_key_is_what_any_sha256_tool_gives() -> None:
    require_tool("openssl")
    msg = f"zc-review-draw-v1\n{SID}\n{SEED}\n建筑工程\n1\nE007".encode()
    out = subprocess.run(["openssl", "dgst", "-sha256", "-r"], input=msg, capture_output=True, check=True).stdout
    assert d.rank_key(SID, SEED, "建筑工程", 1, "E007") == out.split()[0].decode()


def test_pre_draw_at_one_to_three_and_calls_in_drawn_order() -> None:
    pool = [expert(i) for i in range(1, 16)]
    seats = [d.Seats("建筑工程", 5, "P-JZ")]
    out = d.run_draw(session_id=SID, seed=SEED, ratio=3, seats=seats, experts=pool, reappoint=(), excluded=[],
                     answer=always())
    order = published_order(SID, SEED, "建筑工程", 1, [e.id for e in pool])
    assert [e for e, _ in out.rounds[0].drawn] == order  # 15 = 3 × 5 pre-drawn, all of them
    assert [m[0] for m in out.members] == order[:5]
    assert [e.expert for e in out.events] == order[:5]  # the rest are not called


def test_one_short_of_the_ratio_is_refused() -> None:
    seats = [d.Seats("建筑工程", 5, "P-JZ")]
    with pytest.raises(RuleError) as exc:
        d.run_draw(session_id=SID, seed=SEED, ratio=3, seats=seats, experts=[expert(i) for i in range(1, 15)],
                   reappoint=(), excluded=[], answer=always())
    assert exc.value.code == "draw_pool_too_small"
    assert exc.value.params == {"specialty": "建筑工程", "needed": 5, "ratio": 3, "want": 15, "eligible": 14}


def test_when_the_pre_drawn_run_out_a_second_round_draws_again() -> None:
    pool = [expert(i) for i in range(1, 13)]
    refusers = set(published_order(SID, SEED, "建筑工程", 1, [e.id for e in pool])[:5])
    out = d.run_draw(session_id=SID, seed=SEED, ratio=3, seats=[d.Seats("建筑工程", 2, "P-JZ")], experts=pool,
                     reappoint=(), excluded=[],
                     answer=lambda eid, kind: ("refused" if eid in refusers else "confirmed", ""))
    first = published_order(SID, SEED, "建筑工程", 1, [e.id for e in pool])[:6]
    assert [e for e, _ in out.rounds[0].drawn] == first
    assert len(out.members) == 2 and out.members[0][0] == first[5]
    second = out.rounds[1]
    assert second.needed == 1 and len(second.drawn) == 3
    assert set(second.eligible) == {e.id for e in pool} - set(first)


def test_intermediate_reviewers_stop_at_one_third() -> None:
    # 6 seats → at most 2 intermediate; every expert intermediate except three senior ones
    pool = [expert(i, level=TitleLevel.INTERMEDIATE if i > 3 else TitleLevel.FULL_SENIOR) for i in range(1, 19)]
    out = d.run_draw(session_id=SID, seed=SEED, ratio=3, seats=[d.Seats("建筑工程", 5, "P-JZ"),
                                                                d.Seats("机电工程", 1, "P-JD")],
                     experts=pool + [expert(99, "机电工程", TitleLevel.INTERMEDIATE), expert(98, "机电工程"),
                                     expert(97, "机电工程")],
                     reappoint=(), excluded=[], answer=always())
    levels = {e.id: e.title_level for e in pool} | {"E099": TitleLevel.INTERMEDIATE}
    mids = [m for m in out.members if levels.get(m[0]) is TitleLevel.INTERMEDIATE]
    assert len(mids) == 6 // 3
    assert any(e.kind == "skip_intermediate" for e in out.events)


@pytest.mark.parametrize(("last", "reappoint", "ok"), [(15, 10, True), (15, 11, False), (17, 11, True),
                                                          (17, 12, False), (3, 2, True), (3, 3, False)])
def test_reappointed_at_most_two_thirds_of_last_year(last: int, reappoint: int, ok: bool) -> None:
    experts = {e.id: e for e in (expert(i, served=(2024,)) for i in range(1, last + 1))}
    ids = list(experts)
    if ok:
        d.check_rotation(ids, ids[:reappoint], experts, 2025)
    else:
        with pytest.raises(RuleError) as exc:
            d.check_rotation(ids, ids[:reappoint], experts, 2025)
        assert exc.value.code == "draw_reappoint_too_many"
        assert exc.value.params["limit"] == (2 * last) // 3


@pytest.mark.parametrize(("served", "ok"), [((2023, 2024), True), ((2022, 2023, 2024), False),
                                            ((2021, 2023, 2024), True)])
def test_not_more_than_three_consecutive_years(served: tuple[int, ...], ok: bool) -> None:
    experts = {e.id: e for e in (expert(i, served=served) for i in range(1, 4))}
    if ok:
        d.check_rotation(list(experts), ["E001"], experts, 2025)
    else:
        with pytest.raises(RuleError) as exc:
            d.check_rotation(list(experts), ["E001"], experts, 2025)
        assert exc.value.code == "draw_consecutive" and exc.value.params["years"] == 3


def test_reappointing_someone_not_on_last_years_committee_is_refused() -> None:
    experts = {e.id: e for e in (expert(i) for i in range(1, 4))}
    with pytest.raises(RuleError) as exc:
        d.check_rotation(["E001", "E002"], ["E003"], experts, 2025)
    assert exc.value.code == "draw_reappoint_not_last_year"


def test_exclusions_title_years_credit_last_year_conflict() -> None:
    pool = [expert(1, since=2023), expert(2, since=2024), expert(3, served=(2024,)), expert(4),
            expert(5, employer="青川建工集团有限责任公司"), expert(6, served=(2022, 2023, 2024)), expert(7)]
    out = d.exclusions(pool, year=2025, last_year=["E003", "E006"], barred={"E004": "XY-2025-001"},
                       panel_employers={"P-JZ": [("A003", "青川建工集团有限公司")]},
                       seats=[d.Seats("建筑工程", 1, "P-JZ")])
    assert [(x.expert, x.reason) for x in out] == [("E002", "title_years"), ("E003", "last_year"),
                                                   ("E004", "credit"), ("E005", "conflict"), ("E006", "consecutive")]
    # 2023 → 2025 is two years: held long enough (000 第十三条(二))


def test_a_conflict_in_another_panel_does_not_exclude() -> None:
    out = d.exclusions([expert(5, "机电工程", employer="青川建工集团有限公司")], year=2025, last_year=[], barred={},
                       panel_employers={"P-JZ": [("A003", "青川建工集团有限公司")]},
                       seats=[d.Seats("建筑工程", 1, "P-JZ"), d.Seats("机电工程", 1, "P-JD")])
    assert out == []


@pytest.mark.parametrize(("expert_employer", "aliases", "applicant_employer", "hit"), [
    ("青川建工集团有限公司", (), "青川建工集团有限责任公司", True),
    ("青川精工装备制造股份有限公司", (), "青川精工装备制造有限公司", True),
    ("青川重型机械有限责任公司", ("青川重机",), "青川重机", True),
    ("青川市恒泰建设工程有限责任公司", ("恒泰建设工程",), "青川市恒泰建设工程有限公司", True),
    ("青川市恒泰建设工程有限公司", (), "青川市恒泰建设工程有限公司 ", True),
    ("ＱＣ建工有限公司", (), "QC建工有限公司", True),  # full-width letters (NFKC)
    ("青川建工集团有限公司", (), "青川市建设工程质量检测中心", False),
    ("青川水务集团有限公司", (), "青川市热力有限公司", False),
    ("青川公司", (), "青川市公交公司", False),  # a core under 4 characters is not matched inside another name
])
def test_employer_variants(expert_employer: str, aliases: tuple[str, ...], applicant_employer: str, hit: bool) -> None:
    found = d.employer_conflicts([("E001", expert_employer, aliases)], [("A001", applicant_employer)])
    assert bool(found) is hit


@pytest.mark.parametrize(("total", "ratio", "code"), [(16, 3, "draw_total_even"), (17, 2, "draw_ratio_low")])
def test_plan_numbers(total: int, ratio: int, code: str) -> None:
    with pytest.raises(RuleError) as exc:
        d.check_plan([d.Seats("建筑工程", total, "P-JZ")], ratio)
    assert exc.value.code == code
    d.check_plan([d.Seats("建筑工程", 17, "P-JZ")], 3)


@pytest.mark.parametrize(("vices", "code"), [([], "draw_vice_chair_count"), (["B", "C", "D", "E"], "draw_vice_chair_count"),
                                             (["B", "B"], "draw_vice_chair_count"), (["A"], "draw_chair_is_vice"),
                                             (["Z"], "draw_designation_not_member")])
def test_designations(vices: list[str], code: str) -> None:
    with pytest.raises(RuleError) as exc:
        d.check_designations(["A", "B", "C", "D", "E"], "A", vices)
    assert exc.value.code == code
    d.check_designations(["A", "B", "C", "D", "E"], "A", ["B", "C", "D"])


@pytest.mark.parametrize(("typed", "seed"), [("2025 1120 36", "2025112036"), ("３１４１５９", "314159"),
                                             ("3-1-4-1-5-9", "314159")])
def test_seed_normalised(typed: str, seed: str) -> None:
    assert d.normalise_seed(typed) == seed


@pytest.mark.parametrize("typed", ["12345", "31415a", "", "1" * 65])
def test_seed_refused(typed: str) -> None:
    with pytest.raises(RuleError):
        d.normalise_seed(typed)


def test_blind_material_check_finds_the_region() -> None:
    found = blind_findings("梁健", "青川市恒泰建设工程有限公司", {"work_summary": "本人在西岭区负责道路改造。"},
                           region="西岭区")
    assert [(f.kind, f.term) for f in found] == [("region", "西岭区")]
    assert blind_findings("梁健", "青川市恒泰建设工程有限公司", {"work_summary": "本人在西岭区负责道路改造。"}) == []


@pytest.mark.parametrize(("mid", "total", "ok"), [(5, 17, True), (6, 17, False), (3, 9, True), (4, 11, False),
                                                  (0, 1, True), (1, 1, False)])
def test_intermediate_reviewers_at_most_one_third_of_the_committee(mid: int, total: int, ok: bool) -> None:
    """The 1/3 cap on the members as drawn (reappointments included): 5 of 17 is the most (3·5 = 15 ≤ 17)."""
    levels = [TitleLevel.INTERMEDIATE] * mid + [TitleLevel.ASSOCIATE_SENIOR] * (total - mid)
    if ok:
        d.check_intermediate_share(levels, total)
    else:
        with pytest.raises(RuleError) as exc:
            d.check_intermediate_share(levels, total)
        assert exc.value.code == "draw_intermediate_share" and exc.value.params == {"count": mid, "total": total}


def test_reviewer_numbers_chair_vice_chairs_then_by_seat_and_pool_id() -> None:
    seats = [d.Seats("建筑工程", 3, "P-JZ"), d.Seats("交通运输工程", 2, "P-JT")]
    members = [("E009", "建筑工程", "member"), ("E030", "交通运输工程", "vice_chair"), ("E002", "交通运输工程", "member"),
               ("E050", "建筑工程", "chair"), ("E001", "建筑工程", "member")]
    assert d.reviewer_numbers(members, seats) == {"E050": "R01", "E030": "R02", "E001": "R03", "E009": "R04",
                                                  "E002": "R05"}
    many = [(f"E{i:03d}", "建筑工程", "member") for i in range(1, 101)]
    numbers = d.reviewer_numbers(many, [d.Seats("建筑工程", 100, "P-JZ")])
    assert numbers["E001"] == "R001" and numbers["E100"] == "R100"  # three digits from 100 members
