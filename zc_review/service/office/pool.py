"""The office before the room: the expert pool (专家库), the draw of reviewers, its signed record.

``load_pool`` reads ``pool/pool.yaml`` (docs/INPUT.md "The expert pool"; schema ``office-pool``); ``draw``
runs the draw of ``domain.draw`` for the plan in session.yaml's ``draw:`` section, records every call in
order, signs the record (the drawing staff, the supervisor, the office root: ``seal.drawsign``) and writes
it with the committee.yaml the package is built from; ``verify_draw`` replays a record from its own data
(and, given the pool, re-derives who was eligible) and checks its signatures. The pool and the credit
record stay in the office's files; neither goes into a package or a public output (000 第十一条).

Source: RULES.md §0–1; 000_8448819e6fcc71aa.txt 第十一条–第十四条, 第二十六条(一), 第四十条, 第四十二条.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from zc_review.domain import draw as d
from zc_review.domain.codec import canonical_json
from zc_review.domain.model import TitleLevel
from zc_review.domain.rules import RuleError
from zc_review.i18n import join_list, t
from zc_review.service.atomic import write_atomic
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError
from zc_review.service.office import credit
from zc_review.service.office.files import Reader, show

FORMAT = "zc-review draw record"
VERSION = 1
MAX_RECORD_BYTES = 8 * 1024 * 1024
RECORD_FILE = "draw-record.json"

#: How a rule broken in the draw is named: code → its source (shown in the message).
SOURCES = {
    "draw_pool_too_small": "000 第十一条、第二十六条(一)2",
    "draw_reappoint_not_last_year": "000 第二十六条(一)1",
    "draw_reappoint_too_many": "000 第二十六条(一)1",
    "draw_consecutive": "000 第二十六条(一)1",
    "draw_total_even": "000 第十四条",
    "draw_ratio_low": "000 第二十六条(一)2",
    "draw_specialty_twice": "docs/INPUT.md",
    "draw_specialty_unknown": "docs/INPUT.md",
    "draw_reappoint_over_seats": "000 第二十六条(一)1",
    "draw_designation_not_member": "000 第二十六条(一)",
    "draw_vice_chair_count": "000 第十四条",
    "draw_chair_is_vice": "000 第十四条",
    "draw_answer_invalid": "docs/INPUT.md",
    "draw_intermediate_share": "000 第十三条(四)",
    "draw_seed_invalid": "docs/FORMATS.md",
    "draw_panel_unknown": "docs/INPUT.md",
    "draw_leader_missing": "000 第二十六条(二)2",
    "draw_leader_not_member": "000 第二十六条(四)",
    "draw_answer_missing": "000 第二十六条(一)3",
}


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


@dataclass(frozen=True)
class DrawResult:
    """What ``draw`` wrote: the record, committee.yaml and (when the input has one) panels.yaml, the record,
    and its warnings."""

    record_path: Path
    committee_path: Path
    panels_path: Path | None
    record: dict[str, Any]
    warnings: list[str]


def _refuse(exc: RuleError) -> ServiceError:
    return ServiceError(exc.code, source=SOURCES.get(exc.code, ""), **exc.params)


def _problems(rd: Reader) -> ServiceError:
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
        raise _problems(rd)
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
        raise _problems(rd)
    return Pool(raw["pool_id"], raw["committee_name"], tuple(experts), hashlib.sha256(canonical_json(raw)).hexdigest())


def load_plan(session_file: Path) -> Plan:
    """Read session.yaml (schema ``office-session``) and its ``draw:`` section.

    Raises: ServiceError("pool_invalid") for schema problems; ServiceError("draw_plan_missing") without a
    ``draw:`` section.
    """
    path = Path(session_file)
    rd = Reader(path.parent)
    raw = rd.read_yaml(path.name, "office-session")
    if raw is None:
        raise _problems(rd)
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
        raise _problems(rd)
    return by_panel, people


def last_year_members(pool: Pool, year: int, previous: list[dict[str, Any]]) -> list[str]:
    """Last year's reviewers: the pool's ``years_served`` holding ``year - 1``, plus the members of a given
    earlier draw record of that year (pool order, then the record's)."""
    ids = [e.id for e in pool.experts if (year - 1) in e.years_served]
    for rec in previous:
        body = rec["body"]
        if body["year"] == year - 1:
            ids += [m["expert"] for m in body["members"] if m["expert"] not in ids]
    return ids


def served_with_records(pool: Pool, previous: list[dict[str, Any]]) -> Pool:
    """The pool with each expert's ``years_served`` completed by the earlier draw records given."""
    extra: dict[str, set[int]] = {}
    for rec in previous:
        for m in rec["body"]["members"]:
            extra.setdefault(m["expert"], set()).add(int(rec["body"]["year"]))
    experts = tuple(
        d.Expert(**{**e.__dict__, "years_served": tuple(sorted(set(e.years_served) | extra.get(e.id, set())))})
        for e in pool.experts)
    return Pool(pool.pool_id, pool.committee_name, experts, pool.sha256)


def check_seed(first: str, second: str | None) -> str:
    """The seed typed (and, when typed twice, the same both times), normalised (``domain.draw.normalise_seed``).

    Raises: ServiceError("draw_seed_mismatch") when the two differ; ServiceError("draw_seed_invalid").
    """
    try:
        a = d.normalise_seed(first)
        if second is not None and d.normalise_seed(second) != a:
            raise ServiceError("draw_seed_mismatch")
    except RuleError as exc:
        raise _refuse(exc) from exc
    return a


def load_calls(path: Path) -> tuple[dict[str, tuple[str, str]], Designations]:
    """A call sheet (schema ``office-draw-calls``): ``({expert id: (answer, note)}, designations)``.

    Raises: ServiceError("pool_invalid") for schema problems or an expert answered twice.
    """
    path = Path(path)
    rd = Reader(path.parent)
    raw = rd.read_yaml(path.name, "office-draw-calls")
    if raw is None:
        raise _problems(rd)
    answers: dict[str, tuple[str, str]] = {}
    for i, c in enumerate(raw["calls"]):
        if c["expert"] in answers:
            rd.problem(path.name, f"calls[{i}].expert", t("pool.call_twice", id=show(c["expert"])))
        answers[c["expert"]] = (c["answer"], c.get("note", ""))
    if rd.problems:
        raise _problems(rd)
    leaders = {k: (v["leader"], v["vice_leader"]) for k, v in raw.get("panel_leaders", {}).items()}
    return answers, Designations(raw["chair"], list(raw["vice_chairs"]), leaders)


def _composition(members: list[d.Expert], total: int) -> None:
    mid = sum(1 for e in members if e.title_level is TitleLevel.INTERMEDIATE)
    if 3 * mid > total:
        raise RuleError("draw_intermediate_share", count=mid, total=total)


def draw(*, pool_dir: Path, session_file: Path, seed: str, out_dir: Path, keys: Any,
         answer: d.Answerer, designate: Callable[[list[d.Expert]], Designations],
         seed_again: str | None = None, previous: list[Path] = (),  # type: ignore[assignment]
         credit_path: Path | None = None, clock: Callable[[], dt.datetime] = utcnow) -> DrawResult:
    """Draw the committee, sign the record and write ``<out_dir>/draw-record.json`` and ``committee.yaml``.

    Args:
        pool_dir: the folder holding pool.yaml. session_file: session.yaml with its ``draw:`` plan; the
            applicants are read from ``applicants/`` beside it (for the recusal constraint).
        seed: the digits typed in the room (6–64 digits; spaces ignored); ``seed_again``: the same typed a
            second time (compared).
        keys: the office keys (``seal.pki.OfficeKeys``): they issue the signers' certificates and sign.
        answer: asked for each call, in order: ``(expert id, kind)`` → ``(answer, note)``.
        designate: given the drawn members, returns their ``Designations`` (panel leaders are needed only
            when panels.yaml is beside session.yaml: it is rewritten with the drawn members).
        previous: earlier draw records (rotation); each is verified first.
        credit_path: the credit record (default ``credit.default_path()``): barred experts are not drawn.
    Nothing is written unless every rule holds.
    Raises: ServiceError with the broken rule's code and source (``SOURCES``), e.g. ``draw_pool_too_small``,
        ``draw_reappoint_too_many``, ``draw_seed_mismatch``, ``draw_intermediate_share``; ``pool_invalid``.
    Source: 000 第二十六条(一)1–4; RULES.md §0–1.
    """
    from zc_review.seal.drawsign import issue_signers, sign_record

    the_seed = check_seed(seed, seed_again)
    plan = load_plan(session_file)
    prev = [_read_record(Path(p)) for p in previous]
    for p, rec in zip(previous, prev, strict=True):
        _verify_signatures(rec, keys.root_cert, p)
    pool = served_with_records(load_pool(pool_dir), prev)
    by_panel, _people = panel_employers(Path(session_file).parent)
    now = clock()
    entries = credit.load(credit_path or credit.default_path())
    barred = {}
    for e in pool.experts:
        bar = credit.find_bar(entries, "expert", now.date(), e.name, e.employer, e.id)
        if bar:
            barred[e.id] = bar.ref
    experts = {e.id: e for e in pool.experts}
    try:
        d.check_plan(plan.seats, plan.ratio)
        for rid in plan.reappoint:
            if rid not in experts:
                raise RuleError("draw_reappoint_not_last_year", expert=rid)
            if rid in barred:
                raise ServiceError("credit_expert_barred", name=experts[rid].name, ref=barred[rid])
        last = last_year_members(pool, plan.year, prev)
        d.check_rotation(last, plan.reappoint, experts, plan.year)
        excluded = d.exclusions(list(pool.experts), year=plan.year, last_year=last, barred=barred,
                                panel_employers=by_panel, seats=plan.seats)
        outcome = d.run_draw(session_id=plan.session_id, seed=the_seed, ratio=plan.ratio, seats=plan.seats,
                             experts=list(pool.experts), reappoint=plan.reappoint, excluded=excluded, answer=answer)
        members = [experts[m[0]] for m in outcome.members]
        _composition(members, sum(s.count for s in plan.seats))
        des = designate(members)
        d.check_designations([m.id for m in members], des.chair, des.vice_chairs)
        panels = _panels_yaml(Path(session_file).parent, plan, outcome, des)
    except RuleError as exc:
        raise _refuse(exc) from exc
    body = _body(plan, pool, the_seed, last, excluded, outcome, des, now)
    signers = [("staff", pid, name) for pid, name in plan.drawers] + [("supervisor", *plan.supervisor)]
    body["signers"], private = issue_signers(keys, signers, now)
    record = {"format": FORMAT, "version": VERSION} | sign_record(body, private, keys)
    committee = committee_yaml(record, pool)
    out = Path(out_dir)
    record_path, committee_path = out / RECORD_FILE, out / "committee.yaml"
    write_atomic(record_path, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), 0o600)
    write_atomic(committee_path, committee.encode("utf-8"), 0o600)
    panels_path = None
    if panels is not None:
        panels_path = out / "panels.yaml"
        head = t("pool.panels_header", session=plan.session_id)
        write_atomic(panels_path, (f"# {head}\n" + str(yaml.safe_dump(panels, allow_unicode=True, sort_keys=False,
                                                                      width=1000))).encode("utf-8"), 0o600)
    warnings = []
    total = sum(s.count for s in plan.seats)
    min_size = plan.raw["session"].get("rules", {}).get("min_committee_size", 17)
    if total < min_size:
        warnings.append(t("office.finding_committee_small", size=total, min=min_size))
    return DrawResult(record_path, committee_path, panels_path, record, warnings)


