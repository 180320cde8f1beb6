"""Every footer fits 80 columns (issue 13: at 80×24 the dashboard's, the scoring grid's and the results'
footers cut off their last labels).

Two tests: every screen and dialog of zc_review/tui, in its worst case (every key its class declares shown
at once, the application's keys included where Textual adds them), has a footer no wider than the 80
columns left of the command palette's key, by the width Textual gives a footer key; and on the screens that
have the most keys, the real footer at 80×24 draws every label whole and left of the palette's key (which
also checks that width). The choice of what is left out of a footer is in docs/DESIGN.md "Footers at 80×24".
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from rich.cells import cell_len
from textual.binding import Binding, BindingsMap
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from zc_review.demo.closing import confirm, key, login, on_top, until
from zc_review.tui.app import ZcReviewApp, make_app

WIDTH = 80


def footer_key_width(key_display: str, description: str) -> int:
    """Cells a FooterKey takes in Textual's (non-compact) footer: a space, the key, a space, the description,
    a space."""
    return cell_len(key_display) + cell_len(description) + 3


def palette_width(app: ZcReviewApp) -> int:
    """Cells of the command palette's key, docked at the footer's right end."""
    b = next(b for b in ZcReviewApp.BINDINGS if b.action == "command_palette")
    return footer_key_width(app.get_key_display(b), b.description)


def _all_screens() -> set[type[Screen[Any]]]:
    import zc_review.tui.office as office
    import zc_review.tui.screens as screens
    import zc_review.tui.widgets as widgets

    for pkg in (screens, widgets, office):  # every screen, whatever other tests imported before
        for m in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{pkg.__name__}.{m.name}")
    importlib.import_module("zc_review.tui.commands")

    def below(cls: type) -> set[type]:
        out: set[type] = set()
        for sub in cls.__subclasses__():
            out |= {sub} | below(sub)
        return out

    return {c for c in below(Screen) if c.__module__.startswith("zc_review")}


def worst_footer(app: ZcReviewApp, cls: type[Screen[Any]]) -> list[tuple[str, str]]:
    """(key as displayed, description) of every key the footer of ``cls`` may show, as Textual picks them:
    one per key (a priority binding replaces another; the screen's come before the application's, which a
    modal screen leaves out), shown ones only, one per action (its first key), the palette's key apart."""
    from zc_review.tui.office.app import OfficeApp

    chain = [cls._merge_bindings()]
    if not issubclass(cls, ModalScreen):  # the application the screen belongs to: the room's or the office's
        host = OfficeApp if cls.__module__.startswith("zc_review.tui.office") else ZcReviewApp
        chain.append(BindingsMap(host.BINDINGS))
    chosen: dict[str, Binding] = {}
    for bindings in chain:
        for k, bs in bindings.key_to_bindings.items():
            for b in bs:
                old = chosen.get(k)
                if old is None or (b.priority and not old.priority):
                    chosen[k] = b
    by_action: dict[str, Binding] = {}
    for b in chosen.values():
        if b.show and b.action != "command_palette":
            by_action.setdefault(b.action, b)
    return [(app.get_key_display(b), b.description) for b in by_action.values()]


def worst_footers(app: ZcReviewApp, cls: type[Screen[Any]]) -> list[list[tuple[str, str]]]:
    """``worst_footer`` of ``cls``, or, for a screen whose footer follows its state (``FOOTER_SETS``: state →
    the screen's actions shown), one per state: the application's keys and that state's."""
    keys = worst_footer(app, cls)
    sets = getattr(cls, "FOOTER_SETS", None)
    if not sets:
        return [keys]
    own = {b.description: b.action for bs in cls._merge_bindings().key_to_bindings.values() for b in bs}
    return [[(k, d) for k, d in keys if d not in own or own[d] in shown] for shown in sets.values()]


def test_every_footer_fits_80_columns_in_its_worst_case() -> None:
    app = ZcReviewApp()
    budget = WIDTH - palette_width(app)
    screens = _all_screens()
    assert {"DashboardScreen", "ScoringScreen", "ResultsScreen", "BallotScreen", "VotingScreen", "Confirm",
            "CredentialPrompt", "UnlockScreen"} <= {c.__name__ for c in screens}
    too_wide = {}
    for cls in screens:
        for keys in worst_footers(app, cls):
            width = sum(footer_key_width(k, d) for k, d in keys)
            if width > budget:
                too_wide[cls.__name__] = (width, "  ".join(f"{k} {d}" for k, d in keys))
    assert too_wide == {}, f"footers wider than the {budget} columns left of the palette's key"


def assert_footer_whole(app: Any, what: str) -> list[str]:
    """The current screen's footer at 80 columns: every label drawn whole (its full width, nothing shrunk)
    and left of the palette's key; answers the labels."""
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    edge = palette[0].region.x if palette else footer.region.right
    labels = []
    for k in keys:
        if k.has_class("-command-palette"):
            continue
        assert k.region.width == footer_key_width(k.key_display, k.description), (what, k.description, k.region)
        assert k.region.right <= edge, f"{what}: {k.key_display} {k.description} cut off at {k.region}"
        labels.append(k.description)
    assert labels, what
    return labels


