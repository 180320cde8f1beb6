"""Hostile dossiers in the room (issue 3 §8): the package payload is refused or neutralised even though the office
signed it. Each case is a crafted payload ZIP given to ``parse_payload`` (what ``RoomService.open`` calls after
decryption); limits: docs/SECURITY.md "Hostile input"."""

from __future__ import annotations

import copy
import io
import json
import stat
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Packed
from zc_review.service.errors import ServiceError
from zc_review.service.payload import MAX_MEMBER_BYTES, build_payload, parse_payload


def genuine(demo: Packed) -> bytes:
    return build_payload(demo.payload)


def rezip(data: bytes, edit: Callable[[list[tuple[zipfile.ZipInfo, bytes]]], None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        items = [(i, zf.read(i)) for i in zf.infolist()]
    edit(items)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        import warnings

        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        for info, body in items:
            zf.writestr(info, body)
    return buf.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(ServiceError) as err:
        parse_payload(data)
    assert err.value.code == "payload_malformed"
    return str(err.value.params["detail"])


def with_session(demo: Packed, change: Callable[[dict[str, Any]], None]) -> bytes:
    session = copy.deepcopy(demo.payload.session)
    change(session)

    def edit(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        for k, (info, _) in enumerate(items):
            if info.filename == "session.json":
                items[k] = (info, json.dumps(session, ensure_ascii=False).encode())

    return rezip(genuine(demo), edit)


def test_genuine_payload_round_trips(demo: Packed) -> None:
    assert parse_payload(genuine(demo)) == demo.payload


@pytest.mark.parametrize("name", ["../evil", "attachments/../../etc/passwd", "/etc/passwd", "attachments/a/b",
                                  "attachments\\..\\x", "session.json/", "attachments/.."])
def test_path_climbing_names_refused(demo: Packed, name: str) -> None:
    def add(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        items.append((zipfile.ZipInfo(name), b"%PDF-1.4"))

    assert "unexpected member" in refused(rezip(genuine(demo), add))


def test_symlink_member_refused(demo: Packed) -> None:
    def link(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        info = zipfile.ZipInfo("attachments/A001-F1-link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        items.append((info, b"/etc/shadow"))

    assert "link" in refused(rezip(genuine(demo), link))


def test_duplicate_member_refused(demo: Packed) -> None:
    def dup(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        items.append((zipfile.ZipInfo("session.json"), b"{}"))

    assert "duplicate" in refused(rezip(genuine(demo), dup))


def test_huge_declared_size_refused_without_inflating(demo: Packed) -> None:
    data = bytearray(rezip(genuine(demo), lambda items: None))
    # patch the central directory's uncompressed size of the first member to 4 GiB - 1
    cd = data.rfind(b"PK\x01\x02", 0, len(data))
    first_cd = data.find(b"PK\x01\x02")
    assert cd > 0
    data[first_cd + 24:first_cd + 28] = (0xFFFFFFFE).to_bytes(4, "little")
    assert "too large" in refused(bytes(data))


def test_deflate_bomb_refused(demo: Packed) -> None:
    """An attachment that inflates past the per-member cap: refused by its declared size."""
    def bomb(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        info = zipfile.ZipInfo("attachments/BOMB")
        info.compress_type = zipfile.ZIP_DEFLATED
        items.append((info, b"\0" * (MAX_MEMBER_BYTES + 1)))

    assert "too large" in refused(rezip(genuine(demo), bomb))


def test_lying_size_refused(demo: Packed) -> None:
    """A member whose data inflates beyond its declared size: zipfile stops at the size and the CRC fails."""
    def lie(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        info = zipfile.ZipInfo("attachments/LIAR")
        info.compress_type = zipfile.ZIP_DEFLATED
        items.append((info, b"A" * 100_000))

    data = bytearray(rezip(genuine(demo), lie))
    at = data.rfind(b"PK\x01\x02")  # the last central-directory record is LIAR's
    data[at + 24:at + 28] = (1000).to_bytes(4, "little")
    loc = data.rfind(b"PK\x03\x04")
    data[loc + 22:loc + 26] = (1000).to_bytes(4, "little")
    refused(bytes(data))


def test_not_a_zip_and_truncated_refused(demo: Packed) -> None:
    refused(b"not a zip at all")
    refused(genuine(demo)[:-200])


def test_invalid_utf8_session_refused(demo: Packed) -> None:
    def edit(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        for k, (info, body) in enumerate(items):
            if info.filename == "session.json":
                items[k] = (info, body.replace("梁健".encode(), b"\xff\xfe"))

    refused(rezip(genuine(demo), edit))


@pytest.mark.parametrize("text", ["总结\x1b[31m红\x1b[0m", "a\x9bb", "\u202eevil", "nul\x00", "bell\x07"])
def test_control_characters_and_escapes_refused(demo: Packed, text: str) -> None:
    def change(s: dict[str, Any]) -> None:
        s["applicants"][0]["dossier"]["work_summary"] = text

    assert "control character" in refused(with_session(demo, change))


def test_markup_in_text_is_kept_as_data(demo: Packed) -> None:
    """Rich/Textual markup is not refused: it is rendered inert (tests/tui/test_tui_opening.py::
    test_dossier_text_is_inert)."""
    def change(s: dict[str, Any]) -> None:
        s["applicants"][0]["dossier"]["work_summary"] = "[@click=app.quit]点我[/] [red]x[/]"

    assert parse_payload(with_session(demo, change)).session["applicants"][0]["dossier"]["work_summary"] \
        .startswith("[@click")


@pytest.mark.parametrize("what", ["reviewer", "applicant", "code", "panel", "attachment"])
def test_duplicate_ids_refused(demo: Packed, what: str) -> None:
    def change(s: dict[str, Any]) -> None:
        if what == "reviewer":
            s["reviewers"][1]["id"] = s["reviewers"][0]["id"]
        elif what == "applicant":
            s["applicants"][1]["id"] = s["applicants"][0]["id"]
        elif what == "code":
            s["applicants"][1]["code"] = s["applicants"][0]["code"]
        elif what == "panel":
            s["panels"][1]["id"] = s["panels"][0]["id"]
        else:
            s["applicants"][1]["dossier"]["attachments"][0]["id"] = s["applicants"][0]["dossier"]["attachments"][0]["id"]

    assert "duplicate" in refused(with_session(demo, change))


@pytest.mark.parametrize("change", [
    lambda s: s.pop("session_id"),
    lambda s: s.__setitem__("nickname", "x"),
    lambda s: s["applicants"][0]["dossier"].__setitem__("years_in_field", "十年"),
    lambda s: s["groups"][0].__setitem__("pass_rate", "NaN"),
], ids=["missing", "unknown", "wrong-type", "nan"])
def test_schema_breaking_fields_refused(demo: Packed, change: Callable[[dict[str, Any]], None]) -> None:
    refused(with_session(demo, change))


# -- the attachments' text shipped by the office (issue 12 §4) ---------------------------------------------------
def _edit_text(demo: Packed, change: Callable[[dict[str, Any]], Any]) -> bytes:
    first = sorted(demo.payload.texts)[0]

    def edit(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        for k, (info, body) in enumerate(items):
            if info.filename == f"texts/{first}":
                raw = json.loads(body)
                items[k] = (info, json.dumps(change(raw) or raw, ensure_ascii=False).encode())

    return rezip(genuine(demo), edit)


def test_every_attachment_ships_its_text(demo: Packed) -> None:
    assert demo.payload.texts and set(demo.payload.texts) == set(demo.payload.attachments)
    names = zipfile.ZipFile(io.BytesIO(genuine(demo))).namelist()
    assert sorted(n for n in names if n.startswith("texts/")) == [f"texts/{i}" for i in sorted(demo.payload.texts)]


def test_attachment_without_text_or_text_without_attachment_refused(demo: Packed) -> None:
    first = sorted(demo.payload.texts)[0]

    def drop(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        items[:] = [(i, b) for i, b in items if i.filename != f"texts/{first}"]

    def add(items: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
        items.append((zipfile.ZipInfo("texts/EXTRA"), b'{"marks": [], "pages": 1, "pages_read": 1, "text": "x"}'))

    assert "without its text" in refused(rezip(genuine(demo), drop))
    assert "without its text" in refused(rezip(genuine(demo), add))


@pytest.mark.parametrize("change", [
    lambda r: r.update(text="总结\x1b[31m红色"),            # a terminal escape in the shipped text
    lambda r: r.update(text="a\u202eb"),                     # a bidi override
    lambda r: r.update(extra=1),                             # a field the format does not have
    lambda r: r.update(marks=["run_me"]),                    # an unknown mark
    lambda r: r.update(pages_read=r["pages"] + 1),           # more pages read than the file has
    lambda r: r.update(text="x" * 1_000_001),                # over MAX_TEXT_CHARS
    lambda r: r.update(pages="3"),                           # a number as a string
])
def test_bad_shipped_text_refused(demo: Packed, change: Callable[[dict[str, Any]], Any]) -> None:
    assert "attachment text" in refused(_edit_text(demo, change))