def _panels_yaml(input_dir: Path, plan: Plan, outcome: d.DrawOutcome, des: Designations) -> dict[str, Any] | None:
    """panels.yaml with each seat's panel holding the specialty's drawn members (in draw order) and the
    designated leader and vice-leader; None when there is no panels.yaml beside session.yaml.

    Raises: RuleError("draw_panel_unknown" | "draw_leader_missing" | "draw_leader_not_member").
    """
    if not (input_dir / "panels.yaml").is_file():
        return None
    rd = Reader(input_dir)
    raw = rd.read_yaml("panels.yaml", "office-panels")
    if raw is None:
        raise _problems(rd)
    by_id = {p["id"]: p for p in raw["panels"]}
    out = []
    for s in plan.seats:
        if s.panel not in by_id:
            raise RuleError("draw_panel_unknown", panel=s.panel)
        members = [m[0] for m in outcome.members if m[1] == s.specialty]
        if s.panel not in des.panel_leaders:
            raise RuleError("draw_leader_missing", panel=s.panel)
        leader, vice = des.panel_leaders[s.panel]
        for rid in (leader, vice):
            if rid not in members:
                raise RuleError("draw_leader_not_member", panel=s.panel, expert=rid)
        if leader == vice:
            raise RuleError("draw_leader_not_member", panel=s.panel, expert=vice)
        out.append(by_id[s.panel] | {"leader": leader, "vice_leader": vice, "members": members})
    return {"panels": out}


