"""Signing the texts the room records (issue 12 §2): opinions, failure reasons, explanations, returns.

Each text is signed by its author inside the transaction that writes it, so a text never exists without
its signature: :func:`sign_text` signs the statement of domain/signed_texts.py with the actor's credential
key (seal.statements, ECDSA P-256) and stores it as a ``Signature`` row of the text's kind and subject,
replacing the signature of the text it rewrites. The raw record lists these rows under
``text_signatures`` (room/record.py); the office checks them (checks ``texts.*``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from zc_review.domain.signed_texts import statement
from zc_review.seal.statements import sign_statement
from zc_review.service.room.context import Actor, RoomContext
from zc_review.storage import repo
from zc_review.storage.models import Signature


def sign_text(ctx: RoomContext, s: Any, actor: Actor, *, kind: str, subject: str, role: str,
              text: dict[str, str]) -> str:
    """Sign a text as ``actor`` in ``role`` and store the signature in the caller's transaction ``s``.

    Args: ``kind``/``subject``/``text``: as domain.signed_texts.statement; ``role``: the signing role
        (panel_leader, reviewer, supervisor). A text written again replaces the signature of the same
        kind, subject and role (the log keeps every version's statement digest).
    Returns: SHA-256 hex of the signed statement (for the log entry).
    """
    data = statement(ctx.defn.session_id, kind, subject, text)
    sig = sign_statement(actor.key, data)
    row = next((r for r in repo.signatures(session=s, kind=kind, subject=subject) if r.role == role), None)
    if row is None:
        row = Signature(kind=kind, subject=subject, role=role, person_id=actor.person_id, signed_at=ctx.clock(),
                        statement=data, signature=sig)
    else:
        row.person_id, row.signed_at, row.statement, row.signature = actor.person_id, ctx.clock(), data, sig
    repo.put(session=s, row=row)
    return hashlib.sha256(data).hexdigest()
