"""Paper ballots counted by two tellers (issue 14; RULES.md §5 "Configurable medium"): the demo held on paper
gives exactly the laptop's results (main vote, the 2/3 rule, the cap, the run-off); the keyed counts are
checked (they add up, fit the attending and the recusals), two keyings are compared and re-keyed until they
agree, the supervisor witnesses; bad input is refused in Chinese, logged, and loses nothing."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, Packed, new_room, played_file
from zc_review.domain.outcome import declared_numbers
from zc_review.domain.script import paper_actions
from zc_review.service.errors import ServiceError
from zc_review.service.script import ScriptRunner

TELLERS = ("R02", "S02")  # an attending reviewer and the recorder
SUPERVISOR = "S01"


def paper_packed(packed: Packed, *, recount: bool = True) -> Packed:
    """``packed`` with ``ballot_mode: paper`` and its script's ballots turned into the tellers' keyings."""
    payload = dataclasses.replace(packed.payload, session={**packed.payload.session, "ballot_mode": "paper"})
    script = {**packed.script, "actions": paper_actions(packed.script["actions"], TELLERS, SUPERVISOR,
                                                        recount=recount)}
    return dataclasses.replace(packed, payload=payload, script=script)


@pytest.fixture(scope="module")
def paper_demo(demo: Packed) -> Packed:
    return paper_packed(demo)


def _upto(p: Packed, kind: str, nth: int = 0) -> int:
    return [i for i, a in enumerate(p.script["actions"]) if a["action"] == kind][nth]


@pytest.fixture(scope="module")
def played(paper_demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    room = new_room(paper_demo)
    runner = ScriptRunner(room, paper_demo.secrets, tmp_path_factory.mktemp("usb"))
    runner.run(paper_demo.script["actions"])
    return room, runner


def test_paper_demo_gives_the_laptop_results(played: tuple[Any, Any]) -> None:
    room, runner = played
    expected = json.loads((ROOT / "data/demo/expected-results.json").read_text("utf-8"))
    assert declared_numbers(room.defn, room.outcome()) == expected
    kinds = [(r["kind"], r.get("medium")) for r in room.record()["rounds"]]
    assert kinds == [("main", "paper"), ("runoff", "paper")]
    assert runner.exported is not None
    main = room.ballot.tally(1)  # the agreed counts, not the (empty) electronic box
    assert {a: t.agree for a, t in main.items()} == {a: v["agree"] for a, v in expected["applicants"].items()}
    runoff = room.record()["rounds"][1]
    assert {a: c["agree"] for a, c in runoff["tally"]["agreed"].items()} == {
        a: expected["applicants"][a]["runoff_agree"][0] for a in runoff["applicants"]}


def test_office_and_auditor_verify_the_paper_bundle(played: tuple[Any, Any], paper_demo: Packed) -> None:
    from tests.e2e.test_standalone_verifier import assert_agree

    rep, out = assert_agree(played[1].exported[0], paper_demo.keys)
    assert rep.ok and out["accepted"], rep.failures()


def test_paper_session_report_says_the_tellers_counts_were_checked(played: tuple[Any, Any],
                                                                   paper_demo: Packed) -> None:
    """In paper mode the report prints the tally line even when it passes (a laptop report leaves it out):
    the office sees that the tellers' keyings, sums and the witness were checked, and how many."""
    from zc_review.i18n import t
    from zc_review.service.office import verify_bundle

    rep = verify_bundle(played[1].exported[0], paper_demo.keys)
    lines = {ln.name: ln for ln in rep.lines}
    assert rep.ok, rep.failures()
    assert len(rep.lines) == 17  # the laptop report's 16 and this one
    tally = lines[t("office.check_tally")]
    rounds = [r for r in played[0].record()["rounds"] if r.get("medium") == "paper"]
    keyings = sum(len(r["tally"]["keyings"]) for r in rounds)
    assert tally.ok and tally.detail == t("office.tally_checked", rounds=len(rounds), keyings=keyings)
    assert (len(rounds), keyings) == (2, 6)  # the main round re-keyed once (recount), the run-off


