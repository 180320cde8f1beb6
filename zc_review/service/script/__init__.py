"""Scripted sessions: a JSON script of the room's actions, performed through the service (``run-script``).

The format is docs/SCRIPT.md with the schema zc_review/schemas/session-script.schema.json. The
same actions are played through the real screens by ``zc_review.demo.autopilot`` for the demo; here
they go straight to the service, so a forbidden action fails with the same ServiceError the TUI shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from zc_review.domain.model import StaffRole
from zc_review.domain.rules import RuleError
from zc_review.domain.script import Action, parse_action
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.room import Actor, RoomService
from zc_review.service.script.progress import ack, progress_path, read_acks, resume_point
from zc_review.service.script.resume import action_done
from zc_review.service.script.steps import STEPS

MAX_SCRIPT_BYTES = 16 * 1024 * 1024

__all__ = ["MAX_SCRIPT_BYTES", "ScriptRunner", "Secrets", "action_done", "load_script", "progress_path"]


@dataclass(frozen=True)
class Secrets:
    """Credential secrets for a rehearsal: the two opening secrets and each person's secret."""

    chair_opening: str
    supervisor_opening: str
    persons: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Secrets:
        """Read the JSON written by ``office pack --secrets-out``.

        Raises: ServiceError("secrets_invalid") for an unreadable or malformed file.
        """
        try:
            raw = json.loads(path.read_text("utf-8"))
            return cls(raw["opening"]["chair"], raw["opening"]["supervisor"], dict(raw["persons"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ServiceError("secrets_invalid", path=str(path)) from exc


def load_script(path: Path) -> dict[str, Any]:
    """Read and validate a script against its JSON Schema.

    Raises: ServiceError("script_invalid", where, problem) naming the action index and field.
    """
    import jsonschema

    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            raise ServiceError("script_invalid", where=str(path), problem="too large")
        script = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServiceError("script_invalid", where=str(path), problem=str(exc)) from exc
    schema = json.loads(resources.files("zc_review.schemas").joinpath("session-script.schema.json").read_text("utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(script), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.path) or t("office.json_root")
        raise ServiceError("script_invalid", where=where, problem=e.message[:200])
    return script  # type: ignore[no-any-return]


class ScriptRunner:
    """Performs a script's actions on a RoomService, authenticating each person with their secret."""

    service: RoomService
    out_dir: Path
    exported: tuple[Path, str] | None

    def __init__(self, service: RoomService, secrets: Secrets, out_dir: Path) -> None:
        self.service = service
        self.secrets = secrets
        self.out_dir = out_dir
        self._recorder: Actor | None = None
        self._actors: dict[str, Actor] = {}
        self.exported: tuple[Path, str] | None = None

    def actor(self, person_id: str) -> Actor:
        """The person, authenticated once per run (as a reviewer logs in once at the scoring screen)."""
        if person_id not in self._actors:
            self._actors[person_id] = self.service.authenticate(person_id, self.secrets.persons.get(person_id, ""))
        return self._actors[person_id]

    @property
    def recorder(self) -> Actor:
        """The recorder, authenticated once per run."""
        if self._recorder is None:
            self._recorder = self.actor(self.service.defn.staff_with_role(StaffRole.RECORDER).id)
        return self._recorder

    def run(self, actions: Sequence[Action | Mapping[str, Any]], *, start: int = 0,
            progress: Callable[[int, Any], None] | None = None, acks: Path | None = None) -> int:
        """Perform ``actions[start:]`` in order; with ``acks`` (a progress file) acknowledge each one and
        start after the last action already done (a second run after a crash or a refusal resumes).

        Returns: the index the run started from (0-based).
        Raises: ServiceError("script_step_failed", index, action, message) wrapping the first
            refusal, so the user sees which step failed and why.
        """
        typed = [self._typed(a) for a in actions]  # parsed once, before anything is done
        acked = read_acks(acks) if acks is not None else 0
        if acks is not None:
            start = max(start, resume_point(self.service, typed, acked))
        fh = open(acks, "a", encoding="ascii") if acks is not None else None  # noqa: SIM115 (closed below)
        try:
            for j in range(acked, start if fh is not None else 0):  # done before, its acknowledgement lost
                ack(fh, j)  # type: ignore[arg-type]
            for i in range(start, len(typed)):
                act = typed[i]
                try:
                    STEPS[type(act)].perform(self, act)
                except ServiceError as exc:
                    raise ServiceError("script_step_failed", index=i + 1, action=act.kind,
                                       message=exc.message) from exc
                if fh is not None:
                    ack(fh, i)
                if progress:
                    progress(i, actions[i])
        finally:
            if fh is not None:
                fh.close()
        return start

    def perform(self, act: Action | Mapping[str, Any]) -> None:
        """Perform one action (typed, or its JSON object: see docs/SCRIPT.md) through the room's parts.

        Raises: ServiceError as the room refuses it (the same error the screens show).
        """
        typed = self._typed(act)
        STEPS[type(typed)].perform(self, typed)

    @staticmethod
    def _typed(act: Action | Mapping[str, Any]) -> Action:
        if not isinstance(act, Mapping):
            return act
        try:
            return parse_action(act)
        except RuleError as exc:
            raise ServiceError(exc.code, **exc.params) from exc
