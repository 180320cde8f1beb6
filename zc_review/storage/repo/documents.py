"""Stored documents (minutes, zero reports) and the exports of the result bundle."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from zc_review.storage.models import Document, Export, SealedBundle


def document(*, session: Session, name: str) -> Document | None:
    """The stored document called ``name`` (e.g. "minutes.pdf"), or None."""
    return session.get(Document, name)


def put_document(*, session: Session, name: str, content: bytes, stage: str, at: datetime) -> Document:
    """Store ``content`` under ``name`` at ``stage`` (unsigned | recorder | presiding | printed)."""
    doc = session.get(Document, name) or Document(name=name, content=b"", stage=stage, updated_at=at)
    doc.content, doc.stage, doc.updated_at = content, stage, at
    session.add(doc)
    return doc


def add_export(*, session: Session, path: str, fingerprint: str, at: datetime) -> Export:
    """Record one successful export of the result bundle."""
    row = Export(path=path, fingerprint=fingerprint, exported_at=at)
    session.add(row)
    return row


def exports_newest(*, session: Session) -> Export | None:
    """The newest export, or None."""
    return session.exec(select(Export).order_by(Export.id.desc())).first()  # type: ignore[union-attr]


def sealed_bundle(*, session: Session) -> SealedBundle | None:
    """The result bundle as first sealed, or None before the first export."""
    return session.get(SealedBundle, 1)


def put_sealed_bundle(*, session: Session, package_id: str, content: bytes, fingerprint: str,
                      at: datetime) -> SealedBundle:
    """Store (or replace, for a re-issued package) the sealed bundle every export writes."""
    row = session.get(SealedBundle, 1) or SealedBundle(package_id=package_id, fingerprint=fingerprint, sealed_at=at,
                                                       content=content)
    row.package_id, row.fingerprint, row.sealed_at, row.content = package_id, fingerprint, at, content
    session.add(row)
    return row
