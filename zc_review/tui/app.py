"""The application shell: ``make_app`` (one factory for the CLI, Pilot tests and the demo) and ``ZcReviewApp``,
which unlocks the session package (``UnlockScreen``), logs the recorder in and shows the dashboard.

The app imports the screens; no screen imports the app. A screen reads the app through
``zc_review.tui.base.RoomHost`` (``room``, ``operator``, ``out_dir``); the unlock screen answers the
opened room through ``dismiss``, which the app receives as a callback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header

from zc_review.i18n import t
from zc_review.tui.widgets import CredentialPrompt

if TYPE_CHECKING:  # the service (SQLModel, cryptography) loads after the first screen is up
    from zc_review.service import RoomService
    from zc_review.service.room import Actor


class ZcReviewApp(App[None]):
    """The room's application. Holds the room service once unlocked (``room``), the recorder (the operator,
    logged in after unlock) and the output folder. Key: ctrl+q quits."""

    CSS_PATH = "app.tcss"
    TITLE = t("tui.app_title")
    BINDINGS = [Binding("ctrl+q", "quit", t("tui.quit"), show=True)]

    def __init__(self, room: RoomService | None = None, *, package_path: Path | None = None,
                 home: Path | None = None, out_dir: Path | None = None) -> None:
        super().__init__()
        self.room = room
        self.package_path = package_path
        self.home = home
        self.out_dir = out_dir or Path("reports")
        self.operator: Actor | None = None  # the recorder, logged in after unlock

    def compose(self) -> ComposeResult:
        """The default screen: header and footer (the screens are pushed over it)."""
        yield Header()
        yield Footer()

    def on_mount(self) -> None:
        """Show the unlock screen, or (a room given, as in tests) go straight to the recorder's login."""
        if self.room is None:
            from zc_review.tui.screens.unlock import UnlockScreen

            self.push_screen(UnlockScreen(self.package_path, self.home), self._unlocked)
        else:
            self.after_unlock(self.room)

    def _unlocked(self, room: RoomService | None) -> None:
        if room is None:
            self.exit()
        else:
            self.after_unlock(room)

    def after_unlock(self, room: RoomService) -> None:
        """The package is open: set the rehearsal banner, ask the recorder's credential, then show the
        dashboard (Escape on the credential quits the app; F2 there lifts a locked recorder's lock)."""
        self.room = room
        if room.views.session().rehearsal:
            self.sub_title = t("tui.rehearsal_banner")
        rec = room.views.recorder()

        def done(actor: Actor | None) -> None:
            if actor is None:
                self.exit()
                return
            self.operator = actor
            from zc_review.tui.screens.dashboard import DashboardScreen

            self.push_screen(DashboardScreen())

        def lift() -> None:  # a locked recorder: two other officers lift the lock from here (issue 13 item 1)
            from zc_review.tui.screens.unlock_person import UnlockPersonScreen

            self.push_screen(UnlockPersonScreen(rec.person_id))

        self.push_screen(CredentialPrompt(room, t("tui.recorder_login"), [(rec.person_id, f"{t('common.role_recorder')} {rec.name}")],
                                          lift=lift), done)


def make_app(room: RoomService | None = None, *, package_path: Path | None = None, home: Path | None = None,
             out_dir: Path | None = None) -> ZcReviewApp:
    """The one factory: the CLI, Pilot tests, snapshots and the demo all build the app here.

    ``room``: an open room service (tests), or None to start at the unlock screen of ``package_path``
    (its data under ``home``); ``out_dir``: where sheets and the bundle are written (default ``reports``).
    """
    return ZcReviewApp(room, package_path=package_path, home=home, out_dir=out_dir)
