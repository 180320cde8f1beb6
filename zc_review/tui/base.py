"""The base of the room's screens: the one way a screen reaches the room service (``self.room``), the
recorder logged in at unlock (``self.operator``) and the output folder, and the two things every screen asks
for: show a refusal (``show_error``) and a person's credential (``ask_credential``).

Screens never import the application: what they read of it is the ``RoomHost`` protocol, which
``ZcReviewApp`` provides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.widgets import CredentialPrompt, Notice
from zc_review.tui.widgets.steady import Steady

if TYPE_CHECKING:
    from zc_review.service import RoomService
    from zc_review.service.room import Actor

ResultT = TypeVar("ResultT")


class RoomHost(Protocol):
    """What a room screen reads from the application: the room (None until unlocked), the recorder logged
    in after unlock (None before), and the folder documents and the bundle are written to."""

    room: RoomService | None
    operator: Actor | None
    out_dir: Path


class RoomAccess:
    """Mixin of ``RoomScreen`` and ``RoomModal``: the room, the operator, refusals and credentials."""

    @property
    def _host(self) -> RoomHost:
        assert isinstance(self, Screen), "RoomAccess is mixed into screens only"
        return cast("RoomHost", self.app)

    @property
    def room(self) -> RoomService:
        """The unlocked room service. Raises AssertionError before unlock (no room screen is shown then)."""
        room = self._host.room
        assert room is not None, "the room is not unlocked"
        return room

    @property
    def operator(self) -> Actor | None:
        """The recorder logged in after unlock (None before the login)."""
        return self._host.operator

    @property
    def out_dir(self) -> Path:
        """The folder printed sheets and the result bundle go to (the app's ``out_dir``)."""
        return self._host.out_dir

    def show_error(self, error: ServiceError | str) -> None:
        """Show a refusal (the ServiceError's Chinese message, or ``error`` itself) in a ``Notice``; never a
        traceback. The room acknowledges it with Enter."""
        screen = cast(Screen[Any], self)
        screen.app.push_screen(Notice(error.message if isinstance(error, ServiceError) else error))

    def ask_credential(self, title: str, people: list[tuple[str, str]],
                       callback: Callable[[Actor | None], None]) -> None:
        """Push a ``CredentialPrompt`` for one of ``people`` ((person id, label)); ``callback`` receives the
        authenticated Actor, or None when the prompt was cancelled. With nobody in ``people`` (nobody may act
        now: the roll call not closed, everyone done) a ``Notice`` says so and ``callback`` receives None when
        it is acknowledged (it used to end the application with a traceback)."""
        screen = cast(Screen[Any], self)
        if not people:
            screen.app.push_screen(Notice(t("tui.nobody_due", step=title)), lambda _ok: callback(None))
            return
        screen.app.push_screen(CredentialPrompt(self.room, title, people), callback)

    def guard(self, call: Callable[[], object]) -> bool:
        """Run ``call`` (a room command); a ServiceError is shown with ``show_error``. True when it succeeded."""
        try:
            call()
        except ServiceError as exc:
            self.show_error(exc)
            return False
        return True


#: F1 on every room screen, declared here so that it comes first in every footer (the application's F1
#: binding, a priority one, does the work: ``ZcReviewApp.action_help``).
HELP_BINDING = Binding("f1", "app.help", t("tui.key_help"))

#: The application's keys for every screen, Ctrl+Q (leave, asking first) and F4 (the projector), hidden from
#: a room screen's footer so that the step's own keys fit at 80 columns (docs/DESIGN.md "Footers at 80×24").
#: Priority bindings declared on the screen come before the application's in the footer's lookup, so these
#: are the ones it reads; the keys work as before. F1's "任何屏幕" line and the command palette list them.
APP_WIDE_HIDDEN = [Binding("ctrl+q", "app.quit", t("tui.quit"), show=False, priority=True),
                   Binding("f4", "app.projector", t("tui.key_projector"), show=False, priority=True)]
#: The same keys shown in the footer: the dashboard, the room's hub, shows them.
APP_WIDE_SHOWN = [Binding("ctrl+q", "app.quit", t("tui.quit"), priority=True),
                  Binding("f4", "app.projector", t("tui.key_projector"), priority=True)]


class RoomScreen(Steady, RoomAccess, Screen[ResultT]):
    """A full screen of the room (every one shows the Header, and so the rehearsal banner). F1 opens its help
    (``zc_review.tui.help``), shown first in the footer; Ctrl+Q and F4 work but are not in the footer
    (``APP_WIDE_HIDDEN``)."""

    BINDINGS = [HELP_BINDING, *APP_WIDE_HIDDEN]


class RoomModal(Steady, RoomAccess, ModalScreen[ResultT]):
    """A modal screen of the room that reads the room itself (dialogs that only ask are in ``widgets``)."""
