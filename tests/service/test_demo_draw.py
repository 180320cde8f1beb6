"""``make demo`` starts from the pool (issue 11): the demo committee is drawn with the printed seed, the
committed data/demo/committee.yaml and panels.yaml are that draw's output byte for byte, and the package is
built from the drawn committee with the conflicts found at pack confirmed, to the same session the demo
script is written for. Source: 000 第二十六条(一)1–4, 第四十条(三)3; docs/DESIGN.md "The demo starts from the pool".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zc_review.cli.office_pool import DEMO_SEED, DRAWN_FILES, preliminary_draw
from zc_review.domain.codec import definition_to_dict
from zc_review.seal.pki import load_office_keys
from zc_review.service.errors import ServiceError
from zc_review.service.office import drawcheck, drawing
from zc_review.service.office import pool as P

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def office_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's own office keys (its official pack must not supersede the shared demo package)."""
    from zc_review.service.office import keygen

    keys = tmp_path_factory.mktemp("demo-draw-office") / "keys"
    keygen(keys, "青川市人力资源和社会保障局")
    return keys


def test_redrawing_with_the_printed_seed_gives_the_committed_committee(tmp_path: Path, office_keys: Path) -> None:
    """data/demo/committee.yaml and panels.yaml are not typed: the draw with DEMO_SEED, the pool and the demo
    call sheet writes them, byte for byte (another office's keys, another day: the same bytes)."""
    answers, des = P.load_calls(DEMO / "pool" / "demo-calls.yaml")
    res = drawing.draw(pool_dir=DEMO / "pool", session_file=DEMO / "session.yaml", seed=DEMO_SEED,
                       seed_again=DEMO_SEED, out_dir=tmp_path, keys=load_office_keys(office_keys),
                       answer=lambda eid, kind: answers[eid], designate=lambda m: des,
                       archive_url=f"sqlite:///{tmp_path / 'archive.db'}")
    for name in DRAWN_FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
    body = res.record["body"]
    # the draw has substitutes: three pre-drawn decline or cannot be reached, the next pre-drawn is called
    assert [(e["expert"], e["answer"]) for e in body["events"] if e["answer"] != "confirmed"] == [
        ("E031", "refused"), ("E047", "refused"), ("E056", "unreachable")]
    assert {m["reviewer"]: m["expert"] for m in body["members"]} == {f"R{i:02d}": f"E{i:03d}" for i in range(1, 18)}


def test_the_demo_packs_the_drawn_committee_with_the_conflicts_confirmed(
        tmp_path: Path, office_keys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zc_review.service.office import pack
    from zc_review.service.office.input import load_office_input

    url = f"sqlite:///{tmp_path / 'office-archive.db'}"
    drawn = preliminary_draw(DEMO, tmp_path, office_keys, url)
    assert drawn is not None
    printed = capsys.readouterr().out
    assert f"随机种子 {DEMO_SEED}" in printed and "结果一致" in printed
    assert "抽取记录指纹（SHA-256）：" in printed and str(drawn.plan_pdf) in printed
    assert drawn.plan_pdf.read_bytes().startswith(b"%PDF-")
    assert drawcheck.verify_draw(drawn.record_path, load_office_keys(office_keys).root_cert).ok
    assert (drawn.input_dir / "conflicts.yaml").read_text("utf-8").endswith("conflicts: []\n")
    res = pack(drawn.input_dir, tmp_path / "s.zcp", office_keys, fast_kdf=True, draw_record=drawn.record_path,
               conflict_decisions=drawn.decisions, archive_url=url)
    assert [(c.reviewer, c.applicant, c.decision, c.decided_by) for c in res.conflicts] == [
        ("R06", "A003", "confirmed", "范家豪"), ("R11", "A015", "confirmed", "范家豪")]
    # the session packed from the draw is the one data/demo describes, which the demo script is written for
    committed, _ = load_office_input(DEMO)
    assert definition_to_dict(res.definition) == definition_to_dict(committed)


def test_a_committed_committee_that_is_not_the_draws_refuses_the_demo(tmp_path: Path, office_keys: Path) -> None:
    src = tmp_path / "demo"
    shutil.copytree(DEMO, src)
    text = (src / "committee.yaml").read_text("utf-8")
    (src / "committee.yaml").write_text(text.replace("name: 陆建国", "name: 陆建华"), "utf-8")
    with pytest.raises(ServiceError) as exc:
        preliminary_draw(src, tmp_path / "out", office_keys, f"sqlite:///{tmp_path / 'a.db'}")
    assert exc.value.code == "demo_draw_differs" and "committee.yaml" in exc.value.message
    assert not (tmp_path / "out" / "input").exists()  # nothing to pack from


@pytest.mark.parametrize(("reviewer", "employer", "aliases", "applicant", "form"), [
    ("R07", "青川市恒泰建设工程有限责任公司", (), "A001", "青川市恒泰建设工程"),  # 有限责任公司 / 有限公司
    ("R09", "青川理工学院机械工程学院", ("恒泰建设工程",), "A001", "恒泰建设工程"),  # an abbreviation the pool gives
])
def test_pack_detects_employer_variants_and_the_pools_abbreviations(reviewer: str, employer: str,
                                                                     aliases: tuple[str, ...], applicant: str,
                                                                     form: str) -> None:
    """At pack, the committee is compared with every applicant: the employer's legal-form suffix does not hide
    a conflict, and neither does an abbreviation the pool lists for the reviewer's employer (read from the
    draw record's ``employer_aliases``). Source: 000 第四十条(二)4."""
    import dataclasses

    from zc_review.service.office import conflicts
    from zc_review.service.office.input import load_office_input

    defn, _ = load_office_input(DEMO)
    before = {(h.reviewer, h.applicant) for h in conflicts.detect(defn)}
    assert before == {("R06", "A003"), ("R11", "A015")} and (reviewer, applicant) not in before
    if not aliases:
        defn = dataclasses.replace(defn, reviewers=tuple(
            dataclasses.replace(r, employer=employer) if r.id == reviewer else r for r in defn.reviewers))
    hits = conflicts.detect(defn, {reviewer: list(aliases)} if aliases else None)
    mine = [(h.applicant, h.form) for h in hits if h.reviewer == reviewer]
    assert (applicant, form) in mine and {f for _a, f in mine} == {form}
    assert {(h.reviewer, h.applicant) for h in hits if h.reviewer != reviewer} == before - {(reviewer, applicant)}
