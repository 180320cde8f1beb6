"""Resuming a scripted session after a crash: is a script action already in the session database?

A runner that records "action i acknowledged" only after the service call returned can lose the
acknowledgement of the last action but never the action itself: on restart, the action after the last
acknowledged one may or may not be done. ``action_done`` decides from the database alone, so the
runner neither repeats it (a second ballot would be refused anyway) nor skips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zc_review.domain.script import Action, parse_action
from zc_review.service.script.steps import STEPS

if TYPE_CHECKING:
    from zc_review.service.room import RoomService


def action_done(room: RoomService, act: Action | Mapping[str, Any]) -> bool:
    """True when the effect of script action ``act`` (typed, or its JSON object) is already recorded.

    Read-only actions (viewing a dossier) and actions that may be repeated without harm (generating
    unsigned minutes, exporting) answer False: doing them again is the safe choice.
    """
    typed = parse_action(act) if isinstance(act, Mapping) else act
    return STEPS[type(typed)].done(room, typed)
