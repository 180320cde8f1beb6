"""The house's measures (issue 8): what tests/unit/test_house.py enforces, counted for the closing note.

One implementation: the test imports the analysis functions below; ``main()`` prints the measures and
writes them to reports/house.json.

    .venv/bin/python tools/house_measures.py              # print + reports/house.json
    .venv/bin/python tools/house_measures.py --json out.json

Everything here reads the source with ``ast`` (nothing of zc_review is imported except the catalogue,
``zc_review.i18n.MESSAGES`` and ``zc_review.i18n.KEY_FAMILIES``). Paths are relative to the repository
root, with forward slashes; line numbers are 1-based.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "zc_review"

MAX_PUBLIC_METHODS = 25
MAX_FILE_LINES = 500
#: Files whose line count is limited: source and style sheets and schemas (not fonts or licences).
COUNTED_SUFFIXES = (".py", ".tcss", ".json")

#: Where Chinese literals belong (target layout): the catalogue package and the legal templates.
CJK_ALLOWED_TARGET = ("zc_review/i18n/", "zc_review/documents/")
#: The catalogue before issue 8 (zc_review/i18n.py + zc_review/i18n_zh.py), counted as catalogue in the
#: "before" measures only, so that before and after compare like with like.
CJK_ALLOWED_LEGACY = CJK_ALLOWED_TARGET + ("zc_review/i18n.py", "zc_review/i18n_zh.py")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

#: Top-level packages the TUI may import besides the standard library.
TUI_ALLOWED_THIRD_PARTY = ("textual", "rich")
#: zc_review packages the TUI may import (with their public submodules: no path segment and no
#: imported name starting with ``_``).
TUI_ALLOWED_INTERNAL = ("zc_review.service", "zc_review.i18n", "zc_review.tui")
#: Layers below the service: a TUI import of one of these is "going around the door".
BELOW_SERVICE = ("zc_review.domain", "zc_review.storage", "zc_review.seal", "zc_review.documents")

#: Methods that need no docstring: Textual's fixed hooks whose meaning never varies.
DOC_EXEMPT_METHODS = frozenset({"compose", "on_mount"})

#: The callables whose first argument is a catalogue key (or, for Finding, the key after a prefix):
#: canonical "module.name" -> prefix. Each must exist (checked by the catalogue test).
KEY_CALLS: dict[str, str] = {
    "zc_review.i18n.t": "",
    "zc_review.service.errors.ServiceError": "",
    "zc_review.domain.rules.RuleError": "",
    "zc_review.domain.committee.Finding": "finding_",
}
#: Error classes whose ``.code`` may be forwarded as a key from an ``except ... as exc`` handler: the
#: code was checked where the error was raised.
KEY_ERRORS = ("zc_review.service.errors.ServiceError", "zc_review.domain.rules.RuleError")


# ------------------------------------------------------------------------------------------ modules --
@dataclass(frozen=True)
class Module:
    """One parsed module of zc_review. ``path`` is relative to the repository root."""

    name: str
    path: str
    is_package: bool
    tree: ast.Module
    source: str

    @property
    def package(self) -> str:
        """The package relative imports resolve against."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def load_modules(root: Path = ROOT) -> dict[str, Module]:
    """Parse every ``.py`` file under ``root/zc_review``: module name -> Module (sorted by name)."""
    out: dict[str, Module] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        rel = path.relative_to(root)
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        source = path.read_text(encoding="utf-8")
        name = ".".join(parts)
        out[name] = Module(name, rel.as_posix(), is_package, ast.parse(source, filename=str(rel)), source)
    return dict(sorted(out.items()))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@dataclass(frozen=True)
class ImportRec:
    """One imported name: ``import a.b`` gives (a.b, None); ``from a import b`` gives (a, b).

    ``module`` is absolute (relative imports resolved). ``type_checking``: under ``if TYPE_CHECKING:``;
    ``local``: inside a function body.
    """

    importer: str
    path: str
    line: int
    module: str
    name: str | None
    type_checking: bool
    local: bool