def _body(plan: Plan, pool: Pool, seed: str, last: list[str], excluded: list[d.Exclusion],
          outcome: d.DrawOutcome, des: Designations, now: dt.datetime) -> dict[str, Any]:
    roles = {des.chair: "chair", **{v: "vice_chair" for v in des.vice_chairs}}
    return {
        "algorithm": d.ALGORITHM, "session_id": plan.session_id, "committee_name": plan.committee_name,
        "year": plan.year, "seed": seed, "ratio": plan.ratio, "pool_id": pool.pool_id, "pool_sha256": pool.sha256,
        "drawn_at": now.isoformat(),
        "seats": [{"specialty": s.specialty, "count": s.count, "panel": s.panel} for s in plan.seats],
        "reappoint": list(plan.reappoint), "last_year": last,
        "excluded": [{"expert": x.expert, "reason": x.reason, "detail": x.detail} for x in excluded],
        "rounds": [{"specialty": r.specialty, "round": r.round, "needed": r.needed, "eligible": list(r.eligible),
                    "drawn": [{"expert": e, "key": k} for e, k in r.drawn]} for r in outcome.rounds],
        "events": [{"seq": e.seq, "kind": e.kind, "specialty": e.specialty, "round": e.round, "expert": e.expert,
                    "answer": e.answer, "note": e.note} for e in outcome.events],
        "members": [{"expert": eid, "specialty": sp, "how": how, "committee_role": roles.get(eid, "member"),
                     "title_level": pool.expert(eid).title_level.value,
                     "employer_aliases": list(pool.expert(eid).employer_aliases)} for eid, sp, how in outcome.members],
        "staff": list(plan.staff),
        "panel_leaders": {k: list(v) for k, v in sorted(des.panel_leaders.items())},
    }


