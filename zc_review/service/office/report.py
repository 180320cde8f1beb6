"""What verifying a bundle reports, and what the checks know while they run.

:class:`Check` is the result of one check (a stable id, ok, a detail); :class:`VerifyReport` sums them up
as the printed report (:class:`Line` per section) plus who signed what. :class:`Facts` is what is known
about the bundle so far: each check reads it and adds what later checks need. :class:`Spec` and
:class:`Section` are the registry's entries (see ``verify.SECTIONS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from zc_review.domain.chain import replay
from zc_review.domain.model import SessionDefinition
from zc_review.i18n import t
from zc_review.seal.bundle import BundleContents
from zc_review.seal.pki import OfficeKeys
from zc_review.seal.register import Register

if TYPE_CHECKING:
    from zc_review.seal.pdfsign import PdfSignatureStatus

# What malformed (but correctly sealed) JSON makes a check raise: the check fails, verify goes on.
DATA_ERRORS = (KeyError, ValueError, TypeError, AttributeError, IndexError, ArithmeticError)


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


def device_common_name(session_id: str, rehearsal: bool = False) -> str:
    """The CN the office gives the session device's certificate; pack and recover use it.

    ``"会话设备 <session id>"`` for an official session, ``"会话设备（演练） <session id>"`` for a rehearsal:
    the certificate, signed by the office root, says which it is (issue 12 §1).
    """
    return t("office.device_common_name_rehearsal" if rehearsal else "office.device_common_name", session=session_id)


@dataclass
class Facts:
    """What is known about the bundle so far; checks read it and add what later checks need.

    Set by ``verify_bundle``: ``report``, ``size``, ``data`` (the file), ``keys``, ``register_path`` and
    ``register_data`` (the office's register of issued packages). Set by the checks, in
    registry order: ``contents`` (seal.contents), the record in ``report`` and ``log``/``minutes``
    (record.parse), ``chained``/``certs`` (certs.*), ``recomputed`` (outcome.recompute), ``statuses``
    (minutes.parse). The derived properties raise on malformed records (the check running fails).
    """

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
    register_path: str = ""  # the office's register of issued packages (seal.register), as read by verify
    register_data: bytes | None = None  # its bytes, None when there is no such file
    register: Register | None = None  # once register.present passed
    register_error: str = ""
    keys_dir: str = ""  # the office's keys folder: the draw records filed at pack (draw-records/<package id>.json)

    @property
    def record(self) -> dict[str, Any]:
        """results.json as a dict (empty before record.parse)."""
        return self.report.record

    @property
    def defn(self) -> SessionDefinition:
        """The bundle's own session definition (after record.parse)."""
        assert self.report.definition is not None
        return self.report.definition

    @property
    def signer(self) -> Any:
        """The device certificate that sealed the bundle (after seal.contents)."""
        assert self.contents is not None
        return self.contents.signer_cert

    @cached_property
    def names(self) -> dict[str, str]:
        """Person id → name, reviewers and staff."""
        return {r.id: r.name for r in self.defn.reviewers} | {st.id: st.name for st in self.defn.staff}

    @cached_property
    def attending(self) -> set[str]:
        """The reviewers the record marks as attending."""
        return {r for r, v in self.record["attendance"].items() if v}

    @cached_property
    def recused(self) -> dict[str, set[str]]:
        """Applicant id → the reviewers recused from them."""
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
        """Round number → ``ballot_cast`` entries in the log."""
        out: dict[int, int] = {}
        for e in self.log:
            if e.get("action") == "ballot_cast":
                n = int(e.get("detail", {}).get("round", 0))
                out[n] = out.get(n, 0) + 1
        return out


def joined(problems: list[str], sep: str = "; ") -> str:
    """At most the first five problems, joined (the detail of a check or a line)."""
    return sep.join(problems[:5])



@dataclass(frozen=True)
class Spec:
    """One check of the registry: its stable id, its function, and whether its failure ends the run."""

    id: str
    run: Callable[[Facts], Check]
    gate: bool = False


@dataclass(frozen=True)
class Section:
    """One line of the report: the catalogue key of its Chinese name, its checks in order, its detail.

    ``quiet_ok``: the line is printed only when it fails (the size of the file); a function of the facts
    decides per bundle (the paper ballots' line: printed in paper mode, only on failure in laptop mode).
    """

    name_key: str
    checks: tuple[Spec, ...]
    detail: Callable[[Facts], str]
    quiet_ok: bool | Callable[[Facts], bool] = False

    def quiet(self, f: Facts) -> bool:
        """Whether a passing line is left out of the report for these facts (``quiet_ok``)."""
        return self.quiet_ok(f) if callable(self.quiet_ok) else self.quiet_ok