# -- one round keyed by hand: a database with the demo played to its first keying, copied per test ----------------

@pytest.fixture(scope="module")
def poll_db(paper_demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return played_file(paper_demo, _upto(paper_demo, "key_tally"), tmp_path_factory.mktemp("paper-poll") / "session.db")


@pytest.fixture
def poll(paper_demo: Packed, poll_db: Any, tmp_path: Any) -> Any:
    """``poll(**rules)`` → (room, runner) at the main round's keying, the round's ballots printed."""
    import shutil

    def make(**rules: Any) -> tuple[Any, ScriptRunner]:
        session = paper_demo.payload.session
        p = paper_demo if not rules else dataclasses.replace(paper_demo, payload=dataclasses.replace(
            paper_demo.payload, session={**session, "rules": {**session["rules"], **rules}}))
        db = tmp_path / f"s{len(list(tmp_path.iterdir()))}.db"
        shutil.copyfile(poll_db, db)
        room = new_room(p, db)
        return room, ScriptRunner(room, p.secrets, tmp_path / "usb")

    return make


def _counts(room: Any, agree: dict[str, int], base: dict[str, int] | None = None) -> dict[str, dict[str, int]]:
    """Every applicant of the open round: ``agree`` of them (default the demo's count), the rest disagree, every
    ballot returned (one per reviewer not recused)."""
    rnd = room.ballot.open_round()
    eligible = room.tally.eligible(rnd)
    out = {}
    for a in room.ballot.round_applicants(rnd):
        n = len(eligible[a])
        k = agree.get(a, (base or {}).get(a, 0))
        out[a] = {"agree": k, "disagree": n - k, "abstain": 0, "blank": 0, "returned": n}
    return out


def _first_keying(p: Packed) -> dict[str, dict[str, int]]:
    return dict(p.script["actions"][_upto(p, "key_tally")]["counts"])


def _settle(room: Any, runner: ScriptRunner, counts: dict[str, dict[str, int]]) -> None:
    room.tally.key_tally(runner.actor(TELLERS[0]), counts)
    room.tally.key_tally(runner.actor(TELLERS[1]), counts)
    room.tally.witness(runner.actor(SUPERVISOR))
    room.ballot.close_poll(runner.recorder)


def _outcome(room: Any, a: str) -> tuple[str, int, int]:
    o = room.outcome().applicants[a]
    return o.outcome.value, o.tally.agree, o.base


def test_two_thirds_edge_with_16_attending(poll: Any, paper_demo: Packed) -> None:
    """16 attend (R17 absent). Hand-worked: 3·11 = 33 ≥ 32 passes, 3·10 = 30 < 32 fails. G-JT passed 3 of its
    cap 4 in the demo, so two of its applicants below 2/3 are keyed at 11 and 10 agree."""
    room, runner = poll()
    demo_agree = {a: c["agree"] for a, c in _first_keying(paper_demo).items()}
    low = [a.id for a in room.defn.applicants_of_group("G-JT") if demo_agree[a.id] < 11
           and not room.ctx.recused_ids(a.id)]
    x, y = low[0], low[1]
    _settle(room, runner, _counts(room, {x: 11, y: 10}, demo_agree))
    assert len(room.ctx.attending_ids()) == 16
    assert _outcome(room, x) == ("passed", 11, 16)
    assert _outcome(room, y) == ("below_threshold", 10, 16)


def test_recusal_base_counts_on_paper(poll: Any, paper_demo: Packed) -> None:
    """A003 (R06 recused, pre-declared): 15 ballots can carry it. Base attending (16): 10 agree fails; base
    attending_minus_recused (15): 3·10 = 30 ≥ 30 reaches 2/3."""
    demo_agree = {a: c["agree"] for a, c in _first_keying(paper_demo).items()}
    for setting, base, reached in (("attending", 16, False), ("attending_minus_recused", 15, True)):
        room, runner = poll(recusal_base=setting)
        counts = _counts(room, {"A003": 10}, demo_agree)
        assert counts["A003"]["returned"] == 15
        _settle(room, runner, counts)
        outcome, agree, got_base = _outcome(room, "A003")
        assert (agree, got_base) == (10, base)
        assert (outcome != "below_threshold") is reached


def test_returned_over_the_recusal_electorate_refused(poll: Any) -> None:
    room, runner = poll()
    counts = _counts(room, {})
    counts["A003"] = {"agree": 16, "disagree": 0, "abstain": 0, "blank": 0, "returned": 16}
    with pytest.raises(ServiceError) as err:
        room.tally.key_tally(runner.actor(TELLERS[0]), counts)
    assert err.value.code == "tally_returned_over_eligible"
    assert "回避" in err.value.message and room.defn.applicant("A003").code in err.value.message


def test_mismatch_is_recounted_by_both_tellers_until_they_agree(poll: Any) -> None:
    room, runner = poll()
    right = _counts(room, {})
    wrong = {**right, "A001": {**right["A001"], "agree": 1, "disagree": right["A001"]["disagree"] - 1},
             "A002": {**right["A002"], "blank": 1, "disagree": right["A002"]["disagree"] - 1}}
    room.tally.key_tally(runner.actor(TELLERS[0]), right)
    state = room.tally.key_tally(runner.actor(TELLERS[1]), wrong)
    assert set(state.mismatches) == {"A001", "A002"} and state.due == ("A001", "A002")
    assert len(state.agreed) == 34 and state.pass_no == 2
    with pytest.raises(ServiceError) as err:  # a third person may not join the re-count
        room.tally.key_tally(runner.actor("R03"), {a: right[a] for a in ("A001", "A002")})
    assert err.value.code == "tally_other_teller"
    with pytest.raises(ServiceError) as err:  # an applicant already agreed is not keyed again
        room.tally.key_tally(runner.actor(TELLERS[1]), {a: right[a] for a in ("A001", "A002", "A003")})
    assert err.value.code == "tally_already_agreed_applicant"
    with pytest.raises(ServiceError) as err:
        room.tally.witness(runner.actor(SUPERVISOR))
    assert err.value.code == "tally_not_agreed"
    room.tally.key_tally(runner.actor(TELLERS[1]), {a: right[a] for a in ("A001", "A002")})
    state = room.tally.key_tally(runner.actor(TELLERS[0]), {a: wrong[a] for a in ("A001",)} | {"A002": right["A002"]})
    assert state.due == ("A001",) and state.pass_no == 3  # still differ on A001: a third pass
    room.tally.key_tally(runner.actor(TELLERS[0]), {"A001": right["A001"]})
    state = room.tally.key_tally(runner.actor(TELLERS[1]), {"A001": right["A001"]})
    assert state.complete and {a: c.as_dict() for a, c in state.agreed.items()} == right
    with pytest.raises(ServiceError) as err:
        room.ballot.close_poll(runner.recorder)
    assert err.value.code == "tally_not_witnessed"
    room.tally.witness(runner.actor(SUPERVISOR))
    room.ballot.close_poll(runner.recorder)
    tally = room.record()["rounds"][0]["tally"]
    assert [(k["pass"], k["teller"], len(k["counts"])) for k in tally["keyings"]] == [
        (1, "R02", 36), (1, "S02", 36), (2, "S02", 2), (2, "R02", 2), (3, "R02", 1), (3, "S02", 1)]
    assert tally["tellers"] == list(TELLERS) and tally["witness"] == SUPERVISOR


@pytest.mark.parametrize(("edit", "code", "words"), [
    (lambda c: c["A001"].update(agree=c["A001"]["agree"] + 1), "tally_exceeds_returned", "超过收回选票"),
    (lambda c: c["A001"].update(disagree=c["A001"]["disagree"] - 1), "tally_short_of_returned", "少于收回选票"),
    (lambda c: c.update(A999={"agree": 0, "disagree": 0, "abstain": 0, "blank": 0, "returned": 0}),
     "tally_foreign_applicant", "不在本轮选票上"),
    (lambda c: c["A001"].update(returned=17, disagree=c["A001"]["disagree"] + 1), "tally_returned_over_attending",
     "多于出席评委"),
    (lambda c: c["A001"].update(agree=-1), "tally_not_count", "整数"),
    (lambda c: c.pop("A001"), "tally_incomplete", "未录入"),
])
def test_bad_keying_refused_logged_and_nothing_lost(poll: Any, edit: Any, code: str, words: str) -> None:
    room, runner = poll()
    good = _counts(room, {})
    room.tally.key_tally(runner.actor(TELLERS[0]), good)
    bad = json.loads(json.dumps(good))
    edit(bad)
    with pytest.raises(ServiceError) as err:
        room.tally.key_tally(runner.actor(TELLERS[1]), bad)
    assert err.value.code == code and words in err.value.message
    refused = [e for e in room.record(with_log=True)["log"] if e["action"] == "tally_refused"]
    assert refused[-1]["detail"] == {"round": 1, "code": code} and refused[-1]["actor"] == TELLERS[1]
    assert refused[-1]["role"] == "recorder"  # S02, the recorder, is the second teller
    state = room.tally.state()  # the first keying is kept; the second teller keys again
    assert state.first == TELLERS[0] and state.pass_no == 1
    assert room.tally.key_tally(runner.actor(TELLERS[1]), good).complete


def test_same_teller_twice_and_the_supervisor_refused(poll: Any) -> None:
    room, runner = poll()
    good = _counts(room, {})
    with pytest.raises(ServiceError) as err:
        room.tally.key_tally(runner.actor(SUPERVISOR), good)
    assert err.value.code == "not_permitted"  # the supervisor holds no teller's role: they witness
    room.tally.key_tally(runner.actor(TELLERS[0]), good)
    with pytest.raises(ServiceError) as err:
        room.tally.key_tally(runner.actor(TELLERS[0]), good)
    assert err.value.code == "tally_same_teller" and "另一位计票人" in err.value.message
    with pytest.raises(ServiceError) as err:
        room.tally.key_tally(runner.actor("R17"), good)  # absent: holds no reviewer's role
    assert err.value.code == "not_permitted"


def test_laptop_ballot_refused_in_paper_mode(poll: Any) -> None:
    room, runner = poll()
    with pytest.raises(ServiceError) as err:
        room.ballot.cast_ballot(runner.actor("R03"), {})
    assert err.value.code == "ballot_mode_paper" and "纸质选票" in err.value.message


def test_paper_actions_refused_in_laptop_mode(room_at: Any) -> None:
    room, runner = room_at("ballot")
    for call in (lambda: room.tally.print_ballots(runner.recorder),
                 lambda: room.tally.key_tally(runner.actor("R02"), {}),
                 lambda: room.tally.witness(runner.actor("S01"))):
        with pytest.raises(ServiceError) as err:
            call()
        assert err.value.code == "ballot_mode_laptop" and "本机" in err.value.message


def test_cap_per_ballot_on_paper(poll: Any) -> None:
    """ballot_agree_limit on: G-JZ's cap is 4 of its applicants; 16 ballots may hold at most 4 × 16 agree votes
    in that group. Every G-JZ applicant keyed with 16 agree exceeds it (more than 4 applicants)."""
    room, runner = poll(ballot_agree_limit=True)
    jz = [a.id for a in room.defn.applicants_of_group("G-JZ") if not room.ctx.recused_ids(a.id)]
    assert len(jz) > 4
    with pytest.raises(ServiceError) as err:
        room.tally.key_tally(runner.actor(TELLERS[0]), _counts(room, dict.fromkeys(jz, 16)))
    assert err.value.code == "ballot_agree_limit_paper" and "上限" in err.value.message
    room.tally.key_tally(runner.actor(TELLERS[0]), _counts(room, dict.fromkeys(jz[:4], 16)))


def test_printed_ballots_are_identical_per_form_and_leave_recusals_out(poll: Any) -> None:
    """Form A carries every applicant nobody attending is recused from; A003, A005 and A015 each go on their
    own form (R06, R07, R11 recused), printed once per reviewer who may vote on it; no reviewer's name."""
    room, runner = poll()
    rnd = room.ballot.open_round()
    forms = room.tally.forms(rnd)
    assert [(f.letter, f.copies) for f in forms][0] == ("A", 16)
    assert sorted(a for f in forms[1:] for a in f.applicant_ids) == ["A003", "A005", "A015"]
    assert all(f.copies == 15 for f in forms[1:])
    pdf = room.tally.print_ballots(runner.recorder)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    # form A's 33 lines take two pages per copy, the one-applicant forms one: numbered within each copy
    per = [2] + [1] * (len(forms) - 1)
    assert len(pages) == sum(f.copies * n for f, n in zip(forms, per, strict=True))
    assert [p.count("共 2 页") for p in pages[:2]] == [1, 1] and "第 1 页 共 1 页" in pages[-1]
    copies_a = [tuple(pages[i:i + 2]) for i in range(0, 32, 2)]
    assert len(set(copies_a)) == 1  # every copy of form A is the same sheet of paper
    assert len(set(pages[32:47])) == 1  # and every copy of form B
    names = [r.name for r in room.defn.reviewers]
    assert not any(n in p for p in pages for n in names)


# -- resuming a script at a teller's re-keying (the same applicants, the same counts as their first keying) -------

def _off_by_one(c: dict[str, int]) -> dict[str, int]:
    """The same ballots counted with one line moved (agree → abstain, else disagree → abstain, …): adds up."""
    for src, dst in (("agree", "abstain"), ("disagree", "abstain"), ("abstain", "blank"), ("blank", "abstain")):
        if c[src] > 0:
            return {**c, src: c[src] - 1, dst: c[dst] + 1}
    raise AssertionError(f"no ballot returned: {c}")


def test_resume_does_not_skip_a_re_keying_that_repeats_the_tellers_first_counts(
        poll: Any, paper_demo: Packed, tmp_path: Any) -> None:
    """The second teller miscounts every applicant, so the first teller re-keys all of them with exactly the
    counts of their first keying. A run stopped just before that re-keying resumes at it (it was wrongly taken
    as done: the teller's pass-1 keying has the same applicants and counts), and ends with the laptop results."""
    room, runner = poll()
    actions = paper_demo.script["actions"]
    i0 = _upto(paper_demo, "key_tally")
    witness = _upto(paper_demo, "witness_tally")  # the main round's keyings are actions[i0:witness]
    first = dict(actions[i0]["counts"])
    keyings = [{"action": "key_tally", "teller": TELLERS[0], "counts": first},
               {"action": "key_tally", "teller": TELLERS[1], "counts": {a: _off_by_one(c) for a, c in first.items()}},
               {"action": "key_tally", "teller": TELLERS[0], "counts": first},  # the re-keying: same applicants
               {"action": "key_tally", "teller": TELLERS[1], "counts": first}]
    assert {a["action"] for a in actions[i0:witness]} == {"key_tally"}
    script = [*actions[:i0], *keyings, *actions[witness:]]
    rekey = i0 + 2
    acks = tmp_path / "acks"
    acks.write_text("".join(f"{i}\n" for i in range(i0)), "ascii")  # the fixture's room has done actions[:i0]
    assert runner.run(script[:rekey], acks=acks) == i0  # the power goes just before the re-keying
    from zc_review.service.script import ScriptRunner

    resumed = ScriptRunner(room, paper_demo.secrets, tmp_path / "usb2")
    assert resumed.run(script, acks=acks) == rekey  # resumed at the re-keying, not after it
    rnd = room.record()["rounds"][0]
    assert [(k["pass"], k["teller"]) for k in rnd["tally"]["keyings"]] == [
        (1, TELLERS[0]), (1, TELLERS[1]), (2, TELLERS[0]), (2, TELLERS[1])]
    expected = json.loads((ROOT / "data/demo/expected-results.json").read_text("utf-8"))
    assert declared_numbers(room.defn, room.outcome()) == expected
