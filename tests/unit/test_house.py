"""The house rules of issue 8, enforced: layers, cycles, sizes, docstrings, the door and the catalogue.

Each rule is one test, and each failure lists every offender (path:line, name, counts). The analysis is
tools/house_measures.py (one implementation: the closing note's measures come from the same functions).
The import-linter contracts in pyproject.toml (``make lint``) check the layers between packages; these
tests check what import-linter cannot: cycles between modules, what importing a module loads, class and
file sizes, docstrings, the TUI's imports by name, and the catalogue's keys and Chinese literals.
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from typing import Any

import pytest

from tools.house_measures import (
    CJK_ALLOWED_TARGET,
    DOC_EXEMPT_METHODS,
    MAX_FILE_LINES,
    MAX_PUBLIC_METHODS,
    ROOT,
    Module,
    cjk_literals,
    class_surfaces,
    import_cycles,
    load_modules,
    long_files,
    missing_docstrings,
    tui_import_offenders,
)

#: What importing the pure centre must not load (Harlequin-style import hygiene).
HEAVY = ("textual", "sqlmodel", "sqlalchemy")
#: The office verifier (issue 8: office/verify, a list of named checks; imports only domain and seal).
VERIFIER = "zc_review.service.office.verify"
#: zc_review modules the verifier may load: the domain, the seal, the catalogue (its report speaks Chinese),
#: the service's error type, and its own package chain (docs/DESIGN.md, "The house").
VERIFIER_MAY_LOAD = ("zc_review.domain", "zc_review.seal", "zc_review.i18n", "zc_review.service.errors",
                     "zc_review.service.office.report", "zc_review.service.office.checks",
                     "zc_review.service.office.ballot_checks", "zc_review.service.office.register_checks",
                     "zc_review.service.office.text_checks", "zc_review.service.office.paper_checks",
                     "zc_review.service.office.tally_checks")
VERIFIER_PACKAGES = ("zc_review", "zc_review.service", "zc_review.service.office", VERIFIER)
#: Named exemptions from the Chinese-literal rule: (file, module-level constant) whose value is a tuple or
#: frozenset of string literals that is input vocabulary the domain's rules normalise, never text shown to
#: people (the domain may not import the catalogue). Each with its reason; nothing else is exempt, and an
#: entry that no longer names such a constant fails the test.
CJK_VOCABULARY: dict[tuple[str, str], str] = {
    ("zc_review/domain/panel.py", "_EMPLOYER_SUFFIXES"):
        "legal-form suffixes stripped from an employer's name to find it in a blind material",
    ("zc_review/domain/scoring.py", "NOT_APPLICABLE_WORDS"):
        "what a typed score may say to mean 'not applicable'; parse_score compares input against it",
}


@functools.cache
def modules() -> dict[str, Module]:
    return load_modules()


def fail_on(title: str, offenders: list[str], count: int | None = None) -> None:
    """Fail listing every offender (no truncation), with their count (``count``, else one per line)."""
    if offenders:
        n = len(offenders) if count is None else count
        pytest.fail(f"{title}: {n}\n  " + "\n  ".join(offenders), pytrace=False)


# ------------------------------------------------------------------------------------------- cycles --
def test_no_import_cycles_between_modules() -> None:
    """No import cycle between modules of zc_review (strongly connected components, Tarjan).

    Every ``import``/``from … import`` counts, module-level and function-local; ``from x import y`` where
    y is a submodule imports x.y. Imports under ``if TYPE_CHECKING:`` are excluded (they never run). A
    parent package is not implicitly imported (``import a.b`` is an edge to a.b only, as in grimp).
    """
    cycles = import_cycles(modules())
    lines = []
    for c in cycles:
        lines.append(f"cycle of {len(c.members)} modules: {', '.join(c.members)}")
        lines += [f"    {e}" for e in c.edges]
    fail_on(f"import cycles ({sum(len(c.members) for c in cycles)} modules in all)", lines, len(cycles))


# ------------------------------------------------------------------------------------ import hygiene --
_SPY = r"""
import importlib, json, sys, traceback
HEAVY = set(sys.argv[1].split(","))
first = {}
class Spy:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in HEAVY and top not in first:
            first[top] = [f"{f.filename}:{f.lineno}" for f in traceback.extract_stack()
                          if "zc_review" in f.filename]
        return None
