"""Screens that cost what they show (issue 9): what the screens do per key and per hand-over, counted, never timed.

- a dialog has no ``Footer`` (it recomposed on every change of bindings), a static line names its keys;
- a full screen's footer (``KeyFooter``) is rebuilt only when the keys it shows change (``Footer`` rebuilt
  itself on every focus change and binding signal, ~15 times per action, almost always with the same keys);
- a keystroke on the scoring grid renders only the row it changed (DataTable rendered every visible cell);
- a reviewer's hand-over on the same panel keeps the grid's columns (it rebuilt the whole grid);
- the scoring screen keeps one dossier screen and shows each dossier in it (it built one per dossier);
- the autopilot writes the failure reasons on one reasons screen, one credential per panel leader (it went
  back to the dashboard after each reason and built the results, the reasons screen and a login again);
- the autopilot waits on the app's work: it never calls ``Pilot.pause`` (a fixed sleep and a forced refresh).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tests.conftest import Packed
from zc_review.demo import opening
from zc_review.demo.closing import login, on_top, until
from zc_review.domain.model import StaffRole
from zc_review.tui.app import make_app
from zc_review.tui.screens.dashboard import DashboardScreen
from zc_review.tui.screens.score_grid import GridTable
from zc_review.tui.screens.scoring import ScoreGrid, ScoringScreen
from zc_review.tui.widgets import Confirm, CredentialPrompt
from zc_review.tui.widgets.steady import Steady

SIZE = (120, 40)


async def _recorder(pilot: Any, app: Any, demo: Packed) -> None:
    rec = app.room.defn.staff_with_role(StaffRole.RECORDER).id
    await login(pilot, rec, demo.secrets.persons[rec])
    await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")


@pytest.mark.parametrize("blocked", [None, "尚未评分的项目：M1"])
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_confirm_names_its_keys_without_a_footer(blocked: str | None, size: tuple[int, int]) -> None:
    answers: list[bool | None] = []
    app: App[None] = App()
    async with app.run_test(size=size) as pilot:
        app.push_screen(Confirm("确认提交 GC-2025-001 的评分？", blocked=blocked), answers.append)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, Confirm) and not dialog.query(Footer)
        hints = " ".join(str(s.render()) for s in dialog.query(Static).filter(".hint"))
        assert ("按 N 或 Esc 返回" in hints) if blocked else ("按 Y 或 Enter 确认" in hints)
        await pilot.press("y")
        assert answers == ([] if blocked else [True])
        if blocked:
            await pilot.press("n")
            assert answers == [False]


async def test_a_keystroke_renders_only_the_row_it_changes(room_at: Any, demo: Packed,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    room, _ = room_at("view_dossier")
    rendered = _count_row_renders(monkeypatch)
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        screen = await opening._open_scoring(pilot, app, "R02", demo.secrets)
        grid = screen.query_one(ScoreGrid)
        await pilot.pause()
        assert grid.row_count > 3 and len(set(rendered)) >= 3  # the first frame drew every visible row
        for keys, rows in ((["8"], {0}), (["tab"], {0}), (["down"], {0, 1}), (["3"], {1})):
            rendered.clear()
            await opening.keys(pilot, *keys)
            await pilot.pause()
            assert set(rendered) == rows, keys
        assert str(grid.get_cell("A001", "material")) == "8"


async def test_a_hand_over_on_the_same_panel_keeps_the_grid(room_at: Any, demo: Packed) -> None:
    room, _ = room_at("view_dossier")
    assert room.defn.panel_of_reviewer("R02") == room.defn.panel_of_reviewer("R04")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        screen = await opening._open_scoring(pilot, app, "R02", demo.secrets)
        grid = screen.query_one(ScoreGrid)
        columns = [id(c) for c in grid.columns]
        await opening._open_scoring(pilot, app, "R04", demo.secrets)  # F2, R04's credential
        assert isinstance(app.screen, ScoringScreen) and app.screen is screen
        assert screen.actor is not None and screen.actor.person_id == "R04"
        assert [id(c) for c in grid.columns] == columns
        expected = room.views.scoring_rows("R04")
        assert [str(grid.get_row_at(i)[0]) for i in range(grid.row_count)] == [r.code for r in expected]


async def test_the_autopilot_never_sleeps_nor_forces_a_refresh(room_at: Any, demo: Packed,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.pilot import Pilot

    from zc_review.demo import autopilot

    room, _ = room_at("scores")
    start = next(i for i, a in enumerate(demo.script["actions"]) if a["action"] == "scores")
    stop = next(i for i, a in enumerate(demo.script["actions"]) if a["action"] == "ballot") + 2
    actions = demo.script["actions"][start:start + 3] + demo.script["actions"][stop - 3:stop]
    assert {a["action"] for a in actions} >= {"scores", "open_poll", "ballot"}
    room2, _ = room_at("open_poll")  # the closing actions need the scores of the whole script
    app = make_app(room2)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)

        async def no_pause(self: Any, delay: float | None = None) -> None:
            raise AssertionError("Pilot.pause: a fixed sleep and a forced refresh")

        monkeypatch.setattr(Pilot, "pause", no_pause)
        await autopilot.play_actions(pilot, app, [a for a in actions if a["action"] != "scores"], demo.secrets)
        assert room2.ballot.open_round() is not None
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.undo()
        await _recorder(pilot, app, demo)
        monkeypatch.setattr(Pilot, "pause", no_pause)
        await autopilot.play_actions(pilot, app, [a for a in actions if a["action"] == "scores"], demo.secrets)
        assert on_top(app, DashboardScreen)


async def test_a_footer_is_rebuilt_only_when_its_keys_change(room_at: Any, demo: Packed,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the dashboard, the scoring grid (typing, moving, leaving with unsaved rows) and two scoring turns played by the autopilot, every compose of a screen's footer shows keys
    different from its previous compose: no footer is rebuilt to show the same labels again."""
    from zc_review.demo import autopilot

    composed: dict[int, list[tuple[Any, ...]]] = {}
    real = Footer.compose

    def counted(self: Footer) -> Any:
        keys = []
        for widget in real(self):
            if isinstance(widget, FooterKey):
                keys.append((widget.key, widget.description, widget.action, widget._disabled,
                             tuple(sorted(widget.classes))))
            yield widget
        composed.setdefault(id(self), []).append(tuple(keys))

    monkeypatch.setattr(Footer, "compose", counted)
    room, _ = room_at("scores")
    start = next(i for i, a in enumerate(demo.script["actions"]) if a["action"] == "scores")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        await opening._open_scoring(pilot, app, "R02", demo.secrets)
        for keys in (["8"], ["tab"], ["down"], ["3"], ["up"], ["right"]):
            await opening.keys(pilot, *keys)
        await until(pilot, lambda: isinstance(app.screen, ScoringScreen), "scoring")
        await opening.keys(pilot, "escape")  # unsaved rows: leave anyway
        await until(pilot, lambda: isinstance(app.screen, Confirm), "confirm")
        await opening.keys(pilot, "y")
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
        await autopilot.play_actions(pilot, app, demo.script["actions"][start:start + 2], demo.secrets)
        assert on_top(app, DashboardScreen)
    shown = [keys for runs in composed.values() for keys in runs if keys]
    assert len(shown) >= 3 and any(any("评分" in k[1] or "提交" in k[1] for k in keys) for keys in shown)
    again = {footer: [a for a, b in zip(runs, runs[1:], strict=False) if a == b]
             for footer, runs in composed.items()}
    assert {footer: same for footer, same in again.items() if same} == {}, "a footer rebuilt with the same keys"


