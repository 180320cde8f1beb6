"""Paper score sheets (评分表) and their double keying (双人录入): the pure rules (issue 14).

A panel reviewer fills a printed sheet by hand (one reviewer, one applicant) and signs it. Two staff
members key it independently; every cell where the two keyings differ is a mismatch, settled against
the paper with both keyers present; then the reviewer (or the supervisor as witness, ``RuleSettings.
paper_sheet_confirmation``) confirms the keyed values with their credential, and only then they become
the reviewer's submitted sheet. This module names the sheets, compares keyings, rebuilds the confirmation
statement and lists what is wrong with the record's paper sheets (the office's checks ``paper.*``).
Pure: standard library and the domain only; the check code's HMAC is seal.paper's.

Source: issue 14 (Deliver: double keying); GLOSSARY.md 双人录入, 评分表; RULES.md §3–4 (the rules still apply).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zc_review.domain.codec import canonical_json

STATEMENT_FORMAT = "zc-review paper sheet"
STATEMENT_VERSION = 1

#: Log actions of the double keying (the hash-chained log; docs/FORMATS.md "Paper score sheets").
LOG_KEYED = "paper_sheet_keyed"
LOG_SETTLED = "paper_sheet_settled"
LOG_CONFIRMED = "paper_sheet_confirmed"
LOG_REFUSED = "paper_sheet_refused"

#: The signature kind of a confirmation (``Signature.kind``); its subject is the sheet id.
SIGNATURE_KIND = "paper_sheet"


def sheet_id(applicant_code: str, reviewer_id: str) -> str:
    """The printed id of one reviewer's sheet for one applicant: ``"<applicant code>-<reviewer id>"``.

    Example: ``sheet_id("JY-01", "R03")`` → ``"JY-01-R03"``.
    """
    return f"{applicant_code}-{reviewer_id}"


def normalize_check_code(text: str) -> str:
    """A typed check code without spaces, dashes or case: ``" ab3d-ef7k "`` → ``"AB3DEF7K"``. The code's
    alphabet (base32: A–Z, 2–7) has no 0 or 1, so a typed ``0`` is read as ``O`` and ``1`` as ``I``."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).replace("0", "O").replace("1", "I")


def values_digest(values: Mapping[str, str | None]) -> str:
    """SHA-256 hex of a keying's values (criterion id → the decimal text, None for N/A), canonical JSON.

    The log entry of each keying carries it, so the record's values can be checked against the log.
    """
    return hashlib.sha256(canonical_json(dict(values))).hexdigest()


@dataclass(frozen=True)
class Mismatch:
    """One cell where the two keyings differ: the criterion and what each keyer typed (None: N/A)."""

    criterion_id: str
    first: str | None
    second: str | None


def mismatches(first: Mapping[str, str | None], second: Mapping[str, str | None],
               criteria: tuple[str, ...]) -> list[Mismatch]:
    """Every cell of ``criteria`` (rubric order) whose two keyed values differ, as numbers.

    ``"18"`` and ``"18.0"`` are the same value (compared as decimals), N/A equals only N/A, and a cell one
    keyer left out differs from any value. Values are decimal texts as the room stores them.
    """
    from decimal import Decimal, InvalidOperation

    def same(a: str | None, b: str | None) -> bool:
        if a is None or b is None:
            return a is b
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return a == b

    out = []
    for cid in criteria:
        a, b = first.get(cid, "<missing>"), second.get(cid, "<missing>")
        if (cid in first) != (cid in second) or not same(a, b):
            out.append(Mismatch(cid, None if a == "<missing>" else a, None if b == "<missing>" else b))
    return out


def final_values(first: Mapping[str, str | None], settled: Mapping[str, str | None]) -> dict[str, str | None]:
    """The sheet's values once settled: the first keying's (which equals the second's where they agree),
    with each settled cell replaced by its settled value."""
    out = dict(first)
    out.update(settled)
    return out


def paper_settled_count(sheet: Mapping[str, Any]) -> int:
    """How many differing cells of one record entry were settled."""
    return sum(1 for m in sheet["mismatches"] if m.get("settled_at") is not None)


