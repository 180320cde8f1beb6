"""A session script as typed actions, parsed once (docs/SCRIPT.md; schema session-script.schema.json).

Each action of the room that a script can play is a frozen dataclass; ``parse_action`` turns one
schema-valid JSON object into one, ``to_dict`` turns it back. The service's runner, its resume check and
the demo's autopilot all dispatch on these types, never on dicts. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from zc_review.domain.ballot import Choice
from zc_review.domain.rules import RuleError


@dataclass(frozen=True)
class Attendance:
    """Roll call: these reviewers attend, those are absent. Source: RULES.md §2."""

    kind: ClassVar[str] = "attendance"
    attending: tuple[str, ...]
    absent: tuple[str, ...]


@dataclass(frozen=True)
class CloseRollCall:
    """End the roll call (quorum checked). Source: RULES.md §2."""

    kind: ClassVar[str] = "close_roll_call"


@dataclass(frozen=True)
class Pledge:
    """A reviewer signs the integrity pledge. Source: 000 第二十六条(二)4."""

    kind: ClassVar[str] = "pledge"
    reviewer: str


@dataclass(frozen=True)
class Recuse:
    """Record a recusal declared in the room. Source: RULES.md §2."""

    kind: ClassVar[str] = "recuse"
    reviewer: str
    applicant: str
    reason: str


@dataclass(frozen=True)
class SignRubric:
    """Sign a panel's rubric in one of the five roles (role: a Role value). Source: RULES.md §3."""

    kind: ClassVar[str] = "sign_rubric"
    panel: str
    person: str
    role: str


@dataclass(frozen=True)
class ViewDossier:
    """A panel reviewer opens a blind dossier."""

    kind: ClassVar[str] = "view_dossier"
    reviewer: str
    applicant: str


@dataclass(frozen=True)
class Scores:
    """Save (or submit) a reviewer's sheet: criterion id → typed text ("18.5", "-" for N/A)."""

    kind: ClassVar[str] = "scores"
    reviewer: str
    applicant: str
    values: Mapping[str, str]
    submit: bool


@dataclass(frozen=True)
class KeySheet:
    """Two staff members key a reviewer's paper score sheet (双人录入), then settle every differing cell.

    ``values``: criterion id → the text the first keyer types; ``second_values``: the cells the second keyer
    typed differently (the others as ``values``); ``settle``: criterion id → the value read on the paper
    for each differing cell, settled by both keyers together. ``check_code``: as typed (default: the
    printed sheet's own). Source: issue 14.
    """

    kind: ClassVar[str] = "key_sheet"
    reviewer: str
    applicant: str
    keyer: str
    second_keyer: str
    values: Mapping[str, str]
    second_values: Mapping[str, str] = field(default_factory=dict)
    settle: Mapping[str, str] = field(default_factory=dict)
    check_code: str = ""


@dataclass(frozen=True)
class ConfirmSheet:
    """The reviewer (or the supervisor as witness, ``paper_sheet_confirmation``) confirms a keyed paper sheet
    with their credential: it becomes the reviewer's submitted sheet. Source: issue 14."""

    kind: ClassVar[str] = "confirm_sheet"
    reviewer: str
    applicant: str
    by: str


@dataclass(frozen=True)
class Opinion:
    """The panel leader writes the panel opinion on an applicant."""

    kind: ClassVar[str] = "opinion"
    leader: str
    applicant: str
    text: str


@dataclass(frozen=True)
class OpenPoll:
    """Open the main ballot. Source: RULES.md §5."""

    kind: ClassVar[str] = "open_poll"


@dataclass(frozen=True)
class CastBallot:
    """A reviewer casts a secret ballot: applicant id → Choice."""

    kind: ClassVar[str] = "ballot"
    reviewer: str
    choices: Mapping[str, Choice]


@dataclass(frozen=True)
class ClosePoll:
    """Close the open round (``force`` by the presiding officer ``by``, before everyone voted)."""

    kind: ClassVar[str] = "close_poll"
    force: bool = False
    by: str | None = None


@dataclass(frozen=True)
class OpenRunoff:
    """Open a run-off among the applicants tied at a group's cap edge. Source: RULES.md §5."""

    kind: ClassVar[str] = "open_runoff"
    group: str


@dataclass(frozen=True)
class VoidRound:
    """Chair and supervisor void a closed round (written reason) and open its re-vote."""

    kind: ClassVar[str] = "void_round"
    round: int
    chair: str
    supervisor: str
    reason: str


