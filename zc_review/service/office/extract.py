"""The attachments' text, extracted once at ``office pack``, bounded in time and memory, shipped in the package.

Source: issue 12 §4. A PDF can take pypdf minutes (200 pages sharing one huge content stream: ~30 s a
page) or gigabytes; so the office never parses one in its own process. An ``Extractor`` runs one worker
child process (``service/office/pdfworker.py``) and hands it one attachment at a time:

- **wall clock**: ``Limits.seconds`` (20 s) per attachment, from the moment its bytes are sent; past it
  the worker is killed (SIGKILL) and the next attachment gets a fresh one;
- **memory**: the worker's address space is capped at ``Limits.memory_bytes`` (512 MiB, ``RLIMIT_AS``
  set in the child before pypdf loads); an attachment that needs more gets ``MemoryError`` there;
- **pages**: the text of the first ``Limits.max_pages`` (200) pages, at most ``MAX_TEXT_CHARS`` characters.

The worker's stderr, where pypdf's warnings go (it logs through ``logging``), is the pack's log file
(``<package stem>-attachments.log``, mode 0600), never the terminal. What each attachment came to is one
``Extraction``: its text (``payload.AttachmentText``, with marks) or a refusal reason. ``extract_attachments``
turns a whole input into the texts to ship, the refusals as input ``Problem`` lines (file and reason:
``office pack`` then refuses the input) and the marks as warnings. Which findings refuse and which only
mark: docs/INPUT.md "Attachments"; why: docs/DESIGN.md.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import zc_review
from zc_review.domain.model import SessionDefinition
from zc_review.i18n import t
from zc_review.service.errors import ServiceError
from zc_review.service.office.files import Problem
from zc_review.service.payload import MAX_TEXT_CHARS, AttachmentText, clean_text

MIB = 1024 * 1024
START_SECONDS = 60.0  # for the worker to import pypdf and say it is ready (not charged to any attachment)
_LEN = struct.Struct(">Q")

# Refusal reason → catalogue key (the text names the limit: {seconds}, {mib}; the library's error: {error}).
REFUSALS: dict[str, str] = {
    "timeout": "office.attachment_timeout",
    "memory": "office.attachment_memory",
    "encrypted": "office.attachment_encrypted",
    "not_pdf": "office.attachment_not_pdf",
    "truncated": "office.attachment_truncated",
    "damaged": "office.attachment_damaged",
    "crashed": "office.attachment_crashed",
}
# Mark (payload.TEXT_MARKS) → catalogue key ({pages}, {read}, {chars}).
MARKS: dict[str, str] = {
    "javascript": "office.attachment_javascript",
    "forms": "office.attachment_forms",
    "embedded_files": "office.attachment_embedded_files",
    "no_text": "office.attachment_no_text",
    "pages_cut": "office.attachment_pages_cut",
    "text_cut": "office.attachment_text_cut",
    "page_errors": "office.attachment_page_errors",
}


@dataclass(frozen=True)
class Limits:
    """Per attachment: wall-clock ``seconds``, the worker's address space ``memory_bytes``, pages read.

    The defaults are the documented ones (docs/INPUT.md "Attachments"); tests pass smaller ones.
    """

    seconds: float = 20.0
    memory_bytes: int = 512 * MIB
    max_pages: int = 200


@dataclass(frozen=True)
class Extraction:
    """One attachment's outcome: ``text`` (None when refused) or ``refusal`` (a key of ``REFUSALS``) with
    ``detail`` (the library's exception class, an exit signal, or ""); ``seconds``: wall-clock time from
    sending to answer; ``peak_memory``: the worker's peak resident memory in bytes so far (the attachment's
    own when the worker was fresh; 0 when unknown)."""

    text: AttachmentText | None
    refusal: str | None
    detail: str
    seconds: float
    peak_memory: int


class Extractor:
    """A bounded PDF text extractor: one worker child process, reused, replaced after a kill or a crash.

    Use as a context manager (the worker is stopped on exit). ``log``: the file that receives the worker's
    stderr (pypdf's warnings) and one line per attachment; None sends them nowhere.
    Raises (from ``extract``): ServiceError("pdf_worker_failed") when no worker can be started at all.
    """

    def __init__(self, limits: Limits | None = None, log: Path | None = None) -> None:
        self.limits = limits or Limits()
        self._log_fd: int | None = None
        if log is not None:
            from zc_review.service.atomic import make_private_dir

            make_private_dir(log.parent)  # 0700, whatever the umask (issue 12 §5)
            self._log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
            os.fchmod(self._log_fd, 0o600)
        self._proc: subprocess.Popen[bytes] | None = None
        self.log_lines_written = 0

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker (end of input, then SIGKILL after 5 s) and close the log."""
        self._stop(gently=True)
        if self._log_fd is not None:
            os.close(self._log_fd)
            self._log_fd = None

    def note(self, line: str) -> None:
        """Append one line of our own to the log (which attachment comes next, what it came to)."""
        if self._log_fd is not None:
            os.write(self._log_fd, (line.replace("\n", " ") + "\n").encode("utf-8", "replace"))
            self.log_lines_written += 1

    # -- the worker ------------------------------------------------------------------------------------
    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        home = str(Path(zc_review.__file__).resolve().parent.parent)  # the package, not the working folder
        env["PYTHONPATH"] = home + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        cmd = [sys.executable, "-P", "-m", "zc_review.service.office.pdfworker",
               str(self.limits.memory_bytes), str(self.limits.max_pages), str(MAX_TEXT_CHARS)]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
                                    stderr=self._log_fd if self._log_fd is not None else subprocess.DEVNULL)
        except OSError as exc:
            raise ServiceError("pdf_worker_failed", detail=str(exc)) from exc
        self._proc = proc
        try:
            ready = self._read(1, time.monotonic() + START_SECONDS)
        except EOFError:
            ready = None
        if ready != b"R":
            self._stop(gently=False)
            raise ServiceError("pdf_worker_failed", detail=f"exit {proc.returncode}")
        return proc

    def _stop(self, *, gently: bool) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if gently and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass

    def _read(self, n: int, deadline: float) -> bytes | None:
        """``n`` bytes from the worker, or None at the deadline. Raises: EOFError when it ended first."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, min(n - len(buf), MIB))
            if not chunk:
                raise EOFError
            buf += chunk
        return bytes(buf)

    def _peak(self) -> int:
        """The worker's peak resident memory (Linux ``VmHWM``), in bytes; 0 when unknown."""
        if self._proc is None:
            return 0
        try:
            status = Path(f"/proc/{self._proc.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0

    # -- one attachment ------------------------------------------------------------------------------
    def extract(self, data: bytes, label: str = "") -> Extraction:
        """Extract one attachment's text within the limits; never hangs, never raises for the PDF's sake.

        Args: data: the attachment's bytes; label: what the log calls it (e.g. the file name).
        Returns: Extraction. Raises: ServiceError("pdf_worker_failed") when the worker cannot start.
        """
        proc = self._proc or self._start()
        assert proc.stdin is not None
        self.note(f"---- {label} ({len(data)} bytes)")
        start = time.monotonic()
        deadline = start + self.limits.seconds
        blob: bytes | None = None
        try:
            proc.stdin.write(_LEN.pack(len(data)))
            proc.stdin.write(data)
            proc.stdin.flush()
            head = self._read(_LEN.size, deadline)
            if head is not None:
                blob = self._read(_LEN.unpack(head)[0], deadline)
        except (OSError, EOFError):  # BrokenPipeError included: the worker died under this attachment
            return self._finish(Extraction(None, "crashed", _exit_detail(proc), time.monotonic() - start, 0))
        if blob is None:
            peak = self._peak()
            self._stop(gently=False)
            return self._finish(Extraction(None, "timeout", "", time.monotonic() - start, peak))
        return self._finish(self._answer(_loads(blob), time.monotonic() - start))

    def _answer(self, answer: dict[str, Any], seconds: float) -> Extraction:
        peak = int(answer.get("maxrss", 0))
        if answer.get("status") != "ok":
            reason = str(answer.get("reason", "crashed"))
            if reason == "memory":
                self._stop(gently=True)
            return Extraction(None, reason if reason in REFUSALS else "crashed", str(answer.get("detail", "")),
                              seconds, peak)
        raw = str(answer["text"])
        text = clean_text(raw)
        pages, read = int(answer["pages"]), int(answer["pages_read"])
        marks = set(answer["marks"])
        if read < pages:
            marks.add("pages_cut")
        if len(raw) > MAX_TEXT_CHARS:
            marks.add("text_cut")
        if pages and not text.strip():
            marks.add("no_text")
        return Extraction(AttachmentText(text, pages, read, tuple(sorted(marks))), None, "", seconds, peak)

    def _finish(self, r: Extraction) -> Extraction:
        if self._proc is not None and self._proc.poll() is not None:
            self._stop(gently=False)
        outcome = " ".join(x for x in (r.refusal or "ok", ",".join(r.text.marks) if r.text else "", r.detail) if x)
        self.note(f"==== {outcome}: {r.seconds:.2f} s, peak {r.peak_memory // MIB} MiB")
        return r


def _loads(blob: bytes) -> dict[str, Any]:
    import json

    try:
        answer = json.loads(blob.decode("ascii"))
    except ValueError:
        answer = None
    return answer if isinstance(answer, dict) else {"status": "refused", "reason": "crashed", "detail": "answer"}


def _exit_detail(proc: subprocess.Popen[bytes]) -> str:
    try:
        rc = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    if rc < 0:
        try:
            return signal.Signals(-rc).name
        except ValueError:
            return f"signal {-rc}"
    return f"exit {rc}"


@dataclass(frozen=True)
class AttachmentReport:
    """What ``extract_attachments`` found: ``texts`` (attachment id → text, accepted ones only),
    ``problems`` (one input Problem per refused attachment: its dossier.yaml, the field, the file name and
    the reason), ``warnings`` (one Chinese line per mark), ``log_note`` (a line naming the log and how many
    lines the library wrote to it; None when it wrote none), ``extractions`` (attachment id → Extraction,
    for the figures), ``log_path``."""

    texts: dict[str, AttachmentText]
    problems: list[Problem]
    warnings: list[str]
    log_note: str | None = None
    extractions: dict[str, Extraction] = field(default_factory=dict)
    log_path: Path | None = None


def extract_attachments(defn: SessionDefinition, blobs: dict[str, bytes], *, limits: Limits | None = None,
                        log_path: Path | None = None) -> AttachmentReport:
    """Extract every attachment of ``defn`` (bytes in ``blobs``, by attachment id) within ``limits``.

    Returns: AttachmentReport. Raises: ServiceError("pdf_worker_failed") when no worker can be started.
    Source: issue 12 §4; docs/INPUT.md "Attachments".
    """
    lim = limits or Limits()
    texts: dict[str, AttachmentText] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    runs: dict[str, Extraction] = {}
    with Extractor(lim, log_path) as ex:
        for a in defn.applicants:
            for i, att in enumerate(a.dossier.attachments):
                r = runs[att.id] = ex.extract(blobs.get(att.id, b""), f"applicants/{a.id} {att.id} {att.filename}")
                params = {"file": att.filename, "id": att.id, "code": a.code, "seconds": f"{lim.seconds:g}",
                          "mib": lim.memory_bytes // MIB, "error": r.detail or "-"}
                if r.text is None:
                    reason = t(REFUSALS[r.refusal or "crashed"], **params)
                    problems.append(Problem(f"applicants/{a.id}/dossier.yaml", f"dossier.attachments[{i}].file",
                                            t("office.attachment_refused", reason=reason, **params)))
                    continue
                texts[att.id] = r.text
                for m in r.text.marks:
                    what = t(MARKS[m], pages=r.text.pages, read=r.text.pages_read, chars=MAX_TEXT_CHARS)
                    warnings.append(t("office.attachment_marked", what=what, **params))
        written = ex.log_lines_written
    note = None
    if log_path is not None:
        with open(log_path, "rb") as fh:
            library = sum(1 for _ in fh) - written
        if library > 0:
            note = t("office.attachment_log", n=library, path=str(log_path))
    return AttachmentReport(texts, problems, warnings, note, runs, log_path)
