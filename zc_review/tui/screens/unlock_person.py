"""Lifting a credential lock (issue 12 §3; issue 13 item 1): two other officers, each with their own credential.

Reached from the dashboard (``u``) and from the recorder's login (F2), so a locked recorder no longer ends
the session. The rule is the room's (``room.credentials.lift_pairs``); the screen only offers the officers
it allows and lets ``room.lift_lock`` decide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import t
from zc_review.service.room.lockout import FIRST_WAIT_S, FREE_MISSES, LOCK_AFTER, MAX_WAIT_S, fmt_wait
from zc_review.tui.base import RoomScreen
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor


class UnlockPersonScreen(RoomScreen[None]):
    """The people locked or waiting (``#lift-people``); Enter on one asks the first officer's credential, then
    the second's (each a ``CredentialPrompt`` offering only the officers the room allows), then lifts.

    ``person_id``: start with this person at once (the recorder's login); the screen closes after lifting
    them. Keys: Enter picks, ``r`` refreshes (waits run down), Escape goes back. The outcome is shown in
    ``#lift-msg``; a refusal in a ``Notice``.
    """

    DEFAULT_CSS = """
    UnlockPersonScreen #lift-rule { padding: 0 1; margin: 0 0 1 0; border: round $primary; height: auto; }
    UnlockPersonScreen #lift-people { height: 1fr; }
    UnlockPersonScreen #lift-msg { padding: 0 1; height: auto; }
    """
    BINDINGS = [Binding("escape", "back", t("common.back")), Binding("r", "refresh", t("tui.lift_refresh"))]

    def __init__(self, person_id: str | None = None) -> None:
        super().__init__()
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        """The title, the rule, how to proceed, the held people and the outcome line."""
        yield Header()
        yield Static(t("tui.lift_title"), classes="title")
        yield Static(Text(t("tui.lift_rule", free=FREE_MISSES, first=fmt_wait(FIRST_WAIT_S), cap=fmt_wait(MAX_WAIT_S),
                            limit=LOCK_AFTER)), id="lift-rule")
        yield Static(Text(t("tui.lift_pick")), classes="hint")
        yield OptionList(id="lift-people")
        yield Static(Text(""), id="lift-msg")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the list and focus it; with ``person_id`` held, ask the first officer at once."""
        self.action_refresh()
        self.query_one(OptionList).focus()
        if self.person_id is not None and self.room.credentials.status(self.person_id).held:
            self._start(self.person_id)

    def action_refresh(self) -> None:
        """``r``: redraw the people locked or waiting now."""
        ol = self.query_one(OptionList)
        ol.clear_options()
        held = self.room.credentials.held()
        for st in held:
            state = (t("tui.lift_state_locked", misses=st.misses) if st.locked
                     else t("tui.lift_state_waiting", misses=st.misses, wait=st.wait))
            ol.add_option(Option(Text(t("tui.lift_person", label=st.label, state=state)), id=st.person_id))
        if held:
            ol.highlighted = 0
        else:
            self.query_one("#lift-msg", Static).update(Text(t("tui.lift_none")))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a person: start lifting their lock."""
        if event.option.id:
            self._start(event.option.id)

    def _start(self, person_id: str) -> None:
        room = self.room
        name = room.person_name(person_id)
        pairs = room.credentials.lift_pairs(person_id)
        if not pairs:
            self.show_error(t("tui.lift_no_pair", name=name))
            return
        firsts = list(dict.fromkeys(pid for pair in pairs for pid in pair))

        def got_first(first: Actor | None) -> None:
            if first is None:
                return
            partners = [b if a == first.person_id else a for a, b in pairs if first.person_id in (a, b)]
            self.ask_credential(t("tui.lift_second", name=name),
                                [(p, room.credentials.label(p)) for p in partners],
                                lambda second: self._lift(first, second, person_id))

        self.ask_credential(t("tui.lift_first", name=name), [(p, room.credentials.label(p)) for p in firsts],
                            got_first)

    def _lift(self, first: Actor, second: Actor | None, person_id: str) -> None:
        if second is None:
            return
        if not self.guard(lambda: self.room.lift_lock(first, second, person_id)):
            return
        self.action_refresh()
        self.query_one("#lift-msg", Static).update(Text(t("tui.lift_done", name=self.room.person_name(person_id)),
                                                        style="green"))
        if person_id == self.person_id:
            self.dismiss()

    def action_back(self) -> None:
        """Escape: back to where the screen was opened from."""
        self.dismiss()
