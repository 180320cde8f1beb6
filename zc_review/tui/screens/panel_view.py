"""Panel screens of issue 5: the panel's scores after one's own submission (with flags and explanations),
the discussion order with who steps out, and the pass-rate preview. Dossier-derived text is drawn with ``inert_text``; figures are plain ``Text``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Input, Static

from zc_review.i18n import join_list, label_of, t
from zc_review.service.errors import ServiceError
from zc_review.service.room.views import fmt2
from zc_review.tui.base import RoomModal, RoomScreen
from zc_review.tui.screens.common import add_fitted_column
from zc_review.tui.screens.dossier import inert_text
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.room import Actor, PanelScores


class PanelScoresScreen(RoomModal[None]):
    """The panel's raw scores beside the aggregate and the rule in force, the spread and the flag; a
    concerned reviewer types an explanation (Enter saves). Escape closes."""

    CSS_PATH = "panel.tcss"
    BINDINGS = [Binding("escape", "close", t("common.back"))]

    def __init__(self, actor: Actor, view: PanelScores) -> None:
        super().__init__()
        self.actor, self.view = actor, view
        self._has_d = view.aggregate is not None and view.aggregate.defence is not None

    def compose(self) -> ComposeResult:
        """Title, the reviewers' table (``#ps-table``), aggregate, rule, spread, flag, explanations,
        and for a concerned reviewer the explanation input (``#ps-explain``)."""
        v = self.view
        with Vertical():
            yield Static(Text(t("scoring.panel_title", code=v.code, rubric=v.rubric_id, version=v.rubric_version),
                              style="bold"), id="ps-title")
            table: DataTable[Text] = DataTable(id="ps-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(Text(""), id="ps-aggregate")
            yield Static(Text(v.rule), id="ps-rule")
            yield Static(Text(""), id="ps-spread")
            yield Static(Text(""), id="ps-flag")
            yield Static(Text(""), id="ps-explanations")
            if self.actor.person_id in v.concerned:
                yield Static(Text(t("scoring.panel_explain_hint"), style="yellow"))
                yield Input(v.explanations.get(self.actor.person_id, ""), id="ps-explain")
            yield Static(Text(t("common.keys_back")), classes="hint")

    def on_mount(self) -> None:
        """Fill the table and the lines; focus the explanation input when there is one."""
        v, room = self.view, self.room
        table = self.query_one("#ps-table", DataTable)
        add_fitted_column(table, t("scoring.panel_reviewer"), "who",
                          [f"{rid} {room.person_name(rid)}{t('scoring.panel_own')}" for rid in v.per_reviewer])
        table.add_column(t("common.col_material"), key="m")
        if self._has_d:
            table.add_column(t("common.col_defence"), key="d")
        table.add_column(t("common.col_distance"), key="dist")
        dist = {s.part: s.distance for s in v.spreads}
        for rid, (m, d) in sorted(v.per_reviewer.items()):
            label = f"{rid} {room.person_name(rid)}" + (t("scoring.panel_own") if rid == self.actor.person_id else "")
            cells = [Text(label), Text(fmt2(m), justify="right")]
            if self._has_d:
                cells.append(Text(fmt2(d), justify="right"))
            far = t("scoring.panel_distance_sep").join(fmt2(dist[p].get(rid)) for p in dist)
            concerned = rid in v.concerned
            cells.append(Text(far, style="bold red" if concerned else "", justify="right"))
            table.add_row(*cells, key=rid)
        agg = v.aggregate
        if agg is not None:
            dtext = t("scoring.panel_aggregate_d", d=fmt2(agg.defence)) if agg.defence is not None else ""
            self.query_one("#ps-aggregate", Static).update(
                Text(t("scoring.panel_aggregate", m=fmt2(agg.material), d=dtext, c=agg.composite), style="bold"))
        lim = room.panel.thresholds()
        self.query_one("#ps-spread", Static).update(Text("\n".join(
            t("scoring.panel_spread", part=label_of("part", s.part), range=fmt2(s.range), stdev=fmt2(s.stdev),
              t_range=lim.range, t_stdev=lim.stdev, t_distance=lim.distance) for s in v.spreads)))
        flag = self.query_one("#ps-flag", Static)
        if v.flagged:
            flag.update(Text(t("scoring.panel_flagged", who=join_list(room.person_name(r) for r in v.concerned)),
                             style="bold red"))
        else:
            flag.update(Text(t("scoring.panel_not_flagged"), style="green"))
        waiting = "" if not v.waiting else t("scoring.panel_waiting",
                                             names=join_list(room.person_name(r) for r in v.waiting)) + "\n"
        self._show_explanations(waiting)
        if self.actor.person_id in v.concerned:
            self.query_one("#ps-explain", Input).focus()

    def _show_explanations(self, prefix: str = "") -> None:
        ex = self.room.panel.flag_explanations().get(self.view.applicant_id, {})
        body = Text(prefix)
        if ex:
            body.append(t("scoring.panel_explanations") + "\n", style="bold")
            for rid, txt in sorted(ex.items()):
                body.append(t("scoring.panel_explanation_by", name=self.room.person_name(rid)))
                body.append_text(inert_text(txt))
                body.append("\n")
        self.query_one("#ps-explanations", Static).update(body)

    @on(Input.Submitted, "#ps-explain")
    def _explain(self, event: Input.Submitted) -> None:
        try:
            self.room.panel.explain_flag(self.actor, self.view.applicant_id, event.value)
        except ServiceError as exc:
            self.query_one("#ps-flag", Static).update(Text(exc.message, style="bold red"))
            return
        self._show_explanations(t("scoring.panel_explained") + "\n")

    def action_close(self) -> None:
        """Escape: close."""
        self.dismiss(None)


class DiscussionScreen(RoomScreen[None]):
    """Applicants in the order that keeps recused reviewers' exits and returns few; the highlighted one
    shows who must step out now. ``p`` opens the pass-rate preview."""

    BINDINGS = [Binding("p", "preview", t("scoring.preview_key")), Binding("escape", "back", t("common.back"))]

    def compose(self) -> ComposeResult:
        """The heading (exits and returns, ordered vs by code), the order's table (``#disc-table``)
        and who steps out now (``#disc-now``)."""
        yield Header()
        yield Static(Text(t("scoring.discussion_title")), classes="title")
        yield Static(Text(""), id="disc-head", classes="hint")
        yield DataTable(id="disc-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="disc-now", classes="title")
        yield Static(Text(t("scoring.discussion_keys")), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the order with who must step out per applicant; focus the table."""
        room = self.room
        order = room.panel.discussion_order()
        rows = {aid: room.views.applicant(aid) for aid in order}
        naive = sorted(order, key=lambda a: rows[a].code)
        self.query_one("#disc-head", Static).update(
            Text(t("scoring.discussion_heading", moves=room.panel.movements(order), naive=room.panel.movements(naive))))
        table = self.query_one(DataTable)
        outs = {aid: join_list(room.person_name(r) for r in room.panel.must_step_out(aid)) or "—" for aid in order}
        # every column as wide as its widest cell from the first frame (never a cut code: issue 13 item 3)
        add_fitted_column(table, "#", "n", [str(len(order))])
        add_fitted_column(table, t("common.col_code"), "code", [rows[a].code for a in order])
        add_fitted_column(table, t("common.col_panel"), "panel", [rows[a].panel_name for a in order])
        table.add_column(t("common.col_step_out"), key="out")
        for i, aid in enumerate(order, 1):
            a = rows[aid]
            table.add_row(Text(str(i)), Text(a.code), Text(a.panel_name), Text(outs[aid]), key=aid)
        table.focus()

    @on(DataTable.RowHighlighted, "#disc-table")
    def _now(self, event: DataTable.RowHighlighted) -> None:
        aid = str(event.row_key.value)
        room = self.room
        names = join_list(room.person_name(r) for r in room.panel.must_step_out(aid))
        code = room.views.applicant(aid).code
        self.query_one("#disc-now", Static).update(
            Text(t("scoring.discussion_step_out", code=code, names=names) if names else t("scoring.discussion_nobody", code=code),
                 style="bold yellow" if names else ""))

    def action_preview(self) -> None:
        """``p``: the pass-rate preview."""
        self.app.push_screen(PreviewScreen())

    def action_back(self) -> None:
        """Escape: back."""
        self.app.pop_screen()


class PreviewScreen(RoomScreen[None]):
    """The pass-rate preview: per group, applicants, the cap and the ranking by composite so far."""

    BINDINGS = [Binding("escape", "back", t("common.back"))]

    def compose(self) -> ComposeResult:
        """The title and the preview's body (``#preview-body``)."""
        yield Header()
        yield Static(Text(t("scoring.preview_title")), classes="title")
        with VerticalScroll():
            yield Static(Text(""), id="preview-body")
        yield Static(Text(t("common.keys_back")), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Draw, per group: applicants, pass rate, cap, and the ranking by composite so far."""
        room = self.room
        body = Text()
        for g in room.panel.pass_rate_preview():
            body.append(t("scoring.preview_group", group=g.name, n=g.applicants, rate=f"{(g.pass_rate * 100).normalize():f}%",
                          cap=g.cap) + "\n", style="bold")
            for i, (aid, composite, rank) in enumerate(g.ranking):
                line = f"  {rank or '—':>3}  {room.views.applicant(aid).code}  "
                line += str(composite) if composite is not None else t("scoring.status_empty")
                body.append(line + "\n", style="green" if i < g.cap and composite is not None else "")
            body.append("\n")
        self.query_one("#preview-body", Static).update(body)

    def action_back(self) -> None:
        """Escape: back."""
        self.app.pop_screen()
