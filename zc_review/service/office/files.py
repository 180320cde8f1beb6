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

_TYPE_ZH = {
    "string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值（true/false）",
    "array": "列表", "object": "映射（键: 值）", "null": "空值",
}


@dataclass(frozen=True)
class Problem:
    """One problem in the office input: file (relative, POSIX), field (JSON path or ""), message (Chinese)."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.file}: 字段 {self.field}: {self.message}"
        return f"{self.file}: {self.message}"


class OfficeInputError(ValueError):
    """The office input directory was refused. ``problems`` lists every problem found (≥ 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        head = f"办公室输入目录有 {len(self.problems)} 处问题："
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
    return out or "(根)"


class Reader:
    """Reads files under ``root`` and collects problems instead of raising."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def problem(self, file: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, field, message))

    # -- paths ---------------------------------------------------------------------------------
    def check_rel(self, rel: str, file: str, field: str) -> PurePosixPath | None:
        """Refuse absolute paths, ``..``, backslashes, NUL; return the clean relative path."""
        if "\\" in rel or "\x00" in rel or rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
            self.problem(file, field, f"路径 {show(rel)} 不是目录内的相对路径，已拒绝")
            return None
        parts = PurePosixPath(rel).parts
        if not parts or any(p in ("..", ".") for p in parts):
            self.problem(file, field, f"路径 {show(rel)} 越出所在目录（含 .. 或 .），已拒绝")
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
                self.problem(file, field, f"找不到 {'/'.join(rel.parts[: i + 1])}")
                return None
            except OSError as exc:
                self.problem(file, field, f"无法读取 {'/'.join(rel.parts[: i + 1])}（{exc.strerror}）")
                return None
            if stat.S_ISLNK(st.st_mode):
                self.problem(file, field, f"{'/'.join(rel.parts[: i + 1])} 是符号链接，已拒绝")
                return None
        if stat.S_ISDIR(st.st_mode):
            return "dir"
        if stat.S_ISREG(st.st_mode):
            return "file"
        self.problem(file, field, f"{rel} 不是普通文件，已拒绝")
        return None

    def read_bytes(self, rel: PurePosixPath, limit: int, file: str, field: str = "") -> bytes | None:
        """Read a regular file (no symlink anywhere on the way) of at most ``limit`` bytes."""
        kind = self.kind(rel, file, field)
        if kind is None:
            return None
        if kind != "file":
            self.problem(file, field, f"{rel} 是目录，不是文件")
            return None
        path = self.root.joinpath(*rel.parts)
        if not path.resolve().is_relative_to(self.root.resolve()):
            self.problem(file, field, f"{rel} 越出输入目录，已拒绝")
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            self.problem(file, field, f"无法打开 {rel}（{exc.strerror}）")
            return None
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                self.problem(file, field, f"{rel} 大小 {size} 字节，超过上限 {limit} 字节（{limit // MIB} MiB）")
                return None
            data = fh.read(limit + 1)
        if len(data) > limit:
            self.problem(file, field, f"{rel} 超过上限 {limit} 字节")
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
            self.problem(rel, "", f"不是有效的 UTF-8 编码（第 {exc.start} 字节起 {data[exc.start:exc.start + 4]!r}）")
            return None
        try:
            # Anchors and aliases can expand exponentially ("billion laughs"); office files never need them.
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent):
                    mark = event.start_mark
                    line = mark.line + 1 if mark else 0
                    self.problem(rel, "", f"第 {line} 行使用了 YAML 别名（*…），不允许")
                    return None
            loaded = yaml.safe_load(text)
        except yaml.reader.ReaderError as exc:  # a raw control character (ESC, NUL, …) in the file
            code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
            line = text.count("\n", 0, exc.position) + 1
            what = "ESC（U+001B，终端转义序列）" if code == 0x1B else f"U+{code:04X}"
            self.problem(rel, "", f"第 {line} 行含有控制字符 {what}，已拒绝")
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "未知位置"
            what = getattr(exc, "problem", None) or str(exc)
            self.problem(rel, "", f"YAML 语法错误（{where}）：{show(what, 120)}")
            return None
        except RecursionError:
            self.problem(rel, "", "YAML 嵌套过深，已拒绝")
            return None
        if loaded is None:
            self.problem(rel, "", "文件为空")
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
                    self.problem(rel, json_path(path), f"键 {show(k)} 应为字符串")
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
                    what = "ESC（U+001B，终端转义序列）"
                elif code in (0x0A, 0x09):
                    what = f"换行或制表符（U+{code:04X}，此字段只能写一行）"
                else:
                    what = f"U+{code:04X}"
                self.problem(rel, json_path(path), f"含有控制字符 {what}，位于第 {m.start() + 1} 个字符，已拒绝")

    def _validate(self, value: Any, schema_name: str, rel: str) -> None:
        validator = jsonschema.Draft202012Validator(load_schema(schema_name))
        for err in sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path]):
            field, message = schema_message(err)
            self.problem(rel, field, message)


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
        names = "或".join(_TYPE_ZH.get(str(t), str(t)) for t in (want if isinstance(want, list) else [want]))
        return json_path(path), f"应为{names}，实际为 {show(inst)}"
    if v == "required":
        missing = [k for k in err.validator_value if k not in inst]
        return json_path([*path, missing[0]] if missing else path), "缺少必填字段"
    if v == "additionalProperties":
        extra = sorted(k for k in inst if k not in sch.get("properties", {}))
        return json_path([*path, extra[0]] if extra else path), f"未知字段（允许的字段：{', '.join(sch.get('properties', {}))}）"
    if v in ("pattern", "anyOf", "oneOf") and custom:
        return json_path(path), f"{custom}，实际为 {show(inst)}"
    if v == "enum":
        return json_path(path), f"应为 {', '.join(map(str, err.validator_value))} 之一，实际为 {show(inst)}"
    if v == "minLength":
        return json_path(path), "不能为空" if err.validator_value == 1 else f"至少 {err.validator_value} 个字符"
    if v == "maxLength":
        return json_path(path), f"过长：{len(inst)} 个字符，上限 {err.validator_value}"
    if v == "minItems":
        return json_path(path), f"至少应有 {err.validator_value} 项"
    if v == "maxItems":
        return json_path(path), f"最多 {err.validator_value} 项，实际 {len(inst)} 项"
    if v == "minimum":
        return json_path(path), f"应不小于 {err.validator_value}，实际为 {show(inst)}"
    if v == "maximum":
        return json_path(path), f"应不大于 {err.validator_value}，实际为 {show(inst)}"
    if v == "uniqueItems":
        return json_path(path), "列表中有重复项"
    if v == "pattern":
        return json_path(path), f"格式不符（{err.validator_value}），实际为 {show(inst)}"
    return json_path(path), f"不符合格式要求（{v}），实际为 {show(inst)}"
