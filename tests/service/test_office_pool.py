"""The office before the room (issue 11): the pool, the draw and its record, conflicts found at pack, the
credit record, the review plan. Every refusal names its rule and source and writes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tooling import require_tool
from zc_review.cli.office_pool import DEMO_SEED
from zc_review.seal.pki import load_office_keys
from zc_review.service.errors import ServiceError
from zc_review.service.office import credit, drawcheck, drawing
from zc_review.service.office import pool as P
from zc_review.service.office.register_checks import DRAW_RECORDS

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
SEED = DEMO_SEED


def calls() -> tuple[dict[str, tuple[str, str]], P.Designations]:
    return P.load_calls(DEMO / "pool" / "demo-calls.yaml")


def db(tmp: Path) -> str:
    """A new office archive (SQLite) in ``tmp``: its pool, credit record and past committees."""
    return f"sqlite:///{tmp / 'archive.db'}"


def designate(des: P.Designations, members: list[Any]) -> P.Designations:
    """The demo's designations when every one of them was drawn, else (another seed, a barred expert): the
    first three drawn as chair and vice-chairs, each panel's first two others as leader and vice-leader."""
    ids = [m.id for m in members]
    named = [des.chair, *des.vice_chairs, *(i for pair in des.panel_leaders.values() for i in pair)]
    if all(i in ids for i in named):
        return des
    leaders = {}
    for s in P.load_plan(DEMO / "session.yaml").seats:
        own = [m.id for m in members if m.specialty == s.specialty and m.id != ids[0]]
        leaders[s.panel] = (own[0], own[1])
    return P.Designations(ids[0], ids[1:3], leaders)


def run(tmp: Path, keys_dir: Path, *, session: Path = DEMO / "session.yaml", pool: Path = DEMO / "pool",
        seed: str = SEED, seed_again: str | None = None, archive_url: str | None = None,
        answers: dict[str, tuple[str, str]] | None = None, previous: list[Path] | None = None) -> drawing.DrawResult:
    got, des = calls()
    answers = answers or got
    return drawing.draw(pool_dir=pool, session_file=session, seed=seed, seed_again=seed_again, out_dir=tmp / "out",
                  keys=load_office_keys(keys_dir), answer=lambda eid, kind: answers[eid],
                  designate=lambda m: designate(des, m), archive_url=archive_url or db(tmp),
                  previous=previous or [])


@pytest.fixture(scope="module")
def office_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's own office keys: its official packs of the demo session must not supersede, in the shared
    register, the package the other modules' demo bundles answer."""
    from zc_review.service.office import keygen

    keys = tmp_path_factory.mktemp("pool-office") / "keys"
    keygen(keys, "青川市人力资源和社会保障局")
    return keys


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory, office_keys: Path) -> drawing.DrawResult:
    return run(tmp_path_factory.mktemp("draw"), office_keys)


def published_order(session: str, seed: str, specialty: str, round_no: int, ids: list[str]) -> list[str]:
    """docs/FORMATS.md "Draw record", written out independently of the code."""
    def key(i: str) -> str:
        return hashlib.sha256(f"zc-review-draw-v1\n{session}\n{seed}\n{specialty}\n{round_no}\n{i}".encode()).hexdigest()
    return sorted(ids, key=lambda i: (key(i), i))


def copy_input(tmp: Path) -> Path:
    """data/demo with its session.yaml, panels.yaml and applicants, without the hand-written committee."""
    dst = tmp / "input"
    shutil.copytree(DEMO, dst, ignore=shutil.ignore_patterns("pool"))
    return dst


# -- the pool ---------------------------------------------------------------------------------------------------

def test_the_demo_pool_is_three_times_the_committee() -> None:
    pool = P.load_pool(DEMO / "pool")
    committee = yaml.safe_load((DEMO / "committee.yaml").read_text("utf-8"))["reviewers"]
    assert len(pool.experts) >= 3 * len(committee)
    for specialty in {r["specialty"] for r in committee}:
        seats = sum(1 for r in committee if r["specialty"] == specialty)
        assert sum(1 for e in pool.experts if e.specialty == specialty) >= 3 * seats
    employers = [e.employer for e in pool.experts]
    assert any(x.endswith("有限责任公司") for x in employers) and any(x.endswith("有限公司") for x in employers)
    assert any(e.employer_aliases for e in pool.experts)


