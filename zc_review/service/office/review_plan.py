"""The review plan (评审实施方案) PDF, from session.yaml and the signed draw record (issue 11).

Source: 000 第二十一条(三) (the annual plan), 第二十六条(一) (the draw), 第二十七条 (sequestered review);
001 十四(四) (filed a week before).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from zc_review.i18n import t
from zc_review.service.atomic import write_atomic
from zc_review.service.errors import ServiceError
from zc_review.service.office.pool import load_plan, panel_employers, read_record


def review_plan_view(session_file: Path, record_path: Path, root_cert: Any) -> Any:
    """The ``documents.review_plan.ReviewPlanView`` of this session and draw: counts per panel (reviewers
    from the record, applicants from ``applicants/`` beside session.yaml), the draw's numbers, the seed,
    the algorithm and the record's SHA-256. Names no reviewer.

    Raises: ServiceError("draw_record_other_session"), and what ``pool.read_record`` raises.
    """
    from zc_review.documents.review_plan import ReviewPlanView

    plan = load_plan(session_file)
    rec = read_record(record_path, root_cert)
    body = rec["body"]
    if body["session_id"] != plan.session_id:
        raise ServiceError("draw_record_other_session", record=body["session_id"], session=plan.session_id)
    session = plan.raw["session"]
    by_panel, people = panel_employers(Path(session_file).parent)
    per_specialty = {s.specialty: 0 for s in plan.seats}
    for m in body["members"]:
        per_specialty[m["specialty"]] = per_specialty.get(m["specialty"], 0) + 1
    names = _panel_names(Path(session_file).parent)
    panels = tuple((names.get(s.panel, s.panel), s.specialty, str(per_specialty.get(s.specialty, 0)), str(len(by_panel.get(s.panel, ()))))
                   for s in plan.seats)
    groups = tuple((g["name"], f"{float(g['pass_rate']) * 100:g}%") for g in session["groups"])
    reapp = sum(1 for m in body["members"] if m["how"] == "reappointed")
    calls = sum(1 for e in body["events"] if e["kind"] != "skip_intermediate")
    draw = (
        t("pool.plan_draw_method", ratio=body["ratio"]),
        t("pool.plan_draw_rotation", last=len(body["last_year"]), reappointed=reapp,
          drawn=len(body["members"]) - reapp),
        t("pool.plan_draw_steps", rounds=len(body["rounds"]), calls=calls,
          staff=sum(1 for s in body["signers"] if s["role"] == "staff")),
        t("pool.plan_draw_seed", seed=body["seed"], algorithm=body["algorithm"], drawn_at=body["drawn_at"][:16]),
    )
    return ReviewPlanView(
        committee_name=plan.committee_name, organizing_body=session["organizing_body"], session_id=plan.session_id,
        year=str(plan.year), title_level=session["title_level"], venue=session["venue"],
        scheduled_date=str(session["scheduled_date"]), reviewers=str(len(body["members"])),
        applicants=str(len(people)), panels=panels, groups=groups, draw=draw,
        record_sha256=hashlib.sha256(Path(record_path).read_bytes()).hexdigest(),
        complaint_channel=plan.raw.get("complaint_channel", t("pool.plan_no_channel")))


def _panel_names(input_dir: Path) -> dict[str, str]:
    """Panel id → name from panels.yaml beside session.yaml (none when absent or unreadable: ids are shown)."""
    from zc_review.service.office.files import Reader

    if not (input_dir / "panels.yaml").is_file():
        return {}
    raw = Reader(input_dir).read_yaml("panels.yaml", "office-panels")
    return {p["id"]: p["name"] for p in raw["panels"]} if raw else {}


def write_review_plan(session_file: Path, record_path: Path, out: Path, root_cert: Any) -> Path:
    """Write the review plan PDF to ``out`` (0600). Returns ``out``. Raises: ServiceError("glyph_missing")."""
    from zc_review.documents.fonts import MissingGlyphError
    from zc_review.documents.review_plan import render_review_plan

    try:
        pdf = render_review_plan(review_plan_view(session_file, record_path, root_cert))
    except MissingGlyphError as exc:
        raise ServiceError("glyph_missing", detail=str(exc)) from exc
    write_atomic(Path(out), pdf, 0o600)
    return Path(out)
