"""Progress of long work on the command line (issue 13): each step with its elapsed time, on stderr.

On a terminal, rich's Progress shows a spinner, the step and a running clock, and leaves each finished step
on screen with its time; elsewhere (a pipe, a log file, tests) one plain line per finished step is written,
so stdout keeps only the command's result. Never a silent screen: the key derivations of packing and
opening take seconds each.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from zc_review.i18n import t


class Steps:
    """The steps of one command, shown as they run. Use as a context manager, then ``start(text)`` for each
    step (the previous one is finished then) or ``with steps.step(text):``.

    Args:
        console: where to show them (the CLI's stderr console).
    """

    def __init__(self, console: Console) -> None:
        self._console = console
        self._live = console.is_terminal
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._text = ""
        self._started = 0.0

    def __enter__(self) -> Steps:
        if self._live:
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=self._console, transient=False)
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._finish(failed=kind is not None)
        if self._progress is not None:
            self._progress.stop()

    def start(self, text: str) -> None:
        """Finish the running step (if any) and start ``text``."""
        self._finish(failed=False)
        self._text, self._started = text, time.monotonic()
        if self._progress is not None:
            self._task = self._progress.add_task(text, total=None)

    @contextmanager
    def step(self, text: str) -> Iterator[None]:
        """One step around a block: started on entry, finished (with its time) on exit."""
        self.start(text)
        try:
            yield
        except BaseException:
            self._finish(failed=True)
            raise
        self._finish(failed=False)

    def _finish(self, *, failed: bool) -> None:
        if not self._text:
            return
        seconds = f"{time.monotonic() - self._started:.1f}"
        line = t("cli.step_failed" if failed else "cli.step_done", step=self._text, seconds=seconds)
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=line, total=1, completed=1)
        else:
            self._console.print(line, highlight=False, soft_wrap=True)
        self._text, self._task = "", None
