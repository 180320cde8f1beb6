"""The opening layers' scrypt work factor is pinned and a resource refusal is never a wrong secret (issue 12 §5).

A session package's two opening layers are age X25519 files to identities derived from the opening secrets by
scrypt with the pinned work factor (log2 N = 16, r = 8, p = 1; docs/FORMATS.md "2-of-2 opening"), so no library
picks the work factor on the packing machine and nothing measures the opening machine. What is left of a
refusal: scrypt without its memory (``WorkFactorError`` → ``unlock_busy``), and rage refusing the work factor of
the office's passphrase-protected age identity (``pki.passphrase_decrypt``: tried again, then its own error).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pyrage
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import Packed
from tests.tooling import require_tool
from zc_review.seal import opening, pki
from zc_review.seal import package as pkg
from zc_review.seal._container import write_zip
from zc_review.seal.credentials import new_secret

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PAYLOAD = "会议数据".encode() * 100
#: What docs/FORMATS.md "2-of-2 opening" documents, written out here rather than read from the code.
DOCUMENTED = {"kdf": "scrypt", "log2_n": 16, "r": 8, "p": 1}


@pytest.fixture(scope="module")
def office() -> pki.OfficeKeys:
    return pki.generate_office_keys("测试人社厅", NOW)


@pytest.fixture(scope="module")
def secrets() -> tuple[str, str]:
    return new_secret(), new_secret()


@pytest.fixture(scope="module")
def sealed(office: pki.OfficeKeys, secrets: tuple[str, str]) -> bytes:
    return pkg.write_package(PAYLOAD, office, *secrets, NOW)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _stanzas(age_file: bytes) -> list[str]:
    """The ``-> type`` words of an age file's header (binary age: the header is text up to ``---``), leaving out
    the random ``…-grease`` stanzas rage adds (age spec: unknown stanzas are ignored)."""
    header = age_file.split(b"\n---", 1)[0].decode("ascii")
    words = [line.split()[1] for line in header.splitlines() if line.startswith("-> ")]
    return [w for w in words if not w.endswith("-grease")]


def _resigned(data: bytes, office: pki.OfficeKeys, header: dict[str, Any]) -> bytes:
    """The package with ``header`` as its header.json, signed again with the office's own root key."""
    ms = _members(data)
    ms["header.json"] = (json.dumps(header, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    items = [(n, b) for n, b in ms.items() if n != "signature.der"]
    signature = office.root_key.sign(pkg.signed_digest_input(items), ec.ECDSA(hashes.SHA256()))
    return write_zip([*items, ("signature.der", signature)])


def test_a_package_states_exactly_the_documented_work_factor(sealed: bytes, office: pki.OfficeKeys,
                                                             secrets: tuple[str, str]) -> None:
    header = json.loads(_members(sealed)["header.json"])
    stated = dict(header["opening"])
    salt = stated.pop("salt")
    assert stated == DOCUMENTED and type(stated["log2_n"]) is int
    assert re.fullmatch("[0-9a-f]{32}", salt)
    assert opening.OPENING_SCRYPT == opening.ScryptParams(log2_n=16, r=8, p=1)
    assert opening.OPENING_SCRYPT.memory_bytes == 64 * 1024 * 1024
    # Both layers are age X25519 files: no scrypt stanza, so no library's work-factor check ever runs.
    outer = _members(sealed)["opening.age"]
    assert _stanzas(outer) == ["X25519"]
    inner = bytes(pyrage.decrypt(outer, [opening.opening_identity(secrets[0], "chair", bytes.fromhex(salt))]))
    assert _stanzas(inner) == ["X25519"]
    # Two packages never share a salt, so their layer keys differ for the same secrets.
    other = json.loads(_members(pkg.write_package(PAYLOAD, office, *secrets, NOW))["header.json"])
    assert other["opening"]["salt"] != salt


@pytest.mark.parametrize("change", [{"log2_n": 20}, {"log2_n": 10}, {"r": 16}, {"p": 2}, {"log2_n": 16.0},
                                    {"p": True}, {"kdf": "argon2id"}, {"salt": "00" * 15}, {"extra": 1}])
def test_a_package_asking_for_another_work_factor_is_refused(sealed: bytes, office: pki.OfficeKeys,
                                                             secrets: tuple[str, str], change: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Even signed by the office itself, a header stating another work factor is refused before any scrypt."""
    from zc_review.seal.errors import SealError

    header = json.loads(_members(sealed)["header.json"])
    header["opening"] = {**header["opening"], **change}
    forged = _resigned(sealed, office, header)

    def no_derivation(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("scrypt ran for a header that states another work factor")

    monkeypatch.setattr(pkg, "opening_identity", no_derivation)
    with pytest.raises(SealError) as err:
        pkg.open_package(forged, [office.root_cert], *secrets)
    assert "signed header malformed" in err.value.diagnostics() and "opening" in err.value.diagnostics()


def _formats_block(name: str) -> str:
    """The fenced code block of docs/FORMATS.md whose first line is ``# <name>``."""
    text = (ROOT / "docs/FORMATS.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(# " + re.escape(name) + r".*?)```", text, re.S)
    assert len(blocks) == 1, f"docs/FORMATS.md must hold one python block starting '# {name}'"
    return blocks[0]


def test_auditor_derives_the_identities_and_opens_the_layers_with_the_age_cli(
        sealed: bytes, secrets: tuple[str, str], tmp_path: Path) -> None:
    """FORMATS.md's derivation (hashlib + bech32, no zc_review code) and the ``age`` CLI open the package."""
    require_tool("age")
    for name, body in _members(sealed).items():
        (tmp_path / name).write_bytes(body)
    script = tmp_path / "derive-opening-identities.py"
    script.write_text(_formats_block("derive-opening-identities.py"), "utf-8")
    assert "zc_review" not in script.read_text("utf-8")
    chair, supervisor = secrets
    # No controlling terminal (a new session): getpass reads the two secrets from standard input.
    done = subprocess.run([sys.executable, script.name], cwd=tmp_path, input=f"{chair}\n{supervisor}\n", text=True,
                          capture_output=True, start_new_session=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for role in opening.ROLES:
        assert (tmp_path / f"{role}-identity.txt").stat().st_mode & 0o077 == 0
    for argv in (["-i", "chair-identity.txt", "-o", "inner.age", "opening.age"],
                 ["-i", "supervisor-identity.txt", "-o", "session-identity.txt", "inner.age"],
                 ["-i", "session-identity.txt", "-o", "payload.bin", "payload.age"]):
        subprocess.run(["age", "-d", *argv], cwd=tmp_path, check=True, capture_output=True, timeout=120)
    assert (tmp_path / "payload.bin").read_bytes() == PAYLOAD
    # The supervisor's identity does not open the outer layer: the roles are not interchangeable.
    swapped = subprocess.run(["age", "-d", "-i", "supervisor-identity.txt", "-o", "x.age", "opening.age"],
                             cwd=tmp_path, capture_output=True, timeout=120)
    assert swapped.returncode != 0 and not (tmp_path / "x.age").exists()


def test_a_version_1_package_gets_its_own_message(demo: Packed, tmp_path: Path) -> None:
    """A package of format version 1 (library-chosen work factor) is refused in Chinese, not as a wrong secret."""
    from zc_review.i18n import t
    from zc_review.seal.errors import FormatVersionError
    from zc_review.service import RoomService
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import trust_add

    ms = _members(demo.package.read_bytes())
    assert ms["FORMAT"] == b"zc-review session package\nversion: 2\n"
    old = tmp_path / "old.zcp"
    old.write_bytes(write_zip([("FORMAT", b"zc-review session package\nversion: 1\n"),
                               *((n, b) for n, b in ms.items() if n != "FORMAT")]))
    with pytest.raises(FormatVersionError) as seal_err:
        pkg.verify_package_signature(old.read_bytes(), [])
    assert seal_err.value.older and "旧版程序" in str(seal_err.value) and "只读取版本 2" in str(seal_err.value)
    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)
    with pytest.raises(ServiceError) as err:
        RoomService.open(old, demo.secrets.chair_opening, demo.secrets.supervisor_opening, home=home,
                         in_memory=True)
    assert err.value.code == "package_format_old" and err.value.message != t("unlock_failed")
    assert "格式版本 1" in err.value.message and "重新制作文件包" in err.value.message
    from zc_review.service.office.recovery import recover

    with pytest.raises(ServiceError) as office_err:
        recover(old, demo.keys, tmp_path / "new.zcp")
    assert office_err.value.code == "package_format_old"


def test_room_reports_a_busy_machine_not_a_wrong_secret(demo: Packed, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt without its 64 MiB is ``unlock_busy`` (the secret was not tried), never ``unlock_failed``."""
    from zc_review.i18n import t
    from zc_review.service import RoomService, journal
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)

    class NoMemory:
        def __init__(self, **kwargs: Any) -> None:
            pass

        def derive(self, password: bytes) -> bytes:
            raise MemoryError("Not enough memory to derive key.")

    monkeypatch.setattr(opening, "Scrypt", NoMemory)
    with pytest.raises(ServiceError) as err:
        RoomService.open(demo.package, demo.secrets.chair_opening, demo.secrets.supervisor_opening, home=home,
                         in_memory=True)
    assert err.value.code == "unlock_busy" and err.value.message != t("unlock_failed")
    assert "并非口令错误" in err.value.message
    assert "64 MiB" in journal.pending_unlock_failures(home)[0]["diagnostics"]


# -- the office's passphrase-protected age identity: still age scrypt, work factor chosen by rage ------------

def _excessive(ciphertext: bytes) -> bytes:
    """The same age file claiming log2 N = 40: rage refuses it on the work factor, before any scrypt."""
    out, n = re.subn(rb"(-> scrypt \S+) \d+", rb"\1 40", ciphertext, count=1)
    assert n == 1
    return out


def test_excessive_work_is_its_own_error_and_a_wrong_secret_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.seal.errors import SealError, WorkFactorError

    monkeypatch.setattr(pki, "WORK_FACTOR_PAUSE", 0.0)
    sealed = pyrage.passphrase.encrypt(b"identity", "AAAA-BBBB-CCCC-DDDD")
    with pytest.raises(WorkFactorError) as err:
        pki.passphrase_decrypt(_excessive(sealed), "AAAA-BBBB-CCCC-DDDD", "layer")
    assert "Excessive work parameter" in err.value.diagnostics() and "not tried" in err.value.diagnostics()
    assert "并非口令错误" in str(err.value) and str(err.value) != str(SealError("x"))
    with pytest.raises(SealError) as wrong:
        pki.passphrase_decrypt(sealed, "AAAA-BBBB-CCCC-DDDE", "layer")
    assert not isinstance(wrong.value, WorkFactorError) and "age decryption failed" in wrong.value.diagnostics()


def test_a_refusal_is_tried_again_and_then_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pki, "WORK_FACTOR_PAUSE", 0.0)
    sealed = pyrage.passphrase.encrypt(b"identity", "AAAA-BBBB-CCCC-DDDD")
    real = pyrage.passphrase.decrypt
    calls = []

    def flaky(data: bytes, secret: str) -> Any:
        calls.append(1)
        if len(calls) < 3:  # a loaded machine spoils rage's measurement twice
            return real(_excessive(data), secret)
        return real(data, secret)

    monkeypatch.setattr(pyrage.passphrase, "decrypt", flaky)
    assert pki.passphrase_decrypt(sealed, "AAAA-BBBB-CCCC-DDDD", "layer") == b"identity" and len(calls) == 3


def test_office_identity_refusal_reaches_the_office_as_its_own_error(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``load_office_keys`` passes rage's refusal on as ``WorkFactorError`` (so WorkFactorError stays reachable)."""
    from zc_review.seal.errors import WorkFactorError

    monkeypatch.setattr(pki, "WORK_FACTOR_PAUSE", 0.0)
    pki.save_office_keys(pki.generate_office_keys("测试人社厅", NOW), tmp_path, "office pass 口令")

    def refused(data: bytes, secret: str) -> bytes:
        raise pyrage.DecryptError("Excessive work parameter for passphrase.")  # rage's own text

    monkeypatch.setattr(pyrage.passphrase, "decrypt", refused)
    with pytest.raises(WorkFactorError):
        pki.load_office_keys(tmp_path, "office pass 口令")
