"""The service layer: the one door through which the TUI, the CLI, scripts and tests act."""

from __future__ import annotations

from zc_review.service.closing import ClosingMixin


class RoomService(ClosingMixin):
    """The sealed room's use cases: open with ``RoomService.open(...)``; see the mixins for the steps."""


__all__ = ["RoomService"]
