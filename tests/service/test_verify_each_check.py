"""One negative test per verification check (issue 15): for each id of ``CHECK_IDS`` a bundle that breaks
exactly that rule, re-sealed with real keys, fails exactly that check — with its own id and a detail
naming the problem — and the auditor's verifier (tools/verify_bundle_standalone.py, imported as a file)
fails the same checks.

How a tampered bundle is made: the genuine demo bundle (``demo_bundles``) is opened once per module with
the office's keys; each case edits a copy of its record, log or minutes, then :func:`build` makes the rest
of the bundle consistent again, as an insider holding every key of the session would: the log re-chained
(and ``log_head`` set to its new head), ``declared`` set to the numbers recomputed from the edited record,
every attending reviewer's results sign-off signed again over their digest (each reviewer's own key,
from the demo's credentials), the minutes signed again by the recorder and the presiding officer over the
recomputed minutes digest (the first revision of the genuine minutes with the digest in its catalog
replaced, then both approval signatures with their own keys; the printed pages are not re-rendered, no
check reads them), and sealed with the session's device key (or, for the device's checks, a device
certificate issued by the office root key and entered in the register, re-signed by that key). Each step
is left out when it is what the case breaks (``declared`` for ``outcome.declared``, the sign-offs for
``signoffs.complete``, the minutes for ``digest.minutes``, the chain for ``log.chain``).

What "exactly that check" means: every check ran and the failed ids are ``[that id]``; for a gate (the
file's size, the seal, the record's parsing, the minutes' parsing: a failure ends the run) the failed id is
the last one that ran and the only failure.

Checks that cannot fail alone (docs/DESIGN.md "One negative test per check"), tested as closely as
possible — the check under test fails first and the others that fail are the ones that depend on it, with
a detail saying they could not be checked:

- ``register.present``: without a usable register none of the package's entries can be read, so
  ``register.package``, ``register.device_cert``, ``register.official`` and ``register.latest`` fail too
  ("未核对").
- ``register.package``: a package not registered for this session has no entry to compare the device
  certificate, the kind and the replacement with: the three later ``register.*`` fail too ("未核对").
- ``outcome.recompute``: when the outcome cannot be recomputed there are no numbers to compare the
  declared ones with (``outcome.declared``: "not recomputed"), no digest for the sign-offs
  (``signoffs.complete``), no finality (``outcome.final``) and no minutes digest (``digest.minutes``).

``bundle.size`` is refused before the file is read (a sparse file one byte over 1 GiB); the standalone
verifier reads the whole file first, so it is not run on that case (1 GiB read, for a comparison of
``len`` with a constant). ``draw.record`` reads the draw record the office filed at pack beside its register
(issue 11, ``<keys>/draw-records/<package id>.json``); the auditor's verifier reads the same file from the keys
folder it is given (docs/FORMATS.md "Draw record") and must agree.
"""

from __future__ import annotations

import base64
import copy
import importlib.util
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Packed
from tests.service.test_signed_texts import _key

TOOL = ROOT / "tools" / "verify_bundle_standalone.py"
FAILED = "A004"  # below 2/3 in the demo: it has a failure reason, written by its panel's leader R02
ABSENT = "R17"  # the demo's one absent reviewer: no signature of any kind
_REGISTER_DEPENDENTS = ["register.device_cert", "register.official", "register.latest"]
_NOT_CHECKED = "未核对"  # the start of the register checks' detail when there is nothing to compare with


# -- the decrypted base, once per module ----------------------------------------------------------------------

@dataclass
class Base:
    """The genuine demo bundle, decrypted: its members, record and log, and the keys to re-sign them."""

    demo: Packed
    members: dict[str, bytes]
    manifest: dict[str, Any]
    record: dict[str, Any]
    log: list[dict[str, Any]]
    office: Any  # OfficeKeys

    def person_key(self, person: str) -> Any:
        return _person_key(self.demo, person)

    @property
    def recorder(self) -> str:
        return next(s["id"] for s in self.record["session"]["staff"] if s["role"] == "recorder")

    @property
    def presiding(self) -> str:
        return str(self.record["presiding_officer_id"])


_KEYS: dict[str, Any] = {}


def _person_key(demo: Packed, person: str) -> Any:
    if person not in _KEYS:
        _KEYS[person] = _key(demo, person)
    return _KEYS[person]


@pytest.fixture(scope="module")
def base(demo: Packed, demo_bundles: tuple[Path, Path]) -> Base:
    from zc_review.seal.bundle import open_bundle
    from zc_review.seal.pki import load_office_keys

    office = load_office_keys(demo.keys)
    contents = open_bundle(demo_bundles[1].read_bytes(), [office.root_cert], office.age_identity)
    members = dict(contents.members)
    return Base(demo, members, dict(contents.manifest), json.loads(members["results.json"]),
                json.loads(members["log.json"]), office)


