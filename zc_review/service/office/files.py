"""Hostile-input-safe reading of the office input directory: paths, sizes, UTF-8, YAML, schemas, text."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import yaml

from zc_review.i18n import t
from zc_review.service.errors import os_error_text

MIB = 1024 * 1024
MAX_YAML_BYTES = 1 * MIB  # per YAML file
MAX_ATTACHMENT_BYTES = 20 * MIB  # per attachment
MAX_TOTAL_ATTACHMENT_BYTES = 512 * MIB  # all attachments together
MAX_APPLICANTS = 2000
MAX_RUBRICS = 50
PDF_MAGIC = b"%PDF-"

# Fields whose text may span lines: \n and \t are allowed there, and nowhere else.
LONG_TEXT_KEYS = frozenset(
    {"work_summary", "achievements", "papers", "continuing_education", "description", "levels", "reason",
     "education"}
)
# C0 and C1 controls (incl. ESC and the 8-bit CSI), DEL, bidi overrides/isolates, lone surrogates.
_BAD_LONG = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BAD_SHORT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# JSON Schema type name → catalogue key of its Chinese name
_TYPE_KEYS = {
    "string": "office.type_string", "integer": "office.type_integer", "number": "office.type_number",
    "boolean": "office.type_boolean", "array": "office.type_array", "object": "office.type_object",
    "null": "office.type_null",
}


@dataclass(frozen=True)
class Problem:
    """One problem in the office input: file (relative, POSIX), field (JSON path or ""), message (Chinese)."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return t("office.problem_field", file=self.file, field=self.field, message=self.message)
        return f"{self.file}: {self.message}"


class OfficeInputError(ValueError):
    """The office input directory was refused. ``problems`` lists every problem found (≥ 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        head = t("office.input_problems", n=len(self.problems))
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


def show(value: Any, limit: int = 40) -> str:
    """A value as short, escaped JSON for an error message (control characters come out as \\uXXXX)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    text = _BAD_SHORT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """``["dossier", "papers", 2]`` → ``dossier.papers[2]``; the root is ``(根)``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or t("office.json_root")


class Reader:
    """Reads files under ``root`` and collects problems instead of raising."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def problem(self, file: str, field: str, message: str) -> None:
        """Note one problem (the file, the field's path, a Chinese message) in ``problems``; never raises."""
        self.problems.append(Problem(file, field, message))

    # -- paths ---------------------------------------------------------------------------------
    def check_rel(self, rel: str, file: str, field: str) -> PurePosixPath | None:
        """Refuse absolute paths, ``..``, backslashes, NUL; return the clean relative path."""
        if "\\" in rel or "\x00" in rel or rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
            self.problem(file, field, t("office.path_not_relative", path=show(rel)))
            return None
        parts = PurePosixPath(rel).parts
        if not parts or any(p in ("..", ".") for p in parts):
            self.problem(file, field, t("office.path_escapes", path=show(rel)))
            return None
        return PurePosixPath(*parts)

    def kind(self, rel: PurePosixPath, file: str, field: str = "") -> str | None:
        """Walk ``rel`` from the root with lstat: "dir", "file", or None (missing / symlink / other)."""
        path = self.root
        for i, part in enumerate(rel.parts):
            path = path / part
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                self.problem(file, field, t("office.not_found", path="/".join(rel.parts[: i + 1])))
                return None
            except OSError as exc:
                self.problem(file, field, t("office.unreadable", path="/".join(rel.parts[: i + 1]), error=os_error_text(exc)))
                return None
            if stat.S_ISLNK(st.st_mode):
                self.problem(file, field, t("office.symlink", path="/".join(rel.parts[: i + 1])))
                return None
        if stat.S_ISDIR(st.st_mode):
            return "dir"
        if stat.S_ISREG(st.st_mode):
            return "file"
        self.problem(file, field, t("office.not_regular_file", path=rel))
        return None

    def read_bytes(self, rel: PurePosixPath, limit: int, file: str, field: str = "") -> bytes | None:
        """Read a regular file (no symlink anywhere on the way) of at most ``limit`` bytes."""
        kind = self.kind(rel, file, field)
        if kind is None:
            return None
        if kind != "file":
            self.problem(file, field, t("office.is_directory", path=rel))
            return None
        path = self.root.joinpath(*rel.parts)
        if not path.resolve().is_relative_to(self.root.resolve()):
            self.problem(file, field, t("office.outside_input", path=rel))
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            self.problem(file, field, t("office.cannot_open", path=rel, error=os_error_text(exc)))
            return None
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                self.problem(file, field, t("office.file_too_large", path=rel, size=size, limit=limit, mib=limit // MIB))
                return None
            data = fh.read(limit + 1)
        if len(data) > limit:
            self.problem(file, field, t("office.file_over_limit", path=rel, limit=limit))
            return None
        return data

    # -- YAML ----------------------------------------------------------------------------------
    def read_yaml(self, rel: str, schema_name: str) -> dict[str, Any] | None:
        """Read, decode, parse and validate one YAML file; None (with problems recorded) on failure."""
        data = self.read_bytes(PurePosixPath(rel), MAX_YAML_BYTES, rel)
        if data is None:
            return None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]  # a UTF-8 BOM from Windows editors is harmless
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(rel, "", t("office.not_utf8", start=exc.start, raw=repr(data[exc.start:exc.start + 4])))
            return None
        try:
            # Anchors and aliases can expand exponentially ("billion laughs"); office files never need them.
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent):
                    mark = event.start_mark
                    line = mark.line + 1 if mark else 0
                    self.problem(rel, "", t("office.yaml_alias", line=line))
                    return None
            loaded = yaml.safe_load(text)
        except yaml.reader.ReaderError as exc:  # a raw control character (ESC, NUL, …) in the file
            code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
            line = text.count("\n", 0, exc.position) + 1
            what = t("office.char_esc") if code == 0x1B else f"U+{code:04X}"
            self.problem(rel, "", t("office.yaml_control", line=line, what=what))
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = (t("office.yaml_where", line=mark.line + 1, column=mark.column + 1) if mark
                     else t("office.yaml_where_unknown"))
            what = getattr(exc, "problem", None) or str(exc)
            self.problem(rel, "", t("office.yaml_syntax", where=where, what=show(what, 120)))
            return None
        except RecursionError:
            self.problem(rel, "", t("office.yaml_too_deep"))
            return None
        if loaded is None:
            self.problem(rel, "", t("office.file_empty"))
            return None
        before = len(self.problems)
        value = self._normalize(loaded, [], rel)
        self._check_text(value, [], rel)
        self._validate(value, schema_name, rel)
        if len(self.problems) > before:
            return None
        assert isinstance(value, dict)
        return value

    def _normalize(self, value: Any, path: list[str | int], rel: str) -> Any:
        """Turn YAML dates into ISO strings and refuse non-string keys."""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return [self._normalize(v, [*path, i], rel) for i, v in enumerate(value)]
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for k, v in value.items():
                if not isinstance(k, str):
                    self.problem(rel, json_path(path), t("office.key_not_string", value=show(k)))
                    continue
                out[k] = self._normalize(v, [*path, k], rel)
            return out
        return value

    def _check_text(self, value: Any, path: list[str | int], rel: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self._check_text(k, path, rel)
                self._check_text(v, [*path, k], rel)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self._check_text(v, [*path, i], rel)
        elif isinstance(value, str):
            long_text = any(p in LONG_TEXT_KEYS for p in path if isinstance(p, str))
            m = (_BAD_LONG if long_text else _BAD_SHORT).search(value)
            if m:
                code = ord(m.group())
                if code == 0x1B:
                    what = t("office.char_esc")
                elif code in (0x0A, 0x09):
                    what = t("office.char_newline", code=f"{code:04X}")
                else:
                    what = f"U+{code:04X}"
                self.problem(rel, json_path(path), t("office.text_control", what=what, pos=m.start() + 1))

    def _validate(self, value: Any, schema_name: str, rel: str) -> None:
        validator = jsonschema.Draft202012Validator(load_schema(schema_name))
        for err in sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path]):
            field, message = schema_message(err)
            self.problem(rel, field, message)


