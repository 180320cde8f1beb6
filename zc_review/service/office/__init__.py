"""The organizing body's office: everything before and after the session, independent of the room.

Before: ``keygen`` (the office's root key and age identity), ``load_office_input`` (the input folder,
docs/INPUT.md), ``pack`` (the sealed session package and the credential letters), ``trust_add`` (a
laptop trusts the office root), ``recover`` (re-issue a package whose opening secret was lost).
After: ``verify_bundle`` (every check of :data:`CHECKS`, each a :class:`Check` with a stable id, summed
up in a :class:`VerifyReport`) and ``import_bundle`` (file a verified bundle in the office archive once).

Modules: pack, input (with files: safe reading of the input folder), recover, importer, and the verifier:
verify (the registry of checks and the runner), report (Check, VerifyReport), checks, ballot_checks.
The verifier imports only domain, seal, i18n and the service error; nothing here imports the room.

``pack`` and ``recover`` on this package are the functions (they shadow the modules of the same name):
reach a module's other names with ``from zc_review.service.office.pack import write_atomic``, never
``import zc_review.service.office.pack as m``.
"""

from __future__ import annotations

from zc_review.service.office.importer import ImportResult, import_bundle
from zc_review.service.office.input import OfficeInputError, Problem, load_office_input
from zc_review.service.office.pack import (
    PackResult,
    anonymity_lines,
    anonymity_warnings,
    keygen,
    pack,
    session_title,
    trust_add,
    write_atomic,
)
from zc_review.service.office.recover import RecoverResult, recover
from zc_review.service.office.verify import (
    CHECK_IDS,
    CHECKS,
    SECTIONS,
    Check,
    Line,
    VerifyReport,
    device_common_name,
    verify_bundle,
)

__all__ = [
    "CHECKS",
    "CHECK_IDS",
    "SECTIONS",
    "Check",
    "ImportResult",
    "Line",
    "OfficeInputError",
    "PackResult",
    "Problem",
    "RecoverResult",
    "VerifyReport",
    "anonymity_lines",
    "anonymity_warnings",
    "device_common_name",
    "import_bundle",
    "keygen",
    "load_office_input",
    "pack",
    "recover",
    "session_title",
    "trust_add",
    "verify_bundle",
    "write_atomic",
]
