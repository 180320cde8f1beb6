"""Rubric sign-off (量化评分标准生效签署): per panel, the criteria and the five signatures that put it in force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import join_list, label_of, t
from zc_review.service.errors import ServiceError
from zc_review.service.room import Role
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column, ask_person
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.dialogs import Message, Unbroken
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor
    from zc_review.service.room.views import CriterionView

def fmt_points(value: object) -> str:
    """A Decimal without exponent or trailing zeros: Decimal("10.0") → "10", Decimal("0.5") → "0.5"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class RubricSignScreen(RoomScreen[None]):
    """Panels on the left; the highlighted panel's criteria and signatures on the right.

    Enter on a panel moves to its signature list; Enter on a role chooses a person who may sign in that role
    (type-to-find when several may), asks their credential and a confirmation, then signs; the cursor moves
    to the next unsigned place. The keys are named under the panels (``#rub-keys``, issue 13 item 10).
    """

    CSS_PATH = "opening.tcss"
    BINDINGS = [Binding("escape", "back", t("common.back"))]

    def __init__(self) -> None:
        super().__init__()
        self._criteria: dict[str, CriterionView] = {}  # the shown panel's, by id

    def compose(self) -> ComposeResult:
        """Panels (``#rub-panels``) on the left; name, criteria, the highlighted criterion whole (``#rub-levels``),
        state and signatures on the right."""
        yield Header()
        yield Static(t("opening.rubric_title"), classes="title")
        with Horizontal():
            yield OptionList(id="rub-panels")
            with Vertical(id="rub-right"):
                yield Static(Text(""), id="rub-name", classes="title")
                yield DataTable(id="rub-criteria", cursor_type="row", zebra_stripes=True)
                yield Message(Text(""), id="rub-levels")
                yield Static(Text(""), id="rub-state")
                yield DataTable(id="rub-sigs", cursor_type="row")
        yield Static(Text(t("opening.rubric_keys")), id="rub-keys", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the columns and the panels; show the first panel."""
        crit = self.query_one("#rub-criteria", DataTable)
        # read-only, but Tab reaches it: ↑↓ go through the criteria, and the one under the cursor is shown whole
        # under the table (#rub-levels), its level descriptors (等级描述) wrapped: at 80 columns they do not fit
        for key, label in (("id", "common.col_code"), ("name", "common.col_criterion"), ("part", "common.col_part"),
                           ("max", "common.col_max"), ("step", "common.col_step"), ("levels", "common.col_levels")):
            crit.add_column(t(label), key=key)
        sigs = self.query_one("#rub-sigs", DataTable)
        panels = self.room.views.panels()
        # fixed widths from every place and every possible signer: the column cached at the width of 未签署
        # showed "R02 龙" for "R02 龙倩" once signed (issue 13 hand run, 80×24)
        places = [pl for p in panels for pl in self.room.views.rubric_signatures(p.panel_id)]
        signers = [label for p in panels for pl in self.room.views.rubric_signatures(p.panel_id)
                   for _, label in self.candidates(p.panel_id, Role(pl.role))]
        add_fitted_column(sigs, t("common.col_sign_role"), "role", [pl.role_label for pl in places])
        add_fitted_column(sigs, t("common.col_signer"), "signer", [t("opening.pledge_unsigned"), *signers])
        ol = self.query_one(OptionList)
        ol.add_options([Option(Text(p.name), id=p.panel_id) for p in panels])
        ol.highlighted = 0
        ol.focus()
        self.show_panel(panels[0].panel_id)

    @property
    def panel_id(self) -> str:
        """The highlighted panel's id."""
        ol = self.query_one(OptionList)
        return str(ol.get_option_at_index(ol.highlighted or 0).id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show the highlighted panel."""
        if event.option.id:
            self.show_panel(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a panel: move to its signatures."""
        self.query_one("#rub-sigs", DataTable).focus()

    def show_panel(self, panel_id: str) -> None:
        """Show ``panel_id``'s rubric (criteria with part, maximum, step, levels) and signatures."""
        rubric = self.room.views.rubric(panel_id)
        self.query_one("#rub-name", Static).update(Text(t("opening.rubric_heading", panel=rubric.panel_name,
                                                          rubric=rubric.name, version=rubric.version)))
        crit = self.query_one("#rub-criteria", DataTable)
        crit.clear()
        self._criteria = {c.criterion_id: c for c in rubric.criteria}
        for c in rubric.criteria:
            crit.add_row(Text(c.criterion_id), Text(c.name), Text(c.part_label), Text(fmt_points(c.max_points)),
                         Text(fmt_points(c.step)), Text(" / ".join(c.levels)), key=c.criterion_id)
        if rubric.criteria:
            self._show_levels(rubric.criteria[0].criterion_id)
        self._refresh_sigs(panel_id)

    @on(DataTable.RowHighlighted, "#rub-criteria")
    def _criterion_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value in self._criteria:
            self._show_levels(str(event.row_key.value))

    def _show_levels(self, criterion_id: str) -> None:
        """The criterion under the cursor, whole: its name, what it scores and every level descriptor, wrapped
        (never a number or a code broken)."""
        c = self._criteria[criterion_id]
        self.query_one("#rub-levels", Message).update(Unbroken(t(
            "opening.rubric_levels", id=c.criterion_id, name=c.name, description=c.description or "—",
            levels=" / ".join(c.levels) or "—")))

    def _refresh_sigs(self, panel_id: str) -> None:
        places = self.room.views.rubric_signatures(panel_id)
        sigs = self.query_one("#rub-sigs", DataTable)
        row = sigs.cursor_row
        sigs.clear()
        for place in places:
            signer = (Text(f"{place.signer_id} {place.signer_name}", style="green") if place.signer_id
                      else Text(t("opening.pledge_unsigned"), style="dim"))
            sigs.add_row(Text(place.role_label), signer, key=place.role)
        signed = [p for p in places if p.signer_id]
        sigs.move_cursor(row=row)
        in_force = self.room.opening.rubric_in_force(panel_id)
        self.query_one("#rub-state", Static).update(
            Text(t("opening.rubric_in_force" if in_force else "opening.rubric_not_yet", n=len(signed)),
                 style="bold green" if in_force else "bold yellow"))

    def candidates(self, panel_id: str, role: Role) -> list[tuple[str, str]]:
        """People who may sign ``role`` for the panel now: (person id, label) for the credential prompt."""
        room = self.room
        return [(pid, f"{pid} {room.person_name(pid)}") for pid in room.opening.rubric_candidates(panel_id, role)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a role: ask the credential of someone who may sign it, then
        sign (a refusal, or a role not theirs, is shown)."""
        if event.data_table.id != "rub-sigs":
            return
        panel_id = self.panel_id
        role = Role(str(event.row_key.value))
        people = self.candidates(panel_id, role)
        if not people:
            self.show_error(t("opening.rubric_no_candidate", role=label_of("role", role.value)))
            return
        panel_name = self.room.views.panel(panel_id).name

        def signed(actor: Actor | None) -> None:
            if actor is None:
                return
            allowed = self.room.opening.rubric_roles_for(actor, panel_id)
            if role not in allowed:
                names = join_list(label_of("role", r.value) for r in allowed) or t("common.none")
                self.show_error(t("opening.rubric_role_not_yours", name=actor.name, role=label_of("role", role.value),
                                         roles=names))
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    self._sign(actor, panel_id, role)

            self.app.push_screen(Confirm(t("opening.rubric_sign_q", name=actor.name, role=label_of("role", role.value),
                                           panel=panel_name)), answer)

        ask_person(self, t("opening.rubric_credential_title", panel=panel_name, role=label_of("role", role.value)),
                   people, signed)

    def _sign(self, actor: Actor, panel_id: str, role: Role) -> None:
        """Sign (a refusal is shown), redraw the places and move to the next unsigned one."""
        try:
            self.room.opening.sign_rubric(actor, panel_id, role)
        except ServiceError as exc:
            self.show_error(exc)
            return
        self._refresh_sigs(panel_id)
        places = self.room.views.rubric_signatures(panel_id)
        nxt = next((i for i, p in enumerate(places) if p.signer_id is None), None)
        if nxt is not None:
            self.query_one("#rub-sigs", DataTable).move_cursor(row=nxt)

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.dismiss()
