"""Dialogs built once and shown again (``widgets/reshown.py``; issue 9: "screens built once and reused across
hand-overs"): the kept dialog shows the new question and nothing of the last one, on the screen and in its data.

Each test asks two questions of one kind one after the other at 80×24 and reads the second dialog's widgets:
the same screen object (it was kept), the new question's text, no secret typed for the last person, no error
line of the last refusal, no counts of the last ballot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.conftest import Packed, new_room

SIZE = (80, 24)
WRONG = "AAAA-AAAA-AAAA-AAAA"


@asynccontextmanager
async def _at_the_dashboard(demo: Packed) -> AsyncIterator[tuple[Any, Any, Any]]:
    """(room, app, pilot): a new room's app at 80×24, the recorder logged in, on the dashboard."""
    from zc_review.tui.app import make_app

    room = new_room(demo)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _logged_in(pilot, demo)
        yield room, app, pilot


async def _logged_in(pilot: Any, demo: Packed) -> None:
    from zc_review.demo.opening import credential, wait_for
    from zc_review.tui.screens.dashboard import DashboardScreen

    await pilot.pause()
    await credential(pilot, "S02", demo.secrets)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen), "dashboard")


def _text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def _ask(pilot: Any, room: Any, answers: list[Any], title: str, person: tuple[str, str]) -> Any:
    """Push a credential prompt for ``person`` (id, label) whose answer goes to ``answers``; the screen shown."""
    from zc_review.tui.widgets import CredentialPrompt

    pilot.app.push_screen(CredentialPrompt(room, title, [person]), answers.append)
    await pilot.pause()
    return pilot.app.screen


