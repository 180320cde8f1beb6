"""The projector view (issue 13): a large-type screen the recorder puts on the room's projector.

Four pages — the roll call and quorum, the pass-rate preview, the ballot's progress (counts only, never a
choice nor who voted how) and the results (by applicant code until they are declared final). Everything comes
from one read model, ``room.views.shell.projector()``; the screen computes nothing. Source: RULES.md §2, §4, §5.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ItemGrid, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Digits, Header, Static

from zc_review.i18n import t
from zc_review.service.room.shell_views import PROJECTOR_PAGES, ProjectorView
from zc_review.tui.base import RoomScreen
from zc_review.tui.widgets.footer import KeyFooter

#: Page → its title's catalogue key (the tabs line).
PAGE_KEYS = {"roll_call": "tui.step_roll_call", "preview": "scoring.preview_key",
             "ballot": "tui.proj_page_ballot", "results": "common.col_decision"}
#: Round kind → its Chinese label.
KIND_KEYS = {"main": "ballot.kind_main", "runoff": "ballot.kind_runoff", "revote": "ballot.kind_revote"}
#: Seconds between two reads of the view (the room changes while the projector is up).
REFRESH_S = 2.0


def _tile(value: int, label: str, tile_id: str) -> Vertical:
    """A figure in large digits over its label."""
    return Vertical(Digits(str(value), id=f"{tile_id}-digits"), Static(Text(label), classes="proj-label"),
                    id=tile_id, classes="proj-tile")


def _line(text: str, style: str = "", classes: str = "proj-line") -> Static:
    return Static(Text(text, style=style), classes=classes)


def roll_call_page(view: ProjectorView) -> list[Widget]:
    """Attending, committee size and required in large digits; whether the quorum is met."""
    q = view.quorum
    status = t("opening.quorum_met") if q.met else t("opening.quorum_not_met")
    out: list[Widget] = [Horizontal(_tile(q.attending, t("opening.rollcall_attending"), "proj-attending"),
                                    _tile(q.committee_size, t("tui.proj_size"), "proj-size"),
                                    _tile(q.required, t("tui.proj_required"), "proj-required"), classes="proj-tiles"),
                         _line(status, "bold reverse green" if q.met else "bold reverse yellow", "proj-status")]
    if q.closed:
        out.append(_line(t("tui.proj_roll_closed"), "bold"))
    elif q.unmarked:
        out.append(_line(t("tui.proj_unmarked", n=q.unmarked), "bold"))
    return out


def _step(done: bool, text: str) -> Static:
    """One step of the paper round: ✓ done (green) or ○ still to do."""
    return _line(("✓ " if done else "○ ") + text, "bold green" if done else "bold")


def paper_ballot_page(view: ProjectorView) -> list[Widget]:
    """Paper mode: ballots printed, applicants agreed, to re-count in large digits; the steps (printed, first and
    second teller keyed, the re-count, the witness). Counts only, never an applicant's count nor a choice."""
    b, p = view.ballot, view.ballot.paper
    assert p is not None
    status = t("tui.proj_paper_open", round=b.round_no, kind=t(KIND_KEYS.get(b.kind, "ballot.kind_main")),
               applicants=b.applicants)
    out: list[Widget] = [Horizontal(_tile(p.printed, t("tui.proj_paper_printed"), "proj-printed"),
                                    _tile(p.agreed, t("tui.proj_paper_agreed"), "proj-agreed"),
                                    _tile(p.recount, t("tui.proj_paper_recount"), "proj-recount"),
                                    classes="proj-tiles"),
                         _line(status, "bold reverse", "proj-status"),
                         _step(p.printed > 0, t("tui.proj_paper_step_printed", n=p.printed) if p.printed
                               else t("tui.proj_paper_step_not_printed")),
                         _step(p.first_keyed, t("tui.proj_paper_step_first")),
                         _step(p.second_keyed, t("tui.proj_paper_step_second"))]
    if p.recount:
        key = "tui.proj_paper_step_recount_one" if p.recount_keyed else "tui.proj_paper_step_recount"
        out.append(_step(False, t(key, n=p.recount, pass_no=p.pass_no)))
    elif p.second_keyed:
        out.append(_step(True, t("tui.proj_paper_step_agreed", n=p.agreed)))
    out.append(_step(p.witnessed, t("tui.proj_paper_step_witness")))
    out.append(_line(t("tui.proj_paper_secret"), "italic"))
    return out


