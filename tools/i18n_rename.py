"""Move code to the one-dialect catalogue (zc_review/i18n/): rename keys, replace run-time keys, fold old catalogues.

Usage (from the repository root):

    python -m tools.i18n_rename [rewrite] [--check] [PATH ...]   # default PATHs: zc_review tests tools
    python -m tools.i18n_rename fold FILE [--dict NAME] [--area AREA] [--dry-run]

``rewrite`` applies tools/i18n_rename.json (``renamed``: old key → new key) to Python sources:

* a string literal whose whole value is an old key is replaced by the new key, wherever it stands
  (``t("…")``, ``ServiceError("…")``, ``RuleError``/``SealError`` codes, tuples, dicts, ``x if c else y``,
  comparisons, assignments) **except** as a direct argument of a call that is not a catalogue call
  (``t``, ``label_of``, ``ServiceError``, ``RuleError``, ``SealError``, ``.get``), e.g. the log action
  ``self._log(s, …, "recusal_added", …)`` is not a key and is left alone;
* ``t(f"outcome_{x}")`` / ``t("part_" + x)`` (a key built at run time) becomes ``label_of("outcome", x)``
  for the families of zc_review.i18n.FAMILIES, and ``label_of`` is added to the module's
  ``from zc_review.i18n import …``; any other run-time ``t(<expression>)`` is listed for a human.

Only exact matches change, so running it again changes nothing (new keys never equal old ones). Every
change is printed as ``path:line: old -> new``. ``--check`` changes nothing and exits 1 if something
would change. The catalogue modules (zc_review/i18n/) and old catalogue files (i18n_zh.py,
i18n_office.py) are skipped.

``fold`` takes an old-dialect catalogue (a module with a dict literal, e.g. another branch's
zc_review/i18n_zh.py or zc_review/i18n_office.py with ``MESSAGES_OFFICE``) and adds the keys the package
lacks to zc_review/i18n/<area>.py: error codes (used as ``ServiceError``/``RuleError``/``SealError``
codes or compared with ``.code`` anywhere in zc_review, tests, tools) keep their bare name; another key
becomes ``<area>.<name>`` (area from ``--area`` or the prefix rules below), or points to the existing key
when its text is already in the catalogue. The new names are added to tools/i18n_rename.json; run
``rewrite`` afterwards. Keys already known (same name, or renamed, same text) are skipped; a known key
whose text differs is reported and not changed; a key removed as unused stays removed unless the code
uses it again.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP_FILE = ROOT / "tools" / "i18n_rename.json"
PKG = ROOT / "zc_review" / "i18n"
DEFAULT_PATHS = ("zc_review", "tests", "tools")
SKIP_NAMES = {"i18n_zh.py", "i18n_office.py", "i18n_rename.py"}
KEY_CALLS = {"t", "label_of", "ServiceError", "RuleError", "SealError", "get"}
ERROR_CALLS = {"ServiceError", "RuleError", "SealError"}

# run-time key prefixes of the old dialect -> family of zc_review.i18n.FAMILIES
FAMILY_PREFIX = {
    "outcome_": "outcome", "role_": "role", "choice_": "choice", "flag_": "flag", "part_": "part",
    "sig_kind_": "sig_kind", "finding_": "finding", "anonymity_kind_": "anonymity_kind",
    "scoring_status_": "scoring_status",
}

# fold: old prefix -> (area, new name prefix); first match wins (the rules tools/i18n_rename.json was made with)
PREFIX_RULES: tuple[tuple[str, str, str], ...] = (
    ("role_", "common", "role_"), ("choice_", "common", "choice_"), ("outcome_", "common", "outcome_"),
    ("flag_summary", "scoring", "flag_summary"), ("flag_", "common", "flag_"), ("part_", "common", "part_"),
    ("col_", "common", "col_"), ("unlock_", "unlock", ""),
    ("rollcall_", "opening", "rollcall_"), ("pledge_", "opening", "pledge_"), ("recusal_", "opening", "recusal_"),
    ("rubric_", "opening", "rubric_"), ("quorum_", "opening", "quorum_"),
    ("scoring_", "scoring", ""), ("dossier_", "scoring", "dossier_"), ("opinion_", "scoring", "opinion_"),
    ("agg_rule_", "scoring", "agg_rule_"), ("panel_scores_", "scoring", "panel_"),
    ("discussion_", "scoring", "discussion_"), ("preview_", "scoring", "preview_"),
    ("tui_cl_kind_", "ballot", "kind_"), ("tui_cl_ballot_", "ballot", "sheet_"),
    ("tui_cl_reason", "closing", "reason"), ("tui_cl_signoff_", "closing", "signoff_"),
    ("tui_cl_minutes_", "closing", "minutes_"), ("tui_cl_export_", "closing", "export_"),
    ("tui_cl_results_", "closing", "results_"), ("minutes_", "closing", "minutes_"), ("export_", "closing", "export_"),
    ("check_", "office", "check_"), ("signer_", "office", "signer_"), ("sig_kind_", "office", "sig_kind_"),
    ("finding_", "office", "finding_"), ("anonymity_", "office", "anonymity_"), ("office_", "office", ""),
    ("step_", "tui", "step_"), ("dash_", "tui", "dash_"), ("tui_", "tui", ""),
    ("cli_", "cli", ""), ("demo_", "cli", "demo_"), ("prompt_", "cli", "prompt_"),
)


def load_map() -> dict[str, str]:
    """The ``renamed`` table of tools/i18n_rename.json (old key → new key)."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return dict(data["renamed"])


