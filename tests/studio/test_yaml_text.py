"""The splicer on layouts the demo playlists do not have: every list keeps its own
indentation, flow lists stay on their line, odd places are refused rather than damaged."""

from __future__ import annotations

import pytest
import yaml

from session_player.studio.yaml_text import SpliceError, YamlText
from tests.studio.text_diff import changed_lines

MIXED = """\
title: Mixed   # lists indented two ways
phases:
- id: a
  duration: 5m
clinical:
  vitals:
      - at: 10m
      - at: 20m
  discharge_checklist: []   # none yet
"""


def _check(before: str, after: str, expected_data) -> tuple[list[str], list[str]]:
    assert yaml.safe_load(after) == expected_data
    return changed_lines(before, after)


def test_each_list_keeps_its_own_indentation():
    text = YamlText(MIXED)
    after = text.insert_item(("phases",), 1, {"id": "b", "duration": "2m"})
    data = yaml.safe_load(MIXED)
    data["phases"].append({"id": "b", "duration": "2m"})
    assert _check(MIXED, after, data) == ([], ["- id: b", "  duration: 2m"])
    after = text.insert_item(("clinical", "vitals"), 1, {"at": "15m"})
    assert changed_lines(MIXED, after) == ([], ["      - at: 15m"])


def test_an_empty_flow_list_takes_values_on_its_line_and_mappings_below_it():
    after = YamlText(MIXED).insert_item(("clinical", "discharge_checklist"), 0, "Escort home")
    assert changed_lines(MIXED, after) == (
        ["  discharge_checklist: []   # none yet"],
        ["  discharge_checklist: [Escort home]   # none yet"],
    )
    text = MIXED.replace("  discharge_checklist: []", "  extra: []")
    after = YamlText(text).insert_item(("clinical", "extra"), 0, {"at": "1m", "label": "x"})
    assert changed_lines(text, after) == (
        ["  extra: []   # none yet"],
        ["  extra:   # none yet", "      - at: 1m", "        label: x"],  # as vitals above
    )
    assert yaml.safe_load(after)["clinical"]["extra"] == [{"at": "1m", "label": "x"}]


def test_flow_lists_are_rewritten_on_their_line():
    text = "patient:\n  soundscapes: [rain, ocean]  # two\n"
    after = YamlText(text).insert_item(("patient", "soundscapes"), 1, "wind: windy")
    assert after == 'patient:\n  soundscapes: [rain, "wind: windy", ocean]  # two\n'
    assert (
        YamlText(after)
        .move_item(("patient", "soundscapes"), 2, 0)
        .startswith('patient:\n  soundscapes: [ocean, rain, "wind: windy"]')
    )


def test_text_without_a_final_newline():
    text = "title: x\nphases:\n  - id: a\n    duration: 5m"
    after = YamlText(text).set_value(("phases", 0, "end"), "hold")
    assert yaml.safe_load(after)["phases"][0] == {"id": "a", "duration": "5m", "end": "hold"}
    after = YamlText(text).insert_item(("phases",), 1, {"id": "b", "duration": "1m"})
    assert [p["id"] for p in yaml.safe_load(after)["phases"]] == ["a", "b"]


def test_values_that_need_quotes_are_quoted():
    text = "title: x\n"
    for value in ["yes", "12:30", "a # b", "- x", "", " padded", "null", "007", "[x"]:
        after = YamlText(text).set_value(("title",), value)
        assert yaml.safe_load(after)["title"] == value, after


def test_places_the_splicer_cannot_edit_are_refused():
    text = "title: x\nphases:\n  - id: a\n    duration: 5m\ndescription: |\n  two\n  lines\n"
    with pytest.raises(SpliceError, match="block of text"):
        YamlText(text).replace_scalar(("description",), "one")
    with pytest.raises(SpliceError, match="starts a list item"):
        YamlText(text).remove_key(("phases", 0, "id"))
    with pytest.raises(SpliceError, match="would be empty"):
        YamlText(text).remove_item(("phases",), 0)
    with pytest.raises(SpliceError, match="not a mapping"):
        YamlText("- a\n- b\n")
