#!/usr/bin/env python3
"""An auditor's verifier of a zc-review result bundle, written apart from zc-review.

Usage::

    python tools/verify_bundle_standalone.py --keys OFFICE_KEYS_DIR BUNDLE [--declared-out FILE] [--json]

OFFICE_KEYS_DIR holds the office root certificate, its age identity and its register of issued packages
(``issued-packages.json``; without it the bundle is refused by ``register.present``) and, when the committee
was drawn, the signed draw record filed at pack (``draw-records/<package id>.json``, check ``draw.record``;
none: the check passes). Exit status: 0 when
the bundle is accepted, 1 when it is refused (the failed checks are named), 2 when the command cannot run
(no such file, no office identity, a register that exists but cannot be read). It prints one line per
check, then the verdict and whether the bundle is a rehearsal.

Written from docs/FORMATS.md and /work/shared/RULES.md alone, as an independent verifier is written from a
published specification: it imports nothing of zc-review, only the Python standard library and the
``cryptography`` package (X.509, ECDSA P-256, X25519, HKDF, ChaCha20-Poly1305, HMAC). Each part names the
section of docs/FORMATS.md ("FORMATS §…") or RULES.md it follows. The check ids are those of ``office
verify`` (docs/FORMATS.md "An auditor's verifier"), so the two verdicts can be compared check by check.

The age decryption (docs/FORMATS.md: the payload is age-encrypted to the office's X25519 identity) follows
the age v1 specification (C2SP, https://age-encryption.org/v1) section by section, composing the standard
primitives of ``cryptography`` exactly as the specification says; nothing else is decrypted. It is tested
against files written by pyrage (the room's library) and by the ``age`` command-line tool
(tests/e2e/test_standalone_verifier.py).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import math
import re
import sys
import zipfile
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

MAX_BUNDLE_BYTES = 1 << 30  # FORMATS "Common container rules": 1 GiB per file
MAX_MANIFEST_BYTES = 1 << 20


class Refused(Exception):
    """A check that cannot pass; the message is its detail."""


# ======================================================================================================
# age v1 decryption (age specification, C2SP: https://age-encryption.org/v1), X25519 recipients only.
# ======================================================================================================

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_decode(text: str) -> tuple[str, bytes]:
    """BIP-173 Bech32 (the age spec: "Bech32 ... without the 90-character limit"); returns (HRP, data)."""
    if text.lower() != text and text.upper() != text:
        raise ValueError("bech32: mixed case")
    s = text.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s):
        raise ValueError("bech32: no separator")
    hrp, data = s[:pos], s[pos + 1:]
    values = []
    for ch in data:
        if ch not in _BECH32:
            raise ValueError("bech32: bad character")
        values.append(_BECH32.index(ch))
    chk = 1
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    if chk != 1:  # Bech32, not Bech32m
        raise ValueError("bech32: bad checksum")
    acc = bits = 0
    out = bytearray()
    for v in values[:-6]:
        acc = (acc << 5) | v
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if bits >= 5 or (acc & ((1 << bits) - 1)):
        raise ValueError("bech32: bad padding")
    return hrp, bytes(out)


def parse_age_identity(text: str) -> X25519PrivateKey:
    """The one ``AGE-SECRET-KEY-1…`` line of an age identity file (age-keygen format; ``#`` lines are
    comments). age spec "X25519 recipient type": HRP ``age-secret-key-``, 32-byte scalar, upper case."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) != 1 or not lines[0].startswith("AGE-SECRET-KEY-1"):
        raise ValueError("the identity file must hold exactly one AGE-SECRET-KEY-1 line")
    hrp, key = _bech32_decode(lines[0])
    if hrp != "age-secret-key-" or len(key) != 32:
        raise ValueError("not an age X25519 identity")
    return X25519PrivateKey.from_private_bytes(key)


def _b64(text: bytes) -> bytes:
    """age spec "Conventions": canonical base64 without padding (RFC 4648 §4, §3.5)."""
    if not re.fullmatch(rb"[A-Za-z0-9+/]*", text):
        raise ValueError("age: not base64")
    raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    if base64.b64encode(raw).rstrip(b"=") != text:
        raise ValueError("age: non-canonical base64")
    return raw


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def age_decrypt(data: bytes, identity: X25519PrivateKey) -> bytes:
    """Decrypt a binary age v1 file with an X25519 identity; raise ValueError on anything else.

    age spec sections, in order: "Header" (version line, recipient stanzas, MAC line), "X25519 recipient
    type" (unwrapping the file key), "Header MAC", "Payload" (STREAM of ChaCha20-Poly1305 chunks).
    """
    # -- Header: "age-encryption.org/v1" LF, stanzas ("-> type args" LF, body wrapped at 64 columns; the
    #    last body line is shorter than 64 columns, possibly empty), then "--- " base64(MAC) LF.
    version = b"age-encryption.org/v1\n"
    if not data.startswith(version):
        raise ValueError("age: not an age v1 file (binary)")
    pos = len(version)
    stanzas: list[tuple[list[bytes], bytes]] = []
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            raise ValueError("age: truncated header")
        line = data[pos:end]
        if line.startswith(b"--- "):
            mac_start = pos
            mac = _b64(line[4:])
            pos = end + 1
            break
        if not line.startswith(b"-> "):
            raise ValueError("age: malformed stanza")
        args = line[3:].split(b" ")
        if not args or any(not a or not all(33 <= c <= 126 for c in a) for a in args):
            raise ValueError("age: malformed stanza arguments")
        pos = end + 1
        body = b""
        while True:
            end = data.find(b"\n", pos)
            if end < 0:
                raise ValueError("age: truncated stanza body")
            chunk = data[pos:end]
            pos = end + 1
            if len(chunk) > 64:
                raise ValueError("age: stanza body line too long")
            body += chunk
            if len(chunk) < 64:
                break
        stanzas.append((args, _b64(body)))
    if not stanzas:
        raise ValueError("age: no recipient stanza")
    # -- X25519 recipient type: stanza "-> X25519 base64(ephemeral share)", body = wrapped file key.
    #    shared = X25519(identity, share), refused when all zero; wrap key = HKDF-SHA-256(ikm=shared,
    #    salt=share ‖ recipient, info="age-encryption.org/v1/X25519"); file key = ChaCha20-Poly1305
    #    (wrap key, nonce 12 zero bytes) of the 32-byte body. Other stanza types (e.g. "grease") are
    #    skipped, as the specification says for unknown recipient types.
    recipient = identity.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    file_key = None
    for args, body in stanzas:
        if args[0] != b"X25519":
            continue
        if len(args) != 2:
            raise ValueError("age: X25519 stanza takes one argument")
        share = _b64(args[1])
        if len(share) != 32 or len(body) != 32:
            raise ValueError("age: malformed X25519 stanza")
        shared = identity.exchange(X25519PublicKey.from_public_bytes(share))
        if shared == bytes(32):
            raise ValueError("age: all-zero X25519 shared secret")
        wrap_key = _hkdf(shared, share + recipient, b"age-encryption.org/v1/X25519")
        try:
            file_key = ChaCha20Poly1305(wrap_key).decrypt(bytes(12), body, None)
            break
        except InvalidTag:
            continue
    if file_key is None or len(file_key) != 16:
        raise ValueError("age: not encrypted to this identity")
    # -- Header MAC: HMAC-SHA-256(HKDF-SHA-256(ikm=file key, salt=empty, info="header"), the header up to
    #    and including "---" (not the space before the MAC)).
    mac_key = _hkdf(file_key, b"", b"header")
    if not hmac.compare_digest(hmac.new(mac_key, data[:mac_start + 3], hashlib.sha256).digest(), mac):
        raise ValueError("age: header MAC mismatch")
    # -- Payload: 16-byte nonce, payload key = HKDF-SHA-256(ikm=file key, salt=nonce, info="payload"),
    #    then chunks of 64 KiB plaintext (+16-byte tag), ChaCha20-Poly1305 with the 12-byte nonce
    #    = 11-byte big-endian chunk counter ‖ 0x01 for the last chunk, 0x00 otherwise. Only the last
    #    chunk may be short; it may be empty only when the whole plaintext is.
    nonce, body = data[pos:pos + 16], data[pos + 16:]
    if len(nonce) != 16:
        raise ValueError("age: truncated payload nonce")
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    size = 64 * 1024 + 16
    out = []
    counter = 0
    start = 0
    while True:
        chunk = body[start:start + size]
        last = start + size >= len(body)
        if len(chunk) < 16:
            raise ValueError("age: truncated payload chunk")
        try:
            plain = aead.decrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), chunk, None)
        except InvalidTag:
            raise ValueError("age: payload chunk authentication failed") from None
        if last and not plain and counter > 0:
            raise ValueError("age: empty last chunk")
        out.append(plain)
        if last:
            return b"".join(out)
        counter += 1
        start += size


# ======================================================================================================
# Canonical containers (FORMATS "Common container rules")
# ======================================================================================================

_FORMAT_RE = re.compile(rb"zc-review ([a-z ]+)\nversion: ([0-9]{1,6})\n")


def _canonical_zip(members: list[tuple[str, bytes]]) -> bytes:
    """Stored members, 1980-01-01 00:00:00, Unix mode 0644, "made by" Unix, no comment, no extras."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, body in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            zf.writestr(info, body)
    return buf.getvalue()


def read_container(data: bytes, kind: str, names: list[str]) -> dict[str, bytes]:
    """The members of a canonical container of ``kind``, exactly ``names`` in that order; else Refused.

    FORMATS "Common container rules": FORMAT first (version 1), stored members only, sizes within the cap,
    and writing the members again canonically gives back the same bytes.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            got = [i.filename for i in infos]
            if got[:1] != ["FORMAT"]:
                raise Refused(f"{kind}: first member is not FORMAT")
            members = []
            for info in infos:
                if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 1 or \
                        info.file_size != info.compress_size or info.file_size > MAX_BUNDLE_BYTES:
                    raise Refused(f"{kind}: member {info.filename} not stored or too large")
                with zf.open(info) as fh:
                    members.append((info.filename, fh.read(info.file_size + 1)))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise Refused(f"{kind}: malformed container ({type(exc).__name__})") from None
    m = _FORMAT_RE.fullmatch(members[0][1])
    if m is None or m.group(1).decode() != kind:
        raise Refused(f"{kind}: FORMAT is not a {kind}")
    if int(m.group(2)) != 1:
        raise Refused(f"{kind}: format version {int(m.group(2))}, this verifier reads version 1")
    if got != names:
        raise Refused(f"{kind}: members {got}, expected {names}")
    if _canonical_zip(members) != data:
        raise Refused(f"{kind}: container is not in canonical form")
    return dict(members)


# ======================================================================================================
# Certificates (FORMATS "Result bundle", "Office key files", "An auditor's verifier")
# ======================================================================================================

