"""The plaintext inside a session package: a ZIP of the session definition, credentials and attachments.

Layout (all names fixed, checked on read, sizes capped before reading):
    session.json        canonical JSON of the SessionDefinition (domain/codec.py)
    credentials.json    {person_id: CredentialRecord dict}: Argon2id verifiers and wrapped keys only
    device.json         the session device's key (PKCS#8 DER, base64) and certificate (PEM); after
                        ``office recover`` also the ids of the packages it supersedes and the key the
                        ballot box's key derives from (the first package's device key)
    office.json         the office root certificate (PEM) and the office's age recipient for bundles
    attachments/<id>    dossier attachment bytes (kept for the record: the room never parses them)
    texts/<id>          the attachment's text, extracted by the office at ``office pack`` (bounded, in a child
                        process: ``service/office/extract.py``): canonical JSON ``{"marks": [...], "pages": n,
                        "pages_read": k, "text": "..."}``; exactly one per attachment (docs/FORMATS.md)
    draw-record.json    optional: the signed draw record the committee was drawn by (``office draw``, issue 11),
                        as the office wrote it; kept for the record, the room does not read it
"""

from __future__ import annotations

import base64
import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from typing import Any

from zc_review.domain.codec import CodecError, definition_from_dict
from zc_review.service.errors import ServiceError

MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one member (an attachment) at most 32 MiB
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # the whole payload at most 512 MiB uncompressed
MAX_MEMBERS = 10_000
_FIXED = ("session.json", "credentials.json", "device.json", "office.json")
DRAW_RECORD = "draw-record.json"
_ATTACHMENT = re.compile(r"^attachments/[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z")  # an attachment id: no dots, no ".."
_TEXT = re.compile(r"^texts/[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z")
_EPOCH = (2000, 1, 1, 0, 0, 0)
MAX_TEXT_CHARS = 1_000_000  # extracted text kept per attachment (the rest is cut, and marked "text_cut")
# What the office found in an attachment and still accepted (docs/INPUT.md "Attachments"): the room may say so.
TEXT_MARKS = frozenset({"javascript", "forms", "embedded_files", "no_text", "pages_cut", "text_cut", "page_errors"})


@dataclass(frozen=True)
class AttachmentText:
    """An attachment's text as the office extracted it at pack time (the room shows exactly this).

    ``text``: the pages' text joined by newlines, at most ``MAX_TEXT_CHARS`` characters, no control
    characters but ``\\n`` and ``\\t`` (``clean_text``); ``pages``: pages in the PDF; ``pages_read``: pages
    whose text was read (at most 200); ``marks``: sorted codes from ``TEXT_MARKS``.
    """

    text: str
    pages: int
    pages_read: int
    marks: tuple[str, ...] = ()

    def to_json(self) -> bytes:
        """Canonical JSON bytes (UTF-8, sorted keys) of the ``texts/<id>`` member."""
        return json.dumps({"marks": list(self.marks), "pages": self.pages, "pages_read": self.pages_read,
                           "text": self.text}, ensure_ascii=False, sort_keys=True).encode()

    @classmethod
    def from_json(cls, blob: bytes) -> AttachmentText:
        """Read a ``texts/<id>`` member. Raises: ValueError for anything but the exact shape above."""
        raw = json.loads(blob.decode("utf-8"))
        if not isinstance(raw, dict) or set(raw) != {"marks", "pages", "pages_read", "text"}:
            raise ValueError("attachment text: unexpected fields")
        text, pages, read, marks = raw["text"], raw["pages"], raw["pages_read"], raw["marks"]
        if not (isinstance(text, str) and len(text) <= MAX_TEXT_CHARS and isinstance(marks, list)
                and all(isinstance(m, str) and m in TEXT_MARKS for m in marks) and marks == sorted(set(marks))
                and type(pages) is int and type(read) is int and 0 <= read <= pages):
            raise ValueError("attachment text: bad field")
        m = _UNSAFE.search(text)
        if m:
            raise ValueError(f"control character U+{ord(m.group()):04X} in an attachment text")
        return cls(text, pages, read, tuple(marks))


@dataclass(frozen=True)
class Payload:
    """The decoded package payload. ``attachments``: attachment id → PDF bytes; ``texts``: attachment id →
    the text the office extracted (same ids as ``attachments``).

    ``supersedes``: the package ids this package replaces (``office recover``: the room resumes a session
    begun under one of them); ``ballot_key_der``: the device key the ballot box's sealing key derives
    from when it is not this package's own (a re-issued package keeps the first package's, so a poll open
    at the time of the re-issue still unseals). Source: issue 12 §1, §4.
    """

    session: dict[str, Any]
    credentials: dict[str, dict[str, Any]]
    device_key_der: bytes
    device_cert_pem: bytes
    office_root_pem: bytes
    office_recipient: str
    attachments: dict[str, bytes]
    texts: dict[str, AttachmentText] = field(default_factory=dict)
    supersedes: tuple[str, ...] = ()
    ballot_key_der: bytes | None = None
    draw_record: bytes | None = None

    @property
    def box_key_source(self) -> bytes:
        """The PKCS#8 DER the ballot box's key derives from: ``ballot_key_der`` or the device key."""
        return self.ballot_key_der or self.device_key_der


