"""The draw of reviewers from the expert pool (专家库): eligibility, rotation, the 1:3 pre-draw and the
telephone confirmations, as pure rules over plain data.

The random part is a documented, deterministic ranking over SHA-256 (docs/FORMATS.md "Draw record"):
for one specialty and one round, each eligible expert gets the key
``SHA-256(UTF-8("zc-review-draw-v1\\n<session_id>\\n<seed>\\n<specialty>\\n<round>\\n<expert id>"))`` (hex);
the experts sorted by that key (then by id) are the draw order, and the first ``ratio × needed`` are the
pre-drawn (预抽取). Anyone with the seed, the eligible list and any SHA-256 tool reproduces it. The seed
comes from the room (dice or numbers read aloud before the supervisor), never from the computer.

Source: RULES.md §0–1; 000_8448819e6fcc71aa.txt 第十一条, 第十三条, 第十四条, 第二十六条(一)1–4, 第四十二条(二).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from zc_review.domain.model import TitleLevel
from zc_review.domain.panel import strip_legal_suffix
from zc_review.domain.rules import RuleError

ALGORITHM = "zc-review-draw-v1"
#: Years a title must have been held before its holder may review (000 第十三条(二)).
MIN_TITLE_YEARS = 2
#: Consecutive years on the same committee after which an expert sits out (000 第二十六条(一)).
MAX_CONSECUTIVE_YEARS = 3

ANSWERS = ("confirmed", "refused", "unreachable")


@dataclass(frozen=True)
class Expert:
    """One member of the expert pool.

    ``years_served``: the years the expert sat on this committee (ascending); ``employer_aliases``: the
    other names of the employer (abbreviations, former names) the office knows, used to find conflicts.
    """

    id: str
    name: str
    employer: str
    title: str
    title_level: TitleLevel
    title_since: int
    specialty: str
    region: str
    private_enterprise: bool = False
    employer_aliases: tuple[str, ...] = ()
    years_served: tuple[int, ...] = ()


@dataclass(frozen=True)
class Seats:
    """The places of one specialty: ``count`` reviewers, for the panel ``panel`` (an id of panels.yaml)."""

    specialty: str
    count: int
    panel: str


@dataclass(frozen=True)
class Exclusion:
    """An expert left out of the draw before ranking, and why (``reason`` is a catalogue family member)."""

    expert: str
    reason: str  # "credit" | "title_years" | "consecutive" | "last_year" | "conflict"
    detail: str = ""


@dataclass(frozen=True)
class Event:
    """One step of the confirmations, in order: a call to an expert and its answer, or a skip.

    ``kind``: ``"reappoint_call"`` (a proposed reappointment, 续任), ``"call"`` (a pre-drawn expert) or
    ``"skip_intermediate"`` (not called: intermediate-title reviewers already 1/3). ``round``: 0 for
    reappointments.
    """

    seq: int
    kind: str
    specialty: str
    round: int
    expert: str
    answer: str = ""
    note: str = ""


@dataclass(frozen=True)
class Round:
    """One pre-draw of one specialty: who was eligible, the keys, who was pre-drawn (in draw order)."""

    specialty: str
    round: int
    needed: int
    eligible: tuple[str, ...]
    drawn: tuple[tuple[str, str], ...]  # (expert id, key hex) in draw order


@dataclass
class DrawOutcome:
    """The whole draw: the rounds, the events in order and the members (pool ids, specialty, how)."""

    rounds: list[Round] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    members: list[tuple[str, str, str]] = field(default_factory=list)  # (expert id, specialty, "reappointed"|"drawn")


# -- normalising employers --------------------------------------------------------------------------------

def normalise_employer(name: str) -> str:
    """An employer's name reduced for comparison: NFKC (full-width brackets and letters become ASCII), no
    spaces, without one trailing legal-form suffix (``domain.panel.strip_legal_suffix``, the blind-material
    check's list: 股份有限公司 / 有限责任公司 / 有限公司 / 集团 / 公司) when at least 2 characters remain.

    ``"青川建工集团有限公司"`` → ``"青川建工集团"``; ``"青川建工集团有限责任公司"`` → ``"青川建工集团"``.
    Source: 000 第四十条(二)4 (same employer); the blind-material check's suffix list (domain.panel).
    """
    s = "".join(ch for ch in unicodedata.normalize("NFKC", name) if not ch.isspace())
    return strip_legal_suffix(s, keep=2)


def employer_forms(employer: str, aliases: Sequence[str] = ()) -> frozenset[str]:
    """Every normalised form under which an employer is known (its name and its aliases)."""
    return frozenset(normalise_employer(x) for x in (employer, *aliases) if x.strip())


def same_employer(a: frozenset[str], employer: str) -> str | None:
    """The form shared by the forms ``a`` and ``employer`` (normalised), or None.

    A form also matches when one contains the other and the shorter keeps at least 4 characters
    (``青川建工`` within ``青川建工集团``: an abbreviation the pool lists).
    """
    b = normalise_employer(employer)
    for form in sorted(a):
        if form == b:
            return form
        short, long_ = (form, b) if len(form) <= len(b) else (b, form)
        if len(short) >= 4 and short in long_:
            return form
    return None


# -- the random order -------------------------------------------------------------------------------------

def rank_key(session_id: str, seed: str, specialty: str, round_no: int, expert_id: str) -> str:
    """The SHA-256 hex key of one expert in one round (module docstring; docs/FORMATS.md "Draw record")."""
    msg = "\n".join([ALGORITHM, session_id, seed, specialty, str(round_no), expert_id])
    return hashlib.sha256(msg.encode("utf-8")).hexdigest()


def draw_order(session_id: str, seed: str, specialty: str, round_no: int,
               eligible: Sequence[str]) -> list[tuple[str, str]]:
    """The eligible experts in draw order: ``[(expert id, key)]`` sorted by key, then id."""
    keyed = [(rank_key(session_id, seed, specialty, round_no, e), e) for e in eligible]
    return [(e, k) for k, e in sorted(keyed)]


def normalise_seed(text: str) -> str:
    """The seed as typed (NFKC: full-width digits count), without spaces, commas and dashes (``"3 5 1-6"`` → ``"3516"``).

    Raises: RuleError("draw_seed_invalid") unless 6–64 decimal digits remain.
    """
    s = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in " \t\n,-")
    if not (6 <= len(s) <= 64 and s.isascii() and s.isdigit()):
        raise RuleError("draw_seed_invalid")
    return s


# -- eligibility and rotation ---------------------------------------------------------------------------------

def consecutive_years(served: Sequence[int], year: int) -> int:
    """How many years in a row up to ``year - 1`` the expert has served (0 if not last year)."""
    s = set(served)
    n = 0
    while (year - 1 - n) in s:
        n += 1
    return n


def check_rotation(last_year: Sequence[str], reappoint: Sequence[str], experts: Mapping[str, Expert],
                   year: int) -> None:
    """The proposed reappointments (续任) against last year's committee.

    Rules: each is one of last year's reviewers; at most ⌊2/3 × last year's total⌋ of them (so at least 1/3
    is changed); none has already served ``MAX_CONSECUTIVE_YEARS`` years in a row.
    Raises: RuleError("draw_reappoint_not_last_year" | "draw_reappoint_too_many" | "draw_consecutive").
    Source: 000 第二十六条(一)1.
    """
    last = set(last_year)
    for rid in reappoint:
        if rid not in last:
            raise RuleError("draw_reappoint_not_last_year", expert=rid)
    limit = (2 * len(last)) // 3
    if len(set(reappoint)) > limit:
        raise RuleError("draw_reappoint_too_many", count=len(set(reappoint)), last=len(last), limit=limit)
    for rid in reappoint:
        n = consecutive_years(experts[rid].years_served, year)
        if n >= MAX_CONSECUTIVE_YEARS:
            raise RuleError("draw_consecutive", expert=rid, years=n, limit=MAX_CONSECUTIVE_YEARS)


def exclusions(experts: Sequence[Expert], *, year: int, last_year: Sequence[str], barred: Mapping[str, str],
               panel_employers: Mapping[str, Sequence[tuple[str, str]]], seats: Sequence[Seats]) -> list[Exclusion]:
    """Who may not be drawn at random, and why, in pool order (one reason per expert, the first that applies).

    ``barred``: expert id → credit entry reference (诚信档案; 000 第四十二条(二)); ``panel_employers``:
    panel id → ``[(applicant id, employer)]``. Reasons: ``credit``; ``title_years`` (title held under 2
    years, 000 第十三条(二)); ``consecutive`` (3 years in a row); ``last_year`` (last year's reviewers are
    either reappointed by name or replaced: 000 第二十六条(一)1); ``conflict`` (shares a normalised employer
    with an applicant of the specialty's panel: 000 第四十条(二)4).
    """
    last = set(last_year)
    panel_of = {s.specialty: s.panel for s in seats}
    out = []
    for e in experts:
        if e.id in barred:
            out.append(Exclusion(e.id, "credit", barred[e.id]))
        elif year - e.title_since < MIN_TITLE_YEARS:
            out.append(Exclusion(e.id, "title_years", str(e.title_since)))
        elif consecutive_years(e.years_served, year) >= MAX_CONSECUTIVE_YEARS:
            out.append(Exclusion(e.id, "consecutive", str(consecutive_years(e.years_served, year))))
        elif e.id in last:
            out.append(Exclusion(e.id, "last_year"))
        else:
            forms = employer_forms(e.employer, e.employer_aliases)
            for aid, emp in panel_employers.get(panel_of.get(e.specialty, ""), ()):
                if same_employer(forms, emp):
                    out.append(Exclusion(e.id, "conflict", aid))
                    break
    return out


# -- the procedure ------------------------------------------------------------------------------------------------

Answerer = Callable[[str, str], tuple[str, str]]
"""Asked for each call in order: ``(expert id, kind)`` → ``(answer, note)``; answer one of ``ANSWERS``."""


def run_draw(*, session_id: str, seed: str, ratio: int, seats: Sequence[Seats], experts: Sequence[Expert],
             reappoint: Sequence[str], excluded: Sequence[Exclusion], answer: Answerer) -> DrawOutcome:
    """Run the draw: the reappointment calls, then per specialty the pre-draws at 1:``ratio`` and the calls.

    Steps (docs/FORMATS.md "Draw record"): (1) each proposed reappointment is called in the order given;
    those who confirm are members; those who decline are not replaced one by one: their places join the
    draw. (2) For each specialty in the order of ``seats``: ``needed`` = its count minus its confirmed
    reappointments; round r = 1, 2, …: the eligible are the specialty's experts not excluded and not
    pre-drawn in an earlier round; if fewer than ``ratio × needed`` are eligible the draw stops; the first
    ``ratio × needed`` in draw order are pre-drawn and called in that order until ``needed`` confirm. An
    intermediate-title expert is skipped (not called) once intermediate-title reviewers reach ⌊total/3⌋.
    If the pre-drawn run out, the next round draws again at 1:``ratio`` of what is still needed.
    Raises: RuleError("draw_pool_too_small", specialty, needed, ratio, eligible) naming 000 第十一条 and
        第二十六条(一)2; RuleError("draw_answer_invalid").
    Source: 000 第二十六条(一)1–3; 第十三条(四).
    """
    by_id = {e.id: e for e in experts}
    total = sum(s.count for s in seats)
    cap = total // 3
    out = DrawOutcome()
    seq = 0
    intermediate = 0
    taken: dict[str, int] = {s.specialty: 0 for s in seats}

    def ask(eid: str, kind: str, specialty: str, round_no: int) -> bool:
        nonlocal seq
        a, note = answer(eid, kind)
        if a not in ANSWERS:
            raise RuleError("draw_answer_invalid", expert=eid, answer=a)
        seq += 1
        out.events.append(Event(seq, kind, specialty, round_no, eid, a, note))
        return a == "confirmed"

    for rid in reappoint:
        e = by_id[rid]
        if e.specialty not in taken:
            raise RuleError("draw_specialty_unknown", expert=rid, specialty=e.specialty)
        if ask(rid, "reappoint_call", e.specialty, 0):
            out.members.append((rid, e.specialty, "reappointed"))
            taken[e.specialty] += 1
            intermediate += e.title_level is TitleLevel.INTERMEDIATE
    excluded_ids = {x.expert for x in excluded}
    for s in seats:
        if taken[s.specialty] > s.count:
            raise RuleError("draw_reappoint_over_seats", specialty=s.specialty, count=s.count)
        pre_drawn: set[str] = set()
        round_no = 0
        while taken[s.specialty] < s.count:
            round_no += 1
            needed = s.count - taken[s.specialty]
            eligible = [e.id for e in experts if e.specialty == s.specialty and e.id not in excluded_ids
                        and e.id not in pre_drawn and e.id not in {m[0] for m in out.members}]
            k = ratio * needed
            if len(eligible) < k:
                raise RuleError("draw_pool_too_small", specialty=s.specialty, needed=needed, ratio=ratio,
                                    want=k, eligible=len(eligible))
            order = draw_order(session_id, seed, s.specialty, round_no, eligible)[:k]
            out.rounds.append(Round(s.specialty, round_no, needed, tuple(eligible), tuple(order)))
            for eid, _key in order:
                pre_drawn.add(eid)
                if taken[s.specialty] >= s.count:
                    break
                e = by_id[eid]
                is_mid = e.title_level is TitleLevel.INTERMEDIATE
                if is_mid and intermediate >= cap:
                    seq += 1
                    out.events.append(Event(seq, "skip_intermediate", s.specialty, round_no, eid))
                    continue
                if ask(eid, "call", s.specialty, round_no):
                    out.members.append((eid, s.specialty, "drawn"))
                    taken[s.specialty] += 1
                    intermediate += is_mid
    return out


def check_designations(members: Sequence[str], chair: str, vice_chairs: Sequence[str]) -> None:
    """The chair (主任委员, one) and vice-chairs (副主任委员, 1–3) are designated from among the drawn reviewers.

    Raises: RuleError("draw_designation_not_member" | "draw_vice_chair_count" | "draw_chair_is_vice").
    Source: 000 第十四条; 第二十六条(一).
    """
    m = set(members)
    for rid in (chair, *vice_chairs):
        if rid not in m:
            raise RuleError("draw_designation_not_member", expert=rid)
    if not 1 <= len(set(vice_chairs)) <= 3 or len(set(vice_chairs)) != len(vice_chairs):
        raise RuleError("draw_vice_chair_count", count=len(vice_chairs))
    if chair in vice_chairs:
        raise RuleError("draw_chair_is_vice", expert=chair)


def check_intermediate_share(levels: Sequence[TitleLevel], total: int) -> None:
    """Intermediate-title reviewers are at most 1/3 of the committee's ``total`` places (reappointments
    included: the calls skip intermediate experts at the cap, a reappointment is called by name).

    Raises: RuleError("draw_intermediate_share", count, total). Source: 000 第十三条(四); RULES.md §0.
    """
    mid = sum(1 for lv in levels if lv is TitleLevel.INTERMEDIATE)
    if 3 * mid > total:
        raise RuleError("draw_intermediate_share", count=mid, total=total)


def reviewer_numbers(members: Sequence[tuple[str, str, str]], seats: Sequence[Seats]) -> dict[str, str]:
    """The committee's reviewer numbers (评委编号) for this session: pool id → ``R01``, ``R02``, ….

    ``members``: ``(pool id, specialty, committee role)``. Numbered in this order: the chair, then the
    vice-chairs, then the other members; within each, by the specialty's place in ``seats``, then by pool id.
    Two digits (three from 100 members). The room and its documents know the reviewers by these numbers
    only; the draw record keeps which pool id each one is (docs/FORMATS.md "Draw record").
    """
    place = {s.specialty: i for i, s in enumerate(seats)}
    rank = {"chair": 0, "vice_chair": 1}
    order = sorted(members, key=lambda m: (rank.get(m[2], 2), place.get(m[1], len(place)), m[0]))
    width = max(2, len(str(len(order))))
    return {m[0]: f"R{i:0{width}d}" for i, m in enumerate(order, start=1)}


def check_plan(seats: Sequence[Seats], ratio: int) -> None:
    """The plan's numbers: an odd total (000 第十四条), each specialty at least 1 place, ratio ≥ 3
    (000 第二十六条(一)2: 1:3), specialties and panels each once.

    Raises: RuleError("draw_total_even" | "draw_ratio_low" | "draw_specialty_twice").
    """
    total = sum(s.count for s in seats)
    if total % 2 == 0:
        raise RuleError("draw_total_even", total=total)
    if ratio < 3:
        raise RuleError("draw_ratio_low", ratio=ratio)
    names = [s.specialty for s in seats]
    for n in names:
        if names.count(n) > 1:
            raise RuleError("draw_specialty_twice", specialty=n)


# -- conflicts found, not typed ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EmployerHit:
    """A reviewer and an applicant whose employers are the same once normalised (``form``: the shared form)."""

    reviewer: str
    applicant: str
    form: str


def employer_conflicts(reviewers: Sequence[tuple[str, str, Sequence[str]]],
                       applicants: Sequence[tuple[str, str]]) -> list[EmployerHit]:
    """Every (reviewer, applicant) pair sharing a normalised employer, reviewers in order, then applicants.

    ``reviewers``: ``(id, employer, aliases)``; ``applicants``: ``(id, employer)``. The whole committee is
    compared with every applicant: a reviewer recuses from the applicant whatever the panel (the committee
    votes on all). Source: 000 第四十条(二)4, (三)3, (六)7; RULES.md §2 (recusal).
    """
    out = []
    for rid, employer, aliases in reviewers:
        forms = employer_forms(employer, aliases)
        for aid, emp in applicants:
            form = same_employer(forms, emp)
            if form:
                out.append(EmployerHit(rid, aid, form))
    return out
