"""``RoomService``: the mixins of the room's use cases put together."""

from __future__ import annotations

from zc_review.service.close import CloseMixin


class RoomService(CloseMixin):
    """The sealed room's use cases: open with ``RoomService.open(...)``; see the mixins for the steps."""