def _pool_copy(tmp: Path, edit: Any) -> Path:
    dst = tmp / "pool"
    dst.mkdir()
    raw = yaml.safe_load((DEMO / "pool" / "pool.yaml").read_text("utf-8"))
    edit(raw)
    (dst / "pool.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return dst


@pytest.mark.parametrize(("edit", "words"), [
    (lambda raw: raw["experts"].append(copy.deepcopy(raw["experts"][3])), "专家编号 \"E004\" 重复"),
    (lambda raw: raw["experts"].append(dict(copy.deepcopy(raw["experts"][3]), id="E999", employer="青川市建设工程质量安全监督站 ")),
     "在同一单位重复列出"),
    (lambda raw: raw["experts"][0].update(title_level="senior"), "experts[0].title_level"),
])
def test_a_bad_pool_is_refused_in_chinese(tmp_path: Path, office_keys: Path, edit: Any, words: str) -> None:
    pool = _pool_copy(tmp_path, edit)
    with pytest.raises(ServiceError) as exc:
        run(tmp_path, office_keys, pool=pool)
    assert exc.value.code == "pool_invalid" and words in exc.value.message
    assert not (tmp_path / "out").exists()


def test_a_pool_too_small_for_the_ratio(tmp_path: Path, office_keys: Path) -> None:
    pool = _pool_copy(tmp_path, lambda raw: raw.update(
        experts=[e for e in raw["experts"] if e["specialty"] != "机电工程" or int(e["id"][1:]) < 45]))
    with pytest.raises(ServiceError) as exc:
        run(tmp_path, office_keys, pool=pool)
    assert exc.value.code == "draw_pool_too_small"
    assert "机电工程" in exc.value.message and "1:3" in exc.value.message and "000 第十一条" in exc.value.message
    assert not (tmp_path / "out").exists()


# -- the draw and its record -----------------------------------------------------------------------------------

def test_the_draw_follows_the_published_algorithm(drawn: drawing.DrawResult) -> None:
    body = drawn.record["body"]
    assert body["seed"] == SEED and len(body["members"]) == 17
    for r in body["rounds"]:
        want = published_order(body["session_id"], SEED, r["specialty"], r["round"], r["eligible"])
        assert [x["expert"] for x in r["drawn"]] == want[: 3 * r["needed"]]
    # the first call of each specialty after the reappointments is the first in drawn order
    first_calls = [e for e in body["events"] if e["kind"] == "call"]
    assert first_calls[0]["expert"] == body["rounds"][0]["drawn"][0]["expert"]
    committee = yaml.safe_load(drawn.committee_path.read_text("utf-8"))
    numbers = {m["expert"]: m["reviewer"] for m in body["members"]}
    assert [r["id"] for r in committee["reviewers"]] == [f"R{i:02d}" for i in range(1, 18)] == sorted(numbers.values())
    pool = P.load_pool(DEMO / "pool")
    assert [r["name"] for r in committee["reviewers"]] == [pool.expert(e).name for e in sorted(numbers, key=numbers.get)]
    assert [r["committee_role"] for r in committee["reviewers"]][:3] == ["chair", "vice_chair", "vice_chair"]


def test_the_record_reproduces(drawn: drawing.DrawResult, office_keys: Path) -> None:
    root = load_office_keys(office_keys).root_cert
    chk = drawcheck.verify_draw(drawn.record_path, root, pool_dir=DEMO / "pool", session_file=DEMO / "session.yaml",
                        archive_url=db(drawn.record_path.parent))
    assert chk.ok, chk.problems
    assert len(chk.lines) == 3


def test_the_same_seed_draws_the_same_committee(tmp_path: Path, drawn: drawing.DrawResult, office_keys: Path) -> None:
    again = run(tmp_path, office_keys)
    assert again.record["body"]["members"] == drawn.record["body"]["members"]
    other = run(tmp_path / "b", office_keys, seed="2025112037")
    assert other.record["body"]["members"] != drawn.record["body"]["members"]


@pytest.mark.parametrize("where", ["seed", "key", "answer", "byte"])
def test_a_record_edited_by_one_byte_is_refused(tmp_path: Path, drawn: drawing.DrawResult, office_keys: Path,
                                                where: str) -> None:
    data = bytearray(drawn.record_path.read_bytes())
    text = data.decode("utf-8")
    if where == "seed":
        i = text.index(f'"seed": "{SEED}"') + len('"seed": "') + 9
    elif where == "key":
        i = text.index('"key": "') + len('"key": "')
    elif where == "answer":
        i = text.index('"answer": "refused"') + len('"answer": "')  # refused → sefused
    else:
        i = len(data) // 2
    data[i] = ord("7") if data[i] != ord("7") else ord("8")
    bad = tmp_path / "edited.json"
    bad.write_bytes(bytes(data))
    with pytest.raises(ServiceError) as exc:
        drawcheck.verify_draw(bad, load_office_keys(office_keys).root_cert)
    assert exc.value.code == "draw_record_tampered" and "不予采信" in exc.value.message


def test_a_signed_record_whose_draw_is_not_the_algorithms_is_caught(tmp_path: Path, drawn: drawing.DrawResult,
                                                                      office_keys: Path) -> None:
    """The office itself re-signing a draw it arranged: the signatures hold, the replay does not."""
    from zc_review.seal.drawsign import issue_signers, sign_record

    keys = load_office_keys(office_keys)
    body = json.loads(json.dumps(drawn.record["body"]))
    r = body["rounds"][0]
    r["drawn"][0], r["drawn"][1] = r["drawn"][1], r["drawn"][0]  # the second pre-drawn called first
    body["signers"], private = issue_signers(keys, [("staff", "S02", "范家豪"), ("supervisor", "S01", "孟嘉怡")],
                                             dt.datetime.now(dt.UTC))
    rec = {"format": P.FORMAT, "version": P.VERSION} | sign_record(body, private, keys)
    path = tmp_path / "arranged.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    chk = drawcheck.verify_draw(path, keys.root_cert)
    assert not chk.ok and any("预抽取的顺序" in p for p in chk.problems)


def test_a_signed_record_whose_reviewer_numbers_are_not_the_rules_is_caught(tmp_path: Path, drawn: drawing.DrawResult,
                                                                             office_keys: Path) -> None:
    """Reviewer numbers follow the published rule (chair, vice-chairs, others; by seat, then pool id): a record
    re-signed with two members' numbers exchanged replays to a difference."""
    from zc_review.seal.drawsign import issue_signers, sign_record

    keys = load_office_keys(office_keys)
    body = json.loads(json.dumps(drawn.record["body"]))
    m = [x for x in body["members"] if x["committee_role"] == "member"]
    m[0]["reviewer"], m[1]["reviewer"] = m[1]["reviewer"], m[0]["reviewer"]
    body["signers"], private = issue_signers(keys, [("staff", "S02", "范家豪"), ("supervisor", "S01", "孟嘉怡")],
                                             dt.datetime.now(dt.UTC))
    path = tmp_path / "renumbered.json"
    path.write_text(json.dumps({"format": P.FORMAT, "version": P.VERSION} | sign_record(body, private, keys),
                               ensure_ascii=False), "utf-8")
    chk = drawcheck.verify_draw(path, keys.root_cert)
    assert not chk.ok and any("评委编号" in p for p in chk.problems)
    assert drawcheck.verify_draw(drawn.record_path, keys.root_cert).ok


def test_a_record_signed_by_another_office_is_refused(tmp_path: Path, drawn: drawing.DrawResult) -> None:
    from zc_review.service.office import keygen

    keygen(tmp_path / "other", "另一个组建单位")
    with pytest.raises(ServiceError) as exc:
        drawcheck.verify_draw(drawn.record_path, load_office_keys(tmp_path / "other").root_cert)
    assert exc.value.code == "draw_record_tampered"


def test_a_seed_typed_twice_differently(tmp_path: Path, office_keys: Path) -> None:
    with pytest.raises(ServiceError) as exc:
        run(tmp_path, office_keys, seed=SEED, seed_again=SEED[:-2] + SEED[-1] + SEED[-2])
    assert exc.value.code == "draw_seed_mismatch" and "不一致" in exc.value.message
    assert not (tmp_path / "out").exists()
    spaced = f"{SEED[:4]} {SEED[4:8]} {SEED[8:]}"
    assert run(tmp_path, office_keys, seed=spaced, seed_again=SEED).record["body"]["seed"] == SEED


def _session_copy(tmp: Path, edit: Any) -> Path:
    dst = copy_input(tmp)
    raw = yaml.safe_load((dst / "session.yaml").read_text("utf-8"))
    edit(raw["draw"])
    (dst / "session.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return dst / "session.yaml"


@pytest.mark.parametrize(("edit", "code", "source"), [
    (lambda p: p.update(reappoint=[f"E{i:03d}" for i in (1, 2, 3, 5, 6, 10, 11, 14, 20, 30, 37, 44)]),
     "draw_reappoint_too_many", "第二十六条(一)1"),  # 12 of last year's 17: the limit is 11
    (lambda p: p["reappoint"].append("E023"), "draw_consecutive", "第二十六条(一)1"),  # 2022–2024
    (lambda p: p["reappoint"].append("E004"), "draw_reappoint_not_last_year", "第二十六条(一)1"),  # sat out 2024
    (lambda p: p["seats"][0].update(count=8), "draw_total_even", "第十四条"),
    (lambda p: p.update(ratio=2), "draw_ratio_low", "第二十六条(一)2"),
    (lambda p: p["staff"][1].update(role="supervisor"), "draw_staff_roles", "RULES.md §1"),
])
def test_a_plan_that_breaks_rotation_or_composition(tmp_path: Path, office_keys: Path, edit: Any, code: str,
                                                     source: str) -> None:
    session = _session_copy(tmp_path, edit)
    with pytest.raises(ServiceError) as exc:
        run(tmp_path, office_keys, session=session)
    assert exc.value.code == code and source in exc.value.message
    assert not (tmp_path / "out").exists()


def test_eleven_of_seventeen_reappointed_is_allowed(tmp_path: Path, office_keys: Path) -> None:
    """The edge of 2/3: last year's committee had 17, ⌊2/3 × 17⌋ = 11 may be proposed (12 are refused above)."""
    session = _session_copy(tmp_path, lambda p: p.update(
        reappoint=[f"E{i:03d}" for i in (1, 2, 3, 5, 6, 10, 11, 14, 20, 30, 37)]))
    res = run(tmp_path, office_keys, session=session)
    assert sum(1 for m in res.record["body"]["members"] if m["how"] == "reappointed") == 10  # E020 declines


@pytest.mark.parametrize(("reappoint", "code"), [(12, "draw_reappoint_too_many"), (0, "draw_consecutive")])
def test_a_previous_record_counts_for_rotation(tmp_path: Path, drawn: drawing.DrawResult, office_keys: Path,
                                               reappoint: int, code: str) -> None:
    """In 2026, the 2025 record is last year's committee: 12 of its 17 reappointed is over 2/3 (limit 11), and
    E001 (2023, 2024 in the pool, 2025 in the record) has sat three years in a row."""
    members = [m["expert"] for m in drawn.record["body"]["members"]]
    session = _session_copy(tmp_path, lambda p: p.update(reappoint=members[:reappoint] if reappoint else ["E001"]))
    raw = yaml.safe_load(session.read_text("utf-8"))
    raw["year"] = 2026
    session.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    with pytest.raises(ServiceError) as exc:
        run(tmp_path, office_keys, session=session, previous=[drawn.record_path])
    assert exc.value.code == code
    if reappoint:
        assert "最多 11 人" in exc.value.message


def test_a_barred_expert_is_never_drawn(tmp_path: Path, drawn: drawing.DrawResult, office_keys: Path) -> None:
    first = next(m["expert"] for m in drawn.record["body"]["members"] if m["how"] == "drawn")
    e = P.load_pool(DEMO / "pool").expert(first)
    path = db(tmp_path)
    credit.add(path, kind="expert", name=e.name, employer=e.employer, person_id=e.id, source="青人社通报〔2025〕3号",
               start="2025-03-01", reason="评审中违反纪律")
    res = run(tmp_path, office_keys, archive_url=path)
    assert first not in [m["expert"] for m in res.record["body"]["members"]]
    assert {"expert": first, "reason": "credit", "detail": "XY-2025-001"} in res.record["body"]["excluded"]
    credit.add(path, kind="expert", name="崔丽娟", employer="青川市建筑设计研究院有限公司", source="通报",
               start="2025-03-02", reason="违规")
    with pytest.raises(ServiceError) as exc:  # E001, proposed for reappointment
        run(tmp_path / "b", office_keys, archive_url=path)
    assert exc.value.code == "credit_expert_barred" and "XY-2025-002" in exc.value.message


# -- credit -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "fraud", "until"), [("expert", False, None), ("applicant", False, "2028-03-01"),
                                                      ("applicant", True, "2030-03-01"), ("staff", False, "2028-03-01"),
                                                      ("staff", True, "2028-03-01")])
