"""The office, after: verify a result bundle completely, recompute every number, import it once.

``verify_bundle`` never trusts a number it can recompute: composites from the score sheets, tallies
from the ballot slips, decisions from the rules in the bundle's own session definition. Any mismatch
refuses the whole bundle, saying what failed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zc_review.domain.chain import replay
from zc_review.domain.codec import canonical_json, definition_from_dict
from zc_review.domain.model import SessionDefinition
from zc_review.domain.outcome import compute_outcome, declared_numbers
from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024


@dataclass
class VerifyReport:
    """The outcome of verifying a bundle: every check with its result, and who signed what."""

    fingerprint: str = ""
    session_id: str = ""
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    definition: SessionDefinition | None = None
    bundle_sha256: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, ok, detail))
        return ok

    def failures(self) -> list[str]:
        return [f"{name}: {detail}" for name, ok, detail in self.checks if not ok]


def verify_bundle(bundle: Path, keys_dir: Path, *, key_passphrase: str | None = None) -> VerifyReport:
    """Verify a sealed result bundle as the office: signatures, decryption, digests, chains, recount.

    Returns: a VerifyReport; ``report.ok`` is True only if every check passed.
    Raises: ServiceError("bundle_unreadable") when the file cannot be read; ServiceError("keys_missing").
    """
    from cryptography import x509

    from zc_review.seal.bundle import open_bundle
    from zc_review.seal.errors import SealError
    from zc_review.seal.pki import load_office_keys, verify_chain
    from zc_review.seal.statements import verify_statement

    rep = VerifyReport()
    try:
        if bundle.stat().st_size > MAX_BUNDLE_BYTES:
            rep.check("container", False, "file too large")
            return rep
        data = bundle.read_bytes()
    except OSError as exc:
        raise ServiceError("bundle_unreadable", path=str(bundle), error=exc.strerror or str(exc)) from exc
    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    keys = load_office_keys(keys_dir, key_passphrase)
    rep.bundle_sha256 = hashlib.sha256(data).hexdigest()
    try:
        contents = open_bundle(data, [keys.root_cert], keys.age_identity)
    except SealError as exc:
        rep.check(t("office.check_seal"), False, exc.diagnostics())
        return rep
    rep.fingerprint = contents.fingerprint
    rep.check(t("office.check_seal"), True, t("office.check_seal_ok", cn=_cn(contents.signer_cert)))
    rep.signers.append(t("office.signer_device", cn=_cn(contents.signer_cert)))
    try:
        record = json.loads(contents.members["results.json"])
        log = json.loads(contents.members["log.json"])
        defn = definition_from_dict(record["session"])
        rep.record, rep.definition, rep.session_id = record, defn, defn.session_id
        minutes = contents.members["minutes.pdf"]
    except (KeyError, ValueError, TypeError) as exc:
        rep.check(t("office.check_structure"), False, f"{type(exc).__name__}: {exc}")
        return rep
    rep.check(t("office.check_structure"), record.get("format") == "zc-review-record" and record.get("version") == 1
              and contents.manifest.get("session_id") == defn.session_id
              and contents.manifest.get("package_id") == record.get("package_id"), defn.session_id)
    # The device certificate must be the one the office issued for this session (pack names it so).
    rep.check(t("office.check_device"), _ou(contents.signer_cert) == "device"
              and _cn(contents.signer_cert) == f"会话设备 {defn.session_id}", _cn(contents.signer_cert))
    names = {r.id: r.name for r in defn.reviewers} | {st.id: st.name for st in defn.staff}

    # -- certificates and signed statements ---------------------------------------------------------
    certs: dict[str, Any] = {}
    bad_certs = []
    for pid, pem in record["certificates"].items():
        try:
            cert = x509.load_pem_x509_certificate(pem.encode())
            verify_chain(cert, keys.root_cert)
            # A certificate of the office names its holder (UID, CN): it cannot stand for someone else.
            if _uid(cert) != pid or pid not in names or _cn(cert) != names[pid]:
                raise SealError("certificate names another person")
            certs[pid] = cert
        except (ValueError, SealError):
            bad_certs.append(pid)
    rep.check(t("office.check_certs"), not bad_certs, ", ".join(bad_certs))
    bad_sigs = []
    for sg in record["signatures"]:
        signer = certs.get(sg["person_id"])
        try:
            if signer is None:
                raise SealError("no certificate")
            verify_statement(signer, sg["statement"].encode("utf-8"), base64.b64decode(sg["signature"]))
            rep.signers.append(t("office.signer_statement_named", kind=label_of("sig_kind", sg['kind']), subject=sg["subject"],
                                 role=label_of("role", sg['role']), name=names[sg["person_id"]],
                                 person=sg["person_id"]))
        except (SealError, ValueError):
            bad_sigs.append(f"{sg['kind']}:{sg['person_id']}")
    rep.check(t("office.check_statements"), not bad_sigs, ", ".join(bad_sigs))

    # -- the log -------------------------------------------------------------------------------------
    head, broken = replay(log)
    rep.check(t("office.check_log"), broken is None and head == record.get("log_head"),
              t("office.log_broken_at", seq=broken) if broken is not None else head)

    # -- ballots: box fingerprints, counts ≤ roll ≤ attending ---------------------------------------------
    attending = {r for r, v in record["attendance"].items() if v}
    recused: dict[str, set[str]] = {}
    for rc in record["recusals"]:
        recused.setdefault(rc["applicant_id"], set()).add(rc["reviewer_id"])
    box_problems = []
    # every round, voided ones included, is counted again: numbered 1..n, closed or void, each box whole
    if [r["round_no"] for r in record["rounds"]] != list(range(1, len(record["rounds"]) + 1)):
        box_problems.append("round numbers")
    cast_logged: dict[int, int] = {}
    for e in log:
        if e.get("action") == "ballot_cast":
            n = int(e.get("detail", {}).get("round", 0))
            cast_logged[n] = cast_logged.get(n, 0) + 1
    for rnd in record["rounds"]:
        if rnd["status"] not in ("closed", "void"):
            box_problems.append(f"round {rnd['round_no']} {rnd['status']}")
            continue
        if len(rnd["voters"]) != len(set(rnd["voters"])) or len(rnd["voters"]) > len(attending):
            box_problems.append(f"round {rnd['round_no']} voter roll")
        if cast_logged.get(rnd["round_no"], 0) != len(rnd["voters"]):
            box_problems.append(f"round {rnd['round_no']} {cast_logged.get(rnd['round_no'], 0)} casts logged")
        if any(s[1] not in rnd["applicants"] or s[2] not in ("agree", "disagree", "abstain") for s in rnd["slips"]):
            box_problems.append(f"round {rnd['round_no']} foreign slip")
        if rnd["status"] == "void" and (not rnd["void_reason"].strip() or not any(
                later["round_no"] > rnd["round_no"] and later["applicants"] == rnd["applicants"]
                for later in record["rounds"])):
            box_problems.append(f"round {rnd['round_no']} void without reason or re-vote")
        lines = "".join(f"{i}:{a}:{c}\n" for i, a, c in sorted(rnd["slips"]))
        if hashlib.sha256(lines.encode()).hexdigest() != rnd["box_sha256"]:
            box_problems.append(f"round {rnd['round_no']} fingerprint")
        voters = set(rnd["voters"])
        if not voters <= attending:
            box_problems.append(f"round {rnd['round_no']} voter not attending")
        for a in rnd["applicants"]:
            cast = sum(1 for s in rnd["slips"] if s[1] == a)
            if cast != len(voters - recused.get(a, set())):
                box_problems.append(f"round {rnd['round_no']} {a}: {cast} ballots")
        if len({s[0] for s in rnd["slips"]}) != len(rnd["slips"]):
            box_problems.append(f"round {rnd['round_no']} duplicate slip")
    rep.check(t("office.check_ballots"), not box_problems, "; ".join(box_problems[:5]))

    # -- recompute every number -------------------------------------------------------------------------
    try:
        recomputed = declared_numbers(defn, compute_outcome(defn, record))
        mismatch = _diff(recomputed, record.get("declared"))
    except (ServiceError, ValueError, KeyError, TypeError, ArithmeticError) as exc:
        mismatch = [f"{type(exc).__name__}: {exc}"]
        recomputed = {}
    rep.check(t("office.check_recompute"), not mismatch, "; ".join(mismatch[:5]))
    digest = hashlib.sha256(canonical_json(recomputed)).hexdigest() if recomputed else ""
    signed_ok = [sg for sg in record["signatures"] if sg["kind"] == "results" and digest in sg["statement"]]
    rep.check(t("office.check_signoffs"), {sg["person_id"] for sg in signed_ok} == attending and bool(attending),
              t("office.signoffs_count", n=len(signed_ok), attending=len(attending)))
    rep.check(t("office.check_final"), bool(recomputed.get("final")), "")

    # -- the minutes --------------------------------------------------------------------------------
    _check_minutes(rep, minutes, keys.root_cert, certs, record)
    return rep


def _check_minutes(rep: VerifyReport, pdf: bytes, root: Any, certs: dict[str, Any], record: dict[str, Any]) -> None:
    from zc_review.seal.pdfsign import verify_pdf

    try:
        statuses = verify_pdf(pdf, root)
    except Exception as exc:  # a hostile PDF may raise anything from the parser: it is a failed check
        rep.check(t("office.check_minutes"), False, type(exc).__name__)
        return
    recorder = next(iter(_staff_ids(rep, "recorder")), None)
    presiding = record.get("presiding_officer_id")
    expected = {"Recorder": recorder, "PresidingOfficer": presiding}
    problems = []
    if [s.field_name for s in statuses] != ["Recorder", "PresidingOfficer"]:
        problems.append("fields " + ",".join(s.field_name for s in statuses))
    for s in statuses:
        if not (s.valid and s.intact and s.trusted):
            problems.append(f"{s.field_name} invalid")
        who = expected.get(s.field_name)
        if who is None or who not in certs or s.signer_cert_sha256 != _sha(certs[who]):
            problems.append(f"{s.field_name} signer")
        else:
            rep.signers.append(t("office.signer_minutes_named", role=t(_MINUTES_ROLE[s.field_name]),
                                 name=_cn(certs[who]), person=who))
    if statuses and not statuses[-1].covers_whole_file:
        problems.append("unsigned bytes after last signature")
    rep.check(t("office.check_minutes"), not problems, "; ".join(problems))


def _staff_ids(rep: VerifyReport, role: str) -> set[str]:
    assert rep.definition is not None
    return {s.id for s in rep.definition.staff if s.role.value == role}


def _sha(cert: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


_MINUTES_ROLE = {"Recorder": "common.role_recorder", "PresidingOfficer": "common.role_presiding"}


def _attr(cert: Any, oid_name: str) -> str:
    from cryptography.x509.oid import NameOID

    attrs = cert.subject.get_attributes_for_oid(getattr(NameOID, oid_name))
    return str(attrs[0].value) if attrs else "?"


def _cn(cert: Any) -> str:
    return _attr(cert, "COMMON_NAME")


def _uid(cert: Any) -> str:
    return _attr(cert, "USER_ID")


def _ou(cert: Any) -> str:
    return _attr(cert, "ORGANIZATIONAL_UNIT_NAME")


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _diff(a.get(k), b.get(k), f"{path}/{k}")
        return out
    return [] if a == b else [f"{path}: {b!r} ≠ {a!r}"]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: ``created`` False when the same bundle had already been imported."""

    report: VerifyReport
    created: bool
    session_id: str
    passed: int
    applicants: int