def build_payload(p: Payload) -> bytes:
    """Serialise a payload to ZIP bytes (stored, fixed order and timestamps: reproducible).

    Raises: ValueError when ``texts`` does not hold exactly one text per attachment.
    """
    if set(p.texts) != set(p.attachments):
        raise ValueError("every attachment needs its extracted text, and only attachments have one")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)

        put("session.json", json.dumps(p.session, ensure_ascii=False, sort_keys=True).encode())
        put("credentials.json", json.dumps(p.credentials, sort_keys=True).encode())
        device: dict[str, Any] = {"key": base64.b64encode(p.device_key_der).decode(), "cert": p.device_cert_pem.decode()}
        if p.supersedes:
            device["supersedes"] = list(p.supersedes)
        if p.ballot_key_der is not None:
            device["ballot_key"] = base64.b64encode(p.ballot_key_der).decode()
        put("device.json", json.dumps(device).encode())
        put("office.json", json.dumps({"root_cert": p.office_root_pem.decode(),
                                       "recipient": p.office_recipient}).encode())
        for att_id in sorted(p.attachments):
            put(f"attachments/{att_id}", p.attachments[att_id])
        for att_id in sorted(p.texts):
            put(f"texts/{att_id}", p.texts[att_id].to_json())
        if p.draw_record is not None:
            put(DRAW_RECORD, p.draw_record)
    return buf.getvalue()


def parse_payload(data: bytes) -> Payload:
    """Read payload ZIP bytes, refusing anything unexpected.

    Raises: ServiceError("payload_malformed") for a bad ZIP, unknown or duplicate member names,
        paths, too many members, or declared/actual sizes over the limits (zip bombs); an attachment
        without its text member or a text without its attachment; a text member of another shape, or
        holding a control character, terminal escape or bidi override.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValueError("too many members")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise ValueError("duplicate member")
        total = 0
        for info in infos:
            if (info.filename not in _FIXED and info.filename != DRAW_RECORD and not _ATTACHMENT.match(info.filename)
                    and not _TEXT.match(info.filename)):
                raise ValueError(f"unexpected member {info.filename!r}")
            if stat.S_ISLNK(info.external_attr >> 16) or info.is_dir():
                raise ValueError(f"link or folder member {info.filename!r}")
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValueError(f"encrypted or unusual member {info.filename!r}")
            if info.file_size > MAX_MEMBER_BYTES:
                raise ValueError("member too large")
            total += info.file_size
        if total > MAX_TOTAL_BYTES or not set(_FIXED) <= set(names):
            raise ValueError("size or missing member")

        def read(name: str) -> bytes:
            with zf.open(name) as fh:
                blob = fh.read(MAX_MEMBER_BYTES + 1)
            if len(blob) > MAX_MEMBER_BYTES:
                raise ValueError("member too large")
            return blob

        device = json.loads(read("device.json"))
        office = json.loads(read("office.json"))
        session = json.loads(read("session.json"))
        check_session(session)
        attachments = {n.split("/", 1)[1]: read(n) for n in names if n.startswith("attachments/")}
        texts = {n.split("/", 1)[1]: AttachmentText.from_json(read(n)) for n in names if n.startswith("texts/")}
        if set(attachments) != set(texts):
            raise ValueError("attachment without its text, or text without its attachment")
        return Payload(
            session=session,
            credentials=json.loads(read("credentials.json")),
            device_key_der=base64.b64decode(device["key"]),
            device_cert_pem=device["cert"].encode(),
            office_root_pem=office["root_cert"].encode(),
            office_recipient=office["recipient"],
            attachments=attachments,
            texts=texts,
            supersedes=tuple(str(x) for x in device.get("supersedes", [])),
            ballot_key_der=base64.b64decode(device["ballot_key"]) if "ballot_key" in device else None,
            draw_record=read(DRAW_RECORD) if DRAW_RECORD in names else None,
        )
    except (zipfile.BadZipFile, ValueError, KeyError, TypeError, OSError, EOFError, CodecError) as exc:
        raise ServiceError("payload_malformed", detail=str(exc)) from exc


# C0 controls except \t and \n, DEL, C1 (incl. 8-bit CSI), bidi overrides/isolates, lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Extracted PDF text made safe to ship and show: line breaks (CR LF, CR, VT, FF, NEL, U+2028/9) become
    ``\\n``; every other character ``check_session`` refuses (controls, escapes, bidi overrides, lone
    surrogates) becomes U+FFFD; then cut to ``MAX_TEXT_CHARS``."""
    return _UNSAFE.sub("\ufffd", _BREAKS.sub("\n", text))[:MAX_TEXT_CHARS]


def check_session(session: Any) -> None:
    """The room's own check of the session definition, though the office checked it when packing.

    Refuses (ValueError, or CodecError for the schema) a definition that breaks the schema, repeats an
    id (people, applicants, codes, panels, rubrics, groups, attachments), or holds a control character,
    terminal escape, bidi override or lone surrogate in any text. Markup such as ``[red]`` is allowed: the
    TUI renders dossier text as plain ``rich.text.Text``.
    """
    defn = definition_from_dict(session)

    def walk(v: Any) -> None:
        if isinstance(v, str):
            m = _UNSAFE.search(v)
            if m:
                raise ValueError(f"control character U+{ord(m.group()):04X} in a text field")
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(session)
    groups = {
        "person": [r.id for r in defn.reviewers] + [st.id for st in defn.staff],
        "applicant": [a.id for a in defn.applicants], "code": [a.code for a in defn.applicants],
        "panel": [p.id for p in defn.panels], "rubric": [r.id for r in defn.rubrics],
        "group": [g.id for g in defn.groups],
        "attachment": [f.id for a in defn.applicants for f in a.dossier.attachments],
    }
    for kind, ids in groups.items():
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {kind} id")