def save_map(renamed: dict[str, str]) -> None:
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    data["renamed"] = dict(sorted(renamed.items()))
    MAP_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def python_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = (ROOT / p) if not Path(p).is_absolute() else Path(p)
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for f in files:
            if f.name in SKIP_NAMES or PKG in f.parents or ".venv" in f.parts:
                continue
            out.append(f)
    return out


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")


@dataclass
class Edit:
    start: int  # character offsets into the file's text
    end: int
    text: str
    line: int
    note: str


class _Offsets:
    """ast gives (line, UTF-8 byte column); edits need character offsets into the text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def at(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.at(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self.at(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]


def _family_of(arg: ast.expr) -> tuple[str, ast.expr] | None:
    """``f"outcome_{x}"`` or ``"outcome_" + x`` → ("outcome", x) for a known family prefix."""
    prefix: str | None = None
    value: ast.expr | None = None
    if (isinstance(arg, ast.JoinedStr) and len(arg.values) == 2 and isinstance(arg.values[0], ast.Constant)
            and isinstance(arg.values[1], ast.FormattedValue) and arg.values[1].conversion == -1
            and arg.values[1].format_spec is None):
        prefix, value = str(arg.values[0].value), arg.values[1].value
    elif (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add) and isinstance(arg.left, ast.Constant)
          and isinstance(arg.left.value, str)):
        prefix, value = arg.left.value, arg.right
    if prefix is None or value is None or prefix not in FAMILY_PREFIX:
        return None
    return FAMILY_PREFIX[prefix], value


def plan_file(path: Path, renamed: dict[str, str]) -> tuple[list[Edit], list[str]]:
    """The edits for one file, and run-time ``t()`` calls left for a human (``path:line: source``)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    off = _Offsets(text)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    edits: list[Edit] = []
    manual: list[str] = []
    rel = path.relative_to(ROOT) if ROOT in path.parents else path
    label_used_in: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in renamed:
            parent = parents.get(node)
            if isinstance(parent, ast.keyword):
                parent = parents.get(parent)
                if isinstance(parent, ast.Call) and _call_name(parent) not in KEY_CALLS:
                    continue
            if isinstance(parent, ast.Call) and node is not parent.func and _call_name(parent) not in KEY_CALLS:
                continue
            if isinstance(parent, (ast.JoinedStr, ast.Expr)):
                continue
            start, end = off.span(node)
            seg = text[start:end]
            if seg not in (f'"{node.value}"', f"'{node.value}'"):
                manual.append(f"{rel}:{node.lineno}: literal {seg!r} not rewritten (unusual quoting)")
                continue
            new = renamed[node.value]
            edits.append(Edit(start, end, seg[0] + new + seg[0], node.lineno, f"{node.value} -> {new}"))
        elif isinstance(node, ast.Call) and _call_name(node) == "t" and isinstance(node.func, ast.Name) and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                continue
            fam = _family_of(arg)
            if fam is None:
                if isinstance(arg, (ast.JoinedStr, ast.BinOp)):
                    manual.append(f"{rel}:{node.lineno}: run-time key {ast.get_source_segment(text, node)}")
                continue
            family, value = fam
            start = off.span(node)[0]
            end = off.span(arg)[1]
            vs, ve = off.span(value)
            a0, _ = off.span(arg)
            q = text[a0 + 1] if text[a0] in "fF" else text[a0]  # the quote the key was written with
            q = q if q in "'\"" else '"'
            new = f"label_of({q}{family}{q}, {text[vs:ve]}"
            edits.append(Edit(start, end, new, node.lineno, f"{text[start:end]} -> {new}"))
            label_used_in.append(node)
    if label_used_in:
        edits += _import_label(tree, text, off, parents, label_used_in[0], rel)
    return edits, manual