def subject(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    """The first value of a subject attribute, or "?"."""
    attrs = cert.subject.get_attributes_for_oid(oid)
    return str(attrs[0].value) if attrs else "?"


def check_chain(cert: x509.Certificate, root: x509.Certificate, at: dt.datetime | None = None) -> None:
    """A signing leaf issued directly by the office root: the root's signature over it, root CA and leaf
    not, leaf keyUsage digitalSignature, P-256 key; with ``at``, both valid at that time. Raises Refused."""
    try:
        cert.verify_directly_issued_by(root)
        root_ca = root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        leaf_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        signs = cert.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    except Exception as exc:  # noqa: BLE001 - InvalidSignature, ValueError, ExtensionNotFound, TypeError
        raise Refused(f"certificate not issued by the office root ({type(exc).__name__})") from None
    pub = cert.public_key()
    if not root_ca or leaf_ca or not signs:
        raise Refused("certificate: wrong CA flags or key usage")
    if not isinstance(pub, ec.EllipticCurvePublicKey) or pub.curve.name != "secp256r1":
        raise Refused("certificate: key is not P-256")
    if at is not None:
        for c in (cert, root):
            if not c.not_valid_before_utc <= at <= c.not_valid_after_utc:
                raise Refused(f"certificate not valid at {at.isoformat()}")


def ecdsa_ok(cert: x509.Certificate, message: bytes, signature: bytes) -> bool:
    """ECDSA P-256 / SHA-256 over ``message`` (DER signature) by the certificate's key."""
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def cert_sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


# ======================================================================================================
# The session definition (FORMATS "The session definition"): strict decoding, normalised encoding
# ======================================================================================================

STR, INT, BOOL, DEC = "str", "int", "bool", "dec"
_NONE = object()  # a required field


def _enum(*values: str) -> tuple[str, ...]:
    return values


_CRITERION = {"id": (STR, _NONE), "name": (STR, _NONE), "part": (_enum("material", "defence"), _NONE),
              "max_points": (DEC, _NONE), "step": (DEC, "0.5"), "levels": ([STR], []), "allow_na": (BOOL, False),
              "description": (STR, "")}
_SCHEMA: dict[str, Any] = {
    "session_id": (STR, _NONE), "committee_name": (STR, _NONE), "organizing_body": (STR, _NONE),
    "series": (_enum("engineering", "education", "other"), _NONE), "title_level": (STR, _NONE),
    "year": (INT, _NONE), "venue": (STR, _NONE), "scheduled_date": (STR, _NONE),
    "reviewers": ([{"id": (STR, _NONE), "name": (STR, _NONE), "employer": (STR, _NONE), "title": (STR, _NONE),
                    "title_level": (_enum("full_senior", "associate_senior", "intermediate"), _NONE),
                    "specialty": (STR, _NONE),
                    "committee_role": (_enum("chair", "vice_chair", "member"), "member")}], _NONE),
    "staff": ([{"id": (STR, _NONE), "name": (STR, _NONE), "role": (_enum("supervisor", "recorder"), _NONE),
                "employer": (STR, "")}], _NONE),
    "panels": ([{"id": (STR, _NONE), "name": (STR, _NONE), "specialty": (STR, _NONE), "leader_id": (STR, _NONE),
                 "vice_leader_id": (STR, _NONE), "member_ids": ([STR], _NONE), "rubric_id": (STR, _NONE)}], _NONE),
    "groups": ([{"id": (STR, _NONE), "name": (STR, _NONE), "pass_rate": (DEC, _NONE)}], _NONE),
    "rubrics": ([{"id": (STR, _NONE), "name": (STR, _NONE), "version": (STR, _NONE),
                  "series": (_enum("engineering", "education", "other"), _NONE),
                  "criteria": ([_CRITERION], _NONE)}], _NONE),
    "applicants": ([{"id": (STR, _NONE), "code": (STR, _NONE), "name": (STR, _NONE), "employer": (STR, _NONE),
                     "panel_id": (STR, _NONE), "group_id": (STR, _NONE),
                     "dossier": ({"education": (STR, _NONE), "years_in_field": (INT, _NONE),
                                  "current_title": (STR, _NONE), "target_title": (STR, _NONE),
                                  "achievements": ([STR], []), "papers": ([STR], []), "annual_reviews": ([STR], []),
                                  "continuing_education": (STR, ""), "work_summary": (STR, ""),
                                  "attachments": ([{"id": (STR, _NONE), "filename": (STR, _NONE),
                                                    "media_type": (STR, _NONE), "sha256": (STR, _NONE),
                                                    "size": (INT, _NONE), "title": (STR, "")}], [])}, _NONE),
                     "flags": ([_enum("exceptional", "green_channel", "grassroots", "enterprise")], [])}], _NONE),
    "conflicts": ([{"reviewer_id": (STR, _NONE), "applicant_id": (STR, _NONE), "reason": (STR, _NONE)}], []),
    "rules": ({"recusal_base": (_enum("attending", "attending_minus_recused"), "attending"),
               "aggregation": (_enum("mean", "trimmed_mean"), "mean"), "trimmed_min_scores": (INT, 5),
               "material_weight": (DEC, "0.7"), "defence_weight": (DEC, "0.3"), "ballot_agree_limit": (BOOL, False),
               "min_committee_size": (INT, 17), "flag_range": (DEC, "20"), "flag_stdev": (DEC, "8"),
               "flag_distance": (DEC, "15"),
               "paper_sheet_confirmation": (_enum("reviewer", "supervisor"), "reviewer")}, {}),
    "rehearsal": (BOOL, False),
    "ballot_mode": (_enum("laptop", "paper"), "laptop"),
}


def _norm(tp: Any, v: Any, path: str) -> Any:
    """Decode ``v`` as type ``tp`` strictly and return its normalised JSON form (ValueError otherwise)."""
    if isinstance(tp, dict):
        if not isinstance(v, dict):
            raise ValueError(f"{path}: expected object")
        unknown = sorted(set(v) - set(tp), key=str)
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}")
        out = {}
        for k, (sub, default) in tp.items():
            if k in v:
                out[k] = _norm(sub, v[k], f"{path}.{k}")
            elif default is _NONE:
                raise ValueError(f"{path}.{k}: missing required key")
            else:
                out[k] = _norm(sub, default, f"{path}.{k}")
        return out
    if isinstance(tp, list):
        if not isinstance(v, list):
            raise ValueError(f"{path}: expected list")
        return [_norm(tp[0], x, f"{path}[{i}]") for i, x in enumerate(v)]
    if isinstance(tp, tuple):
        if v not in tp:
            raise ValueError(f"{path}: {v!r} not one of {tp}")
        return v
    if tp == BOOL:
        if not isinstance(v, bool):
            raise ValueError(f"{path}: expected bool")
        return v
    if tp == INT:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"{path}: expected int")
        return v
    if tp == STR:
        if not isinstance(v, str):
            raise ValueError(f"{path}: expected str")
        return v
    if not isinstance(v, str):
        raise ValueError(f"{path}: expected decimal string")
    try:
        d = Decimal(v)
    except ArithmeticError:
        raise ValueError(f"{path}: not a decimal") from None
    if not d.is_finite():
        raise ValueError(f"{path}: not finite")
    return f"{d:f}"


def canonical_json(obj: Any) -> bytes:
    """FORMATS "Canonical JSON": sorted keys, no whitespace, UTF-8 (non-ASCII as is), no NaN."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class Definition:
    """The session definition (``results.json`` → ``session``), decoded strictly and normalised."""

    def __init__(self, raw: Any) -> None:
        self.d: dict[str, Any] = _norm(_SCHEMA, raw, "session")
        self.session_id: str = self.d["session_id"]
        self.applicants: list[dict[str, Any]] = self.d["applicants"]
        self.groups: list[dict[str, Any]] = self.d["groups"]
        self.rules: dict[str, Any] = self.d["rules"]
        self.names = {p["id"]: p["name"] for p in self.d["reviewers"] + self.d["staff"]}
        self.rehearsal: bool = self.d["rehearsal"]

    def find(self, kind: str, ident: str) -> dict[str, Any]:
        items: list[dict[str, Any]] = self.d[kind]
        for x in items:
            if x["id"] == ident:
                return x
        raise KeyError(ident)

    def staff_ids(self, role: str) -> list[str]:
        return [s["id"] for s in self.d["staff"] if s["role"] == role]

    def leader(self, applicant_id: str) -> str:
        return str(self.find("panels", self.find("applicants", applicant_id)["panel_id"])["leader_id"])


# ======================================================================================================
# The rules (RULES.md §4–5; FORMATS "Recomputing the outcome")
# ======================================================================================================

PREC = 40  # working precision of divisions, means and square roots (FORMATS "Recomputing the outcome")


def half_up(x: Decimal) -> Decimal:
    """RULES §4: rounded half-up to 2 decimals."""
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def part_score(criteria: list[dict[str, Any]], values: dict[str, Any]) -> Decimal:
    """One reviewer's part (material or defence) on 0–100: the sum of the part's criteria; when some are
    N/A (null), the applicable points rescaled to the part's full maximum (all N/A: 0). RULES §3–4."""
    total = applicable = full = Decimal(0)
    for c in criteria:
        if c["id"] not in values:
            raise ValueError(f"score missing: {c['id']}")
        raw = values[c["id"]]
        mx = Decimal(c["max_points"])
        full += mx
        if raw is None:
            if not c["allow_na"]:
                raise ValueError(f"N/A not allowed: {c['id']}")
            continue
        v = Decimal(raw)
        if not v.is_finite() or v < 0 or v > mx:
            raise ValueError(f"score out of range: {c['id']} {raw}")
        if v % Decimal(c["step"]) != 0:
            raise ValueError(f"score not a multiple of the step: {c['id']} {raw}")
        total += v
        applicable += mx
    if applicable == full:
        return total
    if applicable == 0:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = PREC
        return total / applicable * full


def aggregate(values: list[Decimal], rules: dict[str, Any]) -> Decimal:
    """Mean, or trimmed mean (one highest and one lowest dropped) with ≥ max(N, 3) scores. RULES §4."""
    if not values:
        raise ValueError("no scores")
    xs = sorted(values)
    if rules["aggregation"] == "trimmed_mean" and len(xs) >= max(rules["trimmed_min_scores"], 3):
        xs = xs[1:-1]
    with localcontext() as ctx:
        ctx.prec = PREC
        return sum(xs, Decimal(0)) / len(xs)


def tally(slips: list[Any], applicants: list[str]) -> dict[str, list[int]]:
    """Applicant → [agree, disagree, abstain] of a box; a slip for another applicant or mark refuses."""
    counts = {a: [0, 0, 0] for a in applicants}
    index = {"agree": 0, "disagree": 1, "abstain": 2}
    for s in slips:
        if s[1] not in counts or s[2] not in index:
            raise ValueError("ballot box corrupt")
        counts[s[1]][index[s[2]]] += 1
    return counts


