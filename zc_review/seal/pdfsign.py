"""PDF approval signatures (pyHanko, ECDSA P-256) with a Chinese stamp, and their verification.

Importing this module loads pyHanko (~0.45 s): import it where PDFs are signed, not at start-up.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .errors import SealError

FONT_PATH = Path(__file__).resolve().parent.parent / "documents" / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class PdfSignatureStatus:
    """What pyHanko found for one embedded signature, in file order.

    Attributes:
        field_name: The signature field's name.
        signer_cn: Common name of the signing certificate.
        valid: The CMS signature is cryptographically correct.
        intact: The signed byte ranges were not changed.
        trusted: The signer chains to the given root.
        ok: pyHanko's ``bottom_line`` (valid, intact, trusted and no disallowed later changes).
        covers_whole_file: The signed ranges reach the end of the file.
        signing_time: Signing time stated by the signer (no trusted timestamp offline).
        summary: pyHanko's one-line summary, for reports.
    """

    field_name: str
    signer_cn: str
    valid: bool
    intact: bool
    trusted: bool
    ok: bool
    covers_whole_file: bool
    signing_time: dt.datetime | None
    summary: str
    signer_cert_sha256: str = ""  # SHA-256 hex of the signing certificate (DER), to say who signed


def outside_event_loop(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` (a pyHanko entry point that runs ``asyncio.run`` inside) safely from any thread.

    pyHanko's synchronous API starts its own event loop, which fails inside a running one (a Textual
    app, an async test): there the call is made on a short-lived worker thread instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _asn1_cert(cert: x509.Certificate) -> Any:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _stamp_pdf(width: float, height: float, lines: list[str]) -> bytes:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    buf = io.BytesIO()
    # the initial font is the embedded one too: reportlab would otherwise list a non-embedded Helvetica
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1, initialFontName=FONT_NAME)
    c.setStrokeColorRGB(0.75, 0.1, 0.1)
    c.setFillColorRGB(0.75, 0.1, 0.1)
    c.setLineWidth(1.2)
    c.rect(1, 1, width - 2, height - 2)
    size = max(6.0, min(11.0, (height - 8) / max(1, len(lines)) / 1.3))
    c.setFont(FONT_NAME, size)
    y = height - 4 - size
    for line in lines:
        c.drawString(5, y, line)
        y -= size * 1.3
    c.showPage()
    c.save()
    return buf.getvalue()


def sign_pdf(
    pdf: bytes,
    private_key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    field_name: str,
    reason: str,
    location: str,
    signer_label: str,
    now: dt.datetime,
    *,
    box: Box | None = None,
    page: int = -1,
) -> bytes:
    """Append an approval signature to ``pdf`` as an incremental update.

    The stamp is visible when the field already has a rectangle in the PDF or ``box`` is given:
    a red frame with ``signer_label``, ``reason`` and the time, drawn by reportlab with the
    embedded WenQuanYi Micro Hei font (pyHanko's own stamp garbles Chinese). Otherwise the
    signature is invisible.

    Args:
        pdf: The PDF so far (earlier signatures stay valid).
        private_key: Signer's P-256 key.
        cert: Signer's certificate.
        chain: Certificates up to and including the root, embedded for verifiers.
        field_name: Signature field to fill (created if missing), e.g. ``"sig-chair"``.
        reason: e.g. ``"审核通过"``.
        location: e.g. ``"评审会场"``.
        signer_label: Stamp text, e.g. ``"主任委员 张伟"``.
        now: Timezone-aware signing time (signed attribute and /M).
        box: ``(x1, y1, x2, y2)`` in PDF points for a new visible field; None for invisible.
        page: Page index for a new field; -1 is the last page.

    Returns:
        The signed PDF (input + about 20 KB). About 0.1 s.

    Raises:
        ValueError: ``now`` is naive or the key does not match the certificate.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if cert.public_key() != private_key.public_key():
        raise ValueError("private key does not match the certificate")
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),  # type: ignore[no-untyped-call]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=location, name=signer_label, md_algorithm="sha256"
    )
    existing = {name: ref.get_object() for name, _, ref in fields.enumerate_sig_fields(writer, filled_status=None)}
    rect: tuple[float, float, float, float] | None = _field_rect(existing.get(field_name))
    if field_name not in existing and box is not None:
        rect = box
    spec = fields.SigFieldSpec(field_name, on_page=page, box=box) if field_name not in existing else None
    with tempfile.TemporaryDirectory() as tmp:
        style = None
        if rect is not None:
            width, height = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
            lines = [signer_label, reason, now.strftime("%Y-%m-%d %H:%M")]
            stamp_path = Path(tmp) / "stamp.pdf"
            stamp_path.write_bytes(_stamp_pdf(width, height, lines))
            style = StaticStampStyle.from_pdf_file(str(stamp_path), border_width=0)
        pdf_signer = _FixedTimePdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
        pdf_signer.fixed_time = now
        out = outside_event_loop(pdf_signer.sign_pdf, writer)
    return bytes(out.getvalue())