def _import_label(tree: ast.Module, text: str, off: _Offsets, parents: dict[ast.AST, ast.AST],
                  use: ast.AST, rel: Path) -> list[Edit]:
    """Add ``label_of`` to the nearest ``from zc_review.i18n import …`` (module level, else the enclosing function)."""
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "zc_review.i18n"]
    if not imports:
        scope = parents.get(use)
        while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = parents.get(scope)
        if scope is not None:
            imports = [n for n in ast.walk(scope) if isinstance(n, ast.ImportFrom) and n.module == "zc_review.i18n"]
    if not imports:
        print(f"{rel}: uses label_of() but has no 'from zc_review.i18n import'; add it by hand", file=sys.stderr)
        return []
    imp = imports[0]
    names = [a.name if a.asname is None else f"{a.name} as {a.asname}" for a in imp.names]
    if any(a.name == "label_of" for a in imp.names):
        return []
    names = sorted([*names, "label_of"], key=lambda s: s.split(" ")[0])
    start, end = off.span(imp)
    new = f"from zc_review.i18n import {', '.join(names)}"
    return [Edit(start, end, new, imp.lineno, f"import: {text[start:end]} -> {new}")]


def rewrite(paths: list[str], check: bool) -> int:
    """Apply the rename map to ``paths``; print every change. Returns the number of edits."""
    renamed = load_map()
    total = 0
    for path in python_files(paths):
        edits, manual = plan_file(path, renamed)
        rel = path.relative_to(ROOT) if ROOT in path.parents else path
        for m in manual:
            print(f"MANUAL {m}")
        if not edits:
            continue
        edits.sort(key=lambda e: e.start, reverse=True)
        text = path.read_text(encoding="utf-8")
        for e in edits:
            text = text[:e.start] + e.text + text[e.end:]
        for e in sorted(edits, key=lambda e: e.start):
            print(f"{rel}:{e.line}: {e.note}")
        total += len(edits)
        if not check:
            path.write_text(text, encoding="utf-8")
    print(f"{'would change' if check else 'changed'} {total} place(s)")
    return total


# -- fold -------------------------------------------------------------------------------------------

