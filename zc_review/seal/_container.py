"""Canonical stored ZIP containers: deterministic writing and strict, bounded reading."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from .errors import FormatVersionError, SealError

# 1980-01-01 00:00:00 is the earliest DOS date: fixed so the same members give the same bytes.
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16
_FORMAT_RE = re.compile(rb"zc-review ([a-z ]+)\nversion: ([0-9]{1,6})\n")
_MAX_FORMAT_BYTES = 256


def write_zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    """Write ``members`` in the given order as a stored (uncompressed) ZIP with fixed metadata.

    Args:
        members: ``(name, data)`` pairs; names are written as given (UTF-8 flag if non-ASCII).

    Returns:
        The ZIP bytes: no compression, timestamps 1980-01-01, mode 0644, no comments or extras.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = _FILE_MODE
            info.create_system = 3
            zf.writestr(info, data)
    return buf.getvalue()


def format_text(kind: str, version: int) -> bytes:
    """Return the ``FORMAT`` member, e.g. ``b"zc-review session package\\nversion: 1\\n"``."""
    return f"zc-review {kind}\nversion: {version}\n".encode("ascii")


def read_zip(
    data: bytes,
    *,
    kind: str,
    version: int,
    names: Sequence[str] | None,
    max_total: int,
    max_member: int,
) -> list[tuple[str, bytes]]:
    """Read a container written by :func:`write_zip`, refusing anything else.

    The first member must be ``FORMAT``; a newer version raises :class:`FormatVersionError`
    before the rest is looked at. Every member must be stored, unencrypted, within the size caps,
    and re-writing the members with :func:`write_zip` must give back exactly ``data`` (this refuses
    prepended or appended bytes, comments, extra fields, other timestamps and duplicate names).

    Args:
        data: The whole container.
        kind: Expected kind in ``FORMAT``, e.g. ``"session package"``.
        version: The one supported version.
        names: The exact member names in order, or None to accept any names (checked by the caller).
        max_total: Cap on ``len(data)`` in bytes.
        max_member: Cap on each member's size in bytes.

    Returns:
        ``(name, data)`` pairs in container order.

    Raises:
        FormatVersionError: ``FORMAT`` names this kind with another version.
        SealError: Anything else is wrong.
    """
    if len(data) > max_total:
        raise SealError(f"{kind}: container too large ({len(data)} bytes)")
    try:
        members = _read_members(data, kind, version, names, max_member)
    except SealError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of untrusted bytes is a refusal
        raise SealError(f"{kind}: malformed container ({type(exc).__name__}: {exc})") from None
    if write_zip(members) != data:
        raise SealError(f"{kind}: container is not in canonical form")
    return members


def _read_members(
    data: bytes, kind: str, version: int, names: Sequence[str] | None, max_member: int
) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if not infos or infos[0].filename != "FORMAT" or infos[0].file_size > _MAX_FORMAT_BYTES:
            raise SealError(f"{kind}: first member is not FORMAT")
        _check_info(infos[0], kind, _MAX_FORMAT_BYTES)
        fmt = zf.read(infos[0])
        match = _FORMAT_RE.fullmatch(fmt)
        if match is None or match.group(1).decode("ascii") != kind:
            raise SealError(f"{kind}: FORMAT member is not a {kind} ({fmt[:64]!r})")
        found = int(match.group(2))
        if found != version:
            raise FormatVersionError(found, version, kind)
        got = [i.filename for i in infos]
        if names is not None and got != list(names):
            raise SealError(f"{kind}: members {got} differ from expected {list(names)}")
        if len(set(got)) != len(got):
            raise SealError(f"{kind}: duplicate member names")
        out: list[tuple[str, bytes]] = []
        total = 0
        for info in infos:
            _check_info(info, kind, max_member)
            total += info.file_size
            if total > len(data):
                raise SealError(f"{kind}: declared sizes exceed the file size")
            # Stored members only, so reading cannot expand beyond the declared (capped) size.
            with zf.open(info) as fh:
                body = fh.read(max_member + 1)
            if len(body) != info.file_size:
                raise SealError(f"{kind}: member {info.filename} size mismatch")
            out.append((info.filename, body))
        return out


def _check_info(info: zipfile.ZipInfo, kind: str, max_member: int) -> None:
    if info.compress_type != zipfile.ZIP_STORED:
        raise SealError(f"{kind}: member {info.filename} is compressed")
    if info.flag_bits & 0x1:
        raise SealError(f"{kind}: member {info.filename} is zip-encrypted")
    if info.file_size != info.compress_size or info.file_size > max_member:
        raise SealError(f"{kind}: member {info.filename} has a bad or too large size")
