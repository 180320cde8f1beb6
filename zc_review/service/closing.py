"""After the vote: results, run-offs, failure reasons, sign-off, the minutes and their signatures, export."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlmodel import select

from zc_review.domain import rules
from zc_review.domain.codec import canonical_json, definition_to_dict
from zc_review.domain.outcome import SessionOutcome, compute_outcome, declared_numbers
from zc_review.i18n import label_of, t
from zc_review.service.errors import ServiceError
from zc_review.service.permissions import Action, Role
from zc_review.service.room import Actor
from zc_review.service.voting import VotingMixin
from zc_review.storage.models import (
    Attendance,
    BallotSlip,
    Document,
    Export,
    FailureReason,
    LogEntry,
    PollRound,
    ScoreSheet,
    SessionState,
    VoterRoll,
)
from zc_review.storage.secrecy import scrub_database

RECORD_FORMAT = "zc-review-record"
RECORD_VERSION = 1


class ClosingMixin(VotingMixin):
    """Results and the end of the session."""

    # -- the raw record -----------------------------------------------------------------------------
    def record(self, *, with_log: bool = False) -> dict[str, Any]:
        """The raw record of the session as JSON-safe data (results.json in the bundle, minus "declared").

        Ballot slips are listed sorted by their random id; voter rolls sorted by reviewer id: neither
        carries cast order. Source: issue 2 §7–8.
        """
        with self._read() as s:
            rounds = []
            for r in s.exec(select(PollRound).order_by(PollRound.round_no)):  # type: ignore[arg-type]
                slips = sorted(s.exec(select(BallotSlip).where(BallotSlip.round_no == r.round_no)),
                               key=lambda x: x.id)
                voters = sorted(v.reviewer_id for v in s.exec(select(VoterRoll)
                                                              .where(VoterRoll.round_no == r.round_no)))
                rounds.append({
                    "round_no": r.round_no, "kind": r.kind, "status": r.status,
                    "applicants": json.loads(r.applicants_json), "group_id": r.group_id, "slots": r.slots,
                    "opened_at": r.opened_at.isoformat(),
                    "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                    "closed_by_role": r.closed_by_role, "forced": r.forced, "missing_voters": r.missing_voters,
                    "void_reason": r.void_reason, "box_sha256": r.box_sha256, "voters": voters,
                    # an open round's box is never exported: no count of an incomplete box
                    "slips": [[x.id, x.applicant_id, x.choice] for x in slips] if r.status != "open" else [],
                })
            sheets = [{
                "reviewer_id": sh.reviewer_id, "applicant_id": sh.applicant_id, "version": sh.version,
                "status": sh.status, "rubric_id": sh.rubric_id, "rubric_version": sh.rubric_version,
                "values": json.loads(sh.values_json), "saved_at": sh.saved_at.isoformat(),
                "submitted_at": sh.submitted_at.isoformat() if sh.submitted_at else None,
                "return_reason": sh.return_reason,
            } for sh in s.exec(select(ScoreSheet).order_by(
                ScoreSheet.reviewer_id, ScoreSheet.applicant_id, ScoreSheet.version))]  # type: ignore[arg-type]
            attendance = {a.reviewer_id: a.attending for a in s.exec(select(Attendance))}
            reasons = {f.applicant_id: {"reason": f.reason, "guidance": f.guidance, "author_id": f.author_id}
                       for f in s.exec(select(FailureReason))}
            st = s.get(SessionState, 1)
            assert st is not None
            log = [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor_id, "role": e.role, "action": e.action,
                    "detail": json.loads(e.detail_json), "prev_hash": e.prev_hash, "hash": e.hash}
                   for e in s.exec(select(LogEntry).order_by(LogEntry.seq))] if with_log else []  # type: ignore[arg-type]
        return {
            "format": RECORD_FORMAT, "version": RECORD_VERSION,
            "session_id": self.defn.session_id, "package_id": self.package_id,
            "opened_at": st.opened_at.isoformat(),
            "presiding_officer_id": st.presiding_officer_id,
            "attendance": attendance,
            "recusals": [{"reviewer_id": r.reviewer_id, "applicant_id": r.applicant_id, "reason": r.reason,
                          "source": r.source, "recorded_at": r.recorded_at.isoformat()} for r in self.recusals()],
            "sheets": sheets,
            "rounds": rounds,
            "signatures": [{
                "kind": sg.kind, "subject": sg.subject, "role": sg.role, "person_id": sg.person_id,
                "signed_at": sg.signed_at.isoformat(), "statement": sg.statement.decode("utf-8"),
                "signature": base64.b64encode(sg.signature).decode(),
            } for kind in ("pledge", "rubric", "results") for sg in self.signatures(kind)],
            "opinions": self.opinions(),
            "failure_reasons": reasons,
            "certificates": {pid: (rec.cert_pem if isinstance(rec.cert_pem, str) else rec.cert_pem.decode())
                             for pid, rec in sorted(self.credentials.items())},
            "log": log,
        }

    def outcome(self) -> SessionOutcome:
        """Every derived number now (composites, ranks, tallies of closed rounds, decisions)."""
        return compute_outcome(self.defn, self.record())

    def results_digest(self) -> str:
        """SHA-256 over the declared numbers: what each reviewer's results sign-off covers."""
        return hashlib.sha256(canonical_json(declared_numbers(self.defn, self.outcome()))).hexdigest()

    # -- run-offs and finality ------------------------------------------------------------------------
    def open_runoff(self, actor: Actor, group_id: str) -> PollRound:
        """Open a run-off ballot among the applicants tied at ``group_id``'s cap edge.

        Raises: ServiceError("no_runoff_needed"), ("poll_already_open").
        Source: RULES.md §5 (exact ties at the cap's edge go to a run-off among the tied only).
        """
        self._require(actor, Action.OPEN_RUNOFF)
        for g, tied, slots in self.outcome().pending:
            if g == group_id:
                return self._new_round("runoff", list(tied), group_id=g, slots=slots, actor=actor, role="recorder")
        raise ServiceError("no_runoff_needed")

    def finalize_if_ready(self) -> bool:
        """Mark the results final once the main vote is closed and no run-off is pending."""
        if self.state().results_final_at is not None:
            return True
        if self.open_round() is not None or not self.outcome().final:
            return False
        with self._tx() as s:
            st = s.get(SessionState, 1)
            assert st is not None
            st.results_final_at = self.clock()
            s.add(st)
            self._log(s, "system", "system", "results_final", {})
        return True

    def results_final(self) -> bool:
        return self.state().results_final_at is not None

    def _require_final(self) -> SessionOutcome:
        if not self.finalize_if_ready():
            raise ServiceError("results_not_final")
        return self.outcome()

    # -- failure reasons and sign-off ---------------------------------------------------------------------
    def write_failure_reason(self, actor: Actor, applicant_id: str, reason: str, guidance: str) -> None:
        """The panel leader writes the reason for failure and the improvement guidance.

        Raises: ServiceError("results_not_final"), ("not_failed"), ("reason_required"), ("minutes_made").
        Source: RULES.md §5; 000 第二十六条(六).
        """
        a = self.defn.applicant(applicant_id)
        self._require(actor, Action.WRITE_FAILURE_REASON, panel_id=a.panel_id)
        out = self._require_final()
        if applicant_id not in out.failed():
            raise ServiceError("not_failed", code=a.code)
        if not reason.strip() or not guidance.strip():
            raise ServiceError("reason_required")
        if self.minutes_stage() is not None:
            raise ServiceError("minutes_made")
        with self._tx() as s:
            row = s.get(FailureReason, applicant_id) or FailureReason(
                applicant_id=applicant_id, reason="", guidance="", author_id=actor.person_id, written_at=self.clock())
            row.reason, row.guidance, row.author_id, row.written_at = (reason.strip(), guidance.strip(),
                                                                     actor.person_id, self.clock())
            s.add(row)
            self._log(s, actor.person_id, "panel_leader", "failure_reason_written", {"applicant": applicant_id})

    def failure_reasons(self) -> dict[str, FailureReason]:
        with self._read() as s:
            return {f.applicant_id: f for f in s.exec(select(FailureReason))}

    def default_reason(self, applicant_id: str) -> str:
        """The rule-given reason for a failed applicant (below 2/3, or beyond the cap)."""
        o = self.outcome().applicants[applicant_id].outcome
        return label_of("outcome", o.value) if o else ""

    def sign_off_results(self, actor: Actor) -> None:
        """An attending reviewer signs off the results (签字确认). Source: 000 第二十六条(六).

        Raises: ServiceError("results_not_final"), ("already_signed"), ("not_permitted").
        """
        self._require(actor, Action.SIGN_OFF_RESULTS)
        self._require_final()
        text = t("closing.results_statement", session=self.defn.session_id, digest=self.results_digest(), name=actor.name)
        self._sign(actor, kind="results", subject=actor.person_id, role="reviewer", text=text)

    def sign_offs_missing(self) -> list[str]:
        done = {sg.person_id for sg in self.signatures("results")}
        return [r for r in self.attending_ids() if r not in done]

    # -- minutes --------------------------------------------------------------------------------------------
    def minutes_stage(self) -> str | None:
        with self._read() as s:
            doc = s.get(Document, "minutes.pdf")
            return None if doc is None else doc.stage

    def minutes_pdf(self) -> bytes:
        with self._read() as s:
            doc = s.get(Document, "minutes.pdf")
            if doc is None:
                raise ServiceError("minutes_missing")
            return bytes(doc.content)

    def generate_minutes(self, actor: Actor) -> bytes:
        """Render the minutes PDF (RULES.md §6) once results are final, every failed applicant has a
        reason and every attending reviewer has signed off. Regenerating is allowed until signed.

        Raises: ServiceError("results_not_final"), ("reasons_missing"), ("signoffs_missing"),
            ("minutes_signed").
        Source: RULES.md §6; 000 第二十八条.
        """
        self._require(actor, Action.GENERATE_MINUTES)
        out = self._require_final()
        reasons = self.failure_reasons()
        missing = [self.defn.applicant(a).code for a in out.failed() if a not in reasons]
        if missing:
            raise ServiceError("reasons_missing", codes="、".join(missing))
        if self.sign_offs_missing():
            raise ServiceError("signoffs_missing", count=len(self.sign_offs_missing()))
        if self.minutes_stage() not in (None, "unsigned"):
            raise ServiceError("minutes_signed")
        from zc_review.service.minutes_view import render_minutes_for

        pdf = render_minutes_for(self, out)
        with self._tx() as s:
            doc = s.get(Document, "minutes.pdf") or Document(name="minutes.pdf", content=b"", stage="unsigned",
                                                             updated_at=self.clock())
            doc.content, doc.stage, doc.updated_at = pdf, "unsigned", self.clock()
            s.add(doc)
            self._log(s, actor.person_id, "recorder", "minutes_generated",
                      {"sha256": hashlib.sha256(pdf).hexdigest()})
        return pdf

    def sign_minutes(self, actor: Actor) -> bytes:
        """Sign the minutes with a standard PDF signature: the recorder first, then the presiding officer.

        Raises: ServiceError("minutes_missing"), ("minutes_sign_order"), ("not_permitted").
        Source: RULES.md §6; 000 第二十八条.
        """
        from zc_review.seal.pdfsign import sign_pdf

        stage = self.minutes_stage()
        if stage is None:
            raise ServiceError("minutes_missing")
        if stage == "unsigned":
            self._require(actor, Action.SIGN_MINUTES_RECORDER)
            role, field, label, next_stage = Role.RECORDER, "Recorder", t("common.role_recorder"), "recorder"
        elif stage == "recorder":
            self._require(actor, Action.SIGN_MINUTES_PRESIDING)
            role, field, label, next_stage = Role.PRESIDING, "PresidingOfficer", t("common.role_presiding"), "presiding"
        else:
            raise ServiceError("minutes_sign_order")
        from zc_review.documents.minutes import signature_boxes

        current = self.minutes_pdf()
        box = signature_boxes(current).get("recorder" if role is Role.RECORDER else "presiding")
        pdf = sign_pdf(current, actor.key, actor.cert, [self.root_cert], field_name=field,
                       reason=t("closing.minutes_sign_reason", role=label), location=self.defn.venue,
                       signer_label=f"{label} {actor.name}", now=self.clock(),
                       box=tuple(int(v) for v in box.box) if box else None,  # type: ignore[arg-type]
                       page=box.page_index if box else -1)
        with self._tx() as s:
            doc = s.get(Document, "minutes.pdf")
            assert doc is not None
            doc.content, doc.stage, doc.updated_at = pdf, next_stage, self.clock()
            s.add(doc)
            self._log(s, actor.person_id, role.value, "minutes_signed", {"sha256": hashlib.sha256(pdf).hexdigest()})
        return pdf

    # -- export -----------------------------------------------------------------------------------------
    def bundle_members(self) -> dict[str, bytes]:
        """The plaintext members of the result bundle: results.json (record + declared numbers,
        log head), log.json, minutes.pdf (signed twice)."""
        out = self.outcome()
        rec = self.record(with_log=True)
        log = rec.pop("log")
        rec["session"] = definition_to_dict(self.defn)
        rec["declared"] = declared_numbers(self.defn, out)
        rec["log_head"] = log[-1]["hash"] if log else ""
        return {"results.json": canonical_json(rec), "log.json": canonical_json(log),
                "minutes.pdf": self.minutes_pdf()}

    def export_bundle(self, actor: Actor, out_dir: Path) -> tuple[Path, str]:
        """Write the sealed result bundle to ``out_dir`` safely and read it back.

        Writes to a temporary name, flushes and fsyncs the file and its folder, reads the file back
        and checks its signature and digests, then renames it into place. Only then is it safe to
        remove the USB stick.
        Returns: (bundle path, bundle fingerprint: SHA-256 hex of the file).
        Raises: ServiceError("minutes_not_signed"), ("export_failed", error) for a full, read-only or
            vanished target (nothing is lost; retry), ("not_permitted").
        Source: issue 2 §7; issue 4 §6.
        """
        from zc_review.seal.bundle import bundle_fingerprint, verify_bundle_signature, write_bundle

        self._require(actor, Action.EXPORT)
        if self.minutes_stage() != "presiding":
            raise ServiceError("minutes_not_signed")
        with self._lock:
            scrub_database(self.engine)
        members = self.bundle_members()
        data = write_bundle(members, session_id=self.defn.session_id, package_id=self.package_id,
                            device_key=self.device_key, device_cert=self.device_cert,
                            office_recipient=self.payload.office_recipient, now=self.clock())
        name = f"{self.defn.session_id}-result.zcb"
        final = out_dir / name
        tmp = out_dir / f".{name}.partial"
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if tmp.read_bytes() != data:
                raise OSError(t("closing.export_readback_mismatch"))
            from zc_review.seal.errors import SealError

            try:  # a stick that returns other bytes than were written is a failed export, not a crash
                verify_bundle_signature(tmp.read_bytes(), [self.root_cert])
            except SealError as exc:
                raise OSError(t("closing.export_readback_mismatch")) from exc
            os.replace(tmp, final)
            dir_fd = os.open(out_dir, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            raise ServiceError("export_failed", error=exc.strerror or str(exc)) from exc
        fp = bundle_fingerprint(data)
        with self._tx() as s:
            st = s.get(SessionState, 1)
            assert st is not None
            st.closed_at = st.closed_at or self.clock()
            s.add(st)
            s.add(Export(path=str(final), fingerprint=fp, exported_at=self.clock()))
            self._log(s, actor.person_id, "recorder", "bundle_exported", {"fingerprint": fp})
        return final, fp

    def last_export(self) -> tuple[Path, str] | None:
        """The newest successful export: (bundle path, fingerprint), or None."""
        with self._read() as s:
            row = s.exec(select(Export).order_by(Export.id.desc())).first()  # type: ignore[union-attr]
            return None if row is None else (Path(row.path), row.fingerprint)

    def passed_count(self) -> int:
        return sum(1 for o in self.outcome().applicants.values() if o.outcome is rules.Outcome.PASSED)
