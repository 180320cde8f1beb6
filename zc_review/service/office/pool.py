"""The office before the room: the expert pool (专家库), the draw plan, the call sheet, the draw record's file.

``load_pool`` reads ``pool/pool.yaml`` (docs/INPUT.md "The expert pool"; schema ``office-pool``), ``load_plan``
session.yaml's ``draw:`` section, ``load_calls`` a call sheet, ``read_record`` a signed draw record. The draw
itself is ``drawing.draw``; its verification ``drawcheck.verify_draw``. The office keeps the pool and the
credit record in its archive database (``pool_archive``, ``credit``); neither goes into a package or a
public output (000 第十一条).

Source: RULES.md §0–1; 000_8448819e6fcc71aa.txt 第十一条–第十四条, 第二十六条(一), 第四十条, 第四十二条.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from zc_review.domain import draw as d
from zc_review.domain.codec import canonical_json
from zc_review.domain.model import TitleLevel
from zc_review.domain.rules import RuleError
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.office.files import Reader, show

FORMAT = "zc-review draw record"
VERSION = 1
MAX_RECORD_BYTES = 8 * 1024 * 1024
RECORD_FILE = "draw-record.json"



@dataclass(frozen=True)
class Plan:
    """The draw plan: session.yaml's identity plus its ``draw:`` section (docs/INPUT.md "The draw plan")."""

    session_id: str
    committee_name: str
    year: int
    ratio: int
    seats: tuple[d.Seats, ...]
    reappoint: tuple[str, ...]
    drawers: tuple[tuple[str, str], ...]
    supervisor: tuple[str, str]
    staff: tuple[dict[str, str], ...]
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pool:
    """The expert pool as loaded: its id and experts (file order); ``sha256``: of its canonical JSON."""

    pool_id: str
    committee_name: str
    experts: tuple[d.Expert, ...]
    sha256: str
    document: bytes = b""  # the canonical JSON the digest is of (what the office archive keeps)

    def expert(self, eid: str) -> d.Expert:
        """The expert with this id. Raises: KeyError."""
        return {e.id: e for e in self.experts}[eid]


@dataclass(frozen=True)
class Designations:
    """Who the organizing body designates among the drawn: the chair, the vice-chairs, and per panel its
    leader and vice-leader (``{panel id: (leader, vice-leader)}``; 000 第二十六条(一), (二)2)."""

    chair: str
    vice_chairs: list[str]
    panel_leaders: dict[str, tuple[str, str]] = field(default_factory=dict)


def refusal(exc: RuleError) -> ServiceError:
    """A broken rule of the draw as the ServiceError shown (its message names the rule's source)."""
    return ServiceError(exc.code, **exc.params)


def problems_error(rd: Reader) -> ServiceError:
    """The problems a Reader collected, as one ServiceError("pool_invalid"), one problem a line."""
    return ServiceError("pool_invalid", problems="\n".join(str(p) for p in rd.problems))


def load_pool(pool_dir: Path) -> Pool:
    """Read and validate ``<pool_dir>/pool.yaml``.

    Raises: ServiceError("pool_invalid", problems) for schema violations (Chinese, one per line: file, field,
    message) and for an expert listed twice (the same id, or the same name at the same normalised employer).
    Source: 000 第十一条、第十二条.
    """
    root = Path(pool_dir)
    if not root.is_dir():
        raise ServiceError("pool_not_directory", path=str(pool_dir))
    rd = Reader(root)
    raw = rd.read_yaml("pool.yaml", "office-pool")
    if raw is None:
        raise problems_error(rd)
    return pool_from_raw(raw, rd)


def pool_from_raw(raw: dict[str, Any], rd: Reader | None = None) -> Pool:
    """The Pool of a pool document already valid against the schema (``load_pool``; the office archive's
    copy). Raises: ServiceError("pool_invalid") for an expert listed twice."""
    rd = rd or Reader(Path("."))
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple[str, str], int] = {}
    experts = []
    for i, x in enumerate(raw["experts"]):
        person = (x["name"], d.normalise_employer(x["employer"]))
        if x["id"] in seen_ids:
            rd.problem("pool.yaml", f"experts[{i}].id",
                       t("pool.expert_id_twice", id=show(x["id"]), first=seen_ids[x["id"]]))
        elif person in seen_people:
            rd.problem("pool.yaml", f"experts[{i}]",
                       t("pool.expert_twice", name=show(x["name"]), first=seen_people[person]))
        seen_ids.setdefault(x["id"], i)
        seen_people.setdefault(person, i)
        experts.append(d.Expert(
            id=x["id"], name=x["name"], employer=x["employer"], title=x["title"],
            title_level=TitleLevel(x["title_level"]), title_since=x["title_since"], specialty=x["specialty"],
            region=x["region"], private_enterprise=x.get("private_enterprise", False),
            employer_aliases=tuple(x.get("employer_aliases", ())), years_served=tuple(sorted(x.get("years_served", ())))))
    if rd.problems:
        raise problems_error(rd)
    doc = canonical_json(raw)
    return Pool(raw["pool_id"], raw["committee_name"], tuple(experts), hashlib.sha256(doc).hexdigest(), doc)


