"""Nothing quadratic (issue 9): the work of one room action does not grow with the number of applicants.

Two synthetic committees (tools/make_scale_data.py: 31 reviewers in 6 panels) of 6 and 18 applicants play
their whole session through the service. For every action kind the test counts, per action, the SQL
statements sent to the session database (an SQLAlchemy event), the table objects built (loaded or made:
SQLAlchemy's mapper events) and the outcome computations (``compute_outcome`` from the record, RULES.md
§4–5). Three times the applicants cost every action the same number of statements; they may cost more table
objects only to the actions that read the whole record (opening and closing a poll, the minutes, the
export): a ballot's slips, a province's 2,000 per ballot, are written as rows, never built as objects one by
one (issue 9). The outcome is computed once, by the command that closes the poll, and read afterwards: never
once per failure reason, sign-off, minutes or export. This counts work, not seconds: it cannot be made flaky
by a busy machine.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Packed, _pack, new_room

# actions whose one run reads the whole record (once per session): they may build more table objects
WHOLE_SESSION = {"close_poll", "generate_minutes", "export", "open_poll"}


def _costs(packed: Packed, tmp: Path) -> tuple[dict[str, int], Counter[str], int, dict[str, int]]:
    """(worst SQL statements per action, by kind; outcome computations by kind; total outcome computations;
    worst table objects built per action, by kind, and ``results_view``: the results read after the session)."""
    import sqlalchemy
    from sqlalchemy.orm import Mapper

    import zc_review.service.room.context as room_context
    from zc_review.service.script import ScriptRunner

    room = new_room(packed)
    runner = ScriptRunner(room, packed.secrets, tmp / "usb")
    count = [0]

    def on_execute(*_a: Any, **_k: Any) -> None:
        count[0] += 1

    outcomes = [0]
    real = room_context.compute_outcome

    def counted(*a: Any, **k: Any) -> Any:
        outcomes[0] += 1
        return real(*a, **k)

    objects = [0]

    def on_object(*_a: Any, **_k: Any) -> None:
        objects[0] += 1

    statements: dict[str, int] = defaultdict(int)
    built: dict[str, int] = defaultdict(int)
    by_kind: Counter[str] = Counter()
    mp = pytest.MonkeyPatch()
    mp.setattr(room_context, "compute_outcome", counted)
    sqlalchemy.event.listen(room.engine, "before_cursor_execute", on_execute)
    sqlalchemy.event.listen(Mapper, "load", on_object)
    sqlalchemy.event.listen(Mapper, "init", on_object)
    try:
        for act in packed.script["actions"]:
            for who in ("reviewer", "person", "leader"):  # the one credential check per person, not counted
                if who in act:
                    runner.actor(act[who])
            q0, o0, b0 = count[0], outcomes[0], objects[0]
            runner.perform(act)
            statements[act["action"]] = max(statements[act["action"]], count[0] - q0)
            built[act["action"]] = max(built[act["action"]], objects[0] - b0)
            by_kind[act["action"]] += outcomes[0] - o0
        q0, o0, b0 = count[0], outcomes[0], objects[0]
        room.views.results()
        statements["results_view"], built["results_view"] = count[0] - q0, objects[0] - b0
        by_kind["results_view"] = outcomes[0] - o0
    finally:
        sqlalchemy.event.remove(room.engine, "before_cursor_execute", on_execute)
        sqlalchemy.event.remove(Mapper, "load", on_object)
        sqlalchemy.event.remove(Mapper, "init", on_object)
        mp.undo()
    assert room.closing.last_export() is not None
    return dict(statements), by_kind, outcomes[0], dict(built)


@pytest.fixture(scope="module")
def two_sizes(tmp_path_factory: pytest.TempPathFactory, office_keys: Path) -> dict[int, tuple[Any, ...]]:
    from tools.make_scale_data import make_scale

    out = {}
    for n in (6, 18):
        tmp = tmp_path_factory.mktemp(f"scale-{n}")
        data = make_scale(tmp / "input", n)
        packed = _pack(tmp, data, office_keys)
        out[n] = _costs(packed, tmp)
    return out


def test_the_scale_script_is_the_session_its_docstring_says() -> None:
    """The generator's script scores by reviewer (each reviewer's turn at once, as a panel works)."""
    import tempfile

    from tools.make_scale_data import make_scale

    with tempfile.TemporaryDirectory() as d:
        data = make_scale(Path(d) / "in", 12)
        acts = json.loads((data / "script.json").read_text("utf-8"))["actions"]
    scorers = [a["reviewer"] for a in acts if a["action"] == "scores"]
    turns = [r for i, r in enumerate(scorers) if i == 0 or scorers[i - 1] != r]
    assert len(turns) == len(set(turns)), "a reviewer's scoring turn is split"
    assert {a["action"] for a in acts} >= {"ballot", "failure_reason", "sign_off", "export"}


def test_statements_per_action_do_not_grow_with_applicants(two_sizes: dict[int, tuple[Any, ...]]) -> None:
    small, large = two_sizes[6][0], two_sizes[18][0]
    assert set(small) == set(large)
    grew = {k: (small[k], large[k]) for k in small if large[k] > small[k]}
    assert not grew, f"SQL statements per action grew with 3× the applicants: {grew}"


def test_table_objects_per_action_do_not_grow_with_applicants(two_sizes: dict[int, tuple[Any, ...]]) -> None:
    """A ballot of 18 applicants builds as many table objects as one of 6 (its slips go in as rows, not one
    object each: at 2,000 applicants that was most of a ballot's time, issue 9); so does every other action
    but the four that read the whole record once per session."""
    small, large = two_sizes[6][3], two_sizes[18][3]
    assert set(small) == set(large) and "ballot" in small
    grew = {k: (small[k], large[k]) for k in small if k not in WHOLE_SESSION and large[k] > small[k]}
    assert not grew, f"table objects per action grew with 3× the applicants: {grew}"


def test_outcome_is_computed_once_per_state_change_not_per_reason_or_sign_off(
        two_sizes: dict[int, tuple[Any, ...]]) -> None:
    """Failure reasons and sign-offs read the outcome but cannot change it: they never recompute it.

    At 6 and at 18 applicants the session computes the outcome the same number of times: once when the
    poll closes, once for the minutes, once for the export (each after a state change), whatever the number
    of failure reasons (3 vs 9) and sign-offs (30)."""
    (_, by_small, total_small, _b), (_, by_large, total_large, _b2) = two_sizes[6], two_sizes[18]
    for kind in ("failure_reason", "sign_off", "ballot", "scores", "opinion", "pledge", "view_dossier"):
        assert by_large[kind] <= 1 and by_small[kind] <= 1, (kind, by_small[kind], by_large[kind])
    assert total_large == total_small


def test_the_close_computes_the_outcome_and_everything_after_reads_it(
        two_sizes: dict[int, tuple[Any, ...]]) -> None:
    """Closing the poll computes the outcome once (it decides finality); the minutes, their signatures, the
    export and the results screen afterwards read that computation (a document, a signature or an export
    changes no derived number): one computation per session at any size, and the results view costs no SQL."""
    for n in (6, 18):
        statements, by_kind, total, _built = two_sizes[n]
        assert by_kind["close_poll"] == 1, (n, by_kind)
        for kind in ("generate_minutes", "sign_minutes", "export", "results_view"):
            assert by_kind[kind] == 0, (n, kind, by_kind[kind])
        assert total == 1, (n, by_kind)
        assert statements["results_view"] <= 3, (n, statements["results_view"])


def test_a_ballot_cast_keeps_the_outcome(demo: Packed, room_at: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ballot in the open run-off changes who has voted, never the outcome (which reads closed rounds only):
    the pending run-offs read after the cast compute nothing again, and the kept outcome is the one the
    record gives now. Before, the ballot screen computed the outcome again on each voter's return (at 2,000
    applicants, 0.8 s a voter)."""
    import zc_review.service.room.context as room_context
    from tests.conftest import index_of

    room, runner = room_at("open_runoff")
    actions = demo.script["actions"]
    start = index_of(demo, "open_runoff")
    ballot = next(a for a in actions[start + 1:] if a["action"] == "ballot")
    runner.run([actions[start]])
    runner.actor(ballot["reviewer"])  # the credential check first: its log entry keeps every memo anyway
    pending = room.views.pending_runoffs()
    outcome = room.ctx.outcome()
    computed = [0]
    real = room_context.compute_outcome

    def counted(*a: Any, **k: Any) -> Any:
        computed[0] += 1
        return real(*a, **k)

    monkeypatch.setattr(room_context, "compute_outcome", counted)
    generation = room.ctx.generation
    runner.run([ballot])
    assert room.ctx.generation > generation  # the cast is a change of state (who has voted)...
    assert len(room.ballot.voters_done(room.ballot.open_round().round_no)) == 1  # ...read afresh
    assert room.views.pending_runoffs() == pending and room.ctx.outcome() is outcome
    assert computed[0] == 0
    assert real(room.ctx.defn, room.ctx.record()) == outcome


def test_state_and_signatures_are_read_once_between_writes(demo: Packed, tmp_path: Path) -> None:
    """The screens read the session's state and signatures for every footer and permission check; between two
    committed transactions they are read from the database once, and after any commit again, those that
    keep the memoised numbers too (a signature: ``tx(outcome_unchanged=True)``), so nothing reads a stale row."""
    import sqlalchemy

    from zc_review.service.script import ScriptRunner, action_done

    room = new_room(demo)
    selects = [0]

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects[0] += 1

    sqlalchemy.event.listen(room.engine, "before_cursor_execute", on_execute)
    for _ in range(5):
        room.state()
        room.signatures("pledge")
        room.opening.pledged_ids()
    assert selects[0] <= 2  # at most one for the state, one for the pledges (15 before)
    before = room.opening.pledged_ids()
    runner = ScriptRunner(room, demo.secrets, tmp_path / "usb")
    actions = demo.script["actions"]
    pledge_at = next(i for i, a in enumerate(actions) if a["action"] == "pledge")
    runner.run(actions[:pledge_at + 1])  # the roll call, then one pledge signed (a transaction keeping the numbers)
    assert action_done(room, actions[pledge_at])
    signer = actions[pledge_at]["reviewer"]
    assert signer not in before and signer in room.opening.pledged_ids()
    assert room.state().roll_call_closed_at is not None
    selects[0] = 0
    room.state()
    room.opening.pledged_ids()
    assert selects[0] == 0  # nothing written since: no new read