PAPER_FIELDS = ("agree", "disagree", "abstain", "blank", "returned")


def paper_count(c: Any) -> list[int]:
    """FORMATS "Paper rounds": [agree, disagree, abstain, blank, returned], each an int 0–999, summing up."""
    if not isinstance(c, dict) or set(c) != set(PAPER_FIELDS):
        raise ValueError("paper count malformed")
    vals = [c[k] for k in PAPER_FIELDS]
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 999 for v in vals):
        raise ValueError("paper count malformed")
    return vals


def round_counts(r: dict[str, Any]) -> dict[str, list[int]]:
    """Applicant → [agree, disagree, abstain] of a closed round: its slips, or on paper the agreed counts."""
    if r.get("medium", "laptop") != "paper":
        return tally(r["slips"], r["applicants"])
    agreed = r["tally"]["agreed"]
    if set(agreed) != set(r["applicants"]):
        raise ValueError("ballot box corrupt")
    out = {}
    for a in r["applicants"]:
        v = paper_count(agreed[a])
        if sum(v[:4]) != v[4]:
            raise ValueError("ballot box corrupt")
        out[a] = v[:3]
    return out


def decide_group(cands: list[tuple[str, int, int, Decimal]], rate: Decimal,
                 runoffs: list[dict[str, int]]) -> tuple[int, dict[str, str], list[str]]:
    """RULES §5: (cap, applicant → outcome, tied applicants still needing a run-off) for one group.

    ``cands``: (applicant, agree, base, composite). Pass: 3·agree ≥ 2·base, base > 0. Cap: ⌊rate × n⌋.
    Over the cap: order by agree, then composite; exact ties at the cap's edge go to the run-off rounds
    (ordered by their agree votes, each covering exactly the tied set), else "runoff_pending".
    """
    if rate < 0 or rate > 1:
        raise ValueError(f"pass rate {rate} outside [0, 1]")
    cap = math.floor(rate * len(cands))
    out: dict[str, str] = {}
    qualified = []
    for a, agree, base, comp in cands:
        if base > 0 and 3 * agree >= 2 * base:
            qualified.append((a, agree, comp))
        else:
            out[a] = "below_threshold"
    if len(qualified) <= cap:
        out.update({a: "passed" for a, _, _ in qualified})
        return cap, out, []
    keyed: list[tuple[str, Any]] = [(a, (agree, comp)) for a, agree, comp in
                                    sorted(qualified, key=lambda q: (-q[1], -q[2], q[0]))]
    slots, held = cap, list(runoffs)
    tied: list[str]
    while True:
        if slots <= 0:
            better, tied, worse = [], [], [a for a, _ in keyed]
        elif slots >= len(keyed):
            better, tied, worse = [a for a, _ in keyed], [], []
        elif keyed[slots][1] != keyed[slots - 1][1]:
            better, tied, worse = [a for a, _ in keyed[:slots]], [], [a for a, _ in keyed[slots:]]
        else:
            edge = keyed[slots - 1][1]
            better = [a for a, k in keyed if k > edge]
            tied = [a for a, k in keyed if k == edge]
            worse = [a for a, k in keyed if k < edge]
        out.update({a: "passed" for a in better})
        out.update({a: "exceeds_cap" for a in worse})
        if not tied:
            return cap, out, []
        slots -= len(better)
        if not held:
            out.update({a: "runoff_pending" for a in tied})
            return cap, out, sorted(tied)
        rnd = held.pop(0)
        if set(rnd) != set(tied):
            raise ValueError(f"run-off round covers {sorted(rnd)}, the tie is {sorted(tied)}")
        keyed = sorted(((a, rnd[a]) for a in tied), key=lambda kv: (-int(kv[1]), kv[0]))


