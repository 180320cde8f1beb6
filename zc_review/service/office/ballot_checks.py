"""The ballots' checks: every round, voided ones included, counted again from the record and the log.

A round rule gives the problems of one round (English, ``"round <n> ..."``); each rule is one check (its
id in :data:`ROUND_RULES`) over all rounds that are closed or void. The printed line lists the problems
in the order of the rounds, each round's in rule order. Source: RULES.md §5; docs/FORMATS.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from zc_review.domain.ballot import box_fingerprint
from zc_review.service.office.report import Check, Facts, Section, Spec, joined

_VOTABLE = ("closed", "void")  # the states a round may be in once the session is closed
_CHOICES = ("agree", "disagree", "abstain")

RoundRule = Callable[[Facts, dict[str, Any]], list[str]]


def _round_status(f: Facts, rnd: dict[str, Any]) -> list[str]:
    return [] if rnd["status"] in _VOTABLE else [f"round {rnd['round_no']} {rnd['status']}"]


def _voter_roll(f: Facts, rnd: dict[str, Any]) -> list[str]:
    voters = rnd["voters"]
    ok = len(voters) == len(set(voters)) and len(voters) <= len(f.attending)
    return [] if ok else [f"round {rnd['round_no']} voter roll"]


def _casts_logged(f: Facts, rnd: dict[str, Any]) -> list[str]:
    n = f.casts_logged.get(rnd["round_no"], 0)
    return [] if n == len(rnd["voters"]) else [f"round {rnd['round_no']} {n} casts logged"]


def _slip_applicants(f: Facts, rnd: dict[str, Any]) -> list[str]:
    try:  # a set: a province's box is 60,000 slips for 2,000 applicants (issue 9)
        applicants = set(rnd["applicants"])
        foreign = any(s[1] not in applicants for s in rnd["slips"])
    except TypeError:  # an unhashable value in a malformed record: compared element by element, as read
        foreign = any(s[1] not in rnd["applicants"] for s in rnd["slips"])
    return [f"round {rnd['round_no']} foreign slip"] if foreign else []


def _slip_choices(f: Facts, rnd: dict[str, Any]) -> list[str]:
    invalid = any(s[2] not in _CHOICES for s in rnd["slips"])
    return [f"round {rnd['round_no']} invalid choice"] if invalid else []


def _void_reason(f: Facts, rnd: dict[str, Any]) -> list[str]:
    ok = rnd["status"] != "void" or bool(rnd["void_reason"].strip())
    return [] if ok else [f"round {rnd['round_no']} void without reason"]


def _void_revoted(f: Facts, rnd: dict[str, Any]) -> list[str]:
    if rnd["status"] != "void":
        return []
    revoted = any(later["round_no"] > rnd["round_no"] and later["applicants"] == rnd["applicants"]
                  for later in f.record["rounds"])
    return [] if revoted else [f"round {rnd['round_no']} void without re-vote"]


def _box_fingerprint(f: Facts, rnd: dict[str, Any]) -> list[str]:
    return [] if box_fingerprint(rnd["slips"]) == rnd["box_sha256"] else [f"round {rnd['round_no']} fingerprint"]


def _voters_attending(f: Facts, rnd: dict[str, Any]) -> list[str]:
    return [] if set(rnd["voters"]) <= f.attending else [f"round {rnd['round_no']} voter not attending"]


def _ballot_count(f: Facts, rnd: dict[str, Any]) -> list[str]:
    voters = set(rnd["voters"])
    out = []
    counts: Counter[Any] | None = None
    if rnd["applicants"]:
        try:  # one pass over the box, not one per applicant (issue 9)
            counts = Counter(s[1] for s in rnd["slips"])
        except TypeError:  # an unhashable value in a malformed record: counted per applicant, as read
            counts = None
    for a in rnd["applicants"]:
        cast = counts[a] if counts is not None else sum(1 for s in rnd["slips"] if s[1] == a)
        if cast != len(voters - f.recused.get(a, set())):
            out.append(f"round {rnd['round_no']} {a}: {cast} ballots")
    return out


def _slip_ids(f: Facts, rnd: dict[str, Any]) -> list[str]:
    unique = len({s[0] for s in rnd["slips"]}) == len(rnd["slips"])
    return [] if unique else [f"round {rnd['round_no']} duplicate slip"]


ROUND_RULES: tuple[tuple[str, RoundRule], ...] = (
    ("ballots.voter_roll", _voter_roll),  # voters unique, no more than attend
    ("ballots.casts_logged", _casts_logged),  # one ballot_cast log entry per voter
    ("ballots.slip_applicants", _slip_applicants),  # every slip for an applicant of the round
    ("ballots.slip_choices", _slip_choices),  # every slip a valid choice (agree, disagree, abstain)
    ("ballots.void_reason", _void_reason),  # a void round has a reason
    ("ballots.void_revoted", _void_revoted),  # a void round has a later re-vote of the same applicants
    ("ballots.box_fingerprint", _box_fingerprint),  # the box's SHA-256 as printed in the minutes
    ("ballots.voters_attending", _voters_attending),  # every voter attends
    ("ballots.ballot_count", _ballot_count),  # per applicant one slip per voter not recused
    ("ballots.slip_ids", _slip_ids),  # slip ids unique in the box
)


def _round_numbers_problems(f: Facts) -> list[str]:
    rounds = f.record["rounds"]
    return [] if [r["round_no"] for r in rounds] == list(range(1, len(rounds) + 1)) else ["round numbers"]


def _round_numbers(f: Facts) -> Check:
    """Rounds are numbered 1..n with none missing."""
    return Check("ballots.round_numbers", not (p := _round_numbers_problems(f)), joined(p))


def _rounds_status(f: Facts) -> Check:
    """Every round is closed or void (none left open when the session closed)."""
    p = [x for rnd in f.record["rounds"] for x in _round_status(f, rnd)]
    return Check("ballots.round_status", not p, joined(p))


def _round_check(check_id: str, rule: RoundRule) -> Callable[[Facts], Check]:
    def run(f: Facts) -> Check:
        p = [x for rnd in f.record["rounds"] if rnd["status"] in _VOTABLE for x in rule(f, rnd)]
        return Check(check_id, not p, joined(p))

    return run


def _ballots_line(f: Facts) -> str:
    """The problems in the order of the rounds, each round's in rule order (as the report always listed them)."""
    problems = _round_numbers_problems(f)
    for rnd in f.record["rounds"]:
        if status := _round_status(f, rnd):
            problems += status
            continue
        for _, rule in ROUND_RULES:
            problems += rule(f, rnd)
    return joined(problems)


BALLOTS = Section("office.check_ballots", (Spec("ballots.round_numbers", _round_numbers),
                                    Spec("ballots.round_status", _rounds_status),
                                    *(Spec(cid, _round_check(cid, rule)) for cid, rule in ROUND_RULES)), _ballots_line)
