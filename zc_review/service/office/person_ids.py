"""Applicants' identity-card numbers (居民身份证号码) at the office: checked, turned into person keys, filed.

Where a number travels (docs/SECURITY.md "Identity-card numbers"): it is written by the office in
``applicants/<ID>/dossier.yaml`` (``id_number``, optional) and checked by ``office pack``
(python-stdnum's ``stdnum.cn.ric``: 18 characters, a real birth date and place, the check digit). It is never
put in the session definition, so it is not in the package, the room, the reviewers' blind materials, the
sealed bundle or the public notice. At pack the office files, beside its register, one keyed hash per
applicant (``person-keys/<package id>.json``, HMAC-SHA256 under the office's secret ``person-key.bin``:
``seal.person_key``); ``office import`` copies those keys into the archive's results, and
``office applicant <号码>`` hashes the number it is given with the same secret to find the same person in
every session and year. The number itself is stored nowhere by zc-review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zc_review.i18n import t
from zc_review.service.errors import ServiceError

#: the office's person-key secret, beside its keys (0600)
SECRET_FILE = "person-key.bin"
#: the folder of the keyed hashes filed at pack, one file per package id
PERSON_KEYS = "person-keys"
FORMAT = "zc-review person keys"


def check_number(text: str) -> tuple[str | None, str]:
    """(the normalised number, ``""``) for a valid identity-card number, or (None, the Chinese reason).

    Normalised: spaces removed, ``x`` upper case. Checked with ``stdnum.cn.ric.validate`` (length, digits,
    check digit, birth date, birth place). Source: GB 11643-1999 (公民身份号码).
    """
    from stdnum.cn import ric
    from stdnum.exceptions import (
        InvalidChecksum,
        InvalidComponent,
        InvalidFormat,
        InvalidLength,
        ValidationError,
    )

    try:
        return ric.validate(text), ""
    except InvalidLength:
        return None, t("office.ric_length")
    except InvalidFormat:
        return None, t("office.ric_format")
    except InvalidChecksum:
        return None, t("office.ric_checksum")
    except InvalidComponent:
        return None, t("office.ric_component")
    except ValidationError:
        return None, t("office.ric_format")


def looks_like_number(query: str) -> str | None:
    """The normalised number when ``query`` is a valid identity-card number, else None."""
    number, _ = check_number(query.strip())
    return number


def _secret(keys_dir: Path, *, create: bool) -> bytes | None:
    from zc_review.seal.person_key import SECRET_BYTES, new_person_secret
    from zc_review.service.atomic import write_atomic
    from zc_review.service.errors import os_error_text

    path = keys_dir / SECRET_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not create:
            return None
        data = new_person_secret()
        write_atomic(path, data, 0o600)
        return data
    except OSError as exc:
        raise ServiceError("person_key_unreadable", path=str(path), error=os_error_text(exc)) from None
    if len(data) != SECRET_BYTES:
        raise ServiceError("person_key_unreadable", path=str(path), error=t("office.person_key_size"))
    return data


def input_numbers(input_dir: Path) -> dict[str, str]:
    """Applicant id → normalised identity-card number, for the dossiers of ``input_dir`` that give one
    (the input has been checked by ``input.load_office_input``, which refuses an invalid number)."""
    from zc_review.service.office.files import Reader

    rd = Reader(Path(input_dir))
    folder = Path(input_dir) / "applicants"
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for name in sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")):
        raw = rd.read_yaml(f"applicants/{name}/dossier.yaml", "office-applicant")
        if raw is not None and raw.get("id_number"):
            number, _ = check_number(str(raw["id_number"]))
            if number is not None:
                out[raw["id"]] = number
    return out


def file_person_keys(keys_dir: Path, package_id: str, session_id: str, numbers: dict[str, str]) -> Path | None:
    """At pack: write ``person-keys/<package_id>.json`` (0600) with each applicant's person key (never the
    number); the office's secret is made on first use. Nothing is written when no applicant has a number.
    Returns: the file written, or None."""
    from zc_review.seal.person_key import person_key
    from zc_review.service.atomic import make_private_dir, write_atomic

    if not numbers:
        return None
    secret = _secret(keys_dir, create=True)
    assert secret is not None
    body = {"format": FORMAT, "version": 1, "session_id": session_id, "package_id": package_id,
            "keys": {aid: person_key(secret, n) for aid, n in sorted(numbers.items())}}
    make_private_dir(keys_dir / PERSON_KEYS)
    path = keys_dir / PERSON_KEYS / f"{package_id}.json"
    write_atomic(path, json.dumps(body, ensure_ascii=False, indent=2).encode(), 0o600)
    return path


def copy_person_keys(keys_dir: Path, old_package_id: str, new_package_id: str) -> None:
    """At recover: the re-issued package keeps the person keys of the package it supersedes."""
    from zc_review.service.atomic import write_atomic

    old = keys_dir / PERSON_KEYS / f"{old_package_id}.json"
    if old.is_file():
        body = json.loads(old.read_text("utf-8"))
        body["package_id"] = new_package_id
        write_atomic(keys_dir / PERSON_KEYS / f"{new_package_id}.json",
                     json.dumps(body, ensure_ascii=False, indent=2).encode(), 0o600)


def read_person_keys(keys_dir: Path, package_id: str, session_id: str) -> dict[str, str]:
    """At import: applicant id → person key filed for ``package_id``; ``{}`` when none was filed (a package
    without numbers, or packed on another computer). Raises: ServiceError("person_keys_invalid") for a file
    that is not this format or names another session."""
    path = keys_dir / PERSON_KEYS / f"{package_id}.json"
    try:
        body: Any = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ServiceError("person_keys_invalid", path=str(path), error=str(exc)) from None
    if (not isinstance(body, dict) or body.get("format") != FORMAT or body.get("session_id") != session_id
            or not isinstance(body.get("keys"), dict)):
        raise ServiceError("person_keys_invalid", path=str(path), error=t("office.person_keys_other"))
    return {str(k): str(v) for k, v in body["keys"].items()}


def query_key(keys_dir: Path, query: str) -> str | None:
    """The person key to look ``query`` up by, when it is a valid identity-card number and the office has
    its secret; else None (the query is then matched as a name, applicant id or code)."""
    from zc_review.seal.person_key import person_key

    number = looks_like_number(query)
    if number is None:
        return None
    secret = _secret(keys_dir, create=False)
    return None if secret is None else person_key(secret, number)
