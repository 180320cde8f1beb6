"""Paper ballots counted by tellers (计票人) under the supervisor's eye (监票): counts, keyings, forms. Pure.

In paper mode (``SessionDefinition.ballot_mode == "paper"``) the secret ballot is held on printed ballots;
two tellers count them and each keys the counts per applicant independently. This module holds the rules
of those counts (they add up, they fit the reviewers who could have voted), the settlement of two keyings
(the applicants on which they differ are re-counted and keyed again by both tellers until they agree),
the ballot forms printed for a round, and the canonical statements the tellers and the witness sign.

The agreed counts become ``domain.ballot.Tally`` values and feed the same ``compute_outcome`` as laptop
ballots (rounds, run-offs, the 2/3 rule, the cap). A blank (空白) ballot line counts as not agreeing, like
an abstention. Source: RULES.md §5 ("Configurable medium": common committee practice, not a seed rule);
GLOSSARY.md (计票人 / 监票人).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zc_review.domain.ballot import Tally
from zc_review.domain.codec import canonical_json
from zc_review.domain.rules import RuleError

COUNT_FIELDS = ("agree", "disagree", "abstain", "blank", "returned")
MAX_COUNT = 999  # no committee is this large; a typed 4-digit count is a slip of the hand
KEYING_PREFIX = "zc-review tally keying\n"
WITNESS_PREFIX = "zc-review tally witness\n"


@dataclass(frozen=True)
class PaperCount:
    """One applicant's counts on the returned paper ballots of one round (ints ≥ 0).

    ``returned``: ballots returned that carry this applicant; agree + disagree + abstain + blank must
    equal it (a line left unmarked, or spoilt, is blank).
    """

    agree: int = 0
    disagree: int = 0
    abstain: int = 0
    blank: int = 0
    returned: int = 0

    @property
    def marked(self) -> int:
        """agree + disagree + abstain + blank: the lines counted."""
        return self.agree + self.disagree + self.abstain + self.blank

    def as_dict(self) -> dict[str, int]:
        """{agree, disagree, abstain, blank, returned} (the record's and the statements' shape)."""
        return {k: getattr(self, k) for k in COUNT_FIELDS}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PaperCount:
        """The inverse of ``as_dict``. Raises: RuleError("tally_not_count") for a missing or non-integer field."""
        vals = {}
        for k in COUNT_FIELDS:
            v = raw.get(k)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > MAX_COUNT:
                raise RuleError("tally_not_count", field=k, value=v)
            vals[k] = v
        if set(raw) - set(COUNT_FIELDS):
            raise RuleError("tally_not_count", field=",".join(sorted(set(raw) - set(COUNT_FIELDS))), value="")
        return cls(**vals)

    def tally(self) -> Tally:
        """The ``Tally`` the outcome counts: agree, disagree, abstain (blank is not agreeing, as abstain)."""
        return Tally(self.agree, self.disagree, self.abstain)


def check_count(code: str, c: PaperCount, *, attending: int, eligible: int) -> None:
    """Check one applicant's keyed counts.

    Args: code: the applicant's code (for the message); attending: reviewers attending the meeting;
        eligible: attending reviewers not recused from this applicant (the ballots that can carry it).
    Raises: RuleError("tally_exceeds_returned") when agree + disagree + abstain + blank > returned;
        ("tally_short_of_returned") when it is less; ("tally_returned_over_attending") when returned >
        attending; ("tally_returned_over_eligible") when returned > eligible (recusal).
    Source: RULES.md §2 (recusal), §5; issue 14 (agree + disagree + abstain + blank = returned ≤ attending).
    """
    params = {"code": code, **c.as_dict(), "total": c.marked}
    if c.returned > attending:
        raise RuleError("tally_returned_over_attending", attending=attending, **params)
    if c.returned > eligible:
        raise RuleError("tally_returned_over_eligible", eligible=eligible, **params)
    if c.marked > c.returned:
        raise RuleError("tally_exceeds_returned", **params)
    if c.marked < c.returned:
        raise RuleError("tally_short_of_returned", **params)


@dataclass(frozen=True)
class Keying:
    """One teller's keyed counts in one pass: pass 1 covers the round's applicants, a later pass only
    those the two keyings of the pass before differed on."""

    pass_no: int
    teller_id: str
    counts: Mapping[str, PaperCount]


@dataclass(frozen=True)
class TallyState:
    """Where the keying of one round stands.

    ``agreed``: applicant → counts both tellers keyed alike; ``pass_no``: the pass now being keyed;
    ``due``: the applicants this pass covers (empty once all agreed); ``first``: the teller who keyed
    the pass already (None before); ``tellers``: the two tellers once the first pass is complete;
    ``mismatches``: the applicants of the last complete pass that differed, with both keyings' counts.
    """

    agreed: Mapping[str, PaperCount]
    pass_no: int
    due: tuple[str, ...]
    first: str | None
    tellers: tuple[str, ...]
    mismatches: Mapping[str, tuple[PaperCount, PaperCount]]

    @property
    def complete(self) -> bool:
        """Every applicant of the round has agreed counts."""
        return not self.due


def tally_state(applicants: Sequence[str], keyings: Iterable[Keying]) -> TallyState:
    """Replay the keyings of a round (in the order keyed) into its state.

    Raises: RuleError("tally_keying_out_of_order") when a keying does not fit the replay (wrong pass,
    other applicants than due, the same teller twice, a third teller): the room never stores one, a forged
    record may hold one. Source: issue 14 (two tellers key independently; mismatches re-counted and re-keyed).
    """
    agreed: dict[str, PaperCount] = {}
    due = tuple(applicants)
    pass_no, first = 1, None
    tellers: tuple[str, ...] = ()
    pending: Keying | None = None
    mismatches: dict[str, tuple[PaperCount, PaperCount]] = {}
    for k in keyings:
        try:
            check_next_keying(TallyState(agreed, pass_no, due, first, tellers, mismatches), k.teller_id, k.counts)
        except RuleError as exc:
            raise RuleError("tally_keying_out_of_order", pass_no=k.pass_no, teller=k.teller_id,
                            problem=exc.code) from exc
        if k.pass_no != pass_no:
            raise RuleError("tally_keying_out_of_order", pass_no=k.pass_no, teller=k.teller_id, problem="pass")
        if pending is None:
            pending, first = k, k.teller_id
            continue
        if not tellers:
            tellers = (pending.teller_id, k.teller_id)
        mismatches = {}
        for a in due:
            x, y = pending.counts[a], k.counts[a]
            if x == y:
                agreed[a] = x
            else:
                mismatches[a] = (x, y)
        due = tuple(a for a in due if a in mismatches)
        pass_no, first, pending = pass_no + 1, None, None
    return TallyState(agreed, pass_no, due, first, tellers, mismatches)


def check_next_keying(state: TallyState, teller_id: str, counts: Mapping[str, PaperCount]) -> None:
    """Check that ``teller_id`` may key ``counts`` now (not their values: see ``check_count``).

    Raises: RuleError("tally_already_agreed") when every applicant is agreed; ("tally_same_teller") when
    the teller keyed this pass already; ("tally_other_teller") for a third person in a re-keying;
    ("tally_foreign_applicant", code=applicant id) for an applicant not due in this pass (not on the
    round's ballot, or already agreed); ("tally_incomplete", count=n) for applicants due but missing.
    """
    if state.complete:
        raise RuleError("tally_already_agreed")
    if state.first == teller_id:
        raise RuleError("tally_same_teller")
    if state.tellers and teller_id not in state.tellers:
        raise RuleError("tally_other_teller")
    foreign = [a for a in counts if a not in state.due]
    if foreign:
        raise RuleError("tally_foreign_applicant", applicant=foreign[0])
    missing = [a for a in state.due if a not in counts]
    if missing:
        raise RuleError("tally_incomplete", count=len(missing))


def agreed_tallies(agreed: Mapping[str, Mapping[str, Any]], applicants: Sequence[str]) -> dict[str, Tally]:
    """The round's ``Tally`` per applicant from the record's agreed counts (one entry per applicant).

    Raises: RuleError("ballot_box_corrupt") when the counts are not for exactly the round's applicants or
    do not add up (agree + disagree + abstain + blank ≠ returned). Source: RULES.md §5.
    """
    if set(agreed) != set(applicants):
        raise RuleError("ballot_box_corrupt")
    out = {}
    for a in applicants:
        try:
            c = PaperCount.from_dict(agreed[a])
        except RuleError as exc:
            raise RuleError("ballot_box_corrupt") from exc
        if c.marked != c.returned:
            raise RuleError("ballot_box_corrupt")
        out[a] = c.tally()
    return out


# -- the printed forms ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BallotForm:
    """One printed ballot form (票样) of a round: the applicants it carries and how many copies.

    Every reviewer entitled to all of ``applicant_ids`` (and to no other applicant grouped with them) gets
    one copy; all copies are identical, so no ballot names or singles out its holder.
    """

    letter: str
    applicant_ids: tuple[str, ...]
    copies: int


def ballot_forms(applicants: Sequence[str], eligible: Mapping[str, frozenset[str]]) -> list[BallotForm]:
    """Group a round's applicants into forms by who may vote on them.

    Args: applicants: the round's applicants in ballot order (by code); eligible: applicant → the attending
        reviewers not recused from it.
    Returns: forms lettered A, B, … ; A carries the applicants with the largest electorate (usually all
        attending), each further form the applicants sharing one smaller electorate, in ballot order.
        Applicants nobody may vote on get no form.
    Why: a ballot tailored to each reviewer (leaving out their recusals) would tell the tellers whose it
        is whenever a recusal set is held by one reviewer alone; identical copies per electorate do not.
    Source: RULES.md §2 (recusal: does not vote on it), §5 (secret ballot).
    """
    groups: dict[frozenset[str], list[str]] = {}
    for a in applicants:
        voters = eligible.get(a, frozenset())
        if voters:
            groups.setdefault(voters, []).append(a)
    order = sorted(groups.items(), key=lambda kv: (-len(kv[0]), applicants.index(kv[1][0])))
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [BallotForm(letters[i] if i < 26 else f"Z{i - 25}", tuple(ids), len(voters))
            for i, (voters, ids) in enumerate(order)]


def check_paper_agree_limit(forms: Sequence[BallotForm], counts: Mapping[str, PaperCount],
                            group_of: Mapping[str, str], caps: Mapping[str, int]) -> None:
    """The optional "a ballot may hold at most cap agree votes per group" on paper, as far as counts show it.

    The limit is printed on each form and applied by the tellers per form: a ballot over it is blank for
    that group. The laptop then checks the bound the counts must respect: on each form, the agree votes of
    a group's applicants are at most cap × the ballots of that form returned.
    Raises: RuleError("ballot_agree_limit_paper", form=, group=, cap=, agree=). Source: RULES.md §5.
    """
    for f in forms:
        keyed = [a for a in f.applicant_ids if a in counts]
        if not keyed:
            continue
        returned = max(counts[a].returned for a in keyed)
        per_group: dict[str, int] = {}
        for a in keyed:
            per_group[group_of[a]] = per_group.get(group_of[a], 0) + counts[a].agree
        for g, agree in per_group.items():
            if agree > caps.get(g, 0) * returned:
                raise RuleError("ballot_agree_limit_paper", form=f.letter, group=g, cap=caps.get(g, 0), agree=agree)


def ballot_check_code(session_id: str, package_id: str, round_no: int, form: BallotForm) -> str:
    """The check code printed on every copy of a form: 8 hex digits of SHA-256 over the session, package,
    round, form letter and applicants. Identifies the form and round, never a holder (all copies share it)."""
    body = canonical_json({"session_id": session_id, "package_id": package_id, "round": round_no,
                           "form": form.letter, "applicants": list(form.applicant_ids)})
    return hashlib.sha256(body).hexdigest()[:8].upper()


# -- the signed statements ---------------------------------------------------------------------------

def keying_statement(session_id: str, round_no: int, pass_no: int, teller_id: str,
                     counts: Mapping[str, PaperCount]) -> str:
    """The text a teller signs for one keying: ``KEYING_PREFIX`` + canonical JSON of {session_id, round,
    pass, teller, counts {applicant: {agree, disagree, abstain, blank, returned}}}. docs/FORMATS.md."""
    body = {"session_id": session_id, "round": round_no, "pass": pass_no, "teller": teller_id,
            "counts": {a: c.as_dict() for a, c in counts.items()}}
    return KEYING_PREFIX + canonical_json(body).decode("utf-8")


def parse_keying_statement(text: str) -> tuple[str, int, int, str, dict[str, PaperCount]]:
    """(session_id, round, pass, teller, counts) of a keying statement.

    Raises: RuleError("tally_statement_invalid") for a text that is not one."""
    if not text.startswith(KEYING_PREFIX):
        raise RuleError("tally_statement_invalid")
    try:
        body = json.loads(text[len(KEYING_PREFIX):])
        counts = {str(a): PaperCount.from_dict(c) for a, c in body["counts"].items()}
        return str(body["session_id"]), int(body["round"]), int(body["pass"]), str(body["teller"]), counts
    except (ValueError, KeyError, TypeError, AttributeError, RuleError) as exc:
        raise RuleError("tally_statement_invalid") from exc


def witness_statement(session_id: str, round_no: int, tellers: Sequence[str],
                      agreed: Mapping[str, PaperCount]) -> str:
    """The text the supervisor signs as witness (监票): ``WITNESS_PREFIX`` + canonical JSON of {session_id,
    round, tellers [first, second], agreed {applicant: counts}}. docs/FORMATS.md."""
    body = {"session_id": session_id, "round": round_no, "tellers": list(tellers),
            "agreed": {a: c.as_dict() for a, c in agreed.items()}}
    return WITNESS_PREFIX + canonical_json(body).decode("utf-8")


def tally_record(keyings: list[Keying], state: TallyState, witness: str | None) -> dict[str, Any]:
    """The ``tally`` object of a paper round in results.json: keyings in the order keyed, the two tellers, the
    agreed counts by applicant, the witness's person id (docs/FORMATS.md "Paper rounds")."""
    return {"keyings": [{"pass": k.pass_no, "teller": k.teller_id,
                         "counts": {a: c.as_dict() for a, c in k.counts.items()}} for k in keyings],
            "tellers": list(state.tellers),
            "agreed": {a: c.as_dict() for a, c in sorted(state.agreed.items())},
            "witness": witness}
