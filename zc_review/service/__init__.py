"""The service layer: the one door through which the TUI, the CLI, scripts and tests act.

``RoomService`` is imported lazily (it pulls in SQLModel, ~1 s): the first screen appears before it loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zc_review.service.close import CloseMixin

    class RoomService(CloseMixin):
        """The sealed room's use cases."""


def __getattr__(name: str) -> Any:
    if name == "RoomService":
        from zc_review.service.room_service import RoomService

        return RoomService
    raise AttributeError(name)


__all__ = ["RoomService"]
