"""The office TUI's screen of one filed session: its facts, notice, results and complaints, and the actions
after the meeting (the public notice, a complaint from record to signed finding and evidence, the filing),
each the command line's service call run by ``OfficeScreen.run_job``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, LoadingIndicator, Static

from zc_review.i18n import label_of, t
from zc_review.tui.commands import ShellCommand
from zc_review.tui.office.base import OfficeScreen, complaint_option, failure_text
from zc_review.tui.screens.common import put_rows
from zc_review.tui.widgets import Confirm, Notice, Pick, TextPrompt
from zc_review.tui.widgets.autoheight import AutoHeightTable
from zc_review.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from zc_review.service.office.archive_view import SessionView


def _two_lines(fingerprint: str) -> str:
    """The grouped fingerprint as two lines of 8 groups (never a group split at 80 columns)."""
    groups = fingerprint.split()
    return " ".join(groups[:8]) + "\n" + " " * 11 + " ".join(groups[8:])


#: The results table's and the complaints table's columns (catalogue keys), in order.
RESULT_COLUMNS = ("common.col_code", "common.col_name", "common.col_decision", "common.col_composite",
                  "common.col_votes", "common.col_group", "office.anonymity_kind_employer")
COMPLAINT_COLUMNS = ("office.col_complaint_no", "office.col_applicant", "office.col_kind", "office.col_received",
                     "common.col_status", "office.col_handler", "office.col_finding", "office.col_signed")


class OfficeSessionScreen(OfficeScreen):
    """One filed session: its facts, the notice's period and state, its results and its complaints; the
    actions after the meeting (notice, complaint add / handle / conclude / evidence, filing)."""

    BINDINGS = [
        Binding("escape", "back", t("common.back")),
        Binding("n", "notice", t("office.col_notice")),
        Binding("c", "complaint", t("office.tui_key_complaint")),
        Binding("h", "handle", t("office.tui_key_handle"), show=False),  # F1 and the palette list it (80 columns)
        Binding("f", "conclude", t("office.tui_key_conclude")),
        Binding("e", "evidence", t("office.tui_key_evidence"), show=False),
        Binding("b", "filing", t("office.tui_key_filing")),
        Binding("r", "refresh", t("tui.lift_refresh"), show=False),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.view: SessionView | None = None

    def compose(self) -> ComposeResult:
        """Facts (``#session-facts``), notice (``#session-notice``), results (``#session-results``),
        complaints (``#session-complaints``)."""
        yield Header()
        yield Static(Text(self.session_id), id="session-facts")
        yield Static(Text(""), id="session-notice")
        yield LoadingIndicator(id="session-loading")
        yield Static(Text(t("office.notice_section")), classes="head")
        results: DataTable[Any] = DataTable(id="session-results", cursor_type="row", zebra_stripes=True)
        for key in RESULT_COLUMNS:
            results.add_column(t(key))
        yield results
        yield Static(Text(""), id="session-complaints-head", classes="head")
        yield AutoHeightTable(id="session-complaints", cursor_type="row")  # its columns come with its rows (``show``)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the session."""
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the session again (after every action)."""
        self.query_one("#session-loading", LoadingIndicator).display = True
        self._load(self.office.url, self.session_id, self.office.today, self.office.keys_dir)

    @work(thread=True, exclusive=True, group="office-session")
    def _load(self, url: str, session_id: str, today: date, keys_dir: Path) -> None:
        from zc_review.service.office.archive_view import session_view

        keys = keys_dir if (keys_dir / "root-cert.pem").exists() else None
        try:
            view = session_view(url, session_id, today=today, keys_dir=keys)
        except Exception as exc:
            self.app.call_from_thread(self._failed, failure_text(exc))
            return
        self.app.call_from_thread(self._show, view)

    def _failed(self, message: str) -> None:
        self.query_one("#session-loading", LoadingIndicator).display = False
        notice = self.query_one("#session-notice", Static)
        notice.add_class("error")
        notice.update(Text(message))

    def _show(self, v: SessionView) -> None:
        self.view = v
        ln = v.line
        self.query_one("#session-loading", LoadingIndicator).display = False
        kind = t("office.kind_rehearsal") if ln.rehearsal else t("office.kind_official")
        facts = t("office.tui_facts", session=ln.session_id, committee=ln.committee_name, body=v.organizing_body,
                  date=ln.scheduled_date.isoformat(), series=ln.series, level=ln.title_level, applicants=ln.applicants,
                  passed=ln.passed, kind=kind, fp=_two_lines(ln.fingerprint),
                  imported=t("office.imported_by", at=ln.imported_at.strftime("%Y-%m-%d %H:%M"), by=ln.imported_by))
        if not v.bundle_kept:
            facts += "\n" + t("office.tui_bundle_missing")
        self.query_one("#session-facts", Static).update(Text(facts))
        n = v.notice
        line = (t("office.tui_notice_line", first=n.first_day.isoformat(), last=n.last_day.isoformat(),
                  days=n.working_days, state=n.state_label) if n else t("office.tui_notice_none"))
        if ln.filed:
            line += t("office.filed_mark")
        notice = self.query_one("#session-notice", Static)
        notice.remove_class("error")
        notice.update(Text(line, style="bold"))
        results = self.query_one("#session-results", DataTable)
        put_rows(results, [t(key) for key in RESULT_COLUMNS],  # widths fixed now; names shown as typed
                 [([r.code, r.name, Text(r.outcome, style="green" if r.passed else "red"), r.composite, r.votes,
                    r.group_name, r.employer], r.applicant_id) for r in v.results])
        self.query_one("#session-complaints-head", Static).update(
            Text(t("office.cli_complaints_title", n=len(v.complaints))))
        complaints = self.query_one("#session-complaints", DataTable)
        rows: list[tuple[list[str | Text], str]] = []
        for c in v.complaints:
            signed = (Text(t("office.signed_yes"), style="green") if c.signed else
                      Text(t("office.signed_no"), style="bold red") if c.signed is False else "—")
            finding = (t("office.finding_dated", finding=c.finding, on=c.finding_on.isoformat())
                       if c.finding_on else "—")
            rows.append(([str(c.id), c.applicant, c.kind, c.received_on.isoformat(), c.status, c.handler or "—",
                          finding, signed], str(c.id)))
        # every column as wide as its widest cell from the first frame: auto widths drew the header once at the
        # labels' widths and the rows wider, a race seen as a misaligned header in a snapshot under load
        put_rows(complaints, [t(key) for key in COMPLAINT_COLUMNS], rows)
        complaints.display = bool(v.complaints)
        results.focus()

    def action_back(self) -> None:
        """Escape: back to the sessions."""
        self.app.pop_screen()

    # -- the notice ------------------------------------------------------------------------------------
    def action_notice(self) -> None:
        """``n``: draft the public notice (PDF and XLSX; ``office notice``): a first draft asks its first day;
        drafting again rewrites the files with the same period."""
        if self.view is None:
            return
        from zc_review.service.office.archive_notice import draft_notice

        office, sid, out = self.office, self.session_id, self.office.out_dir

        def done(n: Any) -> None:
            self.app.push_screen(Notice(t("office.cli_notice_done", session=n.session_id, first=n.first_day.isoformat(),
                                          last=n.last_day.isoformat(), days=n.working_days, state=n.state_label,
                                          files="\n  ".join(str(f) for f in n.files))))
            self.action_refresh()

        def run(start: date | None) -> None:
            self.run_job(t("office.tui_noticing"),
                         lambda: draft_notice(office.url, sid, out, start=start, today=office.today), done)

        current = self.view.notice
        if current is not None:
            self.app.push_screen(Confirm(t("office.tui_notice_again_q", session=sid, first=current.first_day.isoformat(),
                                           last=current.last_day.isoformat(), out=str(out))),
                                 lambda yes: run(None) if yes else None)
            return

        def start_given(text: str | None) -> None:
            if text is None:
                return
            try:
                start = date.fromisoformat(text.strip())
            except ValueError:
                self.app.push_screen(Notice(t("office.cli_bad_date", value=text.strip())))
                return
            self.app.push_screen(Confirm(t("office.tui_notice_q", session=sid, start=start.isoformat(), out=str(out))),
                                 lambda yes: run(start) if yes else None)

        default = (office.today + timedelta(days=1)).isoformat()
        self.app.push_screen(TextPrompt(t("office.tui_notice_start"), default), start_given)

    # -- complaints ------------------------------------------------------------------------------------
    def action_complaint(self) -> None:
        """``c``: record a complaint or a re-examination request: the applicant, the kind, the summary and
        (optionally) who handles it (``office complaint add``)."""
        if self.view is None:
            return
        from zc_review.service.office.archive_complaint import KINDS, record_complaint

        office, sid = self.office, self.session_id
        people = [(r.applicant_id, t("office.tui_pick_person", code=r.code, name=r.name, group=r.group_name))
                  for r in self.view.results]
        chosen: dict[str, str] = {}

        def done(c: Any) -> None:
            self.app.push_screen(Notice(t("office.tui_recorded", id=c.id, applicant=c.applicant, kind=c.kind,
                                          status=c.status)))
            self.action_refresh()

        def handler_given(handler: str | None) -> None:
            if handler is None:
                return
            self.run_job(t("office.tui_recording"),
                         lambda: record_complaint(office.url, sid, chosen["applicant"], kind=chosen["kind"],
                                                  summary=chosen["summary"], received_on=office.today,
                                                  handler=handler),
                         done)

        def summary_given(summary: str | None) -> None:
            if summary is None:
                return
            chosen["summary"] = summary
            self.app.push_screen(TextPrompt(t("office.cli_handler")), handler_given)

        def kind_given(kind: str | None) -> None:
            if kind is None:
                return
            chosen["kind"] = kind
            self.app.push_screen(TextPrompt(t("office.cli_summary")), summary_given)

        def applicant_given(aid: str | None) -> None:
            if aid is None:
                return
            chosen["applicant"] = aid
            self.app.push_screen(Pick(t("office.col_kind"), [(k, label_of("complaint_kind", k)) for k in KINDS],
                                      compact=True), kind_given)

        self.app.push_screen(Pick(t("office.tui_pick_applicant"), people), applicant_given)

    def _pick_open(self, then: Callable[[Any], None]) -> None:
        assert self.view is not None
        open_ = [c for c in self.view.complaints if c.finding_on is None]
        if not open_:
            self.app.push_screen(Notice(t("office.tui_no_open")))
            return
        options = [(str(c.id), complaint_option(c)) for c in open_]
        by_id = {str(c.id): c for c in open_}
        self.app.push_screen(Pick(t("office.tui_pick_complaint"), options, compact=True),
                             lambda cid: then(by_id[cid]) if cid is not None else None)

    def action_handle(self) -> None:
        """``h``: who handles an open complaint; it is then being investigated (``office complaint update``)."""
        if self.view is None:
            return
        from zc_review.service.office.archive_complaint import update_complaint

        office = self.office

        def done(c: Any) -> None:
            self.app.push_screen(Notice(t("office.tui_updated", id=c.id, handler=c.handler, status=c.status)))
            self.action_refresh()

        def chosen(c: Any) -> None:
            def given(handler: str | None) -> None:
                if handler is not None and handler.strip():
                    self.run_job(t("office.tui_recording"),
                                 lambda: update_complaint(office.url, c.id, status="investigating", handler=handler),
                                 done)

            self.app.push_screen(TextPrompt(t("office.cli_handler"), c.handler), given)

        self._pick_open(chosen)

    def action_conclude(self) -> None:
        """``f``: conclude an open complaint with its finding, signed by the office (cannot be changed:
        asked first; ``office complaint conclude``)."""
        if self.view is None:
            return
        from zc_review.service.office.archive_complaint import conclude_complaint

        office = self.office

        def done(c: Any) -> None:
            self.app.push_screen(Notice(t("office.tui_concluded", id=c.id)))
            self.action_refresh()

        def chosen(c: Any) -> None:
            def given(finding: str | None) -> None:
                if finding is None or not finding.strip():
                    return
                self.app.push_screen(
                    Confirm(t("office.tui_conclude_q", id=c.id, finding=finding.strip())),
                    lambda yes: self.run_job(t("office.tui_concluding"),
                                             lambda: conclude_complaint(office.url, c.id, office.keys_dir,
                                                                        finding=finding, finding_on=office.today),
                                             done) if yes else None)

            self.app.push_screen(TextPrompt(t("office.cli_finding")), given)

        self._pick_open(chosen)

    def action_evidence(self) -> None:
        """``e``: the evidence extract of a complaint, from the sealed bundle verified again
        (``office complaint evidence``)."""
        if self.view is None:
            return
        if not self.view.complaints:
            self.app.push_screen(Notice(t("office.tui_no_complaints")))
            return
        from zc_review.service.office.archive_complaint import write_evidence

        office = self.office
        by_id = {str(c.id): c for c in self.view.complaints}

        def chosen(cid: str | None) -> None:
            if cid is None:
                return
            c = by_id[cid]

            def done(res: tuple[Path, dict[str, Any]]) -> None:
                path, ex = res
                self.app.push_screen(Notice(t("office.cli_evidence_done", id=c.id, path=str(path), code=ex["code"],
                                              scores=len(ex["scores"]), recusals=len(ex["recusals"]))))

            self.run_job(t("office.tui_evidencing"),
                         lambda: write_evidence(office.url, c.id, office.keys_dir, office.out_dir), done)

        self.app.push_screen(Pick(t("office.tui_pick_complaint"),
                                  [(k, complaint_option(c)) for k, c in by_id.items()],
                                  compact=True), chosen)

    # -- filing ----------------------------------------------------------------------------------------
    def action_filing(self) -> None:
        """``b``: the filing pack (``office filing``), asked first (the archive records it); refused by the
        service before the notice period is over."""
        if self.view is None:
            return
        from zc_review.service.office.archive_filing import write_filing

        office, sid = self.office, self.session_id

        def done(res: Any) -> None:
            self.app.push_screen(Notice(t("office.cli_filing_done", session=sid, folder=str(res.folder),
                                          files="\n  ".join(str(f) for f in res.files), sha=res.manifest_sha256)))
            self.action_refresh()

        self.app.push_screen(Confirm(t("office.tui_filing_q", session=sid, out=str(office.out_dir))),
                             lambda yes: self.run_job(t("office.tui_filing"),
                                                      lambda: write_filing(office.url, sid, office.out_dir,
                                                                           office.keys_dir, today=office.today),
                                                      done) if yes else None)

    def office_commands(self) -> list[ShellCommand]:
        """The palette's commands here."""
        return [ShellCommand(t("office.col_notice"), t("office.tui_cmd_notice_help"), self.action_notice),
                ShellCommand(t("office.tui_key_complaint"), t("office.tui_cmd_complaint_help"), self.action_complaint),
                ShellCommand(t("office.tui_key_handle"), t("office.tui_cmd_handle_help"), self.action_handle),
                ShellCommand(t("office.tui_key_conclude"), t("office.tui_cmd_conclude_help"), self.action_conclude),
                ShellCommand(t("office.tui_key_evidence"), t("office.tui_cmd_evidence_help"), self.action_evidence),
                ShellCommand(t("office.tui_key_filing"), t("office.tui_cmd_filing_help"), self.action_filing),
                ShellCommand(t("common.back"), t("office.tui_cmd_back_help"), self.action_back)]
