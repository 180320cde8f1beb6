"""The checks of a result bundle, section by section: the seal, the record, the device, the people's
certificates and signed statements, the log, the recomputed outcome, the sign-offs and the minutes PDF
(the texts' signatures and the minutes digest are in ``text_checks``).

Each check is a small function of the :class:`Facts` returning a :class:`Check` with its stable id; each
section (one line of the printed report) is a :class:`Section` listing its checks in order. The ballots'
checks are in ``ballot_checks``; the registry of all sections in order is ``verify.SECTIONS``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

from zc_review.domain.codec import canonical_json, definition_from_dict
from zc_review.domain.outcome import compute_outcome, declared_numbers
from zc_review.i18n import label_of, t
from zc_review.seal.bundle import open_bundle, verify_bundle_signature
from zc_review.seal.certs import cert_sha256, common_name, load_certificate_pem, organizational_unit, user_id
from zc_review.seal.errors import SealError
from zc_review.seal.pki import verify_chain
from zc_review.seal.register import is_rehearsal_package_id
from zc_review.seal.statements import verify_statement
from zc_review.service.errors import ServiceError
from zc_review.service.office.report import (
    DATA_ERRORS,
    Check,
    Facts,
    Section,
    Spec,
    device_common_name,
    joined,
)

if TYPE_CHECKING:
    from zc_review.seal.pdfsign import PdfSignatureStatus

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024
_MINUTES_FIELDS = ["Recorder", "PresidingOfficer"]
_MINUTES_ROLE = {"Recorder": "common.role_recorder", "PresidingOfficer": "common.role_presiding"}


# -- the file and the seal ------------------------------------------------------------------------------

def _bundle_size(f: Facts) -> Check:
    ok = f.size <= MAX_BUNDLE_BYTES
    return Check("bundle.size", ok, "" if ok else "file too large")


def _seal_signature(f: Facts) -> Check:
    """Container, manifest, device certificate chaining to the office root, signature, payload digest."""
    assert f.keys is not None
    try:
        verify_bundle_signature(f.data, [f.keys.root_cert])
    except SealError as exc:
        f.seal_error = exc.diagnostics()
        return Check("seal.signature", False, f.seal_error)
    return Check("seal.signature", True)


def _seal_contents(f: Facts) -> Check:
    """Decrypts with the office's age identity; the members are exactly the manifest's, digests equal."""
    assert f.keys is not None
    try:
        f.contents = open_bundle(f.data, [f.keys.root_cert], f.keys.age_identity)
    except SealError as exc:
        f.seal_error = exc.diagnostics()
        return Check("seal.contents", False, f.seal_error)
    f.report.fingerprint = f.contents.fingerprint
    f.report.signers.append(t("office.signer_device", cn=common_name(f.signer)))
    return Check("seal.contents", True)


def _seal_line(f: Facts) -> str:
    return f.seal_error or t("office.check_seal_ok", cn=common_name(f.signer))


# -- the record -------------------------------------------------------------------------------------------

def _record_parse(f: Facts) -> Check:
    """results.json and log.json are JSON, the session definition decodes, minutes.pdf is there."""
    assert f.contents is not None
    try:
        record = json.loads(f.contents.members["results.json"])
        f.log = json.loads(f.contents.members["log.json"])
        defn = definition_from_dict(record["session"])
        f.report.record, f.report.definition, f.report.session_id = record, defn, defn.session_id
        f.minutes = f.contents.members["minutes.pdf"]
    except (KeyError, ValueError, TypeError) as exc:
        f.parse_error = f"{type(exc).__name__}: {exc}"
        return Check("record.parse", False, f.parse_error)
    return Check("record.parse", True)


def _record_format(f: Facts) -> Check:
    ok = f.record.get("format") == "zc-review-record" and f.record.get("version") == 1
    return Check("record.format", ok, "" if ok else f"{f.record.get('format')!r} {f.record.get('version')!r}")


def _record_session_id(f: Facts) -> Check:
    """The signed manifest names the session the record is of."""
    assert f.contents is not None
    got = f.contents.manifest.get("session_id")
    return Check("record.session_id", got == f.defn.session_id, f"manifest {got!r}")


def _record_package_id(f: Facts) -> Check:
    """The signed manifest names the package the record says it answers."""
    assert f.contents is not None
    got = f.contents.manifest.get("package_id")
    return Check("record.package_id", got == f.record.get("package_id"), f"manifest {got!r}")


def _structure_line(f: Facts) -> str:
    if f.parse_error:
        return f.parse_error
    failed = [c.detail for c in f.report.checks if c.id == "record.package_mark" and not c.ok]
    return "; ".join([f.defn.session_id, *failed])


def _device_line(f: Facts) -> str:
    failed = [c.detail for c in f.report.checks if c.id == "device.rehearsal_mark" and not c.ok]
    return "; ".join([common_name(f.signer), *failed])


# -- the device and the people's certificates ------------------------------------------------------------

def _device_role(f: Facts) -> Check:
    """The bundle's signer is a session device (OU=device), not a person's certificate."""
    return Check("device.role", organizational_unit(f.signer) == "device", organizational_unit(f.signer))


def _device_name(f: Facts) -> Check:
    """The device certificate is named for this session (pack names it so, official or rehearsal)."""
    names = {device_common_name(f.defn.session_id), device_common_name(f.defn.session_id, rehearsal=True)}
    return Check("device.name", common_name(f.signer) in names, common_name(f.signer))


def _device_rehearsal_mark(f: Facts) -> Check:
    """The device certificate's rehearsal mark (its CN, signed by the office root) agrees with the record's flag."""
    cert_says = common_name(f.signer) == device_common_name(f.defn.session_id, rehearsal=True)
    ok = cert_says == bool(f.defn.rehearsal)
    return Check("device.rehearsal_mark", ok, "" if ok else t(
        "office.mark_device", cert=_kind(cert_says), record=_kind(bool(f.defn.rehearsal))))


def _record_package_mark(f: Facts) -> Check:
    """The package id's rehearsal mark (``rehearsal-`` prefix, signed by the office root) agrees with the record."""
    package = str(f.record.get("package_id"))
    id_says = is_rehearsal_package_id(package)
    ok = id_says == bool(f.defn.rehearsal)
    return Check("record.package_mark", ok, "" if ok else t(
        "office.mark_package", package=package, id_kind=_kind(id_says), record=_kind(bool(f.defn.rehearsal))))


