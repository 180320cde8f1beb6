"""The unlock screen: the chair's and the supervisor's opening secrets open the session package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError

if TYPE_CHECKING:
    from zc_review.service import RoomService
    from zc_review.tui.app import ZcReviewApp


class UnlockScreen(Screen[None]):
    """Two password fields (two-person rule); the package is verified and decrypted in a worker.

    Any failure shows the one opaque message of the service and clears both fields, so neither
    opener learns which secret was wrong.
    """

    CSS_PATH = "opening.tcss"

    def __init__(self, package_path: Path | None, home: Path | None) -> None:
        super().__init__()
        self.package_path = package_path
        self.home = home

    def compose(self) -> ComposeResult:
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
            service = RoomService.open(package_path, chair, supervisor, home=self.home)
        except ServiceError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._opened, service)

    def _failed(self, message: str) -> None:
        self.query_one("#unlock-status", Static).update("")
        self.query_one("#unlock-error", Static).update(Text(message))
        for w in self.query(Input):
            w.disabled = False
            w.value = ""
        self.query_one("#unlock-open", Button).disabled = False
        self.query_one("#unlock-chair", Input).focus()

    def _opened(self, service: RoomService) -> None:
        app: ZcReviewApp = self.app  # type: ignore[assignment]
        self.dismiss()
        app.after_unlock(service)
