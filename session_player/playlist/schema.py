"""The JSON Schema of the playlist format, generated from the same model that validates.

Editors with YAML language support (VS Code's YAML extension, JetBrains IDEs, Neovim with
yaml-language-server) use it for completion, hovers and inline checks; see
docs/editor-setup.md. pydantic writes the structure; this module then makes it an authoring
tool for a therapist, not a programmer:

* the validator's rules where pydantic cannot see them (durations, cue times, ids, a phase
  longer than zero, file-or-silence), with patterns built from the validator's own tables
  (``schema_patterns``), so that the editor and ``validate`` accept the same files;
* a human message for each pattern (``patternErrorMessage``, which yaml-language-server
  shows) instead of the regular expression;
* a description on every key and enum value, examples, and defaults written as a therapist
  writes them (``5m``, not 300; no ``null``), from ``schema_docs``;
* one schema per key rather than ``anyOf`` alternatives (hovers titled "X || X"), keys in the
  order a therapist writes them, snippets for a new phase or cue, and a playlist told apart
  from a library by ``kind`` (``if``/``then``/``else``), so neither is offered the other's
  keys.

What the schema cannot say (references between ids, audio files, includes, sums and
comparisons of two values) only ``session-player validate`` checks.
"""

from __future__ import annotations

import copy

from session_player.playlist import model, schema_docs
from session_player.playlist import schema_patterns as patterns
from session_player.playlist.durations import DURATION_PATTERN, MAX_DURATION_S, format_duration
from session_player.playlist.model import Library, Playlist

SCHEMA_ID = "https://session-player.invalid/schema/playlist-v1.json"

# How the model's own schema fragments are recognised (model.py writes them).
_MODEL_PHASE_TIME_PATTERN = model._PHASE_TIME_SCHEMA["anyOf"][0]["pattern"]
_MODEL_ID_PATTERN = "^[a-z0-9][a-z0-9_-]*$"
_NO_VALUE = object()
# Settling lasts until the dose: its cues are timed from its start only.
_SETTLING_CUES = {"VoiceCue": "SettlingVoiceCue", "BellCue": "SettlingBellCue"}
_SETTLING_RESERVED = "settling"


def json_schema() -> dict:
    playlist = Playlist.model_json_schema(mode="validation")
    library = Library.model_json_schema(mode="validation")
    definitions = {**library.pop("$defs", {}), **playlist.pop("$defs", {})}
    definitions["Playlist"] = playlist
    definitions["Library"] = library
    for name, definition in definitions.items():
        _polish_definition(name, definition)
    _settling_cues_from_start(definitions)
    return {
        # Draft-07 is what editors' YAML language servers support; our schema uses nothing newer.
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "Session Player playlist",
        "description": "A session playlist (kind: session, the default) or a shared library "
        "of soundscapes, bells and voices (kind: library).",
        "type": "object",
        # The loader's rule: kind: library makes a library, anything else a session. The
        # pattern beside the const keeps an empty kind: (while completing it) a session, so
        # a new playlist is offered kind: session, not library.
        "if": {
            "properties": {"kind": {"type": "string", "const": "library", "pattern": "^library$"}},
            "required": ["kind"],
        },
        "then": {"$ref": "#/$defs/Library"},
        "else": {"$ref": "#/$defs/Playlist"},
        "$defs": definitions,
    }


# --- definitions (objects) ---------------------------------------------------------------


def _polish_definition(name: str, definition: dict) -> None:
    if name in schema_docs.DEFINITIONS:
        definition["description"] = schema_docs.DEFINITIONS[name]
    properties = definition.get("properties", {})
    for key in list(properties):
        properties[key] = _polish_property(f"{name}.{key}", properties[key])
    order = schema_docs.KEY_ORDER.get(name)
    if order:
        first = [key for key in order if key in properties]
        definition["properties"] = {
            **{key: properties[key] for key in first},
            **{key: value for key, value in properties.items() if key not in first},
        }
    if name in schema_docs.EXACTLY_ONE:
        definition.update(_exactly_one(*schema_docs.EXACTLY_ONE[name]))
    if name in schema_docs.SNIPPETS:
        definition["defaultSnippets"] = copy.deepcopy(schema_docs.SNIPPETS[name])
    if name == "Phase":
        _phase_rules(definition["properties"])
    if name == "VitalCheck" and "every" in definition["properties"]:
        definition["allOf"] = _single_check_rules()


def _exactly_one(first: str, second: str, message: str) -> dict:
    """One of two keys, the other absent or empty (null), as the model's validator says."""
    given = {"required": [first], "properties": {first: {"not": {"type": "null"}}}}
    return {
        "if": given,
        "then": {"properties": {second: {"type": "null", "errorMessage": message}}},
        "else": {
            "required": [second],
            "properties": {second: {"not": {"type": "null"}}},
            "errorMessage": message,
        },
    }


