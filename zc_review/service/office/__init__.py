"""The organizing body's office: everything before and after the session, independent of the room.

Before: ``keygen`` (the office's root key and age identity), ``load_office_input`` (the input folder,
docs/INPUT.md), ``pack`` (the sealed session package and the credential letters), ``trust_add`` (a
laptop trusts the office root), ``recover`` (re-issue a package whose opening secret was lost),
``register_packages`` (re-add issued package files to the register of issued packages, issue 12 §1).
After: ``verify_bundle`` (every check of :data:`CHECKS`, each a :class:`Check` with a stable id, summed
up in a :class:`VerifyReport`) and ``import_bundle`` (file a verified bundle in the office archive once).

Modules: packing, input (with files: safe reading of the input folder), recovery, register (the register
of issued packages, written at pack and recover), importer, and the verifier: verify (the registry of checks
and the runner), report (Check, VerifyReport), checks, ballot_checks, register_checks. The verifier imports only domain, seal, i18n and the service error; nothing here imports the
room. Public names load their module on first use, so importing the verifier loads neither the packer
(reportlab) nor the importer (SQLModel); no module shares a name with a public function.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zc_review.service.atomic import write_atomic as write_atomic
    from zc_review.service.blind import anonymity_lines as anonymity_lines
    from zc_review.service.office.importer import ImportResult as ImportResult
    from zc_review.service.office.importer import import_bundle as import_bundle
    from zc_review.service.office.input import OfficeInputError as OfficeInputError
    from zc_review.service.office.input import Problem as Problem
    from zc_review.service.office.input import load_office_input as load_office_input
    from zc_review.service.office.packing import PackResult as PackResult
    from zc_review.service.office.packing import anonymity_warnings as anonymity_warnings
    from zc_review.service.office.packing import keygen as keygen
    from zc_review.service.office.packing import pack as pack
    from zc_review.service.office.packing import session_title as session_title
    from zc_review.service.office.packing import trust_add as trust_add
    from zc_review.service.office.recovery import RecoverResult as RecoverResult
    from zc_review.service.office.recovery import recover as recover
    from zc_review.service.office.register import register_packages as register_packages
    from zc_review.service.office.verify import CHECK_IDS as CHECK_IDS
    from zc_review.service.office.verify import CHECKS as CHECKS
    from zc_review.service.office.verify import SECTIONS as SECTIONS
    from zc_review.service.office.verify import Check as Check
    from zc_review.service.office.verify import Line as Line
    from zc_review.service.office.verify import VerifyReport as VerifyReport
    from zc_review.service.office.verify import device_common_name as device_common_name
    from zc_review.service.office.verify import verify_bundle as verify_bundle

#: public name → the module that defines it; loaded on first use, so importing the verifier does not
#: load the packer (reportlab), the importer (SQLModel) or the input reader (YAML, JSON Schema).
_PUBLIC: dict[str, str] = {
    "CHECKS": "zc_review.service.office.verify",
    "CHECK_IDS": "zc_review.service.office.verify",
    "Check": "zc_review.service.office.verify",
    "ImportResult": "zc_review.service.office.importer",
    "Line": "zc_review.service.office.verify",
    "OfficeInputError": "zc_review.service.office.input",
    "PackResult": "zc_review.service.office.packing",
    "Problem": "zc_review.service.office.input",
    "RecoverResult": "zc_review.service.office.recovery",
    "SECTIONS": "zc_review.service.office.verify",
    "VerifyReport": "zc_review.service.office.verify",
    "anonymity_lines": "zc_review.service.blind",
    "anonymity_warnings": "zc_review.service.office.packing",
    "device_common_name": "zc_review.service.office.verify",
    "import_bundle": "zc_review.service.office.importer",
    "keygen": "zc_review.service.office.packing",
    "load_office_input": "zc_review.service.office.input",
    "pack": "zc_review.service.office.packing",
    "recover": "zc_review.service.office.recovery",
    "register_packages": "zc_review.service.office.register",
    "session_title": "zc_review.service.office.packing",
    "trust_add": "zc_review.service.office.packing",
    "verify_bundle": "zc_review.service.office.verify",
    "write_atomic": "zc_review.service.atomic",
}


def __getattr__(name: str) -> Any:
    """Lazy access to the office's public names (see ``_PUBLIC``)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(module), name)


__all__ = sorted(_PUBLIC)