def _kind(rehearsal: bool) -> str:
    return t("office.kind_rehearsal") if rehearsal else t("office.kind_official")


def _certs_chain(f: Facts) -> Check:
    """Every certificate in the record parses and is issued by the office root."""
    assert f.keys is not None
    bad = []
    for pid, pem in f.record["certificates"].items():
        try:
            cert = load_certificate_pem(pem)
            verify_chain(cert, f.keys.root_cert)
            f.chained[pid] = cert
        except SealError:
            bad.append(pid)
    return Check("certs.chain", not bad, ", ".join(bad))


def _certs_holder(f: Facts) -> Check:
    """A certificate names its holder (UID, CN): it cannot stand for someone else."""
    bad = []
    for pid, cert in f.chained.items():
        if user_id(cert) == pid and pid in f.names and common_name(cert) == f.names[pid]:
            f.certs[pid] = cert
        else:
            bad.append(pid)
    return Check("certs.holder", not bad, ", ".join(bad))


def _certs_line(f: Facts) -> str:
    return ", ".join(pid for pid in f.record["certificates"] if pid not in f.certs)


def _statements(f: Facts) -> Check:
    """Every signed statement (pledge, rubric, results) verifies under its signer's accepted certificate."""
    for sg in f.record["signatures"]:
        signer = f.certs.get(sg["person_id"])
        try:
            if signer is None:
                raise SealError("no certificate")
            verify_statement(signer, sg["statement"].encode("utf-8"), base64.b64decode(sg["signature"], validate=True))
            f.report.signers.append(t("office.signer_statement_named", kind=label_of("sig_kind", sg['kind']),
                                      subject=sg["subject"], role=label_of("role", sg['role']),
                                      name=f.names[sg["person_id"]], person=sg["person_id"]))
        except (SealError, ValueError):
            f.bad_sigs.append(f"{sg['kind']}:{sg['person_id']}")
    return Check("statements.signatures", not f.bad_sigs, ", ".join(f.bad_sigs))