def _single_check_rules() -> list[dict]:
    """A check without every: is a single check: it needs at:, and until: means nothing.

    The rest of a repeating check's rules compare its times (until: after the first check,
    at most 200 checks); only validate checks those.
    """
    single = {"properties": {"every": {"type": "null"}}}
    return [
        {
            "if": single,
            "then": {
                "required": ["at"],
                "properties": {"at": {"not": {"type": "null"}}},
                "errorMessage": "A check needs at: (pre-dose, discharge or a time after the "
                "dose such as 40m), or every: and until: to repeat.",
            },
        },
        {
            "if": single,
            "then": {
                "properties": {
                    "until": {
                        "type": "null",
                        "errorMessage": "until: belongs to a repeating check: add every: "
                        "(say 10m).",
                    }
                }
            },
        },
    ]


def _phase_rules(properties: dict) -> None:
    """A phase lasts longer than zero, and is not called settling (checks.py says so too)."""
    duration = properties["duration"]
    duration["pattern"] = patterns.POSITIVE_DURATION
    duration["patternErrorMessage"] = patterns.POSITIVE_DURATION_MESSAGE
    duration["errorMessage"] = patterns.POSITIVE_DURATION_MESSAGE
    duration.pop("minimum", None)
    duration["exclusiveMinimum"] = 0
    # Two patterns, each with its own message: a bad id is told what an id is, settling
    # is told why it is reserved.
    identifier = properties["id"]
    identifier["allOf"] = [
        {
            "pattern": identifier.pop("pattern"),
            "patternErrorMessage": identifier.pop("patternErrorMessage"),
        },
        {
            "pattern": rf"^(?!\s*{_SETTLING_RESERVED}\s*$)",
            "patternErrorMessage": "settling is the part before the dose: describe it under "
            "settling:, not as a phase.",
        },
    ]


def _settling_cues_from_start(definitions: dict) -> None:
    for cue, settling_cue in _SETTLING_CUES.items():
        copied = copy.deepcopy(definitions[cue])
        at = copied["properties"]["at"]
        at["pattern"] = patterns.TIME_FROM_START
        at["patternErrorMessage"] = patterns.TIME_FROM_START_MESSAGE
        at["errorMessage"] = patterns.TIME_FROM_START_MESSAGE
        at["examples"] = [example for example in at.get("examples", []) if "end" not in example]
        copied["title"] = settling_cue
        definitions[settling_cue] = copied
    settling = definitions["Settling"]["properties"]
    settling["voice"]["items"] = {"$ref": "#/$defs/SettlingVoiceCue"}
    settling["bells"]["items"] = {"$ref": "#/$defs/SettlingBellCue"}


# --- keys ----------------------------------------------------------------------------------


def _polish_property(where: str, node: dict) -> dict:
    node = dict(node)
    default = node.pop("default", _NO_VALUE)
    nullable, node = _without_null(node)
    kind = _kind(node)
    node = _rewrite(kind, node, where)
    if nullable:
        node = _with_null(node)
    if where in schema_docs.DESCRIPTIONS:
        node["description"] = schema_docs.DESCRIPTIONS[where]
    if kind == "duration" and isinstance(default, (int, float)) and not isinstance(default, bool):
        default = format_duration(default)
    # Only plain values are defaults an editor should write: not null (the key left out
    # means the same), not an object or a list (each key inside has its own default).
    if default is not _NO_VALUE and (default is None or isinstance(default, (dict, list))):
        default = _NO_VALUE
    if default is not _NO_VALUE:
        node["default"] = default
        if default != "":
            node["description"] = _sentence(node.get("description", "")) + (
                f" Default: {_as_written(default)}."
            )
    if node.get("type") == "integer":
        node["errorMessage"] = "Write a whole number, such as 140."
    examples = schema_docs.EXAMPLES.get(where) or _kind_examples(kind, where)
    if examples and "enum" not in node and "const" not in node:
        node["examples"] = copy.deepcopy(examples)
    _describe_enum(where, node)
    return node


def _without_null(node: dict) -> tuple[bool, dict]:
    """``X | None`` from pydantic (anyOf [X, null]) as X, and whether null was allowed."""
    alternatives = node.get("anyOf")
    if not alternatives or {"type": "null"} not in alternatives:
        return False, node
    rest = [alternative for alternative in alternatives if alternative != {"type": "null"}]
    outer = {key: value for key, value in node.items() if key != "anyOf"}
    if len(rest) == 1:
        return True, {**rest[0], **outer}
    return True, {**outer, "anyOf": rest}


def _with_null(node: dict) -> dict:
    types = node.get("type")
    if isinstance(types, str):
        node["type"] = [types, "null"]
    elif isinstance(types, list):
        node["type"] = [*types, "null"]
    elif "enum" in node:
        node["enum"] = [*node["enum"], None]
    else:
        # A reference to an object: an empty key (null) means the same as leaving it out.
        annotations = {key: node.pop(key) for key in ("title", "description") if key in node}
        empty = {"type": "null", "description": "Left empty: as if the key were not there."}
        node = {**annotations, "anyOf": [node, empty]}
    return node


