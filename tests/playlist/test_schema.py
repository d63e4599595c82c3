"""The JSON Schema that editors use agrees with the validator on the bundled playlists."""

from pathlib import Path

import jsonschema
import pytest
import yaml

from session_player.playlist.schema import json_schema

PLAYLISTS = sorted((Path(__file__).resolve().parents[2] / "playlists").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("path", PLAYLISTS, ids=lambda p: p.name)
def test_bundled_playlists_satisfy_the_schema(validator, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_schema_rejects_what_the_validator_rejects(validator):
    data = {"title": "x", "route": "IV", "phases": [{"id": "onset", "duraton": "12m"}]}
    assert not validator.is_valid(data)
    data["phases"][0] = {"id": "onset", "duration": "12 minuets"}
    assert not validator.is_valid(data)
    data["phases"][0] = {"id": "onset", "duration": "12m", "music": {"items": ["a.ogg"]}}
    assert validator.is_valid(data)


SPELLINGS = [
    "12 minutes",
    "12 min",
    "12 mins",
    "1 hour 30 minutes",
    "1h 30m",
    "90 seconds",
    "1.5h",
    "2 Hours",
    "1 hr 5 mins",
    "1 hour and 30 minutes",
    "1 hour, 30 minutes",
    "250ms",
    "1m30.5s",
]
REFUSED = ["12 minuets", "12mx", "1:30", "half an hour", "1h,,30m", "12 and", "m", "-5m"]


@pytest.mark.parametrize("text", SPELLINGS + REFUSED)
def test_the_schema_reads_the_durations_the_validator_reads(validator, text):
    """Editors and the validator agree on every spelling: the pattern comes from one table."""
    from session_player.playlist.durations import DurationError, parse_duration_s

    try:
        parse_duration_s(text)
        accepted = True
    except DurationError:
        accepted = False
    assert accepted == (text in SPELLINGS)
    phase = {"id": "onset", "duration": text, "music": {"items": ["a.ogg"]}}
    data = {"title": "x", "route": "IV", "phases": [phase]}
    assert validator.is_valid(data) == accepted
    cue = {"id": "onset", "duration": "12m", "voice": [{"at": text, "cue": "welcome"}]}
    assert validator.is_valid({**data, "phases": [cue]}) == accepted