def _field_rect(field: Any) -> tuple[float, float, float, float] | None:
    if field is None:
        return None
    widget = field.get("/Kids", [field])[0].get_object() if "/Kids" in field else field
    try:
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    return (x1, y1, x2, y2) if abs(x2 - x1) > 1 and abs(y2 - y1) > 1 else None


class _FixedTimePdfSigner(signers.PdfSigner):
    """PdfSigner whose signing time is injected (pyHanko otherwise reads the clock)."""

    fixed_time: dt.datetime | None = None

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        if self.fixed_time is not None:
            session.system_time = self.fixed_time
        return session


def verify_pdf(pdf: bytes, root_cert: x509.Certificate, at: dt.datetime | None = None) -> list[PdfSignatureStatus]:
    """Validate every embedded signature with pyHanko, trusting only ``root_cert``.

    A document is acceptable when the list is non-empty, every ``ok`` is True and the last
    signature's ``covers_whole_file`` is True (an appended edit leaves it False).

    Args:
        pdf: The signed PDF.
        root_cert: The office root (the only trust anchor; no network, revocation soft-fail).
        at: Validation time; None validates each signature at its own stated signing time, so
            an archived file still verifies after the 30-day certificates expire.

    Returns:
        One status per signature in file order (empty if unsigned).

    Raises:
        SealError: The file cannot be parsed as a PDF.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many parse errors
        raise SealError(f"pdf unreadable: {type(exc).__name__}: {exc}") from None
    out = []
    for sig in sigs:
        moment = at or sig.self_reported_timestamp
        vc = ValidationContext(trust_roots=[_asn1_cert(root_cert)], moment=moment, allow_fetching=False)
        try:
            st = outside_event_loop(validate_pdf_signature, sig, signer_validation_context=vc)
        except Exception as exc:  # noqa: BLE001 - a broken CMS blob is a failed signature
            out.append(PdfSignatureStatus(sig.field_name, "", False, False, False, False, False,
                                          moment, f"validation error: {type(exc).__name__}"))
            continue
        cn = st.signing_cert.subject.native.get("common_name", "") if st.signing_cert else ""
        out.append(
            PdfSignatureStatus(
                field_name=sig.field_name,
                signer_cn=str(cn),
                valid=bool(st.valid),
                intact=bool(st.intact),
                trusted=bool(st.trusted),
                ok=bool(st.bottom_line),
                covers_whole_file=st.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                signing_time=sig.self_reported_timestamp,
                summary=st.summary(),
                signer_cert_sha256=hashlib.sha256(st.signing_cert.dump()).hexdigest() if st.signing_cert else "",
            )
        )
    return out


def pdfsig_check(pdf_path: Path | str, root_cert_pem: bytes) -> list[str] | None:
    """Cross-check with poppler's ``pdfsig`` using a throw-away NSS database trusting the root.

    pdfsig exits 0 even on "Digest Mismatch" and accepts unsigned appended edits, so this only
    parses its text; use :func:`verify_pdf` for decisions.

    Returns:
        Per signature ``"<Signature Validation>; <Certificate Validation>"``, e.g.
        ``"Signature is Valid.; Certificate is Trusted."``, or None if ``pdfsig``/``certutil``
        are not installed.
    """
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sql:{tmp}"
        root = Path(tmp) / "root.pem"
        root.write_bytes(root_cert_pem)
        run = {"check": True, "capture_output": True, "timeout": 60}
        subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], **run)  # type: ignore[call-overload]
        subprocess.run(["certutil", "-A", "-d", db, "-n", "zc-root", "-t", "CT,C,C", "-i", str(root)], **run)  # type: ignore[call-overload]
        proc = subprocess.run(["pdfsig", "-nssdir", db, str(pdf_path)], capture_output=True, timeout=60)
    text = proc.stdout.decode("utf-8", "replace")
    results = []
    for block in re.split(r"^Signature #\d+:", text, flags=re.M)[1:]:
        sig = re.search(r"Signature Validation: (.*)", block)
        cert = re.search(r"Certificate Validation: (.*)", block)
        results.append(f"{sig.group(1).strip() if sig else '?'}; {cert.group(1).strip() if cert else '?'}")
    return results