# -- the log ------------------------------------------------------------------------------------------------

def _log_chain(f: Facts) -> Check:
    """Every log entry's hash follows from the one before (domain.chain)."""
    _, broken = f.chain
    return Check("log.chain", broken is None, "" if broken is None else t("office.log_broken_at", seq=broken))


def _log_head(f: Facts) -> Check:
    """The last hash of the log is the ``log_head`` the record declares."""
    head, _ = f.chain
    return Check("log.head", head == f.record.get("log_head"), head)


def _log_line(f: Facts) -> str:
    head, broken = f.chain
    return t("office.log_broken_at", seq=broken) if broken is not None else head


SIZE = Section("office.check_container", (Spec("bundle.size", _bundle_size, gate=True),),
               lambda f: "file too large", quiet_ok=True)
SEAL = Section("office.check_seal", (Spec("seal.signature", _seal_signature, gate=True),
                              Spec("seal.contents", _seal_contents, gate=True)), _seal_line)
STRUCTURE = Section("office.check_structure", (Spec("record.parse", _record_parse, gate=True),
                                        Spec("record.format", _record_format),
                                        Spec("record.session_id", _record_session_id),
                                        Spec("record.package_id", _record_package_id),
                                        Spec("record.package_mark", _record_package_mark)), _structure_line)
DEVICE = Section("office.check_device", (Spec("device.role", _device_role), Spec("device.name", _device_name),
                                         Spec("device.rehearsal_mark", _device_rehearsal_mark)), _device_line)
CERTS = Section("office.check_certs", (Spec("certs.chain", _certs_chain), Spec("certs.holder", _certs_holder)), _certs_line)
STATEMENTS = Section("office.check_statements", (Spec("statements.signatures", _statements),),
                     lambda f: ", ".join(f.bad_sigs))
LOG = Section("office.check_log", (Spec("log.chain", _log_chain), Spec("log.head", _log_head)), _log_line)


# -- recompute every number ----------------------------------------------------------------------------------

def _outcome_recompute(f: Facts) -> Check:
    """The outcome recomputes from the bundle's own definition, sheets, slips and decisions (domain.outcome)."""
    try:
        f.recomputed = declared_numbers(f.defn, compute_outcome(f.defn, f.record))
    except (ServiceError, *DATA_ERRORS) as exc:
        f.recompute_error = f"{type(exc).__name__}: {exc}"
        return Check("outcome.recompute", False, f.recompute_error)
    return Check("outcome.recompute", True)


def _outcome_declared(f: Facts) -> Check:
    """Every number the room declared equals the recomputed one."""
    if f.recompute_error:
        return Check("outcome.declared", False, "not recomputed")
    return Check("outcome.declared", not (m := _diff(f.recomputed, f.record.get("declared"))), joined(m))


def _recompute_line(f: Facts) -> str:
    return f.recompute_error or joined(_diff(f.recomputed, f.record.get("declared")))


def _signed_results(f: Facts) -> list[dict[str, Any]]:
    digest = hashlib.sha256(canonical_json(f.recomputed)).hexdigest() if f.recomputed else ""
    return [sg for sg in f.record["signatures"] if sg["kind"] == "results" and digest in sg["statement"]]


def _signoffs(f: Facts) -> Check:
    """Every attending member signed the results whose digest is that of the recomputed numbers.

    Without recomputed numbers there is no digest to look for: the check fails ("not recomputed"), it never
    passes on an empty digest (which every statement would contain)."""
    if f.recompute_error or not f.recomputed:
        return Check("signoffs.complete", False, "not recomputed")
    ok = {sg["person_id"] for sg in _signed_results(f)} == f.attending and bool(f.attending)
    return Check("signoffs.complete", ok, _signoffs_line(f))


def _signoffs_line(f: Facts) -> str:
    return t("office.signoffs_count", n=len(_signed_results(f)), attending=len(f.attending))


def _outcome_final(f: Facts) -> Check:
    """The recomputed outcome is final (no run-off or decision pending)."""
    ok = bool(f.recomputed.get("final"))
    return Check("outcome.final", ok, "" if ok else "not final")


