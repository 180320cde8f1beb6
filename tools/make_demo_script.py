"""Write the demo session scripts (data/demo/script.json, data/demo-education/script.json).

Deterministic: the same input gives the same script. The engineering demo is built to exercise every
rule of RULES.md §2–5 (scoring ordered by reviewer, each reviewer's turn at once): one reviewer absent (quorum still met), two pre-declared recusals and one added
in the room, scores from every panel reviewer, one group where more applicants reach 2/3 than the
cap allows (one fails "exceeds pass-rate cap"), one group with an exact tie at the cap's edge (a
run-off ballot decides it), and applicants below the 2/3 threshold. The engineering demo keeps typed score
sheets; the education demo's sheets are paper score sheets, double-keyed by the recorder and the supervisor
(two of them with a deliberate mismatch, settled) and confirmed by each reviewer (issue 14).

Run: .venv/bin/python tools/make_demo_script.py
"""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zc_review.domain import rules  # noqa: E402
from zc_review.domain.model import Rubric, ScorePart, SessionDefinition, StaffRole  # noqa: E402
from zc_review.domain.scoring import aggregate_scores  # noqa: E402
from zc_review.domain.script import paper_actions  # noqa: E402
from zc_review.service.office.input import load_office_input  # noqa: E402

GOOD_OPINIONS = ["业绩突出，专业技术能力扎实，答辩思路清晰，建议通过。",
                 "材料完整，工作量饱满，安全生产履职良好，符合申报条件。",
                 "技术报告有一定深度，解决了现场实际问题，评议组同意推荐。"]
WEAK_OPINIONS = ["业绩材料较单薄，代表性成果不足，答辩中对专业理论掌握欠扎实。",
                 "工作总结以事务性内容为主，技术难点阐述不够，建议继续积累。"]


def sheet_values(rubric: Rubric, quality: float, rng: random.Random) -> dict[str, str]:
    """Criterion scores around ``quality`` (share of the maximum), rounded to the step."""
    out = {}
    for c in rubric.criteria:
        share = min(1.0, max(0.3, rng.gauss(quality, 0.05)))
        raw = Decimal(str(share)) * c.max_points
        steps = (raw / c.step).to_integral_value()
        out[c.id] = f"{(min(c.max_points, steps * c.step).normalize() if steps else Decimal(0)):f}"
    return out


def composite_of(defn: SessionDefinition, a_id: str, sheets: dict[tuple[str, str], dict[str, str]],
                 scorers: list[str]) -> Decimal:
    a = defn.applicant(a_id)
    rubric = defn.rubric(defn.panel(a.panel_id).rubric_id)
    per = {}
    for r in scorers:
        vals = {k: Decimal(v) for k, v in sheets[(r, a_id)].items()}
        m = rules.part_score(rubric, ScorePart.MATERIAL, vals)  # type: ignore[arg-type]
        d = rules.part_score(rubric, ScorePart.DEFENCE, vals) if rubric.has_defence else None  # type: ignore[arg-type]
        per[r] = (m, d)
    score = aggregate_scores(a_id, per, defn.rules, rubric.has_defence)
    assert score is not None
    return score.composite


#: Sheets keyed with a deliberate mismatch (every MISMATCH_EVERY-th, from the first): the second keyer types one
#: cell one step off, and both keyers settle it to the value on the paper (issue 14).
MISMATCH_EVERY = 25