def test_credit_periods(tmp_path: Path, kind: str, fraud: bool, until: str | None) -> None:
    e = credit.add(db(tmp_path), kind=kind, name="张三", employer="某单位", source="通报", start="2025-03-01",
                   reason="事由", fraud=fraud)
    assert e.until == until
    assert e.active_on(dt.date(2025, 3, 1)) and not e.active_on(dt.date(2025, 2, 28))
    if until:
        last = dt.date.fromisoformat(until) - dt.timedelta(days=1)
        assert e.active_on(last) and not e.active_on(dt.date.fromisoformat(until))
    else:
        assert e.active_on(dt.date(2099, 1, 1))


def test_a_leap_day_start() -> None:
    assert credit.period_end("applicant", dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)


def test_credit_export_is_a_chinese_csv(tmp_path: Path) -> None:
    path = db(tmp_path)
    credit.add(path, kind="applicant", name="李四", employer="青川某公司", source="核查结论", start="2025-01-02",
               reason="申报材料不实", fraud=True)
    text = credit.export_csv(credit.load(path)).decode("utf-8-sig").splitlines()
    assert text[0].startswith("编号,对象,姓名") and "申报人" in text[1] and "2030-01-02" in text[1]


def test_an_unreachable_credit_archive_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as exc:
        credit.load(f"sqlite:///{tmp_path}")  # a folder, not a database file
    assert exc.value.code == "archive_unreachable" and "档案库" in exc.value.message