def recompute(defn: Definition, rec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Every declared number from the raw record (FORMATS "Recomputing the outcome"; RULES §4–5).

    Returns (declared numbers in the shape of results.json ``declared``, applicant → per-reviewer
    [M_r, D_r] of the counted sheets, for the disagreement flags).
    """
    attending = {r for r, v in rec["attendance"].items() if v}
    recused: dict[str, set[str]] = {}
    for rc in rec["recusals"]:
        recused.setdefault(rc["applicant_id"], set()).add(rc["reviewer_id"])
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    seen: set[tuple[str, str, Any]] = set()
    for sh in rec["sheets"]:  # the highest-version submitted sheet of each (reviewer, applicant)
        k = (sh["reviewer_id"], sh["applicant_id"])
        if sh["status"] != "submitted":
            continue
        if (*k, sh["version"]) in seen:  # FORMATS step 1: which of the two counts would depend on their order
            raise ValueError(f"two submitted sheets of version {sh['version']} for {k[0]} / {k[1]}")
        seen.add((*k, sh["version"]))
        if k not in latest or sh["version"] > latest[k]["version"]:
            latest[k] = sh
    rules = defn.rules
    scores: dict[str, tuple[Decimal, Decimal | None, Decimal] | None] = {}
    per_rev: dict[str, dict[str, Any]] = {}
    for a in defn.applicants:
        panel = defn.find("panels", a["panel_id"])
        crit = defn.find("rubrics", panel["rubric_id"])["criteria"]
        mat = [c for c in crit if c["part"] == "material"]
        dfc = [c for c in crit if c["part"] == "defence"]
        per: dict[str, tuple[Decimal, Decimal | None]] = {}
        for r in panel["member_ids"]:
            if r not in attending or r in recused.get(a["id"], set()) or (r, a["id"]) not in latest:
                continue
            vals = latest[(r, a["id"])]["values"]
            per[r] = (part_score(mat, vals), part_score(dfc, vals) if dfc else None)
        per_rev[a["id"]] = per
        if not per:
            scores[a["id"]] = None
            continue
        m = aggregate([x for x, _ in per.values()], rules)
        d = aggregate([y for _, y in per.values() if y is not None], rules) if dfc else None
        with localcontext() as ctx:
            ctx.prec = PREC
            comp = half_up(m) if d is None else half_up(Decimal(rules["material_weight"]) * m
                                                         + Decimal(rules["defence_weight"]) * d)
        scores[a["id"]] = (m, d, comp)
    ranks: dict[str, int] = {}
    for g in defn.groups:
        ordered = sorted(((a["id"], s[2]) for a in defn.applicants if a["group_id"] == g["id"]
                          if (s := scores[a["id"]]) is not None), key=lambda kv: (-kv[1], kv[0]))
        for i, (a_id, c) in enumerate(ordered):
            ranks[a_id] = ranks[ordered[i - 1][0]] if i and c == ordered[i - 1][1] else i + 1
    closed = [r for r in rec["rounds"] if r["status"] == "closed"]
    mains = [r for r in closed if r["kind"] in ("main", "revote")]
    main = mains[-1] if mains else None
    tallies = round_counts(main) if main is not None else {}
    base = {}
    for a in defn.applicants:
        n = len(attending)
        base[a["id"]] = n - len(recused.get(a["id"], set()) & attending) \
            if rules["recusal_base"] == "attending_minus_recused" else n
    outcome: dict[str, str | None] = {}
    runoff_agree: dict[str, list[int]] = {}
    groups: dict[str, Any] = {}
    pending = False
    for g in defn.groups:
        members = [a["id"] for a in defn.applicants if a["group_id"] == g["id"]]
        runoffs = [{a: c[0] for a, c in round_counts(r).items()}
                   for r in closed if r["kind"] == "runoff" and r["group_id"] == g["id"]]
        decided: dict[str, str] = {}
        if main is not None:
            cands = [(a, tallies[a][0], base[a], s[2] if (s := scores[a]) is not None else Decimal(0))
                     for a in members]
            cap, decided, tied = decide_group(cands, Decimal(g["pass_rate"]), runoffs)
            pending = pending or bool(tied)
            groups[g["id"]] = {"cap": cap, "passed": sorted(a for a, v in decided.items() if v == "passed")}
        for a in members:
            outcome[a] = decided.get(a) if main is not None else None
            runoff_agree[a] = [r[a] for r in runoffs if a in r]
    applicants = {}
    for a in defn.applicants:
        s, t = scores[a["id"]], tallies.get(a["id"])
        applicants[a["id"]] = {
            "material": str(half_up(s[0])) if s else None,
            "defence": str(half_up(s[1])) if s and s[1] is not None else None,
            "composite": str(s[2]) if s else None,
            "rank": ranks.get(a["id"]),
            "agree": t[0] if t else None, "disagree": t[1] if t else None, "abstain": t[2] if t else None,
            "base": base[a["id"]], "runoff_agree": runoff_agree[a["id"]], "outcome": outcome[a["id"]],
        }
    declared = {"applicants": applicants, "groups": groups, "main_round": None if main is None else main["round_no"],
                "final": main is not None and not pending}
    return declared, per_rev


def spread(part: str, scores: dict[str, Decimal], rules: dict[str, Any]) -> dict[str, Any] | None:
    """A flagged part's spread as the minutes print it, or None (FORMATS "The minutes digest"; RULES §4).

    Range max − min; population standard deviation; each reviewer's distance from the mean of the others.
    Flagged when range, stdev or a distance is strictly above its threshold. Concerned: the reviewers beyond
    the distance threshold, else (range or stdev only) those holding the highest and the lowest score.
    """
    n = len(scores)
    if n == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PREC
        xs = list(scores.values())
        total = sum(xs, Decimal(0))
        mean = total / n
        rng = max(xs) - min(xs)
        stdev = (sum(((x - mean) ** 2 for x in xs), Decimal(0)) / n).sqrt()
        dist = {r: abs(x - (total - x) / (n - 1)) for r, x in scores.items()} if n >= 2 else {}
    far = sorted(r for r, d in dist.items() if d > Decimal(rules["flag_distance"]))
    if not (rng > Decimal(rules["flag_range"]) or stdev > Decimal(rules["flag_stdev"]) or far):
        return None
    concerned = far or sorted(r for r, x in scores.items() if x in (max(xs), min(xs)))
    return {"part": part, "range": f"{half_up(rng):f}", "stdev": f"{half_up(stdev):f}", "concerned": concerned}


def minutes_digest(defn: Definition, rec: dict[str, Any], declared: dict[str, Any],
                   per_rev: dict[str, dict[str, Any]]) -> str:
    """FORMATS "The minutes digest": SHA-256 of the canonical JSON of what the minutes print."""
    disagreements = {}
    for a in defn.applicants:
        per = per_rev[a["id"]]
        if not per:
            continue
        spreads = [spread("material", {r: m for r, (m, _) in per.items()}, defn.rules)]
        if any(d is not None for _, d in per.values()):
            spreads.append(spread("defence", {r: d for r, (_, d) in per.items() if d is not None}, defn.rules))
        flagged = [s for s in spreads if s is not None]
        if flagged:
            disagreements[a["id"]] = flagged
    content = {
        "format": "zc-review minutes digest", "version": 2,
        "session": hashlib.sha256(canonical_json(defn.d)).hexdigest(),
        "opened_at": rec["opened_at"], "presiding_officer_id": rec["presiding_officer_id"],
        "attendance": {r: bool(v) for r, v in rec["attendance"].items()},
        "recusals": sorted([x["reviewer_id"], x["applicant_id"], x["reason"], x["source"], x["recorded_at"]]
                           for x in rec["recusals"]),
        "declared": declared,
        "disagreements": disagreements,
        "opinions": {a: str(t) for a, t in rec["opinions"].items()},
        "failure_reasons": {a: {"reason": f["reason"], "guidance": f["guidance"]}
                            for a, f in rec["failure_reasons"].items()},
        "explanations": sorted([e["applicant_id"], e["reviewer_id"], e["text"]] for e in rec["flag_explanations"]),
        "rounds": [{k: r[k] for k in ("round_no", "kind", "status", "applicants", "group_id", "slots",
                                      "closed_by_role", "forced", "missing_voters", "void_reason", "box_sha256",
                                      "voters", "opened_at", "closed_at")} for r in rec["rounds"]],
        "signoffs": [[s["kind"], s["subject"], s["role"], s["person_id"], s["signed_at"]] for s in rec["signatures"]],
        "sheets": sorted([s["reviewer_id"], s["applicant_id"], s["version"], s["status"], s["rubric_id"],
                          s["rubric_version"], {k: s["values"][k] for k in sorted(s["values"])}, s["return_reason"],
                          s["saved_at"], s["submitted_at"]]
                         for s in rec["sheets"]),
        "text_signed_at": [[s["kind"], s["subject"], s["role"], s["person_id"], s["signed_at"]]
                           for s in rec.get("text_signatures", [])],
    }
    if rec.get("paper_sheets"):  # FORMATS "Paper score sheets": the minutes' table of transcribed sheets
        content["paper_sheets"] = [[p["sheet_id"], p["reviewer_id"], p["applicant_id"], [k["keyer"] for k in p["keyings"]],
                                    sum(1 for m in p["mismatches"] if m.get("settled_at") is not None),
                                    (p.get("confirmation") or {}).get("person_id")]
                                   for p in sorted(rec["paper_sheets"], key=lambda p: p["sheet_id"])]
    return hashlib.sha256(canonical_json(content)).hexdigest()


def expected_texts(defn: Definition, rec: dict[str, Any]) -> list[tuple[str, str, dict[str, str], list[tuple[str, str | None]]]]:
    """FORMATS "Signed texts": (kind, subject, text, [(role, person who must sign)]) of every signed text."""
    sups = defn.staff_ids("supervisor")
    witness = sups[0] if len(sups) == 1 else None
    out: list[tuple[str, str, dict[str, str], list[tuple[str, str | None]]]] = []
    out += [("opinion", a, {"opinion": t}, [("panel_leader", defn.leader(a))]) for a, t in sorted(rec["opinions"].items())]
    out += [("failure_reason", a, {"reason": f["reason"], "guidance": f["guidance"]}, [("panel_leader", defn.leader(a))])
            for a, f in sorted(rec["failure_reasons"].items())]
    out += [("explanation", f"{e['applicant_id']}/{e['reviewer_id']}", {"explanation": e["text"]},
             [("reviewer", e["reviewer_id"])])
            for e in sorted(rec["flag_explanations"], key=lambda e: (e["applicant_id"], e["reviewer_id"]))]
    for s in sorted(rec["sheets"], key=lambda s: (s["applicant_id"], s["reviewer_id"], s["version"])):
        if s["status"] == "returned":
            out.append(("sheet_return", f"{s['applicant_id']}/{s['reviewer_id']}/{s['version']}",
                        {"reason": s["return_reason"]},
                        [("panel_leader", defn.leader(s["applicant_id"])), ("supervisor", witness)]))
    return out


def text_statement(session_id: str, kind: str, subject_: str, text: dict[str, str]) -> str:
    """FORMATS "Signed texts": the exact statement a text's author signs."""
    if not all(isinstance(v, str) for v in (session_id, kind, subject_, *text, *text.values())):
        raise TypeError("signed text fields must be strings")
    return canonical_json({"format": "zc-review signed text", "version": 1, "session": session_id, "kind": kind,
                           "subject": subject_, "text": text}).decode()


# ======================================================================================================
# The minutes PDF (FORMATS "PDF signatures", "The minutes digest"): a small reader of this one writer's PDFs
# ======================================================================================================

def _der(data: bytes, pos: int) -> tuple[int, int, int]:
    """One DER TLV at ``pos``: (tag byte, content start, content end)."""
    tag, n = data[pos], data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if not 1 <= k <= 4:
            raise ValueError("DER length")
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    if pos + n > len(data):
        raise ValueError("DER truncated")
    return tag, pos, pos + n


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """The TLVs inside [start, end): (tag, tlv start, content start, end)."""
    out = []
    while start < end:
        tag, c0, c1 = _der(data, start)
        out.append((tag, start, c0, c1))
        start = c1
    return out


_OID_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")
_OID_DATA = bytes.fromhex("06092a864886f70d010701")
_OID_CONTENT_TYPE = bytes.fromhex("06092a864886f70d010903")
_OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")
_OID_SHA256 = bytes.fromhex("0609608648016503040201")


def cms_check(cms: bytes, signed: bytes) -> tuple[x509.Certificate, bool, bool]:
    """A detached CMS SignedData (RFC 5652 §5) over ``signed``: (signer certificate, intact, valid).

    intact: the signed attribute messageDigest is SHA-256(signed) and contentType is id-data; valid: the
    ECDSA-SHA-256 signature of the DER of the signed attributes (as a SET, §5.4) verifies under the
    certificate named by the SignerInfo (issuer and serial number). Raises ValueError when malformed.
    """
    tag, c0, c1 = _der(cms, 0)
    ci = _children(cms, c0, c1)
    if tag != 0x30 or cms[ci[0][1]:ci[0][3]] != _OID_SIGNED_DATA or ci[1][0] != 0xA0:
        raise ValueError("not a CMS SignedData")
    _, s0, s1 = _der(cms, ci[1][2])
    sd = _children(cms, s0, s1)
    certs = [x509.load_der_x509_certificate(cms[t[1]:t[3]]) for t in _children(cms, sd[3][2], sd[3][3])] \
        if sd[3][0] == 0xA0 else []
    infos = _children(cms, sd[-1][2], sd[-1][3])
    if sd[-1][0] != 0x31 or len(infos) != 1:
        raise ValueError("one SignerInfo expected")
    si = _children(cms, infos[0][2], infos[0][3])
    sid, digest_alg, attrs, sig = si[1], si[2], si[3], si[5]
    sid_parts = _children(cms, sid[2], sid[3])
    issuer, serial = cms[sid_parts[0][1]:sid_parts[0][3]], int.from_bytes(cms[sid_parts[1][2]:sid_parts[1][3]], "big")
    cert = next(c for c in certs if c.serial_number == serial and c.issuer.public_bytes() == issuer)
    if attrs[0] != 0xA0 or cms[_children(cms, digest_alg[2], digest_alg[3])[0][1]:][:11] != _OID_SHA256:
        raise ValueError("signed attributes with SHA-256 expected")
    values = {}
    for a in _children(cms, attrs[2], attrs[3]):
        oid, vals = _children(cms, a[2], a[3])
        values[cms[oid[1]:oid[3]]] = cms[_children(cms, vals[2], vals[3])[0][1]:vals[3]]
    md = values.get(_OID_MESSAGE_DIGEST, b"")
    intact = md[2:] == hashlib.sha256(signed).digest() and values.get(_OID_CONTENT_TYPE) == _OID_DATA
    attrs_der = b"\x31" + cms[attrs[1] + 1:attrs[3]]
    return cert, intact, ecdsa_ok(cert, attrs_der, cms[sig[2]:sig[3]])


def _pdf_objects(pdf: bytes) -> dict[int, bytes]:
    """Object number → the text of its last definition up to ``stream``/``endobj`` (the latest revision)."""
    out = {}
    for m in re.finditer(rb"(?<![0-9])([0-9]+) ([0-9]+) obj\b", pdf):
        end = pdf.find(b"endobj", m.end())
        stream = pdf.find(b"stream", m.end(), end if end >= 0 else len(pdf))
        body = pdf[m.end(): stream if stream >= 0 else end]
        out[int(m.group(1))] = body
    return out


def _ref(body: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s+([0-9]+)\s+[0-9]+\s+R", body)
    return int(m.group(1)) if m else None


def read_minutes(pdf: bytes) -> tuple[str | None, list[dict[str, Any]]]:
    """(the catalog's ``/ZCReviewMinutesDigest`` or None, the signature fields in signing order).

    FORMATS "The minutes digest" / "PDF signatures": the last trailer's ``/Root`` names the catalog, whose
    latest definition holds the digest as a literal string of 64 hex digits; the catalog's ``/AcroForm``
    lists ``/Fields``; a signature field has ``/FT /Sig``, ``/T (name)`` and ``/V`` → the signature
    dictionary with ``/ByteRange [a b c d]`` and ``/Contents <hex of the CMS>``.
    """
    objs = _pdf_objects(pdf)
    roots = re.findall(rb"/Root\s+([0-9]+)\s+[0-9]+\s+R", pdf)
    if not roots:
        raise ValueError("no /Root")
    catalog = objs[int(roots[-1])]
    m = re.search(rb"/ZCReviewMinutesDigest\s*\(([0-9a-f]{64})\)", catalog)
    digest = m.group(1).decode() if m else None
    fields: list[dict[str, Any]] = []
    form_ref = _ref(catalog, b"AcroForm")
    form = objs[form_ref] if form_ref is not None else catalog.split(b"/AcroForm", 1)[-1]
    fm = re.search(rb"/Fields\s*\[([^\]]*)\]", form)
    for num in re.findall(rb"([0-9]+)\s+[0-9]+\s+R", fm.group(1) if fm else b""):
        field = objs[int(num)]
        if not re.search(rb"/FT\s*/Sig\b", field):
            continue
        name = re.search(rb"/T\s*\(([^)]*)\)", field)
        v = _ref(field, b"V")
        if v is None:
            continue
        sig = objs[v]
        br = re.search(rb"/ByteRange\s*\[\s*([0-9]+)\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)\s*\]", sig)
        contents = re.search(rb"/Contents\s*(<[0-9A-Fa-f]*>)", sig)
        if br is None or contents is None:
            raise ValueError("signature dictionary without /ByteRange or /Contents")
        a, b, c, d = (int(x) for x in br.groups())
        fields.append({"name": name.group(1).decode("latin-1") if name else "", "range": (a, b, c, d),
                       "cms": bytes.fromhex(contents.group(1)[1:-1].decode()), "contents": contents.group(1),
                       "gap": pdf[a + b:c] if c >= a + b else b""})
    fields.sort(key=lambda f: f["range"][2] + f["range"][3])
    return digest, fields


# ======================================================================================================
# The office's register of issued packages (FORMATS "Register of issued packages"; "The rehearsal mark")
# ======================================================================================================

REGISTER_FILE = "issued-packages.json"
MAX_REGISTER_BYTES = 16 << 20  # FORMATS "Register of issued packages": at most 16 MiB
REHEARSAL_PREFIX = "rehearsal-"  # FORMATS "The rehearsal mark": a rehearsal package's id begins so
_REGISTER_KEYS = {"entries", "format", "office_root_sha256", "signature", "version"}
_ENTRY_TEXTS = ("device_cert_sha256", "issued_at", "package_id", "session_id")
_ENTRY_KEYS = {*_ENTRY_TEXTS, "rehearsal", "source", "superseded_by"}


def device_cn(session_id: str, rehearsal: bool) -> str:
    """FORMATS "Certificates": the device certificate's CN, official or rehearsal (full-width parentheses)."""
    return f"会话设备\uff08演练\uff09 {session_id}" if rehearsal else f"会话设备 {session_id}"


def open_register(data: bytes, root: x509.Certificate) -> list[dict[str, Any]]:
    """The register's entries, oldest first, once its form and the office root's signature are checked.

    FORMATS "Register of issued packages": a JSON object of exactly five keys; ``format`` and ``version``
    fixed; every entry exactly seven keys of the stated types; ``office_root_sha256`` the SHA-256 of the
    root certificate's DER; ``signature`` (standard base64, padded) an ECDSA P-256 / SHA-256 DER signature
    by the root over the canonical JSON of the object without ``signature``. Raises Refused.
    """
    if len(data) > MAX_REGISTER_BYTES:
        raise Refused("register: file too large")
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or set(doc) != _REGISTER_KEYS:
            raise ValueError("keys")
        if doc["format"] != "zc-review package register" or doc["version"] != 1:
            raise ValueError("format or version")
        if not isinstance(doc["entries"], list):
            raise ValueError("entries")
        signature = base64.b64decode(doc.pop("signature"), validate=True)
        for e in doc["entries"]:
            if not isinstance(e, dict) or set(e) != _ENTRY_KEYS:
                raise ValueError("entry keys")
            if not all(isinstance(e[k], str) for k in _ENTRY_TEXTS) or not isinstance(e["rehearsal"], bool) \
                    or not (e["superseded_by"] is None or isinstance(e["superseded_by"], str)) \
                    or e["source"] not in ("pack", "recover", "register"):
                raise ValueError("entry types")
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise Refused(f"register: malformed ({type(exc).__name__}: {exc})") from None
    if doc["office_root_sha256"] != cert_sha256(root):
        raise Refused("register: another office root")
    if not ecdsa_ok(root, canonical_json(doc), signature):
        raise Refused("register: signature invalid")
    return list(doc["entries"])


DRAW_RECORDS = "draw-records"  # FORMATS "Draw record": filed at pack as <keys>/draw-records/<package id>.json
DRAW_ROLES = {"staff": "draw_staff", "supervisor": "draw_supervisor"}  # FORMATS "Draw record", step 5: the OU


def verify_draw_record(data: bytes, root: x509.Certificate) -> dict[str, Any]:
    """The draw record's body once its signatures are checked: FORMATS "Draw record", steps 1–5.

    ``format`` and ``version`` are dropped (not signed); ``office_root_sha256`` is the root's fingerprint;
    the root signs the canonical JSON of the rest without ``office_signature``; one signature per
    ``body.signers`` entry (at least one), each by that signer's certificate — issued directly by the root,
    valid (with the root) at ``body.drawn_at``, OU ``draw_staff``/``draw_supervisor`` as its role says, UID its
    id — over ``canonical_json(body)``. Raises Refused.
    """
    try:
        rest = {k: v for k, v in json.loads(data.decode("utf-8")).items() if k not in ("format", "version")}
        office = base64.b64decode(rest.pop("office_signature"), validate=True)
        body = rest["body"]
        sigs = [base64.b64decode(s, validate=True) for s in rest["signatures"]]
        signers = body["signers"]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Refused(f"draw record: malformed ({type(exc).__name__})") from None
    if rest.get("office_root_sha256") != cert_sha256(root):
        raise Refused("draw record: another office root")
    if not ecdsa_ok(root, canonical_json(rest), office):
        raise Refused("draw record: office signature invalid")
    if len(sigs) != len(signers) or not signers:
        raise Refused("draw record: signatures do not match signers")
    signed = canonical_json(body)
    at = dt.datetime.fromisoformat(str(body["drawn_at"]))
    for entry, sig in zip(signers, sigs, strict=True):
        cert = x509.load_pem_x509_certificate(str(entry["cert_pem"]).encode("ascii"))
        check_chain(cert, root, at)
        if subject(cert, NameOID.ORGANIZATIONAL_UNIT_NAME) != DRAW_ROLES.get(str(entry["role"])) \
                or subject(cert, NameOID.USER_ID) != entry["id"]:
            raise Refused("draw record: signer certificate does not match")
        if not ecdsa_ok(cert, signed, sig):
            raise Refused(f"draw record: signature of {entry['id']} invalid")
    return dict(body)


# ======================================================================================================
# The checks (ids as office verify's; FORMATS "An auditor's verifier")
# ======================================================================================================

class Verifier:
    """Runs the checks in order over one bundle; ``results`` is [(id, ok, detail)]."""

    def __init__(self, data: bytes, root: x509.Certificate, identity: X25519PrivateKey,
                 register: bytes | None = None, draw_records: Path | None = None) -> None:
        """``register``: the bytes of the office's ``issued-packages.json``, None when there is none;
        ``draw_records``: the office's ``draw-records`` folder (None: no draw record is looked for)."""
        self.data, self.root, self.identity, self.register_data = data, root, identity, register
        self.draw_records = draw_records
        self.register: list[dict[str, Any]] | None = None
        self.results: list[tuple[str, bool, str]] = []
        self.declared: dict[str, Any] | None = None
        self.per_rev: dict[str, dict[str, Any]] = {}
        self.certs: dict[str, x509.Certificate] = {}

    def check(self, cid: str, fn: Callable[[], str | None], gate: bool = False) -> bool:
        """Run one check: ``fn`` returns None (pass) or the problem; any exception is a failure."""
        try:
            problem = fn()
        except Refused as exc:
            problem = str(exc)
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, ArithmeticError, StopIteration) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        self.results.append((cid, problem is None, problem or ""))
        if gate and problem is not None:
            raise StopIteration
        return problem is None

    # -- the seal: FORMATS "Result bundle", verification order --------------------------------------------
    def seal_signature(self) -> None:
        parts = read_container(self.data, "result bundle", ["FORMAT", "manifest.json", "payload.age", "signature.der"])
        if len(parts["manifest.json"]) > MAX_MANIFEST_BYTES:
            raise Refused("manifest.json too large")
        m = json.loads(parts["manifest.json"].decode("utf-8"))
        keys = {"bundle_id", "created", "format", "format_version", "members", "package_id", "payload_sha256",
                "session_id", "signer_chain_pem"}
        if not isinstance(m, dict) or set(m) != keys:
            raise Refused("manifest fields differ from the format")
        if m["format"] != "zc-review result bundle" or m["format_version"] != 1:
            raise Refused("manifest format or version")
        if not all(isinstance(m[k], str) for k in ("bundle_id", "session_id", "package_id", "payload_sha256")):
            raise Refused("manifest ids must be strings")
        created = dt.datetime.fromisoformat(m["created"])
        if created.tzinfo is None:
            raise Refused("created lacks a UTC offset")
        if not isinstance(m["members"], dict) or not all(isinstance(v, str) and len(v) == 64
                                                         for v in m["members"].values()):
            raise Refused("members must map names to SHA-256 hex")
        name_re = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}"
        if any(not re.fullmatch(name_re, n) or "/." in n or n == "FORMAT" for n in m["members"]):
            raise Refused("bad member name")
        chain = m["signer_chain_pem"]
        if not isinstance(chain, list) or len(chain) != 1 or not isinstance(chain[0], str):
            raise Refused("signer_chain_pem must hold exactly the device certificate")
        self.device = x509.load_pem_x509_certificate(chain[0].encode("ascii"))
        if self.device.issuer != self.root.subject:
            raise Refused("device certificate not issued by the office root")
        check_chain(self.device, self.root, at=created)
        if not ecdsa_ok(self.device, parts["manifest.json"], parts["signature.der"]):
            raise Refused("manifest signature invalid")
        if hashlib.sha256(parts["payload.age"]).hexdigest() != m["payload_sha256"]:
            raise Refused("payload.age digest mismatch")
        self.manifest, self.payload = m, parts["payload.age"]

    def seal_contents(self) -> None:
        try:
            inner = age_decrypt(self.payload, self.identity)
        except ValueError as exc:
            raise Refused(f"age decryption failed: {exc}") from None
        names = sorted(self.manifest["members"])
        self.members = read_container(inner, "result bundle payload", ["FORMAT", *names])
        for n in names:
            if hashlib.sha256(self.members[n]).hexdigest() != self.manifest["members"][n]:
                raise Refused(f"member digest mismatch: {n}")

    # -- the record ----------------------------------------------------------------------------------------
    def record_parse(self) -> None:
        self.rec = json.loads(self.members["results.json"])
        self.log = json.loads(self.members["log.json"])
        self.defn = Definition(self.rec["session"])
        self.minutes = self.members["minutes.pdf"]

    def run(self) -> None:
        """All the checks, in office verify's order; a failed gate (size, seal, parse, minutes) stops."""
        try:
            self._run()
        except StopIteration:
            pass

    def _run(self) -> None:
        c = self.check
        c("bundle.size", lambda: None if len(self.data) <= MAX_BUNDLE_BYTES else "file too large", gate=True)
        c("seal.signature", self.seal_signature, gate=True)
        c("seal.contents", self.seal_contents, gate=True)
        c("record.parse", self.record_parse, gate=True)
        rec, defn, sid = self.rec, self.defn, self.defn.session_id
        c("record.format", lambda: None if rec.get("format") == "zc-review-record" and rec.get("version") == 1
          else f"{rec.get('format')!r} {rec.get('version')!r}")
        c("record.session_id", lambda: None if self.manifest["session_id"] == defn.session_id
          else f"manifest {self.manifest['session_id']!r}")
        c("record.package_id", lambda: None if self.manifest["package_id"] == rec.get("package_id")
          else f"manifest {self.manifest['package_id']!r}")
        c("record.package_mark", lambda: None if self.package_id.startswith(REHEARSAL_PREFIX) == defn.rehearsal
          else f"package id {self.package_id!r}, definition rehearsal={defn.rehearsal}")
        c("device.role", lambda: None if subject(self.device, NameOID.ORGANIZATIONAL_UNIT_NAME) == "device"
          else subject(self.device, NameOID.ORGANIZATIONAL_UNIT_NAME))
        c("device.name", self.device_name)
        c("device.rehearsal_mark", lambda: None if (self.device_cn == device_cn(sid, True)) == defn.rehearsal
          else f"device CN {self.device_cn!r}, definition rehearsal={defn.rehearsal}")
        c("register.present", self.register_present)
        c("register.package", self.register_package)
        c("register.device_cert", lambda: self.register_field(
            "device_cert_sha256", cert_sha256(self.device), "the device certificate is not the one issued"))
        c("register.official", lambda: self.register_field(
            "rehearsal", defn.rehearsal, "the package was issued as another kind (official / rehearsal)"))
        c("register.latest", lambda: self.register_field("superseded_by", None, "the package was superseded"))
        c("draw.record", self.draw_record)
        c("certs.chain", self.certs_chain)
        c("certs.holder", self.certs_holder)
        c("statements.signatures", lambda: self.signatures(rec["signatures"], lambda s: f"{s['kind']}:{s['person_id']}"))
        c("log.chain", self.log_chain)
        c("log.head", lambda: None if self.head == rec.get("log_head") else self.head)
        self.ballots()
        self.paper()
        ok = c("outcome.recompute", self.recompute)
        c("outcome.declared", lambda: self.declared_diff() if ok else "not recomputed")
        c("signoffs.complete", self.signoffs)
        c("outcome.final", lambda: None if (self.declared or {}).get("final") else "not final")
        c("texts.signatures", lambda: self.signatures(rec["text_signatures"],
                                                      lambda s: f"{s['kind']}:{s['subject']}:{s['person_id']}"))
        c("texts.complete", self.texts_complete)
        c("texts.reasons", self.texts_reasons)
        c("texts.signers", self.texts_signers)
        c("texts.authors", self.texts_authors)
        c("minutes.parse", self.minutes_parse, gate=True)
        c("minutes.fields", lambda: None if [f["name"] for f in self.fields] == ["Recorder", "PresidingOfficer"]
          else "fields " + ",".join(f["name"] for f in self.fields))
        c("minutes.signatures", self.minutes_signatures)
        c("minutes.signers", self.minutes_signers)
        c("minutes.coverage", self.minutes_coverage)
        c("digest.minutes", self.digest_minutes)
        c("paper.keyed_twice", self.paper_keyed_twice)
        c("paper.check_codes", self.paper_check_codes)
        c("paper.settled", self.paper_settled)
        c("paper.confirmations", self.paper_confirmations)

    # -- the marks and the register: FORMATS "The rehearsal mark", "Register of issued packages" ------------
    @property
    def package_id(self) -> str:
        """The package the record says it answers (``results.json`` → ``package_id``), as text."""
        return str(self.rec.get("package_id"))

    @property
    def device_cn(self) -> str:
        return subject(self.device, NameOID.COMMON_NAME)

    def device_name(self) -> str | None:
        """FORMATS "Certificates": CN exactly ``会话设备 <session id>`` or ``会话设备（演练） <session id>``."""
        sid = self.defn.session_id
        return None if self.device_cn in (device_cn(sid, False), device_cn(sid, True)) else self.device_cn

    def register_present(self) -> str | None:
        if self.register_data is None:
            return f"no register of issued packages ({REGISTER_FILE}) in the keys folder"
        self.register = open_register(self.register_data, self.root)
        return None

    def register_entry(self) -> dict[str, Any] | None:
        """The first entry with the record's package id, when it is for the definition's session."""
        entry = next((e for e in self.register or [] if e["package_id"] == self.package_id), None)
        return entry if entry is not None and entry["session_id"] == self.defn.session_id else None

    def register_package(self) -> str | None:
        if self.register is None:
            return "not checked (no usable register)"
        entry = next((e for e in self.register if e["package_id"] == self.package_id), None)
        if entry is None:
            return f"package {self.package_id!r} not in the register"
        if entry["session_id"] != self.defn.session_id:
            return f"package {self.package_id!r} registered for session {entry['session_id']!r}"
        return None

    def register_field(self, key: str, want: Any, problem: str) -> str | None:
        """The registered entry's ``key`` equals ``want`` (not checked, so failed, without an entry)."""
        entry = self.register_entry()
        if entry is None:
            return "not checked (no usable register, or the package is not registered for this session)"
        return None if entry[key] == want else f"{problem}: register {entry[key]!r}, bundle {want!r}"

    def draw_record(self) -> str | None:
        """FORMATS "Draw record", "Checking a bundle against it": no file passes; else signed (steps 1–5), of
        this session, with the definition's reviewers in their committee roles."""
        path = None if self.draw_records is None else self.draw_records / f"{self.package_id}.json"
        if path is None or not path.is_file():
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            return f"draw record {path}: cannot be read ({exc})"
        body = verify_draw_record(data, self.root)
        drawn = sorted((str(m.get("reviewer", m["expert"])), str(m["committee_role"])) for m in body["members"])
        given = sorted((r["id"], r["committee_role"]) for r in self.defn.d["reviewers"])
        if body["session_id"] != self.defn.session_id or drawn != given:
            return f"draw record {path}: another session or other members / committee roles"
        return None

    def certs_chain(self) -> str | None:
        bad = []
        self.chained: dict[str, x509.Certificate] = {}
        for pid, pem in self.rec["certificates"].items():
            try:
                cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
                check_chain(cert, self.root)
                self.chained[pid] = cert
            except (Refused, ValueError, TypeError, AttributeError, UnicodeEncodeError):
                bad.append(pid)
        return ", ".join(bad) or None

    def certs_holder(self) -> str | None:
        """FORMATS "Person certificates": UID = the person id, CN = the definition's name of that person."""
        bad = []
        for pid, cert in self.chained.items():
            if subject(cert, NameOID.USER_ID) == pid and pid in self.defn.names \
                    and subject(cert, NameOID.COMMON_NAME) == self.defn.names[pid]:
                self.certs[pid] = cert
            else:
                bad.append(pid)
        return ", ".join(bad) or None

    def signatures(self, sigs: list[dict[str, Any]], label: Callable[[dict[str, Any]], str]) -> str | None:
        bad = []
        for s in sigs:
            cert = self.certs.get(s["person_id"])
            try:
                good = cert is not None and ecdsa_ok(cert, s["statement"].encode("utf-8"),
                                                     base64.b64decode(s["signature"], validate=True))
            except ValueError:
                good = False
            if not good:
                bad.append(label(s))
        return "; ".join(bad[:5]) or None

    # -- the log: FORMATS "The log" ----------------------------------------------------------------------------
    def log_chain(self) -> str | None:
        prev, self.head = "0" * 64, "0" * 64
        for e in self.log:
            body = {k: e[k] for k in ("seq", "at", "actor", "role", "action", "detail")}
            h = hashlib.sha256(prev.encode() + canonical_json(body)).hexdigest()
            if e["prev_hash"] != prev or e["hash"] != h:
                self.head = prev
                return f"第 {int(e['seq'])} 条断链"
            prev = self.head = h
        return None

    # -- the ballots: FORMATS "Rounds"; RULES §5 -----------------------------------------------------------
    def ballots(self) -> None:
        rec = self.rec
        attending = {r for r, v in rec["attendance"].items() if v} if isinstance(rec.get("attendance"), dict) else set()
        recused: dict[str, set[str]] = {}
        casts: dict[int, int] = {}
        prepared: list[bool] = []

        def prepare() -> None:
            for rc in rec["recusals"]:
                recused.setdefault(rc["applicant_id"], set()).add(rc["reviewer_id"])
            for e in self.log:
                if e.get("action") == "ballot_cast":
                    n = int(e.get("detail", {}).get("round", 0))
                    casts[n] = casts.get(n, 0) + 1

        def rounds() -> list[dict[str, Any]]:
            if not prepared:
                prepare()
                prepared.append(True)
            return [r for r in rec["rounds"] if r["status"] in ("closed", "void")]

        def rule(fn: Callable[[dict[str, Any]], list[str]]) -> Callable[[], str | None]:
            def run() -> str | None:
                problems = [p for r in rounds() for p in fn(r)]
                return "; ".join(problems[:5]) or None
            return run

        def count(r: dict[str, Any]) -> list[str]:
            voters = set(r["voters"])
            return [f"round {r['round_no']} {a}: {n} ballots" for a in r["applicants"]
                    if (n := sum(1 for s in r["slips"] if s[1] == a)) != len(voters - recused.get(a, set()))]

        def revoted(r: dict[str, Any]) -> bool:
            return any(x["round_no"] > r["round_no"] and x["applicants"] == r["applicants"] for x in rec["rounds"])

        def box(r: dict[str, Any]) -> str:
            return hashlib.sha256("".join(f"{i}:{a}:{c}\n" for i, a, c in sorted(r["slips"])).encode()).hexdigest()

        n = rec["rounds"] if isinstance(rec.get("rounds"), list) else None
        c = self.check
        c("ballots.round_numbers", lambda: None if [r["round_no"] for r in n or []] == list(range(1, len(n or []) + 1))
          and n is not None else "round numbers")
        c("ballots.round_status", lambda: "; ".join(f"round {r['round_no']} {r['status']}" for r in rec["rounds"]
                                                    if r["status"] not in ("closed", "void"))[:500] or None)
        c("ballots.voter_roll", rule(lambda r: [] if len(r["voters"]) == len(set(r["voters"]))
                                     and len(r["voters"]) <= len(attending) else [f"round {r['round_no']} voter roll"]))
        c("ballots.casts_logged", rule(lambda r: [] if casts.get(r["round_no"], 0) == len(r["voters"])
                                       else [f"round {r['round_no']} {casts.get(r['round_no'], 0)} casts logged"]))
        c("ballots.slip_applicants", rule(lambda r: [f"round {r['round_no']} foreign slip"] if any(
            s[1] not in r["applicants"] for s in r["slips"]) else []))
        c("ballots.slip_choices", rule(lambda r: [f"round {r['round_no']} invalid choice"] if any(
            s[2] not in ("agree", "disagree", "abstain") for s in r["slips"]) else []))
        c("ballots.void_reason", rule(lambda r: [] if r["status"] != "void" or r["void_reason"].strip()
                                      else [f"round {r['round_no']} void without reason"]))
        c("ballots.void_revoted", rule(lambda r: [] if r["status"] != "void" or revoted(r)
                                       else [f"round {r['round_no']} void without re-vote"]))
        c("ballots.box_fingerprint", rule(lambda r: [] if box(r) == r["box_sha256"]
                                          else [f"round {r['round_no']} fingerprint"]))
        c("ballots.voters_attending", rule(lambda r: [] if set(r["voters"]) <= attending
                                           else [f"round {r['round_no']} voter not attending"]))
        c("ballots.ballot_count", rule(count))
        c("ballots.slip_ids", rule(lambda r: [] if len({s[0] for s in r["slips"]}) == len(r["slips"])
                                   else [f"round {r['round_no']} duplicate slip"]))

    # -- paper ballots: FORMATS "Paper rounds"; RULES §5 ("Configurable medium") ------------------------------
    def paper(self) -> None:
        rec, c = self.rec, self.check
        sid = self.defn.session_id

        def rounds() -> list[dict[str, Any]]:
            return [r for r in rec["rounds"] if r["status"] in ("closed", "void") and r.get("medium", "laptop") == "paper"]

        def attending() -> set[str]:
            return {r for r, v in rec["attendance"].items() if v}

        def recused(a: str) -> set[str]:
            return {x["reviewer_id"] for x in rec["recusals"] if x["applicant_id"] == a}

        def each(fn: Callable[[dict[str, Any]], list[str]]) -> Callable[[], str | None]:
            return lambda: "; ".join([p for r in rounds() for p in fn(r)][:5]) or None

        def medium() -> str | None:
            mode, out = self.defn.d.get("ballot_mode", "laptop"), []
            for r in rec["rounds"]:
                m = r.get("medium", "laptop")
                if m != mode:
                    out.append(f"round {r['round_no']} {m}, session {mode}")
                elif m == "paper" and (r["slips"] or r["voters"]):
                    out.append(f"round {r['round_no']} paper round with slips or voters")
            return "; ".join(out[:5]) or None

        def sums(r: dict[str, Any]) -> list[str]:
            agreed, n, out = r["tally"]["agreed"], r["round_no"], []
            if set(agreed) != set(r["applicants"]):
                out.append(f"round {n} counts not for its applicants")
            for a in [x for x in r["applicants"] if x in agreed]:
                try:
                    ag, di, ab, bl, ret = paper_count(agreed[a])
                except ValueError:
                    out.append(f"round {n} {a}: tally_not_count")
                    continue
                eligible = len(attending() - recused(a))
                if ret > len(attending()):
                    out.append(f"round {n} {a}: tally_returned_over_attending")
                elif ret > eligible:
                    out.append(f"round {n} {a}: tally_returned_over_eligible")
                elif ag + di + ab + bl > ret:
                    out.append(f"round {n} {a}: tally_exceeds_returned")
                elif ag + di + ab + bl < ret:
                    out.append(f"round {n} {a}: tally_short_of_returned")
            return out

        def replay(r: dict[str, Any]) -> tuple[dict[str, list[int]], list[str], list[str]]:
            """FORMATS "Paper rounds": (agreed, due, tellers) from the keyings; ValueError when out of order."""
            agreed: dict[str, list[int]] = {}
            due, tellers, pass_no, first = list(r["applicants"]), [], 1, None
            for k in r["tally"]["keyings"]:
                counts = {a: paper_count(v) for a, v in k["counts"].items()}
                if not due or k["pass"] != pass_no or set(counts) != set(due) or k["teller"] == (first or {}).get("teller") \
                        or (tellers and k["teller"] not in tellers):
                    raise ValueError("out of order")
                if first is None:
                    first = {"teller": k["teller"], "counts": counts}
                    continue
                tellers = tellers or [first["teller"], k["teller"]]
                differ = [a for a in due if first["counts"][a] != counts[a]]
                agreed.update({a: counts[a] for a in due if a not in differ})
                due, pass_no, first = differ, pass_no + 1, None
            return agreed, due, tellers

        def keyings(r: dict[str, Any]) -> list[str]:
            n = r["round_no"]
            allowed = attending() | {s["id"] for s in self.defn.d["staff"] if s["role"] == "recorder"}
            try:
                agreed, due, tellers = replay(r)
            except (ValueError, KeyError, TypeError, AttributeError):
                return [f"round {n} keyings: out of order"]
            out = []
            if due:
                out.append(f"round {n} not agreed: {len(due)} applicants")
            fields = ("agree", "disagree", "abstain", "blank", "returned")
            if {a: dict(zip(fields, v, strict=True)) for a, v in agreed.items()} != r["tally"]["agreed"]:
                out.append(f"round {n} agreed counts are not the keyings'")
            if tellers != r["tally"]["tellers"] or len(set(tellers)) != 2:
                out.append(f"round {n} tellers")
            if any(t not in allowed for t in tellers):
                out.append(f"round {n} teller not allowed")
            return out

        def signed(r: dict[str, Any]) -> list[str]:
            n, out = r["round_no"], []
            mine = [s for s in rec["signatures"] if s["kind"] == "tally_keying" and s["subject"].startswith(f"round-{n}-pass-")]
            if len(mine) != len(r["tally"]["keyings"]):
                out.append(f"round {n} {len(mine)} signed keyings of {len(r['tally']['keyings'])}")
            for k in r["tally"]["keyings"]:
                text = "zc-review tally keying\n" + canonical_json(
                    {"session_id": sid, "round": n, "pass": k["pass"], "teller": k["teller"], "counts": k["counts"]}).decode()
                if not any(s["person_id"] == k["teller"] and s["statement"] == text for s in mine):
                    out.append(f"round {n} pass {k['pass']} keying of {k['teller']} unsigned")
            return out

        def witness(r: dict[str, Any]) -> list[str]:
            n = r["round_no"]
            sup = next(s["id"] for s in self.defn.d["staff"] if s["role"] == "supervisor")
            text = "zc-review tally witness\n" + canonical_json(
                {"session_id": sid, "round": n, "tellers": r["tally"]["tellers"], "agreed": r["tally"]["agreed"]}).decode()
            ws = [s for s in rec["signatures"] if s["kind"] == "tally_witness" and s["subject"] == f"round-{n}"]
            ok = len(ws) == 1 and ws[0]["person_id"] == sup and ws[0]["role"] == "supervisor" \
                and ws[0]["statement"] == text and r["tally"]["witness"] == sup
            return [] if ok else [f"round {n} witness"]

        c("paper.medium", medium)
        c("paper.tally_sums", each(sums))
        c("paper.keyings", each(keyings))
        c("paper.tellers_signed", each(signed))
        c("paper.witness_signed", each(witness))

    # -- the outcome ------------------------------------------------------------------------------------------
    def recompute(self) -> None:
        self.declared, self.per_rev = recompute(self.defn, self.rec)

    def declared_diff(self) -> str | None:
        def diff(a: Any, b: Any, path: str = "") -> list[str]:
            if isinstance(a, dict) and isinstance(b, dict):
                return [x for k in sorted(set(a) | set(b), key=str) for x in diff(a.get(k), b.get(k), f"{path}/{k}")]
            return [] if a == b else [f"{path}: {b!r} ≠ {a!r}"]
        return "; ".join(diff(self.declared, self.rec.get("declared"))[:5]) or None

    def signoffs(self) -> str | None:
        """FORMATS "Result sign-offs": every attending reviewer signed a statement naming the SHA-256 of the
        canonical recomputed numbers."""
        if not self.declared:  # nothing recomputed: no digest to find (an empty one is in every statement)
            return "not recomputed"
        digest = hashlib.sha256(canonical_json(self.declared)).hexdigest()
        attending = {r for r, v in self.rec["attendance"].items() if v}
        signed = [s for s in self.rec["signatures"] if s["kind"] == "results" and digest in s["statement"]]
        ok = {s["person_id"] for s in signed} == attending and bool(attending)
        return None if ok else f"{len(signed)} of {len(attending)} signed the recomputed results"

    # -- the texts: FORMATS "Signed texts" ----------------------------------------------------------------
    def _text_index(self) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {(s["kind"], s["subject"], s["role"]): s for s in self.rec["text_signatures"]}

    def texts_complete(self) -> str | None:
        have, problems = self._text_index(), []
        for kind, subj, text, signers in expected_texts(self.defn, self.rec):
            want = text_statement(self.defn.session_id, kind, subj, text)
            for role, _ in signers:
                s = have.get((kind, subj, role))
                if s is None or s["statement"] != want:
                    problems.append(f"{kind}:{subj}:{role} " + ("unsigned" if s is None else "text differs"))
        return "; ".join(problems[:5]) or None

    def texts_reasons(self) -> str | None:
        """FORMATS "Signed texts": every applicant the recomputed outcome does not pass has a failure reason."""
        problems = [f"failure_reason:{a} missing" for a, n in sorted((self.declared or {}).get("applicants", {}).items())
                    if n["outcome"] not in (None, "passed") and a not in self.rec["failure_reasons"]]
        return "; ".join(problems[:5]) or None

    def texts_signers(self) -> str | None:
        have, problems = self._text_index(), []
        attending = {r for r, v in self.rec["attendance"].items() if v}
        for kind, subj, _, signers in expected_texts(self.defn, self.rec):
            for role, person in signers:
                s = have.get((kind, subj, role))
                if s is None:
                    continue
                in_room = role not in ("panel_leader", "reviewer") or person in attending
                if person is None or s["person_id"] != person or not in_room:
                    problems.append(f"{kind}:{subj}:{role} signed by {s['person_id']}")
        return "; ".join(problems[:5]) or None

    def texts_authors(self) -> str | None:
        """FORMATS "Signed texts": each failure reason's ``author_id`` is the ``person_id`` of its signature."""
        have, problems = self._text_index(), []
        for a, fr in sorted(self.rec["failure_reasons"].items()):
            s = have.get(("failure_reason", a, "panel_leader"))
            if s is not None and fr.get("author_id") != s["person_id"]:
                problems.append(f"failure_reason:{a} author differs")
        return "; ".join(problems[:5]) or None

    # -- the minutes --------------------------------------------------------------------------------------
    def minutes_parse(self) -> None:
        try:
            self.catalog_digest, self.fields = read_minutes(self.minutes)
            for f in self.fields:
                a, b, c, d = f["range"]
                signed = self.minutes[a:a + b] + self.minutes[c:c + d]
                f["cert"], f["intact"], f["valid"] = cms_check(f["cms"], signed)
        except (ValueError, KeyError, IndexError, StopIteration, TypeError) as exc:
            raise Refused(f"minutes unreadable: {type(exc).__name__}") from None

    def minutes_signatures(self) -> str | None:
        bad = []
        for f in self.fields:
            a, b, c, d = f["range"]
            covered = a == 0 and f["gap"] == f["contents"]  # the signed ranges leave out exactly /Contents
            try:
                check_chain(f["cert"], self.root)
                trusted = True
            except Refused:
                trusted = False
            if not (f["intact"] and f["valid"] and trusted and covered):
                bad.append(f"{f['name']} invalid")
        return "; ".join(bad) or None

    def minutes_signers(self) -> str | None:
        recorder = next(iter(self.defn.staff_ids("recorder")), None)
        who = {"Recorder": recorder, "PresidingOfficer": self.rec.get("presiding_officer_id")}
        bad = [f"{f['name']} signer" for f in self.fields
               if not ((p := who.get(f["name"])) is not None and p in self.certs
                       and cert_sha256(f["cert"]) == cert_sha256(self.certs[p]))]
        return "; ".join(bad) or None

    def minutes_coverage(self) -> str | None:
        if not self.fields:
            return None
        a, b, c, d = self.fields[-1]["range"]
        whole = a == 0 and c + d == len(self.minutes)
        return None if whole else "unsigned bytes after last signature"

    def digest_minutes(self) -> str | None:
        try:
            if self.declared is None:
                self.recompute()
            assert self.declared is not None
            want = minutes_digest(self.defn, self.rec, self.declared, self.per_rev)
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, ArithmeticError) as exc:
            return f"not recomputed: {type(exc).__name__}: {exc}"
        got = self.catalog_digest
        return None if got == want else f"minutes carry {got}, record gives {want}"

    # -- paper score sheets: FORMATS "Paper score sheets" ------------------------------------------------------
    def _paper(self) -> list[dict[str, Any]]:
        return list(self.rec.get("paper_sheets", []))

    @staticmethod
    def _paper_values_sha256(values: dict[str, Any]) -> str:
        return hashlib.sha256(canonical_json(values)).hexdigest()

    @staticmethod
    def _paper_diff(first: dict[str, Any], second: dict[str, Any], criteria: list[str]) -> list[str]:
        def same(a: Any, b: Any) -> bool:
            if a is None or b is None:
                return a is b
            return bool(Decimal(a) == Decimal(b))
        return [c for c in criteria if (c in first) != (c in second) or not same(first.get(c), second.get(c))]

    def paper_keyed_twice(self) -> str | None:
        staff = {s["id"] for s in self.defn.d["staff"]}
        logged: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for e in self.log:
            if e["action"] == "paper_sheet_keyed":
                logged.setdefault((e["detail"]["sheet"], int(e["detail"]["keying"])), []).append(e)
        problems = []
        for sh in self._paper():
            sid, keyings = sh["sheet_id"], sh["keyings"]
            if len(keyings) != 2:
                problems.append(f"{sid} keyed {len(keyings)} times")
                continue
            if keyings[0]["keyer"] == keyings[1]["keyer"]:
                problems.append(f"{sid} keyed twice by {keyings[0]['keyer']}")
            problems += [f"{sid} keyer {k['keyer']} is not staff" for k in keyings if k["keyer"] not in staff]
            for n, k in enumerate(keyings, start=1):
                es = logged.get((sid, n), [])
                if len(es) != 1 or es[0]["actor"] != k["keyer"] or \
                        es[0]["detail"].get("values_sha256") != self._paper_values_sha256(k["values"]):
                    problems.append(f"{sid} keying {n} differs from the log")
        return "; ".join(problems[:5]) or None

    def paper_check_codes(self) -> str | None:
        problems = []
        for sh in self._paper():
            a = self.defn.find("applicants", sh["applicant_id"])
            rubric = self.defn.find("rubrics", self.defn.find("panels", a["panel_id"])["rubric_id"])
            sid = f"{a['code']}-{sh['reviewer_id']}"
            msg = "\n".join((sid, rubric["id"], rubric["version"])).encode()
            mac = hmac.new(self.defn.session_id.encode(), msg, hashlib.sha256).digest()
            code = base64.b32encode(mac[:5]).decode()[:8]
            if sh["sheet_id"] != sid or sh["check_code"] != code or \
                    (sh["rubric_id"], sh["rubric_version"]) != (rubric["id"], rubric["version"]):
                problems.append(f"{sh['sheet_id']} check code or rubric differs")
        return "; ".join(problems[:5]) or None

    def paper_settled(self) -> str | None:
        sheets = {(s["reviewer_id"], s["applicant_id"], s["version"]): s for s in self.rec["sheets"]}
        problems = []
        for sh in self._paper():
            sid, keyings = sh["sheet_id"], sh["keyings"]
            if len(keyings) != 2:
                continue
            criteria = [c["id"] for c in self.defn.find("rubrics", sh["rubric_id"])["criteria"]]
            want = self._paper_diff(keyings[0]["values"], keyings[1]["values"], criteria)
            have = [m["criterion"] for m in sh["mismatches"]]
            if sorted(want) != sorted(have):
                problems.append(f"{sid} mismatches {have} but keyings differ in {want}")
            for m in sh["mismatches"]:
                if m.get("settled_at") is None or sorted(m.get("settled_by") or []) != sorted(k["keyer"] for k in keyings):
                    problems.append(f"{sid} {m['criterion']} not settled by both keyers")
            final = dict(keyings[0]["values"]) | {m["criterion"]: m.get("settled") for m in sh["mismatches"]}
            if sh.get("confirmation") is None:
                problems.append(f"{sid} not confirmed")
                continue
            target = sheets.get((sh["reviewer_id"], sh["applicant_id"], sh["sheet_version"]))
            if target is None or target["status"] not in ("submitted", "returned"):
                problems.append(f"{sid} has no submitted sheet")
            elif target["values"] != final or (target["rubric_id"], target["rubric_version"]) != \
                    (sh["rubric_id"], sh["rubric_version"]):
                problems.append(f"{sid} submitted sheet differs from the keyed values")
        return "; ".join(problems[:5]) or None

    def paper_confirmations(self) -> str | None:
        attending = {r for r, v in self.rec["attendance"].items() if v}
        supervisors = self.defn.staff_ids("supervisor")
        problems = []
        for sh in self._paper():
            c = sh.get("confirmation")
            if c is None:
                continue
            if self.defn.rules["paper_sheet_confirmation"] == "reviewer":
                ok = c["person_id"] == sh["reviewer_id"] and c["role"] == "reviewer" and c["person_id"] in attending
            else:
                ok = c["person_id"] in supervisors and c["role"] == "supervisor"
            if not ok:
                problems.append(f"{sh['sheet_id']} confirmed by {c['person_id']}")
            settled = {m["criterion"]: m["settled"] for m in sh["mismatches"]}
            want = canonical_json({
                "format": "zc-review paper sheet", "version": 1, "session": self.defn.session_id,
                "sheet": sh["sheet_id"], "reviewer": sh["reviewer_id"], "applicant": sh["applicant_id"],
                "rubric": sh["rubric_id"], "rubric_version": sh["rubric_version"],
                "keyers": [k["keyer"] for k in sh["keyings"]],
                "values": dict(sh["keyings"][0]["values"]) | settled, "settled": settled}).decode()
            if c["statement"] != want:
                problems.append(f"{sh['sheet_id']} statement differs")
                continue
            cert = self.certs.get(c["person_id"])
            if cert is None or not ecdsa_ok(cert, c["statement"].encode(), base64.b64decode(c["signature"], validate=True)):
                problems.append(f"{sh['sheet_id']} signature invalid")
        return "; ".join(problems[:5]) or None

    # -- the verdict ------------------------------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        return bool(self.results) and all(ok for _, ok, _ in self.results) and self.results[-1][0] == "paper.confirmations"

    def failed(self) -> list[str]:
        return [cid for cid, ok, _ in self.results if not ok]

    def rehearsal(self) -> list[str]:
        """Which rehearsal marks the bundle carries (FORMATS "Rehearsals"), empty when none."""
        marks = []
        if getattr(self, "defn", None) is not None and self.defn.rehearsal:
            marks.append("the session definition says rehearsal: true")
        pid = getattr(self, "manifest", {}).get("package_id", "")
        if isinstance(pid, str) and pid.startswith(REHEARSAL_PREFIX):
            marks.append(f"package id {pid!r}")
        if getattr(self, "defn", None) is None:
            return marks
        if self.device_cn == device_cn(self.defn.session_id, True):
            marks.append(f"device certificate CN {self.device_cn!r}")
        entry = self.register_entry()
        if entry is not None and entry["rehearsal"]:
            marks.append("the register issued the package as a rehearsal")
        return marks


