"""The check code printed on a paper score sheet (issue 14): HMAC-SHA-256 from the standard library.

The code lets the staff keying a sheet tell a sheet of another session, another rubric or another
version of it from this one: it is HMAC-SHA-256 keyed with the session id over the sheet id, the rubric
id and the rubric version, its first 40 bits in base32 (8 characters, no padding). It is not a secret:
the office recomputes it from the bundle (docs/FORMATS.md "Paper score sheets").
"""

from __future__ import annotations

import base64
import hashlib
import hmac

CHECK_CODE_LENGTH = 8


def sheet_check_code(session_id: str, sheet_id: str, rubric_id: str, rubric_version: str) -> str:
    """The check code of one printed sheet: 8 characters of RFC 4648 base32 (``A``–``Z``, ``2``–``7``).

    Example: ``sheet_check_code("QC-1", "JY-01-R03", "RB-JY", "2025.1")`` → e.g. ``"K3QZ7M2A"``.
    """
    message = "\n".join((sheet_id, rubric_id, rubric_version)).encode("utf-8")
    mac = hmac.new(session_id.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b32encode(mac[:5]).decode("ascii")[:CHECK_CODE_LENGTH]


def check_code_matches(expected: str, typed: str) -> bool:
    """Compare a typed (normalised) check code with the expected one in constant time."""
    return hmac.compare_digest(expected.encode("ascii"), typed.encode("ascii", "replace"))
