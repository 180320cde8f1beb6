"""The checks of what the record's texts and the signed minutes say (issue 12 §2): every opinion, failure
reason, explanation and return carries its author's signature over exactly its text, and the digest the
signed minutes carry equals the digest recomputed from the record (domain/digest.py).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from zc_review.domain import signed_texts
from zc_review.domain.digest import minutes_digest
from zc_review.domain.signed_texts import expected_texts
from zc_review.i18n import join_list, label_of, t
from zc_review.seal.errors import SealError
from zc_review.seal.statements import verify_statement
from zc_review.service.errors import ServiceError
from zc_review.service.office.report import (
    DATA_ERRORS,
    Check,
    Facts,
    Section,
    Spec,
    joined,
)

if TYPE_CHECKING:
    pass


# -- the authors' signatures of the texts (issue 12 §2) ------------------------------------------------------
# Every opinion, failure reason, disagreement explanation and returned sheet of the record carries its
# author's signature (domain/signed_texts.py) over exactly its text; the office rebuilds each statement.

def _text_signature_index(f: Facts) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(kind, subject, role) → the record's signature of that text in that role."""
    return {(sg["kind"], sg["subject"], sg["role"]): sg for sg in f.record["text_signatures"]}


def _texts_signatures(f: Facts) -> Check:
    """Every signature of a text verifies under its signer's accepted certificate (certs.holder)."""
    bad = []
    for sg in f.record["text_signatures"]:
        signer = f.certs.get(sg["person_id"])
        try:
            if signer is None:
                raise SealError("no certificate")
            verify_statement(signer, sg["statement"].encode("utf-8"), base64.b64decode(sg["signature"], validate=True))
        except (SealError, ValueError):
            bad.append(f"{sg['kind']}:{sg['subject']}:{sg['person_id']}")
    return Check("texts.signatures", not bad, joined(bad))


def _texts_complete_problems(f: Facts) -> list[str]:
    have = _text_signature_index(f)
    problems = []
    for item in expected_texts(f.defn, f.record):
        want = item.statement.decode("utf-8")
        for role, _ in item.signers:
            sg = have.get((item.kind, item.subject, role))
            if sg is None or sg["statement"] != want:
                problems.append(f"{item.kind}:{item.subject}:{role} " + ("unsigned" if sg is None else "text differs"))
    return problems


def _texts_complete(f: Facts) -> Check:
    """Every opinion, failure reason, explanation and returned sheet of the record carries a signature, in
    each required role, whose statement is exactly the one rebuilt from the record's text."""
    return Check("texts.complete", not (p := _texts_complete_problems(f)), joined(p))


def _texts_reasons_problems(f: Facts) -> list[str]:
    return [f"{signed_texts.FAILURE_REASON}:{a} missing" for a, n in sorted(f.recomputed.get("applicants", {}).items())
            if n["outcome"] not in (None, "passed") and a not in f.record["failure_reasons"]]


def _texts_reasons(f: Facts) -> Check:
    """Every applicant the recomputed outcome does not pass has a failure reason in the record.
    Source: 000_…txt 第二十六条(六) (未通过人员的原因)."""
    return Check("texts.reasons", not (p := _texts_reasons_problems(f)), joined(p))


def _texts_signers_problems(f: Facts) -> list[str]:
    have = _text_signature_index(f)
    problems = []
    for item in expected_texts(f.defn, f.record):
        for role, person in item.signers:
            sg = have.get((item.kind, item.subject, role))
            if sg is None:
                continue  # texts.complete reports it
            in_room = role not in (signed_texts.ROLE_LEADER, signed_texts.ROLE_REVIEWER) or person in f.attending
            if person is None or sg["person_id"] != person or not in_room:
                problems.append(f"{item.kind}:{item.subject}:{role} signed by {sg['person_id']}")
    return problems


def _texts_signers(f: Facts) -> Check:
    """Each text is signed by the person its role names: the attending leader of the applicant's panel
    (opinion, failure reason, return), the attending reviewer who wrote the explanation, the session's
    supervisor witnessing a return."""
    return Check("texts.signers", not (p := _texts_signers_problems(f)), joined(p))


def _texts_authors_problems(f: Facts) -> list[str]:
    have = _text_signature_index(f)
    problems = []
    for a, fr in sorted(f.record["failure_reasons"].items()):  # the record names its author: the signer
        sg = have.get((signed_texts.FAILURE_REASON, a, signed_texts.ROLE_LEADER))
        if sg is not None and fr.get("author_id") != sg["person_id"]:
            problems.append(f"{signed_texts.FAILURE_REASON}:{a} author differs")
    return problems


def _texts_authors(f: Facts) -> Check:
    """Each failure reason's recorded author (``author_id``) is the person who signed it (an unsigned reason
    is texts.complete's)."""
    return Check("texts.authors", not (p := _texts_authors_problems(f)), joined(p))


def _texts_line(f: Facts) -> str:
    problems = (_texts_complete_problems(f) + _texts_reasons_problems(f) + _texts_signers_problems(f)
                + _texts_authors_problems(f))
    if problems:
        return joined(problems)
    counts: dict[str, int] = {}
    for item in expected_texts(f.defn, f.record):
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return join_list(t("office.text_kind_count", kind=label_of("text_kind", kind), count=counts.get(kind, 0))
                     for kind in signed_texts.TEXT_KINDS)


TEXTS = Section("office.check_texts", (Spec("texts.signatures", _texts_signatures),
                                       Spec("texts.complete", _texts_complete),
                                       Spec("texts.reasons", _texts_reasons),
                                       Spec("texts.signers", _texts_signers),
                                       Spec("texts.authors", _texts_authors)), _texts_line)


# -- the minutes digest (issue 12 §2) ------------------------------------------------------------------------

def _catalog_digest(pdf: bytes) -> str | None:
    """The minutes digest the minutes carry in their catalog (``/ZCReviewMinutesDigest``), or None."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    try:
        root = PdfReader(io.BytesIO(pdf)).trailer["/Root"].get_object()
        raw = root.get("/ZCReviewMinutesDigest") if isinstance(root, DictionaryObject) else None
    except Exception:  # noqa: BLE001 - a hostile PDF may raise anything: no digest
        return None
    return None if raw is None else str(raw)


def _minutes_digest_problems(f: Facts) -> list[str]:
    try:
        want = minutes_digest(f.defn, f.record)
    except (ServiceError, *DATA_ERRORS) as exc:
        return [f"not recomputed: {type(exc).__name__}: {exc}"]
    got = _catalog_digest(f.minutes)
    return [] if got == want else [f"minutes carry {got}, record gives {want}"]


def _minutes_digest(f: Facts) -> Check:
    """The digest of every number and text of the record the minutes print (domain.digest.minutes_digest),
    recomputed from results.json, equals the one the signed minutes carry (covered by both PDF signatures)."""
    return Check("digest.minutes", not (p := _minutes_digest_problems(f)), joined(p))


DIGEST = Section("office.check_minutes_digest", (Spec("digest.minutes", _minutes_digest),),
                 lambda f: joined(_minutes_digest_problems(f)))