def _type_name(name: str) -> str:
    """A JSON Schema type name in Chinese (``"integer"`` → 整数); an unknown name as it is."""
    return t(_TYPE_KEYS[name]) if name in _TYPE_KEYS else name


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``zc_review/schemas/<name>.schema.json`` as a dict."""
    text = resources.files("zc_review.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema = json.loads(text)
    assert isinstance(schema, dict)
    return schema


def schema_message(err: jsonschema.ValidationError) -> tuple[str, str]:
    """Translate one jsonschema error into (JSON path, Chinese message)."""
    path = list(err.absolute_path)
    v, inst, sch = err.validator, err.instance, err.schema
    custom = sch.get("x-zh") if isinstance(sch, dict) else None
    if v == "type":
        want = err.validator_value
        names = t("office.schema_or").join(_type_name(str(w)) for w in (want if isinstance(want, list) else [want]))
        return json_path(path), t("office.schema_type", names=names, value=show(inst))
    if v == "required":
        missing = [k for k in err.validator_value if k not in inst]
        return json_path([*path, missing[0]] if missing else path), t("office.schema_required")
    if v == "additionalProperties":
        extra = sorted(k for k in inst if k not in sch.get("properties", {}))
        return (json_path([*path, extra[0]] if extra else path),
                t("office.schema_unknown_field", allowed=", ".join(sch.get("properties", {}))))
    if v in ("pattern", "anyOf", "oneOf") and custom:
        return json_path(path), t("office.schema_custom", custom=custom, value=show(inst))
    if v == "enum":
        return json_path(path), t("office.schema_enum", choices=", ".join(map(str, err.validator_value)), value=show(inst))
    if v == "minLength":
        return json_path(path), (t("office.schema_empty") if err.validator_value == 1
                                 else t("office.schema_min_length", n=err.validator_value))
    if v == "maxLength":
        return json_path(path), t("office.schema_max_length", length=len(inst), n=err.validator_value)
    if v == "minItems":
        return json_path(path), t("office.schema_min_items", n=err.validator_value)
    if v == "maxItems":
        return json_path(path), t("office.schema_max_items", n=err.validator_value, length=len(inst))
    if v == "minimum":
        return json_path(path), t("office.schema_minimum", n=err.validator_value, value=show(inst))
    if v == "maximum":
        return json_path(path), t("office.schema_maximum", n=err.validator_value, value=show(inst))
    if v == "uniqueItems":
        return json_path(path), t("office.schema_unique")
    if v == "pattern":
        return json_path(path), t("office.schema_pattern", pattern=err.validator_value, value=show(inst))
    return json_path(path), t("office.schema_other", validator=v, value=show(inst))