def load_plan(session_file: Path) -> Plan:
    """Read session.yaml (schema ``office-session``) and its ``draw:`` section.

    Raises: ServiceError("pool_invalid") for schema problems; ServiceError("draw_plan_missing") without a
    ``draw:`` section.
    """
    path = Path(session_file)
    rd = Reader(path.parent)
    raw = rd.read_yaml(path.name, "office-session")
    if raw is None:
        raise problems_error(rd)
    plan = raw.get("draw")
    if plan is None:
        raise ServiceError("draw_plan_missing", path=str(path))
    return Plan(
        session_id=raw["session_id"], committee_name=raw["committee_name"], year=raw["year"],
        ratio=plan.get("ratio", 3),
        seats=tuple(d.Seats(s["specialty"], s["count"], s["panel"]) for s in plan["seats"]),
        reappoint=tuple(plan.get("reappoint", ())),
        drawers=tuple((p["id"], p["name"]) for p in plan["drawers"]),
        supervisor=(plan["supervisor"]["id"], plan["supervisor"]["name"]),
        staff=tuple(plan["staff"]), raw=plan | {"session": {k: v for k, v in raw.items() if k != "draw"}})


def panel_employers(input_dir: Path) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, str, str, str]]]:
    """The applicants' employers by panel, read from ``<input_dir>/applicants/<ID>/dossier.yaml``.

    Returns: ``({panel id: [(applicant id, employer)]}, [(applicant id, name, employer, region)])`` (region
    ``""`` when the dossier gives none).
    Raises: ServiceError("pool_invalid") for dossiers that fail their schema.
    """
    rd = Reader(Path(input_dir))
    by_panel: dict[str, list[tuple[str, str]]] = {}
    people: list[tuple[str, str, str, str]] = []
    folder = Path(input_dir) / "applicants"
    if rd.kind(PurePosixPath("applicants"), "applicants/") != "dir":
        return by_panel, people
    for name in sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")):
        raw = rd.read_yaml(f"applicants/{name}/dossier.yaml", "office-applicant")
        if raw is None:
            continue
        by_panel.setdefault(raw["panel"], []).append((raw["id"], raw["employer"]))
        people.append((raw["id"], raw["name"], raw["employer"], raw.get("region", "")))
    if rd.problems:
        raise problems_error(rd)
    return by_panel, people


def load_calls(path: Path) -> tuple[dict[str, tuple[str, str]], Designations]:
    """A call sheet (schema ``office-draw-calls``): ``({expert id: (answer, note)}, designations)``.

    Raises: ServiceError("pool_invalid") for schema problems or an expert answered twice.
    """
    path = Path(path)
    rd = Reader(path.parent)
    raw = rd.read_yaml(path.name, "office-draw-calls")
    if raw is None:
        raise problems_error(rd)
    answers: dict[str, tuple[str, str]] = {}
    for i, c in enumerate(raw["calls"]):
        if c["expert"] in answers:
            rd.problem(path.name, f"calls[{i}].expert", t("pool.call_twice", id=show(c["expert"])))
        answers[c["expert"]] = (c["answer"], c.get("note", ""))
    if rd.problems:
        raise problems_error(rd)
    leaders = {k: (v["leader"], v["vice_leader"]) for k, v in raw.get("panel_leaders", {}).items()}
    return answers, Designations(raw["chair"], list(raw["vice_chairs"]), leaders)


# -- the draw record's file -------------------------------------------------------------------------------------

def read_record_file(path: Path) -> dict[str, Any]:
    """A draw record's JSON (format and version checked, signatures not). Raises:
    ServiceError("draw_record_unreadable" | "draw_record_tampered")."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError("draw_record_unreadable", path=str(path), error=exc.strerror or str(exc)) from exc
    try:
        if len(data) > MAX_RECORD_BYTES:
            raise ValueError("too large")
        rec = json.loads(data.decode("utf-8"))
        if not isinstance(rec, dict) or rec.get("format") != FORMAT or rec.get("version") != VERSION:
            raise ValueError("format")
        if not isinstance(rec.get("body"), dict):
            raise ValueError("body")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError("draw_record_tampered", path=str(path), detail=f"{type(exc).__name__}: {exc}") from exc
    return rec


def check_record_signatures(rec: dict[str, Any], root_cert: Any, path: Path | str) -> None:
    """The record's signatures (``seal.drawsign.verify_record``). Raises: ServiceError("draw_record_tampered")."""
    from zc_review.seal.drawsign import verify_record
    from zc_review.seal.errors import SealError

    signed = {k: v for k, v in rec.items() if k not in ("format", "version")}
    try:
        verify_record(signed, root_cert)
    except SealError as exc:
        raise ServiceError("draw_record_tampered", path=str(path), detail=exc.diagnostics()) from exc


def read_record(path: Path, root_cert: Any) -> dict[str, Any]:
    """A draw record whose signatures hold (for ``office pack``). Raises: as ``verify_draw``."""
    rec = read_record_file(Path(path))
    check_record_signatures(rec, root_cert, path)
    return rec