def load_keys(keys_dir: Path, identity_file: Path | None) -> tuple[x509.Certificate, X25519PrivateKey,
                                                                  bytes | None]:
    """FORMATS "Office key files": ``root-cert.pem``, ``office-age-identity.txt`` (or ``--identity``; a
    passphrase-protected ``office-age-identity.age`` is first decrypted with ``age -d``) and the register
    ``issued-packages.json`` (None when absent: ``register.present`` then fails). Raises OSError when a file
    exists but cannot be read, ValueError when the identity is not an age X25519 identity."""
    root = x509.load_pem_x509_certificate((keys_dir / "root-cert.pem").read_bytes())
    path = identity_file or keys_dir / "office-age-identity.txt"
    if not path.exists():
        raise FileNotFoundError(f"{path} (a passphrase-protected identity: run `age -d -o identity.txt "
                                f"{keys_dir / 'office-age-identity.age'}` and pass --identity identity.txt)")
    try:
        register: bytes | None = (keys_dir / REGISTER_FILE).read_bytes()
    except FileNotFoundError:
        register = None
    return root, parse_age_identity(path.read_text("utf-8")), register


def main(argv: Iterable[str] | None = None) -> int:
    """The command line (see the module docstring). Returns the exit status."""
    ap = argparse.ArgumentParser(description="Verify a zc-review result bundle independently of zc-review.")
    ap.add_argument("--keys", type=Path, required=True, help="the office keys folder (root-cert.pem, identity)")
    ap.add_argument("--identity", type=Path, help="the office age identity file, if not in --keys")
    ap.add_argument("--declared-out", type=Path, help="write the recomputed declared numbers (JSON) here")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("bundle", type=Path)
    args = ap.parse_args(list(argv) if argv is not None else None)
    try:
        data = args.bundle.read_bytes()
        root, identity, register = load_keys(args.keys, args.identity)
    except (OSError, ValueError) as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    v = Verifier(data, root, identity, register, args.keys / DRAW_RECORDS)
    v.run()
    if args.declared_out and v.declared is not None:
        args.declared_out.write_text(json.dumps(v.declared, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                     "utf-8")
    rehearsal = v.rehearsal()
    if args.json:
        print(json.dumps({"accepted": v.ok, "failed": v.failed(), "checks": v.results, "rehearsal": rehearsal,
                          "sha256": hashlib.sha256(data).hexdigest(), "declared": v.declared},
                         ensure_ascii=False, indent=1))
    else:
        for cid, ok, detail in v.results:
            print(f"{'ok  ' if ok else 'FAIL'}  {cid:<26} {detail[:160]}")
        print(f"bundle SHA-256: {hashlib.sha256(data).hexdigest()}")
        print("rehearsal: " + ("yes (" + "; ".join(rehearsal) + ")" if rehearsal else "no"))
        print("ACCEPTED" if v.ok else "REFUSED: " + ", ".join(v.failed()))
    return 0 if v.ok else 1


if __name__ == "__main__":
    sys.exit(main())
