"""The unlock screen: the chair's and the supervisor's opening secrets open the session package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError

if TYPE_CHECKING:
    from zc_review.service import RoomService


class UnlockScreen(Screen["RoomService"]):
    """Two password fields (two-person rule); the package is verified and decrypted in a worker, which
    posts ``Opened`` or ``Failed``. Answers (``dismiss``) the opened room service.

    Keys: Enter in the chair's field moves to the supervisor's; Enter there (or the button) opens. Any
    failure shows the one opaque message of the service and clears both fields, so neither opener learns
    which secret was wrong.
    """

    class Opened(Message):
        """The package was verified and decrypted: ``room`` is the open room service."""

        def __init__(self, room: RoomService) -> None:
            super().__init__()
            self.room = room

    class Failed(Message):
        """Opening was refused; ``message`` is the service's one opaque Chinese message."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    CSS_PATH = "opening.tcss"

    def __init__(self, package_path: Path | None, home: Path | None) -> None:
        super().__init__()
        self.package_path = package_path
        self.home = home

    def compose(self) -> ComposeResult:
        """The package path, the two secret fields, the open button, a status and an error line."""
        yield Header()
        with Vertical(id="unlock-box"):
            yield Static(t("unlock.title"), classes="title")
            yield Static(Text(str(self.package_path or "")), classes="hint")
            yield Label(t("unlock.chair_secret"))
            yield Input(password=True, id="unlock-chair", placeholder=t("common.secret_placeholder"))
            yield Label(t("unlock.supervisor_secret"))
            yield Input(password=True, id="unlock-supervisor", placeholder=t("common.secret_placeholder"))
            yield Button(t("unlock.open"), id="unlock-open", variant="primary")
            yield Static("", id="unlock-status", classes="hint")
            yield Static("", id="unlock-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the chair's field."""
        self.query_one("#unlock-chair", Input).focus()

    @on(Input.Submitted, "#unlock-chair")
    def _chair_done(self) -> None:
        self.query_one("#unlock-supervisor", Input).focus()

    @on(Input.Submitted, "#unlock-supervisor")
    @on(Button.Pressed, "#unlock-open")
    def _open(self) -> None:
        chair = self.query_one("#unlock-chair", Input).value
        supervisor = self.query_one("#unlock-supervisor", Input).value
        if not chair or not supervisor or self.package_path is None:
            self.query_one("#unlock-error", Static).update(Text(t("unlock.both_needed")))
            return
        self.query_one("#unlock-error", Static).update("")
        self.query_one("#unlock-status", Static).update(Text(t("unlock.working")))
        for w in self.query(Input):
            w.disabled = True
        self.query_one("#unlock-open", Button).disabled = True
        self._unlock(self.package_path, chair, supervisor)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, package_path: Path, chair: str, supervisor: str) -> None:
        from zc_review.service import RoomService

        try:
            room = RoomService.open(package_path, chair, supervisor, home=self.home)
        except ServiceError as exc:
            self.post_message(self.Failed(exc.message))
            return
        self.post_message(self.Opened(room))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        message = event.message
        self.query_one("#unlock-status", Static).update("")
        self.query_one("#unlock-error", Static).update(Text(message))
        for w in self.query(Input):
            w.disabled = False
            w.value = ""
        self.query_one("#unlock-open", Button).disabled = False
        self.query_one("#unlock-chair", Input).focus()

    @on(Opened)
    def _opened(self, event: Opened) -> None:
        self.dismiss(event.room)