def confirmation_statement(session_id: str, sheet: Mapping[str, Any]) -> bytes:
    """The UTF-8 statement the confirmer signs: canonical JSON of the format, the session, the sheet id,
    the reviewer, the applicant, the rubric and its version, the two keyers, the final values and every
    settled cell.

    Args: ``sheet``: one entry of the record's ``paper_sheets`` (keys sheet_id, reviewer_id, applicant_id,
        rubric_id, rubric_version, keyings [{keyer, values}], mismatches [{criterion, settled}]).
    Raises: KeyError / IndexError for a malformed entry. Source: issue 14; docs/FORMATS.md.
    """
    keyings = sheet["keyings"]
    settled = {m["criterion"]: m["settled"] for m in sheet["mismatches"]}
    return canonical_json({
        "format": STATEMENT_FORMAT, "version": STATEMENT_VERSION, "session": session_id,
        "sheet": sheet["sheet_id"], "reviewer": sheet["reviewer_id"], "applicant": sheet["applicant_id"],
        "rubric": sheet["rubric_id"], "rubric_version": sheet["rubric_version"],
        "keyers": [k["keyer"] for k in keyings],
        "values": final_values(keyings[0]["values"], settled),
        "settled": settled,
    })


# -- what the office checks (service/office/paper_checks.py; tools/verify_bundle_standalone.py) ------------

def keying_problems(record: Mapping[str, Any], log: list[dict[str, Any]], staff_ids: set[str]) -> list[str]:
    """Each paper sheet is keyed exactly twice, by two different staff members of the session, and each
    keying's keyer and values digest are those of its log entry (``paper_sheet_keyed``).

    Args: ``log``: the bundle's log.json entries.
    Returns: problems as ``"<sheet id> <what>"``, in record order (empty: all well).
    """
    logged: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for e in log:
        if e["action"] == LOG_KEYED:
            logged.setdefault((e["detail"]["sheet"], int(e["detail"]["keying"])), []).append(e)
    problems = []
    for sh in record["paper_sheets"]:
        sid = sh["sheet_id"]
        keyings = sh["keyings"]
        if len(keyings) != 2:
            problems.append(f"{sid} keyed {len(keyings)} times")
            continue
        keyers = [k["keyer"] for k in keyings]
        if keyers[0] == keyers[1]:
            problems.append(f"{sid} keyed twice by {keyers[0]}")
        for k in keyers:
            if k not in staff_ids:
                problems.append(f"{sid} keyer {k} is not staff")
        for n, k in enumerate(keyings, start=1):
            entries = logged.get((sid, n), [])
            if len(entries) != 1 or entries[0]["actor"] != k["keyer"] or \
                    entries[0]["detail"].get("values_sha256") != values_digest(k["values"]):
                problems.append(f"{sid} keying {n} differs from the log")
    return problems


def settlement_problems(record: Mapping[str, Any], criteria_of: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Every cell where a paper sheet's two keyings differ is settled (and no other cell), each settlement
    by both keyers, and the reviewer's submitted sheet of the recorded version holds exactly the settled
    values.

    Args: ``criteria_of``: rubric id → its criterion ids in rubric order.
    Returns: problems as ``"<sheet id> <what>"`` (empty: all well).
    """
    sheets = {(s["reviewer_id"], s["applicant_id"], s["version"]): s for s in record["sheets"]}
    problems = []
    for sh in record["paper_sheets"]:
        sid = sh["sheet_id"]
        keyings = sh["keyings"]
        if len(keyings) != 2:
            continue  # keying_problems reports it
        want = [m.criterion_id for m in mismatches(keyings[0]["values"], keyings[1]["values"],
                                                   criteria_of[sh["rubric_id"]])]
        have = [m["criterion"] for m in sh["mismatches"]]
        if sorted(want) != sorted(have):
            problems.append(f"{sid} mismatches {have} but keyings differ in {want}")
        for m in sh["mismatches"]:
            if m.get("settled_at") is None or sorted(m.get("settled_by") or []) != sorted(k["keyer"] for k in keyings):
                problems.append(f"{sid} {m['criterion']} not settled by both keyers")
        settled = {m["criterion"]: m.get("settled") for m in sh["mismatches"]}
        final = final_values(keyings[0]["values"], settled)
        if sh.get("confirmation") is None:
            problems.append(f"{sid} not confirmed")
            continue
        target = sheets.get((sh["reviewer_id"], sh["applicant_id"], sh["sheet_version"]))
        if target is None or target["status"] not in ("submitted", "returned"):
            problems.append(f"{sid} has no submitted sheet")
        elif target["values"] != final or target["rubric_id"] != sh["rubric_id"] or \
                target["rubric_version"] != sh["rubric_version"]:
            problems.append(f"{sid} submitted sheet differs from the keyed values")
    return problems