@pytest.mark.parametrize("until_action", ["open_poll", "failure_reason"])
async def test_the_real_footers_at_80x24(room_at: Any, demo: Any, until_action: str) -> None:
    """The dashboard, roll call, scoring (a reviewer in), opinions, the poll, a ballot, results, minutes: each
    footer whole at 80×24; the keys left out are in the palette."""
    from zc_review.domain.model import StaffRole
    from zc_review.tui.screens.ballot import BallotScreen, VotingScreen
    from zc_review.tui.screens.dashboard import DashboardScreen
    from zc_review.tui.screens.minutes import MinutesScreen
    from zc_review.tui.screens.results import ResultsScreen
    from zc_review.tui.screens.rollcall import RollCallScreen
    from zc_review.tui.screens.scoring import ScoringScreen

    room, _ = room_at(until_action)
    app = make_app(room)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        rec = room.defn.staff_with_role(StaffRole.RECORDER).id
        await login(pilot, rec, demo.secrets.persons[rec])
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
        await pilot.pause()
        dash = assert_footer_whole(app, "dashboard")
        assert "退出" in dash and "投影" in dash
        if until_action == "open_poll":
            for k, cls in (("1", RollCallScreen), ("9", MinutesScreen)):
                await key(pilot, k)
                await until(pilot, lambda: on_top(app, cls), cls.__name__)  # noqa: B023
                await pilot.pause()
                assert_footer_whole(app, cls.__name__)
                await key(pilot, "escape")
                await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
            await key(pilot, "5")
            reviewer = room.views.scorer_ids()[0]
            await login(pilot, reviewer, demo.secrets.persons[reviewer])
            await until(pilot, lambda: on_top(app, ScoringScreen) and app.screen.actor is not None, "scoring")
            await pilot.pause()
            shown = assert_footer_whole(app, "scoring")
            assert {"保存草稿", "提交本行", "材料", "换评委", "返回"} <= set(shown)
            palette = [c.name for c in app.shell_commands()]
            assert any("本组评分" in name for name in palette)  # hidden from the footer, offered in the palette
            await key(pilot, "escape")
            await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
            await key(pilot, "7")
            await until(pilot, lambda: on_top(app, BallotScreen), "ballot")
            await pilot.pause()
            assert_footer_whole(app, "ballot")
            await key(pilot, "o")
            await confirm(pilot)
            await key(pilot, "n")
            await login(pilot, "R04", demo.secrets.persons["R04"])
            await until(pilot, lambda: on_top(app, VotingScreen), "voting")
            await pilot.pause()
            assert_footer_whole(app, "voting")
        else:
            await key(pilot, "8")
            await until(pilot, lambda: on_top(app, ResultsScreen), "results")
            await pilot.pause()
            shown = assert_footer_whole(app, "results")
            assert {"未通过原因", "签字", "宣布结果", "下一组", "返回"} <= set(shown)
            palette = [c.name for c in app.shell_commands()]
            assert any("上一组" in name for name in palette) and any("通过率预览" in name for name in palette)


async def test_the_paper_footers_at_80x24(room_at: Any, demo: Any) -> None:
    """Paper mode (issue 14): the poll screen (p 打印选票, k 录入票数, w 监票确认 instead of the laptop's
    keys), a teller's counts screen and the paper sheets' keying screen: each footer whole at 80×24."""
    from tests.service.test_paper_ballots import TELLERS, paper_packed
    from zc_review.domain.model import StaffRole
    from zc_review.tui.screens.ballot import BallotScreen
    from zc_review.tui.screens.dashboard import DashboardScreen
    from zc_review.tui.screens.paper_keying import PaperKeyingScreen
    from zc_review.tui.screens.tally import TallyScreen
    from zc_review.tui.widgets import CredentialPrompt, Pick

    paper = paper_packed(demo)
    room, _ = room_at("key_tally", packed=paper)
    app = make_app(room)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        rec = room.defn.staff_with_role(StaffRole.RECORDER).id
        await login(pilot, rec, paper.secrets.persons[rec])
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
        await key(pilot, "7")
        await until(pilot, lambda: on_top(app, BallotScreen), "ballot")
        await pilot.pause()
        shown = assert_footer_whole(app, "ballot (paper)")
        assert {"打印选票", "录入票数", "监票确认", "截止投票", "返回"} <= set(shown), shown
        assert "开启投票" not in shown and "下一位评委" not in shown  # a round is open; the laptop's key
        await key(pilot, "k")
        await login(pilot, TELLERS[0], paper.secrets.persons[TELLERS[0]])
        await until(pilot, lambda: on_top(app, TallyScreen), "tally")
        await pilot.pause()
        assert_footer_whole(app, "tally")
        while not on_top(app, BallotScreen):
            await key(pilot, "escape")
            await pilot.pause()
            if not on_top(app, BallotScreen) and not on_top(app, TallyScreen):
                await confirm(pilot)
        await key(pilot, "escape")
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
        await key(pilot, "k")
        await until(pilot, lambda: on_top(app, PaperKeyingScreen) or on_top(app, CredentialPrompt)
                    or on_top(app, Pick), "paper keying")
        await pilot.pause()
        while not on_top(app, PaperKeyingScreen):
            await key(pilot, "escape")
            await pilot.pause()
        shown = assert_footer_whole(app, "paper keying")
        assert "返回" in shown, shown