# -- at pack: the draw record, conflicts found, credit -------------------------------------------------------------

@pytest.fixture(scope="module")
def drawn_input(tmp_path_factory: pytest.TempPathFactory, drawn: drawing.DrawResult) -> Path:
    """A small office input for the drawn committee: its committee.yaml and panels.yaml, 7 applicants."""
    dst = copy_input(tmp_path_factory.mktemp("drawn-input"))
    (dst / "conflicts.yaml").unlink()
    for f in ("committee.yaml", "panels.yaml"):
        shutil.copy(drawn.record_path.parent / f, dst / f)
    for a in (dst / "applicants").iterdir():
        if a.name not in ("A001", "A002", "A003", "A015", "A016", "A025", "A030"):
            shutil.rmtree(a)
    return dst


def _pack(input_dir: Path, out: Path, keys: Path, **kw: Any) -> Any:
    from zc_review.service.office import pack

    return pack(input_dir, out / "s.zcp", keys, fast_kdf=True, **kw)


def test_pack_finds_the_conflicts_and_refuses_them_undecided(tmp_path: Path, drawn_input: Path, drawn: drawing.DrawResult,
                                                             office_keys: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ServiceError) as exc:
        _pack(drawn_input, out, office_keys, draw_record=drawn.record_path, archive_url=db(tmp_path))
    assert exc.value.code == "conflict_undecided"
    assert "R06" in exc.value.message and "A003" in exc.value.message and "青川建工集团" in exc.value.message
    assert list(out.iterdir()) == []  # nothing written: not even the attachments log


