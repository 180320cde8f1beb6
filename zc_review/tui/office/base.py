"""The base of the office TUI's screens: ``OfficeScreen`` (the host's settings, ``run_job``: a service call in
a worker thread behind ``WorkingScreen``) and what the screens share."""

from __future__ import annotations

import os
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import LoadingIndicator, ProgressBar, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.tui.base import HELP_BINDING
from zc_review.tui.widgets import Notice
from zc_review.tui.widgets.steady import Steady

T = TypeVar("T")


class OfficeHost(Protocol):
    """What an office screen reads of the application (``OfficeApp``)."""

    url: str
    keys_dir: Path
    out_dir: Path
    rehearsal: bool

    @property
    def today(self) -> date:
        """The office's day."""
        ...


def complaint_option(c: Any) -> str:
    """A complaint as one line of a picker: its number, applicant, kind and status."""
    return t("office.tui_complaint_option", id=c.id, applicant=c.applicant, kind=c.kind, status=c.status)


def failure_text(exc: BaseException) -> str:
    """The Chinese text for an error met by a worker: a ServiceError's message; anything else is written
    with its traceback to a private file named in the message (as the command line does: never on screen)."""
    if isinstance(exc, ServiceError):
        return exc.message
    fd, path = tempfile.mkstemp(prefix="zc-review-error-", suffix=".txt")
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(traceback.format_exception(exc)))
    return t("cli.internal_error", path=path)


class WorkingScreen(Steady, ModalScreen[None]):
    """Shown while a long action runs in a worker thread: what is being done, a LoadingIndicator and an
    indeterminate ProgressBar (the service does not report steps). It closes itself when the work ends;
    it has no key of its own (Ctrl+Q still asks before leaving)."""

    DEFAULT_CSS = """
    WorkingScreen { align: center middle; }
    WorkingScreen > Vertical { width: 70; max-width: 100%; height: auto; border: thick $accent;
                               background: $panel; padding: 1 2; }
    WorkingScreen LoadingIndicator { height: 1; }
    WorkingScreen ProgressBar { margin-top: 1; }
    """

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        """The label (``#working-text``), the indicator and the bar (``#working-bar``)."""
        with Vertical():
            yield Static(Text(self.label), id="working-text", classes="title")
            yield LoadingIndicator()
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="working-bar")
            yield Static(Text(t("office.tui_working_hint")), classes="hint")


class OfficeScreen(Steady, Screen[None]):
    """Base of the office's screens: F1 first in the footer, the host's settings, and ``run_job``."""

    BINDINGS = [HELP_BINDING]

    @property
    def office(self) -> OfficeHost:
        """The office application (its URL, keys, output folder, day)."""
        return cast(OfficeHost, self.app)

    def run_job(self, label: str, call: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run ``call`` (a service call) in a worker thread behind ``WorkingScreen(label)``; then ``done`` with
        its result on the screen's thread, or its refusal in a ``Notice``."""
        working = WorkingScreen(label)
        self.app.push_screen(working)
        self._job(working, call, done)

    @work(thread=True, group="office-job")
    def _job(self, working: WorkingScreen, call: Callable[[], Any], done: Callable[[Any], None]) -> None:
        try:
            result = call()
        except Exception as exc:  # every refusal is shown; an unexpected error too, its details in a file
            self.app.call_from_thread(self._job_failed, working, failure_text(exc))
            return
        self.app.call_from_thread(self._job_done, working, done, result)

    def _job_done(self, working: WorkingScreen, done: Callable[[Any], None], result: Any) -> None:
        working.dismiss(None)
        done(result)

    def _job_failed(self, working: WorkingScreen, message: str) -> None:
        working.dismiss(None)
        self.app.push_screen(Notice(message))