def _plain(widget: Any) -> str:
    return str(widget.render())


async def test_the_dossier_screen_is_built_once_and_shows_each_dossier(room_at: Any, demo: Packed) -> None:
    """Two dossiers opened from the grid, one searched, then a hand-over and a third: one ``DossierScreen``,
    each time with the applicant's own heading and sections, an empty search and no hits; leaving the
    scoring screen removes it."""
    from zc_review.tui.screens.dossier import DossierScreen, dossier_sections

    room, _ = room_at("view_dossier")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        scoring = await opening._open_scoring(pilot, app, "R02", demo.secrets)
        grid = scoring.query_one(ScoreGrid)
        seen: list[DossierScreen] = []
        for row, search, reviewer in ((0, "学", "R02"), (1, "", "R02"), (2, "", "R04")):
            scoring = await opening._open_scoring(pilot, app, reviewer, demo.secrets)
            await opening.move_row(pilot, grid, row)
            await opening.keys(pilot, "d")
            await until(pilot, lambda: isinstance(app.screen, DossierScreen), "dossier")
            dossier = app.screen
            assert isinstance(dossier, DossierScreen)
            seen.append(dossier)
            aid = grid.get_row_at(row)[0]
            code = str(aid)
            assert code in _plain(dossier.query_one("#dossier-title"))
            assert dossier.actor is not None and dossier.actor.person_id == reviewer
            view = room.scoring.dossier(dossier.actor, dossier.view.applicant_id)
            assert view.code == code
            body = "".join(_plain(dossier.query_one("#dossier-text")).split())  # wrapped to the width
            assert all("".join(raw.split()) in body for _, raw in dossier_sections(view))
            assert dossier.query_one("#dossier-search").value == ""  # type: ignore[attr-defined]
            assert _plain(dossier.query_one("#dossier-hits")) == ""
            assert dossier.focused is dossier.query_one("#dossier-body")
            if search:
                await pilot.press("ctrl+f", search)
                assert "找到" in _plain(dossier.query_one("#dossier-hits"))
            await opening.keys(pilot, "escape")
            await until(pilot, lambda s=scoring: app.screen is s, "scoring")
        assert seen[0] is seen[1] is seen[2]
        await opening.keys(pilot, "escape")
        await until(pilot, lambda: on_top(app, DashboardScreen), "dashboard")
        assert not seen[0].is_attached and seen[0] not in app._installed_screens.values()


