"""After the vote: results, run-offs, failure reasons, sign-off, the minutes and their signatures, export."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from zc_review.domain import rules
from zc_review.domain import signed_texts as signed
from zc_review.domain.codec import canonical_json, definition_to_dict
from zc_review.domain.digest import minutes_digest, results_digest
from zc_review.domain.outcome import SessionOutcome, declared_numbers
from zc_review.i18n import join_list, label_of, t
from zc_review.service.atomic import FILE_MODE, make_private_dir
from zc_review.service.errors import ServiceError, os_error_text
from zc_review.service.room.ballot import Ballot
from zc_review.service.room.context import Actor, RoomContext
from zc_review.service.room.opening import Opening
from zc_review.service.room.panel import Panel
from zc_review.service.room.permissions import Action, Role
from zc_review.service.room.scoring import Scoring
from zc_review.service.room.signed_texts import sign_text
from zc_review.storage import repo
from zc_review.storage.models import FailureReason
from zc_review.storage.secrecy import scrub_database


class Closing:
    """Results and the end of the session: failure reasons, sign-off, the minutes, export.

    Source: RULES.md §5–6; 000 第二十六条(六), 第二十八条.
    """

    def __init__(self, ctx: RoomContext, opening: Opening, scoring: Scoring, ballot: Ballot, panel: Panel) -> None:
        self.ctx = ctx
        self.opening = opening
        self.scoring = scoring
        self.ballot = ballot
        self.panel = panel

    def results_digest(self) -> str:
        """SHA-256 over the declared numbers: what each reviewer's results sign-off covers (numbers only:
        reviewers sign off before the failure reasons are written). Source: domain/digest.py."""
        return results_digest(self.ctx.defn, self.ctx.outcome())

    def minutes_digest(self) -> str:
        """SHA-256 over every number and text of the record the minutes print (domain/digest.py); printed
        in the minutes and carried in their catalog, where the two PDF signatures cover it."""
        return minutes_digest(self.ctx.defn, self.ctx.record())

    def results_final(self) -> bool:
        """True once the command that closed the last round declared the results final."""
        return self.ctx.state().results_final_at is not None

    def results_declared(self) -> bool:
        """True once the presiding officer has declared the final results in the room (``declare_results``):
        from then on the room's screens show applicants' names beside their codes. Source: RULES.md §4–5."""
        with self.ctx.read() as s:
            return bool(repo.log_entries_of(session=s, action="results_declared"))

    def declare_results(self, actor: Actor) -> None:
        """The presiding officer (主持人) declares the final results to the room (宣布表决结果): a log entry;
        the numbers are unchanged. Until then the room sees applicants by code only.

        Raises: ServiceError("results_not_final") before the last round closed, ("not_permitted") for anyone
        but the presiding officer; declaring twice is a no-op. Source: RULES.md §5 (the chair announces the
        result); 000 第二十六条(六).
        """
        self._require_final()
        if actor.person_id != self.ctx.presiding_officer_id():
            raise ServiceError("not_permitted", action=t("closing.declare"))
        if self.results_declared():
            return
        with self.ctx.tx(outcome_unchanged=True) as s:
            self.ctx.log(s, actor.person_id, "presiding", "results_declared", {})

    def _require_final(self) -> SessionOutcome:
        if not self.results_final():
            raise ServiceError("results_not_final")
        return self.ctx.outcome()

    # -- failure reasons and sign-off ---------------------------------------------------------------------
    def write_failure_reason(self, actor: Actor, applicant_id: str, reason: str, guidance: str) -> None:
        """The panel leader writes the reason for failure and the improvement guidance, and signs them.

        The leader's credential key signs the statement naming the session, the applicant and both texts
        (domain/signed_texts.py), stored with the text in the same transaction; logged with its digest.
        Raises: ServiceError("results_not_final"), ("not_failed"), ("reason_required"), ("minutes_made").
        Source: RULES.md §5; 000 第二十六条(六).
        """
        a = self.ctx.defn.applicant(applicant_id)
        self.ctx.require(actor, Action.WRITE_FAILURE_REASON, panel_id=a.panel_id)
        out = self._require_final()
        if applicant_id not in out.failed():
            raise ServiceError("not_failed", code=a.code)
        if not reason.strip() or not guidance.strip():
            raise ServiceError("reason_required")
        if self.minutes_stage() is not None:
            raise ServiceError("minutes_made")
        with self.ctx.tx(outcome_unchanged=True) as s:  # a text: no derived number changes (issue 9)
            row = repo.get(session=s, model=FailureReason, key=applicant_id) or FailureReason(
                applicant_id=applicant_id, reason="", guidance="", author_id=actor.person_id, written_at=self.ctx.clock())
            row.reason, row.guidance, row.author_id, row.written_at = (reason.strip(), guidance.strip(),
                                                                     actor.person_id, self.ctx.clock())
            repo.put(session=s, row=row)
            digest = sign_text(self.ctx, s, actor, kind=signed.FAILURE_REASON, subject=applicant_id, role=signed.ROLE_LEADER,
                               text=signed.reason_text(row.reason, row.guidance))
            self.ctx.log(s, actor.person_id, "panel_leader", "failure_reason_written",
                         {"applicant": applicant_id, "statement_sha256": digest})

    def failure_reasons(self) -> dict[str, FailureReason]:
        """Failure reasons written so far: applicant id → row (reason, guidance, author)."""
        with self.ctx.read() as s:
            return {f.applicant_id: f for f in repo.failure_reasons(session=s)}

    def default_reason(self, applicant_id: str) -> str:
        """The rule-given reason for a failed applicant (below 2/3, or beyond the cap)."""
        o = self.ctx.outcome().applicants[applicant_id].outcome
        return label_of("outcome", o.value) if o else ""

    def sign_off_results(self, actor: Actor) -> None:
        """An attending reviewer signs off the results (签字确认). Source: 000 第二十六条(六).

        Raises: ServiceError("results_not_final"), ("already_signed"), ("not_permitted").
        """
        self.ctx.require(actor, Action.SIGN_OFF_RESULTS)
        self._require_final()
        text = t("closing.results_statement", session=self.ctx.defn.session_id, digest=self.results_digest(), name=actor.name)
        self.ctx.sign(actor, kind="results", subject=actor.person_id, role="reviewer", text=text)

    def sign_offs_missing(self) -> list[str]:
        """Attending reviewers who have not yet signed off the results, in roster order."""
        done = {sg.person_id for sg in self.ctx.signatures("results")}
        return [r for r in self.ctx.attending_ids() if r not in done]

    # -- minutes --------------------------------------------------------------------------------------------
    def minutes_stage(self) -> str | None:
        """The minutes' stage: None (not made), unsigned, recorder (signed once), presiding."""
        with self.ctx.read() as s:
            doc = repo.document(session=s, name="minutes.pdf")
            return None if doc is None else doc.stage

    def minutes_pdf(self) -> bytes:
        """The stored minutes PDF. Raises: ServiceError('minutes_missing')."""
        with self.ctx.read() as s:
            doc = repo.document(session=s, name="minutes.pdf")
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
        self.ctx.require(actor, Action.GENERATE_MINUTES)
        out = self._require_final()
        reasons = self.failure_reasons()
        missing = [self.ctx.defn.applicant(a).code for a in out.failed() if a not in reasons]
        if missing:
            raise ServiceError("reasons_missing", codes=join_list(missing))
        if self.sign_offs_missing():
            raise ServiceError("signoffs_missing", count=len(self.sign_offs_missing()))
        if self.minutes_stage() not in (None, "unsigned"):
            raise ServiceError("minutes_signed")
        from zc_review.service.room.minutes_view import render_minutes_for

        pdf = render_minutes_for(self, out)
        with self.ctx.tx(outcome_unchanged=True) as s:  # a document: no derived number changes (issue 9)
            repo.put_document(session=s, name="minutes.pdf", content=pdf, stage="unsigned", at=self.ctx.clock())
            self.ctx.log(s, actor.person_id, "recorder", "minutes_generated",
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
            self.ctx.require(actor, Action.SIGN_MINUTES_RECORDER)
            role, field, label, next_stage = Role.RECORDER, "Recorder", t("common.role_recorder"), "recorder"
        elif stage == "recorder":
            self.ctx.require(actor, Action.SIGN_MINUTES_PRESIDING)
            role, field, label, next_stage = Role.PRESIDING, "PresidingOfficer", t("common.role_presiding"), "presiding"
        else:
            raise ServiceError("minutes_sign_order")
        from zc_review.documents.minutes import signature_boxes

        current = self.minutes_pdf()
        box = signature_boxes(current).get("recorder" if role is Role.RECORDER else "presiding")
        pdf = sign_pdf(current, actor.key, actor.cert, [self.ctx.root_cert], field_name=field,
                       reason=t("closing.minutes_sign_reason", role=label), location=self.ctx.defn.venue,
                       signer_label=f"{label} {actor.name}", now=self.ctx.clock(),
                       box=tuple(int(v) for v in box.box) if box else None,  # type: ignore[arg-type]
                       page=box.page_index if box else -1)
        with self.ctx.tx(outcome_unchanged=True) as s:  # a signed document: no derived number changes
            repo.put_document(session=s, name="minutes.pdf", content=pdf, stage=next_stage, at=self.ctx.clock())
            self.ctx.log(s, actor.person_id, role.value, "minutes_signed", {"sha256": hashlib.sha256(pdf).hexdigest()})
        return pdf

    # -- export -----------------------------------------------------------------------------------------
    def bundle_members(self) -> dict[str, bytes]:
        """The plaintext members of the result bundle: results.json (record + declared numbers,
        log head), log.json, minutes.pdf (signed twice)."""
        out = self.ctx.outcome()
        rec = self.ctx.record(with_log=True)
        log = rec.pop("log")
        rec["session"] = definition_to_dict(self.ctx.defn)
        rec["declared"] = declared_numbers(self.ctx.defn, out)
        rec["log_head"] = log[-1]["hash"] if log else ""
        rec["flags"] = self.panel.flag_records()
        return {"results.json": canonical_json(rec), "log.json": canonical_json(log),
                "minutes.pdf": self.minutes_pdf()}

    def export_bundle(self, actor: Actor, out_dir: Path) -> tuple[Path, str]:
        """Write the sealed result bundle to ``out_dir`` safely and read it back.

        Writes to a temporary name, flushes and fsyncs the file and its folder, reads the file back
        and checks its signature and digests, then renames it into place. Only then is it safe to
        remove the USB stick. The bundle is sealed once, at the first export, and stored in the session
        database: every later export writes exactly the same bytes (issue 12 §5; docs/DESIGN.md "Export").
        Returns: (bundle path, bundle fingerprint: SHA-256 hex of the file).
        Raises: ServiceError("minutes_not_signed"), ("export_failed", error) for a full, read-only or
            vanished target (nothing is lost; retry), ("not_permitted").
        Source: issue 2 §7; issue 4 §6.
        """
        from zc_review.seal.bundle import bundle_fingerprint, verify_bundle_signature

        self.ctx.require(actor, Action.EXPORT)
        if self.minutes_stage() != "presiding":
            raise ServiceError("minutes_not_signed")
        data = self._sealed_bundle()
        name = f"{self.ctx.defn.session_id}-result.zcb"
        final = out_dir / name
        tmp = out_dir / f".{name}.partial"
        try:
            make_private_dir(out_dir)  # only the folders it creates (a USB stick's own folder is left as it is)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), FILE_MODE)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if tmp.read_bytes() != data:
                raise OSError(t("closing.export_readback_mismatch"))
            from zc_review.seal.errors import SealError

            try:  # a stick that returns other bytes than were written is a failed export, not a crash
                verify_bundle_signature(tmp.read_bytes(), [self.ctx.root_cert])
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
            raise ServiceError("export_failed", error=os_error_text(exc)) from exc
        fp = bundle_fingerprint(data)
        with self.ctx.tx(outcome_unchanged=True) as s:  # the export's row and closing time: no derived number
            st = repo.session_state(session=s)
            assert st is not None
            st.closed_at = st.closed_at or self.ctx.clock()
            repo.put(session=s, row=st)
            repo.add_export(session=s, path=str(final), fingerprint=fp, at=self.ctx.clock())
            self.ctx.log(s, actor.person_id, "recorder", "bundle_exported", {"fingerprint": fp})
        return final, fp

    def _sealed_bundle(self) -> bytes:
        """The session's one sealed bundle: sealed and stored at the first export, the same bytes after.

        A second export (another stick, a retry) writes byte for byte the first bundle, so one session never
        gives two different valid bundles (issue 12 §5). It is stored before anything is written to a
        stick; a package re-issued by ``office recover`` (another package id) seals anew.
        """
        from zc_review.seal.bundle import bundle_fingerprint, write_bundle

        with self.ctx.read() as s:
            stored = repo.sealed_bundle(session=s)
            if stored is not None and stored.package_id == self.ctx.package_id:
                return bytes(stored.content)
        with self.ctx.lock:
            scrub_database(self.ctx.engine)
        members = self.bundle_members()
        data = write_bundle(members, session_id=self.ctx.defn.session_id, package_id=self.ctx.package_id,
                            device_key=self.ctx.device_key, device_cert=self.ctx.device_cert,
                            office_recipient=self.ctx.payload.office_recipient, now=self.ctx.clock())
        with self.ctx.tx(outcome_unchanged=True) as s:
            repo.put_sealed_bundle(session=s, package_id=self.ctx.package_id, content=data,
                                   fingerprint=bundle_fingerprint(data), at=self.ctx.clock())
        return data

    def last_export(self) -> tuple[Path, str] | None:
        """The newest successful export: (bundle path, fingerprint), or None."""
        with self.ctx.read() as s:
            row = repo.exports_newest(session=s)
            return None if row is None else (Path(row.path), row.fingerprint)

    def passed_count(self) -> int:
        """How many applicants passed (final or provisional outcome)."""
        return sum(1 for o in self.ctx.outcome().applicants.values() if o.outcome is rules.Outcome.PASSED)