RECOMPUTE = Section("office.check_recompute", (Spec("outcome.recompute", _outcome_recompute),
                                        Spec("outcome.declared", _outcome_declared)), _recompute_line)
SIGNOFFS = Section("office.check_signoffs", (Spec("signoffs.complete", _signoffs),), _signoffs_line)
FINAL = Section("office.check_final", (Spec("outcome.final", _outcome_final),), lambda f: "")


# -- the minutes PDF -------------------------------------------------------------------------------------

def _minutes_parse(f: Facts) -> Check:
    """pyHanko reads the minutes' signatures (a hostile PDF may raise anything: it is a failed check)."""
    from zc_review.seal.pdfsign import verify_pdf

    assert f.keys is not None
    try:
        f.statuses = verify_pdf(f.minutes, f.keys.root_cert)
    except Exception as exc:  # noqa: BLE001 - any parser failure refuses the bundle
        f.minutes_error = type(exc).__name__
        return Check("minutes.parse", False, f.minutes_error)
    return Check("minutes.parse", True)


def _fields_problems(f: Facts) -> list[str]:
    names = [s.field_name for s in f.statuses]
    return [] if names == _MINUTES_FIELDS else ["fields " + ",".join(names)]


def _sig_invalid(f: Facts, s: PdfSignatureStatus) -> list[str]:
    return [] if s.valid and s.intact and s.trusted else [f"{s.field_name} invalid"]


def _expected_signer(f: Facts, s: PdfSignatureStatus) -> str | None:
    """The person whose accepted certificate must have signed this field, when it did; else None."""
    recorder = next(iter(st.id for st in f.defn.staff if st.role.value == "recorder"), None)
    who = {"Recorder": recorder, "PresidingOfficer": f.record.get("presiding_officer_id")}.get(s.field_name)
    return who if who is not None and who in f.certs and s.signer_cert_sha256 == cert_sha256(f.certs[who]) else None


def _sig_signer(f: Facts, s: PdfSignatureStatus) -> list[str]:
    return [] if _expected_signer(f, s) is not None else [f"{s.field_name} signer"]


def _coverage_problems(f: Facts) -> list[str]:
    return ["unsigned bytes after last signature"] if f.statuses and not f.statuses[-1].covers_whole_file else []


def _minutes_fields(f: Facts) -> Check:
    """Exactly two signature fields, the recorder's then the presiding officer's."""
    return Check("minutes.fields", not (p := _fields_problems(f)), joined(p))


def _minutes_signatures(f: Facts) -> Check:
    """Every signature is cryptographically valid, over unchanged bytes, by a certificate of the office root."""
    p = [x for s in f.statuses for x in _sig_invalid(f, s)]
    return Check("minutes.signatures", not p, "; ".join(p))


def _minutes_signers(f: Facts) -> Check:
    """Each field is signed by the accepted certificate of the person it belongs to."""
    p = []
    for s in f.statuses:
        who = _expected_signer(f, s)
        if who is None:
            p.append(f"{s.field_name} signer")
        else:
            f.report.signers.append(t("office.signer_minutes_named", role=t(_MINUTES_ROLE[s.field_name]),
                                      name=common_name(f.certs[who]), person=who))
    return Check("minutes.signers", not p, "; ".join(p))


def _minutes_coverage(f: Facts) -> Check:
    """The last signature covers the whole file: nothing was appended after it."""
    return Check("minutes.coverage", not (p := _coverage_problems(f)), "; ".join(p))


def _minutes_line(f: Facts) -> str:
    if f.minutes_error:
        return f.minutes_error
    problems = _fields_problems(f)
    for s in f.statuses:
        problems += _sig_invalid(f, s) + _sig_signer(f, s)
    return "; ".join(problems + _coverage_problems(f))


MINUTES = Section("office.check_minutes", (Spec("minutes.parse", _minutes_parse, gate=True),
                                    Spec("minutes.fields", _minutes_fields),
                                    Spec("minutes.signatures", _minutes_signatures),
                                    Spec("minutes.signers", _minutes_signers),
                                    Spec("minutes.coverage", _minutes_coverage)), _minutes_line)


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _diff(a.get(k), b.get(k), f"{path}/{k}")
        return out
    return [] if a == b else [f"{path}: {b!r} ≠ {a!r}"]