@dataclass(frozen=True)
class FailureReason:
    """The panel leader writes a failed applicant's reason and guidance. Source: 000 第二十六条(六)."""

    kind: ClassVar[str] = "failure_reason"
    leader: str
    applicant: str
    reason: str
    guidance: str


@dataclass(frozen=True)
class DeclareResults:
    """The presiding officer (``person``: the chair, or the presiding vice-chair) declares the final results to
    the room with their credential; from then on the room's screens show the applicants' names beside their
    codes. Allowed once the last round has closed; declaring twice changes nothing. Source: RULES.md §5 (the
    chair announces the result, then every attending reviewer signs it off); 000 第二十六条(六)."""

    kind: ClassVar[str] = "declare_results"
    person: str


@dataclass(frozen=True)
class SignOff:
    """An attending reviewer signs off the results."""

    kind: ClassVar[str] = "sign_off"
    reviewer: str


@dataclass(frozen=True)
class GenerateMinutes:
    """The recorder renders the minutes. Source: RULES.md §6."""

    kind: ClassVar[str] = "generate_minutes"


@dataclass(frozen=True)
class SignMinutes:
    """The recorder, then the presiding officer, sign the minutes. Source: RULES.md §6."""

    kind: ClassVar[str] = "sign_minutes"
    person: str


@dataclass(frozen=True)
class UnlockPerson:
    """Two other officers lift a person's credential lock together (``officers``: their two ids; for the
    chair the supervisor and a vice-chair, for the supervisor the chair and a vice-chair, for anyone else
    the chair and the supervisor). Source: issue 12 §3."""

    kind: ClassVar[str] = "unlock_person"
    person: str
    officers: tuple[str, str]


@dataclass(frozen=True)
class Export:
    """The recorder exports the sealed result bundle."""

    kind: ClassVar[str] = "export"


@dataclass(frozen=True)
class PrintBallots:
    """Paper mode: the recorder prints the open round's paper ballots. Source: RULES.md §5."""

    kind: ClassVar[str] = "print_ballots"


@dataclass(frozen=True)
class KeyTally:
    """Paper mode: a teller keys the counts of the applicants due (applicant id → {agree, disagree, abstain,
    blank, returned}). Source: RULES.md §5; issue 14."""

    kind: ClassVar[str] = "key_tally"
    teller: str
    counts: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class WitnessTally:
    """Paper mode: the supervisor witnesses (监票) the agreed counts with their credential."""

    kind: ClassVar[str] = "witness_tally"
    supervisor: str


Action = (Attendance | CloseRollCall | Pledge | Recuse | SignRubric | ViewDossier | Scores | Opinion | OpenPoll
          | CastBallot | ClosePoll | OpenRunoff | VoidRound | FailureReason | SignOff | GenerateMinutes
          | SignMinutes | UnlockPerson | Export | KeySheet | ConfirmSheet | PrintBallots | KeyTally | WitnessTally
          | DeclareResults)

ACTION_TYPES: tuple[type, ...] = (Attendance, CloseRollCall, Pledge, Recuse, SignRubric, ViewDossier, Scores,
                                  Opinion, OpenPoll, CastBallot, ClosePoll, OpenRunoff, VoidRound, FailureReason,
                                  SignOff, GenerateMinutes, SignMinutes, UnlockPerson, Export, KeySheet, ConfirmSheet,
                                  PrintBallots, KeyTally, WitnessTally, DeclareResults)
BY_KIND: dict[str, type] = {t.kind: t for t in ACTION_TYPES}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Script:
    """A whole script: its session id (may be empty) and its actions in order."""

    session_id: str
    actions: tuple[Action, ...] = field(default=())


def parse_action(raw: Mapping[str, Any]) -> Action:
    """One schema-valid JSON object → its typed action.

    Raises: RuleError("script_invalid", where=kind, problem=…) for an unknown kind or a missing field
    (the JSON Schema normally refused it before).
    """
    if isinstance(raw, ACTION_TYPES):
        return raw  # type: ignore[return-value]
    kind = str(raw.get("action", ""))
    cls = BY_KIND.get(kind)
    if cls is None:
        raise RuleError("script_invalid", where=kind or "action", problem="unknown action")
    args: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in raw:
            args[f.name] = raw[f.name]
    try:
        if cls is Attendance:
            args = {"attending": tuple(raw["attending"]), "absent": tuple(raw["absent"])}
        elif cls is CastBallot:
            args["choices"] = {a: Choice(c) for a, c in raw["choices"].items()}
        elif cls is Scores:
            args["values"] = {k: str(v) for k, v in raw["values"].items()}
            args["submit"] = bool(raw["submit"])
        elif cls is KeySheet:
            for name in ("values", "second_values", "settle"):
                args[name] = {k: str(v) for k, v in raw.get(name, {}).items()}
        elif cls is ClosePoll:
            args["force"] = bool(raw.get("force", False))
        elif cls is KeyTally:
            args["counts"] = {str(a): {k: int(v) for k, v in c.items()} for a, c in raw["counts"].items()}
        elif cls is UnlockPerson:
            first, second = raw["officers"]
            args["officers"] = (str(first), str(second))
        return cls(**args)  # type: ignore[no-any-return]
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError("script_invalid", where=kind, problem=str(exc)[:200]) from exc


