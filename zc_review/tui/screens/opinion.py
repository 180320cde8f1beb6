"""Panel opinions (评议意见): the panel leader identifies and writes the panel's opinion per applicant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, TextArea

from zc_review.i18n import join_list, t
from zc_review.service.atomic import write_atomic
from zc_review.service.errors import ServiceError
from zc_review.tui.base import RoomScreen
from zc_review.tui.screens.common import add_fitted_column, ask_person
from zc_review.tui.screens.dossier import inert_text
from zc_review.tui.widgets import Confirm, Pick, TextPrompt
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor

PREVIEW = 30  # cells of an opinion shown in the list (the column's fixed width, so that it fits 80 columns)


class OpinionScreen(RoomScreen[None]):
    """Applicants of the leader's panel by code, with their opinion; Enter edits, ``ctrl+s`` saves.

    Leaving the screen forgets the leader's credential; F2 hands the screen to the next panel leader, who types
    their own credential (the screen is not built again for each leader).
    """

    CSS_PATH = "opening.tcss"
    BINDINGS = [Binding("ctrl+s", "save", t("scoring.opinion_key_save")),
                Binding("r", "return_sheet", t("scoring.opinion_key_return")),
                Binding("p", "print_sheet", t("scoring.opinion_key_print")),
                Binding("f2", "switch", t("scoring.opinion_key_switch"), show=False),
                Binding("escape", "back", t("common.back"))]

    def __init__(self) -> None:
        super().__init__()
        self.actor: Actor | None = None
        self.editing: str | None = None

    def compose(self) -> ComposeResult:
        """Heading, the applicants' table (``#op-table``), the editing line and the opinion's text area."""
        yield Header()
        yield Static(t("common.opinion"), id="op-title", classes="title")
        yield DataTable(id="op-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="op-editing", classes="hint")
        yield TextArea(id="op-text", soft_wrap=True, show_line_numbers=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Ask the credential of an attending panel leader; Escape on it leaves the screen."""
        self.query_one(TextArea).disabled = True
        self._ask_leader()

    def _ask_leader(self) -> None:
        room = self.room
        attending = set(room.attending_ids())
        people = [(p.leader_id, t("scoring.opinion_leader_label", id=p.leader_id, name=room.person_name(p.leader_id),
                                  panel=p.name))
                  for p in room.views.panels() if p.leader_id in attending]
        ask_person(self, t("scoring.opinion_credential_title"), people, self._identified)

    def action_switch(self) -> None:
        """F2: the next panel leader takes the laptop on this screen (as the scoring screen's F2): this one is
        forgotten, an opinion being edited and not saved is dropped after a question, the next leader's
        credential is asked; Escape on it leaves the screen."""
        if self.actor is None:
            return
        area = self.query_one(TextArea)

        def switch(yes: bool | None = True) -> None:
            if not yes:
                return
            self.actor, self.editing = None, None
            area.text = ""
            area.disabled = True
            self.query_one(DataTable).clear(columns=True)
            self.query_one("#op-editing", Static).update("")
            self.query_one("#op-title", Static).update(Text(t("common.opinion")))
            self._ask_leader()

        unsaved = self.editing is not None and area.text.strip() != self.room.scoring.opinions().get(self.editing, "")
        if unsaved:
            self.app.push_screen(Confirm(t("scoring.opinion_unsaved_leave"), buttons=True), switch)
        else:
            switch()

    def _identified(self, actor: Actor | None) -> None:
        if actor is None:
            self.dismiss()
            return
        self.start(actor)

    def start(self, actor: Actor) -> None:
        """Show the applicants of the panel ``actor`` leads."""
        self.actor = actor
        room = self.room
        panels = [p for p in room.views.panels() if p.leader_id == actor.person_id]
        table = self.query_one(DataTable)
        table.clear(columns=True)  # a leader after another (F2): their columns, as wide as their rows
        sheets = {p.panel_id: room.panel.leader_sheet(p.panel_id) for p in panels}
        rows = [r for rs in sheets.values() for r in rs]
        # fixed widths from the first frame: the opinion column cached at its heading's width showed
        # "（未填写" and, once saved, "材料完整，" (issue 13 hand run, 80×24); the panel, the same on every
        # row of a leader's sheet, comes last
        add_fitted_column(table, t("common.col_code"), "code", [r.code for r in rows])
        add_fitted_column(table, t("common.col_composite"), "composite", [r.composite for r in rows])
        add_fitted_column(table, t("common.col_rank"), "rank", [r.rank for r in rows])
        add_fitted_column(table, t("common.col_disagreement"), "flag", ["—", *(r.disagreement or "" for r in rows)])
        add_fitted_column(table, t("common.opinion"), "opinion", [t("scoring.opinion_none")], minimum=PREVIEW)
        add_fitted_column(table, t("common.col_panel"), "panel", [p.name for p in panels])
        if not panels:
            self.query_one("#op-editing", Static).update(Text(t("scoring.opinion_not_leader", name=actor.name), style="red"))
            return
        for p in panels:
            for row in sheets[p.panel_id]:  # the leader's sheet: composite, rank in group, flags
                table.add_row(Text(row.code), Text(row.composite), Text(row.rank),
                              Text(row.disagreement or "—", style="bold red" if row.disagreement else ""),
                              self._preview(row.opinion), Text(p.name), key=row.applicant_id)
        self.query_one("#op-title", Static).update(Text(t("scoring.opinion_heading", name=actor.name,
                                                          panel=join_list(p.name for p in panels))))
        table.focus()

    @staticmethod
    def _preview(text: str) -> Text:
        if not text:
            return Text(t("scoring.opinion_none"), style="dim")
        flat = text.replace("\n", " ")
        if cell_len(flat) <= PREVIEW:
            return inert_text(flat)
        cut = ""
        for ch in flat:  # as many characters as fit PREVIEW - 1 cells, then "…"
            if cell_len(cut + ch) > PREVIEW - 1:
                break
            cut += ch
        return inert_text(cut + "…")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an applicant: edit its opinion in the text area."""
        aid = str(event.row_key.value)
        self.editing = aid
        area = self.query_one(TextArea)
        area.disabled = False
        area.text = self.room.scoring.opinions().get(aid, "")
        area.move_cursor(area.document.end)
        self.query_one("#op-editing", Static).update(
            Text(t("scoring.opinion_editing", code=self.room.views.applicant(aid).code)))
        area.focus()

    def action_save(self) -> None:
        """``ctrl+s``: save the opinion being edited (a refusal is shown) and return to the table."""
        if self.actor is None or self.editing is None:
            return
        aid, area = self.editing, self.query_one(TextArea)
        try:
            self.room.scoring.write_opinion(self.actor, aid, area.text)
        except ServiceError as exc:
            self.show_error(exc)
            return
        table = self.query_one(DataTable)
        table.update_cell(aid, "opinion", self._preview(area.text.strip()))
        self.editing = None
        area.text = ""
        area.disabled = True
        self.query_one("#op-editing", Static).update(
            Text(t("scoring.opinion_saved", code=self.room.views.applicant(aid).code), style="green"))
        table.focus()

    # -- the leader returns a submitted sheet (witnessed) and prints the sheet ----------------------------
    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        if self.actor is None or self.editing is not None or table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_return_sheet(self) -> None:
        """Choose a reviewer with a submitted sheet, write the reason, the supervisor witnesses."""
        aid = self._current()
        if aid is None or self.actor is None:
            return
        room, leader = self.room, self.actor
        code = room.views.applicant(aid).code
        submitted = room.panel.submitted_reviewers(aid)
        if not submitted:
            self.show_error(t("scoring.opinion_return_none", code=code))
            return
        sup = room.views.supervisor()

        def chosen(reviewer: str | None) -> None:
            if reviewer is None:
                return

            def reasoned(reason: str | None) -> None:
                if reason is None:
                    return

                def witnessed(witness: Actor | None) -> None:
                    if witness is None:
                        return
                    try:
                        room.scoring.return_sheet(leader, witness, reviewer, aid, reason)
                    except ServiceError as exc:
                        self.show_error(exc)
                        return
                    self.query_one("#op-editing", Static).update(Text(t(
                        "scoring.opinion_returned", reviewer=room.person_name(reviewer), code=code), style="green"))

                self.ask_credential(t("scoring.opinion_return_witness"), [(sup.person_id, f"{t('common.role_supervisor')} {sup.name}")],
                                    witnessed)

            self.app.push_screen(TextPrompt(t("scoring.opinion_return_reason", code=code, reviewer=room.person_name(reviewer))),
                                 reasoned)

        self.app.push_screen(Pick(t("scoring.opinion_return_choose", code=code),
                                  [(r, f"{r} {room.person_name(r)}") for r in submitted], compact=True), chosen)

    def action_print_sheet(self) -> None:
        """Write the panel leader's sheet (PDF) for each panel the leader leads to the output folder."""
        if self.actor is None:
            return
        room = self.room
        paths = []
        session_id = room.views.session().session_id
        for p in (p for p in room.views.panels() if p.leader_id == self.actor.person_id):
            try:
                pdf = room.panel.leader_sheet_pdf(self.actor, p.panel_id)
            except ServiceError as exc:
                self.show_error(exc)
                return
            path = self.out_dir / f"{session_id}-{p.panel_id}-leader-sheet.pdf"
            write_atomic(path, pdf)  # 0600 in a 0700 folder it creates (issue 12 §5)
            paths.append(str(path))
        self.query_one("#op-editing", Static).update(Text(t("scoring.opinion_printed", path=join_list(paths)), style="green"))

    def action_back(self) -> None:
        """Escape: stop editing, or leave the screen and forget the leader."""
        if self.editing is not None:
            self.editing = None
            self.query_one(TextArea).disabled = True
            self.query_one("#op-editing", Static).update("")
            self.query_one(DataTable).focus()
            return
        self.actor = None
        self.dismiss()
