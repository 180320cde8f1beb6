"""The minutes (会议记录): generate the PDF in a worker, then the recorder and the presiding officer sign it.

Source: RULES.md §6; 000 第二十八条.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, Static

from zc_review.i18n import t
from zc_review.service.atomic import write_atomic
from zc_review.service.errors import ServiceError
from zc_review.service.room import Actor
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import settle_collector
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.dialogs import Message as MessageText
from zc_review.tui.widgets.dialogs import Unbroken
from zc_review.tui.widgets.footer import KeyFooter

STAGE_KEYS = {None: "closing.minutes_none", "unsigned": "closing.minutes_unsigned",
              "recorder": "closing.minutes_recorder", "presiding": "closing.minutes_presiding"}


class MinutesScreen(RoomScreen[None]):
    """g 生成会议记录, s 签署 (记录人, then 主持人); the stage is always shown."""

    CSS_PATH = "closing.tcss"
    BINDINGS = [Binding("g", "generate", t("closing.minutes_generate")),
                Binding("p", "write_copy", t("closing.minutes_write")),
                Binding("s", "sign", t("closing.minutes_sign")),
                Binding("escape", "back", t("common.back"))]

    class Generated(Message):
        """The minutes PDF was rendered and stored (unsigned)."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    class Signed(Message):
        """One signature was added to the minutes."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    class Failed(Message):
        """Generating or signing was refused; ``message`` is the room's Chinese text."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self) -> None:
        super().__init__()
        self.generated = False
        self.busy = False

    def compose(self) -> ComposeResult:
        """The stage (``#minutes-stage``), the PDF's summary, the error line and the keys."""
        yield Header()
        yield Static(Text(t("tui.step_minutes")), classes="title")
        yield Static(Text(""), id="minutes-stage")
        yield MessageText(Text(""), id="minutes-summary")
        yield Static(Text(""), id="minutes-error")
        yield Static(Text(t("closing.minutes_keys")), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show the stage and, when minutes exist, their summary."""
        self.show_stage()
        if self.room.closing.minutes_stage() is not None:
            self.query_one("#minutes-summary", Static).update(
                Unbroken(self.room.views.minutes_summary(self.room.closing.minutes_pdf())))

    def show_stage(self, note: str = "") -> None:
        """Show the minutes' stage (none, unsigned, signed by the recorder, by both) and ``note``."""
        text = t(STAGE_KEYS.get(self.room.closing.minutes_stage(), "closing.minutes_none"))
        self.query_one("#minutes-stage", Static).update(
            Text(text + (t("closing.minutes_stage_note", note=note) if note else "")))

    def _error(self, message: str) -> None:
        self.query_one("#minutes-error", Static).update(Text(message))

    # -- generate -------------------------------------------------------------------------------------
    def action_generate(self) -> None:
        """``g``: render the minutes in a worker (posts ``Generated`` or ``Failed``)."""
        if self.busy:
            return
        self.busy = True
        self._error("")
        self.show_stage(t("closing.minutes_working"))
        assert self.operator is not None
        self._generate(self.operator)

    @work(thread=True, exclusive=True, group="minutes")
    def _generate(self, operator: Actor) -> None:
        try:
            pdf = self.room.closing.generate_minutes(operator)
        except ServiceError as exc:
            self.post_message(self.Failed(exc.message))
            return
        self.post_message(self.Generated(self.room.views.minutes_summary(pdf)))

    @on(Generated)
    def _generated(self, event: Generated) -> None:
        self.busy = False
        self.generated = True
        self.query_one("#minutes-summary", Static).update(Unbroken(event.summary))
        self.show_stage()

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.busy = False
        self.show_stage()
        self._error(event.message)
        self.show_error(event.message)

    # -- a copy to read before signing -----------------------------------------------------------------
    def action_write_copy(self) -> None:
        """``p``: write the stored minutes (as signed so far) to the output folder, so that the signers can read
        or print them before signing: the hand run found no way to see what one signs. Refused (shown) before
        the minutes are generated."""
        try:
            pdf = self.room.closing.minutes_pdf()
        except ServiceError as exc:
            self.show_error(exc)
            return
        path = self.out_dir / f"{self.room.views.session().session_id}-minutes.pdf"
        write_atomic(path, pdf)  # 0600 in a 0700 folder it creates, as the leader's sheets (issue 12 §5)
        self._error("")
        self.query_one("#minutes-error", Static).update(Text(t("closing.minutes_written", path=str(path)),
                                                             style="green"))

    # -- sign -------------------------------------------------------------------------------------------
    def action_sign(self) -> None:
        """``s``: the next signer (the recorder, then the presiding officer) types their credential;
        the signature is added in a worker (posts ``Signed`` or ``Failed``)."""
        room = self.room
        stage = room.closing.minutes_stage()
        if self.busy:
            return
        if stage is None:
            self.show_error(ServiceError("minutes_missing"))
            return
        if stage == "unsigned":
            person = room.views.recorder().person_id
            label = f"{t('common.role_recorder')} {room.person_name(person)}"
        elif stage == "recorder":
            presiding = room.presiding_officer_id()
            if presiding is None:
                self.show_error(ServiceError("not_permitted", action="sign_minutes_presiding"))
                return
            person, label = presiding, f"{t('common.role_presiding')} {room.person_name(presiding)}"
        else:
            self.show_error(ServiceError("minutes_sign_order"))
            return
        settle_collector()
        self.ask_credential(t("closing.minutes_sign_login"), [(person, label)], self._identified)

    def _identified(self, actor: Actor | None) -> None:
        """The signer is identified: a ``Confirm`` naming them and the PDF (a signature cannot be undone),
        then the signature."""
        if actor is None:
            return
        summary = self.room.views.minutes_summary(self.room.closing.minutes_pdf())

        def answer(yes: bool | None) -> None:
            if yes:
                self._start_sign(actor)

        self.app.push_screen(Confirm(t("closing.minutes_sign_q", who=actor.name, summary=summary)), answer)

    def _start_sign(self, actor: Actor) -> None:
        self.busy = True
        self._error("")
        self.show_stage(t("closing.minutes_working"))
        self._sign(actor)

    @work(thread=True, exclusive=True, group="minutes")
    def _sign(self, actor: Actor) -> None:
        try:
            pdf = self.room.closing.sign_minutes(actor)
        except ServiceError as exc:
            self.post_message(self.Failed(exc.message))
            return
        self.post_message(self.Signed(self.room.views.minutes_summary(pdf)))

    @on(Signed)
    def _signed(self, event: Signed) -> None:
        self.busy = False
        self.query_one("#minutes-summary", Static).update(Unbroken(event.summary))
        self.show_stage()

    def action_back(self) -> None:
        """Escape: back to the dashboard (not while working)."""
        if not self.busy:
            self.app.pop_screen()