def test_pack_with_decisions_records_both_and_ships_the_draw_record(tmp_path: Path, drawn_input: Path,
                                                                    drawn: drawing.DrawResult, office_keys: Path) -> None:
    from zc_review.seal.package import office_recover_package
    from zc_review.service.payload import parse_payload

    decisions = tmp_path / "decisions.yaml"
    decisions.write_text(yaml.safe_dump({"decided_by": "范家豪", "decisions": [
        {"reviewer": "R06", "applicant": "A003", "decision": "confirm"},
        {"reviewer": "R11", "applicant": "A015", "decision": "dismiss", "reason": "已调离该单位"}]},
        allow_unicode=True), "utf-8")
    res = _pack(drawn_input, tmp_path, office_keys, draw_record=drawn.record_path, conflict_decisions=decisions,
                archive_url=db(tmp_path))
    assert [(c.reviewer, c.applicant, c.decision) for c in res.conflicts] == [
        ("R06", "A003", "confirmed"), ("R11", "A015", "dismissed")]
    assert [(c.reviewer_id, c.applicant_id) for c in res.definition.conflicts] == [("R06", "A003")]
    log = json.loads((tmp_path / "s-conflicts.json").read_text("utf-8"))
    assert [h["decision"] for h in log["hits"]] == ["confirmed", "dismissed"]
    assert log["hits"][1]["reason"] == "已调离该单位" and log["hits"][1]["decided_by"] == "范家豪"
    payload = parse_payload(office_recover_package(res.package_path.read_bytes(), load_office_keys(office_keys)))
    assert payload.draw_record == drawn.record_path.read_bytes()
    # the pool stays in the office: an expert who was not drawn appears nowhere in the package
    drawn_ids = {m["expert"] for m in drawn.record["body"]["members"]}
    others = [e for e in P.load_pool(DEMO / "pool").experts if e.id not in drawn_ids]
    shipped = json.dumps(payload.session, ensure_ascii=False) + payload.draw_record.decode("utf-8")
    assert len(others) == 47 and not [e.name for e in others if e.name in shipped]
    # the official package's committee is filed in the archive, for the rotation of later draws
    from zc_review.service.office.pool_archive import past_committees

    assert [r["body"]["session_id"] for r in past_committees(db(tmp_path), "青川市工程系列中级职称评审委员会", 2026)] == [
        "QC-GC-ZJ-2025"]
    filed = office_keys / DRAW_RECORDS
    assert (filed / f"{res.package_id}.json").read_bytes() == drawn.record_path.read_bytes()
    # a package re-issued by office recover keeps its draw record, filed under the new id too
    from zc_review.service.office import recover

    again = recover(res.package_path, office_keys, tmp_path / "again.zcp")
    assert (filed / f"{again.package_id}.json").read_bytes() == drawn.record_path.read_bytes()


