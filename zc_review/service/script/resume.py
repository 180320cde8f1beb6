"""Resuming a scripted session after a crash: is a script action already in the session database?

A runner that records "action i acknowledged" only after the service call returned can lose the
acknowledgement of the last action but never the action itself: on restart, the action after the last
acknowledged one may or may not be done. ``action_done`` decides from the database alone, so the
runner neither repeats it (a second ballot would be refused anyway) nor skips it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from zc_review.domain.script import Action, parse_action
from zc_review.service.script.steps import STEPS

if TYPE_CHECKING:
    from zc_review.service.room import RoomService


def action_done(room: RoomService, act: Action | Mapping[str, Any],
                before: Sequence[Action | Mapping[str, Any]] | None = None) -> bool:
    """True when the effect of script action ``act`` (typed, or its JSON object) is already recorded.

    ``before``: the script's actions before ``act`` (all done); with them the answer is exact for the actions
    that may repeat an earlier one's effect (a teller's re-keying of the same counts: ``Step.done_after``).
    Read-only actions (viewing a dossier) and actions that may be repeated without harm (generating
    unsigned minutes, exporting) answer False: doing them again is the safe choice.
    """
    typed = parse_action(act) if isinstance(act, Mapping) else act
    step = STEPS[type(typed)]
    if before is not None and step.done_after is not None:
        prior = [parse_action(b) if isinstance(b, Mapping) else b for b in before]
        return step.done_after(room, typed, prior)
    return step.done(room, typed)
