"""View-models the documents render: frozen dataclasses of already-formatted strings.

The service fills these; the documents never compute. Every number (scores, counts, rates,
times) arrives as a string formatted and rounded by the service (RULES.md §4: half-up, 2 decimals),
so a document prints exactly what the room saw. Names and free text are data: the renderers
escape them and check every character against the embedded font.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

#: Printed where a value does not apply (e.g. no defence score in the education series).
NOT_APPLICABLE = "—"


@dataclass(frozen=True)
class CredentialLetter:
    """One sealed-envelope letter handing a person their credential for the session.

    Attributes:
        session_title: e.g. ``2025年度工程系列建筑工程专业副高级职称评审会``.
        committee_name: e.g. ``张家口市工程系列建筑工程专业高级评审委员会``.
        person_name: the holder's name.
        role_label: Chinese role, e.g. 评审专家 / 主任委员 / 纪检监察人员 / 记录人.
        person_id: the short identifier the app shows (e.g. ``R07``).
        secret: the credential, printed in large clear text.
        opening_secret: the holder's half of the two-person package opening (chair and
            supervisor only); ``None`` for everyone else.
        office_root_fingerprint: the office root key's fingerprint in groups of 4 hex digits,
            to compare with the screen at first open.
        package_id: identifier of the session package the letter belongs to.
        issued_at: formatted issue time, e.g. ``2025-06-03 09:00``.
        rehearsal: a rehearsal (演练) letter; printed with a watermark.
    """

    session_title: str
    committee_name: str
    person_name: str
    role_label: str
    person_id: str
    secret: str
    opening_secret: str | None
    office_root_fingerprint: str
    package_id: str
    issued_at: str
    rehearsal: bool = False


@dataclass(frozen=True)
class Person:
    """A person in the minutes' attendance lists.

    Attributes:
        name: the person's name.
        role_label: Chinese role, e.g. 主任委员 / 评审专家 / 纪检监察人员 / 记录人.
        note: optional remark, e.g. the reason for an absence (``因病请假``).
    """

    name: str
    role_label: str
    note: str = ""


@dataclass(frozen=True)
class Quorum:
    """Quorum figures (RULES.md §2), formatted: committee size, required attendance, attending."""

    committee_size: str
    required: str
    attending: str


@dataclass(frozen=True)
class Signoff:
    """A signature given in the app: who, in which capacity, when (formatted time)."""

    name: str
    role_label: str
    signed_at: str


@dataclass(frozen=True)
class PanelView:
    """A review panel (评议组) and the sign-offs of its rubric (RULES.md §3; 000 第二十六条(三)).

    Attributes:
        name: panel name, e.g. ``建筑工程评议组``.
        leader: the panel leader's name.
        members_count: number of reviewers on the panel, formatted.
        rubric_name: the scoring rubric's title.
        rubric_version: its version label, e.g. ``v2``.
        rubric_signoffs: the five rubric signatures with times, in signing order.
    """

    name: str
    leader: str
    members_count: str
    rubric_name: str
    rubric_version: str
    rubric_signoffs: tuple[Signoff, ...] = ()


@dataclass(frozen=True)
class PaperSheetRow:
    """A score sheet transcribed from paper (issue 14): the reviewer's id, the applicant's code, who keyed it
    (both keyers, 「、」-joined names), how many differing cells were settled, who confirmed it."""

    reviewer_code: str
    applicant_code: str
    keyed_by: str
    settled: str
    confirmed_by: str


@dataclass(frozen=True)
class RecusalView:
    """A recusal (回避): the reviewer took no part for this applicant (RULES.md §2).

    Attributes:
        reviewer_name: the recused reviewer.
        applicant_code: the applicant's code (e.g. ``A012``).
        reason: the stated conflict, e.g. ``同一工作单位``.
        pre_declared: True when declared by the organizing body, False when added in the room.
    """

    reviewer_name: str
    applicant_code: str
    reason: str
    pre_declared: bool


@dataclass(frozen=True)
class ApplicantRow:
    """One row of the results table (评审结果), every value formatted.

    Attributes:
        code: applicant code. name: applicant name. group: group (分组) name. panel: panel name.
        material: material score M. defence: defence score D, or ``—`` when none.
        composite: composite score C. rank: rank within the group.
        agree, disagree, abstain: vote counts (missing votes already counted as the service rules).
        base: the base of the 2/3 rule for this applicant.
        decision: decision label, e.g. ``通过`` / ``未通过``.
        reason: short reason, e.g. ``同意票未达三分之二`` / ``超出通过率``; empty when passed.
        passed: True passed, False not passed, None not decided yet: the minutes print the verdict
            as ``● 通过`` (heavy, shaded row) or ``○ 未通过``, distinct in greyscale (issue 13).
    """

    code: str
    name: str
    group: str
    panel: str
    material: str
    defence: str
    composite: str
    rank: str
    agree: str
    disagree: str
    abstain: str
    base: str
    decision: str
    reason: str = ""
    passed: bool | None = None


@dataclass(frozen=True)
class GroupSummary:
    """Per-group pass-rate summary (分组通过率; RULES.md §5; 000 第四十六条).

    Attributes:
        group: group name. pass_rate: the cap rate in force, e.g. ``40%``.
        applicants: applicants in the group. cap: most that may pass. passed: how many passed.
    """

    group: str
    pass_rate: str
    applicants: str
    cap: str
    passed: str


@dataclass(frozen=True)
class PanelOpinion:
    """A panel's opinion (评议意见) on one applicant, free text from the panel leader."""

    applicant_code: str
    panel: str
    opinion: str


