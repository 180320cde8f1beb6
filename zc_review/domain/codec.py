"""The canonical JSON form of a SessionDefinition, and canonical JSON bytes for hashing and signing.

The dict form is what travels inside the encrypted session package and the result bundle:
``Decimal`` becomes its exact string (``"0.5"``, ``"12.50"``), an enum its value, a tuple a list,
a dataclass a dict keyed by field name. Decoding is driven by the dataclass type hints of
``zc_review.domain.model`` and is strict: unknown keys, wrong types and non-finite decimals are
refused with ``CodecError``; a missing key falls back to the field's default (so a package written
before a field with a default was added still reads). Stdlib only.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from zc_review.domain import model
from zc_review.domain.model import SessionDefinition


class CodecError(ValueError):
    """A dict that is not a valid encoded SessionDefinition. ``path`` names the offending field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or '$'}: {problem}")
        self.path = path
        self.problem = problem


# -- encoding ----------------------------------------------------------------------------------

def decimal_text(value: Decimal) -> str:
    """A Decimal in fixed notation, keeping its places: ``7E+1`` → ``"70"``, ``12.50`` → ``"12.50"``.

    ``str(Decimal("7E+1"))`` would give ``"7E+1"``: never shown to people nor written into signed data.
    """
    return f"{value:f}"


def percent_text(fraction: Decimal) -> str:
    """A fraction as a percentage without trailing zeros: ``Decimal("0.7")`` → ``"70%"``, ``0.125`` → ``"12.5%"``."""
    return f"{(fraction * 100).normalize():f}%"


def _encode(value: Any, path: str) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CodecError(path, f"non-finite decimal {value}")
        return decimal_text(value)
    if isinstance(value, tuple | list):
        return [_encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _encode(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
            for f in dataclasses.fields(value)
        }
    raise CodecError(path, f"cannot encode {type(value).__name__}")


def definition_to_dict(defn: SessionDefinition) -> dict[str, Any]:
    """Encode a session definition as a JSON-safe dict.

    Args:
        defn: the session definition.
    Returns:
        ``{"session_id": ..., "reviewers": [{...}], ..., "rules": {...}}``: only str, int, bool,
        None, list and dict; Decimals as exact strings, enums as their values.
    Raises:
        CodecError: a Decimal is NaN or infinite, or a field holds a type the format lacks.
    Source: TECH-NOTES.md (package and bundle carry the definition as canonical JSON).
    """
    out = _encode(defn, "")
    assert isinstance(out, dict)
    return out


# -- decoding ----------------------------------------------------------------------------------

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(model))
    return _HINTS[cls]


def _type_name(value: Any) -> str:
    return type(value).__name__


def _decode(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin is types.UnionType or origin is typing.Union:
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) == 1:
            return _decode(non_none[0], value, path)
        raise CodecError(path, f"unsupported union {tp}")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise CodecError(path, f"expected list, got {_type_name(value)}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            raise CodecError(path, f"expected {len(args)} items, got {len(value)}")
        return tuple(_decode(a, v, f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True)))
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise CodecError(path, f"{value!r} is not a valid {tp.__name__}") from None
    if tp is bool:
        if not isinstance(value, bool):
            raise CodecError(path, f"expected bool, got {_type_name(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise CodecError(path, f"expected int, got {_type_name(value)}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise CodecError(path, f"expected str, got {_type_name(value)}")
        return value
    if tp is Decimal:
        if not isinstance(value, str):
            raise CodecError(path, f"expected decimal string, got {_type_name(value)}")
        try:
            d = Decimal(value)
        except InvalidOperation:
            raise CodecError(path, f"{value!r} is not a decimal") from None
        if not d.is_finite():
            raise CodecError(path, f"non-finite decimal {value!r}")
        return d
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, value, path)
    raise CodecError(path, f"unsupported type {tp}")


def _decode_dataclass(cls: type, value: Any, path: str) -> Any:
    if not isinstance(value, dict):
        raise CodecError(path, f"expected object, got {_type_name(value)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - set(fields), key=str)
    if unknown:
        raise CodecError(path, f"unknown keys {unknown}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        sub = f"{path}.{name}" if path else name
        if name in value:
            kwargs[name] = _decode(hints[name], value[name], sub)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CodecError(sub, "missing required key")
    return cls(**kwargs)


def definition_from_dict(d: dict[str, Any]) -> SessionDefinition:
    """Decode the dict made by ``definition_to_dict``; exact inverse of it.

    Args:
        d: a dict as produced by ``definition_to_dict`` (or ``json.loads`` of its canonical JSON).
    Returns:
        the SessionDefinition; ``definition_from_dict(definition_to_dict(x)) == x`` and the
        Decimal strings keep their exponent (``"12.50"`` stays ``Decimal("12.50")``).
    Raises:
        CodecError: unknown key, missing required key, wrong JSON type, bad enum value, a decimal
            string that does not parse or is not finite. ``.path`` names the field
            (e.g. ``applicants[3].dossier.years_in_field``).
    """
    out = _decode_dataclass(SessionDefinition, d, "")
    assert isinstance(out, SessionDefinition)
    return out


def canonical_json(obj: Any) -> bytes:
    """Serialize a JSON-safe object to canonical bytes for hashing and signing.

    Keys sorted, no whitespace (``separators=(",", ":")``), non-ASCII kept as UTF-8
    (``ensure_ascii=False``), NaN/Infinity refused. Equal objects give identical bytes.

    Args:
        obj: str/int/bool/None/list/dict (e.g. the result of ``definition_to_dict``). Floats are
            accepted by ``json`` but should not appear in signed data; use Decimal strings.
    Returns:
        UTF-8 bytes.
    Raises:
        ValueError: a float NaN/Infinity; TypeError: a non-JSON type;
        UnicodeEncodeError: a lone surrogate in a string.
    """
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )
