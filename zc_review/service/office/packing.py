"""The organizing body's office, before the session: keys, validation of the input, the sealed package.

Also the anonymity warnings of blind materials at pack time (the lines are ``service.blind.anonymity_lines``,
shared with the room).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from zc_review.domain.codec import definition_to_dict
from zc_review.domain.committee import Finding, composition_findings
from zc_review.domain.model import CommitteeRole, SessionDefinition, StaffRole
from zc_review.i18n import join_list, label_of, t
from zc_review.service.atomic import write_atomic
from zc_review.service.blind import anonymity_lines, blind_material_findings
from zc_review.service.clock import utcnow
from zc_review.service.errors import ServiceError
from zc_review.service.office.conflicts import ConflictDecision, Decider
from zc_review.service.office.extract import Limits, extract_attachments
from zc_review.service.office.verify import device_common_name
from zc_review.service.payload import Payload, build_payload

#: How long the session device's certificate is valid after packing (docs/FORMATS.md).
DEVICE_VALIDITY_DAYS = 90

ROLE_LABELS = {CommitteeRole.CHAIR: "common.role_chair", CommitteeRole.VICE_CHAIR: "common.role_vice_chair",
               CommitteeRole.MEMBER: "common.role_reviewer"}


@dataclass(frozen=True)
class PackResult:
    """What ``pack`` wrote: the package, the credential letters PDF, and findings (warnings: composition,
    attachments marked at extraction, anonymity). ``attachment_log``: the extraction's log file (pypdf's
    warnings), beside the package; ``conflicts``: every same-employer hit detected and its decision."""

    package_path: Path
    letters_path: Path
    secrets_path: Path | None
    package_id: str
    warnings: list[str]
    definition: SessionDefinition
    attachment_log: Path | None = None
    conflicts: list[ConflictDecision] = field(default_factory=list)


def keygen(keys_dir: Path, name: str, *, passphrase: str | None = None,
           clock: Callable[[], datetime] = utcnow) -> str:
    """Create the organizing body's root key and certificate and its age identity in ``keys_dir``.

    Returns: the root certificate's fingerprint (SHA-256, groups of 4 hex digits).
    Raises: ServiceError("keys_exist") when keys are already there (never overwritten).
    """
    from zc_review.seal.pki import cert_fingerprint, generate_office_keys, save_office_keys

    if (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_exist", path=str(keys_dir))
    from zc_review.service.atomic import make_private_dir

    make_private_dir(keys_dir)
    keys = generate_office_keys(name, clock())
    save_office_keys(keys, keys_dir, passphrase)
    return cert_fingerprint(keys.root_cert)


def finding_text(f: Finding) -> str:
    """A committee-composition finding as its Chinese sentence (catalogue key ``finding_<code>``)."""
    return label_of("finding", f.code, **dict(f.params))


def pack(input_dir: Path, out: Path, keys_dir: Path, *, secrets_out: Path | None = None,
         key_passphrase: str | None = None, fast_kdf: bool = False, rehearsal: bool = False,
         clock: Callable[[], datetime] = utcnow, attachment_limits: Limits | None = None,
         draw_record: Path | None = None, conflict_decisions: Path | None = None,
         decide: Decider | None = None, decided_by: str = "", archive_url: str | None = None) -> PackResult:
    """Validate the office input and write the encrypted, signed session package and credential letters.

    Args:
        input_dir: the office input folder (docs/INPUT.md).
        out: the package file to write; the letters go beside it as ``<stem>-credentials.pdf``.
        keys_dir: the office keys from ``keygen``.
        secrets_out: also write the secrets as JSON (rehearsals and tests only: the printed letters
            are the real channel).
        fast_kdf: cheap Argon2id parameters (tests only; never for a real session).
        rehearsal: pack a rehearsal (演练) whatever session.yaml says (issue 4 §7). A rehearsal is marked
            under the office's signature: the package id starts with ``rehearsal-`` and the device
            certificate's CN says 演练 (issue 12 §1).
        attachment_limits: the per-attachment time, memory and page limits of the text extraction
            (default ``extract.Limits()``: 20 s, 512 MiB, 200 pages; docs/INPUT.md "Attachments").
        draw_record: the signed draw record committee.yaml was drawn by (``office draw``): its signatures
            are checked, its session and members must be the input's, it goes into the package
            (``draw-record.json``) and its pool aliases join the conflict detection.
        conflict_decisions: the staff's decisions on the detected same-employer conflicts (a file, schema
            ``office-conflict-decisions``); ``decide``: asked for each hit the file does not decide (the
            CLI's prompt); ``decided_by``: the staff member answering ``decide``. Without either, a hit not
            already in conflicts.yaml refuses the package (``service.office.conflicts``).
        archive_url: the office archive (default: the user's SQLite archive, when it exists): its credit record
            (诚信档案) is checked for every applicant, reviewer and staff member on the packing day, and an
            official package's draw record is filed there as the session's committee (the rotation of
            later draws reads it: ``pool_archive.past_committees``).
    Also written: ``<stem>-conflicts.json`` beside the package, every detected hit and its decision.
    The package is added to the office's register of issued packages (``issued-packages.json`` in
    ``keys_dir``); an official package supersedes the earlier official packages of its session.
    Every attachment's text is extracted here, in a child process within those limits, and shipped in the
    package; the log of the extraction (pypdf's warnings) goes beside the package as
    ``<stem>-attachments.log``, never to the terminal.
    Returns: PackResult.
    Raises: ServiceError("input_invalid", problems) for input that fails the schema or checks, or an
        attachment refused at extraction (time or memory limit, encrypted, not a PDF, cut off, damaged);
        ServiceError("composition_fatal", problems) for a committee the room cannot run;
        ServiceError("keys_missing") when no office keys are found.
    Source: issue 2 §1; RULES.md §1.
    """
    from zc_review.documents.fonts import MissingGlyphError
    from zc_review.documents.letters import render_credential_letters
    from zc_review.documents.views import CredentialLetter
    from zc_review.seal.certs import certificate_pem, private_key_der
    from zc_review.seal.credentials import ARGON2_PARAMS, ARGON2_TEST_PARAMS, make_credential, new_secret
    from zc_review.seal.package import verify_package_signature, write_package
    from zc_review.seal.pki import cert_fingerprint, cert_sha256, issue_certificate, load_office_keys
    from zc_review.seal.register import IssuedPackage
    from zc_review.service.office import credit
    from zc_review.service.office.input import OfficeInputError, load_office_input
    from zc_review.service.office.person_ids import file_person_keys, input_numbers
    from zc_review.service.office.register import record_issue

    try:
        defn, attachments = load_office_input(input_dir)
    except OfficeInputError as exc:
        raise ServiceError("input_invalid", problems="\n".join(str(p) for p in exc.problems)) from exc
    before = _before_the_room(defn, input_dir, keys_dir, key_passphrase, clock, draw_record=draw_record,
                              conflict_decisions=conflict_decisions, decide=decide, decided_by=decided_by,
                              archive_url=archive_url)
    defn = before.definition
    extracted = extract_attachments(defn, attachments, limits=attachment_limits,
                                    log_path=out.with_name(f"{out.stem}-attachments.log"))
    notes = [extracted.log_note] if extracted.log_note else []
    if extracted.problems:
        raise ServiceError("input_invalid", problems="\n".join([*(str(p) for p in extracted.problems), *notes]))
    if rehearsal:
        defn = dataclasses.replace(defn, rehearsal=True)
    findings = composition_findings(defn)
    fatal = [finding_text(f) for f in findings if f.fatal]
    if fatal:
        raise ServiceError("composition_fatal", problems="\n".join(fatal))
    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    keys = load_office_keys(keys_dir, key_passphrase)
    now = clock()
    params = ARGON2_TEST_PARAMS if fast_kdf else ARGON2_PARAMS

    people: list[tuple[str, str, str]] = [(r.id, r.name, t(ROLE_LABELS[r.committee_role])) for r in defn.reviewers]
    people += [(s.id, s.name, t("common.role_supervisor" if s.role is StaffRole.SUPERVISOR else "common.role_recorder"))
               for s in defn.staff]
    secrets: dict[str, str] = {}
    records = {}
    for pid, name, label in people:
        secret = new_secret()
        key, cert = issue_certificate(keys, name, label, pid, now)
        records[pid] = make_credential(pid, secret, key, cert, params=params).to_dict()
        secrets[pid] = secret
    device_key, device_cert = issue_certificate(keys, device_common_name(defn.session_id, defn.rehearsal), "device",
                                                "device", now, validity_days=DEVICE_VALIDITY_DAYS)
    payload = build_payload(Payload(
        session=definition_to_dict(defn), credentials=records, device_key_der=private_key_der(device_key),
        device_cert_pem=certificate_pem(device_cert), office_root_pem=certificate_pem(keys.root_cert),
        office_recipient=keys.age_recipient, attachments=attachments, texts=extracted.texts,
        draw_record=before.draw_record))
    opening = {"chair": new_secret(), "supervisor": new_secret()}
    data = write_package(payload, keys, opening["chair"], opening["supervisor"], now, rehearsal=defn.rehearsal)
    header = verify_package_signature(data, [keys.root_cert])

    fp = cert_fingerprint(keys.root_cert)
    chair_id = defn.chair.id
    supervisor_id = defn.staff_with_role(StaffRole.SUPERVISOR).id
    letters = [CredentialLetter(
        session_title=session_title(defn), committee_name=defn.committee_name,
        person_name=name, role_label=label, person_id=pid, secret=secrets[pid],
        opening_secret=opening["chair"] if pid == chair_id else opening["supervisor"] if pid == supervisor_id else None,
        office_root_fingerprint=fp, package_id=header.package_id, issued_at=now.strftime("%Y-%m-%d %H:%M"),
        rehearsal=defn.rehearsal) for pid, name, label in people]
    try:
        letters_pdf = render_credential_letters(letters)
    except MissingGlyphError as exc:
        raise ServiceError("glyph_missing", detail=str(exc)) from exc
    write_atomic(out, data)
    if before.draw_record is not None:  # filed beside the register: office verify shows it (section draw)
        from zc_review.service.office.register_checks import DRAW_RECORDS

        write_atomic(keys_dir / DRAW_RECORDS / f"{header.package_id}.json", before.draw_record, 0o600)
        url = archive_url or credit.default_url()
        if not defn.rehearsal and before.record is not None and url is not None:  # the committee, for rotation
            from zc_review.service.office.pool_archive import file_committee

            file_committee(url, before.record, before.draw_record, header.package_id)
    # the identity-card numbers stay at the office: only their keyed hashes, beside the register (person_ids)
    numbers = input_numbers(input_dir)
    file_person_keys(keys_dir, header.package_id, defn.session_id, numbers)
    record_issue(keys_dir, keys, IssuedPackage(
        package_id=header.package_id, session_id=defn.session_id, rehearsal=defn.rehearsal,
        device_cert_sha256=cert_sha256(device_cert), issued_at=header.created.isoformat(), source="pack"))
    letters_path = out.with_name(f"{out.stem}-credentials.pdf")
    write_atomic(letters_path, letters_pdf, 0o600)
    write_atomic(out.with_name(f"{out.stem}-conflicts.json"), json.dumps(
        {"session_id": defn.session_id, "package_id": header.package_id, "decided_at": now.isoformat(),
         "hits": [dataclasses.asdict(x) for x in before.conflicts]}, ensure_ascii=False, indent=2).encode(), 0o600)
    if secrets_out is not None:
        write_atomic(secrets_out, json.dumps({
            "warning": t("office.secrets_file_warning"), "package_id": header.package_id, "opening": opening,
            "persons": secrets}, ensure_ascii=False, indent=2).encode(), 0o600)
    texts = {aid: x.text for aid, x in extracted.texts.items()}
    return PackResult(out, letters_path, secrets_out, header.package_id,
                      [finding_text(f) for f in findings if not f.fatal] + extracted.warnings + notes
                      + anonymity_warnings(defn, texts, before.regions, numbers), defn, extracted.log_path,
                      conflicts=before.conflicts)


@dataclass(frozen=True)
class _Before:
    definition: SessionDefinition
    draw_record: bytes | None
    conflicts: list[ConflictDecision]
    regions: dict[str, str]
    record: dict[str, Any] | None = None


def _before_the_room(defn: SessionDefinition, input_dir: Path, keys_dir: Path, key_passphrase: str | None,
                     clock: Callable[[], datetime], *, draw_record: Path | None, conflict_decisions: Path | None,
                     decide: Decider | None, decided_by: str, archive_url: str | None) -> _Before:
    """The office's checks before the room (issue 11): the draw record, the credit record, the conflicts."""
    from zc_review.service.office import conflicts, credit
    from zc_review.service.office.pool import panel_employers, read_record

    aliases: dict[str, list[str]] = {}
    pool_ids: dict[str, str] = {}
    blob = None
    rec: dict[str, Any] | None = None
    if draw_record is not None:
        if not (keys_dir / "root-cert.pem").exists():
            raise ServiceError("keys_missing", path=str(keys_dir))
        from zc_review.seal.pki import load_office_keys

        rec = read_record(draw_record, load_office_keys(keys_dir, key_passphrase).root_cert)
        body = rec["body"]
        if body["session_id"] != defn.session_id:
            raise ServiceError("draw_record_other_session", record=body["session_id"], session=defn.session_id)
        drawn = {(m.get("reviewer", m["expert"]), m["committee_role"]) for m in body["members"]}
        given = {(r.id, r.committee_role.value) for r in defn.reviewers}
        if drawn != given:
            detail = join_list(sorted({x[0] for x in drawn ^ given}))
            raise ServiceError("draw_record_members", detail=detail)
        aliases = {m.get("reviewer", m["expert"]): list(m.get("employer_aliases", ())) for m in body["members"]}
        pool_ids = {m.get("reviewer", m["expert"]): m["expert"] for m in body["members"]}
        blob = draw_record.read_bytes()
    credit.check_session(credit.load(archive_url), defn, clock().date(), pool_ids)
    decisions, who = None, decided_by
    if conflict_decisions is not None:
        who, decisions = conflicts.load_decisions(conflict_decisions)
    defn, record = conflicts.resolve(defn, conflicts.detect(defn, aliases), decisions=decisions,
                                     decided_by=who, decide=decide)
    regions = {aid: region for aid, _n, _e, region in panel_employers(input_dir)[1] if region}
    return _Before(defn, blob, record, regions, rec)


def session_title(defn: SessionDefinition) -> str:
    """The session's title on the letters: ``"<year>年度<committee>评审会议"``."""
    return t("office.session_title", year=defn.year, committee=defn.committee_name)


def anonymity_warnings(defn: SessionDefinition, texts: Mapping[str, str],
                       regions: Mapping[str, str] | None = None,
                       id_numbers: Mapping[str, str] | None = None) -> list[str]:
    """One warning per blind material (work summary, attachment text) naming the applicant, employer or region,
    or giving the applicant's identity-card number.

    ``texts``: attachment id → its extracted text (``extract.extract_attachments``); ``regions``: applicant
    id → region from the dossier (市、县、区); ``id_numbers``: applicant id → identity-card number from the
    dossier. Source: 003 五、评审办法; 三(九); RULES.md §0, §4; issue 5 §9.
    The room repeats the check for the recorder, on the same shipped text (name and employer).
    """
    return anonymity_lines(defn, blind_material_findings(defn, texts, regions, id_numbers))


def trust_add(cert_path: Path, home: Path | None = None) -> str:
    """Provision this laptop with the office root certificate. Returns its fingerprint.

    Raises: ServiceError("cert_invalid") for a file that is not a PEM certificate.
    """
    from zc_review.seal.certs import load_certificate_pem
    from zc_review.seal.errors import SealError
    from zc_review.seal.pki import cert_fingerprint
    from zc_review.seal.trust import add_trusted_root
    from zc_review.service import paths

    try:
        pem = cert_path.read_bytes()
        cert = load_certificate_pem(pem)
    except (OSError, SealError) as exc:
        raise ServiceError("cert_invalid", path=str(cert_path)) from exc
    from zc_review.service.atomic import make_private_dir

    make_private_dir(paths.trust_dir(home))
    add_trusted_root(paths.trust_dir(home), pem)
    return cert_fingerprint(cert)
