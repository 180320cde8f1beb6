"""The texts of a session that their authors sign, and the exact statement each of them signs.

Every record that carries an outcome or a text the minutes print is signed by the person who made it
(issue 12 §2): the panel's opinion and a failure reason with its guidance by the panel leader, a
disagreement explanation by the reviewer concerned, a returned score sheet's reason by the panel leader
and by its witness, the discipline supervisor. The room signs :func:`statement`'s bytes with the
author's credential key (seal.statements, ECDSA P-256) when the text is written; the office rebuilds the
same bytes from ``results.json`` (:func:`expected_texts`) and checks every signature and its signer.

The statement is canonical JSON (codec.canonical_json: sorted keys, UTF-8), naming the format, the
session, the kind, the subject and the exact text, so a text can never be read as another field or
another session's. Pure: standard library and the domain only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zc_review.domain.codec import canonical_json
from zc_review.domain.model import SessionDefinition, StaffRole

STATEMENT_FORMAT = "zc-review signed text"
STATEMENT_VERSION = 1

OPINION = "opinion"  #: the panel's opinion (评议意见) on an applicant; subject: applicant id
FAILURE_REASON = "failure_reason"  #: reason for failure and guidance (未通过原因、努力方向); subject: applicant id
EXPLANATION = "explanation"  #: a flagged reviewer's explanation (复核说明); subject: "<applicant>/<reviewer>"
SHEET_RETURN = "sheet_return"  #: a returned sheet's reason (退回理由); subject: "<applicant>/<reviewer>/<version>"

#: Every kind of signed text, in the order the office reports them.
TEXT_KINDS: tuple[str, ...] = (OPINION, FAILURE_REASON, EXPLANATION, SHEET_RETURN)

#: Signing roles (``Signature.role``) of the signed texts.
ROLE_LEADER = "panel_leader"
ROLE_REVIEWER = "reviewer"
ROLE_WITNESS = "supervisor"


@dataclass(frozen=True)
class SignedText:
    """One text of the record and who must have signed it.

    ``kind``: one of :data:`TEXT_KINDS`; ``subject``: what it is about (see the kinds); ``text``: the
    exact fields signed (e.g. ``{"reason": …, "guidance": …}``); ``signers``: ``(role, person id)`` pairs,
    each of which must have signed :attr:`statement` (``person id`` is ``None`` when the definition
    names nobody for that role, which no signature can satisfy).
    """

    kind: str
    subject: str
    text: dict[str, str]
    signers: tuple[tuple[str, str | None], ...]
    session_id: str

    @property
    def statement(self) -> bytes:
        """The exact bytes each signer signs (:func:`statement`)."""
        return statement(self.session_id, self.kind, self.subject, self.text)


def statement(session_id: str, kind: str, subject: str, text: dict[str, str]) -> bytes:
    """The UTF-8 statement a text's author signs: canonical JSON of format, version, session, kind,
    subject and the exact text fields.

    Example: ``statement("QC-1", "opinion", "A001", {"opinion": "材料完整"})`` →
    ``{"format":"zc-review signed text","kind":"opinion","session":"QC-1","subject":"A001",
    "text":{"opinion":"材料完整"},"version":1}`` (bytes). Raises: TypeError for a non-string field.
    Source: issue 12 §2; docs/FORMATS.md "Signed texts".
    """
    if not all(isinstance(v, str) for v in (session_id, kind, subject, *text.keys(), *text.values())):
        raise TypeError("signed text fields must be strings")
    return canonical_json({"format": STATEMENT_FORMAT, "version": STATEMENT_VERSION, "session": session_id,
                           "kind": kind, "subject": subject, "text": dict(text)})


def explanation_subject(applicant_id: str, reviewer_id: str) -> str:
    """The subject of a disagreement explanation: ``"<applicant>/<reviewer>"``."""
    return f"{applicant_id}/{reviewer_id}"


def return_subject(applicant_id: str, reviewer_id: str, version: int) -> str:
    """The subject of a returned sheet: ``"<applicant>/<reviewer>/<returned version>"``."""
    return f"{applicant_id}/{reviewer_id}/{version}"


def opinion_text(opinion: str) -> dict[str, str]:
    """The signed fields of a panel opinion."""
    return {"opinion": opinion}


def reason_text(reason: str, guidance: str) -> dict[str, str]:
    """The signed fields of a failure reason: the reason and the improvement guidance."""
    return {"reason": reason, "guidance": guidance}


def explanation_text(explanation: str) -> dict[str, str]:
    """The signed fields of a disagreement explanation."""
    return {"explanation": explanation}


def return_text(reason: str) -> dict[str, str]:
    """The signed fields of a returned sheet: the leader's written reason."""
    return {"reason": reason}


def expected_texts(defn: SessionDefinition, record: dict[str, Any]) -> list[SignedText]:
    """Every signed text the record carries, with who must have signed it, in a stable order.

    Args: ``record``: results.json (keys ``opinions`` {applicant: text}, ``failure_reasons`` {applicant:
        {reason, guidance}}, ``flag_explanations`` [{applicant_id, reviewer_id, text}], ``sheets``
        [{…, status, return_reason}]).
    Returns: opinions and failure reasons (signer: the leader of the applicant's panel), explanations
        (the reviewer who wrote it), returned sheets (the panel leader and the supervisor).
    Raises: KeyError for an unknown applicant or a missing key (a malformed record).
    Source: issue 12 §2; 000 第二十六条(四)(六); issue 5 §2, §4.
    """
    sid = defn.session_id
    supervisors = [s.id for s in defn.staff if s.role is StaffRole.SUPERVISOR]
    witness = supervisors[0] if len(supervisors) == 1 else None

    def leader(applicant_id: str) -> str:
        return defn.panel(defn.applicant(applicant_id).panel_id).leader_id

    out = [SignedText(OPINION, a, opinion_text(txt), ((ROLE_LEADER, leader(a)),), sid)
           for a, txt in sorted(record["opinions"].items())]
    out += [SignedText(FAILURE_REASON, a, reason_text(fr["reason"], fr["guidance"]), ((ROLE_LEADER, leader(a)),), sid)
            for a, fr in sorted(record["failure_reasons"].items())]
    out += [SignedText(EXPLANATION, explanation_subject(e["applicant_id"], e["reviewer_id"]),
                       explanation_text(e["text"]), ((ROLE_REVIEWER, e["reviewer_id"]),), sid)
            for e in sorted(record["flag_explanations"], key=lambda e: (e["applicant_id"], e["reviewer_id"]))]
    for sh in sorted(record["sheets"], key=lambda s: (s["applicant_id"], s["reviewer_id"], s["version"])):
        if sh["status"] == "returned":
            defn.applicant(sh["applicant_id"])  # an unknown applicant is a malformed record
            out.append(SignedText(SHEET_RETURN, return_subject(sh["applicant_id"], sh["reviewer_id"], sh["version"]),
                                  return_text(sh["return_reason"]),
                                  ((ROLE_LEADER, leader(sh["applicant_id"])), (ROLE_WITNESS, witness)), sid))
    return out