def committee_yaml(record: dict[str, Any], pool: Pool) -> str:
    """committee.yaml (docs/INPUT.md) for the record's members (reviewer id = pool id) and staff."""
    body = record["body"]
    reviewers = []
    for m in body["members"]:
        e = pool.expert(m["expert"])
        reviewers.append({"id": e.id, "name": e.name, "employer": e.employer, "title": e.title,
                          "title_level": e.title_level.value, "specialty": e.specialty,
                          "committee_role": m["committee_role"]})
    head = t("pool.committee_header", session=body["session_id"], seed=body["seed"])
    return f"# {head}\n" + str(yaml.safe_dump({"reviewers": reviewers, "staff": body["staff"]}, allow_unicode=True,
                                          sort_keys=False, width=1000))


# -- verification -------------------------------------------------------------------------------------------------

def _read_record(path: Path) -> dict[str, Any]:
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


def _verify_signatures(rec: dict[str, Any], root_cert: Any, path: Path | str) -> None:
    from zc_review.seal.drawsign import verify_record
    from zc_review.seal.errors import SealError

    signed = {k: v for k, v in rec.items() if k not in ("format", "version")}
    try:
        verify_record(signed, root_cert)
    except SealError as exc:
        raise ServiceError("draw_record_tampered", path=str(path), detail=exc.diagnostics()) from exc


def replay(body: dict[str, Any]) -> list[str]:
    """Replay a record's draw from its own data, as any reader can: the ranks from the seed
    (``domain.draw.draw_order`` over each round's eligible list), the calls from the recorded answers.

    The experts are those of the record's eligible lists (round 1 of each specialty is the pool's order) and
    its reappointment calls (last year's reviewers, never in the random draw); title levels from the members
    and the intermediate skips (only they decide the 1/3 cap). Returns: the differences, in Chinese (empty
    when the record is exactly what the published algorithm gives).
    """
    problems = []
    sid, seed = body["session_id"], body["seed"]
    for r in body["rounds"]:
        order = d.draw_order(sid, seed, r["specialty"], r["round"], r["eligible"])[: body["ratio"] * r["needed"]]
        if [(x["expert"], x["key"]) for x in r["drawn"]] != order:
            problems.append(t("pool.replay_round", specialty=r["specialty"], round=r["round"]))
    answers = {(e["expert"], e["kind"]): (e["answer"], e["note"]) for e in body["events"]
               if e["kind"] != "skip_intermediate"}
    mids = {e["expert"] for e in body["events"] if e["kind"] == "skip_intermediate"}
    mids |= {m["expert"] for m in body["members"] if m["title_level"] == "intermediate"}
    specialty: dict[str, str] = {}
    for r in body["rounds"]:
        for eid in r["eligible"]:
            specialty.setdefault(eid, r["specialty"])
    reapp = {e["expert"]: e["specialty"] for e in body["events"] if e["kind"] == "reappoint_call"}
    ids = list(specialty) + [i for i in reapp if i not in specialty]
    experts = [d.Expert(i, i, "", "", TitleLevel.INTERMEDIATE if i in mids else TitleLevel.ASSOCIATE_SENIOR, 0,
                        specialty.get(i) or reapp[i], "") for i in ids]
    seats = [d.Seats(s["specialty"], s["count"], s["panel"]) for s in body["seats"]]

    def ans(eid: str, kind: str) -> tuple[str, str]:
        if (eid, kind) not in answers:
            raise RuleError("draw_answer_missing", expert=eid)
        return answers[(eid, kind)]

    try:
        got = d.run_draw(session_id=sid, seed=seed, ratio=body["ratio"], seats=seats, experts=experts,
                         reappoint=body["reappoint"], excluded=[d.Exclusion(i, "last_year") for i in reapp],
                         answer=ans)
    except RuleError as exc:
        return [*problems, t("pool.replay_failed", code=exc.code)]
    if [(r.specialty, r.round, list(r.eligible)) for r in got.rounds] != [
            (r["specialty"], r["round"], r["eligible"]) for r in body["rounds"]]:
        problems.append(t("pool.replay_eligible"))
    if [(e.kind, e.expert, e.answer) for e in got.events] != [(e["kind"], e["expert"], e["answer"])
                                                              for e in body["events"]]:
        problems.append(t("pool.replay_events"))
    if [(m[0], m[2]) for m in got.members] != [(m["expert"], m["how"]) for m in body["members"]]:
        problems.append(t("pool.replay_members"))
    return problems


