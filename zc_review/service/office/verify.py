"""The office, after: verify a result bundle completely and recompute every number.

``verify_bundle`` never trusts a number it can recompute: composites from the score sheets, tallies
from the ballot slips, decisions from the rules in the bundle's own session definition. Any mismatch
refuses the whole bundle, saying what failed.

The verification is the registry :data:`SECTIONS` of named checks (:data:`CHECKS`, ids in
:data:`CHECK_IDS`), each a small function returning a :class:`Check` with a stable ASCII id
``<part>.<property>``: ``bundle`` (the file), ``seal`` (signature, encryption), ``record`` (results.json),
``device``, ``register`` (the office's register of issued packages, issue 12 §1), ``draw`` (the signed draw
record filed at pack, issue 11), ``certs``, ``statements``,
``log``, ``ballots``, ``paper`` (the tellers' keyed counts and the witness of paper ballots, issue 14), ``outcome``, ``signoffs``, ``texts`` (the authors' signatures of opinions, failure
reasons, explanations and returns), ``minutes`` (the PDF signatures), ``digest`` (the record equals what the
signed minutes print), ``paper`` (the double keying of paper score sheets, issue 14). A section is one line of the printed report (its Chinese name and detail). The verifier (this module,
``report``, ``checks``, ``ballot_checks``) imports only domain, seal, i18n and the service error: no SQL,
no UI, nothing of the room.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from zc_review.i18n import t
from zc_review.seal.pki import load_office_keys
from zc_review.seal.register import REGISTER_FILE
from zc_review.service.errors import ServiceError, os_error_text
from zc_review.service.office.ballot_checks import BALLOTS
from zc_review.service.office.checks import (
    CERTS,
    DEVICE,
    FINAL,
    LOG,
    MINUTES,
    RECOMPUTE,
    SEAL,
    SIGNOFFS,
    SIZE,
    STATEMENTS,
    STRUCTURE,
)
from zc_review.service.office.paper_checks import PAPER
from zc_review.service.office.register_checks import DRAW, REGISTER
from zc_review.service.office.report import (
    DATA_ERRORS,
    Check,
    Facts,
    Line,
    Section,
    Spec,
    VerifyReport,
    device_common_name,
)
from zc_review.service.office.tally_checks import TALLY
from zc_review.service.office.text_checks import DIGEST, TEXTS

__all__ = ["CHECKS", "CHECK_IDS", "SECTIONS", "Check", "Line", "Section", "Spec", "VerifyReport",
           "device_common_name", "verify_bundle"]

# The registry, in run order. A failed gate (the file's size, the seal, the record's parsing, the minutes'
# parsing) ends the run; the ids are stable (tests/service/test_office_checks.py lists them).
SECTIONS: tuple[Section, ...] = (SIZE, SEAL, STRUCTURE, DEVICE, REGISTER, DRAW, CERTS, STATEMENTS, LOG, BALLOTS,
                                 TALLY, RECOMPUTE, SIGNOFFS, FINAL, TEXTS, MINUTES, DIGEST, PAPER)
CHECKS: tuple[Spec, ...] = tuple(spec for section in SECTIONS for spec in section.checks)
CHECK_IDS: tuple[str, ...] = tuple(spec.id for spec in CHECKS)


def _run_check(spec: Spec, f: Facts) -> Check:
    try:
        result = spec.run(f)
    except DATA_ERRORS as exc:
        return Check(spec.id, False, f"{type(exc).__name__}: {exc}")
    if result.id != spec.id:
        raise AssertionError(f"check {spec.id} reported as {result.id}")
    return result


def _run(f: Facts, sections: tuple[Section, ...]) -> bool:
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
        try:
            quiet = ok and section.quiet(f)
        except DATA_ERRORS:
            quiet = False
        if not quiet:
            try:
                detail = section.detail(f)
            except DATA_ERRORS as exc:
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
    The office's register of issued packages is read from ``keys_dir`` (``issued-packages.json``); without
    it the ``register.*`` checks fail (issue 12 §1).
    Raises: ServiceError("bundle_unreadable") when the file cannot be read; ServiceError("keys_missing");
        ServiceError("register_unreadable") when the register exists but cannot be read.
    Source: RULES.md §4 (scores), §5 (the vote), §6 (the minutes); docs/FORMATS.md "Result bundle".
    """
    rep = VerifyReport()
    f = Facts(report=rep)
    try:
        f.size = bundle.stat().st_size
        if not _run(f, SECTIONS[:1]):
            return rep
        f.data = bundle.read_bytes()
    except OSError as exc:
        raise ServiceError("bundle_unreadable", path=str(bundle), error=os_error_text(exc)) from exc
    if not (keys_dir / "root-cert.pem").exists():
        raise ServiceError("keys_missing", path=str(keys_dir))
    f.keys = load_office_keys(keys_dir, key_passphrase)
    register = keys_dir / REGISTER_FILE
    f.register_path = str(register)
    f.keys_dir = str(keys_dir)
    try:
        f.register_data = register.read_bytes()
    except FileNotFoundError:
        f.register_data = None
    except OSError as exc:
        raise ServiceError("register_unreadable", path=str(register), error=os_error_text(exc)) from exc
    rep.bundle_sha256 = hashlib.sha256(f.data).hexdigest()
    _run(f, SECTIONS[1:])
    return rep
