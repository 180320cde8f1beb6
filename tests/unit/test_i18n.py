"""The one catalogue (zc_review/i18n/): merge refuses duplicates, one dialect, families complete, keys used exist."""

from __future__ import annotations

import ast
import importlib
import logging
import string
from pathlib import Path

import pytest

import zc_review.i18n as i18n
from zc_review.domain.ballot import Choice
from zc_review.domain.model import ApplicantFlag, ScorePart
from zc_review.domain.panel import identifying_terms
from zc_review.domain.rules import Outcome
from zc_review.i18n import FAMILIES, KEY_FAMILIES, MESSAGES, CatalogueError, label_of, merge, t

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "zc_review"
KEY_CALLS = {"t", "label_of"}
ERROR_CALLS = {"ServiceError", "RuleError"}
# RuleError codes of invariants that input validation already guarantees: never shown to a person, so
# they have no text (t() would show the code). Adding a text for one of them: remove it from here.
KNOWN_MISSING: set[str] = set()


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(SRC.rglob("*.py"))
            if (SRC / "i18n") not in p.parents]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


# -- merging --------------------------------------------------------------------------------------

def test_merge_refuses_a_key_defined_twice() -> None:
    with pytest.raises(CatalogueError, match="'a.x'.*'a'.*'b'"):
        merge([("a", {"a.x": "一"}), ("b", {"b.y": "二", "a.x": "三"})])
    with pytest.raises(CatalogueError, match="poll_not_open"):
        merge([("a", {"poll_not_open": "一"}), ("b", {"poll_not_open": "一"})])


def test_merge_refuses_a_key_outside_the_dialect() -> None:
    with pytest.raises(CatalogueError, match="belongs to area 'ballot'"):
        merge([("closing", {"ballot.open_poll": "开启投票"})])
    for bad in ("Ballot.x", "tui-cl-ok", "a.b.c", "ballot.", "1x"):
        with pytest.raises(CatalogueError):
            merge([("ballot", {bad: "x"})])


def test_importing_the_package_refuses_a_duplicate(monkeypatch: pytest.MonkeyPatch) -> None:
    from zc_review.i18n import ballot, closing

    key = next(iter(closing.MESSAGES))
    monkeypatch.setitem(ballot.MESSAGES, key, "重复")
    try:  # the reload defines a new CatalogueError class, a ValueError
        with pytest.raises(ValueError, match=f"{key!r} defined in area 'ballot' and again in 'closing'"):
            importlib.reload(i18n)
    finally:
        monkeypatch.undo()
        importlib.reload(i18n)
    assert i18n.MESSAGES == MESSAGES


def test_the_merge_keeps_every_area_key() -> None:
    assert len(MESSAGES) == sum(len(m.MESSAGES) for m in i18n.AREAS)
    assert len({m.AREA for m in i18n.AREAS}) == len(i18n.AREAS)
    for m in i18n.AREAS:
        assert Path(m.__file__ or "").stem == m.AREA


def test_one_key_per_text() -> None:
    seen: dict[str, str] = {}
    for key, text in MESSAGES.items():
        assert text not in seen, f"{key!r} and {seen[text]!r} hold the same text {text!r}"
        seen[text] = key


# -- texts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_are_named_format_fields(key: str) -> None:
    text = MESSAGES[key]
    fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    for f in fields:
        assert f.isidentifier(), f"{key}: placeholder {{{f}}} is not a plain name"
    assert text.format(**{f: "X" for f in fields}).count("{") == text.count("{{")


def test_t_formats_and_leaves_a_bad_parameter_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.STRICT_ENV, raising=False)  # the room's behaviour (the tests run strict)
    assert t("poll_already_open", round=2) == "第 2 轮投票已开启。"
    assert t("common.ok") == "确定"
    assert t("poll_already_open") == "第 {round} 轮投票已开启。"  # missing parameter: text unformatted


def test_t_returns_and_logs_a_missing_key_once(caplog: pytest.LogCaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.STRICT_ENV, raising=False)
    monkeypatch.setattr(i18n, "MISSING", set())
    with caplog.at_level(logging.ERROR, logger="zc_review.i18n"):
        assert t("no.such_key", n=1) == "no.such_key"
        assert t("no.such_key") == "no.such_key"
    assert [r.getMessage() for r in caplog.records] == ["catalogue key missing: 'no.such_key'"]
    assert i18n.MISSING == {"no.such_key"}


