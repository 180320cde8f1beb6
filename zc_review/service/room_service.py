"""``RoomService``: the mixins of the room's use cases put together."""

from __future__ import annotations

from zc_review.service.panel import PanelMixin


class RoomService(PanelMixin):
    """The sealed room's use cases: open with ``RoomService.open(...)``; see the mixins for the steps."""