def rederive(body: dict[str, Any], pool: Pool, credit_entries: list[credit.CreditEntry],
             by_panel: dict[str, list[tuple[str, str]]]) -> list[str]:
    """With the pool (office side): re-derive who was excluded and eligible, and compare with the record.

    Returns: the differences, in Chinese. The pool's digest must be the one recorded (the pool of that day).
    """
    if pool.sha256 != body["pool_sha256"]:
        return [t("pool.replay_pool_changed")]
    day = dt.datetime.fromisoformat(body["drawn_at"]).date()
    barred = {}
    for e in pool.experts:
        bar = credit.find_bar(credit_entries, "expert", day, e.name, e.employer, e.id)
        if bar:
            barred[e.id] = bar.ref
    seats = [d.Seats(s["specialty"], s["count"], s["panel"]) for s in body["seats"]]
    excluded = d.exclusions(list(pool.experts), year=body["year"], last_year=body["last_year"], barred=barred,
                            panel_employers=by_panel, seats=seats)
    if [{"expert": x.expert, "reason": x.reason, "detail": x.detail} for x in excluded] != body["excluded"]:
        return [t("pool.replay_excluded")]
    out = set(x.expert for x in excluded)
    for r in body["rounds"]:
        if r["round"] == 1 and r["eligible"] != [e.id for e in pool.experts
                                                  if e.specialty == r["specialty"] and e.id not in out]:
            return [t("pool.replay_eligible")]
    return []


@dataclass(frozen=True)
class DrawCheck:
    """What ``verify_draw`` found: the record, one line per step checked, the differences (empty = reproduced)."""

    record: dict[str, Any]
    lines: list[str]
    problems: list[str]

    @property
    def ok(self) -> bool:
        """True when the signatures hold and the draw reproduces."""
        return not self.problems


def verify_draw(record_path: Path, root_cert: Any, *, pool_dir: Path | None = None,
                session_file: Path | None = None, credit_path: Path | None = None) -> DrawCheck:
    """Check a draw record: its signatures (``seal.drawsign``), then replay the draw from its own data
    (``replay``); with ``pool_dir`` (office side) also re-derive who was excluded and eligible (``rederive``;
    the applicants from ``applicants/`` beside ``session_file``, the credit record as it is now).

    Raises: ServiceError("draw_record_tampered") when the file is not a record or a signature fails (an edited
    byte); ServiceError("draw_record_unreadable").
    """
    rec = _read_record(Path(record_path))
    _verify_signatures(rec, root_cert, record_path)
    body = rec["body"]
    lines = [t("pool.verify_signatures", signers=join_list(s["name"] for s in body["signers"]))]
    problems = replay(body)
    lines.append(t("pool.verify_replay", rounds=len(body["rounds"]), events=len(body["events"])))
    if pool_dir is not None and not problems:
        by_panel = panel_employers(Path(session_file).parent)[0] if session_file else {}
        problems += rederive(body, load_pool(pool_dir), credit.load(credit_path or credit.default_path()), by_panel)
        lines.append(t("pool.verify_rederive"))
    return DrawCheck(rec, lines, problems)


def read_record(path: Path, root_cert: Any) -> dict[str, Any]:
    """A draw record whose signatures hold (for ``office pack``). Raises: as ``verify_draw``."""
    rec = _read_record(Path(path))
    _verify_signatures(rec, root_cert, path)
    return rec