def ballot_page(view: ProjectorView) -> list[Widget]:
    """Voted, entitled and remaining in large digits, the round; counts only (RULES.md §5). A paper round:
    ``paper_ballot_page``."""
    b = view.ballot
    if b.is_open and b.paper is not None:
        return paper_ballot_page(view)
    if b.is_open:
        status = t("tui.proj_poll_open", round=b.round_no, kind=t(KIND_KEYS.get(b.kind, "ballot.kind_main")),
                   applicants=b.applicants)
    elif b.closed_rounds:
        status = t("tui.proj_poll_closed", closed=b.closed_rounds)
    else:
        status = t("tui.proj_poll_none")
    out: list[Widget] = [_line(status, "bold reverse" if b.is_open else "bold", "proj-status")]
    if b.is_open:
        out.insert(0, Horizontal(_tile(b.voted, t("tui.proj_voted"), "proj-voted"),
                                 _tile(b.entitled, t("tui.proj_entitled"), "proj-entitled"),
                                 _tile(b.entitled - b.voted, t("tui.proj_remaining"), "proj-remaining"),
                                 classes="proj-tiles"))
    out.append(_line(t("tui.proj_secret"), "italic"))
    return out


def preview_page(view: ProjectorView) -> list[Widget]:
    """Per group: applicants, pass rate, cap; the ranking by composite so far (within the cap in green)."""
    out: list[Widget] = []
    for g in view.preview:
        out.append(_line(t("tui.proj_group", group=g.name, n=g.applicants, rate=g.rate_percent, cap=g.cap),
                         "bold", "proj-group"))
        cells = [Static(Text(f"{line.rank or '—':>3} {line.code}  {line.composite or t('scoring.status_empty')}",
                             style="bold green" if line.within_cap else "bold"), classes="proj-cell")
                 for line in g.lines]
        out.append(ItemGrid(*cells, min_column_width=24, classes="proj-grid"))
    return out


def _short_outcome(outcome: str) -> str:
    """通过, 并列待加投 or 未通过 (the full reason is on the results screen and in the minutes)."""
    if outcome == "passed":
        return t("common.outcome_passed")
    if outcome == "runoff_pending":
        return t("common.outcome_runoff_pending")
    return t("tui.proj_failed") if outcome else ""


def results_page(view: ProjectorView) -> list[Widget]:
    """Per group: passed of the cap; each applicant by code (and name once final), agree votes, outcome."""
    if not view.counted:
        return [_line(t("tui.proj_not_counted"), "bold", "proj-status")]
    out: list[Widget] = [_line(t("tui.proj_final") if view.final else t("tui.proj_not_final"),
                               "bold reverse green" if view.final else "bold reverse yellow", "proj-status")]
    for g in view.results:
        out.append(_line(t("tui.proj_passed", group=g.name, passed=g.passed, cap=g.cap, n=g.applicants),
                         "bold", "proj-group"))
        cells = []
        for line in g.lines:
            who = line.code if line.name is None else f"{line.code} {line.name}"
            agree = "" if line.agree is None else t("tui.proj_agree", n=line.agree)
            passed = line.outcome == "passed"
            cell = Text(f"{who}  {agree}  ", style="bold")
            cell.append(_short_outcome(line.outcome), style="bold green" if passed else "bold red")
            cells.append(Static(cell, classes="proj-cell"))
        out.append(ItemGrid(*cells, min_column_width=36, classes="proj-grid"))
    return out


PAGES = {"roll_call": roll_call_page, "preview": preview_page, "ballot": ballot_page, "results": results_page}