def test_a_dismissal_needs_a_reason(tmp_path: Path, drawn_input: Path, office_keys: Path) -> None:
    decisions = tmp_path / "d.yaml"
    decisions.write_text(yaml.safe_dump({"decided_by": "范家豪", "decisions": [
        {"reviewer": "R06", "applicant": "A003", "decision": "dismiss"},
        {"reviewer": "R11", "applicant": "A015", "decision": "confirm"}]}, allow_unicode=True), "utf-8")
    with pytest.raises(ServiceError) as exc:
        _pack(drawn_input, tmp_path, office_keys, conflict_decisions=decisions, archive_url=db(tmp_path))
    assert exc.value.code == "conflict_dismiss_no_reason"
    assert not (tmp_path / "s.zcp").exists()


def test_a_committee_that_is_not_the_drawn_one_is_refused(tmp_path: Path, drawn_input: Path, drawn: drawing.DrawResult,
                                                          office_keys: Path) -> None:
    bad = tmp_path / "input"
    shutil.copytree(drawn_input, bad)
    text = (bad / "committee.yaml").read_text("utf-8").replace("committee_role: chair", "committee_role: member", 1)
    text = text.replace("committee_role: vice_chair", "committee_role: chair", 1)
    (bad / "committee.yaml").write_text(text, "utf-8")
    with pytest.raises(ServiceError) as exc:
        _pack(bad, tmp_path, office_keys, draw_record=drawn.record_path, archive_url=db(tmp_path))
    assert exc.value.code == "draw_record_members"
    assert not (tmp_path / "s.zcp").exists()