def paper_scoring(defn: SessionDefinition, reviewers: list[str], scorers: dict[str, list[str]],
                  sheets: dict[tuple[str, str], dict[str, str]], *, recorder: str, supervisor: str) -> list[dict[str, object]]:
    """Paper score sheets (issue 14): per reviewer, each sheet keyed by the recorder and again by the supervisor
    (``key_sheet``), some with a deliberate mismatch settled to the paper's value, then the reviewer confirms
    each keyed sheet with their credential (``confirm_sheet``). The values are the typed demo's."""
    acts: list[dict[str, object]] = []
    n = 0
    for r in reviewers:
        mine = [a for a in sorted(defn.applicants, key=lambda x: x.code) if r in scorers[a.id]]
        for a in mine:
            values = sheets[(r, a.id)]
            act: dict[str, object] = {"action": "key_sheet", "reviewer": r, "applicant": a.id, "keyer": recorder,
                                      "second_keyer": supervisor, "values": values}
            if n % MISMATCH_EVERY == 0:
                rubric = defn.rubric(defn.panel(a.panel_id).rubric_id)
                c = rubric.criteria[1 + (n // MISMATCH_EVERY) % (len(rubric.criteria) - 1)]
                true = Decimal(values[c.id])
                wrong = true - c.step if true >= c.step else true + c.step
                act["second_values"] = {c.id: f"{wrong:f}"}
                act["settle"] = {c.id: values[c.id]}
            acts.append(act)
            n += 1
        acts += [{"action": "confirm_sheet", "reviewer": r, "applicant": a.id, "by": r} for a in mine]
    return acts


def build(defn: SessionDefinition, *, absent: list[str], room_recusal: tuple[str, str, str] | None,
          tie_group: str | None, cap_group: str | None, seed: int, paper_sheets: bool = False) -> dict[str, object]:
    rng = random.Random(seed)
    acts: list[dict[str, object]] = []
    reviewers = [r.id for r in defn.reviewers]
    attending = [r for r in reviewers if r not in absent]
    acts.append({"action": "attendance", "attending": attending, "absent": absent})
    acts.append({"action": "close_roll_call"})
    acts += [{"action": "pledge", "reviewer": r} for r in attending]
    recused = {(c.reviewer_id, c.applicant_id) for c in defn.conflicts}
    if room_recusal:
        acts.append({"action": "recuse", "reviewer": room_recusal[0], "applicant": room_recusal[1],
                     "reason": room_recusal[2]})
        recused.add((room_recusal[0], room_recusal[1]))
    supervisor = defn.staff_with_role(StaffRole.SUPERVISOR).id
    recorder = defn.staff_with_role(StaffRole.RECORDER).id
    for p in defn.panels:
        vice = next(v.id for v in defn.vice_chairs if v.id not in (p.leader_id, p.vice_leader_id))
        for person, role in ((p.leader_id, "panel_leader"), (p.vice_leader_id, "panel_vice_leader"),
                             (supervisor, "supervisor"), (vice, "vice_chair"), (defn.chair.id, "chair")):
            acts.append({"action": "sign_rubric", "panel": p.id, "person": person, "role": role})

    # applicant quality: a spread, with designed twins for the tie at the cap's edge
    quality = {a.id: 0.62 + 0.3 * rng.random() for a in defn.applicants}
    scorers = {a.id: [m for m in defn.panel(a.panel_id).member_ids if m in attending and (m, a.id) not in recused]
               for a in defn.applicants}
    twins: tuple[str, str] | None = None
    if tie_group:
        members = [a for a in defn.applicants_of_group(tie_group)]
        clean = [a.id for a in members if scorers[a.id] == [m for m in defn.panel(a.panel_id).member_ids
                                                            if m in attending]]
        twins = (clean[0], clean[1])
    sheets: dict[tuple[str, str], dict[str, str]] = {}
    for a in defn.applicants:
        rubric = defn.rubric(defn.panel(a.panel_id).rubric_id)
        for r in scorers[a.id]:
            src = twins[0] if twins and a.id == twins[1] else a.id
            sheet_rng = random.Random(f"{seed}-{r}-{src}")
            sheets[(r, a.id)] = sheet_values(rubric, quality[src], sheet_rng)
    # scoring by reviewer, as a panel works: each reviewer's whole turn at the keyboard at once (one
    # credential check, one grid), the applicants in code order (issue 9)
    if paper_sheets:
        acts += paper_scoring(defn, reviewers, scorers, sheets, recorder=recorder, supervisor=supervisor)
    for r in reviewers if not paper_sheets else ():
        for a in sorted(defn.applicants, key=lambda x: x.code):
            if r in scorers[a.id]:
                acts.append({"action": "view_dossier", "reviewer": r, "applicant": a.id})
                acts.append({"action": "scores", "reviewer": r, "applicant": a.id, "values": sheets[(r, a.id)],
                             "submit": True})
    composite = {a.id: composite_of(defn, a.id, sheets, scorers[a.id]) for a in defn.applicants}
    if twins:
        assert composite[twins[0]] == composite[twins[1]]

    # designed agree counts per applicant (base = attending; pass needs 3·agree ≥ 2·base)
    base = len(attending)
    need = rules.agree_needed(base)
    target: dict[str, int] = {}
    for g in defn.groups:
        members = sorted(defn.applicants_of_group(g.id), key=lambda a: (-composite[a.id], a.code))
        cap = rules.pass_cap(g.pass_rate, len(members))
        qualify = cap + 1 if g.id in (tie_group, cap_group) else max(cap - 1, 1)
        order = [a.id for a in members]
        if twins and g.id == tie_group:  # put the twins at the cap's edge
            order = [x for x in order if x not in twins]
            order[cap - 1:cap - 1] = list(twins)
        for i, a_id in enumerate(order):
            voters = len([r for r in attending if (r, a_id) not in recused])
            if i < qualify:
                target[a_id] = min(voters, need + (qualify - i))
            else:
                target[a_id] = max(0, need - 2 - (i % 3))
        if twins and g.id == tie_group:
            target[twins[1]] = target[twins[0]] = min(target[twins[0]], target[twins[1]])
            others = [x for x in order[:cap - 1]]
            for x in others:  # clearly above the twins
                target[x] = max(target[x], target[twins[0]] + 1)
    for a in sorted(defn.applicants, key=lambda x: x.code):
        text = rng.choice(GOOD_OPINIONS if target[a.id] >= need else WEAK_OPINIONS)
        if not defn.rubric(defn.panel(a.panel_id).rubric_id).has_defence:  # education: no defence anywhere
            text = text.replace("答辩思路清晰", "课堂教学思路清晰").replace("答辩中对专业理论掌握欠扎实", "教学研究深度不够")
        acts.append({"action": "opinion", "leader": defn.panel(a.panel_id).leader_id, "applicant": a.id, "text": text})

    acts.append({"action": "open_poll"})
    choices: dict[str, dict[str, str]] = {r: {} for r in attending}
    for a in defn.applicants:
        voters = [r for r in attending if (r, a.id) not in recused]
        rng.shuffle(voters)
        for i, r in enumerate(voters):
            choices[r][a.id] = "agree" if i < target[a.id] else ("disagree" if i % 2 else "abstain")
    for r in attending:
        acts.append({"action": "ballot", "reviewer": r, "choices": dict(sorted(choices[r].items()))})
    acts.append({"action": "close_poll"})
    if twins and tie_group:
        acts.append({"action": "open_runoff", "group": tie_group})
        for i, r in enumerate(attending):
            ch = {}
            for j, a_id in enumerate(twins):
                if (r, a_id) in recused:
                    continue
                ch[a_id] = "agree" if (j == 0 and i % 4 != 3) or (j == 1 and i % 3 == 0) else "disagree"
            acts.append({"action": "ballot", "reviewer": r, "choices": ch})
        acts.append({"action": "close_poll"})
    failed = [a for a in defn.applicants if target[a.id] < need]
    cap_failed: list[str] = []
    for g in defn.groups:
        if g.id in (tie_group, cap_group):
            members = sorted(defn.applicants_of_group(g.id), key=lambda a: (-composite[a.id], a.code))
            cap_failed += [a.id for a in members]
    acts.append({"action": "_failure_reasons", "leaders": {a.id: defn.panel(a.panel_id).leader_id
                                                            for a in defn.applicants}})
    presiding = defn.chair.id if defn.chair.id in attending else defn.vice_chairs[0].id
    acts.append({"action": "declare_results", "person": presiding})  # the chair announces, then sign-offs (§5)
    acts += [{"action": "sign_off", "reviewer": r} for r in attending]
    acts.append({"action": "generate_minutes"})
    acts.append({"action": "sign_minutes", "person": recorder})
    acts.append({"action": "sign_minutes", "person": presiding})
    acts.append({"action": "export"})
    del failed, cap_failed
    return {"format": "zc-review-script", "version": 1, "session_id": defn.session_id,
            "description": "演示会议脚本（由 tools/make_demo_script.py 生成）", "actions": acts}


def resolve_failure_reasons(script: dict[str, object], defn: SessionDefinition) -> dict[str, object]:
    """Replace the placeholder with real failure_reason actions, found by running the rules."""
    from zc_review.domain.outcome import compute_outcome

    acts = list(script["actions"])  # type: ignore[call-overload]
    idx = next(i for i, a in enumerate(acts) if a["action"] == "_failure_reasons")
    leaders = acts[idx]["leaders"]
    record = simulate(defn, acts[:idx])
    out = compute_outcome(defn, record)
    reasons = []
    for a_id in sorted(out.failed(), key=lambda x: defn.applicant(x).code):
        o = out.applicants[a_id].outcome
        if o is rules.Outcome.EXCEEDS_CAP:
            reason, guide = "同意票达到三分之二，但超出本组通过率限额。", "业绩与能力已获多数评委认可，建议进一步积累代表性成果，来年再申报。"
        else:
            reason, guide = "同意票未达到出席评委的三分之二。", "加强专业理论学习，提升代表性技术成果质量，完善工作总结中的技术难点阐述。"
        reasons.append({"action": "failure_reason", "leader": leaders[a_id], "applicant": a_id,
                        "reason": reason, "guidance": guide})
    acts[idx:idx + 1] = reasons
    script["actions"] = acts
    return script


def simulate(defn: SessionDefinition, acts: list[dict[str, object]]) -> dict[str, object]:
    """A minimal raw record from the script's actions (attendance, recusals, sheets, rounds)."""
    record: dict[str, object] = {"attendance": {}, "recusals": [], "sheets": [], "rounds": []}
    recusals = [{"reviewer_id": c.reviewer_id, "applicant_id": c.applicant_id} for c in defn.conflicts]
    rounds: list[dict[str, object]] = []
    keyed: dict[tuple[object, object], object] = {}
    slip = 0
    for a in acts:
        k = a["action"]
        if k == "attendance":
            record["attendance"] = {**{r: True for r in a["attending"]}, **{r: False for r in a["absent"]}}  # type: ignore[union-attr]
        elif k == "recuse":
            recusals.append({"reviewer_id": a["reviewer"], "applicant_id": a["applicant"]})
        elif k == "scores":
            record["sheets"].append({"reviewer_id": a["reviewer"], "applicant_id": a["applicant"], "version": 1,  # type: ignore[union-attr]
                                     "status": "submitted", "values": a["values"]})
        elif k == "key_sheet":  # settled to the paper's value: the first keyer's values (issue 14)
            keyed[(a["reviewer"], a["applicant"])] = a["values"]  # type: ignore[index]
        elif k == "confirm_sheet":
            record["sheets"].append({"reviewer_id": a["reviewer"], "applicant_id": a["applicant"], "version": 1,  # type: ignore[union-attr]
                                     "status": "submitted", "values": keyed[(a["reviewer"], a["applicant"])]})  # type: ignore[index]
        elif k in ("open_poll", "open_runoff"):
            ids = sorted({x.id for x in defn.applicants}) if k == "open_poll" else None
            rounds.append({"round_no": len(rounds) + 1, "kind": "main" if k == "open_poll" else "runoff",
                           "status": "open", "applicants": ids, "group_id": a.get("group", ""), "slips": []})
        elif k == "ballot":
            rnd = rounds[-1]
            for app_id, ch in a["choices"].items():  # type: ignore[union-attr]
                slip += 1
                rnd["slips"].append([f"{slip:032x}", app_id, ch])  # type: ignore[union-attr]
            if rnd["applicants"] is None or rnd["kind"] == "runoff":
                rnd["applicants"] = sorted({s[1] for s in rnd["slips"]})  # type: ignore[union-attr]
        elif k == "close_poll":
            rounds[-1]["status"] = "closed"
    record["recusals"] = recusals
    record["rounds"] = rounds
    return record


def main() -> None:
    eng, _ = load_office_input(ROOT / "data/demo")
    script = build(eng, absent=["R17"], room_recusal=("R07", "A005", "师生关系（申报人为其研究生）"),
                   tie_group="G-JZ", cap_group="G-JD", seed=2025)
    script = resolve_failure_reasons(script, eng)
    (ROOT / "data/demo/script.json").write_text(json.dumps(script, ensure_ascii=False, indent=1) + "\n", "utf-8")
    edu, _ = load_office_input(ROOT / "data/demo-education")
    script = build(edu, absent=["R11"], room_recusal=None, tie_group=None, cap_group=None, seed=2026,
                   paper_sheets=True)
    script = resolve_failure_reasons(script, edu)
    # the education committee votes on paper (session.yaml ballot_mode: paper, issue 14): the same marks,
    # counted by two tellers (an attending reviewer and the recorder), one miscount re-counted, witnessed
    script["actions"] = paper_actions(script["actions"], ("R10", edu.staff_with_role(StaffRole.RECORDER).id),
                                      edu.staff_with_role(StaffRole.SUPERVISOR).id, recount=True)
    (ROOT / "data/demo-education/script.json").write_text(json.dumps(script, ensure_ascii=False, indent=1) + "\n",
                                                          "utf-8")


if __name__ == "__main__":
    main()