def test_strict_mode_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(i18n.STRICT_ENV, "1")
    with pytest.raises(KeyError):
        t("no.such_key")
    with pytest.raises(KeyError):
        t("poll_already_open")
    assert t("poll_already_open", round=1) == "第 1 轮投票已开启。"


# -- families -------------------------------------------------------------------------------------

def test_families_point_to_existing_keys() -> None:
    assert set(KEY_FAMILIES) == set(FAMILIES)
    for family, members in FAMILIES.items():
        assert KEY_FAMILIES[family] == tuple(members)
        for member, key in members.items():
            assert key in MESSAGES, f"{family}.{member} -> {key}"


def test_families_cover_every_member_of_the_domain() -> None:
    from zc_review.service.room.permissions import Role

    assert set(KEY_FAMILIES["role"]) == {r.value for r in Role}
    assert set(KEY_FAMILIES["choice"]) == {c.value for c in Choice}
    assert set(KEY_FAMILIES["outcome"]) == {o.value for o in Outcome}
    assert set(KEY_FAMILIES["flag"]) == {f.value for f in ApplicantFlag}
    assert set(KEY_FAMILIES["part"]) == {p.value for p in ScorePart}
    assert {k for k, _ in identifying_terms("张三", "青川精工装备制造有限公司", "西岭区", "11010519491231002X")} == \
        set(KEY_FAMILIES["anonymity_kind"])
    findings = {a.value for node in ast.walk(ast.parse((SRC / "domain" / "committee.py").read_text(encoding="utf-8")))
                if isinstance(node, ast.Call) and _name(node) == "Finding" and node.args
                for a in [node.args[0]] if isinstance(a, ast.Constant)}
    assert findings == set(KEY_FAMILIES["finding"])
    kinds = {kw.value.value for _, tree in _sources() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and _name(node) == "sign"
             for kw in node.keywords if kw.arg == "kind" and isinstance(kw.value, ast.Constant)}
    assert kinds == set(KEY_FAMILIES["sig_kind"])
    assert set(KEY_FAMILIES["scoring_status"]) == {"empty", "dirty", "draft", "locked"}


def test_label_of() -> None:
    assert label_of("outcome", Outcome.PASSED.value) == "通过"
    assert label_of("choice", "abstain") == "弃权"
    assert label_of("finding", "committee_even", size=8) == "提示：评委会人数应为单数，现为 8 人。"
    with pytest.raises(KeyError):
        label_of("outcome", "withdrawn")
    with pytest.raises(KeyError):
        label_of("colour", "red")


# -- the code's use of the catalogue ---------------------------------------------------------------

def test_every_key_written_in_the_code_exists() -> None:
    missing: set[str] = set()
    for _, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            if _name(node) in {"t", "ServiceError", "RuleError"}:  # SealError carries an English reason
                missing.update(k for k in _literals(node.args[0]) if k not in MESSAGES)
            elif _name(node) == "label_of":
                for family in _literals(node.args[0]):
                    assert family in FAMILIES, family
                    if len(node.args) > 1:
                        missing.update(f"{family}:{m}" for m in _literals(node.args[1]) if m not in FAMILIES[family])
    assert missing == KNOWN_MISSING


def test_no_key_is_built_at_run_time() -> None:
    built = [f"{path.relative_to(ROOT)}:{node.lineno}"
             for path, tree in _sources() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and _name(node) in KEY_CALLS and isinstance(node.func, ast.Name)
             and node.args and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))]
    assert built == [], "use label_of(family, member) with a family of zc_review.i18n.FAMILIES"


def test_bare_keys_are_error_codes_and_every_key_is_used() -> None:
    codes: set[str] = set()
    literals: set[str] = set()
    for _, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            if isinstance(node, ast.Call) and node.args and _name(node) in ERROR_CALLS:
                codes.update(_literals(node.args[0]))
    bare = {k for k in MESSAGES if "." not in k}
    assert bare - codes == set(), "a bare key is an error code: raise it, or name it <area>.<name>"
    in_families = {k for members in FAMILIES.values() for k in members.values()}
    assert set(MESSAGES) - literals - in_families == set(), "unused catalogue keys"
