"""Properties of the decision rules added for issue 4 §8 (the others are in tests/unit/test_rules.py)."""

from __future__ import annotations

import random
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from zc_review.domain import rules
from zc_review.domain.ballot import Choice, tally_slips
from zc_review.domain.rules import Candidate, Outcome

cands = st.lists(st.tuples(st.integers(0, 20), st.integers(60, 95)), min_size=1, max_size=14)


@given(cands, st.sampled_from([D("0.3"), D("0.5"), D("0.6"), D("0.75")]), st.integers(1, 20), st.data())
def test_more_agree_never_turns_pass_into_fail_with_the_cap(rows: list[tuple[int, int]], rate: D, base: int,
                                                             data: st.DataObject) -> None:
    """With the pass-rate cap in force: one more agree vote for a passing applicant keeps them passing."""
    c = [Candidate(f"a{i}", min(a, base), base, D(s)) for i, (a, s) in enumerate(rows)]
    i = data.draw(st.integers(0, len(c) - 1))
    before = rules.decide_group(c, rate).outcomes[c[i].applicant_id]
    more = list(c)
    more[i] = Candidate(c[i].applicant_id, min(base, c[i].agree + 1), base, c[i].composite)
    after = rules.decide_group(more, rate).outcomes[c[i].applicant_id]
    if before is Outcome.PASSED:
        assert after is Outcome.PASSED


choices = st.lists(st.tuples(st.sampled_from(["A1", "A2", "A3"]), st.sampled_from([c.value for c in Choice])),
                   max_size=60)


@given(choices, st.randoms())
def test_tally_does_not_depend_on_ballot_order(slips: list[tuple[str, str]], rnd: random.Random) -> None:
    """The count the room's ``tally`` and the office's recount both use gives the same for any order."""
    shuffled = list(slips)
    rnd.shuffle(shuffled)
    assert tally_slips(slips, ["A1", "A2", "A3"]) == tally_slips(shuffled, ["A1", "A2", "A3"])
