"""The checks of a result bundle against the office's register of issued packages (issue 12 §1).

A bundle is accepted only when the package it answers is one this office issued for that session
(``register.package``), its device certificate is exactly the one issued in that package
(``register.device_cert``), the package's kind (official or rehearsal) is the one the bundle claims
(``register.official``), and no later package replaced it (``register.latest``). With no usable register
(``register.present``: another laptop, a lost or edited file) nothing can be compared and the bundle is
refused, saying how to re-register the office's own package files (``zc-review office register``).
The register's format is in ``zc_review.seal.register``; each failed check's detail is a Chinese sentence.

The section ``draw`` (issue 11) shows the draw record filed beside the register when the package was packed
from a draw (``office pack --draw-record``: ``draw-records/<package id>.json`` in the keys folder):
``draw.record`` passes when there is none (the committee was given by hand: the line says so), and otherwise
only when the record carries valid signatures of this office's root, the drawing staff and the supervisor,
is for the bundle's session, and names exactly the bundle's reviewers and their roles.
"""

from __future__ import annotations

import json
from pathlib import Path

from zc_review.i18n import t
from zc_review.seal.certs import cert_sha256
from zc_review.seal.drawsign import verify_record
from zc_review.seal.errors import SealError
from zc_review.seal.register import IssuedPackage, open_register
from zc_review.service.office.report import Check, Facts, Section, Spec


def _kind(rehearsal: bool) -> str:
    return t("office.kind_rehearsal") if rehearsal else t("office.kind_official")


def _present(f: Facts) -> Check:
    """The register file exists and carries this office root's valid signature."""
    assert f.keys is not None
    if f.register_data is None:
        f.register_error = t("office.register_missing", path=f.register_path)
        return Check("register.present", False, f.register_error)
    try:
        f.register = open_register(f.register_data, f.keys.root_cert)
    except SealError as exc:
        f.register_error = t("office.register_invalid", path=f.register_path, why=exc.diagnostics())
        return Check("register.present", False, f.register_error)
    return Check("register.present", True)


def _entry(f: Facts) -> IssuedPackage | None:
    if f.register is None:
        return None
    entry = f.register.get(str(f.record.get("package_id")))
    return entry if entry is not None and entry.session_id == f.defn.session_id else None


def _not_checked(check_id: str) -> Check:
    return Check(check_id, False, t("office.register_not_checked"))


def _package(f: Facts) -> Check:
    """The bundle's package id is registered by this office, for the bundle's session."""
    if f.register is None:
        return _not_checked("register.package")
    package = str(f.record.get("package_id"))
    entry = f.register.get(package)
    if entry is None:
        return Check("register.package", False, t("office.register_unknown_package", package=package))
    if entry.session_id != f.defn.session_id:
        return Check("register.package", False, t("office.register_other_session", package=package,
                                                   registered=entry.session_id, session=f.defn.session_id))
    return Check("register.package", True)


def _device_cert(f: Facts) -> Check:
    """The bundle's device certificate is exactly the one issued in that package (SHA-256 of its DER)."""
    entry = _entry(f)
    if entry is None:
        return _not_checked("register.device_cert")
    got = cert_sha256(f.signer)
    ok = got == entry.device_cert_sha256
    return Check("register.device_cert", ok, "" if ok else t(
        "office.register_device_cert", package=entry.package_id, got=got[:16], issued=entry.device_cert_sha256[:16]))


def _official(f: Facts) -> Check:
    """The package was issued as what the bundle says it is: official, or rehearsal (演练)."""
    entry = _entry(f)
    if entry is None:
        return _not_checked("register.official")
    claimed = bool(f.defn.rehearsal)
    ok = entry.rehearsal == claimed
    return Check("register.official", ok, "" if ok else t(
        "office.register_kind", package=entry.package_id, registered=_kind(entry.rehearsal), claimed=_kind(claimed)))


def _latest(f: Facts) -> Check:
    """No later package replaced this one (``office recover``, or a later official pack of the session)."""
    entry = _entry(f)
    if entry is None:
        return _not_checked("register.latest")
    ok = entry.superseded_by is None
    return Check("register.latest", ok, "" if ok else t(
        "office.register_superseded", package=entry.package_id, by=entry.superseded_by))


def _line(f: Facts) -> str:
    if f.register is None:
        return f.register_error
    for c in f.report.checks:
        if c.id.startswith("register.") and not c.ok:
            return c.detail
    return t("office.register_ok", package=str(f.record.get("package_id")), kind=_kind(bool(f.defn.rehearsal)))


REGISTER = Section("office.check_register", (Spec("register.present", _present),
                                             Spec("register.package", _package),
                                             Spec("register.device_cert", _device_cert),
                                             Spec("register.official", _official),
                                             Spec("register.latest", _latest)), _line)


DRAW_RECORDS = "draw-records"


def _draw_record(f: Facts) -> Check:
    """The draw record filed for the bundle's package, if any: signed, of this session, naming its reviewers."""
    assert f.keys is not None
    path = Path(f.keys_dir) / DRAW_RECORDS / f"{f.record.get('package_id')}.json"
    if not path.is_file():
        return Check("draw.record", True, t("office.draw_none"))
    try:
        rec = json.loads(path.read_bytes().decode("utf-8"))
        verify_record({k: v for k, v in rec.items() if k not in ("format", "version")}, f.keys.root_cert)
    except (OSError, ValueError, SealError) as exc:
        return Check("draw.record", False, t("office.draw_invalid", path=str(path), why=str(exc)))
    body = rec["body"]
    drawn = sorted((str(m.get("reviewer", m["expert"])), str(m["committee_role"])) for m in body["members"])
    given = sorted((r.id, r.committee_role.value) for r in f.defn.reviewers)
    if body["session_id"] != f.defn.session_id or drawn != given:
        return Check("draw.record", False, t("office.draw_mismatch", path=str(path)))
    return Check("draw.record", True, t("office.draw_ok", seed=body["seed"], members=len(drawn),
                                        signers=len(body["signers"]), at=str(body["drawn_at"])[:16]))


def _draw_line(f: Facts) -> str:
    return next(c.detail for c in f.report.checks if c.id == "draw.record")


DRAW = Section("office.check_draw", (Spec("draw.record", _draw_record),), _draw_line)