@dataclass(frozen=True)
class DisagreementNote:
    """A flagged disagreement (评分分歧) on one applicant and the concerned reviewers' explanations (issue 5 §4)."""

    applicant_code: str
    panel: str
    spread: str  # e.g. "申报材料分极差 22.5、标准差 9.1"
    explanations: str  # "姓名：说明" lines, or a note that none was written


@dataclass(frozen=True)
class FailureNote:
    """Reason for failure and improvement guidance for a failed applicant (000 第二十六条(六))."""

    applicant_code: str
    reason: str
    guidance: str


@dataclass(frozen=True)
class BallotRound:
    """One round of secret ballot (RULES.md §5).

    Attributes:
        number: round number, formatted. kind: 主投票 / 加投 / 重投.
        applicants: the applicants on this ballot, formatted (e.g. ``A001–A040`` or ``A003、A007``).
        ballots_cast: ballots received. voters_on_roll: attending reviewers entitled to vote.
        closed_by: who closed the poll (name and role). missing_voters: voters who did not cast.
        note: remark, e.g. ``主任委员宣布截止，未投票者按不同意计``.
    """

    number: str
    kind: str
    applicants: str
    ballots_cast: str
    voters_on_roll: str
    closed_by: str
    missing_voters: str
    note: str = ""


@dataclass(frozen=True)
class CredentialLift:
    """A credential lock lifted in the room by two other officers (issue 12 §3).

    Attributes:
        person: whose lock, with the role, e.g. ``叶博文（评审专家）``.
        lifted_by: the two officers, e.g. ``崔丽娟（主任委员）、王静（纪检监察人员）``.
        lifted_at: formatted time.
        note: what was lifted, e.g. ``连续输错 10 次后锁定``.
    """

    person: str
    lifted_by: str
    lifted_at: str
    note: str


@dataclass(frozen=True)
class MinutesView:
    """Everything the minutes (会议记录) print (RULES.md §6; 000 第二十八条).

    Attributes:
        committee_name: the review committee. organizing_body: 组建单位.
        session_id: session identifier, printed in every page's footer.
        session_title: the meeting's title (heading).
        rehearsal: a rehearsal session; every page carries a 演练 watermark.
        started_at, ended_at: formatted times. venue: the closed venue.
        presiding_name, presiding_role: the presiding officer (主持人) and their office.
        recorder_name: the recorder (记录人).
        attendees, absentees: people present / absent (with a note for the absence).
        quorum: quorum figures.
        agenda: agenda items in order.
        rule_values: (label, value) of every rule in force, e.g. ``("综合得分权重", "材料70%、答辩30%")``.
        panels: panels with rubric sign-offs.
        recusals: all recusals.
        applicants: the results table rows, in print order.
        group_summaries: per-group pass-rate summaries.
        panel_opinions: panel opinions per applicant.
        failure_notes: reasons and guidance for failed applicants.
        ballot_rounds: every ballot round in order.
        result_signoffs: names of the reviewers who signed off the result (签字确认).
        ballot_box_fingerprint: hex fingerprint of the closed ballot box.
        log_head_hash: hash of the event log's head.
        bundle_fingerprint_note: how to check the result bundle's fingerprint.
        minutes_digest: SHA-256 hex over every number and text of the record the minutes print
            (zc_review.domain.digest.minutes_digest); printed and carried in the PDF's catalog.
        signature_note: text printed above the signature area.
        credential_lifts: every credential lock lifted in the room, in order (printed with the integrity
            figures when any).
    """

    committee_name: str
    organizing_body: str
    session_id: str
    session_title: str
    rehearsal: bool
    started_at: str
    ended_at: str
    venue: str
    presiding_name: str
    presiding_role: str
    recorder_name: str
    attendees: tuple[Person, ...]
    absentees: tuple[Person, ...]
    quorum: Quorum
    agenda: tuple[str, ...]
    rule_values: tuple[tuple[str, str], ...]
    panels: tuple[PanelView, ...]
    recusals: tuple[RecusalView, ...]
    applicants: tuple[ApplicantRow, ...]
    group_summaries: tuple[GroupSummary, ...]
    panel_opinions: tuple[PanelOpinion, ...]
    failure_notes: tuple[FailureNote, ...]
    ballot_rounds: tuple[BallotRound, ...]
    result_signoffs: tuple[str, ...]
    ballot_box_fingerprint: str
    log_head_hash: str
    bundle_fingerprint_note: str = ""
    minutes_digest: str = ""  # printed in section 13 and stored in the catalog when given
    disagreement_notes: tuple[DisagreementNote, ...] = ()  # printed under the panel opinions when any
    has_defence: bool = True  # False (education series): no defence column in the results
    credential_lifts: tuple[CredentialLift, ...] = ()  # issue 12 §3: who lifted whose lock, when
    paper_sheets: tuple[PaperSheetRow, ...] = ()  # issue 14: the scores transcribed from paper sheets
    signature_note: str = field(
        default="本记录经主持人、记录人审阅无误后签字。电子签名以增量方式附加于本文件，签名后任何改动均可被检出。"
    )


def iter_strings(obj: Any, path: str = "") -> list[tuple[str, str]]:
    """Return every string inside a view-model with a dotted path naming where it sits.

    Args:
        obj: a view-model dataclass, tuple/list of them, or a string.
        path: prefix for the returned paths.

    Returns:
        ``[(path, text), ...]``, e.g. ``("applicants[3].name", "张伟")``, in field order.
    """
    out: list[tuple[str, str]] = []
    if isinstance(obj, str):
        out.append((path, obj))
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            out.extend(iter_strings(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name))
    elif isinstance(obj, (tuple, list)):
        for i, item in enumerate(obj):
            out.extend(iter_strings(item, f"{path}[{i}]"))
    return out
