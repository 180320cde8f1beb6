"""The office TUI's screens: the sessions filed and an applicant's history (one session is in ``session``,
the base and the progress dialog of a long action in ``base``).

Each screen reads the archive through the service (``zc_review.service.office``) in a worker thread and
shows what it got; each action is the command line's service call (``office import``, ``db upgrade``,
``notice``, ``complaint add|update|conclude|evidence``, ``filing``, ``applicant``) run by
:meth:`OfficeScreen.run_job`, which shows ``WorkingScreen`` (a LoadingIndicator and a ProgressBar) until it
ends, then the service's Chinese answer or refusal in a ``Notice``. Nothing here computes a result.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, LoadingIndicator, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.commands import ShellCommand
from zc_review.tui.office.base import OfficeScreen, failure_text
from zc_review.tui.office.session import OfficeSessionScreen
from zc_review.tui.screens.common import put_rows
from zc_review.tui.widgets import Confirm, Notice, TextPrompt
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.office.archive import History, SessionLine


# -- the sessions filed ---------------------------------------------------------------------------------

#: The sessions list's columns (catalogue keys), in order.
SESSION_COLUMNS = ("office.col_date", "office.col_session", "office.col_session_kind", "office.col_notice",
                   "office.col_applicants", "office.col_passed", "office.col_complaints", "office.col_committee",
                   "office.col_series_level", "office.col_imported")


class OfficeSessionsScreen(OfficeScreen):
    """The sessions filed, newest meeting first (``office sessions``); Enter opens one.

    The list is read in a worker (a LoadingIndicator meanwhile); a database that cannot be used (unreachable,
    older schema, a legacy archive) shows the service's Chinese message in place of the table, with ``r`` to
    try again and, for an older or legacy archive, ``u`` to upgrade it (asked first).
    """

    BINDINGS = [
        Binding("enter", "open", t("office.tui_key_open")),
        Binding("i", "import_bundle", t("office.tui_key_import")),
        Binding("a", "applicant", t("office.tui_key_applicant")),
        # rarer keys, hidden from the footer so it fits 80 columns; F1 and the palette list them
        Binding("r", "refresh", t("tui.lift_refresh"), show=False),
        Binding("u", "upgrade", t("office.tui_key_upgrade"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[SessionLine] = []
        self.error_code: str | None = None
        self.loading = False
        self.opened = False  # a session screen was pushed: read the list again when it is popped

    def compose(self) -> ComposeResult:
        """The title (``#sessions-title``), the status line (``#sessions-status``), the loading indicator and
        the table (``#sessions-table``)."""
        yield Header()
        yield Static(Text(""), id="sessions-title", classes="title")
        yield Static(Text(""), id="sessions-status", classes="hint")
        yield LoadingIndicator(id="sessions-loading")
        table: DataTable[Any] = DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        for key in SESSION_COLUMNS:
            table.add_column(t(key))
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the list."""
        self.action_refresh()

    def on_screen_resume(self) -> None:
        """Back from a session: read the list again (its notice, complaints, filing may have changed); not
        after a dialog closes."""
        if self.opened:
            self.opened = False
            self.action_refresh()

    def action_refresh(self) -> None:
        """``r``: read the sessions again."""
        if self.loading:
            return
        self.loading = True
        self.query_one("#sessions-loading", LoadingIndicator).display = True
        self.query_one("#sessions-status", Static).update(Text(t("office.tui_loading", url=self.app.sub_title)))
        self._load(self.office.url, self.office.today)

    @work(thread=True, exclusive=True, group="office-sessions")
    def _load(self, url: str, today: date) -> None:
        from zc_review.service.office.archive import list_sessions

        try:
            lines = list_sessions(url, today=today)
        except Exception as exc:
            code = exc.code if isinstance(exc, ServiceError) else "internal"
            self.app.call_from_thread(self._failed, code, failure_text(exc))
            return
        self.app.call_from_thread(self._show, lines)

    def _show(self, lines: list[SessionLine]) -> None:
        self.loading = False
        self.error_code = None
        self.lines = lines
        self.query_one("#sessions-loading", LoadingIndicator).display = False
        self.query_one("#sessions-title", Static).update(Text(t("office.cli_sessions_title", n=len(lines))))
        status = self.query_one("#sessions-status", Static)
        status.remove_class("error")
        status.update(Text(t("office.tui_sessions_hint") if lines else t("office.cli_sessions_none")))
        table = self.query_one("#sessions-table", DataTable)
        table.display = True
        rows: list[tuple[list[str | Text], str]] = []
        for ln in lines:
            kind = Text(t("office.kind_rehearsal") if ln.rehearsal else t("office.kind_official"),
                        style="yellow" if ln.rehearsal else "")
            rows.append(([ln.scheduled_date.isoformat(), ln.session_id, kind,
                          ln.notice + (t("office.filed_mark") if ln.filed else ""), str(ln.applicants),
                          str(ln.passed), str(ln.complaints), ln.committee_name, f"{ln.series} {ln.title_level}",
                          t("office.imported_by", at=ln.imported_at.strftime("%Y-%m-%d %H:%M"), by=ln.imported_by)],
                         ln.session_id))
        put_rows(table, [t(key) for key in SESSION_COLUMNS], rows)  # widths reckoned now, not when the table is next idle
        table.focus()

    def _failed(self, code: str, message: str) -> None:
        self.loading = False
        self.error_code = code
        self.lines = []
        self.query_one("#sessions-loading", LoadingIndicator).display = False
        self.query_one("#sessions-title", Static).update(Text(t("office.tui_archive_unusable")))
        hint = t("office.tui_upgrade_hint") if code in ("archive_outdated", "archive_legacy") else ""
        status = self.query_one("#sessions-status", Static)
        status.add_class("error")
        status.update(Text("\n".join(x for x in (message, hint, t("office.tui_retry")) if x)))
        self.query_one("#sessions-table", DataTable).display = False

    def _current(self) -> str | None:
        table = self.query_one("#sessions-table", DataTable)
        if not self.lines or table.cursor_row is None or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row].session_id

    @on(DataTable.RowSelected, "#sessions-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Enter: open the highlighted session."""
        sid = self._current()
        if sid is not None:
            self.opened = True
            self.app.push_screen(OfficeSessionScreen(sid))

    def action_import_bundle(self) -> None:
        """``i``: the bundle's path, a confirmation, then verify and file it (``office import``)."""
        def confirm(path: str | None) -> None:
            if path and path.strip():
                target = Path(path.strip()).expanduser()
                self.app.push_screen(Confirm(t("office.tui_import_q", path=str(target))),
                                     lambda yes: self._import(target) if yes else None)

        self.app.push_screen(TextPrompt(t("office.tui_import_prompt")), confirm)

    def _import(self, bundle: Path) -> None:
        from zc_review.service.office import import_bundle

        office = self.office

        def done(res: Any) -> None:
            self.app.push_screen(Notice(t("cli.import_done" if res.created else "cli.import_again",
                                          session=res.session_id, passed=res.passed, applicants=res.applicants)))
            self.action_refresh()

        self.run_job(t("office.tui_importing", path=str(bundle)),
                     lambda: import_bundle(bundle, office.keys_dir, office.url, allow_rehearsal=office.rehearsal),
                     done)

    def action_applicant(self) -> None:
        """``a``: an applicant's history across sessions and years (``office applicant``)."""
        from zc_review.service.office.archive import applicant_history

        office = self.office

        def asked(query: str | None) -> None:
            if query and query.strip():
                self.run_job(t("office.tui_looking"),
                             lambda: applicant_history(office.url, query, keys_dir=office.keys_dir), show)

        def show(h: History) -> None:
            self.app.push_screen(ApplicantScreen(h))

        self.app.push_screen(TextPrompt(t("office.cli_query")), asked)

    def action_upgrade(self) -> None:
        """``u``: bring the archive to the newest schema (``office db upgrade``), asked first."""
        from zc_review.service.office.archive import db_upgrade, display_url

        office = self.office
        shown = display_url(office.url)

        def done(res: tuple[str | None, str]) -> None:
            before, after = res
            self.app.push_screen(Notice(t("office.cli_db_upgraded" if before != after else "office.cli_db_current",
                                          url=shown, before=before or "—", after=after)))
            self.action_refresh()

        def go(yes: bool | None) -> None:
            if yes:
                self.run_job(t("office.tui_upgrading"), lambda: db_upgrade(office.url), done)

        self.app.push_screen(Confirm(t("office.tui_upgrade_q", url=shown)), go)

    def office_commands(self) -> list[ShellCommand]:
        """The palette's commands here."""
        return [ShellCommand(t("office.tui_key_import"), t("office.tui_cmd_import_help"), self.action_import_bundle),
                ShellCommand(t("office.tui_key_applicant"), t("office.tui_cmd_applicant_help"), self.action_applicant),
                ShellCommand(t("tui.lift_refresh"), t("office.tui_cmd_refresh_help"), self.action_refresh),
                ShellCommand(t("office.tui_key_upgrade"), t("office.tui_cmd_upgrade_help"), self.action_upgrade)]


# -- an applicant's history -----------------------------------------------------------------------------

class ApplicantScreen(OfficeScreen):
    """An applicant's history across sessions and years (``office applicant``), oldest first, with the
    warning of an application the year after a failure (seed 003 七(二)) in red."""

    BINDINGS = [Binding("escape", "back", t("common.back"))]

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history

    def compose(self) -> ComposeResult:
        """The title, the warnings (``#history-warnings``) and the table (``#history-table``)."""
        h = self.history
        yield Header()
        yield Static(Text(t("office.cli_history_title", query=h.query, n=len(h.lines))), classes="title")
        yield Static(Text("\n".join(h.warnings), style="bold red"), id="history-warnings")
        table: DataTable[Any] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        for key in ("office.col_year", "office.col_session", "common.col_code", "common.col_name",
                    "office.anonymity_kind_employer", "common.col_group", "common.col_composite", "common.col_votes",
                    "common.col_decision", "common.col_reason", "closing.reason_guidance"):
            table.add_column(t(key))
        for ln in h.lines:
            table.add_row(str(ln.year), ln.session_id + (t("office.rehearsal_mark") if ln.rehearsal else ""), ln.code,
                          ln.name, ln.employer, ln.group_name, ln.composite, ln.votes,
                          Text(ln.outcome, style="green" if ln.passed else "red"), ln.reason or "—", ln.guidance or "—")
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        """Hide an empty warning line; focus the table."""
        self.query_one("#history-warnings", Static).display = bool(self.history.warnings)
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        """Escape: back."""
        self.app.pop_screen()