@pytest.mark.parametrize(("kind", "name", "employer", "code"), [
    ("applicant", "梁健", "青川市恒泰建设工程有限责任公司", "credit_applicant_barred"),  # A001, employer spelt otherwise
    ("staff", "孟嘉怡", "青川市人力资源和社会保障局", "credit_staff_barred"),
    ("expert", "崔丽娟", "青川市建筑设计研究院有限公司", "credit_expert_barred"),
])
def test_pack_refuses_the_barred(tmp_path: Path, kind: str, name: str, employer: str, code: str,
                                 office_keys: Path) -> None:
    path = db(tmp_path)
    today = dt.date.today()
    e = credit.add(path, kind=kind, name=name, employer=employer, source="通报", start=today.isoformat(), reason="违规")
    with pytest.raises(ServiceError) as exc:
        _pack(DEMO, tmp_path, office_keys, archive_url=path)
    assert exc.value.code == code and e.ref in exc.value.message
    assert not (tmp_path / "s.zcp").exists()


def test_an_expired_applicant_entry_does_not_bar(tmp_path: Path) -> None:
    path = db(tmp_path)
    credit.add(path, kind="applicant", name="梁健", employer="青川市恒泰建设工程有限公司", source="通报",
               start="2021-01-01", reason="承诺不实")
    assert credit.find_bar(credit.load(path), "applicant", dt.date(2023, 12, 31), "梁健", "青川市恒泰建设工程有限公司")
    assert not credit.find_bar(credit.load(path), "applicant", dt.date(2024, 1, 1), "梁健", "青川市恒泰建设工程有限公司")


# -- the review plan ------------------------------------------------------------------------------------------------

def test_the_review_plan_pdf(tmp_path: Path, drawn: drawing.DrawResult, office_keys: Path) -> None:
    require_tool("pdftotext")
    from zc_review.service.office.review_plan import write_review_plan

    pdf = write_review_plan(DEMO / "session.yaml", drawn.record_path, tmp_path / "plan.pdf",
                            load_office_keys(office_keys).root_cert)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    flat = "".join(text.split())
    assert "2025年度青川市工程系列中级职称评审委员会评审实施方案" in flat
    assert "1:3" in flat and SEED in flat and "投诉举报渠道" in flat and "建筑工程评议组" in flat
    for name in ("崔丽娟", "龙倩", "姚立新"):  # no reviewer is named (000 第二十七条)
        assert name not in flat


# -- the command line ---------------------------------------------------------------------------------------------------