def _resolve_relative(mod: Module, level: int, target: str | None) -> str:
    base = mod.package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def iter_imports(mod: Module) -> Iterator[ImportRec]:
    """Every import statement of ``mod``, module-level and function-local, with its context."""

    def walk(nodes: Iterable[ast.AST], tc: bool, local: bool) -> Iterator[ImportRec]:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield ImportRec(mod.name, mod.path, node.lineno, alias.name, None, tc, local)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve_relative(mod, node.level, node.module) if node.level else (node.module or "")
                for alias in node.names:
                    yield ImportRec(mod.name, mod.path, node.lineno, base, alias.name, tc, local)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from walk(node.body, True, local)
                yield from walk(node.orelse, tc, local)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(ast.iter_child_nodes(node), tc, True)
            else:
                yield from walk(ast.iter_child_nodes(node), tc, local)

    yield from walk(mod.tree.body, False, False)


def imported_module(rec: ImportRec, modules: Mapping[str, Module]) -> str | None:
    """The zc_review module an import loads: ``from x import y`` is x.y when y is a submodule."""
    if rec.name is not None and f"{rec.module}.{rec.name}" in modules:
        return f"{rec.module}.{rec.name}"
    parts = rec.module.split(".")
    while parts:
        cand = ".".join(parts)
        if cand in modules:
            return cand
        parts.pop()
    return None


