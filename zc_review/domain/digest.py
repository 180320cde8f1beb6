"""The minutes' digest: one SHA-256 over every number and text the minutes print that the record holds.

The minutes print it and carry it in their PDF catalog (``/ZCReviewMinutesDigest``), where the recorder's
and the presiding officer's PDF signatures cover it; the office recomputes it from the bundle's
``results.json`` and refuses a bundle whose record says anything else than the signed minutes
(check ``digest.minutes``). The reviewers' result sign-offs cover a narrower digest, the declared numbers
only (``results_digest``): they sign before the failure reasons are written.

What it covers (:func:`minutes_content`): the session definition (names, committee, venue, rules,
panels, rubrics: by its SHA-256), when the session opened and who presided, the roll call, every recusal
with its reason and source, every declared number (scores, ranks, votes, bases, outcomes, caps), the
disagreement flags as printed (part, range, standard deviation, who is concerned), the panels' opinions,
the failure reasons and guidance, the disagreement explanations, every ballot round (kind, applicants,
voters, who closed it, forced, missing voters, void reason, box fingerprint) and every pledge, rubric and
result sign-off (who, in which role, when), every version of every score sheet (values, status,
return reason, when saved and submitted: not printed, but every printed figure comes from them), when
each recusal was recorded, when each round opened and closed, and when each text was signed (version 2:
semantic fuzzing with the device key found these times otherwise unprotected). What it does not cover, because the record cannot hold it
before the minutes exist: the minutes' end time (when they were generated) and the log head printed in
them; both are covered by the two PDF signatures only. Pure: standard library and the domain only.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from zc_review.domain import panel as panel_rules
from zc_review.domain import rules
from zc_review.domain.codec import canonical_json, definition_to_dict
from zc_review.domain.model import SessionDefinition
from zc_review.domain.outcome import SessionOutcome, compute_outcome, declared_numbers
from zc_review.domain.paper import paper_settled_count

DIGEST_FORMAT = "zc-review minutes digest"
DIGEST_VERSION = 2  # 2: the record's times too (issue 12 §6 semantic fuzzing found them unprotected)


def results_digest(defn: SessionDefinition, out: SessionOutcome) -> str:
    """SHA-256 hex of the canonical JSON of the declared numbers: what each reviewer's result sign-off covers.

    Source: 000 第二十六条(六) (签字确认); issue 12 §2.
    """
    return hashlib.sha256(canonical_json(declared_numbers(defn, out))).hexdigest()


def flagged_spreads(defn: SessionDefinition, out: SessionOutcome) -> dict[str, tuple[panel_rules.PartSpread, ...]]:
    """Applicant id → the flagged parts' spreads (material, then defence), for every flagged applicant.

    Computed from the per-reviewer part scores of the outcome under the session's thresholds, exactly as
    the minutes print them. Source: RULES.md §4; issue 5 §4.
    """
    limits = panel_rules.Thresholds(defn.rules.flag_range, defn.rules.flag_stdev, defn.rules.flag_distance)
    found: dict[str, tuple[panel_rules.PartSpread, ...]] = {}
    for a in defn.applicants:
        s = out.applicants[a.id].score
        if s is None:
            continue
        spreads = [panel_rules.spread("material", {r: m for r, (m, _) in s.per_reviewer.items()}, limits)]
        if s.defence is not None:
            spreads.append(panel_rules.spread("defence", {r: x for r, (_, x) in s.per_reviewer.items()
                                                          if x is not None}, limits))
        flagged = tuple(sp for sp in spreads if sp.flagged)
        if flagged:
            found[a.id] = flagged
    return found


def _two(x: Decimal) -> str:
    return f"{rules.round_half_up(x):f}"


def minutes_content(defn: SessionDefinition, record: dict[str, Any]) -> dict[str, Any]:
    """What the minutes digest covers, as JSON-safe data (see the module's docstring).

    Args: ``record``: results.json's raw record (the room's ``record()``; "declared" and the log are not
        read: the numbers are recomputed).
    Raises: KeyError, TypeError, ValueError for a malformed record; RuleError from the recomputation.
    Source: RULES.md §6; 000 第二十八条; issue 12 §2.
    """
    out = compute_outcome(defn, record)
    content = {
        "format": DIGEST_FORMAT, "version": DIGEST_VERSION,
        "session": hashlib.sha256(canonical_json(definition_to_dict(defn))).hexdigest(),
        "opened_at": record["opened_at"],
        "presiding_officer_id": record["presiding_officer_id"],
        "attendance": {r: bool(v) for r, v in record["attendance"].items()},
        "recusals": sorted([rc["reviewer_id"], rc["applicant_id"], rc["reason"], rc["source"], rc["recorded_at"]]
                           for rc in record["recusals"]),
        "declared": declared_numbers(defn, out),
        "disagreements": {a: [{"part": sp.part, "range": _two(sp.range), "stdev": _two(sp.stdev),
                               "concerned": list(sp.concerned)} for sp in spreads]
                          for a, spreads in flagged_spreads(defn, out).items()},
        "opinions": {a: str(txt) for a, txt in record["opinions"].items()},
        "failure_reasons": {a: {"reason": fr["reason"], "guidance": fr["guidance"]}
                            for a, fr in record["failure_reasons"].items()},
        "explanations": sorted([e["applicant_id"], e["reviewer_id"], e["text"]] for e in record["flag_explanations"]),
        "rounds": [{k: r[k] for k in ("round_no", "kind", "status", "applicants", "group_id", "slots", "closed_by_role",
                                      "forced", "missing_voters", "void_reason", "box_sha256", "voters", "opened_at",
                                      "closed_at")}
                   for r in record["rounds"]],
        "signoffs": [[sg["kind"], sg["subject"], sg["role"], sg["person_id"], sg["signed_at"]]
                     for sg in record["signatures"]],
        # not printed, but every figure printed comes from them: a changed sheet that keeps every printed
        # number still changes the digest (score sheets carry no reviewer's signature)
        "sheets": sorted([sh["reviewer_id"], sh["applicant_id"], sh["version"], sh["status"], sh["rubric_id"],
                          sh["rubric_version"], {k: sh["values"][k] for k in sorted(sh["values"])}, sh["return_reason"],
                          sh["saved_at"], sh["submitted_at"]]
                         for sh in record["sheets"]),
        # when each text was signed (the statement itself is covered by the author's signature)
        "text_signed_at": [[sg["kind"], sg["subject"], sg["role"], sg["person_id"], sg["signed_at"]]
                           for sg in record.get("text_signatures", [])],
    }
    if record.get("paper_sheets"):  # the minutes' table of sheets transcribed from paper (issue 14)
        content["paper_sheets"] = paper_rows(record)
    return content


def paper_rows(record: dict[str, Any]) -> list[list[Any]]:
    """The minutes' rows of the sheets transcribed from paper, by sheet id: ``[sheet id, reviewer id,
    applicant id, [keyer ids], settled mismatches, confirmer id or None]``. Source: issue 14."""
    return [[p["sheet_id"], p["reviewer_id"], p["applicant_id"], [k["keyer"] for k in p["keyings"]],
             paper_settled_count(p),
             (p.get("confirmation") or {}).get("person_id")]
            for p in sorted(record["paper_sheets"], key=lambda p: p["sheet_id"])]


def minutes_digest(defn: SessionDefinition, record: dict[str, Any]) -> str:
    """SHA-256 hex (64 lowercase) of the canonical JSON of :func:`minutes_content`.

    The room prints it in the minutes and stores it in their catalog; the office recomputes it from the
    bundle's record and compares. Raises: as :func:`minutes_content`. Source: issue 12 §2.
    """
    return hashlib.sha256(canonical_json(minutes_content(defn, record))).hexdigest()
