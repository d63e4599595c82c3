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
    data["phases"][0] = {"id": "onset", "duration": "12 minutes"}
    assert not validator.is_valid(data)
    data["phases"][0] = {"id": "onset", "duration": "12m", "music": {"items": ["a.ogg"]}}
    assert validator.is_valid(data)
