"""Hostile PDFs for the attachment tests, written by hand (bytes) or with reportlab and pypdf's writer.

Each helper returns the file's bytes. ``slow_pdf`` is the issue 12 §4 attack: pages that all share one
content stream of many text operators (a few tens of KB compressed); pypdf's text extraction walks every
operator on every page: ~2–3 s a page here, 7–10 minutes for the whole file.
``memory_pdf`` is one page whose content stream parses into millions of Python objects.
"""

from __future__ import annotations

import io
import zlib


def raw_pdf(objects: list[bytes], *, xref_offset_error: int = 0) -> bytes:
    """A PDF 1.7 file of ``objects`` (numbered from 1; object 1 is the catalogue), with a correct xref
    table and trailer; ``xref_offset_error`` moves the ``startxref`` pointer (a broken but recoverable file)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for o in offsets:
        out.write(f"{o:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref + xref_offset_error}\n%%EOF\n"
              .encode())
    return out.getvalue()


def _stream(content: bytes) -> bytes:
    data = zlib.compress(content, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"


def shared_stream_pdf(pages: int, ops: int, *, op: bytes = b"1 0 Td (a) Tj ") -> bytes:
    """``pages`` pages that all draw the same content stream of ``ops`` times the operators ``op``."""
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(b"BT /F1 1 Tf " + op * ops + b"ET\n"),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents 4 0 R >>"] * pages
    return raw_pdf(objects)


def slow_pdf() -> bytes:
    """200 pages sharing one content stream of 100,000 moves that each show an empty string (≈ 35 KB).

    No text comes out, so no text cap stops it early: pypdf spends ~2–3 s on every page, 7–10 minutes in all.
    """
    return shared_stream_pdf(200, 100_000, op=b"1 0 Td () Tj ")


def memory_pdf() -> bytes:
    """One page of 1,500,000 operators (≈ 40 KB): well over 200 MiB of parsed objects in pypdf."""
    return shared_stream_pdf(1, 1_500_000)


def text_pdf(lines: list[str]) -> bytes:
    """A small, well-formed one-page PDF (reportlab, Helvetica) showing ``lines`` (ASCII)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=True)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 16 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    """``text_pdf`` encrypted with a user password (RC4-128: no extra library needed)."""
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["secret report"]))))
    w.encrypt(user_password="applicant", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def javascript_pdf() -> bytes:
    """One page of text with a document-level JavaScript (``/Names /JavaScript``) and an ``/OpenAction``."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(opened) 6 0 R] >> >> /OpenAction 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 72 760 Td (report with a script) Tj ET\n"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /S /JavaScript /JS (app.alert\\('opened'\\);) >>",
    ])


def form_pdf() -> bytes:
    """One page with one text field (an AcroForm widget) holding a value."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] /Contents 5 0 R "
        b"/Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (filled in) /Rect [72 700 300 720] /P 3 0 R >>",
        _stream(b"BT /F1 12 Tf 72 760 Td (form) Tj ET\n"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def truncated_pdf() -> bytes:
    """The first half of a multi-page ``text_pdf`` (as a cut-off download)."""
    data = shared_stream_pdf(3, 50)
    return data[: len(data) // 2]


def garbage_pdf() -> bytes:
    """``%PDF-`` followed by bytes that are no PDF (no version, no objects), ending with ``%%EOF``."""
    junk = bytes((i * 73 + 41) % 256 for i in range(4000))
    return b"%PDF-" + junk + b"\n%%EOF\n"


def broken_xref_pdf() -> bytes:
    """A readable one-page PDF whose ``startxref`` points into nowhere: pypdf recovers, logging warnings."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 72 760 Td (recovered text) Tj ET\n"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ], xref_offset_error=17)
