"""The steps of opening a session package (``RoomService.open(progress=…)``), light to import.

The unlock screen and the CLI import this before the room service (which pulls in SQLModel) has loaded.
"""

from __future__ import annotations

#: The steps of ``RoomService.open`` in order, each with the catalogue key of its Chinese label.
UNLOCK_STEPS: tuple[tuple[str, str], ...] = (
    ("signature", "unlock.step_signature"), ("chair", "unlock.step_chair"),
    ("supervisor", "unlock.step_supervisor"), ("payload", "unlock.step_payload"),
    ("database", "unlock.step_database"),
)
