"""The office's register of issued session packages, signed by the office root key.

One JSON file, ``issued-packages.json`` in the office's keys folder (docs/FORMATS.md "Register of issued
packages")::

    {"format": "zc-review package register", "version": 1, "office_root_sha256": "<hex>",
     "entries": [{"package_id", "session_id", "rehearsal", "device_cert_sha256", "issued_at",
                  "superseded_by", "source"}, ...],
     "signature": "<base64 DER ECDSA P-256/SHA-256 over the canonical JSON of everything else>"}

The signature is the statement primitive (:func:`zc_review.seal.statements.sign_statement`) over
``canonical_json`` of the object without ``signature``: whoever edits an entry without the root key
breaks it. The office verifies a result bundle against this register (issue 12 §1): the bundle's device
certificate must be the one issued for its package, the package's kind (official or rehearsal) must be
the one issued, and the package must not be superseded (by ``office recover`` or a later official pack).
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from typing import Any

from cryptography import x509

from zc_review.domain.codec import canonical_json

from .errors import SealError
from .pki import OfficeKeys, cert_sha256
from .statements import sign_statement, verify_statement

REGISTER_FILE = "issued-packages.json"
FORMAT = "zc-review package register"
VERSION = 1
MAX_REGISTER_BYTES = 16 * 1024 * 1024
REHEARSAL_PREFIX = "rehearsal-"
SOURCES = ("pack", "recover", "register")
_ENTRY_KEYS = {"package_id", "session_id", "rehearsal", "device_cert_sha256", "issued_at", "superseded_by", "source"}


def is_rehearsal_package_id(package_id: str) -> bool:
    """True for a rehearsal package's id (``"rehearsal-"`` + 32 hex digits); an official id is 32 hex digits."""
    return package_id.startswith(REHEARSAL_PREFIX)


@dataclass(frozen=True)
class IssuedPackage:
    """One issued package.

    Attributes:
        package_id: the package header's id (``rehearsal-`` prefix for a rehearsal).
        session_id: the session it is for.
        rehearsal: True for a rehearsal (演练) package.
        device_cert_sha256: SHA-256 hex of the DER of the session device certificate in its payload.
        issued_at: ISO 8601 with offset: the header's ``created``.
        superseded_by: the package id that replaced it, or None while it is the latest.
        source: ``"pack"``, ``"recover"`` (re-issued by ``office recover``) or ``"register"``
            (re-added from the office's own package file by ``office register``).
    """

    package_id: str
    session_id: str
    rehearsal: bool
    device_cert_sha256: str
    issued_at: str
    superseded_by: str | None = None
    source: str = "pack"

    def to_dict(self) -> dict[str, Any]:
        """The entry as the register's JSON object."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Any) -> IssuedPackage:
        """Parse one entry. Raises: ValueError for a malformed entry (keys, types)."""
        if not isinstance(d, dict) or set(d) != _ENTRY_KEYS:
            raise ValueError("register entry keys")
        e = cls(**d)
        texts = (e.package_id, e.session_id, e.device_cert_sha256, e.issued_at)
        if not all(isinstance(v, str) for v in texts) or not isinstance(e.rehearsal, bool) \
                or not (e.superseded_by is None or isinstance(e.superseded_by, str)) or e.source not in SOURCES:
            raise ValueError("register entry types")
        return e


@dataclass(frozen=True)
class Register:
    """The register's entries, oldest first. ``office_root_sha256``: the root that signed it."""

    office_root_sha256: str
    entries: tuple[IssuedPackage, ...] = ()

    def get(self, package_id: str) -> IssuedPackage | None:
        """The entry of ``package_id``, or None when the office never registered it."""
        return next((e for e in self.entries if e.package_id == package_id), None)

    def body(self) -> dict[str, Any]:
        """The signed part: every key but ``signature``."""
        return {"format": FORMAT, "version": VERSION, "office_root_sha256": self.office_root_sha256,
                "entries": [e.to_dict() for e in self.entries]}


def seal_register(register: Register, keys: OfficeKeys) -> bytes:
    """The register file's bytes, signed by the office root key (UTF-8 JSON, indented, one trailing newline).

    Raises: ValueError when the register names another root than ``keys``.
    """
    if register.office_root_sha256 != cert_sha256(keys.root_cert):
        raise ValueError("register of another office root")
    body = register.body()
    signature = sign_statement(keys.root_key, canonical_json(body))
    doc = body | {"signature": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def open_register(data: bytes, root_cert: x509.Certificate) -> Register:
    """Parse a register file and check its signature by ``root_cert``.

    Raises: SealError (``diagnostics()``: ``register: malformed …``, ``register: another office root``,
        ``register: signature invalid``).
    """
    if len(data) > MAX_REGISTER_BYTES:
        raise SealError("register: file too large")
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or set(doc) != {"format", "version", "office_root_sha256", "entries", "signature"}:
            raise ValueError("keys")
        if doc["format"] != FORMAT or doc["version"] != VERSION or not isinstance(doc["entries"], list):
            raise ValueError("format or version")
        signature = base64.b64decode(doc.pop("signature"), validate=True)
        register = Register(str(doc["office_root_sha256"]),
                            tuple(IssuedPackage.from_dict(e) for e in doc["entries"]))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise SealError(f"register: malformed ({type(exc).__name__}: {exc})") from None
    if register.office_root_sha256 != cert_sha256(root_cert):
        raise SealError("register: another office root")
    try:
        verify_statement(root_cert, canonical_json(doc), signature)
    except SealError:
        raise SealError("register: signature invalid") from None
    return register