def _dict_literal(path: Path, name: str | None) -> dict[str, str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        target = value = None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        if target is None or not isinstance(value, ast.Dict):
            continue
        if (name is None and target.startswith("MESSAGES")) or target == name:
            return {ast.literal_eval(k): ast.literal_eval(v) for k, v in zip(value.keys, value.values, strict=True)
                    if k is not None}
    raise SystemExit(f"{path}: no dict literal {name or 'MESSAGES*'}")


def error_codes(paths: list[str]) -> set[str]:
    """Every literal used as an error code: first argument of ServiceError/RuleError/SealError, or compared with ``.code``."""
    codes: set[str] = set()

    def lits(n: ast.AST) -> list[str]:
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            return [n.value]
        if isinstance(n, ast.IfExp):
            return lits(n.body) + lits(n.orelse)
        if isinstance(n, (ast.Tuple, ast.List, ast.Set)):
            return [s for e in n.elts for s in lits(e)]
        return []

    for path in python_files(paths):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in ERROR_CALLS and node.args:
                codes.update(lits(node.args[0]))
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(isinstance(s, ast.Attribute) and s.attr == "code" for s in sides):
                    for s in sides:
                        codes.update(lits(s))
    return codes


def _area_and_name(key: str, area: str | None) -> tuple[str, str] | None:
    if area is not None:
        name = key
        for strip in ("tui_cl_", "tui_", f"{area}_"):
            if name.startswith(strip) and len(name) > len(strip):
                name = name[len(strip):]
        return area, name
    for prefix, rule_area, rep in PREFIX_RULES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return rule_area, rep + key[len(prefix):]
    return None


def _append_to_area(area: str, entries: list[tuple[str, str]], source: str) -> None:
    path = PKG / f"{area}.py"
    text = path.read_text(encoding="utf-8")
    close = text.rindex("\n}")
    lines = [f"    # -- folded from {source} " + "-" * max(3, 80 - len(source))]
    lines += [f"    {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}," for k, v in entries]
    path.write_text(text[:close] + "\n" + "\n".join(lines) + text[close:], encoding="utf-8")


def fold(file: str, dict_name: str | None, area: str | None, dry_run: bool) -> int:
    """Fold an old-dialect catalogue into zc_review/i18n/; returns the number of keys added."""
    sys.path.insert(0, str(ROOT))
    from zc_review.i18n import AREAS, MESSAGES

    areas = {m.AREA for m in AREAS}
    if area is not None and area not in areas:
        raise SystemExit(f"unknown area {area!r}: one of {sorted(areas)} (a new area needs a module in AREAS)")
    source = Path(file)
    old = _dict_literal(source, dict_name)
    renamed = load_map()
    removed = set(json.loads(MAP_FILE.read_text(encoding="utf-8")).get("removed_unused", []))
    codes = error_codes(list(DEFAULT_PATHS))
    literals = {n.value for path in python_files(list(DEFAULT_PATHS))
                for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    known_count = 0
    by_text = {v: k for k, v in MESSAGES.items()}
    adds: dict[str, list[tuple[str, str]]] = {}
    added_keys: set[str] = set()
    problems = 0
    for key, text in old.items():
        known = key if key in MESSAGES else renamed.get(key)
        if known is not None and known in MESSAGES:
            if MESSAGES[known] != text:
                print(f"DIFFERS {key} (catalogue {known}): {MESSAGES[known]!r} vs {text!r}; left as is")
                problems += 1
            known_count += 1
            continue
        if key in removed and key not in literals:
            print(f"{key}: removed as unused and still unused; not restored")
            continue
        if key in codes:
            target_area = area or next((a for p, a, _ in PREFIX_RULES if key.startswith(p)), None)
            if target_area is None:
                print(f"NO AREA for error code {key}; run again with --area")
                problems += 1
                continue
            new, dest = key, target_area
        elif text in by_text:
            new, dest = by_text[text], ""
        else:
            an = _area_and_name(key, area)
            if an is None:
                print(f"NO AREA for {key}; run again with --area")
                problems += 1
                continue
            dest, name = an
            new = f"{dest}.{name}"
        if new in MESSAGES or new in added_keys:
            if dest:
                print(f"CLASH {key} -> {new} exists already; left as is")
                problems += 1
                continue
        else:
            adds.setdefault(dest, []).append((new, text))
            added_keys.add(new)
            by_text[text] = new
        if new != key:
            renamed[key] = new
        print(f"{key} -> {new}" + (f" (added to {dest})" if dest and new in added_keys else " (same text)"))
    if not dry_run:
        for dest, entries in adds.items():
            _append_to_area(dest, entries, source.name)
        save_map(renamed)
    n = sum(len(e) for e in adds.values())
    print(f"{known_count} key(s) known already; {'would add' if dry_run else 'added'} {n} key(s); {problems} to look at;"
          " now run: python -m tools.i18n_rename")
    return n


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "fold":
        p = argparse.ArgumentParser(prog="python -m tools.i18n_rename fold")
        p.add_argument("file")
        p.add_argument("--dict", dest="dict_name", default=None, help="dict name (default: first MESSAGES*)")
        p.add_argument("--area", default=None, help="area of every new key (default: by prefix rules)")
        p.add_argument("--dry-run", action="store_true")
        a = p.parse_args(args[1:])
        fold(a.file, a.dict_name, a.area, a.dry_run)
        return 0
    if args and args[0] == "rewrite":
        args = args[1:]
    p = argparse.ArgumentParser(prog="python -m tools.i18n_rename")
    p.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if something would change")
    a = p.parse_args(args)
    n = rewrite(a.paths, a.check)
    return 1 if (a.check and n) else 0


if __name__ == "__main__":
    raise SystemExit(main())