async def test_the_failure_reasons_are_written_on_one_reasons_screen(room_at: Any, demo: Packed,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.demo import autopilot
    from zc_review.tui.screens.results import ReasonsScreen, ResultsScreen

    built: list[str] = []
    for cls in (ResultsScreen, ReasonsScreen, CredentialPrompt):
        real_init = cls.__init__

        def counted(self: Any, *args: Any, _real: Any = real_init, **kwargs: Any) -> None:
            built.append(type(self).__name__)
            _real(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    room, _ = room_at("failure_reason")
    actions = demo.script["actions"]
    start = next(i for i, a in enumerate(actions) if a["action"] == "failure_reason")
    stop = next(i for i in range(start, len(actions)) if actions[i]["action"] != "failure_reason")
    reasons = actions[start:stop]
    leaders = {a["leader"] for a in reasons}
    assert len(reasons) > len(leaders) >= 2  # several reasons per leader, several panels
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        built.clear()
        await autopilot.play_actions(pilot, app, reasons, demo.secrets)
        assert on_top(app, DashboardScreen)
    written = room.closing.failure_reasons()
    assert {a["applicant"]: (a["reason"], a["guidance"]) for a in reasons} == \
        {a: (written[a].reason, written[a].guidance) for a in (r["applicant"] for r in reasons)}
    assert built.count("ResultsScreen") == 1 and built.count("ReasonsScreen") == 1
    assert built.count("CredentialPrompt") <= len(leaders)


class _Beneath(Steady, Screen[None]):
    """A screen with something to lay out, for the dialogs to be pushed over."""

    def compose(self) -> Any:
        for i in range(20):
            yield Static(f"第 {i + 1} 行", id=f"row-{i}")


def _count_row_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every row a ``GridTable`` renders from now on (not a kept one): its index."""
    rendered: list[int] = []
    real = GridTable._row_strip

    def counted(self: GridTable, index: int) -> Any:
        if index not in self._strips:
            rendered.append(index)
        return real(self, index)

    monkeypatch.setattr(GridTable, "_row_strip", counted)
    return rendered


def _count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[int, int]]]:
    """Every layout pass of a screen from now on: (screen class, size laid out at)."""
    passes: list[tuple[str, tuple[int, int]]] = []
    real = Screen._refresh_layout

    def counted(self: Screen[Any], size: Any = None, scroll: bool = False) -> None:
        real(self, size, scroll)
        passes.append((type(self).__name__, tuple(self.size)))

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return passes


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_a_dialog_is_not_laid_out_again_on_its_resize_nor_the_screen_beneath(size: tuple[int, int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual laid a new dialog out three times and every screen beneath it once more, their size unchanged: on
    resume, again on the dialog's own first Resize (that one also re-laid out every screen beneath), and once
    more on the next frame, as the first pass set its widgets' sizes. ``Steady`` (issue 9) removes the two on
    Resize; the settling pass is Textual's own."""
    app: App[None] = App()
    async with app.run_test(size=size) as pilot:
        await app.push_screen(_Beneath())
        await pilot.pause()
        passes = _count_layouts(monkeypatch)
        answers: list[bool | None] = []
        await app.push_screen(Confirm("确认提交 GC-2025-001 的评分？"), answers.append)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert [p for p in passes if p[0] == "Confirm"] == [("Confirm", size)] * 2
        assert [p for p in passes if p[0] == "_Beneath"] == []
        await pilot.press("y")
        assert answers == [True]


async def test_a_real_resize_still_lays_out_the_dialog_and_the_screens_beneath(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``Steady`` must not lose: the terminal's size changes while a dialog is up; the dialog and the screen
    beneath are laid out at the new size, and the screen beneath shows its rows at that size once back on top."""
    app: App[None] = App()
    async with app.run_test(size=(80, 24)) as pilot:
        beneath = _Beneath()
        await app.push_screen(beneath)
        await app.push_screen(Confirm("确认？"))
        await pilot.pause()
        passes = _count_layouts(monkeypatch)
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        await pilot.pause()
        assert ("Confirm", (160, 45)) in passes and ("_Beneath", (160, 45)) in passes
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is beneath and beneath.size == (160, 45)
        assert beneath.query_one("#row-0", Static).region.width == 160


def test_every_screen_of_the_application_is_steady() -> None:
    """Each screen class the application defines (room, dialogs, office) has ``Steady`` first among its bases'
    behaviours, so none pays the extra layout passes (a new screen would be left out silently otherwise)."""
    screens = _screen_classes()
    assert len(screens) >= 30
    left_out = sorted(f"{c.__module__}.{c.__qualname__}" for c in screens if not issubclass(c, Steady))
    assert left_out == []


async def test_the_autopilot_waits_on_the_busy_widgets_not_on_every_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a burst of keys the autopilot waits until every queue is empty (``waiting.settle``). It used to send a
    callback to every widget of the screen three times per burst (``Pilot._wait_for_screen`` × 3: ~100 widgets
    on the scoring screen, 290,000 messages in a demo run); now to the busy ones, then to every widget once."""
    from textual.message_pump import MessagePump
    from textual.widgets import Input

    class Form(Steady, Screen[None]):
        def compose(self) -> Any:
            for i in range(60):
                yield Static(f"第 {i + 1} 行")
            yield Input(id="field")

    sent: list[str] = []
    real = MessagePump.call_later

    def counted(self: MessagePump, callback: Any, *args: Any, **kwargs: Any) -> bool:
        sent.append(type(self).__name__)
        return real(self, callback, *args, **kwargs)

    app: App[None] = App()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(Form())
        await pilot.pause()
        field = app.screen.query_one("#field", Input)
        field.focus()
        await pilot.pause()
        pumps = 1 + len(list(app.screen.walk_children(with_self=True)))
        monkeypatch.setattr(MessagePump, "call_later", counted)
        await opening.keys(pilot, *"GC-2025-001")
        assert field.value == "GC-2025-001"
        assert pumps <= len(sent) < 2 * pumps  # one full round, and the few busy pumps before it


def _screen_classes() -> list[type]:
    """Every Screen subclass defined under zc_review.tui (the room's, the dialogs, the office's)."""
    import importlib
    import pkgutil

    import zc_review.tui

    for mod in pkgutil.walk_packages(zc_review.tui.__path__, "zc_review.tui."):
        importlib.import_module(mod.name)
    screens: list[type] = []
    todo: list[type] = [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("zc_review.tui"):
                screens.append(sub)
    return screens


async def test_every_screens_style_sheet_is_read_at_start_up(tmp_path: Any) -> None:
    """A screen's ``CSS_PATH`` read on its first push makes Textual parse every source again and restyle every
    widget of every open screen (47 ms on the first scoring screen): each sheet a screen names is read when the
    application starts, by the room's app or the office's, before any screen is pushed."""
    import inspect
    from pathlib import Path

    from textual._path import _make_path_object_relative

    from zc_review.tui.office.app import OfficeApp

    named: dict[bool, set[str]] = {True: set(), False: set()}  # office? → the sheets its screens name
    for cls in _screen_classes():
        paths = cls.CSS_PATH if isinstance(cls.CSS_PATH, list) else [cls.CSS_PATH] if cls.CSS_PATH else []
        base = Path(inspect.getfile(cls))
        for p in paths:
            resolved = Path(p) if Path(p).is_absolute() else (base.parent / p).resolve()
            office = cls.__module__.startswith("zc_review.tui.office")
            named[office].add(str(resolved))
            if not office and cls.__module__.startswith("zc_review.tui.widgets"):
                named[True].add(str(resolved))  # the dialogs serve both applications
    assert len(named[False]) >= 5 and named[True]
    room_app = make_app(package_path=tmp_path / "none.zcp", home=tmp_path / "home")
    office_app = OfficeApp(f"sqlite:///{tmp_path / 'archive.db'}", keys_dir=tmp_path / "keys", out_dir=tmp_path)
    for app, office in ((room_app, False), (office_app, True)):
        at_start = {str(_make_path_object_relative(p, app)) for p in (app.CSS_PATH if isinstance(app.CSS_PATH, list)
                                                                        else [app.CSS_PATH])}
        assert named[office] - at_start == set(), type(app).__name__
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert all(app.stylesheet.has_source(p) for p in named[office])


async def test_a_dialog_over_the_dashboard_leaves_its_footer_as_it_is(room_at: Any, demo: Packed,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The application's keys are checked against the screen on top, so under a dialog the dashboard's footer
    lost F4 投影 (shown on the room's screens only) and got it back when the dialog closed: two rebuilds per
    dialog over the hub. The footer beneath a dialog is left as it is, and shows F4 after as before; F4 over the
    dialog opens nothing."""
    from zc_review.tui.widgets.footer import KeyFooter
    from zc_review.tui.widgets.quit import QuitConfirm

    room, _ = room_at("attendance")
    app = make_app(room)
    async with app.run_test(size=SIZE) as pilot:
        await _recorder(pilot, app, demo)
        dashboard = app.screen
        footer = dashboard.query_one(KeyFooter)
        await _settled(pilot)
        assert "f4" in {k.key for k in footer.query(FooterKey)}
        rebuilt: list[str] = []
        real = KeyFooter.recompose

        async def counted(self: KeyFooter) -> None:
            rebuilt.append(type(self.screen).__name__)
            await real(self)

        monkeypatch.setattr(KeyFooter, "recompose", counted)
        depth = len(app.screen_stack)
        for _ in range(3):
            await opening.keys(pilot, "ctrl+q")  # the quit question, a dialog over the dashboard
            await until(pilot, lambda: isinstance(app.screen, QuitConfirm), "quit question")
            await _settled(pilot)
            await opening.keys(pilot, "f4")  # over a dialog F4 does nothing
            await _settled(pilot)
            assert isinstance(app.screen, QuitConfirm) and len(app.screen_stack) == depth + 1
            await opening.keys(pilot, "n")
            await until(pilot, lambda: app.screen is dashboard, "dashboard")
            await _settled(pilot)
        assert rebuilt == []
        assert "f4" in {k.key for k in footer.query(FooterKey)}


async def _settled(pilot: Any) -> None:
    """Until the top screen has nothing left to lay out or paint, and the footer's checks after it ran."""
    from tests.bench.bench_grid import painted

    await painted(pilot)
    await painted(pilot)
