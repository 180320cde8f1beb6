"""Export: write the sealed result bundle to the USB stick in a worker, read it back, show its fingerprint.

"可以安全拔出U盘" appears only after the service has written, fsynced, read back and verified the file.
A full or read-only stick is shown as a clear error and can be retried. Source: issue 2 §7; issue 4 §6.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Digits, Header, Input, Static

from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room import Actor
from zc_review.tui.base import RoomScreen
from zc_review.tui.widgets import Confirm
from zc_review.tui.widgets.footer import KeyFooter


class ExportScreen(RoomScreen[None]):
    """Target folder (prefilled with the app's out_dir); Enter exports; the fingerprint in large digits."""

    CSS_PATH = "closing.tcss"
    BINDINGS = [Binding("escape", "back", t("common.back"))]

    class Exported(Message):
        """The bundle was written, read back and verified."""

        def __init__(self, path: Path, fingerprint: str) -> None:
            super().__init__()
            self.path, self.fingerprint = path, fingerprint

    class Failed(Message):
        """The export was refused or the target failed; nothing was lost, a retry is possible."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self) -> None:
        super().__init__()
        self.exported: tuple[Path, str] | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        """The target folder (``#export-dir``), the status, the fingerprint box and the safe line."""
        yield Header()
        yield Static(Text(t("tui.step_export")), classes="title")
        yield Static(Text(t("closing.export_dir")))
        yield Input(str(self.out_dir), id="export-dir")
        yield Static(Text(t("closing.export_keys")), id="export-status", classes="hint")
        yield Vertical(id="export-fp")
        yield Static(Text(""), id="export-safe")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the folder field."""
        self.query_one(Input).focus()

    @on(Input.Submitted, "#export-dir")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the folder: a ``Confirm`` naming the folder (the bundle seals the record), then export."""
        if self.busy or not event.value.strip():
            return
        target = event.value.strip()

        def answer(yes: bool | None) -> None:
            if yes:
                self._start(target)

        self.app.push_screen(Confirm(t("closing.export_q", path=target)), answer)

    def _start(self, target: str) -> None:
        if self.busy:
            return
        self.busy = True
        self.exported = None
        self.query_one("#export-safe", Static).update("")
        self.query_one("#export-fp", Vertical).remove_children()
        status = self.query_one("#export-status", Static)
        status.remove_class("error")
        status.update(Text(t("closing.export_working")))
        assert self.operator is not None
        self._export(self.operator, Path(target))

    @work(thread=True, exclusive=True, group="export")
    def _export(self, operator: Actor, target: Path) -> None:
        try:
            path, fp = self.room.closing.export_bundle(operator, target)
        except ServiceError as exc:
            self.post_message(self.Failed(exc.message))
            return
        self.post_message(self.Exported(path, fp))

    @on(Exported)
    def _exported(self, event: Exported) -> None:
        self.busy = False
        self.exported = (event.path, event.fingerprint)
        self.query_one("#export-status", Static).update(Text(t("closing.export_fp_label", path=str(event.path))))
        groups = event.fingerprint.split()
        box = self.query_one("#export-fp", Vertical)
        box.mount_all([Digits(" ".join(groups[i:i + 4])) for i in range(0, len(groups), 4)])
        self.query_one("#export-safe", Static).update(Text(t("closing.export_safe")))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.busy = False
        status = self.query_one("#export-status", Static)
        status.add_class("error")
        status.update(Text(event.message + "\n" + t("closing.export_retry")))
        self.query_one(Input).focus()

    def action_back(self) -> None:
        """Escape: back to the dashboard (not while exporting)."""
        if not self.busy:
            self.app.pop_screen()
