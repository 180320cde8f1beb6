"""The application shell: ``make_app`` (one factory for the CLI, Pilot tests and the demo), the
credential prompt, and the recorder's dashboard of the session's steps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import t
from zc_review.service.errors import ServiceError

if TYPE_CHECKING:  # the service (SQLModel, cryptography) loads after the first screen is up
    from zc_review.service import RoomService
    from zc_review.service.room import Actor


class CredentialPrompt(ModalScreen["Actor | None"]):
    """Ask one person (chosen from ``people``) for their credential secret; answers the Actor or None.

    The secret is checked by ``service.authenticate`` in a worker thread (Argon2id takes ~0.1 s).
    The input is a password field and is cleared after every attempt.
    """

    DEFAULT_CSS = """
    CredentialPrompt { align: center middle; }
    CredentialPrompt > Vertical { width: 70; height: auto; border: thick $accent; padding: 1 2; background: $panel; }
    CredentialPrompt OptionList { height: auto; max-height: 12; }
    CredentialPrompt #cred-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, service: RoomService, title: str, people: list[tuple[str, str]]) -> None:
        super().__init__()
        self.service = service
        self.title_text = title
        self.people = people
        self.person_id: str | None = people[0][0] if len(people) == 1 else None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), id="cred-title")
            if len(self.people) > 1:
                yield OptionList(*[Option(Text(label), id=pid) for pid, label in self.people], id="cred-people")
            else:
                yield Label(Text(self.people[0][1]), id="cred-person")
            yield Input(placeholder=t("common.secret_placeholder"), password=True, id="cred-secret")
            yield Label("", id="cred-error")

    def on_mount(self) -> None:
        if len(self.people) > 1:
            self.query_one(OptionList).highlighted = 0
            self.query_one(OptionList).focus()
        else:
            self.query_one(Input).focus()

    @on(OptionList.OptionSelected, "#cred-people")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.person_id = event.option.id
        self.query_one(Input).focus()

    @on(Input.Submitted, "#cred-secret")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.person_id is None:
            ol = self.query_one(OptionList)
            if ol.highlighted is None:
                return
            self.person_id = ol.get_option_at_index(ol.highlighted).id
        secret = event.value
        event.input.value = ""
        self._check(self.person_id or "", secret)

    @work(thread=True, exclusive=True, group="credential")
    def _check(self, person_id: str, secret: str) -> None:
        try:
            actor = self.service.authenticate(person_id, secret)
        except ServiceError as exc:
            self.app.call_from_thread(self._show_error, exc.message)
            return
        self.app.call_from_thread(self.dismiss, actor)

    def _show_error(self, message: str) -> None:
        self.query_one("#cred-error", Label).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


class Notice(ModalScreen[bool]):
    """A message the room must acknowledge (Enter)."""

    DEFAULT_CSS = """
    Notice { align: center middle; }
    Notice > Vertical { width: 80; height: auto; border: thick $warning; padding: 1 2; background: $panel; }
    """
    BINDINGS = [Binding("escape", "ok", "确定")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.message), id="notice-text")
            yield Button(t("common.ok"), id="notice-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    @on(Button.Pressed, "#notice-ok")
    def action_ok(self) -> None:
        self.dismiss(True)


class ZcReviewApp(App[None]):
    """The room's application. Holds the service once unlocked and the recorder (the operator)."""

    CSS_PATH = "app.tcss"
    TITLE = "zc-review 职称评审会议系统"
    BINDINGS = [Binding("ctrl+q", "quit", "退出", show=True)]

    def __init__(self, service: RoomService | None = None, *, package_path: Path | None = None,
                 home: Path | None = None, out_dir: Path | None = None) -> None:
        super().__init__()
        self.service = service
        self.package_path = package_path
        self.home = home
        self.out_dir = out_dir or Path("reports")
        self.operator: Actor | None = None  # the recorder, logged in after unlock

    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()

    def on_mount(self) -> None:
        if self.service is None:
            from zc_review.tui.screens.unlock import UnlockScreen

            self.push_screen(UnlockScreen(self.package_path, self.home))
        else:
            self.after_unlock(self.service)

    def after_unlock(self, service: RoomService) -> None:
        """Called by the unlock screen: ask the recorder's credential, then show the dashboard."""
        self.service = service
        if service.defn.rehearsal:
            self.sub_title = t("tui.rehearsal_banner")
        from zc_review.domain.model import StaffRole

        rec = service.defn.staff_with_role(StaffRole.RECORDER)

        def done(actor: Actor | None) -> None:
            if actor is None:
                self.exit()
                return
            self.operator = actor
            from zc_review.tui.screens.dashboard import DashboardScreen

            self.push_screen(DashboardScreen())

        self.push_screen(CredentialPrompt(service, t("tui.recorder_login"), [(rec.id, f"{t('common.role_recorder')} {rec.name}")]),
                         done)

    def ask_credential(self, title: str, people: list[tuple[str, str]], callback: Any) -> None:
        """Push a CredentialPrompt; ``callback(actor | None)`` receives the answer."""
        assert self.service is not None
        self.push_screen(CredentialPrompt(self.service, title, people), callback)

    def show_error(self, exc: ServiceError | str) -> None:
        """Show a refusal in Chinese, never a traceback."""
        self.push_screen(Notice(exc.message if isinstance(exc, ServiceError) else exc))


def make_app(service: RoomService | None = None, *, package_path: Path | None = None, home: Path | None = None,
             out_dir: Path | None = None) -> ZcReviewApp:
    """The one factory: the CLI, Pilot tests, snapshots and the demo all build the app here."""
    return ZcReviewApp(service, package_path=package_path, home=home, out_dir=out_dir)
