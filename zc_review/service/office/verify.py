"""The office, after: verify a result bundle completely and recompute every number.

``verify_bundle`` never trusts a number it can recompute: composites from the score sheets, tallies
from the ballot slips, decisions from the rules in the bundle's own session definition. Any mismatch
refuses the whole bundle, saying what failed.

The verification is a list of named checks (:data:`CHECKS`), each a small function of what is known
about the bundle so far, returning a :class:`Check` with a stable ASCII id ``<part>.<property>``:
``bundle`` (the file), ``seal`` (signature, encryption), ``record`` (results.json), ``device``,
``certs``, ``statements``, ``log``, ``ballots``, ``outcome``, ``signoffs``, ``minutes``. The checks are
grouped in :data:`SECTIONS`, one per line of the printed report (its Chinese name and detail).
Imports only domain, seal, i18n and the service error: no SQL, no UI, nothing of the room.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zc_review.domain.ballot import box_fingerprint
from zc_review.domain.chain import replay
from zc_review.domain.codec import canonical_json, definition_from_dict
from zc_review.domain.model import SessionDefinition
from zc_review.domain.outcome import compute_outcome, declared_numbers
from zc_review.i18n import t
from zc_review.seal.bundle import BundleContents, open_bundle, verify_bundle_signature
from zc_review.seal.certs import cert_sha256, common_name, load_certificate_pem, organizational_unit, user_id
from zc_review.seal.errors import SealError
from zc_review.seal.pki import OfficeKeys, load_office_keys, verify_chain
from zc_review.seal.statements import verify_statement
from zc_review.service.errors import ServiceError

if TYPE_CHECKING:
    from zc_review.seal.pdfsign import PdfSignatureStatus

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024
# What malformed (but correctly sealed) JSON makes a check raise: the check fails, verify goes on.
_DATA_ERRORS = (KeyError, ValueError, TypeError, AttributeError, IndexError, ArithmeticError)
_VOTABLE = ("closed", "void")  # the states a round may be in once the session is closed
_CHOICES = ("agree", "disagree", "abstain")
_MINUTES_FIELDS = ["Recorder", "PresidingOfficer"]
_MINUTES_ROLE = {"Recorder": "role_recorder", "PresidingOfficer": "role_presiding"}


@dataclass(frozen=True)
class Check:
    """The result of one check: its stable ``id`` (e.g. ``"log.chain"``), whether it passed, a short detail.

    ``detail`` says what failed (English diagnostics, ids, or ``"; "``-joined problems, at most 5).
    """

    id: str
    ok: bool
    detail: str = ""


class Line(NamedTuple):
    """One line of the printed report: the Chinese check name, whether all its checks passed, the detail."""

    name: str
    ok: bool
    detail: str


@dataclass
class VerifyReport:
    """The outcome of verifying a bundle.

    ``lines``: the report as printed (one Chinese line per section, as ``office verify`` shows it);
    ``checks``: every check that ran, in :data:`CHECKS` order (a failed gate ends the run);
    ``signers``: who signed what, one Chinese line each; ``record``/``definition``: the bundle's
    results.json and its session definition once they parse; ``bundle_sha256``: hex of the whole file.
    """

    fingerprint: str = ""
    session_id: str = ""
    lines: list[Line] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    definition: SessionDefinition | None = None
    bundle_sha256: str = ""

    @property
    def ok(self) -> bool:
        """True only if at least one line was reported and every line and check passed."""
        return bool(self.lines) and all(ln.ok for ln in self.lines) and all(c.ok for c in self.checks)

    def failures(self) -> list[str]:
        """The failed lines as ``"<Chinese name>: <detail>"`` (the text of ``import_refused``)."""
        return [f"{ln.name}: {ln.detail}" for ln in self.lines if not ln.ok]

    def failed_ids(self) -> list[str]:
        """The ids of the failed checks, in run order."""
        return [c.id for c in self.checks if not c.ok]


def device_common_name(session_id: str) -> str:
    """The CN the office gives the session device's certificate (``"会话设备 <session id>"``); pack uses it."""
    return t("office_device_common_name", session=session_id)


