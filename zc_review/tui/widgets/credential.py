"""The credential prompt: one person types their own secret, which the room checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.widgets.dialogs import CSS, Unbroken
from zc_review.tui.widgets.dialogs import Message as MessageText
from zc_review.tui.widgets.reshown import Reshown
from zc_review.tui.widgets.steady import Steady

if TYPE_CHECKING:
    from zc_review.service import RoomService
    from zc_review.service.room import Actor


class MessageLabel(MessageText, Label):
    """A ``Label`` that shows an ``Unbroken`` message: the room's refusals ("须等待 27 秒后…") wrap at the
    prompt's width without breaking a number from its measure word or a code (issue 13 item 10)."""


class CredentialPrompt(Reshown, Steady, ModalScreen["Actor | None"]):
    """Ask one person (chosen from ``people``: (person id, label)) for their credential secret; answers the
    authenticated Actor, or None on Escape.

    With several people a list (``#cred-people``) comes first, Enter chooses; the secret is a password field
    (``#cred-secret``), cleared after every attempt. The secret is checked by ``room.authenticate`` in a
    worker thread (Argon2id takes ~0.1 s), which posts ``Accepted`` or ``Refused``; a refusal is shown in
    ``#cred-error`` (the room's Chinese message, wrapped, never cut off) and the prompt stays.

    ``lift``: when given (the recorder's login), F2 calls it to lift a lock without leaving the prompt
    (issue 13 item 1), and a hint (``#cred-lift``) says so. ``required``: the prompt cannot be cancelled
    (the recorder's login: there is nothing to go back to); Escape then says how to leave the application
    instead of answering None (``#cred-required``; issue 13 item 2: Esc never quits). ``note``: a line shown under the title
    (``#cred-note``; the recorder's login shows the office root fingerprint, issue 13 item 9).
    """

    CSS_PATH = CSS
    DEFAULT_CSS = """
    CredentialPrompt #cred-note { color: $text-muted; width: 100%; margin-bottom: 1; }
    CredentialPrompt #cred-required { color: $warning; width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", t("common.cancel")),
                Binding("escape", "leave_hint", t("tui.login_required_key")),
                Binding("f2", "lift", t("tui.lift_title"), show=False)]

    class Accepted(Message):
        """The secret was right: ``actor`` is the authenticated person (for the question ``asked``)."""

        def __init__(self, actor: Actor, asked: int = 0) -> None:
            super().__init__()
            self.actor, self.asked = actor, asked

    class Refused(Message):
        """The room refused the secret; ``message`` is its Chinese text (for the question ``asked``)."""

        def __init__(self, message: str, asked: int = 0) -> None:
            super().__init__()
            self.message, self.asked = message, asked

    def __init__(self, room: RoomService, title: str, people: list[tuple[str, str]], *,
                 lift: Callable[[], None] | None = None, required: bool = False, note: str | None = None) -> None:
        super().__init__()
        self.room = room
        self.lift = lift
        self.required = required
        self.note = note
        self.title_text = title
        self.people = people
        self.person_id: str | None = people[0][0] if len(people) == 1 else None
        self.asked = 0  # which question this is: a check's answer for an earlier one is dropped (``reshow``)

    def compose(self) -> ComposeResult:
        """The title, the person (or the list of people), the secret field and the error line."""
        with Vertical():
            yield Label(Text(self.title_text), id="cred-title")
            if self.note is not None:
                yield Label(Text(self.note), id="cred-note")
            if len(self.people) > 1:
                yield OptionList(*[Option(Text(label), id=pid) for pid, label in self.people], id="cred-people")
            else:
                yield Label(Text(self.people[0][1]), id="cred-person")
            yield Input(placeholder=t("common.secret_placeholder"), password=True, id="cred-secret")
            yield MessageLabel("", id="cred-error")
            if self.lift is not None:
                yield MessageLabel(Unbroken(t("tui.cred_lift_hint")), id="cred-lift")
            if self.required:
                yield MessageLabel("", id="cred-required")

    def on_mount(self) -> None:
        """Focus the list of people (first highlighted), or the secret when there is one person."""
        if len(self.people) > 1:
            self.query_one(OptionList).highlighted = 0
            self.query_one(OptionList).focus()
        else:
            self.query_one(Input).focus()

    def reshow_shape(self) -> tuple[bool, bool, bool, bool]:
        """A list of people or one; with a note; with the lift hint; required."""
        return len(self.people) > 1, self.note is not None, self.lift is not None, self.required

    def reshow(self, fresh: CredentialPrompt) -> None:
        """Ask ``fresh``'s question (``widgets.reshown``): its title, note and people; the secret field, the
        error and the leave hint empty; the focus as on a first showing. A check still running for the last
        question answers that question, which is gone: its answer is dropped (``asked``)."""
        self.asked += 1
        self.room, self.lift, self.required, self.note = fresh.room, fresh.lift, fresh.required, fresh.note
        self.title_text, self.people, self.person_id = fresh.title_text, fresh.people, fresh.person_id
        self.query_one("#cred-title", Label).update(Text(self.title_text))
        if self.note is not None:
            self.query_one("#cred-note", Label).update(Text(self.note))
        secret = self.query_one("#cred-secret", Input)
        secret.value = ""
        self.query_one("#cred-error", Label).update("")
        if self.required:
            self.query_one("#cred-required", Label).update("")
        if len(self.people) > 1:
            ol = self.query_one("#cred-people", OptionList)
            ol.clear_options()
            ol.add_options([Option(Text(label), id=pid) for pid, label in self.people])
            ol.highlighted = 0
            self.set_focus(ol)
        else:
            self.query_one("#cred-person", Label).update(Text(self.people[0][1]))
            self.set_focus(secret)

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
        self._check(self.person_id or "", secret, self.asked)

    @work(thread=True, exclusive=True, group="credential")
    def _check(self, person_id: str, secret: str, asked: int) -> None:
        try:
            actor = self.room.authenticate(person_id, secret)
        except ServiceError as exc:
            self.post_message(self.Refused(exc.message, asked))
            return
        self.post_message(self.Accepted(actor, asked))

    @on(Accepted)
    def _accepted(self, event: Accepted) -> None:
        if event.asked == self.asked:
            self.dismiss(event.actor)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.asked == self.asked:
            self.query_one("#cred-error", Label).update(Unbroken(event.message))

    def action_lift(self) -> None:
        """F2 (only with ``lift``): lift a lock; the prompt stays underneath and its error line is cleared."""
        if self.lift is not None:
            self.query_one("#cred-error", Label).update("")
            self.lift()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape cancels, or on a ``required`` prompt says how to leave; F2 only with ``lift``. A key that
        does nothing here is not active, so F1 and the key lists never offer it (issue 13: 'esc 取消' was
        listed on the recorder's login, where Esc does not cancel)."""
        if action == "cancel":
            return not self.required
        if action == "leave_hint":
            return self.required
        if action == "lift":
            return self.lift is not None
        return True

    def action_cancel(self) -> None:
        """Escape (not ``required``): answer None; what was typed of a secret goes with the question."""
        self.query_one("#cred-secret", Input).value = ""
        self.dismiss(None)

    def action_leave_hint(self) -> None:
        """Escape on a ``required`` prompt: it stays and says how to leave the application."""
        self.query_one("#cred-required", Label).update(Unbroken(t("tui.login_required")))