sys.meta_path.insert(0, Spy())
before = set(sys.modules)
errors = {}
for m in sys.argv[2:]:
    try:
        importlib.import_module(m)
    except BaseException as exc:
        errors[m] = f"{type(exc).__name__}: {exc}"
print(json.dumps({"loaded": sorted(set(sys.modules) - before), "first": first, "errors": errors}))
"""


def _domain_modules() -> list[str]:
    return [name for name in modules() if name == "zc_review.domain" or name.startswith("zc_review.domain.")]


@functools.cache
def _import_in_subprocess(*names: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", _SPY, ",".join(HEAVY), *names], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"import probe crashed:\n{proc.stderr}"
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _hygiene(names: tuple[str, ...]) -> list[str]:
    probe = _import_in_subprocess(*names)
    out = [f"import {m} failed: {e}" for m, e in probe["errors"].items()]
    for top in HEAVY:
        if top in probe["loaded"]:
            chain = " <- ".join(reversed(probe["first"].get(top, []))) or "(no zc_review frame)"
            out.append(f"{top} loaded; first imported from {chain}")
    return out


def test_domain_and_verifier_load_neither_textual_nor_sqlmodel() -> None:
    """``import zc_review.domain`` (every submodule) and the office verifier load no textual/sqlmodel/sqlalchemy.

    Checked in a fresh interpreter (as Harlequin does), so nothing already imported by the test run hides
    a heavy import. A module that does not exist fails the test (no skip).
    """
    offenders = [f"domain: {o}" for o in _hygiene(tuple(_domain_modules()))]
    offenders += [f"{VERIFIER}: {o}" for o in _hygiene((VERIFIER,))]
    fail_on("import hygiene offenders", offenders)


def test_domain_and_verifier_load_only_their_layers() -> None:
    """The domain loads only the standard library and itself; the verifier only the domain and the seal.

    Measured in a fresh interpreter: every zc_review module (and, for the domain, every non-stdlib
    module) that importing them loads. The verifier may load its own package chain
    (zc_review.service, zc_review.service.office) but nothing else of the service.
    """
    offenders = []
    probe = _import_in_subprocess(*_domain_modules())
    offenders += [f"domain: import {m} failed: {e}" for m, e in probe["errors"].items()]
    for name in probe["loaded"]:
        top = name.partition(".")[0]
        if top == "zc_review":
            if name != "zc_review" and not name.startswith("zc_review.domain"):
                offenders.append(f"domain loads {name}")
        elif top not in sys.stdlib_module_names and not top.startswith("_"):
            offenders.append(f"domain loads third-party {name}")
    probe = _import_in_subprocess(VERIFIER)
    offenders += [f"{VERIFIER}: import failed: {e}" for e in probe["errors"].values()]
    for name in probe["loaded"]:
        if name.startswith("zc_review") and name not in VERIFIER_PACKAGES and not any(
                name == p or name.startswith(p + ".") for p in VERIFIER_MAY_LOAD):
            offenders.append(f"{VERIFIER} loads {name}")
    fail_on("modules loaded outside their layer", offenders)


# ------------------------------------------------------------------------------------------- sizes --
def test_no_class_has_more_than_25_public_methods() -> None:
    """No class in zc_review has more than 25 public methods, inherited zc_review methods included.

    Public method: a ``def``/``async def`` in the class body whose name has no leading underscore,
    properties, classmethods and staticmethods included (a property is part of what a caller must know);
    dunder methods are not public. Methods inherited from zc_review bases count (by name, once); those
    inherited from textual or the stdlib do not.
    """
    big = [c for c in class_surfaces(modules()) if c.count > MAX_PUBLIC_METHODS]
    lines = [f"{c.path}:{c.line} {c.name}: {c.count} public methods ({c.own_lines} own lines, {c.lines} with "
             f"zc_review bases {', '.join(c.bases) or '—'}){' [TYPE_CHECKING stub]' if c.stub else ''}"
             for c in big]
    fail_on(f"classes with more than {MAX_PUBLIC_METHODS} public methods", lines)


def test_no_file_over_500_lines() -> None:
    """No .py, .tcss or .json file in zc_review has more than 500 lines (fonts and licences excepted)."""
    files = long_files()
    fail_on(f"files over {MAX_FILE_LINES} lines", [f"{p}: {n} lines" for p, n in files])


# ------------------------------------------------------------------------------------------- docs --
def test_public_definitions_have_docstrings() -> None:
    """Every public module-level function and class, and every public method, has a docstring.

    Public: no leading underscore, in any module (a module named ``_x`` is no exemption). Textual handlers
    (``on_*``, ``action_*``, ``watch_*``, ``key_*``) are public: they are the screen's commands and
    reactions. Exempt: dunder methods, ``compose`` and ``on_mount``, ``@overload`` stubs, property setters
    and deleters, methods of private classes, functions nested in functions.
    """
    assert DOC_EXEMPT_METHODS == {"compose", "on_mount"}
    missing = missing_docstrings(modules())
    fail_on("public definitions without a docstring", missing)


# ------------------------------------------------------------------------------------------- door --
def test_tui_imports_only_the_service_i18n_textual_rich_and_stdlib() -> None:
    """zc_review/tui imports only zc_review.service, zc_review.i18n, zc_review.tui, textual, rich, stdlib.

    Service imports must be public: no module segment below ``zc_review.service`` and no imported name
    may start with ``_`` (``zc_review.service.room.views`` is fine, ``zc_review.service._lock`` is not).
    TYPE_CHECKING and function-local imports count: a screen's annotations are part of what it knows.
    """
    offenders = tui_import_offenders(modules())
    fail_on("TUI imports outside the door", offenders)


# -------------------------------------------------------------------------------------- catalogue --
def test_no_chinese_literal_outside_the_catalogue_and_legal_templates() -> None:
    """(d) No string literal with Chinese outside zc_review/i18n/ and zc_review/documents/ (legal templates).

    Chinese: CJK ideographs and CJK/full-width punctuation (``、``, ``：``, ``（``). Docstrings and comments
    are not literals; an f-string counts once. The old flat catalogue (zc_review/i18n.py,
    zc_review/i18n_zh.py) is not exempt: the catalogue lives in the zc_review/i18n/ package. The one
    exemption is ``CJK_VOCABULARY``: named constants of input vocabulary, each with its reason.
    """
    assert CJK_ALLOWED_TARGET == ("zc_review/i18n/", "zc_review/documents/")
    vocabulary, bad = _vocabulary_literals()
    fail_on("CJK_VOCABULARY entries that are not a module-level tuple/frozenset of string literals", bad)
    stray = [o for o in cjk_literals(modules(), CJK_ALLOWED_TARGET) if o not in vocabulary]
    fail_on("Chinese literals outside the catalogue", stray)


def _vocabulary_literals() -> tuple[set[str], list[str]]:
    """The literals of ``CJK_VOCABULARY``'s constants, as ``cjk_literals`` names them ("path:line 'text'"),
    and the entries that do not name a module-level tuple/frozenset of string literals."""
    by_path = {m.path: m for m in modules().values()}
    found: set[str] = set()
    bad: list[str] = []
    for (path, name), _reason in CJK_VOCABULARY.items():
        mod = by_path.get(path)
        values = None
        for node in mod.tree.body if mod else ():
            if isinstance(node, ast.Assign) and [_name_of(t) for t in node.targets] == [name]:
                values = _string_collection(node.value)
            elif isinstance(node, ast.AnnAssign) and _name_of(node.target) == name and node.value is not None:
                values = _string_collection(node.value)
        if values is None:
            bad.append(f"{path} {name}")
            continue
        found.update(f"{path}:{c.lineno} {str(c.value)[:40]!r}" for c in values)
    return found, bad


def _name_of(target: ast.expr) -> str | None:
    return target.id if isinstance(target, ast.Name) else None


def _string_collection(value: ast.expr) -> list[ast.Constant] | None:
    """The string constants of ``("a", "b")`` or ``frozenset({"a", "b"})``, else None."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "frozenset" \
            and len(value.args) == 1 and not value.keywords:
        value = value.args[0]
    if not isinstance(value, ast.Tuple | ast.Set | ast.List) or not value.elts:
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
        return None
    return [e for e in value.elts if isinstance(e, ast.Constant)]


def test_catalogue_is_reached_through_zc_review_i18n() -> None:
    """The catalogue is ``zc_review.i18n.MESSAGES``: a flat dict of key -> Chinese text."""
    import zc_review.i18n as i18n

    messages = i18n.MESSAGES
    bad = [f"{k!r}: {type(v).__name__}" for k, v in messages.items() if not isinstance(k, str) or not isinstance(v, str)]
    fail_on("catalogue entries that are not str -> str", bad)
