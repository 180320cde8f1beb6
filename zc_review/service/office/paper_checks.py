"""The checks of the paper score sheets' double keying (issue 14): every keyed sheet was keyed twice by two
different staff members as the log says, carries this session's check code, has every differing cell settled
by both keyers and became exactly the reviewer's submitted sheet, and its confirmation is signed by the person
the session names (the reviewer, or the supervisor as witness) over the statement rebuilt from the record.
The rules are domain/paper.py's; tools/verify_bundle_standalone.py writes them out again from FORMATS.md.
"""

from __future__ import annotations

import base64

from zc_review.domain import paper
from zc_review.domain.model import PaperConfirmation, StaffRole
from zc_review.i18n import label_of, t
from zc_review.seal.errors import SealError
from zc_review.seal.paper import sheet_check_code
from zc_review.seal.statements import verify_statement
from zc_review.service.office.report import Check, Facts, Section, Spec, joined


def _keyed_twice_problems(f: Facts) -> list[str]:
    if not f.record.get("paper_sheets"):
        return []
    return paper.keying_problems(f.record, f.log, {s.id for s in f.defn.staff})


def _keyed_twice(f: Facts) -> Check:
    """Each paper sheet was keyed exactly twice, by two different staff members of the session, and each
    keying's keyer and values are those its log entry names (values by their SHA-256)."""
    return Check("paper.keyed_twice", not (p := _keyed_twice_problems(f)), joined(p))


def _check_codes_problems(f: Facts) -> list[str]:
    problems = []
    for sh in f.record.get("paper_sheets", []):
        a = f.defn.applicant(sh["applicant_id"])
        rubric = f.defn.rubric(f.defn.panel(a.panel_id).rubric_id)
        sid = paper.sheet_id(a.code, sh["reviewer_id"])
        if sh["sheet_id"] != sid or sh["check_code"] != sheet_check_code(f.defn.session_id, sid, rubric.id, rubric.version) \
                or (sh["rubric_id"], sh["rubric_version"]) != (rubric.id, rubric.version):
            problems.append(f"{sh['sheet_id']} check code or rubric differs")
    return problems


def _check_codes(f: Facts) -> Check:
    """Each paper sheet's id, rubric and check code are the ones this session printed for that reviewer and
    applicant (HMAC-SHA-256 keyed with the session id, seal.paper)."""
    return Check("paper.check_codes", not (p := _check_codes_problems(f)), joined(p))


def _settled_problems(f: Facts) -> list[str]:
    if not f.record.get("paper_sheets"):
        return []
    criteria = {r.id: tuple(c.id for c in r.criteria) for r in f.defn.rubrics}
    return paper.settlement_problems(f.record, criteria)


def _settled(f: Facts) -> Check:
    """Every cell where a sheet's keyings differ is settled by both keyers (and no other cell), and the
    reviewer's submitted sheet of the recorded version holds exactly the settled values."""
    return Check("paper.settled", not (p := _settled_problems(f)), joined(p))


def _confirmations_problems(f: Facts, signed: list[dict[str, str]] | None = None) -> list[str]:
    """Problems of the confirmations; each confirmation whose signature verifies is added to ``signed``."""
    supervisors = [s.id for s in f.defn.staff if s.role is StaffRole.SUPERVISOR]
    mode = f.defn.rules.paper_sheet_confirmation
    problems = []
    for sh in f.record.get("paper_sheets", []):
        c = sh.get("confirmation")
        if c is None:
            continue  # paper.settled reports an unconfirmed sheet
        if mode is PaperConfirmation.REVIEWER:
            ok_signer = c["person_id"] == sh["reviewer_id"] and c["role"] == "reviewer" and c["person_id"] in f.attending
        else:
            ok_signer = c["person_id"] in supervisors and c["role"] == "supervisor"
        if not ok_signer:
            problems.append(f"{sh['sheet_id']} confirmed by {c['person_id']}")
        if c["statement"] != paper.confirmation_statement(f.defn.session_id, sh).decode("utf-8"):
            problems.append(f"{sh['sheet_id']} statement differs")
            continue
        signer = f.certs.get(c["person_id"])
        try:
            if signer is None:
                raise SealError("no certificate")
            verify_statement(signer, c["statement"].encode("utf-8"), base64.b64decode(c["signature"], validate=True))
        except (SealError, ValueError):
            problems.append(f"{sh['sheet_id']} signature invalid")
        else:
            if signed is not None:
                signed.append({"sheet": sh["sheet_id"], "person": c["person_id"], "role": c["role"]})
    return problems


def _confirmations(f: Facts) -> Check:
    """Each confirmation is signed by the person ``paper_sheet_confirmation`` names (the attending reviewer,
    or the session's supervisor), over exactly the statement rebuilt from the record (domain.paper)."""
    signed: list[dict[str, str]] = []
    problems = _confirmations_problems(f, signed)
    for sg in signed:  # who signed what, as the other checks list their signers
        f.report.signers.append(t("sheets.signer_confirmation", sheet=sg["sheet"], role=label_of("role", sg["role"]),
                                  name=f.names.get(sg["person"], "?"), person=sg["person"]))
    return Check("paper.confirmations", not problems, joined(problems))


def _paper_line(f: Facts) -> str:
    problems = (_keyed_twice_problems(f) + _check_codes_problems(f) + _settled_problems(f)
                + _confirmations_problems(f))
    if problems:
        return joined(problems)
    sheets = f.record.get("paper_sheets", [])
    return t("office.paper_count", sheets=len(sheets), settled=sum(len(s["mismatches"]) for s in sheets))


PAPER = Section("office.check_paper", (Spec("paper.keyed_twice", _keyed_twice),
                                       Spec("paper.check_codes", _check_codes),
                                       Spec("paper.settled", _settled),
                                       Spec("paper.confirmations", _confirmations)), _paper_line)
