"""Rubric sign-off (量化评分标准生效签署): per panel, the criteria and the five signatures that put it in force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError
from zc_review.service.room.opening import RUBRIC_ROLES
from zc_review.service.room.permissions import Role
from zc_review.tui.base import RoomScreen

if TYPE_CHECKING:
    from zc_review.service.room import Actor

PART_KEYS = {"material": "common.part_material", "defence": "common.part_defence"}


def fmt_points(value: object) -> str:
    """A Decimal without exponent or trailing zeros: Decimal("10.0") → "10", Decimal("0.5") → "0.5"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class RubricSignScreen(RoomScreen[None]):
    """Panels on the left; the highlighted panel's criteria and signatures on the right.

    Enter on a panel moves to its signature list; Enter on a role asks the credential of a person who
    may sign in that role, then signs.
    """

    CSS_PATH = "opening.tcss"
    BINDINGS = [Binding("escape", "back", t("common.back"))]

    def compose(self) -> ComposeResult:
        """Panels (``#rub-panels``) on the left; name, criteria, state and signatures on the right."""
        yield Header()
        yield Static(t("opening.rubric_title"), classes="title")
        with Horizontal():
            yield OptionList(id="rub-panels")
            with Vertical(id="rub-right"):
                yield Static(Text(""), id="rub-name", classes="title")
                yield DataTable(id="rub-criteria", cursor_type="none", zebra_stripes=True)
                yield Static(Text(""), id="rub-state")
                yield DataTable(id="rub-sigs", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the columns and the panels; show the first panel."""
        crit = self.query_one("#rub-criteria", DataTable)
        crit.can_focus = False  # read-only: Tab goes between the panels and the signatures
        for key, label in (("id", "common.col_code"), ("name", "common.col_criterion"), ("part", "common.col_part"),
                           ("max", "common.col_max"), ("step", "common.col_step"), ("levels", "common.col_levels")):
            crit.add_column(t(label), key=key)
        sigs = self.query_one("#rub-sigs", DataTable)
        sigs.add_column(t("common.col_sign_role"), key="role")
        sigs.add_column(t("common.col_signer"), key="signer")
        ol = self.query_one(OptionList)
        ol.add_options([Option(Text(p.name), id=p.id) for p in self.room.defn.panels])
        ol.highlighted = 0
        ol.focus()
        self.show_panel(self.room.defn.panels[0].id)

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
        defn = self.room.defn
        panel = defn.panel(panel_id)
        rubric = defn.rubric(panel.rubric_id)
        self.query_one("#rub-name", Static).update(Text(f"{panel.name}：{rubric.name}（{rubric.version}）"))
        crit = self.query_one("#rub-criteria", DataTable)
        crit.clear()
        for c in rubric.criteria:
            crit.add_row(Text(c.id), Text(c.name), Text(t(PART_KEYS[c.part.value])), Text(fmt_points(c.max_points)),
                         Text(fmt_points(c.step)), Text(" / ".join(c.levels)))
        self._refresh_sigs(panel_id)

    def _refresh_sigs(self, panel_id: str) -> None:
        signed = {sg.role: sg.person_id for sg in self.room.signatures("rubric", panel_id)}
        sigs = self.query_one("#rub-sigs", DataTable)
        row = sigs.cursor_row
        sigs.clear()
        for role in RUBRIC_ROLES:
            pid = signed.get(role.value)
            signer = (Text(f"{pid} {self.room.person_name(pid)}", style="green") if pid
                      else Text(t("opening.pledge_unsigned"), style="dim"))
            sigs.add_row(Text(label_of("role", role.value)), signer, key=role.value)
        sigs.move_cursor(row=row)
        in_force = self.room.opening.rubric_in_force(panel_id)
        self.query_one("#rub-state", Static).update(
            Text(t("opening.rubric_in_force" if in_force else "opening.rubric_not_yet", n=len(signed)),
                 style="bold green" if in_force else "bold yellow"))

    def candidates(self, panel_id: str, role: Role) -> list[tuple[str, str]]:
        """People who may sign ``role`` for the panel now: (person id, label) for the credential prompt."""
        room = self.room
        people = [*room.attending_ids(), *(s.id for s in room.defn.staff)]
        out = []
        for pid in people:
            roles = room.roles_of(pid, panel_id=panel_id)
            if Role.PRESIDING in roles:
                roles = roles | {Role.CHAIR}
            if role in roles:
                out.append((pid, f"{pid} {room.person_name(pid)}"))
        return out

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

        def signed(actor: Actor | None) -> None:
            if actor is None:
                return
            allowed = self.room.opening.rubric_roles_for(actor, panel_id)
            if role not in allowed:
                names = "、".join(label_of("role", r.value) for r in allowed) or t("common.none")
                self.show_error(t("opening.rubric_role_not_yours", name=actor.name, role=label_of("role", role.value),
                                         roles=names))
                return
            try:
                self.room.opening.sign_rubric(actor, panel_id, role)
            except ServiceError as exc:
                self.show_error(exc)
                return
            self._refresh_sigs(panel_id)

        panel_name = self.room.defn.panel(panel_id).name
        self.ask_credential(t("opening.rubric_credential_title", panel=panel_name, role=label_of("role", role.value)),
                            people, signed)

    def action_back(self) -> None:
        """Escape: back to the dashboard."""
        self.dismiss()
