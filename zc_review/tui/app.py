"""The application shell: ``make_app`` (one factory for the CLI, Pilot tests and the demo) and ``ZcReviewApp``,
which unlocks the session package (``UnlockScreen``), logs the recorder in and shows the dashboard.

The app imports the screens; no screen imports the app. A screen reads the app through
``zc_review.tui.base.RoomHost`` (``room``, ``operator``, ``out_dir``); the unlock screen answers the
opened room through ``dismiss``, which the app receives as a callback.

What every screen has (issue 13): F1 help (``zc_review.tui.help``), the command palette in Chinese (Ctrl+P,
``zc_review.tui.commands``), the projector view (F4), and leaving asks first (Ctrl+Q, Ctrl+C; Escape never
quits).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from zc_review.i18n import t
from zc_review.tui.base import RoomScreen
from zc_review.tui.commands import ShellCommand, ShellCommands, ZcCommandPalette
from zc_review.tui.screens.common import QUIET_S, quiet_moment
from zc_review.tui.shell_keys import ShellKeys
from zc_review.tui.widgets import CredentialPrompt
from zc_review.tui.widgets.footer import KeyFooter
from zc_review.tui.widgets.reshown import KeptDialogs

if TYPE_CHECKING:  # the service (SQLModel, cryptography) loads after the first screen is up
    from zc_review.service import RoomService
    from zc_review.service.room import Actor

#: Colour themes offered in the palette: catalogue key of the Chinese name → Textual theme.
THEMES = (("tui.theme_dark", "textual-dark"), ("tui.theme_light", "textual-light"),
          ("tui.theme_contrast", "textual-ansi"))


class ZcReviewApp(ShellKeys, App[None]):
    """The room's application. Holds the room service once unlocked (``room``), the recorder (the operator,
    logged in after unlock) and the output folder.

    Keys on every screen: F1 help, F4 the projector (on the room's screens once the recorder is in), Ctrl+P
    the command palette, Ctrl+Q (or Ctrl+C outside a text selection) asks before leaving.
    """

    #: Every style sheet of the room's screens, read once at start-up in the order the day first meets them. A
    #: screen's own ``CSS_PATH`` read on its first push made Textual parse every source again and restyle every
    #: widget of every open screen (47 ms on the first scoring screen; docs/DESIGN.md "Screen costs").
    CSS_PATH = ["app.tcss", "screens/opening.tcss", "widgets/dialogs.tcss", "screens/scoring.tcss",  # noqa: RUF012
                "screens/closing.tcss", "screens/panel.tcss"]
    TITLE = t("tui.app_title")
    COMMANDS = {ShellCommands}  # noqa: RUF012 (Textual's ClassVar): no English system commands
    BINDINGS = [
        Binding("ctrl+q", "quit", t("tui.quit"), show=True, priority=True),
        Binding("ctrl+c", "quit", t("tui.quit"), show=False),
        Binding("f1", "help", t("tui.key_help"), priority=True),
        Binding("f4", "projector", t("tui.key_projector"), priority=True),
        Binding("ctrl+p", "command_palette", t("tui.key_palette"), show=False, priority=True),
    ]

    def __init__(self, room: RoomService | None = None, *, package_path: Path | None = None,
                 home: Path | None = None, out_dir: Path | None = None) -> None:
        super().__init__()
        self.room = room
        self.package_path = package_path
        self.home = home
        self.out_dir = out_dir or Path("reports")
        self.operator: Actor | None = None  # the recorder, logged in after unlock
        self.dialogs = KeptDialogs()  # dialogs built once and shown again (widgets/reshown.py)

    def compose(self) -> ComposeResult:
        """The default screen: header and footer (the screens are pushed over it)."""
        yield Header()
        yield KeyFooter()

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: Any = False,
                    *, mode: str | None = None) -> Any:
        """Textual's ``push_screen``; a dialog of a shape shown before is shown again rather than built anew
        (``widgets.reshown``: the kept one takes over the new one's question)."""
        if isinstance(screen, Screen):
            screen = self.dialogs.take(self, screen)
        return super().push_screen(screen, callback, wait_for_dismiss, mode=mode)

    async def on_event(self, event: events.Event) -> None:
        """Every event, as Textual's App; a key or a click is remembered as the last input (``_quiet``)."""
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = monotonic()
        await super().on_event(event)

    def _quiet(self) -> None:
        """The application's timer (every ``QUIET_S`` s): nobody typing for that long is the quiet moment in
        which the garbage frozen at the turns is given back (``screens.common.quiet_moment``)."""
        quiet_moment(monotonic() - self._last_input)

    def on_mount(self) -> None:
        """Show the unlock screen, or (a room given, as in tests) go straight to the recorder's login."""
        self._last_input = monotonic()
        self.set_interval(QUIET_S, self._quiet)
        if self.room is None:
            self._show_unlock()
        else:
            self.after_unlock(self.room)

    def _show_unlock(self) -> None:
        from zc_review.tui.screens.unlock import UnlockScreen

        self.push_screen(UnlockScreen(self.package_path, self.home), self._unlocked)

    def _unlocked(self, room: RoomService | None) -> None:
        if room is None:  # the unlock screen never ends the app: only Ctrl+Q and a yes do
            self._show_unlock()
        else:
            self.after_unlock(room)

    def after_unlock(self, room: RoomService) -> None:
        """The package is open: set the rehearsal banner, ask the recorder's credential (it cannot be
        cancelled: Escape there never quits; F2 lifts a locked recorder's lock; the office root fingerprint
        is shown to compare with the letters), then show the dashboard."""
        self.room = room
        if room.views.session().rehearsal:
            self.sub_title = t("tui.rehearsal_banner")
        rec = room.views.recorder()
        groups = room.views.shell.package().office_root_fingerprint.split()
        note = t("tui.fp_on_login", fp=" ".join(groups[:8]) + "\n" + " ".join(groups[8:]))  # never split a group

        def done(actor: Actor | None) -> None:
            if actor is None:
                ask()
                return
            self.operator = actor
            from zc_review.tui.screens.dashboard import DashboardScreen

            self.push_screen(DashboardScreen())

        def lift() -> None:  # a locked recorder: two other officers lift the lock from here (issue 13 item 1)
            from zc_review.tui.screens.unlock_person import UnlockPersonScreen

            self.push_screen(UnlockPersonScreen(rec.person_id))

        def ask() -> None:
            self.push_screen(CredentialPrompt(room, t("tui.recorder_login"),
                                              [(rec.person_id, f"{t('common.role_recorder')} {rec.name}")],
                                              lift=lift, required=True, note=note), done)

        ask()

    # -- leaving -----------------------------------------------------------------------------------------
    # -- the projector -------------------------------------------------------------------------------------
    def action_projector(self) -> None:
        """F4: the projector view over the current room screen; F4 on the projector goes back."""
        from zc_review.tui.screens.projector import ProjectorScreen

        if isinstance(self.screen, ProjectorScreen):
            self.screen.dismiss(None)
        elif isinstance(self.screen, RoomScreen):  # over a dialog F4 does nothing
            self.push_screen(ProjectorScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The projector once the recorder is logged in, from a room screen (elsewhere not in the footer).

        A room screen under a dialog keeps F4 in its footer: Textual checks the application's keys against the
        screen on top, so asking for a room screen on top made the dashboard's footer drop F4 as each dialog
        opened and show it again as it closed, two rebuilds per dialog (``action_projector`` does nothing over
        a dialog)."""
        if action == "projector":
            return self.operator is not None and any(isinstance(s, RoomScreen) for s in self.screen_stack)
        return True

    # -- the command palette -------------------------------------------------------------------------------
    def action_command_palette(self) -> None:
        """Ctrl+P: the Chinese command palette (``ZcCommandPalette``)."""
        if not isinstance(self.screen, ZcCommandPalette):
            self.push_screen(ZcCommandPalette())

    def shell_commands(self, screen: Screen[Any] | None = None) -> list[ShellCommand]:
        """The palette's commands on ``screen`` (default: the current one): the room's commands when the
        recorder is logged in and ``screen`` is a room screen (who is still due, lift a lock, the fingerprint, the
        pass-rate preview, the projector, then go to each step); always help, the colours and quit."""
        screen = screen or self.screen
        out: list[ShellCommand] = []
        if self.operator is not None and isinstance(screen, RoomScreen):
            from zc_review.tui.screens.dashboard import STEPS
            from zc_review.tui.screens.panel_view import PreviewScreen
            from zc_review.tui.screens.projector import ProjectorScreen
            from zc_review.tui.screens.shell import FingerprintScreen, OutstandingScreen
            from zc_review.tui.screens.unlock_person import UnlockPersonScreen

            out += [
                ShellCommand(t("tui.cmd_outstanding"), t("tui.cmd_outstanding_help"),
                             lambda: self.push_screen(OutstandingScreen())),
                ShellCommand(t("tui.lift_title"), t("tui.cmd_lift_help"), lambda: self.push_screen(UnlockPersonScreen())),
                ShellCommand(t("tui.cmd_fingerprint"), t("tui.cmd_fingerprint_help"),
                             lambda: self.push_screen(FingerprintScreen())),
                ShellCommand(t("scoring.preview_title"), t("tui.cmd_preview_help"), lambda: self.push_screen(PreviewScreen())),
                ShellCommand(t("tui.cmd_projector"), t("tui.cmd_projector_help"),
                             lambda: self.push_screen(ProjectorScreen())),
            ]
            for key, label, screen_cls in STEPS:
                out.append(ShellCommand(t("tui.cmd_goto", step=t(label)), t("tui.cmd_goto_help", step=t(label), number=key),
                                        self._opener(screen_cls)))
            out += self._hidden_keys(screen)
        out.append(ShellCommand(t("tui.cmd_help"), t("tui.cmd_help_help"), self.action_help))
        for key, theme in THEMES:
            out.append(ShellCommand(t("tui.cmd_theme", theme=t(key)), t("tui.cmd_theme_help"),
                                    self._theme_setter(theme)))
        out.append(ShellCommand(t("tui.quit"), t("tui.cmd_quit_help"), self.action_quit))
        return out


    def _hidden_keys(self, screen: Screen[Any]) -> list[ShellCommand]:
        """The keys of ``screen`` kept out of its footer so that it fits 80 columns (``show=False``; not the
        dashboard's step numbers, which the "go to" commands cover, nor the application's keys): one command
        each, which runs the key's action on the screen (docs/DESIGN.md "Footers at 80×24")."""
        from zc_review.tui.help import APP_WIDE

        if type(screen).__name__ == "DashboardScreen":
            return []
        out: list[ShellCommand] = []
        seen: set[str] = set()
        for bindings in screen._bindings.key_to_bindings.values():
            for b in bindings:
                if b.show or not b.description or b.action in APP_WIDE or b.action in seen:
                    continue
                if self._check_action_state(b.action, screen) is False:
                    continue
                seen.add(b.action)
                out.append(ShellCommand(t("tui.cmd_key", description=b.description, keys=self.get_key_display(b)),
                                        t("tui.cmd_key_help"), self._runner(screen, b.action)))
        return out

    @staticmethod
    def _runner(screen: Screen[Any], action: str) -> Callable[[], object]:
        return lambda: screen.run_action(action)

    def _opener(self, screen_cls: type[Screen[Any]]) -> Callable[[], object]:
        return lambda: self.push_screen(screen_cls())

    def _theme_setter(self, theme: str) -> Callable[[], None]:
        def set_theme() -> None:
            self.theme = theme

        return set_theme


def make_app(room: RoomService | None = None, *, package_path: Path | None = None, home: Path | None = None,
             out_dir: Path | None = None) -> ZcReviewApp:
    """The one factory: the CLI, Pilot tests, snapshots and the demo all build the app here.

    ``room``: an open room service (tests), or None to start at the unlock screen of ``package_path``
    (its data under ``home``); ``out_dir``: where sheets and the bundle are written (default ``reports``).
    """
    return ZcReviewApp(room, package_path=package_path, home=home, out_dir=out_dir)