def test_cli_draw_verify_and_credit(tmp_path: Path, office_keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main

    out = tmp_path / "out"
    args = ["office", "draw", "--pool", str(DEMO / "pool"), "--session", str(DEMO / "session.yaml"), "--seed", SEED,
            "--out", str(out), "--keys", str(office_keys), "--calls", str(DEMO / "pool" / "demo-calls.yaml"),
            "--db", db(tmp_path)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"随机种子：{SEED}" in printed and "抽取完成：评审专家 17 人" in printed
    assert main(["office", "draw", "--verify", str(out / "draw-record.json"), "--keys", str(office_keys),
                 "--pool", str(DEMO / "pool"), "--session", str(DEMO / "session.yaml"),
                 "--db", db(tmp_path)]) == 0
    assert "抽取记录核验通过" in capsys.readouterr().out
    assert main([*args[:-4], "--seed-again", "2025112063", "--calls", str(DEMO / "pool" / "demo-calls.yaml")]) == 2
    assert "不一致" in capsys.readouterr().err
    assert main(["office", "credit", "add", "--db", db(tmp_path), "--kind", "staff", "--name", "王五",
                 "--reason", "泄露评审信息", "--source", "纪检通报", "--start", "2025-05-01"]) == 0
    assert "XY-2025-001" in capsys.readouterr().out
    assert main(["office", "credit", "export", "--db", db(tmp_path), "--out",
                 str(tmp_path / "c.csv")]) == 0
    assert "王五" in (tmp_path / "c.csv").read_text("utf-8-sig")
    assert main(["office", "credit", "add", "--db", db(tmp_path), "--kind", "staff", "--name", "王五",
                 "--reason", "x", "--source", "y", "--start", "2025-13-01"]) == 2
    assert "日期" in capsys.readouterr().err


def test_cli_draw_at_the_terminal(tmp_path: Path, office_keys: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """What the staff type: the seed twice, then 1/2/3 and a note per call, then the designations."""
    from zc_review.cli import main

    sheet, des = calls()
    prompts: list[str] = []
    typed = iter([f"{SEED[:4]} {SEED[4:8]} {SEED[8:]}", SEED])

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        if "随机种子" in prompt:
            return next(typed)
        if "电话确认结果" in prompt:
            eid = next(e.id for e in P.load_pool(DEMO / "pool").experts if f"：{e.name}，" in prompt)
            return {"confirmed": "1", "refused": "2", "unreachable": "3"}[sheet[eid][0]]
        if "备注" in prompt:
            return ""
        if "副主任委员" in prompt:
            return " ".join(des.vice_chairs)
        if "主任委员" in prompt:
            return des.chair
        panel = next(p for p in des.panel_leaders if p in prompt)
        return " ".join(des.panel_leaders[panel])

    monkeypatch.setattr("builtins.input", fake_input)
    assert main(["office", "draw", "--pool", str(DEMO / "pool"), "--session", str(DEMO / "session.yaml"),
                 "--out", str(tmp_path / "out"), "--keys", str(office_keys), "--db", db(tmp_path)]) == 0
    assert sum("电话确认结果" in p for p in prompts) == 20 and prompts[0].startswith("请输入随机种子")
    rec = json.loads((tmp_path / "out" / "draw-record.json").read_text("utf-8"))
    assert rec["body"]["seed"] == SEED and len(rec["body"]["members"]) == 17
    capsys.readouterr()
    monkeypatch.setattr("builtins.input", lambda prompt: (_ for _ in ()).throw(EOFError))
    assert main(["office", "draw", "--pool", str(DEMO / "pool"), "--session", str(DEMO / "session.yaml"),
                 "--out", str(tmp_path / "out2"), "--keys", str(office_keys)]) == 2
    assert "输入已结束" in capsys.readouterr().err and not (tmp_path / "out2").exists()


def test_cli_pack_asks_each_conflict_at_the_terminal(tmp_path: Path, drawn_input: Path, drawn: drawing.DrawResult,
                                                     office_keys: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.cli import main

    answers = iter(["范家豪", "y", "n", "已调离该单位"])
    prompts: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or next(answers))
    assert main(["office", "pack", str(drawn_input), "--out", str(tmp_path / "s.zcp"), "--keys", str(office_keys),
                 "--fast-kdf", "--draw-record", str(drawn.record_path), "--db", db(tmp_path)]) == 0
    assert "确认人" in prompts[0] and "R06" in prompts[1] and "R11" in prompts[2]
    out = capsys.readouterr().out
    assert "确认回避：R06" in out and "排除：R11" in out and "已调离该单位" in out
    log = json.loads((tmp_path / "s-conflicts.json").read_text("utf-8"))
    assert [(h["decision"], h["decided_by"]) for h in log["hits"]] == [("confirmed", "范家豪"), ("dismissed", "范家豪")]