def import_bundle(bundle: Path, keys_dir: Path, db_url: str, *, key_passphrase: str | None = None,
                  allow_rehearsal: bool = False) -> ImportResult:
    """Verify a bundle completely and file its results in the office archive, once.

    Raises: ServiceError("import_refused", failures) on any failed check;
        ServiceError("import_conflict") when a different bundle of the same session was imported
        (an older or altered bundle replayed); ServiceError("rehearsal_refused") for a rehearsal
        bundle in an official archive.
    Importing the same bundle again changes nothing and returns created=False.
    """
    from sqlmodel import Session

    from zc_review.storage.archive import ImportedBundle, ImportedResult, make_archive_engine

    rep = verify_bundle(bundle, keys_dir, key_passphrase=key_passphrase)
    if not rep.ok or rep.definition is None:
        raise ServiceError("import_refused", failures="\n".join(rep.failures()))
    defn, record = rep.definition, rep.record
    if defn.rehearsal and not allow_rehearsal:
        raise ServiceError("rehearsal_refused")
    engine = make_archive_engine(db_url)
    declared = record["declared"]["applicants"]
    passed = sum(1 for v in declared.values() if v["outcome"] == "passed")
    with Session(engine) as s:
        existing = s.get(ImportedBundle, defn.session_id)
        if existing is not None:
            if existing.bundle_sha256 == rep.bundle_sha256:
                return ImportResult(rep, False, defn.session_id, passed, len(defn.applicants))
            raise ServiceError("import_conflict", session=defn.session_id)
        s.add(ImportedBundle(session_id=defn.session_id, bundle_sha256=rep.bundle_sha256,
                             package_id=record["package_id"], committee_name=defn.committee_name,
                             rehearsal=defn.rehearsal, imported_at=datetime.now(UTC), applicants=len(defn.applicants),
                             passed=passed, log_head=record["log_head"],
                             results_json=json.dumps(record, ensure_ascii=False, sort_keys=True)))
        for a in defn.applicants:
            d = declared[a.id]
            fr = record["failure_reasons"].get(a.id, {})
            s.add(ImportedResult(session_id=defn.session_id, applicant_id=a.id, code=a.code, name=a.name,
                                 employer=a.employer, group_name=defn.group(a.group_id).name,
                                 composite=d["composite"], agree=d["agree"], disagree=d["disagree"],
                                 abstain=d["abstain"], outcome=d["outcome"], reason=fr.get("reason", ""),
                                 guidance=fr.get("guidance", "")))
        s.commit()
    return ImportResult(rep, True, defn.session_id, passed, len(defn.applicants))
