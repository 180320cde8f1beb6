"""A resource refusal of age's scrypt work factor is never reported as a wrong secret (issue 12 §5).

rage (in pyrage) refuses a passphrase layer whose work factor exceeds its own estimate of this machine's
speed ("Excessive work parameter") before trying the secret. ``passphrase_decrypt`` tries again (rage measures
anew each call), then raises ``WorkFactorError``; the room shows ``unlock_busy``, not ``unlock_failed``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyrage
import pytest

from tests.conftest import Packed


def _excessive(ciphertext: bytes) -> bytes:
    """The same age file claiming log2 N = 40: rage refuses it on the work factor, before any scrypt."""
    out, n = re.subn(rb"(-> scrypt \S+) \d+", rb"\1 40", ciphertext, count=1)
    assert n == 1
    return out


def test_excessive_work_is_its_own_error_and_a_wrong_secret_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.seal import pki
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
    from zc_review.seal import pki

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


def test_room_reports_a_busy_machine_not_a_wrong_secret(demo: Packed, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.i18n import t
    from zc_review.seal import package
    from zc_review.seal.errors import WorkFactorError
    from zc_review.service import RoomService, journal
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import trust_add

    home = tmp_path / "home"
    trust_add(demo.keys / "root-cert.pem", home)

    def busy(ciphertext: bytes, passphrase: str, what: str) -> bytes:
        raise WorkFactorError(f"{what}: Excessive work parameter for passphrase.")

    monkeypatch.setattr(package, "passphrase_decrypt", busy)
    with pytest.raises(ServiceError) as err:
        RoomService.open(demo.package, demo.secrets.chair_opening, demo.secrets.supervisor_opening, home=home,
                         in_memory=True)
    assert err.value.code == "unlock_busy" and err.value.message != t("unlock_failed")
    assert "并非口令错误" in err.value.message
    assert "Excessive work" in journal.pending_unlock_failures(home)[0]["diagnostics"]
