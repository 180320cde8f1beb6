"""Scripted sessions: a JSON script of the room's actions, performed through the service (``run-script``).

The format is docs/SCRIPT.md with the schema zc_review/schemas/session-script.schema.json. The
same actions are played through the real screens by ``zc_review.demo.autopilot`` for the demo; here
they go straight to the service, so a forbidden action fails with the same ServiceError the TUI shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from zc_review.domain.ballot import Choice
from zc_review.domain.scoring import parse_score
from zc_review.service import RoomService
from zc_review.service.errors import ServiceError
from zc_review.service.room import Actor
from zc_review.service.room.permissions import Role

MAX_SCRIPT_BYTES = 16 * 1024 * 1024


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
        where = "/".join(str(p) for p in e.path) or "(根)"
        raise ServiceError("script_invalid", where=where, problem=e.message[:200])
    return script  # type: ignore[no-any-return]


class ScriptRunner:
    """Performs a script's actions on a RoomService, authenticating each person with their secret."""

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
        if self._recorder is None:
            from zc_review.domain.model import StaffRole

            self._recorder = self.actor(self.service.defn.staff_with_role(StaffRole.RECORDER).id)
        return self._recorder

    def run(self, actions: list[dict[str, Any]], *, start: int = 0,
            progress: Callable[[int, dict[str, Any]], None] | None = None) -> None:
        """Perform ``actions[start:]`` in order.

        Raises: ServiceError("script_step_failed", index, action, message) wrapping the first
            refusal, so the user sees which step failed and why.
        """
        for i, act in enumerate(actions[start:], start):
            try:
                self.perform(act)
            except ServiceError as exc:
                raise ServiceError("script_step_failed", index=i + 1, action=act.get("action"),
                                   message=exc.message) from exc
            if progress:
                progress(i, act)

    def perform(self, act: dict[str, Any]) -> None:
        """Perform one action (see the schema for the fields of each)."""
        s = self.service
        kind = act["action"]
        if kind == "attendance":
            for r in act["attending"]:
                s.opening.mark_attendance(self.recorder, r, True)
            for r in act["absent"]:
                s.opening.mark_attendance(self.recorder, r, False)
        elif kind == "close_roll_call":
            s.opening.close_roll_call(self.recorder)
        elif kind == "pledge":
            s.opening.sign_pledge(self.actor(act["reviewer"]))
        elif kind == "recuse":
            s.opening.add_recusal(self.recorder, act["reviewer"], act["applicant"], act["reason"])
        elif kind == "sign_rubric":
            s.opening.sign_rubric(self.actor(act["person"]), act["panel"], Role(act["role"]))
        elif kind == "view_dossier":
            s.scoring.dossier(self.actor(act["reviewer"]), act["applicant"])
        elif kind == "scores":
            values: dict[str, Decimal | None] = {k: parse_score(v) for k, v in act["values"].items()}
            s.scoring.save_scores(self.actor(act["reviewer"]), act["applicant"], values, submit=act["submit"])
        elif kind == "opinion":
            s.scoring.write_opinion(self.actor(act["leader"]), act["applicant"], act["text"])
        elif kind == "open_poll":
            s.ballot.open_poll(self.recorder)
        elif kind == "ballot":
            s.ballot.cast_ballot(self.actor(act["reviewer"]), {a: Choice(c) for a, c in act["choices"].items()})
        elif kind == "close_poll":
            force = bool(act.get("force"))
            by = self.actor(act["by"]) if act.get("by") else self.recorder
            s.ballot.close_poll(by, force=force)
        elif kind == "open_runoff":
            s.ballot.open_runoff(self.recorder, act["group"])
        elif kind == "void_round":
            s.ballot.void_round(self.actor(act["chair"]), self.actor(act["supervisor"]), act["round"], act["reason"])
        elif kind == "failure_reason":
            s.closing.write_failure_reason(self.actor(act["leader"]), act["applicant"], act["reason"], act["guidance"])
        elif kind == "sign_off":
            s.closing.sign_off_results(self.actor(act["reviewer"]))
        elif kind == "generate_minutes":
            s.closing.generate_minutes(self.recorder)
        elif kind == "sign_minutes":
            s.closing.sign_minutes(self.actor(act["person"]))
        elif kind == "export":
            self.exported = s.closing.export_bundle(self.recorder, self.out_dir)
        else:  # the schema admits no other kind
            raise ServiceError("script_invalid", where=kind, problem="unknown action")