def _kind(node: dict) -> str | None:
    patterns_inside = {
        alternative.get("pattern")
        for alternative in node.get("anyOf", [])
        if "pattern" in alternative
    }
    if any("enum" in alternative for alternative in node.get("anyOf", [])) and any(
        "anyOf" in alternative for alternative in node.get("anyOf", [])
    ):
        return "vital_time"
    if DURATION_PATTERN in patterns_inside:
        return "duration"
    if _MODEL_PHASE_TIME_PATTERN in patterns_inside:
        return "phase_time"
    if node.get("pattern") == _MODEL_ID_PATTERN:
        return "identifier"
    if node.get("type") == "string" and node.get("minLength") == 1:
        return "text"
    return None


_TIMES = {
    "duration": (patterns.DURATION, patterns.DURATION_MESSAGE),
    "phase_time": (patterns.PHASE_TIME, patterns.PHASE_TIME_MESSAGE),
    "vital_time": (patterns.VITAL_TIME, patterns.VITAL_TIME_MESSAGE),
}


def _rewrite(kind: str | None, node: dict, where: str) -> dict:
    annotations = {key: node[key] for key in ("title", "description") if key in node}
    if kind in _TIMES:
        pattern, message = _TIMES[kind]
        # One schema for text and numbers (pattern applies to text, the bounds to numbers):
        # alternatives would be shown as "Duration || Duration" and hide the message.
        return {
            **annotations,
            "type": ["string", "number"],
            "pattern": pattern,
            "minimum": 0,
            "maximum": MAX_DURATION_S,
            "patternErrorMessage": message,
            "errorMessage": message,
        }
    if kind == "identifier":
        rest = {key: value for key, value in node.items() if key != "maxLength"}
        return {
            **rest,
            "pattern": patterns.IDENTIFIER,
            "patternErrorMessage": patterns.IDENTIFIER_MESSAGE,
        }
    if kind == "text":
        # The validator strips spaces before counting: "   " is as empty as "".
        rest = {key: value for key, value in node.items() if key != "minLength"}
        return {
            **rest,
            "pattern": patterns.NOT_BLANK,
            "patternErrorMessage": patterns.NOT_BLANK_MESSAGE,
        }
    node = dict(node)
    if isinstance(node.get("items"), dict):
        node["items"] = _polish_value(node["items"], where)
    if "patternProperties" in node:
        (value,) = node.pop("patternProperties").values()
        node.pop("propertyNames", None)
        node["additionalProperties"] = value
        node["propertyNames"] = {
            "pattern": patterns.IDENTIFIER,
            "patternErrorMessage": patterns.IDENTIFIER_MESSAGE,
        }
    if "anyOf" in node:
        node["anyOf"] = [_polish_value(alternative, where) for alternative in node["anyOf"]]
    return node


def _polish_value(node: dict, where: str) -> dict:
    """An item of a list or an alternative: its patterns and messages, not the key's docs."""
    if "$ref" in node:
        return node
    if where == "MusicLayer.items" and node == {"type": "string"}:
        # "- music/slow-tide.ogg" is short for "- file: music/slow-tide.ogg": a path, not blank.
        node = {
            "type": "string",
            "description": "An audio file, relative to this file (short for file: path).",
            "minLength": 1,
        }
    node = _rewrite(_kind(node), dict(node), where)
    _describe_enum(where, node)
    if "const" in node and "description" not in node:
        node["description"] = _enum_text(where, node["const"])
    return node


def _describe_enum(where: str, node: dict) -> None:
    values = node.get("enum")
    if values is None and "const" in node:
        values = [node["const"]]
        if "description" not in node:
            node["description"] = _enum_text(where, node["const"])
    if values is None:
        return
    node["enumDescriptions"] = [_enum_text(where, value) for value in values]
    written = [_as_written(value) for value in values if value is not None]
    if where in schema_docs.ENUM_MESSAGES:
        node["errorMessage"] = schema_docs.ENUM_MESSAGES[where]
    elif len(written) > 1:
        node["errorMessage"] = f"Write one of: {', '.join(written)}."
    else:
        node["errorMessage"] = f"Write {written[0]}, or leave the key out."


def _enum_text(where: str, value: object) -> str:
    if value is None:
        return "Left empty: as if the key were not there."
    return schema_docs.ENUM_VALUES.get(where, {}).get(value, "")


def _kind_examples(kind: str | None, where: str) -> list | None:
    if where.endswith("gain_db"):
        return schema_docs.KIND_EXAMPLES["gain"]
    if kind in ("duration", "phase_time", "identifier"):
        return schema_docs.KIND_EXAMPLES[kind]
    return None


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _as_written(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
