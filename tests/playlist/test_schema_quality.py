"""The schema is something a therapist can author with: every key and enum value explained,
messages in words, defaults as therapists write them, snippets in a sensible order.

These walk the generated schema (what `session-player schema` prints), so a key added to the
model without a description fails here, not in front of a therapist's hover.
"""

from __future__ import annotations

import re

import jsonschema
import pytest

from session_player.playlist import schema_docs
from session_player.playlist.durations import parse_duration_s
from session_player.playlist.schema import json_schema
from session_player.playlist.schema_patterns import integers_up_to, number_at_most

SCHEMA = json_schema()
DEFS = SCHEMA["$defs"]


def _properties():
    for name, definition in DEFS.items():
        for key, node in definition.get("properties", {}).items():
            yield f"{name}.{key}", node


def _nodes(node, where):
    """Every schema node under a key: the key's own, its list items and its alternatives."""
    yield where, node
    if isinstance(node.get("items"), dict):
        yield from _nodes(node["items"], where + "[]")
    for index, alternative in enumerate(node.get("anyOf", [])):
        yield from _nodes(alternative, f"{where}|{index}")
    for index, part in enumerate(node.get("allOf", [])):
        yield from _nodes(part, f"{where}&{index}")


def _all_nodes():
    for where, node in _properties():
        yield from _nodes(node, where)


def test_every_definition_and_key_has_a_description():
    missing = [name for name, d in DEFS.items() if not d.get("description", "").strip()]
    missing += [where for where, node in _properties() if not node.get("description", "").strip()]
    assert missing == []


def test_every_enum_value_has_a_description_and_a_message():
    missing = []
    for where, node in _all_nodes():
        values = node.get("enum", [node["const"]] if "const" in node else None)
        if values is None:
            continue
        described = node.get("enumDescriptions", [])
        if len(described) != len(values) or not all(text.strip() for text in described):
            missing.append(f"{where}: {values} -> {described}")
        if not node.get("errorMessage"):
            missing.append(f"{where}: no errorMessage")
    assert missing == []


def test_every_pattern_has_a_message_in_words():
    """yaml-language-server shows patternErrorMessage instead of the regular expression."""
    raw = []
    for where, node in _all_nodes():
        if "pattern" in node and not node.get("patternErrorMessage"):
            raw.append(where)
    for name, definition in DEFS.items():
        names = definition.get("properties", {})
        for key, node in names.items():
            keyed = isinstance(node.get("additionalProperties"), dict)
            if keyed and not node.get("propertyNames", {}).get("patternErrorMessage"):
                raw.append(f"{name}.{key} (ids)")
    assert raw == []


def test_every_value_key_has_examples_or_choices():
    """A key whose value is typed (not an object or a list of objects) offers examples."""
    bare = []
    for where, node in _properties():
        types = node.get("type", [])
        types = [types] if isinstance(types, str) else types
        if not ({"string", "number", "integer"} & set(types)):
            continue
        if "enum" in node or "const" in node:
            continue
        if not node.get("examples") and "default" not in node:
            bare.append(where)
    assert bare == []


def test_defaults_are_written_as_a_therapist_writes_them():
    wrong = []
    for where, node in _all_nodes():
        if "default" not in node:
            continue
        default = node["default"]
        if default is None or isinstance(default, (dict, list)):
            wrong.append(f"{where}: {default!r}")  # completion would write it out
        if node.get("pattern") and isinstance(default, (int, float)):
            wrong.append(f"{where}: {default!r} is seconds, not 5m")
    assert wrong == []
    extend_step = DEFS["Phase"]["properties"]["extend_step"]
    assert extend_step["default"] == "5m"
    assert parse_duration_s(extend_step["default"]) == 300
    assert DEFS["SoundscapeLayer"]["properties"]["max_gap"]["default"] == "1m"
    assert "Default: 5m." in extend_step["description"]


def test_no_hover_is_titled_x_or_x():
    """Alternatives that cannot be told apart are shown as 'X || X' by yaml-language-server."""
    blurred = []
    for where, node in _all_nodes():
        alternatives = node.get("anyOf", [])
        seen = set()
        for alternative in alternatives:
            if "$ref" in alternative:
                continue
            label = (alternative.get("title"), alternative.get("description"))
            if label in seen:
                blurred.append(where)
            seen.add(label)
    assert blurred == []


def test_a_new_phase_is_written_id_name_duration_first():
    phase = DEFS["Phase"]
    assert list(phase["properties"])[:4] == ["id", "name", "duration", "end"]
    (snippet,) = phase["defaultSnippets"]
    assert list(snippet["body"])[:3] == ["id", "name", "duration"]
    assert list(DEFS["Playlist"]["properties"])[:2] == ["title", "route"]


def test_examples_satisfy_the_schema():
    wrong = []
    for where, node in _properties():
        for example in node.get("examples", []):
            validator = jsonschema.Draft7Validator({**node, "$defs": DEFS})
            if not validator.is_valid(example):
                wrong.append(f"{where}: {example!r}")
    for name, definition in DEFS.items():
        for snippet in definition.get("defaultSnippets", []):
            body = _without_placeholders(snippet["body"])
            validator = jsonschema.Draft7Validator({**definition, "$defs": DEFS})
            if not validator.is_valid(body):
                wrong.append(f"{name} snippet: {body}")
    assert wrong == []


def _without_placeholders(value):
    if isinstance(value, dict):
        return {key: _without_placeholders(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_placeholders(item) for item in value]
    if isinstance(value, str):
        return re.sub(r"\$\{\d+:([^}]*)\}", r"\1", value)
    return value


def test_the_tables_name_only_keys_that_exist():
    keys = {where for where, _ in _properties()}
    stale = [key for key in schema_docs.DESCRIPTIONS if key not in keys]
    stale += [key for key in schema_docs.EXAMPLES if key not in keys]
    stale += [key for key in schema_docs.ENUM_VALUES if key not in keys]
    stale += [key for key in schema_docs.ENUM_MESSAGES if key not in keys]
    stale += [name for name in schema_docs.DEFINITIONS if name not in DEFS]
    stale += [name for name in schema_docs.SNIPPETS if name not in DEFS]
    stale += [name for name in schema_docs.EXACTLY_ONE if name not in DEFS]
    for name, order in schema_docs.KEY_ORDER.items():
        stale += [f"{name}.{key}" for key in order if f"{name}.{key}" not in keys]
    assert stale == []


@pytest.mark.parametrize("top", [0, 1, 9, 10, 99, 100, 168, 10080, 604800])
def test_bounded_numbers_are_exact(top):
    whole = re.compile(rf"^{integers_up_to(top)}$")
    for number in [*range(0, min(top + 50, 12000)), top, top + 1, top * 10 + 7]:
        assert bool(whole.match(str(number))) == (number <= top), number
    assert not whole.match("01")
    bounded = re.compile(rf"^{number_at_most(top + 1)}$")
    assert bounded.match(f"{top + 1}.0") and bounded.match(f"0{top}.999")
    assert not bounded.match(f"{top + 1}.5")
