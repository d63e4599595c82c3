"""Turn pydantic's validation errors into therapist-friendly problems at a YAML line and column.

pydantic reports a location as a tuple of keys and indices, sometimes with extra members
naming the branch of a union (``'literal['all']'``) or a dict key check (``'[key]'``). We
walk that location against the real data, so every message points at a node that exists in
the file: the value that is wrong, the key that is unknown, or the mapping that lacks a key.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable

from pydantic import BaseModel, ValidationError

from session_player.playlist.problems import Problem, error
from session_player.playlist.yaml_source import YamlDocument

PathKey = tuple


def _data_path(data: object, loc: Iterable) -> tuple[PathKey, bool]:
    """The part of ``loc`` that exists in ``data``, and whether it ends on a dict key check."""
    path: list = []
    current = data
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            break
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not _is_branch_tag(part):
            # A key that is absent (missing) or unknown (extra): keep it as the last element.
            path.append(part)
            break
        # Anything else names a union branch or a validator, not a place in the file.
    return tuple(path), is_key


def _is_branch_tag(part: str) -> bool:
    return any(ch in part for ch in "[]()")


def _model_at(model: type[BaseModel], path: PathKey) -> list[type[BaseModel]]:
    """The model classes that describe the mapping at ``path`` (several for unions)."""
    current: list[object] = [model]
    for part in path:
        following: list[object] = []
        for annotation in current:
            for candidate in _unwrap(annotation):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    field = candidate.model_fields.get(part) if isinstance(part, str) else None
                    if field is not None:
                        following.append(field.annotation)
                else:
                    origin = typing.get_origin(candidate)
                    args = typing.get_args(candidate)
                    if origin is list and isinstance(part, int) and args:
                        following.append(args[0])
                    elif origin is dict and isinstance(part, str) and len(args) == 2:
                        following.append(args[1])
        current = following
    models: list[type[BaseModel]] = []
    for annotation in current:
        for candidate in _unwrap(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                models.append(candidate)
    return models


def _unwrap(annotation: object) -> list[object]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        found: list[object] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    return [annotation]


def _known_keys(model: type[BaseModel], parent: PathKey) -> list[str]:
    keys: list[str] = []
    for candidate in _model_at(model, parent):
        keys.extend(name for name in candidate.model_fields if name not in keys)
    return keys


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


def _message(err: dict, key_name: str, known: list[str]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    prefix = f"{key_name}: " if key_name else ""
    if kind == "missing":
        return f"missing required key '{key_name}'"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key_name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key '{key_name}'{hint}"
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"{prefix}expected one of {expected}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return (
            f"{prefix}{_describe(value)} is not a valid id: use lower-case letters, digits, "
            "- and _ (for example soft-rain)"
        )
    if kind in ("too_short", "too_long") and isinstance(value, (list, dict)):
        minimum = ctx.get("min_length")
        if kind == "too_short" and minimum == 1:
            return f"{prefix}needs at least one entry"
        return f"{prefix}{err['msg'].lower()}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{prefix}expected a mapping of keys, got {_describe(value)}"
    if kind == "list_type":
        return f"{prefix}expected a list (lines starting with -), got {_describe(value)}"
    if kind in ("string_type",):
        return f"{prefix}expected text, got {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{prefix}expected true or false, got {_describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float") and isinstance(value, float):
        return f"{prefix}expected a whole number, got {_describe(value)}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        return f"{prefix}expected a number, got {_describe(value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {
            "greater_than_equal": ("at least", "ge"),
            "less_than_equal": ("at most", "le"),
            "greater_than": ("more than", "gt"),
            "less_than": ("less than", "lt"),
        }[kind]
        return f"{prefix}must be {bound[0]} {ctx.get(bound[1])}, got {_describe(value)}"
    if kind == "value_error":
        text = str(ctx.get("error") or err["msg"])
        text = text.removeprefix("Value error, ")
        return f"{prefix}{text}"
    if kind == "string_too_short":
        return f"{prefix}must not be empty"
    if kind == "string_too_long":
        return f"{prefix}is too long (at most {ctx.get('max_length')} characters)"
    return f"{prefix}{err['msg']}"


def problems_from_validation(
    exc: ValidationError, model: type[BaseModel], doc: YamlDocument
) -> list[Problem]:
    problems: list[Problem] = []
    seen_paths: set[tuple] = set()
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        path, is_key = _data_path(doc.data, loc)
        kind = err["type"]
        # A union reports one error per branch; keep the first one at each place.
        branchy = any(isinstance(part, str) and _is_branch_tag(part) for part in loc)
        marker = (path, kind if not branchy else "union")
        if marker in seen_paths:
            continue
        seen_paths.add(marker)
        key_name = str(path[-1]) if path and isinstance(path[-1], str) else ""
        if kind == "missing":
            position = doc.position_of(path[:-1])
            message = _message(err, key_name, [])
            if path[:-1]:
                message += f" in {_where(path[:-1])}"
        elif kind == "extra_forbidden":
            position = doc.key_position_of(path)
            message = _message(err, key_name, _known_keys(model, path[:-1]))
        elif is_key:
            position = doc.key_position_of(path)
            message = _message(err, "", [])
            message = f"key {message}" if not message.startswith("'") else message
        else:
            position = doc.position_of(path)
            message = _message(err, key_name, [])
        problems.append(error(doc.source, position, message))
    return problems


def _where(path: PathKey) -> str:
    """``phases[2].music`` — how a therapist would name the place."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
