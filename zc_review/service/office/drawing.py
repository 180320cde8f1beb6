"""The draw of reviewers (``office draw``): runs ``domain.draw`` for session.yaml's plan over the pool, asks
each call in order, signs the record (the drawing staff, the supervisor, the office root: ``seal.drawsign``)
and writes it with the committee.yaml (and panels.yaml) the package is built from. Nothing is written unless
every rule holds. Source: RULES.md §0–1; 000 第十三条, 第十四条, 第二十六条(一)1–4, 第四十二条(二).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from zc_review.domain import draw as d
from zc_review.domain.rules import RuleError
from zc_review.i18n import t
from zc_review.service.atomic import write_atomic
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError
from zc_review.service.office import credit
from zc_review.service.office.files import Reader
from zc_review.service.office.pool import (
    FORMAT,
    RECORD_FILE,
    VERSION,
    Designations,
    Plan,
    Pool,
    check_record_signatures,
    load_plan,
    load_pool,
    panel_employers,
    problems_error,
    read_record_file,
    refusal,
)


@dataclass(frozen=True)
class DrawResult:
    """What ``draw`` wrote: the record, committee.yaml and (when the input has one) panels.yaml, the record,
    and its warnings."""

    record_path: Path
    committee_path: Path
    panels_path: Path | None
    record: dict[str, Any]
    warnings: list[str]



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
    return Pool(pool.pool_id, pool.committee_name, experts, pool.sha256, pool.document)


def check_seed(first: str, second: str | None) -> str:
    """The seed typed (and, when typed twice, the same both times), normalised (``domain.draw.normalise_seed``).

    Raises: ServiceError("draw_seed_mismatch") when the two differ; ServiceError("draw_seed_invalid").
    """
    try:
        a = d.normalise_seed(first)
        if second is not None and d.normalise_seed(second) != a:
            raise ServiceError("draw_seed_mismatch")
    except RuleError as exc:
        raise refusal(exc) from exc
    return a



def draw(*, pool_dir: Path | None, session_file: Path, seed: str, out_dir: Path, keys: Any,
         answer: d.Answerer, designate: Callable[[list[d.Expert]], Designations],
         seed_again: str | None = None, previous: Sequence[Path] = (),
         archive_url: str | None = None, clock: Callable[[], dt.datetime] = utcnow) -> DrawResult:
    """Draw the committee, sign the record and write ``<out_dir>/draw-record.json`` and ``committee.yaml``.

    Args:
        pool_dir: the folder holding pool.yaml; None: the newest version of the committee's pool imported
            into the archive (``office pool import``). session_file: session.yaml with its ``draw:`` plan; the
            applicants are read from ``applicants/`` beside it (for the recusal constraint).
        seed: the digits typed in the room (6–64 digits; spaces ignored); ``seed_again``: the same typed a
            second time (compared).
        keys: the office keys (``seal.pki.OfficeKeys``): they issue the signers' certificates and sign.
        answer: asked for each call, in order: ``(expert id, kind)`` → ``(answer, note)``.
        designate: given the drawn members, returns their ``Designations`` (panel leaders are needed only
            when panels.yaml is beside session.yaml: it is rewritten with the drawn members).
        previous: earlier draw records (rotation), besides the committee's past draws kept in the archive
            (``pool_archive.past_committees``); each is verified first.
        archive_url: the office archive (default: the user's SQLite archive, when it exists): its pool, its
            past committees and its credit record (barred experts are not drawn).
    Nothing is written unless every rule holds.
    Raises: ServiceError with the broken rule's code and source (``SOURCES``), e.g. ``draw_pool_too_small``,
        ``draw_reappoint_too_many``, ``draw_seed_mismatch``, ``draw_intermediate_share``; ``pool_invalid``.
    Source: 000 第二十六条(一)1–4; RULES.md §0–1.
    """
    from zc_review.seal.drawsign import issue_signers, sign_record
    from zc_review.service.office import pool_archive

    the_seed = check_seed(seed, seed_again)
    plan = load_plan(session_file)
    url = archive_url or credit.default_url()
    prev = [read_record_file(Path(p)) for p in previous]
    for p, rec in zip(previous, prev, strict=True):
        check_record_signatures(rec, keys.root_cert, p)
    if url is not None:
        kept = pool_archive.past_committees(url, plan.committee_name, plan.year)
        for rec in kept:
            check_record_signatures(rec, keys.root_cert, t("pool.archive_record", session=rec["body"]["session_id"]))
        prev = kept + [r for r in prev if r["body"]["session_id"] not in {k["body"]["session_id"] for k in kept}]
    if pool_dir is None:
        if url is None:
            raise ServiceError("pool_not_imported", what=plan.committee_name, url="—")
        loaded = pool_archive.current_pool(url, committee_name=plan.committee_name)
    else:
        loaded = load_pool(pool_dir)
    pool = served_with_records(loaded, prev)
    by_panel, _people = panel_employers(Path(session_file).parent)
    now = clock()
    entries = credit.load(url)
    barred = {}
    for e in pool.experts:
        bar = credit.find_bar(entries, "expert", now.date(), e.name, e.employer, e.id)
        if bar:
            barred[e.id] = bar.ref
    experts = {e.id: e for e in pool.experts}
    try:
        d.check_plan(plan.seats, plan.ratio)
        roles = [str(x["role"]) for x in plan.staff]
        if roles.count("supervisor") != 1 or roles.count("recorder") != 1:
            raise RuleError("draw_staff_roles", supervisors=roles.count("supervisor"), recorders=roles.count("recorder"))
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
        d.check_intermediate_share([m.title_level for m in members], sum(s.count for s in plan.seats))
        des = designate(members)
        d.check_designations([m.id for m in members], des.chair, des.vice_chairs)
        panels = _panels_yaml(Path(session_file).parent, plan, outcome, des)
    except RuleError as exc:
        raise refusal(exc) from exc
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
    """panels.yaml with each seat's panel holding the specialty's drawn members but the chair (who presides
    over the whole committee), by reviewer number, and the designated leader and vice-leader; None when
    there is no panels.yaml beside session.yaml.

    Raises: RuleError("draw_panel_unknown" | "draw_leader_missing" | "draw_leader_not_member").
    """
    if not (input_dir / "panels.yaml").is_file():
        return None
    numbers = _numbers(plan, outcome, des)
    rd = Reader(input_dir)
    raw = rd.read_yaml("panels.yaml", "office-panels")
    if raw is None:
        raise problems_error(rd)
    by_id = {p["id"]: p for p in raw["panels"]}
    out = []
    for s in plan.seats:
        if s.panel not in by_id:
            raise RuleError("draw_panel_unknown", panel=s.panel)
        members = [m[0] for m in outcome.members if m[1] == s.specialty and m[0] != des.chair]
        if s.panel not in des.panel_leaders:
            raise RuleError("draw_leader_missing", panel=s.panel)
        leader, vice = des.panel_leaders[s.panel]
        for rid in (leader, vice):
            if rid not in members:
                raise RuleError("draw_leader_not_member", panel=s.panel, expert=rid)
        if leader == vice:
            raise RuleError("draw_leader_not_member", panel=s.panel, expert=vice)
        out.append(by_id[s.panel] | {"leader": numbers[leader], "vice_leader": numbers[vice],
                                     "members": sorted(numbers[m] for m in members)})
    return {"panels": out}


def _numbers(plan: Plan, outcome: d.DrawOutcome, des: Designations) -> dict[str, str]:
    """Pool id → reviewer number (``domain.draw.reviewer_numbers``) for the drawn members."""
    roles = {des.chair: "chair", **{v: "vice_chair" for v in des.vice_chairs}}
    return d.reviewer_numbers([(eid, sp, roles.get(eid, "member")) for eid, sp, _how in outcome.members], plan.seats)


def _body(plan: Plan, pool: Pool, seed: str, last: list[str], excluded: list[d.Exclusion],
          outcome: d.DrawOutcome, des: Designations, now: dt.datetime) -> dict[str, Any]:
    roles = {des.chair: "chair", **{v: "vice_chair" for v in des.vice_chairs}}
    numbers = _numbers(plan, outcome, des)
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
        "members": [{"expert": eid, "reviewer": numbers[eid], "specialty": sp, "how": how, "committee_role": roles.get(eid, "member"),
                     "title_level": pool.expert(eid).title_level.value,
                     "employer_aliases": list(pool.expert(eid).employer_aliases)} for eid, sp, how in outcome.members],
        "staff": list(plan.staff),
        "panel_leaders": {k: list(v) for k, v in sorted(des.panel_leaders.items())},
    }


def committee_yaml(record: dict[str, Any], pool: Pool) -> str:
    """committee.yaml (docs/INPUT.md) for the record's members and staff: each reviewer under their number
    (``reviewer``; the pool id for a record without numbers), in number order."""
    body = record["body"]
    reviewers = []
    for m in sorted(body["members"], key=lambda m: str(m.get("reviewer", m["expert"]))):
        e = pool.expert(m["expert"])
        reviewers.append({"id": m.get("reviewer", e.id), "name": e.name, "employer": e.employer, "title": e.title,
                          "title_level": e.title_level.value, "specialty": e.specialty,
                          "committee_role": m["committee_role"]})
    head = t("pool.committee_header", session=body["session_id"], seed=body["seed"])
    return f"# {head}\n" + str(yaml.safe_dump({"reviewers": reviewers, "staff": body["staff"]}, allow_unicode=True,
                                          sort_keys=False, width=1000))
