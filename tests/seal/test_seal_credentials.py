"""Tests for zc_review.seal.credentials and zc_review.seal.errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from zc_review.seal import pki
from zc_review.seal.credentials import (
    ARGON2_TEST_PARAMS,
    CredentialRecord,
    check_credential,
    make_credential,
    new_secret,
    normalize_secret,
    secret_bytes,
)
from zc_review.seal.errors import GENERIC_MESSAGE, FormatVersionError, SealError

NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def counter_rng(seed: bytes = b"t"):
    state = {"i": 0}

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(seed + state["i"].to_bytes(8, "big")).digest()
            state["i"] += 1
        return out[:n]

    return rng


@pytest.fixture(scope="module")
def person():
    office = pki.generate_office_keys("测试人社厅", NOW)
    key, cert = pki.issue_certificate(office, "张伟", "chair", "P-001", NOW)
    return key, cert


def test_new_secret_shape_and_vector():
    s = new_secret(lambda n: bytes(range(n)))
    assert s == "000G-40R4-0M30-E209"  # Crockford base32 of 00 01 .. 09
    assert secret_bytes(s) == bytes(range(10))
    other = new_secret()
    assert len(other) == 19 and other.count("-") == 3
    assert all(c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ-" for c in other)


@pytest.mark.parametrize("typed", ["000g40r40m30e209", "000G 40R4 0M30 E209", "OOOG-4OR4-OM3O-E2O9", "０００Ｇ－４０Ｒ４－０Ｍ３０－Ｅ２０９"])
def test_normalize_accepts_human_variants(typed):
    assert normalize_secret(typed) == "000G-40R4-0M30-E209"


@pytest.mark.parametrize("bad", ["", "000G-40R4-0M30-E20", "000G-40R4-0M30-E2099", "U00G-40R4-0M30-E209", "密码"])
def test_normalize_rejects(bad):
    with pytest.raises(ValueError):
        normalize_secret(bad)


def test_credential_round_trip_any_case(person):
    key, cert = person
    secret = new_secret(counter_rng())
    rec = make_credential("P-001", secret, key, cert, params=ARGON2_TEST_PARAMS, rng=counter_rng())
    for typed in (secret, secret.lower(), secret.replace("-", ""), " " + secret.lower().replace("-", " ")):
        got = check_credential(rec, typed)
        assert got.public_key() == key.public_key()


def test_credential_wrong_secret(person):
    key, cert = person
    rec = make_credential("P-001", new_secret(), key, cert, params=ARGON2_TEST_PARAMS)
    with pytest.raises(SealError) as info:
        check_credential(rec, new_secret())
    assert str(info.value) == GENERIC_MESSAGE
    assert "wrong secret" in info.value.diagnostics()
    with pytest.raises(SealError) as info:
        check_credential(rec, "not a secret")
    assert str(info.value) == GENERIC_MESSAGE


def test_record_json_round_trip_and_binding(person):
    key, cert = person
    secret = new_secret()
    rec = make_credential("P-001", secret, key, cert, params=ARGON2_TEST_PARAMS)
    d = json.loads(json.dumps(rec.to_dict()))
    assert secret not in json.dumps(d) and secret.replace("-", "") not in json.dumps(d)
    rec2 = CredentialRecord.from_dict(d)
    assert rec2 == rec
    assert check_credential(rec2, secret).public_key() == key.public_key()
    # Moving the wrapped key to another person fails: the person id is associated data.
    moved = CredentialRecord.from_dict({**d, "person_id": "P-002"})
    with pytest.raises(SealError) as info:
        check_credential(moved, secret)
    assert "wrapped key invalid" in info.value.diagnostics()


def test_record_from_dict_rejects_garbage(person):
    key, cert = person
    d = make_credential("P-001", new_secret(), key, cert, params=ARGON2_TEST_PARAMS).to_dict()
    for bad in ({**d, "salt": "!!"}, {**d, "iterations": "3"}, {k: v for k, v in d.items() if k != "verifier"},
                {**d, "version": 2}):
        with pytest.raises(SealError):
            CredentialRecord.from_dict(bad)
    huge = CredentialRecord.from_dict({**d, "memory_cost_kib": 1 << 30})
    with pytest.raises(SealError):
        check_credential(huge, new_secret())


def test_make_credential_refuses_mismatched_key(person):
    _, cert = person
    other, _ = pki.issue_certificate(pki.generate_office_keys("x", NOW), "x", "chair", "x", NOW)
    with pytest.raises(ValueError):
        make_credential("P-001", new_secret(), other, cert, params=ARGON2_TEST_PARAMS)


def test_errors_are_opaque():
    a, b = SealError("outer signature invalid"), SealError("age decryption failed")
    assert str(a) == str(b) == GENERIC_MESSAGE
    assert a.diagnostics() != b.diagnostics()
    v = FormatVersionError(2)
    assert isinstance(v, SealError)
    assert "版本为 2" in str(v) and "只支持 1" in str(v)
    assert "format version 2 unsupported" in v.diagnostics()