async def test_a_kept_credential_prompt_forgets_the_last_person(demo: Packed) -> None:
    """A prompt asked again: the new person's name, an empty secret field (the last person had typed half of
    theirs), no error line (the last entry was refused), the secret field focused; the answer goes to the
    new question's callback."""

    answers: list[Any] = []
    async with _at_the_dashboard(demo) as (room, app, pilot):
        first = await _ask(pilot, room, answers, "第一问", ("R05", "R05 叶博文"))
        await pilot.press(*WRONG, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert _text(first, "#cred-error")  # refused, and said so
        await pilot.press(*"ABCD-EF")  # half a secret, then the person walks away
        assert first.query_one("#cred-secret").value == "ABCD-EF"
        await pilot.press("escape")
        await pilot.pause()
        assert answers == [None]
        assert first.query_one("#cred-secret").value == ""  # the half secret went with the question
        second = await _ask(pilot, room, answers, "第二问", ("R06", "R06 第二人"))
        assert second is first  # kept, shown again
        assert second.query_one("#cred-secret").value == ""
        assert _text(second, "#cred-error") == ""
        assert _text(second, "#cred-title") == "第二问" and _text(second, "#cred-person") == "R06 第二人"
        assert second.person_id == "R06" and second.focused is second.query_one("#cred-secret")
        await pilot.press(*demo.secrets.persons["R06"], "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not second
        assert [a if a is None else a.person_id for a in answers] == [None, "R06"]


async def test_a_late_answer_for_the_last_question_is_dropped(demo: Packed) -> None:
    """A check still running when its prompt was left answers a question that is gone: shown again for
    someone else, the prompt neither closes on that Actor nor shows that refusal."""
    from zc_review.tui.widgets import CredentialPrompt

    answers: list[Any] = []
    async with _at_the_dashboard(demo) as (room, app, pilot):
        first = await _ask(pilot, room, answers, "第一问", ("R05", "R05"))
        old = first.asked
        await pilot.press("escape")
        await pilot.pause()
        assert await _ask(pilot, room, answers, "第二问", ("R06", "R06")) is first and first.asked != old
        late = room.authenticate("R05", demo.secrets.persons["R05"])
        first.post_message(CredentialPrompt.Accepted(late, old))
        first.post_message(CredentialPrompt.Refused("旧的拒绝", old))
        await pilot.pause()
        assert app.screen is first and answers == [None]  # still asking R06
        assert _text(first, "#cred-error") == ""
        first.post_message(CredentialPrompt.Refused("这次的拒绝", first.asked))
        await pilot.pause()
        assert _text(first, "#cred-error") == "这次的拒绝"  # an answer to this question is shown


async def test_a_kept_confirm_asks_the_new_question_and_answers_its_caller(demo: Packed) -> None:
    """Two questions one after the other: one dialog, the second question's text, each answer to its own
    caller; a question asked over the same kind of question is a dialog of its own (never one shown twice)."""
    from zc_review.tui.widgets import Confirm

    answers: list[tuple[str, bool | None]] = []
    async with _at_the_dashboard(demo) as (_room, app, pilot):
        app.push_screen(Confirm("第一个问题？"), lambda yes: answers.append(("first", yes)))
        await pilot.pause()
        first = app.screen
        await pilot.press("n")
        await pilot.pause()
        app.push_screen(Confirm("第二个问题？"), lambda yes: answers.append(("second", yes)))
        await pilot.pause()
        assert app.screen is first and "第二个问题？" in _text(first, "#confirm-text")
        app.push_screen(Confirm("叠在上面的问题？"), lambda yes: answers.append(("nested", yes)))
        await pilot.pause()
        nested = app.screen
        assert nested is not first and "叠在上面的问题？" in _text(nested, "#confirm-text")
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is first
        await pilot.press("y")
        await pilot.pause()
        assert answers == [("first", False), ("nested", True), ("second", True)]
        assert nested not in app.dialogs.kept() and first in app.dialogs.kept()


async def test_a_kept_pick_offers_the_new_options_with_an_empty_find_field(demo: Packed) -> None:
    from textual.widgets import OptionList

    from zc_review.tui.widgets import Pick

    answers: list[str | None] = []
    async with _at_the_dashboard(demo) as (_room, app, pilot):
        app.push_screen(Pick("选一个", [("a", "甲"), ("b", "乙"), ("c", "丙")]), answers.append)
        await pilot.pause()
        first = app.screen
        await pilot.press("乙")
        await pilot.pause()
        assert first.shown == ["b"]
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(Pick("再选一个", [("x", "子"), ("y", "丑")]), answers.append)
        await pilot.pause()
        assert app.screen is first
        ol = first.query_one(OptionList)
        assert first.query_one("#pick-find").value == "" and first.shown == ["x", "y"]
        assert [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)] == ["子", "丑"]
        assert ol.highlighted == 0 and _text(first, ".title") == "再选一个"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert answers == [None, "y"]


async def test_a_cast_ballots_review_keeps_no_counts(demo: Packed) -> None:
    """The review shown before a cast is kept for the next voter; once the ballot is cast (or the voter goes
    back) it holds no counts of it, in its data as on its widgets."""
    from zc_review.service.room import Choice
    from zc_review.tui.screens.ballot_review import BallotReview

    answers: list[bool | None] = []
    async with _at_the_dashboard(demo) as (_room, app, pilot):
        counts = {Choice.AGREE: 7, Choice.DISAGREE: 2, Choice.ABSTAIN: 1}
        app.push_screen(BallotReview(counts, 0), answers.append)
        await pilot.pause()
        review = app.screen
        assert "7" in _text(review, ".title")
        await pilot.press("enter")
        await pilot.pause()
        assert answers == [True]
        assert review._text == "" and _text(review, ".title") == ""
        app.push_screen(BallotReview({Choice.AGREE: 3, Choice.DISAGREE: 0, Choice.ABSTAIN: 0}, 0), answers.append)
        await pilot.pause()
        assert app.screen is review and "3" in _text(review, ".title") and "7" not in _text(review, ".title")


async def test_a_dialog_shown_again_is_restyled_only_after_a_theme_change(demo: Packed) -> None:
    """Textual restyles every widget of a screen each time it is pushed; a kept dialog shown again under the
    same style sheet keeps its styles (``widgets.steady``), and after a theme is chosen it takes the new one's
    colours, as a new dialog would."""
    from textual.css.stylesheet import Stylesheet

    from zc_review.tui.app import make_app
    from zc_review.tui.widgets import Confirm

    app = make_app(new_room(demo))
    restyled: list[int] = []
    real = Stylesheet.update_nodes

    def counting(self: Any, nodes: Any, animate: bool = False) -> None:
        nodes = list(nodes)
        restyled.append(sum(1 for n in nodes if isinstance(n, Confirm)))
        real(self, nodes, animate=animate)

    async with app.run_test(size=SIZE) as pilot:
        await _logged_in(pilot, demo)
        Stylesheet.update_nodes = counting  # type: ignore[method-assign]
        try:
            for question in ("第一问？", "第二问？"):
                restyled.clear()
                app.push_screen(Confirm(question))
                await pilot.pause()
                dialog = app.screen
                first_push = sum(restyled)
                await pilot.press("n")
                await pilot.pause()
            assert first_push == 0  # the second push: the kept dialog, not restyled
            before = dialog.styles.background
            app.theme = "textual-light" if app.theme != "textual-light" else "nord"
            await pilot.pause()
            restyled.clear()
            app.push_screen(Confirm("第三问？"))
            await pilot.pause()
            assert app.screen is dialog and sum(restyled) == 1  # restyled under the new theme
            after = dialog.styles.background
            fresh = Confirm("新的？")
            app.push_screen(fresh)  # over the kept one: a new dialog, styled from scratch
            await pilot.pause()
            assert after == app.screen.styles.background != before
        finally:
            Stylesheet.update_nodes = real  # type: ignore[method-assign]