@dataclass
class _Facts:
    """What is known about the bundle so far; checks read it and add what later checks need."""

    report: VerifyReport
    size: int = 0
    data: bytes = b""
    keys: OfficeKeys | None = None
    seal_error: str = ""
    contents: BundleContents | None = None
    parse_error: str = ""
    log: list[dict[str, Any]] = field(default_factory=list)
    minutes: bytes = b""
    chained: dict[str, Any] = field(default_factory=dict)  # person id → certificate chaining to the root
    certs: dict[str, Any] = field(default_factory=dict)  # ... and naming that person: the accepted ones
    bad_sigs: list[str] = field(default_factory=list)
    recompute_error: str = ""
    recomputed: dict[str, Any] = field(default_factory=dict)
    minutes_error: str = ""
    statuses: list[PdfSignatureStatus] = field(default_factory=list)

    @property
    def record(self) -> dict[str, Any]:
        return self.report.record

    @property
    def defn(self) -> SessionDefinition:
        assert self.report.definition is not None
        return self.report.definition

    @property
    def signer(self) -> Any:
        assert self.contents is not None
        return self.contents.signer_cert

    @cached_property
    def names(self) -> dict[str, str]:
        return {r.id: r.name for r in self.defn.reviewers} | {st.id: st.name for st in self.defn.staff}

    @cached_property
    def attending(self) -> set[str]:
        return {r for r, v in self.record["attendance"].items() if v}

    @cached_property
    def recused(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for rc in self.record["recusals"]:
            out.setdefault(rc["applicant_id"], set()).add(rc["reviewer_id"])
        return out

    @cached_property
    def chain(self) -> tuple[str, int | None]:
        """``(head, first broken seq or None)`` of the log (domain.chain.replay)."""
        return replay(self.log)

    @cached_property
    def casts_logged(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for e in self.log:
            if e.get("action") == "ballot_cast":
                n = int(e.get("detail", {}).get("round", 0))
                out[n] = out.get(n, 0) + 1
        return out


def _joined(problems: list[str], sep: str = "; ") -> str:
    return sep.join(problems[:5])


# -- the file and the seal ------------------------------------------------------------------------------

def _bundle_size(f: _Facts) -> Check:
    ok = f.size <= MAX_BUNDLE_BYTES
    return Check("bundle.size", ok, "" if ok else "file too large")


def _seal_signature(f: _Facts) -> Check:
    """Container, manifest, device certificate chaining to the office root, signature, payload digest."""
    assert f.keys is not None
    try:
        verify_bundle_signature(f.data, [f.keys.root_cert])
    except SealError as exc:
        f.seal_error = exc.diagnostics()
        return Check("seal.signature", False, f.seal_error)
    return Check("seal.signature", True)


def _seal_contents(f: _Facts) -> Check:
    """Decrypts with the office's age identity; the members are exactly the manifest's, digests equal."""
    assert f.keys is not None
    try:
        f.contents = open_bundle(f.data, [f.keys.root_cert], f.keys.age_identity)
    except SealError as exc:
        f.seal_error = exc.diagnostics()
        return Check("seal.contents", False, f.seal_error)
    f.report.fingerprint = f.contents.fingerprint
    f.report.signers.append(t("signer_device", cn=common_name(f.signer)))
    return Check("seal.contents", True)


def _seal_line(f: _Facts) -> str:
    return f.seal_error or t("check_seal_ok", cn=common_name(f.signer))


# -- the record -------------------------------------------------------------------------------------------

def _record_parse(f: _Facts) -> Check:
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


def _record_format(f: _Facts) -> Check:
    ok = f.record.get("format") == "zc-review-record" and f.record.get("version") == 1
    return Check("record.format", ok, "" if ok else f"{f.record.get('format')!r} {f.record.get('version')!r}")


def _record_session_id(f: _Facts) -> Check:
    """The signed manifest names the session the record is of."""
    assert f.contents is not None
    got = f.contents.manifest.get("session_id")
    return Check("record.session_id", got == f.defn.session_id, f"manifest {got!r}")


def _record_package_id(f: _Facts) -> Check:
    """The signed manifest names the package the record says it answers."""
    assert f.contents is not None
    got = f.contents.manifest.get("package_id")
    return Check("record.package_id", got == f.record.get("package_id"), f"manifest {got!r}")


def _structure_line(f: _Facts) -> str:
    return f.parse_error or f.defn.session_id


# -- the device and the people's certificates ------------------------------------------------------------

def _device_role(f: _Facts) -> Check:
    """The bundle's signer is a session device (OU=device), not a person's certificate."""
    return Check("device.role", organizational_unit(f.signer) == "device", organizational_unit(f.signer))


def _device_name(f: _Facts) -> Check:
    """The device certificate is the one the office issued for this session (pack names it so)."""
    return Check("device.name", common_name(f.signer) == device_common_name(f.defn.session_id), common_name(f.signer))


def _certs_chain(f: _Facts) -> Check:
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


def _certs_holder(f: _Facts) -> Check:
    """A certificate names its holder (UID, CN): it cannot stand for someone else."""
    bad = []
    for pid, cert in f.chained.items():
        if user_id(cert) == pid and pid in f.names and common_name(cert) == f.names[pid]:
            f.certs[pid] = cert
        else:
            bad.append(pid)
    return Check("certs.holder", not bad, ", ".join(bad))


def _certs_line(f: _Facts) -> str:
    return ", ".join(pid for pid in f.record["certificates"] if pid not in f.certs)


def _statements(f: _Facts) -> Check:
    """Every signed statement (pledge, rubric, results) verifies under its signer's accepted certificate."""
    for sg in f.record["signatures"]:
        signer = f.certs.get(sg["person_id"])
        try:
            if signer is None:
                raise SealError("no certificate")
            verify_statement(signer, sg["statement"].encode("utf-8"), base64.b64decode(sg["signature"]))
            f.report.signers.append(t("signer_statement_named", kind=t(f"sig_kind_{sg['kind']}"),
                                      subject=sg["subject"], role=t(f"role_{sg['role']}"),
                                      name=f.names[sg["person_id"]], person=sg["person_id"]))
        except (SealError, ValueError):
            f.bad_sigs.append(f"{sg['kind']}:{sg['person_id']}")
    return Check("statements.signatures", not f.bad_sigs, ", ".join(f.bad_sigs))


# -- the log ------------------------------------------------------------------------------------------------

def _log_chain(f: _Facts) -> Check:
    """Every log entry's hash follows from the one before (domain.chain)."""
    _, broken = f.chain
    return Check("log.chain", broken is None, "" if broken is None else t("log_broken_at", seq=broken))


def _log_head(f: _Facts) -> Check:
    """The last hash of the log is the ``log_head`` the record declares."""
    head, _ = f.chain
    return Check("log.head", head == f.record.get("log_head"), head)


def _log_line(f: _Facts) -> str:
    head, broken = f.chain
    return t("log_broken_at", seq=broken) if broken is not None else head


# -- the ballots: each round, voided ones included, counted again ---------------------------------------------
# A round rule gives the problems of one round (English, "round <n> ..."); the rules after the status rule
# apply only to rounds that are closed or void.

RoundRule = Callable[[_Facts, dict[str, Any]], list[str]]


def _round_status(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    return [] if rnd["status"] in _VOTABLE else [f"round {rnd['round_no']} {rnd['status']}"]


def _voter_roll(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    voters = rnd["voters"]
    ok = len(voters) == len(set(voters)) and len(voters) <= len(f.attending)
    return [] if ok else [f"round {rnd['round_no']} voter roll"]


def _casts_logged(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    n = f.casts_logged.get(rnd["round_no"], 0)
    return [] if n == len(rnd["voters"]) else [f"round {rnd['round_no']} {n} casts logged"]


def _slip_choices(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    foreign = any(s[1] not in rnd["applicants"] or s[2] not in _CHOICES for s in rnd["slips"])
    return [f"round {rnd['round_no']} foreign slip"] if foreign else []


def _void_revoted(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    if rnd["status"] != "void":
        return []
    revoted = any(later["round_no"] > rnd["round_no"] and later["applicants"] == rnd["applicants"]
                  for later in f.record["rounds"])
    ok = bool(rnd["void_reason"].strip()) and revoted
    return [] if ok else [f"round {rnd['round_no']} void without reason or re-vote"]


def _box_fingerprint(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    return [] if box_fingerprint(rnd["slips"]) == rnd["box_sha256"] else [f"round {rnd['round_no']} fingerprint"]


def _voters_attending(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    return [] if set(rnd["voters"]) <= f.attending else [f"round {rnd['round_no']} voter not attending"]


def _ballot_count(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    voters = set(rnd["voters"])
    out = []
    for a in rnd["applicants"]:
        cast = sum(1 for s in rnd["slips"] if s[1] == a)
        if cast != len(voters - f.recused.get(a, set())):
            out.append(f"round {rnd['round_no']} {a}: {cast} ballots")
    return out


def _slip_ids(f: _Facts, rnd: dict[str, Any]) -> list[str]:
    unique = len({s[0] for s in rnd["slips"]}) == len(rnd["slips"])
    return [] if unique else [f"round {rnd['round_no']} duplicate slip"]


_ROUND_RULES: tuple[tuple[str, RoundRule], ...] = (
    ("ballots.voter_roll", _voter_roll),  # voters unique, no more than attend
    ("ballots.casts_logged", _casts_logged),  # one ballot_cast log entry per voter
    ("ballots.slip_choices", _slip_choices),  # every slip for an applicant of the round, a valid choice
    ("ballots.void_revoted", _void_revoted),  # a void round has a reason and a later re-vote
    ("ballots.box_fingerprint", _box_fingerprint),  # the box's SHA-256 as printed in the minutes
    ("ballots.voters_attending", _voters_attending),  # every voter attends
    ("ballots.ballot_count", _ballot_count),  # per applicant one slip per voter not recused
    ("ballots.slip_ids", _slip_ids),  # slip ids unique in the box
)


def _round_numbers_problems(f: _Facts) -> list[str]:
    rounds = f.record["rounds"]
    return [] if [r["round_no"] for r in rounds] == list(range(1, len(rounds) + 1)) else ["round numbers"]


def _round_numbers(f: _Facts) -> Check:
    """Rounds are numbered 1..n with none missing."""
    return Check("ballots.round_numbers", not (p := _round_numbers_problems(f)), _joined(p))


def _rounds_status(f: _Facts) -> Check:
    """Every round is closed or void (none left open when the session closed)."""
    p = [x for rnd in f.record["rounds"] for x in _round_status(f, rnd)]
    return Check("ballots.round_status", not p, _joined(p))


def _round_check(check_id: str, rule: RoundRule) -> Callable[[_Facts], Check]:
    def run(f: _Facts) -> Check:
        p = [x for rnd in f.record["rounds"] if rnd["status"] in _VOTABLE for x in rule(f, rnd)]
        return Check(check_id, not p, _joined(p))

    return run


def _ballots_line(f: _Facts) -> str:
    """The problems in the order of the rounds, each round's in rule order (as the report always listed them)."""
    problems = _round_numbers_problems(f)
    for rnd in f.record["rounds"]:
        if status := _round_status(f, rnd):
            problems += status
            continue
        for _, rule in _ROUND_RULES:
            problems += rule(f, rnd)
    return _joined(problems)


# -- recompute every number ----------------------------------------------------------------------------------

def _outcome_recompute(f: _Facts) -> Check:
    """The outcome recomputes from the bundle's own definition, sheets, slips and decisions (domain.outcome)."""
    try:
        f.recomputed = declared_numbers(f.defn, compute_outcome(f.defn, f.record))
    except (ServiceError, *_DATA_ERRORS) as exc:
        f.recompute_error = f"{type(exc).__name__}: {exc}"
        return Check("outcome.recompute", False, f.recompute_error)
    return Check("outcome.recompute", True)


def _outcome_declared(f: _Facts) -> Check:
    """Every number the room declared equals the recomputed one."""
    if f.recompute_error:
        return Check("outcome.declared", False, "not recomputed")
    return Check("outcome.declared", not (m := _diff(f.recomputed, f.record.get("declared"))), _joined(m))


def _recompute_line(f: _Facts) -> str:
    return f.recompute_error or _joined(_diff(f.recomputed, f.record.get("declared")))


def _signed_results(f: _Facts) -> list[dict[str, Any]]:
    digest = hashlib.sha256(canonical_json(f.recomputed)).hexdigest() if f.recomputed else ""
    return [sg for sg in f.record["signatures"] if sg["kind"] == "results" and digest in sg["statement"]]


def _signoffs(f: _Facts) -> Check:
    """Every attending member signed the results whose digest is that of the recomputed numbers."""
    ok = {sg["person_id"] for sg in _signed_results(f)} == f.attending and bool(f.attending)
    return Check("signoffs.complete", ok, _signoffs_line(f))


def _signoffs_line(f: _Facts) -> str:
    return t("signoffs_count", n=len(_signed_results(f)), attending=len(f.attending))


def _outcome_final(f: _Facts) -> Check:
    """The recomputed outcome is final (no run-off or decision pending)."""
    return Check("outcome.final", bool(f.recomputed.get("final")))


# -- the minutes PDF -------------------------------------------------------------------------------------

def _minutes_parse(f: _Facts) -> Check:
    """pyHanko reads the minutes' signatures (a hostile PDF may raise anything: it is a failed check)."""
    from zc_review.seal.pdfsign import verify_pdf

    assert f.keys is not None
    try:
        f.statuses = verify_pdf(f.minutes, f.keys.root_cert)
    except Exception as exc:  # noqa: BLE001 - any parser failure refuses the bundle
        f.minutes_error = type(exc).__name__
        return Check("minutes.parse", False, f.minutes_error)
    return Check("minutes.parse", True)


def _fields_problems(f: _Facts) -> list[str]:
    names = [s.field_name for s in f.statuses]
    return [] if names == _MINUTES_FIELDS else ["fields " + ",".join(names)]


def _sig_invalid(f: _Facts, s: PdfSignatureStatus) -> list[str]:
    return [] if s.valid and s.intact and s.trusted else [f"{s.field_name} invalid"]


def _expected_signer(f: _Facts, s: PdfSignatureStatus) -> str | None:
    """The person whose accepted certificate must have signed this field, when it did; else None."""
    recorder = next(iter(st.id for st in f.defn.staff if st.role.value == "recorder"), None)
    who = {"Recorder": recorder, "PresidingOfficer": f.record.get("presiding_officer_id")}.get(s.field_name)
    return who if who is not None and who in f.certs and s.signer_cert_sha256 == cert_sha256(f.certs[who]) else None


def _sig_signer(f: _Facts, s: PdfSignatureStatus) -> list[str]:
    return [] if _expected_signer(f, s) is not None else [f"{s.field_name} signer"]


def _coverage_problems(f: _Facts) -> list[str]:
    return ["unsigned bytes after last signature"] if f.statuses and not f.statuses[-1].covers_whole_file else []


def _minutes_fields(f: _Facts) -> Check:
    """Exactly two signature fields, the recorder's then the presiding officer's."""
    return Check("minutes.fields", not (p := _fields_problems(f)), _joined(p))


def _minutes_signatures(f: _Facts) -> Check:
    """Every signature is cryptographically valid, over unchanged bytes, by a certificate of the office root."""
    p = [x for s in f.statuses for x in _sig_invalid(f, s)]
    return Check("minutes.signatures", not p, "; ".join(p))


def _minutes_signers(f: _Facts) -> Check:
    """Each field is signed by the accepted certificate of the person it belongs to."""
    p = []
    for s in f.statuses:
        who = _expected_signer(f, s)
        if who is None:
            p.append(f"{s.field_name} signer")
        else:
            f.report.signers.append(t("signer_minutes_named", role=t(_MINUTES_ROLE[s.field_name]),
                                      name=common_name(f.certs[who]), person=who))
    return Check("minutes.signers", not p, "; ".join(p))


def _minutes_coverage(f: _Facts) -> Check:
    """The last signature covers the whole file: nothing was appended after it."""
    return Check("minutes.coverage", not (p := _coverage_problems(f)), "; ".join(p))


def _minutes_line(f: _Facts) -> str:
    if f.minutes_error:
        return f.minutes_error
    problems = _fields_problems(f)
    for s in f.statuses:
        problems += _sig_invalid(f, s) + _sig_signer(f, s)
    return "; ".join(problems + _coverage_problems(f))


# -- the registry ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One check of the registry: its stable id, its function, and whether its failure ends the run."""

    id: str
    run: Callable[[_Facts], Check]
    gate: bool = False


@dataclass(frozen=True)
class Section:
    """One line of the report: the catalogue key of its Chinese name, its checks in order, its detail.

    ``quiet_ok``: the line is printed only when it fails (the size of the file).
    """

    name_key: str
    checks: tuple[Spec, ...]
    detail: Callable[[_Facts], str]
    quiet_ok: bool = False


SIZE = Section("office_check_container", (Spec("bundle.size", _bundle_size, gate=True),),
               lambda f: "file too large", quiet_ok=True)
SECTIONS: tuple[Section, ...] = (
    SIZE,
    Section("check_seal", (Spec("seal.signature", _seal_signature, gate=True),
                           Spec("seal.contents", _seal_contents, gate=True)), _seal_line),
    Section("check_structure", (Spec("record.parse", _record_parse, gate=True),
                                Spec("record.format", _record_format),
                                Spec("record.session_id", _record_session_id),
                                Spec("record.package_id", _record_package_id)), _structure_line),
    Section("check_device", (Spec("device.role", _device_role), Spec("device.name", _device_name)),
            lambda f: common_name(f.signer)),
    Section("check_certs", (Spec("certs.chain", _certs_chain), Spec("certs.holder", _certs_holder)), _certs_line),
    Section("check_statements", (Spec("statements.signatures", _statements),), lambda f: ", ".join(f.bad_sigs)),
    Section("check_log", (Spec("log.chain", _log_chain), Spec("log.head", _log_head)), _log_line),
    Section("check_ballots", (Spec("ballots.round_numbers", _round_numbers),
                              Spec("ballots.round_status", _rounds_status),
                              *(Spec(cid, _round_check(cid, rule)) for cid, rule in _ROUND_RULES)), _ballots_line),
    Section("check_recompute", (Spec("outcome.recompute", _outcome_recompute),
                                Spec("outcome.declared", _outcome_declared)), _recompute_line),
    Section("check_signoffs", (Spec("signoffs.complete", _signoffs),), _signoffs_line),
    Section("check_final", (Spec("outcome.final", _outcome_final),), lambda f: ""),
    Section("check_minutes", (Spec("minutes.parse", _minutes_parse, gate=True),
                              Spec("minutes.fields", _minutes_fields),
                              Spec("minutes.signatures", _minutes_signatures),
                              Spec("minutes.signers", _minutes_signers),
                              Spec("minutes.coverage", _minutes_coverage)), _minutes_line),
)
CHECKS: tuple[Spec, ...] = tuple(spec for section in SECTIONS for spec in section.checks)
CHECK_IDS: tuple[str, ...] = tuple(spec.id for spec in CHECKS)


def _run_check(spec: Spec, f: _Facts) -> Check:
    try:
        result = spec.run(f)
    except _DATA_ERRORS as exc:
        return Check(spec.id, False, f"{type(exc).__name__}: {exc}")
    if result.id != spec.id:
        raise AssertionError(f"check {spec.id} reported as {result.id}")
    return result


def _run(f: _Facts, sections: tuple[Section, ...]) -> bool:
    """Run the sections' checks in order, adding checks and lines to the report; False once a gate fails."""
    for section in sections:
        results: list[Check] = []
        stopped = False
        for spec in section.checks:
            results.append(_run_check(spec, f))
            if spec.gate and not results[-1].ok:
                stopped = True
                break
        f.report.checks += results
        ok = all(c.ok for c in results)
        if not (ok and section.quiet_ok):
            try:
                detail = section.detail(f)
            except _DATA_ERRORS as exc:
                detail = f"{type(exc).__name__}: {exc}"
            f.report.lines.append(Line(t(section.name_key), ok, detail))
        if stopped:
            return False
    return True


def verify_bundle(bundle: Path, keys_dir: Path, *, key_passphrase: str | None = None) -> VerifyReport:
    """Verify a sealed result bundle as the office: signatures, decryption, digests, chains, recount.

    Runs :data:`CHECKS` in order; a failed gate (the file's size, the seal, the record's parsing, the
    minutes' parsing) ends the run. Correctly sealed but malformed JSON fails the check that meets it.
    Returns: a VerifyReport; ``report.ok`` is True only if every check passed.
    Raises: ServiceError("bundle_unreadable") when the file cannot be read; ServiceError("keys_missing").
    Source: RULES.md §5–§6; docs/FORMATS.md.
    """
    rep = VerifyReport()
    f = _Facts(report=rep)
    try:
        f.size = bundle.stat().st_size
        if not _run(f, SECTIONS[:1]):
            return rep
        f.data = bundle.read_bytes()
    except OSError as exc:
        raise ServiceError("bundle_unreadable", path=str(bundle), error=exc.strerror or str(exc)) from exc
    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    f.keys = load_office_keys(keys_dir, key_passphrase)
    rep.bundle_sha256 = hashlib.sha256(f.data).hexdigest()
    _run(f, SECTIONS[1:])
    return rep


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _diff(a.get(k), b.get(k), f"{path}/{k}")
        return out
    return [] if a == b else [f"{path}: {b!r} ≠ {a!r}"]
