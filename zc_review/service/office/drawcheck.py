"""Checking a draw record (``office draw --verify``): its signatures, the replay of the draw from its own data
by the published algorithm (docs/FORMATS.md "Draw record"), and, with the pool, the re-derivation of who was
excluded and eligible. Source: 000 第二十六条(一)4 (the result signed by the staff and the supervisor).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zc_review.domain import draw as d
from zc_review.domain.model import TitleLevel
from zc_review.domain.rules import RuleError
from zc_review.i18n import join_list, t
from zc_review.service.office import credit
from zc_review.service.office.pool import (
    Pool,
    check_record_signatures,
    load_pool,
    panel_employers,
    read_record_file,
)


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
    if any("reviewer" in m for m in body["members"]):
        numbers = d.reviewer_numbers([(m["expert"], m["specialty"], m["committee_role"]) for m in body["members"]],
                                     seats)
        if [m.get("reviewer") for m in body["members"]] != [numbers[m["expert"]] for m in body["members"]]:
            problems.append(t("pool.replay_numbers"))
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
                session_file: Path | None = None, archive_url: str | None = None,
                from_archive: bool = False) -> DrawCheck:
    """Check a draw record: its signatures (``seal.drawsign``), then replay the draw from its own data
    (``replay``); with ``pool_dir``, or ``from_archive`` (the pool version the record names, from the office
    archive ``archive_url``), also re-derive who was excluded and eligible (``rederive``; the applicants from
    ``applicants/`` beside ``session_file``, the archive's credit record as it is now).

    Raises: ServiceError("draw_record_tampered") when the file is not a record or a signature fails (an edited
    byte); ServiceError("draw_record_unreadable").
    """
    rec = read_record_file(Path(record_path))
    check_record_signatures(rec, root_cert, record_path)
    body = rec["body"]
    lines = [t("pool.verify_signatures", signers=join_list(s["name"] for s in body["signers"]))]
    problems = replay(body)
    lines.append(t("pool.verify_replay", rounds=len(body["rounds"]), events=len(body["events"])))
    if (pool_dir is not None or from_archive) and not problems:
        from zc_review.service.office import pool_archive

        url = archive_url or credit.default_url()
        by_panel = panel_employers(Path(session_file).parent)[0] if session_file else {}
        if pool_dir is not None:
            pool: Pool | None = load_pool(pool_dir)
        else:
            pool = pool_archive.pool_version(url, body["pool_sha256"]) if url else None
        if pool is None:
            problems.append(t("pool.replay_pool_changed"))
        else:
            problems += rederive(body, pool, credit.load(url), by_panel)
        lines.append(t("pool.verify_rederive"))
    return DrawCheck(rec, lines, problems)