class ProjectorScreen(RoomScreen[None]):
    """The projector: the page of the session's stage first (``view.stage``), then 1–4 or ←/→ switch pages.

    Keys: 1–4 pages, ←/→ previous/next page, ``r`` redraws now (the view is also read every ``REFRESH_S``
    seconds and redrawn when it changed), Escape (or F4, the application's key) goes back to the screen it
    was opened from. Reads only ``room.views.shell.projector()``.
    """

    DEFAULT_CSS = """
    ProjectorScreen #proj-tabs { height: 1; padding: 0 1; background: $boost; }
    ProjectorScreen #proj-body { height: 1fr; padding: 0 1; }
    ProjectorScreen .proj-tiles { height: auto; margin: 1 0; }
    ProjectorScreen .proj-tile { width: 1fr; height: auto; align-horizontal: center; }
    ProjectorScreen .proj-tile Digits { width: auto; text-style: bold; }
    ProjectorScreen .proj-label { width: auto; text-style: bold; }
    ProjectorScreen .proj-status { width: 100%; content-align: center middle; margin: 0 0 1 0; }
    ProjectorScreen .proj-line { width: 100%; content-align: center middle; }
    ProjectorScreen .proj-group { margin-top: 1; color: $accent; }
    ProjectorScreen .proj-grid { height: auto; }
    ProjectorScreen .proj-cell { height: 1; }
    """
    BINDINGS = [Binding("1", "page('roll_call')", t("tui.step_roll_call"), show=False),
                Binding("2", "page('preview')", t("scoring.preview_key"), show=False),
                Binding("3", "page('ballot')", t("tui.proj_page_ballot"), show=False),
                Binding("4", "page('results')", t("common.col_decision"), show=False),
                Binding("left", "step(-1)", t("tui.palette_page_up"), show=False),
                Binding("right", "step(1)", t("tui.palette_page_down"), show=False),
                Binding("r", "redraw", t("tui.lift_refresh"), show=False),
                Binding("escape", "back", t("common.back"))]

    def __init__(self) -> None:
        super().__init__()
        self.page: str | None = None
        self.view: ProjectorView | None = None

    def compose(self) -> ComposeResult:
        """The header, the pages' line (``#proj-tabs``), the page (``#proj-body``), the keys and the footer."""
        yield Header()
        yield Static(id="proj-tabs")
        yield VerticalScroll(id="proj-body")
        yield Static(Text(t("tui.proj_keys")), classes="hint")
        yield KeyFooter()

    async def on_mount(self) -> None:
        """Read the view, show the stage's page, and read again every ``REFRESH_S`` seconds."""
        await self.redraw(force=True)
        self.set_interval(REFRESH_S, self.redraw)

    async def redraw(self, *, force: bool = False) -> None:
        """Read ``room.views.shell.projector()``; rebuild the page when it changed (or ``force``); the page has the
        focus, so ↑/↓ and PgUp/PgDn scroll it."""
        view = self.room.views.shell.projector()
        if self.page is None:
            self.page = view.stage
        if view == self.view and not force:
            return
        self.view = view
        tabs = Text()
        for i, page in enumerate(PROJECTOR_PAGES, 1):
            tabs.append(f" {i} {t(PAGE_KEYS[page])} ", style="bold reverse" if page == self.page else "")
            tabs.append(" ")
        self.query_one("#proj-tabs", Static).update(tabs)
        body = self.query_one("#proj-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(PAGES[self.page](view))
        body.focus()

    async def action_page(self, page: str) -> None:
        """1–4: show ``page``."""
        self.page = page
        await self.redraw(force=True)

    async def action_step(self, delta: int) -> None:
        """←/→: the previous or next page."""
        i = PROJECTOR_PAGES.index(self.page or PROJECTOR_PAGES[0])
        await self.action_page(PROJECTOR_PAGES[(i + delta) % len(PROJECTOR_PAGES)])

    async def action_redraw(self) -> None:
        """``r``: read and draw now."""
        await self.redraw(force=True)

    def action_back(self) -> None:
        """Escape: back to the screen the projector was opened from."""
        self.dismiss(None)