def parse_actions(raws: Iterable[Mapping[str, Any]]) -> list[Action]:
    """Every action of a script, typed (see ``parse_action``)."""
    return [parse_action(r) for r in raws]


def to_dict(act: Action) -> dict[str, Any]:
    """The JSON object of one typed action (the inverse of ``parse_action``)."""
    out: dict[str, Any] = {"action": act.kind}
    for f in fields(act):
        v = getattr(act, f.name)
        if isinstance(v, tuple):
            v = list(v)
        elif isinstance(v, Mapping):
            v = {k: (x.value if isinstance(x, Choice) else dict(x) if isinstance(x, Mapping) else x)
                 for k, x in v.items()}
        if f.name in ("force", "by") and not v:
            continue
        if f.name in ("second_values", "settle", "check_code") and not v:
            continue
        out[f.name] = v
    return out


def paper_actions(actions: Iterable[Mapping[str, Any]], tellers: tuple[str, str], supervisor: str, *,
                  recount: bool = False) -> list[dict[str, Any]]:
    """The same session held on paper: each round's laptop ballots (the ``ballot`` actions between a round's
    opening and its ``close_poll``) become ``print_ballots``, the two tellers' ``key_tally`` of the counts
    those ballots give, and the supervisor's ``witness_tally``; everything else is kept as it is.

    Args: tellers: (first, second) teller ids; supervisor: the witness; recount: in the first round, the second
        teller miscounts one applicant (one agree keyed as disagree), so both re-count and key it again.
    Returns: JSON action objects (docs/SCRIPT.md). Used by tools/make_demo_script.py and the tests.
    Source: RULES.md §5 ("Configurable medium"); issue 14.
    """
    out: list[dict[str, Any]] = []
    ballots: list[Mapping[str, str]] | None = None
    first_round = True
    for act in actions:
        kind = act["action"]
        if kind in ("open_poll", "open_runoff"):
            out.append(dict(act))
            out.append({"action": "print_ballots"})
            ballots = []
            continue
        if kind == "ballot" and ballots is not None:
            ballots.append(act["choices"])
            continue
        if kind == "close_poll" and ballots is not None:
            counts = _counts(ballots)
            out.append({"action": "key_tally", "teller": tellers[0], "counts": counts})
            if recount and first_round:
                slip = next(a for a, c in counts.items() if c["agree"] > 0)
                wrong = {**counts, slip: {**counts[slip], "agree": counts[slip]["agree"] - 1,
                                          "disagree": counts[slip]["disagree"] + 1}}
                out.append({"action": "key_tally", "teller": tellers[1], "counts": wrong})
                out.append({"action": "key_tally", "teller": tellers[0], "counts": {slip: counts[slip]}})
                out.append({"action": "key_tally", "teller": tellers[1], "counts": {slip: counts[slip]}})
            else:
                out.append({"action": "key_tally", "teller": tellers[1], "counts": counts})
            out.append({"action": "witness_tally", "supervisor": supervisor})
            out.append({"action": "close_poll"})
            ballots, first_round = None, False
            continue
        out.append(dict(act))
    return out


def _counts(ballots: list[Mapping[str, str]]) -> dict[str, dict[str, int]]:
    """Applicant → {agree, disagree, abstain, blank, returned} of a round's marked ballots."""
    counts: dict[str, dict[str, int]] = {}
    for choices in ballots:
        for a, c in choices.items():
            row = counts.setdefault(a, {"agree": 0, "disagree": 0, "abstain": 0, "blank": 0, "returned": 0})
            row[str(c.value if isinstance(c, Choice) else c)] += 1
            row["returned"] += 1
    return dict(sorted(counts.items()))
