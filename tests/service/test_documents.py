"""Tests of the PDF documents: credential letters and minutes (text, fonts, escaping, glyphs, stability)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import time

import pytest
from pypdf import PdfReader

from zc_review.documents.fonts import MissingGlyphError, missing_glyphs, require_glyphs
from zc_review.documents.letters import render_credential_letters
from zc_review.documents.minutes import (
    SIGNATURE_ROLES,
    render_minutes,
    render_minutes_document,
    signature_boxes,
)
from zc_review.documents.views import (
    ApplicantRow,
    BallotRound,
    CredentialLetter,
    FailureNote,
    GroupSummary,
    MinutesView,
    PanelOpinion,
    PanelView,
    Person,
    Quorum,
    RecusalView,
    Signoff,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "志强", "秀英", "海燕", "明", "伟", "静", "晓东", "春梅", "国华", "立新", "红"]
MARKUP_OPINION = "材料扎实<b>x</b>，答辩[red]y[/]清楚 & 完整"
FINGERPRINT = "9f3c2a7be41d08c5"
LOG_HEAD = "5d0e77a1c93b24f6e8a0d17c3b9e52f4a6c8d0e1f2a3b4c5d6e7f8091a2b3c4d"


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


def _applicant(i: int) -> ApplicantRow:
    passed = i % 3 != 2
    group = "基层专项组" if i % 4 == 0 else "建筑工程组"
    return ApplicantRow(
        code=f"A{i:03d}", name="申" + _name(i + 3), group=group, panel="建筑工程评议组",
        material=f"{70 + i % 25}.{i % 10}0", defence="—" if i % 5 == 0 else f"{75 + i % 20}.50",
        composite=f"{72 + i % 23}.35", rank=str(i // 2 + 1), agree=str(20 - i % 9), disagree=str(i % 9),
        abstain="1", base="25", decision="通过" if passed else "同意票未达到出席评委的三分之二",
        reason="" if passed else "同意票未达到出席评委的三分之二。", passed=passed,
    )


def make_minutes(n_applicants: int = 6, *, rehearsal: bool = False, **overrides: object) -> MinutesView:
    """A realistic minutes view-model with ``n_applicants`` rows."""
    signers = ("主任委员", "副主任委员", "纪检监察人员", "评议组组长", "评议组副组长")
    applicants = tuple(_applicant(i) for i in range(1, n_applicants + 1))
    failed = [a for a in applicants if a.decision == "未通过"]
    view = MinutesView(
        committee_name="张家口市工程系列建筑工程专业高级评审委员会",
        organizing_body="张家口市住房和城乡建设局",
        session_id="ZJK-GC-2025-03",
        session_title="2025年度工程系列建筑工程专业高级职称评审会",
        rehearsal=rehearsal,
        started_at="2025-06-03 08:30", ended_at="2025-06-03 17:45",
        venue="张家口市人才服务中心封闭评审室（三楼）",
        presiding_name="王建国", presiding_role="主任委员", recorder_name="赵小红",
        attendees=tuple(Person(_name(i), "主任委员" if i == 0 else "评审专家") for i in range(25))
        + (Person("钱正", "纪检监察人员"), Person("赵小红", "记录人")),
        absentees=(Person("孙立", "评审专家", "因病请假"),),
        quorum=Quorum(committee_size="27", required="18", attending="25"),
        agenda=("宣布会议纪律，签署承诺书", "通报评委会组成、评议组分工及回避情况", "评议组评议、量化赋分",
                "无记名投票", "宣布评审结果，签字确认"),
        rule_values=(("综合得分权重", "申报材料分70%，答辩分30%"), ("三分之二规则基数", "出席评委人数"),
                     ("评分汇总方式", "去掉一个最高分和一个最低分后取平均（不少于5个分数时）"),
                     ("去极值最少分数 N", "5"), ("通过率上限", "建筑工程组 60%；基层专项组 80%"),
                     ("每张选票同意数上限", "不限")),
        panels=(PanelView("建筑工程评议组", "周海", "7", "建筑工程专业量化评分标准", "v2",
                          tuple(Signoff(_name(20 + k), s, f"2025-06-03 09:{10 + k:02d}")
                                for k, s in enumerate(signers))),),
        recusals=(RecusalView(_name(4), "A002", "与申报人同一工作单位", True),
                  RecusalView(_name(9), "A005", "师生关系", False)),
        applicants=applicants,
        group_summaries=(GroupSummary("建筑工程组", "60%", str(n_applicants - n_applicants // 4),
                                      "3", "3"),
                         GroupSummary("基层专项组", "80%", str(n_applicants // 4), "1", "1")),
        panel_opinions=tuple(PanelOpinion(a.code, a.panel, MARKUP_OPINION if k == 0 else
                                          "业绩突出，论文与工程实践结合紧密，答辩思路清晰。")
                             for k, a in enumerate(applicants)),
        failure_notes=tuple(FailureNote(a.code, "工程业绩证明材料不充分", "补充主持项目的验收与效益证明")
                            for a in failed),
        ballot_rounds=(
            BallotRound("1", "主投票", f"A001–A{n_applicants:03d}", "24", "25", "王建国（主任委员）", "1",
                        "主任委员宣布截止，未投票者按不同意计"),
            BallotRound("2", "加投", "A003、A007", "25", "25", "王建国（主任委员）", "0"),
        ),
        result_signoffs=tuple(_name(i) for i in range(25)),
        ballot_box_fingerprint=FINGERPRINT,
        log_head_hash=LOG_HEAD,
        bundle_fingerprint_note="结果包指纹见导出文件 bundle.sig，办事机构导入时核对。",
    )
    return dataclasses.replace(view, **overrides)  # type: ignore[arg-type]


def make_letter(i: int = 0, **overrides: object) -> CredentialLetter:
    letter = CredentialLetter(
        session_title="2025年度工程系列建筑工程专业高级职称评审会",
        committee_name="张家口市工程系列建筑工程专业高级评审委员会",
        person_name=_name(i), role_label="主任委员" if i == 0 else "评审专家", person_id=f"R{i + 1:02d}",
        secret=f"K7QF-9MZX-T4HP-{i:04d}", opening_secret="OPEN-3KXW-7QHZ" if i == 0 else None,
        office_root_fingerprint="3F2A 91C0 77DE 0B4C 5A18 E6F3 2D90 AB17",
        package_id="PKG-2025-ZJK-001", issued_at="2025-06-02 18:00", rehearsal=False,
    )
    return dataclasses.replace(letter, **overrides)  # type: ignore[arg-type]


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def minutes_pdf() -> bytes:
    return render_minutes(make_minutes(12), reproducible=True)


def test_minutes_text_holds_codes_names_votes_decisions_and_fingerprint(minutes_pdf: bytes) -> None:
    text = _flat("\n".join(_pages_text(minutes_pdf)))
    view = make_minutes(12)
    for a in view.applicants:
        assert a.code in text and a.name in text
    assert "未通过" in text and "通过" in text
    assert "同意票未达到出席评委的三分之二" in text
    assert FINGERPRINT in text and LOG_HEAD in text
    assert "主任委员宣布截止，未投票者按不同意计" in text
    for heading in ("会议基本情况", "出席情况与法定人数", "议程", "规则参数", "评议组与评分标准签署", "回避情况",
                    "评审结果", "分组通过率", "评议意见", "未通过原因与努力方向", "投票轮次", "结果签字确认"):
        assert heading in text
    # Section order follows RULES.md §6 / the brief.
    assert text.index("会议基本情况") < text.index("回避情况") < text.index("投票轮次") < text.index("日志链头")


def test_minutes_result_row_reads_in_order(minutes_pdf: bytes) -> None:
    a = make_minutes(12).applicants[1]
    text = _flat("\n".join(_pages_text(minutes_pdf)))
    assert _flat(f"{a.code}{a.name}") in text
    assert not a.passed  # the verdict reads with its marker: ○ 未通过 / ● 通过 (distinct without colour)
    assert f"{a.agree}{a.disagree}{a.abstain}{a.base}○未通过" in text


def test_minutes_footer_on_every_page(minutes_pdf: bytes) -> None:
    pages = _pages_text(minutes_pdf)
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in _flat(text)
        assert "ZJK-GC-2025-03" in text


def test_markup_in_opinion_prints_literally(minutes_pdf: bytes) -> None:
    text = _flat("\n".join(_pages_text(minutes_pdf)))
    assert _flat(MARKUP_OPINION) in text


def test_markup_in_name_and_reason_prints_literally() -> None:
    row = dataclasses.replace(_applicant(1), name="李<i>明</i>", reason="[/]<br/>&amp;")
    pdf = render_minutes(make_minutes(1, applicants=(row,)))
    text = _flat("\n".join(_pages_text(pdf)))
    assert "李<i>明</i>" in text and "[/]<br/>&amp;" in text


@pytest.mark.tools("pdffonts")
@pytest.mark.parametrize("kind", ["minutes", "letters"])
def test_every_font_embedded_and_no_helvetica(kind: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = (render_minutes(make_minutes(5, rehearsal=True)) if kind == "minutes"
           else render_credential_letters([make_letter(0), make_letter(1, rehearsal=True)]))
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    assert "Helvetica" not in out
    for row in rows:
        cols = row.split()
        assert cols[-5] == "yes", row  # the "emb" column
        assert "WenQuanYi" in cols[0], row


def test_rehearsal_watermark_on_every_page() -> None:
    for pdf in (render_minutes(make_minutes(40, rehearsal=True)),
                render_credential_letters([make_letter(i, rehearsal=True) for i in range(3)])):
        pages = _pages_text(pdf)
        assert len(pages) >= 3
        assert all("演练" in text for text in pages)


def test_no_watermark_when_not_rehearsal() -> None:
    pages = _pages_text(render_credential_letters([make_letter(1)]))
    assert "演练" not in pages[0]


def test_credential_letters_one_page_per_person_with_secret() -> None:
    letters = [make_letter(i) for i in range(5)]
    pages = _pages_text(render_credential_letters(letters))
    assert len(pages) == 5
    for letter, text in zip(letters, pages, strict=True):
        assert letter.secret in text
        assert letter.person_name in text
        assert letter.office_root_fingerprint in text
        assert "五次" in text
    assert "OPEN-3KXW-7QHZ" in pages[0]
    assert "开封凭据" not in pages[1]


def test_long_letter_still_fits_one_page() -> None:
    letter = make_letter(0, secret="X" * 120, session_title="很长的会议名称" * 20)
    assert len(_pages_text(render_credential_letters([letter]))) == 1


def test_empty_letters_refused() -> None:
    with pytest.raises(ValueError):
        render_credential_letters([])


def test_missing_glyph_functions() -> None:
    assert missing_glyphs("王建国 A001\n") == set()
    assert missing_glyphs("张𬌗") == {"𬌗"}
    with pytest.raises(MissingGlyphError) as err:
        require_glyphs("张𬌗", "申报人姓名")
    assert "𬌗" in str(err.value) and "申报人姓名" in str(err.value) and "U+2C317" in str(err.value)


def test_rare_character_in_applicant_name_refused() -> None:
    row = dataclasses.replace(_applicant(4), name="张𬌗")
    with pytest.raises(MissingGlyphError) as err:
        render_minutes(make_minutes(1, applicants=(row,)))
    assert err.value.characters == ("𬌗",)
    assert "评审结果" in err.value.field and "姓名" in err.value.field


def test_rare_character_in_reviewer_or_letter_refused() -> None:
    with pytest.raises(MissingGlyphError):
        render_minutes(make_minutes(2, attendees=(Person("李𬌗", "评审专家"),)))
    with pytest.raises(MissingGlyphError) as err:
        render_credential_letters([make_letter(0), make_letter(1, person_name="𬌗明")])
    assert "第2封" in str(err.value)


def test_reproducible_is_byte_identical() -> None:
    view = make_minutes(8, rehearsal=True)
    assert render_minutes(view, reproducible=True) == render_minutes(view, reproducible=True)
    letters = [make_letter(i) for i in range(2)]
    assert render_credential_letters(letters, reproducible=True) == render_credential_letters(
        letters, reproducible=True)


def test_signature_boxes_on_last_page_inside_page() -> None:
    result = render_minutes_document(make_minutes(12), reproducible=True)
    boxes = signature_boxes(result.pdf)
    assert boxes == result.signature_boxes
    assert set(boxes) == set(SIGNATURE_ROLES)
    reader = PdfReader(io.BytesIO(result.pdf))
    assert result.page_count == len(reader.pages)
    for box in boxes.values():
        assert box.page_index == len(reader.pages) - 1
        media = reader.pages[box.page_index].mediabox
        assert 0 < box.x1 < box.x2 < float(media.width)
        assert 0 < box.y1 < box.y2 < float(media.height)
        assert box.x2 - box.x1 > 150 and box.y2 - box.y1 > 60
    recorder, presiding = boxes["recorder"], boxes["presiding"]
    assert recorder.x2 < presiding.x1  # side by side, not overlapping
    last = _flat(reader.pages[-1].extract_text())
    assert "记录人（签名）：赵小红" in last and "主持人（签名）：王建国" in last


def test_signature_boxes_refuses_foreign_pdf() -> None:
    with pytest.raises(ValueError):
        signature_boxes(render_credential_letters([make_letter(0)]))


def test_forty_applicants_render_quickly() -> None:
    view = make_minutes(40, rehearsal=True)
    start = time.perf_counter()
    result = render_minutes_document(view)
    elapsed = time.perf_counter() - start
    text = _flat("\n".join(_pages_text(result.pdf)))
    assert all(f"A{i:03d}" in text for i in range(1, 41))
    assert elapsed < 5, elapsed
    # Each group's table starts on a page of its own, and its header row repeats on continuation pages.
    pages = [_flat(p) for p in _pages_text(result.pdf)]
    with_rows = [p for p in pages if "○未通过" in p]  # the verdict marker is printed in the results tables only
    assert len(with_rows) >= 2
    assert all("综合分C" in p and "票数基数" in p for p in with_rows)


def test_signature_boxes_survive_incremental_update() -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    result = render_minutes_document(make_minutes(5))
    writer = IncrementalPdfFileWriter(io.BytesIO(result.pdf))
    for role, box in result.signature_boxes.items():
        append_signature_field(writer, SigFieldSpec(sig_field_name=role, on_page=box.page_index, box=box.box))
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(result.pdf)
    assert signature_boxes(out.getvalue()) == result.signature_boxes


def _sheet(**overrides: object):  # type: ignore[no-untyped-def]
    from zc_review.documents.sheets import PanelSheetView, SheetApplicant, SheetCriterion

    view = PanelSheetView(
        committee_name="张家口市工程系列建筑工程专业高级评审委员会", session_title="2025年度评审会",
        session_id="ZJK-GC-2025-03", panel_name="建筑工程评议组", leader_name="周海",
        rubric_name="建筑工程专业量化评分标准", rubric_version="v2",
        criteria=(SheetCriterion("职业道德与安全生产业绩", "10"), SheetCriterion("工程业绩", "40"),
                  SheetCriterion("答辩表现", "100", "答辩")),
        applicants=tuple(SheetApplicant(f"A{i:03d}", "建筑工程组", "破格" if i == 2 else "") for i in range(1, 25)),
        rehearsal=True,
    )
    return dataclasses.replace(view, **overrides)


def test_panel_sheet_lists_codes_criteria_and_is_stable() -> None:
    from zc_review.documents.sheets import render_panel_sheet

    pdf = render_panel_sheet(_sheet(), reproducible=True)
    assert pdf == render_panel_sheet(_sheet(), reproducible=True)
    pages = _pages_text(pdf)
    text = _flat("\n".join(pages))
    assert all(f"A{i:03d}" in text for i in range(1, 25))
    assert "满分40" in text and "评议组组长（签字）" in text
    assert len(pages) >= 2 and all("演练" in p for p in pages)
    assert all("评议意见" in p for p in pages if "A0" in p)  # header repeats on continuation pages


def test_panel_sheet_refuses_missing_glyph() -> None:
    from zc_review.documents.sheets import render_panel_sheet

    with pytest.raises(MissingGlyphError):
        render_panel_sheet(_sheet(leader_name="周𬌗"))


# -- issue 13, "the documents people file": codes never split, one table per group, verdicts, page numbers ----

def _long_code_minutes() -> MinutesView:
    """The demo's shape: 11-character codes (GC-2025-006), two groups, a round over the whole range."""
    view = make_minutes(24)
    applicants = tuple(dataclasses.replace(a, code=f"GC-2025-{i:03d}") for i, a in enumerate(view.applicants, start=1))
    codes = [a.code for a in applicants]
    return dataclasses.replace(
        view, applicants=applicants,
        recusals=tuple(dataclasses.replace(r, applicant_code=codes[k]) for k, r in enumerate(view.recusals)),
        panel_opinions=tuple(dataclasses.replace(o, applicant_code=a.code) for o, a in zip(view.panel_opinions, applicants, strict=True)),
        failure_notes=tuple(FailureNote(a.code, "同意票未达到出席评委的三分之二。", "补充主持项目的验收与效益证明")
                            for a in applicants if not a.passed),
        ballot_rounds=(BallotRound("1", "主投票", f"{codes[0]}–{codes[-1]}（{len(codes)} 人）", "24", "25",
                                   "王建国（主任委员）", "1"),
                       BallotRound("2", "加投（并列决选）", "、".join(codes[2:5]), "25", "25", "王建国（主任委员）", "0")),
    )


