"""The service layer: the one door through which the TUI, the CLI, scripts and tests act.

- ``service.room``   the sealed room (``RoomService`` and its parts)
- ``service.office`` packing before the room, verifying and filing after it
- ``service.script`` playing a typed session script through the room

``RoomService`` is imported lazily (it pulls in SQLModel, ~1 s): the first screen appears before it loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zc_review.service.room import RoomService


def __getattr__(name: str) -> Any:
    """Lazy access to ``RoomService`` (and nothing else)."""
    if name == "RoomService":
        from zc_review.service.room import RoomService

        return RoomService
    raise AttributeError(name)


__all__ = ["RoomService"]
