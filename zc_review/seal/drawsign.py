"""The signatures of a draw record (专家抽取结果): the drawing staff, the supervisor, and the office root.

No new construction: each signer gets a leaf certificate issued by the office root for the draw
(:func:`zc_review.seal.pki.issue_certificate`, OU ``draw_staff`` or ``draw_supervisor``), signs the canonical
JSON of the record's body with the statement primitive (:func:`zc_review.seal.statements.sign_statement`,
ECDSA P-256/SHA-256), and the office root signs the body plus those signatures, as it signs its register of
issued packages. The signers' private keys are used once, on the office's computer before the signers,
and never stored: the printed and hand-signed result remains the legal act; the signatures bind the file
to it. Layout: docs/FORMATS.md "Draw record".
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from zc_review.domain.codec import canonical_json

from .certs import certificate_pem, load_certificate_pem, organizational_unit, user_id
from .errors import SealError
from .pki import OfficeKeys, cert_sha256, issue_certificate, verify_chain
from .statements import sign_statement, verify_statement

ROLES = {"staff": "draw_staff", "supervisor": "draw_supervisor"}


def issue_signers(keys: OfficeKeys, signers: list[tuple[str, str, str]], now: dt.datetime
                  ) -> tuple[list[dict[str, str]], list[Any]]:
    """Certificates for ``signers`` (``(role, person id, name)``, role ``staff`` or ``supervisor``).

    Returns: ``(entries, private keys)``; an entry is ``{"role", "id", "name", "cert_pem"}``.
    """
    entries, private = [], []
    for role, pid, name in signers:
        key, cert = issue_certificate(keys, name, ROLES[role], pid, now, validity_days=3650)
        entries.append({"role": role, "id": pid, "name": name, "cert_pem": certificate_pem(cert).decode("ascii")})
        private.append(key)
    return entries, private


def sign_record(body: dict[str, Any], private_keys: list[Any], keys: OfficeKeys) -> dict[str, Any]:
    """The signed record: ``{"body", "signatures": [b64 per signer of body.signers, in order],
    "office_root_sha256", "office_signature"}``."""
    data = canonical_json(body)
    sigs = [base64.b64encode(sign_statement(k, data)).decode("ascii") for k in private_keys]
    signed = {"body": body, "signatures": sigs, "office_root_sha256": cert_sha256(keys.root_cert)}
    office = sign_statement(keys.root_key, canonical_json(signed))
    return signed | {"office_signature": base64.b64encode(office).decode("ascii")}


def verify_record(record: dict[str, Any], root_cert: Any) -> None:
    """Check a draw record's signatures: the office root's over everything, each signer's over the body, each
    signer's certificate issued by ``root_cert`` for the draw (OU and UID as the body says).

    Raises: SealError (``draw record: …``) on the first failure.
    """
    try:
        rest = {k: v for k, v in record.items() if k != "office_signature"}
        office = base64.b64decode(record["office_signature"], validate=True)
        body = record["body"]
        sigs = [base64.b64decode(s, validate=True) for s in record["signatures"]]
        signers = body["signers"]
    except (KeyError, TypeError, ValueError) as exc:
        raise SealError(f"draw record: malformed ({type(exc).__name__})") from None
    if record.get("office_root_sha256") != cert_sha256(root_cert):
        raise SealError("draw record: another office root")
    try:
        verify_statement(root_cert, canonical_json(rest), office)
    except SealError:
        raise SealError("draw record: office signature invalid") from None
    if len(sigs) != len(signers) or not signers:
        raise SealError("draw record: signatures do not match signers")
    data = canonical_json(body)
    at = dt.datetime.fromisoformat(str(body["drawn_at"]))
    for entry, sig in zip(signers, sigs, strict=True):
        cert = load_certificate_pem(str(entry["cert_pem"]).encode("ascii"))
        verify_chain(cert, root_cert, at)
        if organizational_unit(cert) != ROLES.get(str(entry["role"])) or user_id(cert) != entry["id"]:
            raise SealError("draw record: signer certificate does not match")
        try:
            verify_statement(cert, data, sig)
        except SealError:
            raise SealError(f"draw record: signature of {entry['id']} invalid") from None