@cache
def _standalone() -> Any:
    spec = importlib.util.spec_from_file_location("verify_bundle_standalone", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- making the rest of the bundle consistent again ------------------------------------------------------------

def _rechain(log: list[dict[str, Any]]) -> str:
    """Renumber and re-hash the log in place (domain.chain); returns its new head."""
    from zc_review.domain.chain import GENESIS, entry_body, entry_hash

    prev, first = GENESIS, log[0]["seq"]
    for i, e in enumerate(log):
        e["seq"] = first + i
        body = entry_body(seq=e["seq"], at=e["at"], actor=e["actor"], role=e["role"], action=e["action"],
                          detail=e["detail"])
        e["prev_hash"], e["hash"] = prev, entry_hash(prev, body)
        prev = e["hash"]
    return prev


def _declare(rec: dict[str, Any]) -> None:
    """``declared`` := the numbers recomputed from the record (left as they are when it does not recompute)."""
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.outcome import compute_outcome, declared_numbers

    try:
        numbers = declared_numbers(definition_from_dict(rec["session"]), compute_outcome(
            definition_from_dict(rec["session"]), rec))
    except Exception:  # noqa: BLE001 - the case under test makes it unrecomputable: outcome.recompute says so
        return
    rec["declared"] = json.loads(json.dumps(numbers))


def _sign_off(b: Base, rec: dict[str, Any]) -> None:
    """Every results sign-off signed again by its reviewer over the digest of the recomputed numbers."""
    import hashlib

    from zc_review.domain.codec import canonical_json, definition_from_dict
    from zc_review.domain.outcome import compute_outcome, declared_numbers
    from zc_review.i18n import t
    from zc_review.seal.statements import sign_statement

    defn = definition_from_dict(rec["session"])
    try:
        numbers = declared_numbers(defn, compute_outcome(defn, rec))
    except Exception:  # noqa: BLE001 - not recomputable: outcome.recompute says so
        return
    digest = hashlib.sha256(canonical_json(numbers)).hexdigest()
    names = {r["id"]: r["name"] for r in rec["session"]["reviewers"]}
    for sg in rec["signatures"]:
        if sg["kind"] == "results" and digest not in sg["statement"]:
            text = t("closing.results_statement", session=rec["session_id"], digest=digest,
                     name=names[sg["person_id"]])
            sg["statement"] = text
            sg["signature"] = base64.b64encode(sign_statement(b.person_key(sg["person_id"]), text.encode())).decode()


def _catalog_digest(pdf: bytes) -> str | None:
    from zc_review.service.office.text_checks import _catalog_digest as read

    return read(pdf)


def sign_minutes(b: Base, rec: dict[str, Any], *, order: tuple[str, ...] = ("Recorder", "PresidingOfficer"),
                 signer: dict[str, str] | None = None) -> bytes:
    """The genuine minutes' first revision carrying the record's minutes digest, signed again by the
    recorder and the presiding officer (``signer``: field → another person who signs it instead)."""
    from zc_review.documents.minutes import signature_boxes
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.digest import minutes_digest
    from zc_review.seal.certs import load_certificate_pem
    from zc_review.seal.pdfsign import sign_pdf

    genuine = b.members["minutes.pdf"]
    first = genuine[:genuine.index(b"%%EOF") + len(b"%%EOF\n")]
    old = _catalog_digest(genuine)
    assert old is not None and first.count(old.encode()) >= 1
    pdf = first.replace(old.encode(), minutes_digest(definition_from_dict(rec["session"]), rec).encode())
    boxes = signature_boxes(pdf)
    who = {"Recorder": b.recorder, "PresidingOfficer": b.presiding} | (signer or {})
    names = {p["id"]: p["name"] for p in rec["session"]["reviewers"] + rec["session"]["staff"]}
    for fld in order:
        person = who[fld]
        box = boxes["recorder" if fld == "Recorder" else "presiding"]
        pdf = sign_pdf(pdf, b.person_key(person), load_certificate_pem(rec["certificates"][person]),
                       [b.office.root_cert], field_name=fld, reason="签署", location=rec["session"]["venue"],
                       signer_label=names[person], now=datetime.now(UTC),
                       box=tuple(int(v) for v in box.box), page=box.page_index)  # type: ignore[arg-type]
    return pdf


@dataclass
class Seal:
    """How the bundle is sealed: by default as the session device (its key and certificate, the office's
    age recipient, the manifest's ids); a case overrides what it breaks."""

    session_id: str | None = None
    package_id: str | None = None
    device_key: Any = None
    device_cert: Any = None
    recipient: str | None = None


@dataclass
class Made:
    """A tampered bundle and the office keys folder to verify it with."""

    bundle: Path
    keys: Path


Edit = Callable[["Base", dict[str, Any], list[dict[str, Any]]], None]


def build(b: Base, out: Path, edit: Edit | None = None, *, rechain: bool = True, declare: bool = True,
          sign_off: bool = True, minutes: bool = True, members: Callable[[dict[str, bytes]], None] | None = None,
          seal: Seal | None = None, keys: Path | None = None) -> Made:
    """Edit a copy of the base (``edit(base, record, log)``), make the rest consistent (see the module's
    docstring; each step can be left out), seal with real keys and write ``out/b.zcb``."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.digest import minutes_digest
    from zc_review.seal.bundle import write_bundle

    rec, log = copy.deepcopy(b.record), copy.deepcopy(b.log)
    if edit is not None:
        edit(b, rec, log)
    if rechain and log != b.log:
        rec["log_head"] = _rechain(log)
    if declare:
        _declare(rec)
    if sign_off:
        _sign_off(b, rec)
    ms = dict(b.members)
    if minutes:
        try:
            want = minutes_digest(definition_from_dict(rec["session"]), rec)
        except Exception:  # noqa: BLE001 - not recomputable: digest.minutes says so
            want = None
        if want is not None and want != _catalog_digest(ms["minutes.pdf"]):
            ms["minutes.pdf"] = sign_minutes(b, rec)
    if rec != b.record:
        ms["results.json"] = json.dumps(rec, ensure_ascii=False).encode()
    if log != b.log:
        ms["log.json"] = json.dumps(log, ensure_ascii=False).encode()
    if members is not None:
        members(ms)
    s = seal or Seal()
    payload = b.demo.payload
    data = write_bundle(ms, session_id=s.session_id or b.manifest["session_id"],
                        package_id=s.package_id or b.manifest["package_id"],
                        device_key=s.device_key or load_der_private_key(payload.device_key_der, None),
                        device_cert=s.device_cert or x509.load_pem_x509_certificate(payload.device_cert_pem),
                        office_recipient=s.recipient or payload.office_recipient, now=datetime.now(UTC))
    out.mkdir(parents=True, exist_ok=True)
    (out / "b.zcb").write_bytes(data)
    return Made(out / "b.zcb", keys or b.demo.keys)


# -- the office's keys folder: the register re-signed with the office root key ----------------------------------

def _keys_copy(b: Base, out: Path) -> Path:
    keys = out / "keys"
    shutil.copytree(b.demo.keys, keys)
    return keys


def register_edit(b: Base, out: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the office's keys whose register has the demo package's entry edited and is signed again
    by the office root key (a register the office itself could have written)."""
    from zc_review.seal.register import REGISTER_FILE, IssuedPackage, Register, open_register, seal_register

    keys = _keys_copy(b, out)
    register = open_register((keys / REGISTER_FILE).read_bytes(), b.office.root_cert)
    entries = [e.to_dict() for e in register.entries]
    hit = [e for e in entries if e["package_id"] == b.demo.package_id]
    assert len(hit) == 1
    edit(hit[0])
    kept = tuple(IssuedPackage.from_dict(e) for e in entries if e)
    (keys / REGISTER_FILE).write_bytes(seal_register(Register(register.office_root_sha256, kept), b.office))
    return keys


def other_device(b: Base, out: Path, common_name: str, role: str = "device") -> tuple[Seal, Path]:
    """A device certificate issued by the office root (``common_name``, OU ``role``), entered in the register
    as the demo package's device: (how to seal with it, the keys folder with that register)."""
    from zc_review.seal.certs import cert_sha256, load_certificate_pem, user_id
    from zc_review.seal.pki import issue_certificate

    genuine = load_certificate_pem(b.demo.payload.device_cert_pem)
    key, cert = issue_certificate(b.office, common_name, role, user_id(genuine), datetime.now(UTC))
    keys = register_edit(b, out, lambda e: e.update(device_cert_sha256=cert_sha256(cert)))
    return Seal(device_key=key, device_cert=cert), keys


# -- the cases, one per check id ---------------------------------------------------------------------------------

@dataclass
class Case:
    """How to break one check: ``make(base, tmp)`` → the bundle; ``detail``: text its detail must hold;
    ``failed``: the failed ids when not only this one (see the module's docstring); ``others``: the detail
    of each other failed check."""

    make: Callable[[Base, Path], Made]
    detail: Callable[[Base], str]
    failed: list[str] | None = None
    others: dict[str, str] = field(default_factory=dict)
    standalone: bool = True
    paper: bool = False  # made from the demo held on paper (``paper_base``: issue 14)


def _t(key: str, **kw: Any) -> str:
    from zc_review.i18n import t

    return t(key, **kw)


def _sid(b: Base) -> str:
    return str(b.record["session_id"])


def _round(rec: dict[str, Any], n: int) -> dict[str, Any]:
    return next(r for r in rec["rounds"] if r["round_no"] == n)


def _refingerprint(rnd: dict[str, Any]) -> None:
    from zc_review.domain.ballot import box_fingerprint

    rnd["box_sha256"] = box_fingerprint(rnd["slips"])


def _casts(log: list[dict[str, Any]], n: int) -> list[int]:
    return [i for i, e in enumerate(log) if e["action"] == "ballot_cast" and e["detail"].get("round") == n]


def _sparse(b: Base, out: Path) -> Made:
    from zc_review.service.office.checks import MAX_BUNDLE_BYTES

    made = build(b, out)
    with made.bundle.open("r+b") as fh:  # the genuine bytes, then a hole: 1 GiB + 1 byte costs no disk
        fh.truncate(MAX_BUNDLE_BYTES + 1)
    return made


def _signature_over_another_manifest(b: Base, out: Path) -> Made:
    """The container's signature.der replaced by the device key's own signature over another manifest."""
    import zipfile

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from zc_review.seal._container import write_zip

    made = build(b, out)
    with zipfile.ZipFile(made.bundle) as zf:
        parts = [(n, zf.read(n)) for n in zf.namelist()]
    key: Any = load_der_private_key(b.demo.payload.device_key_der, None)
    other = b"another manifest: " + dict(parts)["manifest.json"]
    signature = key.sign(other, ec.ECDSA(hashes.SHA256()))
    made.bundle.write_bytes(write_zip([(n, signature if n == "signature.der" else d) for n, d in parts]))
    return made


def _another_age_recipient() -> str:
    import pyrage

    return str(pyrage.x25519.Identity.generate().to_public())


def _self_signed_copy(pem: str) -> str:
    """The same subject and public key, signed by a fresh key that is not the office root."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    cert = x509.load_pem_x509_certificate(pem.encode())
    key = ec.generate_private_key(ec.SECP256R1())
    forged = (x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.issuer)
              .public_key(cert.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(cert.not_valid_before_utc).not_valid_after(cert.not_valid_after_utc)
              .sign(key, hashes.SHA256()))
    return forged.public_bytes(serialization.Encoding.PEM).decode()


def _holder_of_another(b: Base, rec: dict[str, Any]) -> None:
    """R17's certificate swapped for one the office root issued under R17's name to another person id."""
    from zc_review.seal.certs import certificate_pem
    from zc_review.seal.pki import issue_certificate

    name = next(r["name"] for r in rec["session"]["reviewers"] if r["id"] == ABSENT)
    _, cert = issue_certificate(b.office, name, "reviewer", "R99", datetime.now(UTC))
    rec["certificates"][ABSENT] = certificate_pem(cert).decode()


def _resign_statement(b: Base, rec: dict[str, Any]) -> None:
    """The first pledge's signature: its signer's own key, over another statement."""
    from zc_review.seal.statements import sign_statement

    sg = next(s for s in rec["signatures"] if s["kind"] == "pledge")
    sg["signature"] = base64.b64encode(sign_statement(b.person_key(sg["person_id"]), b"another text")).decode()


def _log_chain(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """Entry 10 edited without re-hashing; ``log_head`` is the head of the intact part (what replay gives)."""
    log[9]["detail"] = {"edited": True}
    rec["log_head"] = log[8]["hash"]


def _extra_round(b: Base, rec: dict[str, Any], log: list[dict[str, Any]], status: str, reason: str) -> None:
    """Round 2 (the run-off) held again as round 3, its copy's status ``status``; casts logged for it."""
    copy_ = copy.deepcopy(_round(rec, 2)) | {"round_no": 3, "status": status, "void_reason": reason}
    rec["rounds"].append(copy_)
    casts = _casts(log, 2)
    for i in casts:
        log.insert(casts[-1] + 1, copy.deepcopy(log[i]) | {"detail": {"round": 3}})


def _void_then_revote(b: Base, rec: dict[str, Any], log: list[dict[str, Any]], reason: str) -> None:
    """The run-off voided (round 2, ``reason``) and held again as round 3 with the same slips."""
    _extra_round(b, rec, log, "closed", "")
    _round(rec, 2).update(status="void", void_reason=reason)


def _absent_voter_in_runoff(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    rnd = _round(rec, 2)
    recused = {r["reviewer_id"] for r in rec["recusals"] if r["applicant_id"] in rnd["applicants"]}
    voter = next(v for v in reversed(rnd["voters"]) if v not in recused)
    rnd["voters"][rnd["voters"].index(voter)] = ABSENT


def _voter_not_on_roll(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """A voter's name taken off the run-off's roll (and their cast off the log): their slips stay in the box."""
    rnd = _round(rec, 2)
    voter = rnd["voters"].pop()
    del log[next(i for i in _casts(log, 2) if log[i]["actor"] == voter)]


def _voter_twice(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """The run-off's roll names its first voter twice (and the log a second cast by them)."""
    rnd = _round(rec, 2)
    rnd["voters"].append(rnd["voters"][0])
    casts = _casts(log, 2)
    log.insert(casts[-1] + 1, copy.deepcopy(log[casts[0]]))


def _foreign_slip(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """A slip for an applicant who is not in the run-off, added to its box."""
    rnd = _round(rec, 2)
    rnd["slips"].append(["f" * 32, "A003", "agree"])
    rnd["slips"].sort()
    _refingerprint(rnd)


def _invalid_choice(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """An abstention in the main round respelt as a choice that does not exist."""
    rnd = _round(rec, 1)
    slip = next(s for s in rnd["slips"] if s[2] == "abstain")
    slip[2] = "maybe"
    _refingerprint(rnd)


def _duplicate_slip_id(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    rnd = _round(rec, 2)
    rnd["slips"][1][0] = rnd["slips"][0][0]
    _refingerprint(rnd)


def _drop_runoff(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """The run-off left out of the record (and its casts of the log): the outcome is pending, not final.
    The tied applicants, now ``runoff_pending`` (not passed), are given a failure reason signed by their
    panel's leader with his own key (the rule of ``texts.reasons``), as A004's is."""
    from zc_review.domain.codec import definition_from_dict
    from zc_review.domain.outcome import compute_outcome, declared_numbers
    from zc_review.domain.signed_texts import statement
    from zc_review.seal.statements import sign_statement

    rec["rounds"] = [r for r in rec["rounds"] if r["round_no"] != 2]
    for i in reversed(_casts(log, 2)):
        del log[i]
    defn = definition_from_dict(rec["session"])
    numbers = declared_numbers(defn, compute_outcome(defn, rec))
    template = _text_signature(rec, "failure_reason", FAILED)
    for a in _round(b.record, 2)["applicants"]:
        if numbers["applicants"][a]["outcome"] not in (None, "passed") and a not in rec["failure_reasons"]:
            text = {"reason": "与他人同票且超出本组通过率限额，加试表决尚未举行。", "guidance": "待加试表决后确定。"}
            rec["failure_reasons"][a] = {"author_id": template["person_id"], **text}
            data = statement(rec["session_id"], "failure_reason", a, text)
            rec["text_signatures"].append(template | {"subject": a, "statement": data.decode(), "signature":
                                          base64.b64encode(sign_statement(b.person_key(template["person_id"]),
                                                                          data)).decode()})


def _drop_signoff(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    first = next(i for i, s in enumerate(rec["signatures"]) if s["kind"] == "results")
    del rec["signatures"][first]


def _text_signature(rec: dict[str, Any], kind: str, subject: str) -> dict[str, Any]:
    return next(s for s in rec["text_signatures"] if (s["kind"], s["subject"]) == (kind, subject))


def _text_signed_over_another(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    from zc_review.seal.statements import sign_statement

    sg = _text_signature(rec, "opinion", "A001")
    sg["signature"] = base64.b64encode(sign_statement(b.person_key(sg["person_id"]), b"another text")).decode()


def _text_unsigned(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    rec["text_signatures"].remove(_text_signature(rec, "opinion", "A001"))


def _reason_missing(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """A failed applicant's failure reason left out, with its signature."""
    del rec["failure_reasons"][FAILED]
    rec["text_signatures"].remove(_text_signature(rec, "failure_reason", FAILED))


def _opinion_by_chair(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """A001's opinion signed by the chair with his own key, filed as his (the panel's leader is R02)."""
    from zc_review.seal.statements import sign_statement

    sg = _text_signature(rec, "opinion", "A001")
    chair = b.presiding
    assert sg["person_id"] != chair
    sg.update(person_id=chair, signature=base64.b64encode(
        sign_statement(b.person_key(chair), sg["statement"].encode())).decode())


def _minutes_tail(ms: dict[str, bytes]) -> None:
    ms["minutes.pdf"] += b"\n% an unsigned edit\n"


def _minutes_byte(ms: dict[str, bytes]) -> None:
    """One byte of the header's binary comment flipped: covered by both signatures, read by no parser."""
    pdf = bytearray(ms["minutes.pdf"])
    pos = pdf.index(b"\n%") + 2
    assert pdf[pos] >= 0x80
    pdf[pos] ^= 0x01
    ms["minutes.pdf"] = bytes(pdf)


def _resigned_minutes(**kw: Any) -> Callable[[Base, Path], Made]:
    def make(b: Base, out: Path) -> Made:
        pdf = sign_minutes(b, b.record, **kw)
        return build(b, out, members=lambda ms: ms.update({"minutes.pdf": pdf}))
    return make


def _rec(edit: Callable[[dict[str, Any]], None], **kw: Any) -> Callable[[Base, Path], Made]:
    return lambda b, out: build(b, out, lambda _b, rec, _log: edit(rec), **kw)


def _full(edit: Edit, **kw: Any) -> Callable[[Base, Path], Made]:
    return lambda b, out: build(b, out, edit, **kw)


def _with_device(cn: Callable[[Base], str], role: str = "device") -> Callable[[Base, Path], Made]:
    def make(b: Base, out: Path) -> Made:
        seal, keys = other_device(b, out, cn(b), role)
        return build(b, out, seal=seal, keys=keys)
    return make


def _with_register(edit: Callable[[dict[str, Any]], None]) -> Callable[[Base, Path], Made]:
    return lambda b, out: build(b, out, keys=register_edit(b, out, edit))


def _no_register(b: Base, out: Path) -> Made:
    from zc_review.seal.register import REGISTER_FILE

    keys = _keys_copy(b, out)
    (keys / REGISTER_FILE).unlink()
    return build(b, out, keys=keys)


def _draw_record(b: Base, out: Path, chair_as_member: bool = False,
                 edit: Callable[[bytes], bytes] | None = None, numbered: str = "") -> Made:
    """A draw record filed for the demo package, signed by the office root, the staff and the supervisor, with
    the bundle's reviewers in their roles (``chair_as_member``: the chair a plain member instead); ``edit``
    changes the file's bytes after signing."""
    from zc_review.seal.drawsign import issue_signers, sign_record
    from zc_review.service.office.register_checks import DRAW_RECORDS

    keys = _keys_copy(b, out)
    now = datetime.now(UTC)
    members = [{"expert": r["id"], "committee_role": r["committee_role"]} for r in b.record["session"]["reviewers"]]
    if chair_as_member:
        members[0]["committee_role"] = "member"
    if numbered:  # pool ids, the reviewer numbers beside them ("swapped": the first two numbers exchanged)
        for i, m in enumerate(members, start=1):
            m["reviewer"], m["expert"] = m["expert"], f"E{i:03d}"
        if numbered == "swapped":
            members[0]["reviewer"], members[1]["reviewer"] = members[1]["reviewer"], members[0]["reviewer"]
    body: dict[str, Any] = {"algorithm": "zc-review-draw-v1", "session_id": _sid(b), "seed": "2025112036",
                            "drawn_at": now.isoformat(), "members": members}
    body["signers"], private = issue_signers(b.office, [("staff", "S02", "范家豪"), ("supervisor", "S01", "孟嘉怡")], now)
    record = {"format": "zc-review draw record", "version": 1} | sign_record(body, private, b.office)
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    (keys / DRAW_RECORDS).mkdir()
    (keys / DRAW_RECORDS / f"{b.demo.package_id}.json").write_bytes(edit(data) if edit else data)
    return build(b, out, keys=keys)


def _draw_record_of_other_roles(b: Base, out: Path) -> Made:
    """A signed draw record in which the chair is a plain member: not the bundle's committee."""
    return _draw_record(b, out, chair_as_member=True)


def _rehearsal_id(b: Base, out: Path) -> Made:
    """The package id given the rehearsal mark in the record, the manifest and the register (re-signed by
    the office root), the definition still official."""
    rid = "rehearsal-" + b.demo.package_id
    keys = register_edit(b, out, lambda e: e.update(package_id=rid))
    return build(b, out, lambda _b, rec, _log: rec.update(package_id=rid), seal=Seal(package_id=rid), keys=keys)


def _device_cn(b: Base, rehearsal: bool = False, session: str | None = None) -> str:
    from zc_review.service.office import device_common_name

    return device_common_name(session or _sid(b), rehearsal=rehearsal)


def _signoffs_detail(b: Base) -> str:
    attending = sum(1 for v in b.record["attendance"].values() if v)
    return _t("office.signoffs_count", n=attending - 1, attending=attending)


# -- paper score sheets (issue 14): one typed sheet of the demo turned into a double-keyed paper sheet ----------

KEYERS = ("S02", "S01")  # the demo's recorder keys first, the supervisor second


def paper_edit(tweak: Callable[[dict[str, Any], list[dict[str, Any]]], None] | None = None,
               sign_as: str | None = None) -> Edit:
    """An edit that makes the record's first submitted sheet a paper sheet keyed by the recorder and the
    supervisor, the second keying differing in one cell settled to the sheet's value, both keyings logged
    (``paper_sheet_keyed`` with the values' SHA-256) and confirmed by the reviewer (their own key, over the
    statement rebuilt from the entry: domain.paper). ``tweak(entry, log_entries)`` changes the entry or its
    two log entries before the confirmation is signed; ``sign_as``: another person's key signs instead."""
    def edit(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
        from zc_review.domain import paper
        from zc_review.seal.paper import sheet_check_code
        from zc_review.seal.statements import sign_statement

        sh = next(x for x in rec["sheets"] if x["status"] == "submitted")
        session = rec["session"]
        a = next(x for x in session["applicants"] if x["id"] == sh["applicant_id"])
        sid = paper.sheet_id(a["code"], sh["reviewer_id"])
        first = dict(sh["values"])
        cell = sorted(first)[0]
        second = dict(first, **{cell: "0"})
        at = log[-1]["at"]
        entry: dict[str, Any] = {
            "sheet_id": sid, "reviewer_id": sh["reviewer_id"], "applicant_id": sh["applicant_id"],
            "rubric_id": sh["rubric_id"], "rubric_version": sh["rubric_version"],
            "check_code": sheet_check_code(rec["session_id"], sid, sh["rubric_id"], sh["rubric_version"]),
            "keyings": [{"keyer": KEYERS[0], "at": at, "values": first}, {"keyer": KEYERS[1], "at": at, "values": second}],
            "mismatches": [{"criterion": cell, "first": first[cell], "second": "0", "settled": first[cell],
                            "settled_by": sorted(KEYERS), "settled_at": at}],
            "sheet_version": sh["version"]}
        logged = [{"seq": 0, "at": at, "actor": k["keyer"], "role": "staff", "action": paper.LOG_KEYED,
                   "detail": {"sheet": sid, "keying": n, "reviewer": sh["reviewer_id"], "applicant": sh["applicant_id"],
                              "values_sha256": paper.values_digest(k["values"])}, "prev_hash": "", "hash": ""}
                  for n, k in enumerate(entry["keyings"], start=1)]
        if tweak is not None:
            tweak(entry, logged)
        log += logged
        statement = paper.confirmation_statement(rec["session_id"], entry)
        signer = sign_as or sh["reviewer_id"]
        entry["confirmation"] = {"person_id": sh["reviewer_id"], "role": "reviewer", "signed_at": at,
                                 "statement": statement.decode(),
                                 "signature": base64.b64encode(sign_statement(b.person_key(signer), statement)).decode()}
        rec["paper_sheets"] = [entry]
    return edit


def _second_keying_changed(entry: dict[str, Any], _log: list[dict[str, Any]]) -> None:
    """The second keying's value of the differing cell changed after it was logged (the mismatch stays)."""
    cell = entry["mismatches"][0]["criterion"]
    entry["keyings"][1]["values"][cell] = "1"


def _settled_to_the_second(entry: dict[str, Any], _log: list[dict[str, Any]]) -> None:
    """The differing cell settled to the second keyer's value: the submitted sheet no longer holds it."""
    m = entry["mismatches"][0]
    m["settled"] = m["second"]


# When the outcome does not recompute: the checks that compare with the recomputed numbers fail with it
# (``signoffs.complete`` has no digest to look for: it fails "not recomputed", never passes on an empty one).
_NOT_RECOMPUTED: dict[str, Any] = {
    "failed": ["outcome.recompute", "outcome.declared", "signoffs.complete", "outcome.final", "digest.minutes"],
    "others": {"outcome.declared": "not recomputed", "signoffs.complete": "not recomputed",
               "outcome.final": "not final", "digest.minutes": "not recomputed"},
}

# -- paper ballots (issue 14): the demo held on paper, its tellers' keyings and the witness signed again --------

@pytest.fixture(scope="module")
def paper_base(demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> Base:
    """The demo held on paper (tests/service/test_paper_ballots.py), played and exported once, decrypted."""
    from tests.conftest import new_room
    from tests.service.test_paper_ballots import paper_packed
    from zc_review.seal.bundle import open_bundle
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.script import ScriptRunner

    p = paper_packed(demo)
    room = new_room(p)
    runner = ScriptRunner(room, p.secrets, tmp_path_factory.mktemp("paper-usb"))
    runner.run(p.script["actions"])
    assert runner.exported is not None
    office = load_office_keys(demo.keys)
    contents = open_bundle(runner.exported[0].read_bytes(), [office.root_cert], office.age_identity)
    members = dict(contents.members)
    return Base(p, members, dict(contents.manifest), json.loads(members["results.json"]),
                json.loads(members["log.json"]), office)


def _resign_paper(b: Base, rec: dict[str, Any]) -> None:
    """Every teller's keying and every witness signed again over the record's tally (their own keys)."""
    from zc_review.domain.tally import PaperCount, keying_statement, witness_statement
    from zc_review.seal.statements import sign_statement

    sid = rec["session_id"]
    for r in rec["rounds"]:
        if r.get("medium") != "paper":
            continue
        n, keyings = r["round_no"], r["tally"]["keyings"]
        mine = [s for s in rec["signatures"] if s["kind"] == "tally_keying" and s["subject"].startswith(f"round-{n}-")]
        for k, sg in zip(keyings, mine, strict=True):
            sg["statement"] = keying_statement(sid, n, k["pass"], k["teller"],
                                               {a: PaperCount.from_dict(c) for a, c in k["counts"].items()})
        for sg in [s for s in rec["signatures"] if s["kind"] == "tally_witness" and s["subject"] == f"round-{n}"]:
            sg["statement"] = witness_statement(sid, n, r["tally"]["tellers"], {
                a: PaperCount.from_dict(c) for a, c in r["tally"]["agreed"].items()})
    for sg in rec["signatures"]:
        if sg["kind"] in ("tally_keying", "tally_witness"):
            sg["signature"] = base64.b64encode(sign_statement(b.person_key(sg["person_id"]),
                                                              sg["statement"].encode())).decode()


def _paper_count(rec: dict[str, Any], applicant: str, count: dict[str, int], *, keyings: bool = True) -> None:
    """Round 1's counts of ``applicant`` set to ``count`` in the agreed counts (and every keying), re-signed."""
    r = _round(rec, 1)
    r["tally"]["agreed"][applicant] = dict(count)
    if keyings:
        for k in r["tally"]["keyings"]:
            if applicant in k["counts"]:
                k["counts"][applicant] = dict(count)


def _returned_over_attending(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """A006 (16 of 16 agree): one ballot more returned than reviewers attend, keyed blank by both tellers."""
    _paper_count(rec, "A006", {"agree": 16, "disagree": 0, "abstain": 0, "blank": 1, "returned": 17})
    _resign_paper(b, rec)


def _agreed_not_keyed(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """A006's agreed counts changed (one agree to disagree), the keyings left as the tellers keyed them; the
    supervisor's witness signed again over the changed counts."""
    _paper_count(rec, "A006", {"agree": 15, "disagree": 1, "abstain": 0, "blank": 0, "returned": 16}, keyings=False)
    _resign_paper(b, rec)


def _keying_unsigned(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    last = max(i for i, s in enumerate(rec["signatures"]) if s["kind"] == "tally_keying")
    del rec["signatures"][last]


def _witness_by_chair(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """Round 1's witness signed by the chair R01 (a genuine signature of theirs) instead of the supervisor."""
    sg = next(s for s in rec["signatures"] if s["kind"] == "tally_witness" and s["subject"] == "round-1")
    sg["person_id"] = "R01"
    _round(rec, 1)["tally"]["witness"] = "R01"
    _resign_paper(b, rec)


CASES: dict[str, Case] = {
    "bundle.size": Case(_sparse, lambda b: "file too large", standalone=False),
    "seal.signature": Case(_signature_over_another_manifest,
                           lambda b: "manifest signature invalid"),
    "seal.contents": Case(lambda b, out: build(b, out, seal=Seal(recipient=_another_age_recipient())),
                          lambda b: "age decryption failed"),
    "record.parse": Case(lambda b, out: build(b, out, members=lambda ms: ms.update({"log.json": b"not json"})),
                         lambda b: "JSONDecodeError"),
    "record.format": Case(_rec(lambda r: r.update(version=2)), lambda b: "'zc-review-record' 2"),
    "record.session_id": Case(lambda b, out: build(b, out, seal=Seal(session_id="QC-OTHER-2025")),
                              lambda b: "QC-OTHER-2025"),
    "record.package_id": Case(lambda b, out: build(b, out, seal=Seal(package_id="0" * 32)), lambda b: "0" * 32),
    "record.package_mark": Case(_rehearsal_id, lambda b: "rehearsal-" + b.demo.package_id),
    "device.role": Case(_with_device(_device_cn, role="chair"), lambda b: "chair"),
    "device.name": Case(_with_device(lambda b: _device_cn(b, session="QC-OTHER-2025")), lambda b: "QC-OTHER-2025"),
    "device.rehearsal_mark": Case(_with_device(lambda b: _device_cn(b, rehearsal=True)),
                                  lambda b: _t("office.kind_rehearsal")),
    "register.present": Case(_no_register, lambda b: "issued-packages.json",
                             failed=["register.present", "register.package", *_REGISTER_DEPENDENTS],
                             others=dict.fromkeys(["register.package", *_REGISTER_DEPENDENTS], _NOT_CHECKED)),
    "register.package": Case(_with_register(lambda e: e.update(session_id="QC-GC-ZJ-2024")),
                             lambda b: "QC-GC-ZJ-2024", failed=["register.package", *_REGISTER_DEPENDENTS],
                             others=dict.fromkeys(_REGISTER_DEPENDENTS, _NOT_CHECKED)),
    "register.device_cert": Case(_with_register(lambda e: e.update(device_cert_sha256="0" * 64)),
                                 lambda b: "0" * 16),
    "register.official": Case(_with_register(lambda e: e.update(rehearsal=True)),
                              lambda b: _t("office.kind_rehearsal")),
    "register.latest": Case(_with_register(lambda e: e.update(superseded_by="f" * 32)), lambda b: "f" * 32),
    "draw.record": Case(_draw_record_of_other_roles, lambda b: "不一致"),
    "certs.chain": Case(_rec(lambda r: r["certificates"].update({ABSENT: _self_signed_copy(r["certificates"][ABSENT])})),
                        lambda b: ABSENT),
    "certs.holder": Case(_full(lambda b, r, _log: _holder_of_another(b, r)), lambda b: ABSENT),
    "statements.signatures": Case(
        _full(lambda b, r, _log: _resign_statement(b, r)),
        lambda b: "pledge:" + next(s["person_id"] for s in b.record["signatures"] if s["kind"] == "pledge")),
    "log.chain": Case(_full(_log_chain, rechain=False), lambda b: _t("office.log_broken_at", seq=b.log[9]["seq"])),
    "log.head": Case(_rec(lambda r: r.update(log_head="f" * 64)), lambda b: b.record["log_head"]),
    "ballots.round_numbers": Case(_rec(lambda r: r["rounds"].reverse()), lambda b: "round numbers"),
    "ballots.round_status": Case(_full(lambda b, r, log: _extra_round(b, r, log, "open", "")),
                                 lambda b: "round 3 open"),
    "ballots.voter_roll": Case(_full(_voter_twice), lambda b: "round 2 voter roll"),
    "ballots.casts_logged": Case(_full(lambda b, r, log: log.pop(_casts(log, 2)[-1])),
                                 lambda b: f"round 2 {len(_round(b.record, 2)['voters']) - 1} casts logged"),
    "ballots.slip_applicants": Case(_full(_foreign_slip), lambda b: "round 2 foreign slip",
                                    failed=["ballots.slip_applicants", *_NOT_RECOMPUTED["failed"]],
                                    others=_NOT_RECOMPUTED["others"] | {"outcome.recompute": "ballot_box_corrupt"}),
    "ballots.slip_choices": Case(_full(_invalid_choice), lambda b: "round 1 invalid choice",
                                 failed=["ballots.slip_choices", *_NOT_RECOMPUTED["failed"]],
                                 others=_NOT_RECOMPUTED["others"] | {"outcome.recompute": "ballot_box_corrupt"}),
    "ballots.void_reason": Case(_full(lambda b, r, log: _void_then_revote(b, r, log, " ")),
                                lambda b: "round 2 void without reason"),
    "ballots.void_revoted": Case(_full(lambda b, r, log: _extra_round(b, r, log, "void", "计票有误")),
                                 lambda b: "round 3 void without re-vote"),
    "ballots.box_fingerprint": Case(_rec(lambda r: _round(r, 1).update(box_sha256="0" * 64)),
                                    lambda b: "round 1 fingerprint"),
    "ballots.voters_attending": Case(_full(_absent_voter_in_runoff), lambda b: "round 2 voter not attending"),
    "ballots.ballot_count": Case(_full(_voter_not_on_roll),
                                 lambda b: f"round 2 A001: {len(_round(b.record, 2)['voters'])} ballots"),
    "ballots.slip_ids": Case(_full(_duplicate_slip_id), lambda b: "round 2 duplicate slip"),
    "paper.medium": Case(_rec(lambda r: r["session"].update(ballot_mode="paper")), lambda b: "round 1 laptop, session paper"),
    "paper.tally_sums": Case(_full(_returned_over_attending), lambda b: "round 1 A006: tally_returned_over_attending",
                             paper=True),
    "paper.keyings": Case(_full(_agreed_not_keyed), lambda b: "round 1 agreed counts are not the keyings'", paper=True),
    "paper.tellers_signed": Case(_full(_keying_unsigned), lambda b: "round 2 1 signed keyings of 2", paper=True),
    "paper.witness_signed": Case(_full(_witness_by_chair), lambda b: "round 1 witness", paper=True),
    "outcome.recompute": Case(_rec(lambda r: r["session"]["groups"][0].update(pass_rate="1.5")),
                              lambda b: "pass_rate_range", failed=_NOT_RECOMPUTED["failed"],
                              others=_NOT_RECOMPUTED["others"]),
    "outcome.declared": Case(
        _rec(lambda r: r["declared"]["applicants"]["A020"].update(composite="99.99"), declare=False),
        lambda b: "/applicants/A020/composite: '99.99'"),
    "signoffs.complete": Case(_full(_drop_signoff, sign_off=False), _signoffs_detail),
    "outcome.final": Case(_full(_drop_runoff), lambda b: "not final"),
    "texts.signatures": Case(_full(_text_signed_over_another), lambda b: "opinion:A001:R02"),
    "texts.complete": Case(_full(_text_unsigned), lambda b: "opinion:A001:panel_leader unsigned"),
    "texts.reasons": Case(_full(_reason_missing), lambda b: f"failure_reason:{FAILED} missing"),
    "texts.signers": Case(_full(_opinion_by_chair), lambda b: f"opinion:A001:panel_leader signed by {b.presiding}"),
    "texts.authors": Case(_rec(lambda r: r["failure_reasons"][FAILED].update(author_id="S02")),
                          lambda b: f"failure_reason:{FAILED} author differs"),
    "minutes.parse": Case(lambda b, out: build(b, out, members=lambda ms: ms.update({"minutes.pdf": b"not a pdf"})),
                          lambda b: "Error"),
    "minutes.fields": Case(_resigned_minutes(order=("PresidingOfficer", "Recorder")),
                           lambda b: "fields PresidingOfficer,Recorder"),
    "minutes.signatures": Case(lambda b, out: build(b, out, members=_minutes_byte),
                               lambda b: "Recorder invalid; PresidingOfficer invalid"),
    "minutes.signers": Case(_resigned_minutes(signer={"Recorder": "R01"}), lambda b: "Recorder signer"),
    "minutes.coverage": Case(lambda b, out: build(b, out, members=_minutes_tail),
                             lambda b: "unsigned bytes after last signature"),
    "digest.minutes": Case(_rec(lambda r: r["recusals"][0].update(reason="伪造：无回避事由"), minutes=False),
                           lambda b: "minutes carry"),
    "paper.keyed_twice": Case(_full(paper_edit(_second_keying_changed)), lambda b: "keying 2 differs from the log"),
    "paper.check_codes": Case(_full(paper_edit(lambda e, _log: e.update(check_code="AAAAAAAA"))),
                              lambda b: "check code or rubric differs"),
    "paper.settled": Case(_full(paper_edit(_settled_to_the_second)),
                          lambda b: "submitted sheet differs from the keyed values"),
    "paper.confirmations": Case(_full(paper_edit(sign_as="S01")), lambda b: "signature invalid"),
}

GATES = {"bundle.size", "seal.signature", "seal.contents", "record.parse", "minutes.parse"}


def test_every_check_has_its_case() -> None:
    """A new check id without a negative case here fails this test (and so does a case for no check)."""
    from zc_review.service.office import CHECK_IDS, CHECKS

    assert sorted(CASES) == sorted(CHECK_IDS)
    assert {s.id for s in CHECKS if s.gate} == GATES


def test_the_base_passes_every_check(base: Base, tmp_path: Path) -> None:
    """The base rebuilt without a change (re-sealed with the device key) is accepted by both verifiers: what
    fails below fails because of the case's change."""
    from zc_review.service.office import CHECK_IDS, verify_bundle

    made = build(base, tmp_path)
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.ok and [c.id for c in rep.checks] == list(CHECK_IDS), rep.failures()
    assert _standalone_failed(made) == []


def test_a_genuine_paper_sheet_passes_every_check(base: Base, tmp_path: Path) -> None:
    """The paper sheet the ``paper.*`` cases start from, unbroken, passes both verifiers: each case fails only
    because of its own change."""
    from zc_review.service.office import verify_bundle

    made = build(base, tmp_path, paper_edit())
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.ok, rep.failures()
    assert _standalone_failed(made) == []


def test_a_sheet_keyed_twice_by_one_person_fails(base: Base, tmp_path: Path) -> None:
    """Both keyings by the recorder (log and settlement made to agree, the confirmation signed over it):
    ``paper.keyed_twice`` says so, in both verifiers."""
    from zc_review.service.office import verify_bundle

    def same(entry: dict[str, Any], log: list[dict[str, Any]]) -> None:
        entry["keyings"][1]["keyer"] = log[1]["actor"] = KEYERS[0]
        entry["mismatches"][0]["settled_by"] = [KEYERS[0], KEYERS[0]]

    made = build(base, tmp_path, paper_edit(same))
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.failed_ids() == ["paper.keyed_twice"]
    assert "keyed twice by S02" in next(c.detail for c in rep.checks if c.id == "paper.keyed_twice")
    assert _standalone_failed(made) == ["paper.keyed_twice"]


@pytest.mark.parametrize(("signer", "failed"), [("S01", []), ("reviewer", ["paper.confirmations"])],
                         ids=["supervisor_witness", "reviewer_when_the_supervisor_is_named"])
def test_supervisor_as_witness_confirms(base: Base, tmp_path: Path, signer: str, failed: list[str]) -> None:
    """``paper_sheet_confirmation: supervisor``: the supervisor's confirmation passes both verifiers; the
    reviewer's own is then not the one the session names (``paper.confirmations``)."""
    from zc_review.domain import paper
    from zc_review.seal.statements import sign_statement
    from zc_review.service.office import verify_bundle

    def edit(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
        paper_edit()(b, rec, log)
        rec["session"]["rules"]["paper_sheet_confirmation"] = "supervisor"
        entry = rec["paper_sheets"][0]
        if signer == "S01":
            statement = paper.confirmation_statement(rec["session_id"], entry)
            entry["confirmation"].update(person_id="S01", role="supervisor", signature=base64.b64encode(
                sign_statement(b.person_key("S01"), statement)).decode())

    made = build(base, tmp_path, edit)
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.failed_ids() == failed, rep.failures()
    assert _standalone_failed(made) == failed


def test_the_paper_base_passes_every_check(paper_base: Base, tmp_path: Path) -> None:
    """The same for the demo held on paper (issue 14): both tellers, the re-count and the witness are genuine."""
    from zc_review.service.office import CHECK_IDS, verify_bundle

    made = build(paper_base, tmp_path)
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.ok and [c.id for c in rep.checks] == list(CHECK_IDS), rep.failures()
    assert _standalone_failed(made) == []


def _standalone_failed(made: Made) -> list[str]:
    v = _standalone()
    root, identity, register = v.load_keys(made.keys, None)
    verifier = v.Verifier(made.bundle.read_bytes(), root, identity, register, made.keys / v.DRAW_RECORDS)
    verifier.run()
    return list(verifier.failed())


@pytest.mark.parametrize("check_id", list(CASES))
def test_breaking_one_rule_fails_exactly_its_check(base: Base, tmp_path: Path, check_id: str,
                                                   request: pytest.FixtureRequest) -> None:
    from zc_review.service.office import CHECK_IDS, verify_bundle

    case = CASES[check_id]
    if case.paper:
        base = request.getfixturevalue("paper_base")
    made = case.make(base, tmp_path)
    rep = verify_bundle(made.bundle, made.keys)
    details = {c.id: c.detail for c in rep.checks if not c.ok}
    want = case.failed or [check_id]
    assert rep.failed_ids() == want, f"{check_id}: failed {details}"  # a wrong check failing shows here
    ran = [c.id for c in rep.checks]
    if check_id in GATES:
        assert ran == list(CHECK_IDS[:CHECK_IDS.index(check_id) + 1])  # the gate ended the run
    else:
        assert ran == list(CHECK_IDS)  # every check ran; all but ``want`` passed
    assert case.detail(base) in details[check_id], details[check_id]
    assert sorted(case.others) == sorted(want[1:])
    for other, text in case.others.items():
        assert text in details[other], (other, details[other])
    assert not rep.ok
    if case.standalone:
        assert _standalone_failed(made) == rep.failed_ids()


def _one_byte_edited(data: bytes) -> bytes:
    """The seed's last digit changed (``2025112036`` → ``2025112037``): still JSON, one byte different."""
    assert data.count(b'"2025112036"') == 1
    return data.replace(b'"2025112036"', b'"2025112037"')


@pytest.mark.parametrize("edit", [None, _one_byte_edited], ids=["genuine", "one_byte_edited"])
def test_draw_record_verdict_agrees(base: Base, tmp_path: Path, edit: Callable[[bytes], bytes] | None) -> None:
    """A genuine draw record of the bundle's committee passes ``draw.record`` in both verifiers; the same file
    with one byte changed after signing fails it in both (the signatures no longer verify), and only it."""
    from zc_review.service.office import verify_bundle

    made = _draw_record(base, tmp_path, edit=edit)
    rep = verify_bundle(made.bundle, made.keys)
    want = [] if edit is None else ["draw.record"]
    assert rep.failed_ids() == want, rep.failures()
    draw = next(c for c in rep.checks if c.id == "draw.record")
    assert ("随机种子 2025112036" if edit is None else "已被改动或签名无效") in draw.detail, draw.detail
    assert _standalone_failed(made) == want


@pytest.mark.parametrize("numbered", ["right", "swapped"])
def test_a_numbered_draw_record_is_checked_by_reviewer_number(base: Base, tmp_path: Path, numbered: str) -> None:
    """A record of a draw (pool ids ``E001``… beside the reviewer numbers ``R01``… the committee is known by)
    passes ``draw.record`` in both verifiers when each number holds its committee role, and fails it in both
    when two numbers are exchanged (the chair's number on a vice-chair)."""
    from zc_review.service.office import verify_bundle

    made = _draw_record(base, tmp_path, numbered=numbered)
    want = [] if numbered == "right" else ["draw.record"]
    assert verify_bundle(made.bundle, made.keys).failed_ids() == want
    assert _standalone_failed(made) == want


def test_two_submitted_sheets_of_one_version_fail_the_recomputation(base: Base, tmp_path: Path) -> None:
    """A forged record holds, before a reviewer's submitted sheet for an applicant, a second submitted sheet of
    the same version with another reviewer's values for that applicant; the rest made consistent (sign-offs
    and minutes follow what the old code counted: the first listed). The room cannot write this (its database
    has one sheet per reviewer, applicant and version), so which sheet counts would be the forger's choice:
    both verifiers refuse it with ``outcome.recompute`` (code ``sheet_version_twice``) and its dependents."""
    from zc_review.service.office import verify_bundle

    def forge(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
        subs = [s for s in rec["sheets"] if s["status"] == "submitted"]
        first = subs[0]
        other = next(s for s in subs if s["applicant_id"] == first["applicant_id"]
                     and s["reviewer_id"] != first["reviewer_id"] and s["values"] != first["values"])
        rec["sheets"].insert(rec["sheets"].index(first), dict(copy.deepcopy(first), values=dict(other["values"])))

    made = build(base, tmp_path, forge)
    rep = verify_bundle(made.bundle, made.keys)
    details = {c.id: c.detail for c in rep.checks if not c.ok}
    assert rep.failed_ids() == _NOT_RECOMPUTED["failed"], details
    assert "sheet_version_twice" in details["outcome.recompute"], details
    for other_id, text in _NOT_RECOMPUTED["others"].items():
        assert text in details[other_id], (other_id, details[other_id])
    assert _standalone_failed(made) == rep.failed_ids()


# -- the report's lines of the paper checks (issue 14): what the office reads, not only the verdicts -------------

def test_the_paper_base_report_prints_the_tally_line(paper_base: Base, tmp_path: Path) -> None:
    """In paper mode the tellers' line is printed although it passes, saying how many rounds and keyings were
    checked (the demo on paper: the main round keyed 4 times with its re-count, the run-off twice)."""
    from zc_review.service.office import verify_bundle

    made = build(paper_base, tmp_path)
    rep = verify_bundle(made.bundle, made.keys)
    lines = {ln.name: ln for ln in rep.lines}
    assert len(rep.lines) == 17 and rep.ok, rep.failures()
    assert lines[_t("office.check_tally")].ok
    assert lines[_t("office.check_tally")].detail == _t("office.tally_checked", rounds=2, keyings=6)


def test_a_broken_paper_round_prints_the_tally_line_with_its_problem(paper_base: Base, tmp_path: Path) -> None:
    """The same line fails with the problem found, word for word (the witness signed by the chair)."""
    from zc_review.service.office import verify_bundle

    made = CASES["paper.witness_signed"].make(paper_base, tmp_path)
    rep = verify_bundle(made.bundle, made.keys)
    line = next(ln for ln in rep.lines if ln.name == _t("office.check_tally"))
    assert not line.ok and line.detail == "round 1 witness"


def test_a_laptop_report_leaves_the_tally_line_out_unless_it_fails(base: Base, tmp_path: Path) -> None:
    """A laptop session's report has no tellers' line while the paper checks pass; a laptop record naming a
    paper round prints it, failed, with the problem."""
    from zc_review.service.office import verify_bundle

    made = build(base, tmp_path / "a")
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.ok and _t("office.check_tally") not in [ln.name for ln in rep.lines]
    made = CASES["paper.medium"].make(base, tmp_path / "b")
    rep = verify_bundle(made.bundle, made.keys)
    line = next(ln for ln in rep.lines if ln.name == _t("office.check_tally"))
    assert not line.ok and line.detail == "round 1 laptop, session paper; round 2 laptop, session paper"


def test_a_record_without_paper_sheets_passes_the_paper_checks(base: Base, tmp_path: Path) -> None:
    """A record without the ``paper_sheets`` key (as written before issue 14) has no paper sheet to check: the
    ``paper.*`` checks pass and the line says none were keyed."""
    from zc_review.service.office import verify_bundle

    made = _rec(lambda r: r.pop("paper_sheets"))(base, tmp_path)
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.ok, rep.failures()
    line = next(ln for ln in rep.lines if ln.name == _t("office.check_paper"))
    assert line.ok and line.detail == _t("office.paper_count", sheets=0, settled=0)


def _confirmation(who: str, role: str, *, supervisor_mode: bool = False,
                  statement: str | None = None) -> Edit:
    """The paper sheet of ``paper_edit`` confirmed by ``who`` (their own key) in ``role``; ``statement``
    replaces the confirmation's statement text (signed as it is)."""
    def edit(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
        from zc_review.domain import paper
        from zc_review.seal.statements import sign_statement

        paper_edit()(b, rec, log)
        if supervisor_mode:
            rec["session"]["rules"]["paper_sheet_confirmation"] = "supervisor"
        entry = rec["paper_sheets"][0]
        text = statement.encode() if statement is not None else paper.confirmation_statement(rec["session_id"], entry)
        entry["confirmation"].update(person_id=who, role=role, statement=text.decode(), signature=base64.b64encode(
            sign_statement(b.person_key(who), text)).decode())
    return edit


@pytest.mark.parametrize(("case", "problem"), [
    ("reviewer_in_another_role", "confirmed by {reviewer}"),
    ("supervisor_in_the_reviewers_role", "confirmed by S01"),
    ("statement_not_the_sheets", "statement differs"),
])
def test_paper_confirmation_problems_word_for_word(base: Base, tmp_path: Path, case: str, problem: str) -> None:
    """``paper.confirmations`` names the sheet and what is wrong: the reviewer's own key but in the supervisor's
    role; in supervisor mode, the supervisor's key but in the reviewer's role (person and role must both be
    right); a validly signed statement that is not the one rebuilt from the sheet."""
    from zc_review.service.office import verify_bundle

    sh = next(x for x in base.record["sheets"] if x["status"] == "submitted")
    edit = {"reviewer_in_another_role": _confirmation(sh["reviewer_id"], "supervisor"),
            "supervisor_in_the_reviewers_role": _confirmation("S01", "reviewer", supervisor_mode=True),
            "statement_not_the_sheets": _confirmation(sh["reviewer_id"], "reviewer", statement="zc-review 伪造")}[case]
    made = build(base, tmp_path, edit)
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.failed_ids() == ["paper.confirmations"], rep.failures()
    detail = next(c.detail for c in rep.checks if c.id == "paper.confirmations")
    a = next(x for x in base.record["session"]["applicants"] if x["id"] == sh["applicant_id"])
    assert detail == f"{a['code']}-{sh['reviewer_id']} " + problem.format(reviewer=sh["reviewer_id"])


def test_a_genuine_paper_sheet_report_names_its_confirmer_and_counts(base: Base, tmp_path: Path) -> None:
    """The report of a bundle with one paper sheet (one cell settled): the paper line counts the sheet and the
    settled cell, and the signers' list names who confirmed it, in which role."""
    from zc_review.i18n import label_of
    from zc_review.service.office import verify_bundle

    made = build(base, tmp_path, paper_edit())
    rep = verify_bundle(made.bundle, made.keys)
    assert rep.ok, rep.failures()
    line = next(ln for ln in rep.lines if ln.name == _t("office.check_paper"))
    assert line.detail == _t("office.paper_count", sheets=1, settled=1)
    sh = next(x for x in base.record["sheets"] if x["status"] == "submitted")
    a = next(x for x in base.record["session"]["applicants"] if x["id"] == sh["applicant_id"])
    reviewer = next(r for r in base.record["session"]["reviewers"] if r["id"] == sh["reviewer_id"])
    assert _t("sheets.signer_confirmation", sheet=f"{a['code']}-{reviewer['id']}", role=label_of("role", "reviewer"),
              name=reviewer["name"], person=reviewer["id"]) in rep.signers


def _drop_last_keying(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """Round 1's last keying (the re-count's second) and its signature removed: one applicant still due."""
    r = _round(rec, 1)
    r["tally"]["keyings"].pop()
    last = max(i for i, s in enumerate(rec["signatures"])
               if s["kind"] == "tally_keying" and s["subject"].startswith("round-1-"))
    del rec["signatures"][last]


def _keying_not_a_count(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    a = next(iter(_round(rec, 1)["tally"]["keyings"][0]["counts"]))
    _round(rec, 1)["tally"]["keyings"][0]["counts"][a]["agree"] = -1


def _applicant_not_counted(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    agreed = _round(rec, 1)["tally"]["agreed"]
    del agreed[sorted(agreed)[0]]


def _rekeying_statement_changed(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """The statement of the first teller's re-keying (round 1, pass 2) no longer its counts; the teller's pass-1
    keying is still signed."""
    sg = next(s for s in rec["signatures"] if s["kind"] == "tally_keying" and s["subject"] == "round-1-pass-2-1")
    sg["statement"] = sg["statement"].replace('"pass":2', '"pass":3')


def _same_teller_twice(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """Round 1's second keying of pass 1 recorded as the first teller's (the replay refuses it: the problem's
    code, not the replay's, is what the detail names)."""
    keyings = _round(rec, 1)["tally"]["keyings"]
    keyings[1]["teller"] = keyings[0]["teller"]


def _witness_signature_dropped(b: Base, rec: dict[str, Any], log: list[dict[str, Any]]) -> None:
    """Round 1's witness signature removed, the tally still naming the supervisor as witness."""
    rec["signatures"] = [s for s in rec["signatures"] if not (s["kind"] == "tally_witness" and s["subject"] == "round-1")]


@pytest.mark.parametrize(("edit", "check_id", "problem"), [
    (_drop_last_keying, "paper.keyings", "round 1 not agreed: 1 applicants"),
    (_keying_not_a_count, "paper.keyings", "round 1 keyings: tally_not_count"),
    (lambda b, rec, log: _round(rec, 1).update(voters=["R01"]), "paper.medium",
     "round 1 paper round with slips or voters"),
    (_applicant_not_counted, "paper.tally_sums", "round 1 counts not for its applicants"),
    (_rekeying_statement_changed, "paper.tellers_signed", "round 1 pass 2 keying of R02 unsigned"),  # the first teller
    (_witness_signature_dropped, "paper.witness_signed", "round 1 witness"),
    (_same_teller_twice, "paper.keyings", "round 1 keyings: tally_same_teller"),
    (lambda b, rec, log: _round(rec, 1)["tally"]["tellers"].reverse(), "paper.keyings", "round 1 tellers"),
], ids=["not_agreed", "not_a_count", "paper_round_with_voters", "applicant_not_counted", "rekeying_unsigned",
        "witness_unsigned", "same_teller_twice", "tellers_in_the_wrong_order"])
def test_tally_check_problems_word_for_word(paper_base: Base, tmp_path: Path, edit: Edit, check_id: str,
                                            problem: str) -> None:
    """Each ``paper.*`` tally check names the round and what is wrong (beside the cases above: a re-count left
    half keyed, a count that is not one, a paper round with voters, an applicant without agreed counts, a
    teller's re-keying unsigned while their first keying is signed, the witness's signature missing while the
    tally names the supervisor)."""
    from zc_review.service.office import verify_bundle

    made = build(paper_base, tmp_path, edit)
    rep = verify_bundle(made.bundle, made.keys)
    details = {c.id: c.detail for c in rep.checks if not c.ok}
    assert check_id in details and problem in details[check_id].split("; "), details
