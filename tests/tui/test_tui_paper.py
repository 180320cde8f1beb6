"""Paper ballots through the real screens (issue 14): the poll screen in paper mode (its medium shown before
the vote, no laptop voter key), a teller's keying grid, a refused keying that keeps every typed number, a
mismatch re-counted by both tellers, the supervisor's witness, the close; at 80×24 and 160×45, and snapshots.

The room is data/demo-education (``ballot_mode: paper``) played through the service up to its first keying.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from tests.conftest import Packed
from zc_review.demo.closing import (
    _do_close_poll,
    _do_key_tally,
    _do_witness_tally,
    burst,
    key,
    login,
    on_top,
    until,
)
from zc_review.i18n import t
from zc_review.tui.app import make_app
from zc_review.tui.screens.ballot import BallotScreen
from zc_review.tui.screens.tally import FIELDS, TallyScreen
from zc_review.tui.widgets import Notice

from .test_room_screens import open_key, start
from .test_snapshots_screens import SIZES, session, step


def _keyings(p: Packed) -> list[dict[str, Any]]:
    return [a for a in p.script["actions"] if a["action"] in ("key_tally", "witness_tally", "close_poll")
            and p.script["actions"].index(a) > next(i for i, x in enumerate(p.script["actions"])
                                                   if x["action"] == "open_poll")]


def _text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
async def test_tellers_key_a_recount_and_the_witness_closes(room_at: Any, demo_education: Packed,
                                                            size: tuple[int, int]) -> None:
    room, _ = room_at("key_tally", packed=demo_education)
    first, second, recount_a, recount_b = [a for a in demo_education.script["actions"] if a["action"] == "key_tally"]
    app = make_app(room)
    secrets = demo_education.secrets
    async with app.run_test(size=size) as pilot:
        await start(pilot, app, secrets)
        poll = await open_key(pilot, app, "7", BallotScreen)
        assert "非文件规定" in _text(app, "#ballot-mode")  # the medium, said to be practice, not a seed rule
        assert not poll.check_action("next_voter", ()) and poll.check_action("key_tally", ())
        # the first teller types one count wrong (agree one too many): refused, every number kept
        await key(pilot, "k")
        await login(pilot, first["teller"], secrets.persons[first["teller"]])
        await until(pilot, lambda: on_top(app, TallyScreen), "grid")
        grid = app.screen
        due = [a for a, _ in grid._due]
        assert len(due) == 12
        counts = {a: dict(c) for a, c in first["counts"].items()}
        counts[due[0]]["agree"] += 1
        await burst(pilot, [k for a in due for f in FIELDS for k in [*str(counts[a][f]), " "]])
        await until(pilot, lambda: sum(1 for v in grid.values.values() if v) == 60, "typed")
        await key(pilot, "enter")
        await until(pilot, lambda: isinstance(app.screen, Notice), "refusal")
        message = str(app.screen.message)
        assert "超过收回选票" in message and room.defn.applicant(due[0]).code in message
        app.screen.dismiss(True)  # 确定
        await until(pilot, lambda: app.screen is grid, "back to the grid")
        assert grid.values[(0, 1)] == str(counts[due[0]]["agree"])  # nothing typed is lost
        grid.query_one("#tally-table").move_cursor(row=0, column=1)
        await burst(pilot, ["backspace", "backspace", "backspace", *str(first["counts"][due[0]]["agree"])])
        await until(pilot, lambda: grid.counts() == first["counts"], "corrected")
        await key(pilot, "enter")
        await until(pilot, lambda: on_top(app, BallotScreen), "keyed")
        assert t("ballot.paper_first", name=room.person_name(first["teller"])) in _text(app, "#ballot-status")
        # the second teller differs on one applicant: the screen names it for a re-count
        await _do_key_tally(pilot, app, second, secrets)
        await until(pilot, lambda: on_top(app, BallotScreen), "poll screen")
        slip = next(iter(recount_a["counts"]))
        outstanding = _text(app, "#ballot-outstanding")
        assert "重新清点" in outstanding and room.defn.applicant(slip).code in outstanding
        for act in (recount_a, recount_b):
            await _do_key_tally(pilot, app, act, secrets)
        await until(pilot, lambda: on_top(app, BallotScreen), "poll screen")
        assert room.tally.state().complete
        await _do_witness_tally(pilot, app, {"supervisor": "S01"}, secrets)
        await _do_close_poll(pilot, app, {}, secrets)
    assert room.outcome().final
    agreed = {a: o.tally.agree for a, o in room.outcome().applicants.items()}
    assert agreed == {a: c["agree"] for a, c in first["counts"].items()}


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_snapshot_tally_grid(snap_compare: Any, room_at: Any, demo_education: Packed, size: tuple[int, int]) -> None:
    """The grid of the first teller with three applicants keyed."""
    room, _ = room_at("key_tally", packed=demo_education)
    first = next(a for a in demo_education.script["actions"] if a["action"] == "key_tally")
    secrets = demo_education.secrets

    async def to_grid(pilot: Any) -> None:
        app = pilot.app
        await step(pilot, "7", BallotScreen)
        await key(pilot, "k")
        await login(pilot, first["teller"], secrets.persons[first["teller"]])
        await until(pilot, lambda: on_top(app, TallyScreen), "grid")
        due = [a for a, _ in app.screen._due][:3]
        await burst(pilot, [k for a in due for f in FIELDS for k in [*str(first["counts"][a][f]), " "]])

    assert snap_compare(make_app(room), terminal_size=size, run_before=session(room, secrets, to_grid))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x45"])
def test_snapshot_poll_screen_after_a_mismatch(snap_compare: Any, room_at: Any, demo_education: Packed,
                                               size: tuple[int, int]) -> None:
    """The poll screen in paper mode once the two tellers' first keyings differ: the applicant to re-count."""
    room, runner = room_at("key_tally", packed=demo_education)
    first, second = [a for a in demo_education.script["actions"] if a["action"] == "key_tally"][:2]
    runner.run([first, second])

    async def to_poll(pilot: Any) -> None:
        await step(pilot, "7", BallotScreen)

    assert snap_compare(make_app(room), terminal_size=size,
                        run_before=session(room, demo_education.secrets, to_poll))