# ------------------------------------------------------------------------------------------- cycles --
def import_graph(modules: Mapping[str, Module], type_checking: bool = False) -> dict[str, dict[str, list[str]]]:
    """Importer -> imported -> ["path:line", ...] between zc_review modules.

    Function-local imports are included; TYPE_CHECKING imports only when ``type_checking`` is true. A parent package is not implicitly imported (as in grimp):
    ``import a.b.c`` is an edge to a.b.c only.
    """
    graph: dict[str, dict[str, list[str]]] = {name: {} for name in modules}
    for mod in modules.values():
        for rec in iter_imports(mod):
            if rec.type_checking and not type_checking:
                continue
            target = imported_module(rec, modules)
            if target is None or target == mod.name:
                continue
            graph[mod.name].setdefault(target, []).append(f"{rec.path}:{rec.line}")
    return graph


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (no recursion limit). Each sorted; list sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comps: list[list[str]] = []
    counter = 0
    succ = {v: sorted(ws) for v, ws in graph.items()}
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(succ.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                comp: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(sorted(comp))
    return sorted(comps)


@dataclass
class Cycle:
    """One import cycle: a strongly connected component of two or more modules and its edges."""

    members: list[str]
    edges: list[str] = field(default_factory=list)  # "a -> b (path:line, ...)"


def import_cycles(modules: Mapping[str, Module], type_checking: bool = False) -> list[Cycle]:
    """Every strongly connected component of the import graph with more than one module, sorted."""
    graph = import_graph(modules, type_checking)
    out = []
    for comp in strongly_connected(graph):
        if len(comp) < 2:
            continue
        members = set(comp)
        edges = [f"{a} -> {b} ({', '.join(graph[a][b])})"
                 for a in comp for b in sorted(graph[a]) if b in members]
        out.append(Cycle(comp, edges))
    return out


# ------------------------------------------------------------------------------------------ classes --
def _module_bindings(mod: Module) -> dict[str, str]:
    """Names bound at module level (any depth of if/try, TYPE_CHECKING included) -> canonical dotted name."""
    out: dict[str, str] = {}

    def walk(nodes: Iterable[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                out[node.name] = f"{mod.name}.{node.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        out[alias.asname] = alias.name
                    else:
                        out[alias.name.split(".")[0]] = alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve_relative(mod, node.level, node.module) if node.level else (node.module or "")
                for alias in node.names:
                    out[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for tgt in targets:
                    if isinstance(tgt, ast.Name):
                        out[tgt.id] = f"{mod.name}.{tgt.id}"
            elif isinstance(node, ast.If | ast.Try):
                walk(node.body)
                walk(node.orelse)
                if isinstance(node, ast.Try):
                    for h in node.handlers:
                        walk(h.body)
                    walk(node.finalbody)

    walk(mod.tree.body)
    return out


class Resolver:
    """Resolves names in zc_review modules to canonical definitions (following re-exports)."""

    def __init__(self, modules: Mapping[str, Module]) -> None:
        self.modules = modules
        self.bindings = {name: _module_bindings(m) for name, m in modules.items()}
        self.defs: dict[str, tuple[Module, ast.stmt]] = {}
        for mod in modules.values():
            for node in _module_level_statements(mod.tree.body):
                if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                    self.defs.setdefault(f"{mod.name}.{node.name}", (mod, node))
                elif isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for tgt in targets:
                        if isinstance(tgt, ast.Name):
                            self.defs[f"{mod.name}.{tgt.id}"] = (mod, node)

    def canonical(self, dotted: str, depth: int = 0) -> str:
        """Follow ``from x import y`` re-exports until the module that defines ``y`` (or give up)."""
        if depth > 10 or dotted in self.defs or dotted in self.modules:
            return dotted
        mod, _, name = dotted.rpartition(".")
        if mod in self.bindings and name in self.bindings[mod]:
            nxt = self.bindings[mod][name]
            if nxt != dotted:
                return self.canonical(nxt, depth + 1)
        return dotted

    def expr(self, mod: Module, node: ast.expr) -> str | None:
        """Canonical dotted name of a Name or Attribute chain in ``mod``, or None."""
        if isinstance(node, ast.Name):
            bound = self.bindings[mod.name].get(node.id)
            return self.canonical(bound) if bound else None
        if isinstance(node, ast.Attribute):
            head = self.expr(mod, node.value)
            return self.canonical(f"{head}.{node.attr}") if head else None
        return None


def _module_level_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            yield from _module_level_statements(node.body)
            yield from _module_level_statements(node.orelse)
            if isinstance(node, ast.Try):
                for h in node.handlers:
                    yield from _module_level_statements(h.body)
                yield from _module_level_statements(node.finalbody)


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


@dataclass
class ClassSurface:
    """A class of zc_review and its public surface, inherited from zc_review bases included.

    ``public_methods``: every ``def``/``async def`` whose name has no leading underscore, defined in the
    class or in a zc_review base (by name, counted once). Properties, classmethods and staticmethods are
    methods. ``own_lines``: the class statement's lines; ``lines``: own plus every zc_review base's.
    """

    name: str
    path: str
    line: int
    own_lines: int
    lines: int
    bases: list[str]
    public_methods: list[str]
    stub: bool = False  # defined under ``if TYPE_CHECKING:`` (a type for annotations only)

    @property
    def count(self) -> int:
        """The number of public methods."""
        return len(self.public_methods)


def class_surfaces(modules: Mapping[str, Module]) -> list[ClassSurface]:
    """Every class defined at module level in zc_review, largest public surface first."""
    res = Resolver(modules)
    classes: dict[str, tuple[Module, ast.ClassDef]] = {
        q: (m, n) for q, (m, n) in res.defs.items() if isinstance(n, ast.ClassDef)}

    def own_methods(node: ast.ClassDef) -> set[str]:
        return {s.name for s in node.body
                if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and _is_public(s.name)}

    def mro(q: str, seen: list[str]) -> None:
        if q in seen or q not in classes:
            return
        seen.append(q)
        mod, node = classes[q]
        for b in node.bases:
            target = res.expr(mod, b)
            if target:
                mro(target, seen)

    stubs = {id(n) for m in modules.values() for top in m.tree.body
             if isinstance(top, ast.If) and _is_type_checking(top.test)
             for n in _module_level_statements(top.body) if isinstance(n, ast.ClassDef)}
    out = []
    for q, (mod, node) in classes.items():
        chain: list[str] = []
        mro(q, chain)
        methods: set[str] = set()
        lines = 0
        for c in chain:
            cm, cn = classes[c]
            methods |= own_methods(cn)
            lines += (cn.end_lineno or cn.lineno) - cn.lineno + 1
        out.append(ClassSurface(q, mod.path, node.lineno, (node.end_lineno or node.lineno) - node.lineno + 1,
                                lines, chain[1:], sorted(methods), id(node) in stubs))
    out.sort(key=lambda c: (-c.count, -c.lines, c.name))
    return out


# --------------------------------------------------------------------------------------- file sizes --
def long_files(root: Path = ROOT, limit: int = MAX_FILE_LINES) -> list[tuple[str, int]]:
    """Files of zc_review (.py, .tcss, .json) with more than ``limit`` lines: (path, lines), longest first."""
    out = []
    for path in sorted((root / PACKAGE).rglob("*")):
        if path.is_file() and path.suffix in COUNTED_SUFFIXES:
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > limit:
                out.append((path.relative_to(root).as_posix(), n))
    return sorted(out, key=lambda x: (-x[1], x[0]))


# --------------------------------------------------------------------------------------- docstrings --
def missing_docstrings(modules: Mapping[str, Module]) -> list[str]:
    """Public module-level functions and classes, and public methods of public classes, with no docstring.

    Public: no leading underscore (modules whose own name starts with ``_`` are not exempt). Exempt:
    dunder methods, ``compose`` and ``on_mount``, ``@overload`` stubs, property setters/deleters, methods
    of private classes, functions nested in functions. Textual handlers (``on_*``, ``action_*``,
    ``watch_*``, ``key_*``) are public and need one. Nested public classes of public classes are checked
    like classes. Returns "path:line kind qualname", in file order.
    """
    out: list[str] = []

    def exempt_decorators(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        for d in fn.decorator_list:
            if isinstance(d, ast.Attribute) and d.attr in {"setter", "deleter"}:
                return True
            if (isinstance(d, ast.Name) and d.id == "overload") or (
                    isinstance(d, ast.Attribute) and d.attr == "overload"):
                return True
        return False

    def check_class(mod: Module, node: ast.ClassDef, qual: str) -> None:
        if ast.get_docstring(node) is None:
            out.append(f"{mod.path}:{node.lineno} class {qual}")
        for s in node.body:
            if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef):
                if (not _is_public(s.name) or _is_dunder(s.name) or s.name in DOC_EXEMPT_METHODS
                        or exempt_decorators(s)):
                    continue
                if ast.get_docstring(s) is None:
                    out.append(f"{mod.path}:{s.lineno} method {qual}.{s.name}")
            elif isinstance(s, ast.ClassDef) and _is_public(s.name):
                check_class(mod, s, f"{qual}.{s.name}")

    for mod in modules.values():
        for node in _module_level_statements(mod.tree.body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if _is_public(node.name) and not _is_dunder(node.name) and not exempt_decorators(node) \
                        and ast.get_docstring(node) is None:
                    out.append(f"{mod.path}:{node.lineno} function {mod.name}.{node.name}")
            elif isinstance(node, ast.ClassDef) and _is_public(node.name):
                check_class(mod, node, f"{mod.name}.{node.name}")
    return out


# -------------------------------------------------------------------------------------- TUI imports --
def _stdlib(top: str) -> bool:
    return top in sys.stdlib_module_names or top == "__future__"


def tui_import_offenders(modules: Mapping[str, Module]) -> list[str]:
    """Imports in zc_review/tui of anything but the service's public names, i18n, tui, textual, rich, stdlib.

    TYPE_CHECKING and function-local imports count. A service import is refused when a path segment
    below ``zc_review.service`` or an imported name starts with ``_``. Returns "path:line imports X (why)".
    """
    out = []
    for mod in modules.values():
        if not mod.name.startswith("zc_review.tui"):
            continue
        for rec in iter_imports(mod):
            full = rec.module if rec.name is None else f"{rec.module}.{rec.name}"
            top = rec.module.split(".")[0]
            shown = rec.module if rec.name is None else f"{rec.module} import {rec.name}"
            if top == PACKAGE:
                allowed = next((a for a in TUI_ALLOWED_INTERNAL
                                if rec.module == a or rec.module.startswith(a + ".")), None)
                if allowed is None:
                    below = next((b for b in BELOW_SERVICE
                                  if rec.module == b or rec.module.startswith(b + ".")), None)
                    why = "below the service" if below else "not service/i18n/tui"
                    out.append(f"{rec.path}:{rec.line} imports {shown} ({why})")
                elif allowed == "zc_review.service":
                    private = [p for p in full.split(".")[2:] if p.startswith("_")]
                    if private:
                        out.append(f"{rec.path}:{rec.line} imports {shown} (private service name "
                                   f"{'.'.join(private)})")
            elif top not in TUI_ALLOWED_THIRD_PARTY and not _stdlib(top):
                out.append(f"{rec.path}:{rec.line} imports {shown} (third party other than textual/rich)")
    return out


def tui_files_below_service(modules: Mapping[str, Module]) -> dict[str, list[str]]:
    """TUI files importing domain/storage/seal/documents directly: path -> sorted imported modules."""
    out: dict[str, set[str]] = defaultdict(set)
    for mod in modules.values():
        if not mod.name.startswith("zc_review.tui"):
            continue
        for rec in iter_imports(mod):
            if any(rec.module == b or rec.module.startswith(b + ".") for b in BELOW_SERVICE):
                out[mod.path].add(imported_module(rec, modules) or rec.module)
    return {p: sorted(v) for p, v in sorted(out.items())}


# -------------------------------------------------------------------------------- Chinese literals --
def _docstring_nodes(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def cjk_literals(modules: Mapping[str, Module], allowed: Sequence[str] = CJK_ALLOWED_TARGET) -> list[str]:
    """String literals containing Chinese (CJK ideographs, CJK and full-width punctuation) outside ``allowed``.

    Docstrings and comments are not literals. An f-string is one literal. Returns "path:line 'text'".
    """
    out: list[str] = []
    for mod in modules.values():
        if not any(mod.path == a or mod.path.startswith(a) for a in allowed):
            _cjk_visit(mod, mod.tree, _docstring_nodes(mod.tree), out)
    return out


def _cjk_visit(mod: Module, node: ast.AST, docs: set[int], out: list[str]) -> None:
    if isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
        if CJK.search(text):
            out.append(f"{mod.path}:{node.lineno} {text[:40]!r}")
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
        if CJK.search(node.value):
            out.append(f"{mod.path}:{node.lineno} {node.value[:40]!r}")
        return
    for child in ast.iter_child_nodes(node):
        _cjk_visit(mod, child, docs, out)


def count_by_file(offenders: Iterable[str]) -> dict[str, int]:
    """"path:line ..." strings -> {path: count}, most first."""
    counts: dict[str, int] = defaultdict(int)
    for o in offenders:
        counts[o.split(":", 1)[0]] += 1
    return dict(sorted(counts.items(), key=lambda x: (-x[1], x[0])))


# ------------------------------------------------------------------------------ duplicated blocks --
DUP_WINDOW = 6


def duplicated_blocks(modules: Mapping[str, Module], window: int = DUP_WINDOW) -> list[list[str]]:
    """Runs of ``window`` or more significant lines that occur in two or more places.

    A significant line is stripped and non-empty, not a comment, not an import, at least 4 characters.
    Returns groups of "path:line" locations (one group per repeated window, windows that extend one
    another merged), largest group first.
    """
    seen: dict[str, list[tuple[str, int, int]]] = defaultdict(list)  # hash -> (path, line, position)
    for mod in modules.values():
        sig = []
        for no, raw in enumerate(mod.source.splitlines(), 1):
            s = raw.strip()
            if len(s) < 4 or s.startswith(("#", "import ", "from ")):
                continue
            sig.append((no, s))
        for i in range(len(sig) - window + 1):
            h = hashlib.sha1("\n".join(s for _, s in sig[i:i + window]).encode()).hexdigest()
            seen[h].append((mod.path, sig[i][0], i))
    repeated = {h: locs for h, locs in seen.items() if len(locs) > 1}
    # merge windows that follow one another at every location into one block
    starts: dict[tuple[str, int], str] = {(p, pos): h for h, locs in repeated.items() for p, _, pos in locs}
    groups = []
    for locs in repeated.values():
        if all(starts.get((p, pos - 1)) is not None and len(repeated[starts[(p, pos - 1)]]) == len(locs)
               for p, _, pos in locs):
            continue  # continues a block already counted
        groups.append(sorted(f"{p}:{line}" for p, line, _ in locs))
    return sorted(groups, key=lambda g: (-len(g), g))


# ------------------------------------------------------------------------------------------- main --
def catalogue_verdict() -> dict[str, Any]:
    """The catalogue's size, and the verdict of its key checks: tests/unit/test_i18n.py is the one
    implementation of those (run here in a subprocess), so the note and the tests cannot disagree."""
    import subprocess
    import sys

    import zc_review.i18n as i18n

    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_i18n.py"],
                         cwd=ROOT, capture_output=True, text=True)
    last = (run.stdout.strip().splitlines() or ["?"])[-1]
    return {"keys": len(i18n.MESSAGES), "areas": len(i18n.AREAS), "families": len(i18n.FAMILIES),
            "checks": "all pass" if run.returncode == 0 else f"FAIL ({last})"}


def measures(root: Path = ROOT) -> dict[str, Any]:
    """All the closing note's measures as one JSON-ready dict."""
    modules = load_modules(root)
    classes = class_surfaces(modules)
    largest = max(classes, key=lambda c: (not c.stub, c.lines, c.count))
    cycles = import_cycles(modules)
    tc_cycles = import_cycles(modules, type_checking=True)
    tui_below = tui_files_below_service(modules)
    stray = cjk_literals(modules, CJK_ALLOWED_LEGACY)
    stray_target = cjk_literals(modules, CJK_ALLOWED_TARGET)
    cat = catalogue_verdict()
    dups = duplicated_blocks(modules)
    return {
        "largest_class": {"name": largest.name, "path": largest.path, "own_lines": largest.own_lines,
                          "lines_with_zc_review_bases": largest.lines, "bases": largest.bases,
                          "public_methods": largest.count},
        "public_methods_top10": [{"name": c.name, "public_methods": c.count, "lines": c.lines,
                                  "type_checking_stub": c.stub} for c in classes[:10]],
        "classes_over_limit": [c.name for c in classes if c.count > MAX_PUBLIC_METHODS],
        "import_cycles": {"count": len(cycles), "cycles": [asdict(c) for c in cycles],
                          "type_checking_imports": "excluded"},
        "import_cycles_with_type_checking": {"count": len(tc_cycles), "cycles": [asdict(c) for c in tc_cycles]},
        "tui_files_below_service": {"count": len(tui_below), "files": tui_below},
        "tui_import_offenders": tui_import_offenders(modules),
        "stray_chinese_literals": {"count": len(stray), "by_file": count_by_file(stray),
                                   "outside": "zc_review/i18n/, zc_review/i18n.py, zc_review/i18n_zh.py, "
                                              "zc_review/documents/"},
        "stray_chinese_literals_target_rule": {"count": len(stray_target),
                                               "by_file": count_by_file(stray_target)},
        "catalogue": cat,
        "files_over_500_lines": [{"path": p, "lines": n} for p, n in long_files(root)],
        "missing_docstrings": {"count": len(missing := missing_docstrings(modules)),
                               "by_file": count_by_file(missing)},
        "duplicated_blocks": {"window_lines": DUP_WINDOW, "count": len(dups),
                              "top10": dups[:10]},
    }


def render(m: Mapping[str, Any]) -> str:
    """The measures as a short text report."""
    lc = m["largest_class"]
    lines = [
        f"largest class: {lc['name']} ({lc['path']}): {lc['own_lines']} own lines, "
        f"{lc['lines_with_zc_review_bases']} with its zc_review bases ({len(lc['bases'])} bases), "
        f"{lc['public_methods']} public methods",
        f"classes over {MAX_PUBLIC_METHODS} public methods: {len(m['classes_over_limit'])}",
        "public methods per class (top 10):",
        *[f"  {c['public_methods']:4d}  {c['name']} ({c['lines']} lines"
          f"{', TYPE_CHECKING stub' if c['type_checking_stub'] else ''})" for c in m["public_methods_top10"]],
        f"import cycles: {m['import_cycles']['count']}",
        *[f"  {len(c['members'])} modules: {', '.join(c['members'])}" for c in m["import_cycles"]["cycles"]],
        f"import cycles counting TYPE_CHECKING imports too: {m['import_cycles_with_type_checking']['count']}",
        *[f"  {len(c['members'])} modules: {', '.join(c['members'])}"
          for c in m["import_cycles_with_type_checking"]["cycles"]],
        f"TUI files importing below service: {m['tui_files_below_service']['count']}",
        *[f"  {p}: {', '.join(v)}" for p, v in m["tui_files_below_service"]["files"].items()],
        f"TUI import offenders (all rules): {len(m['tui_import_offenders'])}",
        f"stray Chinese literals outside the catalogue and documents/: {m['stray_chinese_literals']['count']}",
        *[f"  {n:4d}  {p}" for p, n in m["stray_chinese_literals"]["by_file"].items()],
        f"  (under the target rule, i18n/ and documents/ only: "
        f"{m['stray_chinese_literals_target_rule']['count']})",
        f"catalogue: {m['catalogue']['keys']} keys in {m['catalogue']['areas']} areas, "
        f"{m['catalogue']['families']} key families; its key checks (every key used exists, none unused, none "
        f"built at run time, one key per text): {m['catalogue']['checks']}",
        f"files over {MAX_FILE_LINES} lines: {len(m['files_over_500_lines'])}",
        *[f"  {f['lines']:5d}  {f['path']}" for f in m["files_over_500_lines"]],
        f"public definitions without a docstring: {m['missing_docstrings']['count']}",
        f"duplicated blocks (≥{m['duplicated_blocks']['window_lines']} significant lines, 2+ places): "
        f"{m['duplicated_blocks']['count']}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the measures and write them as JSON (default reports/house.json)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=ROOT / "reports" / "house.json")
    args = ap.parse_args(argv)
    m = measures()
    print(render(m))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(m, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
