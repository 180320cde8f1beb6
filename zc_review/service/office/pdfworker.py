"""The child process that reads attachment PDFs for ``office pack``; started by ``service.office.extract``.

Run as ``python -P -m zc_review.service.office.pdfworker <memory bytes> <max pages> <max chars>``, never
imported by the packer. Before it imports pypdf it caps its own address space (``RLIMIT_AS`` = memory
bytes: a PDF that needs more gets ``MemoryError``) and turns core dumps off; every log record (pypdf logs
its warnings through ``logging``) and every Python warning goes to its stderr, which the parent points at
the pack's log file, never at the terminal. Then it says it is ready (one byte ``R``) and serves one
request after another on stdin/stdout until stdin closes:

    request   8-byte big-endian length, then the PDF bytes
    answer    8-byte big-endian length, then UTF-8 JSON: {"status": "ok", "text", "pages", "pages_read",
              "marks", "maxrss"} or {"status": "refused", "reason", "detail", "maxrss"}

``reason`` is one of ``not_pdf`` (no ``%PDF-x.y`` header), ``truncated`` (no ``%%EOF`` in the last 1024
bytes), ``encrypted``, ``damaged`` (pypdf cannot open it, or no page's text can be read) and ``memory``;
``marks`` are ``javascript``, ``forms``, ``embedded_files``, ``page_errors``. ``maxrss`` is the
process's peak resident memory so far, in bytes (``peak_memory``). The wall-clock limit is the parent's:
it kills this process.
Imports only the standard library and pypdf.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import resource
import struct
import sys
import warnings
from typing import Any, BinaryIO

HEADER = re.compile(rb"%PDF-[12]\.[0-9](?:\s|%)")  # a version after %PDF-, then an end of line or a comment
EOF_WINDOW = 1024  # %%EOF must be in the file's last KiB (PDF 32000-1 §7.5.5; readers look that far)
_SCRIPT_RAW = re.compile(rb"/JavaScript\b|/JS\s*[(<]|/Launch\b")
_LEN = struct.Struct(">Q")


def _read_exact(fh: BinaryIO, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = fh.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _get(obj: Any) -> Any:
    """Resolve an indirect object; None when it cannot be resolved (a broken reference is not a mark)."""
    try:
        return obj.get_object() if obj is not None else None
    except Exception:
        return None


def _is_script(action: Any, depth: int = 0) -> bool:
    """An action dictionary that runs JavaScript or launches a program, itself or in its ``/Next`` chain."""
    action = _get(action)
    if not isinstance(action, dict) or depth > 8:
        return False
    if action.get("/S") in ("/JavaScript", "/Launch"):
        return True
    nxt = _get(action.get("/Next"))
    return any(_is_script(a, depth + 1) for a in (nxt if isinstance(nxt, list) else [nxt]))


def _has_script(holder: Any) -> bool:
    """A dictionary whose ``/A``, ``/OpenAction`` or any ``/AA`` trigger runs a script."""
    if not isinstance(holder, dict):
        return False
    if _is_script(holder.get("/A")) or _is_script(holder.get("/OpenAction")):
        return True
    aa = _get(holder.get("/AA"))
    return isinstance(aa, dict) and any(_is_script(v) for v in aa.values())


def marks_of(reader: Any, data: bytes, pages: list[Any]) -> set[str]:
    """What the office marks but accepts: scripts (JavaScript, launch actions), forms, embedded files.

    Looks at the catalogue (``/Names``, ``/OpenAction``, ``/AA``, ``/AcroForm``), at each read page and its
    annotations, and at the raw bytes (for what sits outside the structure pypdf reaches).
    """
    marks: set[str] = set()
    root = _get(reader.trailer.get("/Root"))
    if isinstance(root, dict):
        names = _get(root.get("/Names"))
        if isinstance(names, dict):
            if "/JavaScript" in names:
                marks.add("javascript")
            if "/EmbeddedFiles" in names:
                marks.add("embedded_files")
        if _has_script(root):
            marks.add("javascript")
        form = _get(root.get("/AcroForm"))
        if isinstance(form, dict) and (_get(form.get("/Fields")) or "/XFA" in form):
            marks.add("forms")
    for page in pages:
        if _has_script(page):
            marks.add("javascript")
        annots = _get(page.get("/Annots"))
        for annot in annots if isinstance(annots, list) else []:
            a = _get(annot)
            if not isinstance(a, dict):
                continue
            if _has_script(a):
                marks.add("javascript")
            if a.get("/Subtype") == "/FileAttachment":
                marks.add("embedded_files")
            if a.get("/Subtype") == "/Widget":
                marks.add("forms")
    if _SCRIPT_RAW.search(data):
        marks.add("javascript")
    return marks


def read_pdf(data: bytes, max_pages: int, max_chars: int) -> dict[str, Any]:
    """One attachment's answer (without ``maxrss``); see the module docstring. MemoryError propagates."""
    from pypdf import PdfReader

    if not HEADER.match(data[:16]):
        return {"status": "refused", "reason": "not_pdf", "detail": ""}
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        return {"status": "refused", "reason": "truncated", "detail": ""}
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return {"status": "refused", "reason": "encrypted", "detail": ""}
        pages = list(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken input: all mean "cannot be read"
        return {"status": "refused", "reason": "damaged", "detail": type(exc).__name__}
    texts: list[str] = []
    errors: list[str] = []
    size = 0
    for page in pages[:max_pages]:
        try:
            text = page.extract_text() or ""
        except MemoryError:
            raise
        except Exception as exc:
            errors.append(type(exc).__name__)
            text = ""
        texts.append(text)
        size += len(text) + 1
        if size > max_chars:
            break
    read = len(texts)
    if errors and len(errors) == read:
        return {"status": "refused", "reason": "damaged", "detail": errors[0]}
    marks = marks_of(reader, data, pages[:max_pages])
    if errors:
        marks.add("page_errors")
    return {"status": "ok", "text": "\n".join(texts)[: max_chars + 1], "pages": len(pages), "pages_read": read,
            "marks": sorted(marks)}


def peak_memory() -> int:
    """This process's peak resident memory in bytes: Linux ``VmHWM`` (since exec; ``ru_maxrss`` would carry
    the parent's peak across fork and exec), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str]) -> int:
    """Serve requests until stdin closes (module docstring). Returns the exit status (0)."""
    memory, max_pages, max_chars = (int(a) for a in argv)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    answers = os.fdopen(os.dup(1), "wb")  # the answer channel; fd 1 itself now goes to the log
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    import pypdf  # noqa: F401  (loaded before the first clock starts)

    with answers:
        answers.write(b"R")
        answers.flush()
        serve(sys.stdin.buffer, answers, max_pages, max_chars)
    return 0


def serve(requests: BinaryIO, answers: BinaryIO, max_pages: int, max_chars: int) -> None:
    """Answer requests until ``requests`` ends, or until an attachment ran out of memory."""
    while True:
        head = _read_exact(requests, _LEN.size)
        if head is None:
            return
        data = _read_exact(requests, _LEN.unpack(head)[0])
        if data is None:
            return
        try:
            answer = read_pdf(data, max_pages, max_chars)
        except MemoryError:
            answer = {"status": "refused", "reason": "memory", "detail": ""}
        del data
        answer["maxrss"] = peak_memory()
        blob = json.dumps(answer).encode("ascii")  # ASCII: JSON escapes carry even lone surrogates
        answers.write(_LEN.pack(len(blob)) + blob)
        answers.flush()
        sys.stderr.flush()
        if answer.get("reason") == "memory":
            return  # the parent starts a fresh worker for the next attachment

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