def _pdftotext_pages(pdf: bytes, tmp_path, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]  # pdftotext ends every page with a form feed


def _assert_codes_whole(pages: list[str], codes: list[str]) -> None:
    """Every run of text that starts like a code (``GC-…``) is a whole code: a code wrapped in its cell
    comes out of pdftotext as ``GC-202`` on one line and ``5-006`` on another."""
    import re

    text = "\n".join(pages)
    prefix = re.escape(codes[0].split("-")[0] + "-")
    fragments = re.findall(rf"(?<![A-Za-z0-9-]){prefix}[0-9A-Za-z-]*", text)
    assert set(fragments) <= set(codes), sorted(set(fragments) - set(codes))[:5]
    assert all(code in text for code in codes)


def _assert_numbered(pages: list[str]) -> None:
    assert pages
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in _flat(page), (n, page[-200:])  # printed 第 n 页 共 m 页


@pytest.mark.tools("pdftotext")
def test_minutes_never_split_a_code_and_number_every_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = _long_code_minutes()
    pages = _pdftotext_pages(render_minutes(view), tmp_path, "minutes.pdf")
    _assert_codes_whole(pages, [a.code for a in view.applicants])
    _assert_numbered(pages)


@pytest.mark.tools("pdftotext")
def test_minutes_one_table_per_group_and_verdicts_without_colour(tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = _long_code_minutes()
    pages = [_flat(p) for p in _pdftotext_pages(render_minutes(view), tmp_path, "minutes.pdf")]
    group_of = {a.code: a.group for a in view.applicants}
    result_pages = [p.split("八、分组通过率")[0] for p in pages if "○未通过" in p.replace("“○未通过”", "")]
    assert len(result_pages) == 2  # two groups: each from a page of its own
    for page in result_pages:
        assert len({group_of[c] for c in group_of if c in page}) == 1  # no page mixes two groups' rows
    body = "".join(result_pages).replace("“●通过”", "").replace("“○未通过”", "")
    # the verdict is a marker and a word, not a colour: it survives greyscale printing and photocopies
    assert body.count("●通过") == sum(1 for a in view.applicants if a.passed)
    assert body.count("○未通过") == sum(1 for a in view.applicants if a.passed is False)
    # the conclusion is short; the rule's outcome is said once, in its own column, not repeated by the reason
    assert "○未通过同意票未达到出席评委的三分之二" in body
    assert body.count("同意票未达到出席评委的三分之二") == sum(1 for a in view.applicants if a.passed is False)


@pytest.mark.tools("pdftotext")
def test_minutes_last_page_has_the_organizing_body_stamp_with_the_signatures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = _long_code_minutes()
    result = render_minutes_document(view)
    pages = _pdftotext_pages(result.pdf, tmp_path, "minutes.pdf")
    last = _flat(pages[-1])
    assert f"组建单位（盖章）：{view.organizing_body}" in last and "记录人（签名）" in last
    assert all(b.page_index == len(pages) - 1 for b in result.signature_boxes.values())


@pytest.mark.tools("pdftotext")
def test_letters_and_sheets_numbered_and_never_split_a_code_or_fingerprint_group(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from zc_review.documents.sheets import PanelSheetView, SheetApplicant, SheetCriterion, render_panel_sheet

    fp = "A06A 1884 9A53 8A24 E7D7 0D1E 0513 28AE 1AF1 41E8 AEDB 69B2 5DD7 C897 7600 7323"
    pages = _pdftotext_pages(render_credential_letters([make_letter(i, office_root_fingerprint=fp) for i in range(3)]),
                             tmp_path, "letters.pdf")
    _assert_numbered(pages)
    for page in pages:  # two balanced lines of eight groups, each group whole
        assert "A06A 1884 9A53 8A24 E7D7 0D1E 0513 28AE\n1AF1 41E8 AEDB 69B2 5DD7 C897 7600 7323" in page
    applicants = tuple(SheetApplicant(f"GC-2025-{i:03d}-X", "建筑工程组") for i in range(1, 15))
    criteria = tuple(SheetCriterion(f"业绩成果{i}", "15") for i in range(8))
    view = PanelSheetView("青川市工程系列中级评审委员会", "2025年度评审会", "QC-GC-ZJ-2025", "建筑工程评议组", "龙倩",
                          "建筑工程量化评分标准", "2025.1", criteria, applicants)
    for results in (False, True):
        sheet = dataclasses.replace(view, results=results, applicants=tuple(
            dataclasses.replace(a, material="80.50", composite="80.65", rank="1") for a in applicants) if results else applicants)
        pages = _pdftotext_pages(render_panel_sheet(sheet), tmp_path, "sheet.pdf")
        _assert_numbered(pages)
        _assert_codes_whole(pages, [a.code for a in applicants])
        if not results:
            assert "满分 15" in "\n".join(pages)  # a criterion's maximum is never split (满分1 / 5)
