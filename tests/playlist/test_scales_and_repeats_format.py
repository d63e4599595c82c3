"""The playlist keys of issue 13: clinical scales in a check's measures, repeating checks
(every/until), the new thresholds and monitoring_form; bad values at file:line:col."""

from __future__ import annotations

import textwrap
from pathlib import Path

import jsonschema
import yaml

from session_player.playlist.loader import load_playlist
from session_player.playlist.schema import json_schema
from session_player.session.vitals import check_specs

HEAD = """
title: Scales
route: IV
phases:
  - id: onset
    duration: 2h
clinical:
  vitals:
"""


def _write(tmp_path: Path, vitals: str, extra: str = "") -> Path:
    path = tmp_path / "p.yaml"
    text = textwrap.dedent(HEAD).lstrip("\n") + textwrap.indent(
        textwrap.dedent(vitals).lstrip("\n"), "    "
    )
    text += textwrap.indent(textwrap.dedent(extra).lstrip("\n"), "  ")
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    result = load_playlist(path, check_audio=False)
    return [p.format().split(":", 1)[1] for p in result.problems]


def test_scales_and_a_repeating_check_load_and_expand(tmp_path):
    path = _write(
        tmp_path,
        """
        - at: pre-dose
          measures: [blood_pressure, respiratory_rate, sedation]
        - every: 15m
          until: 1h
          label: Infusion
          measures: [blood_pressure, heart_rate, sedation, dissociation]
        - at: discharge
          measures: [cadss]
        """,
        """
        thresholds: {sedation_min: 3, dissociation_max: 4, cadss_max: 10,
                     respiratory_rate_min: 8}
        monitoring_form: spravato-rems
        """,
    )
    result = load_playlist(path, check_audio=False)
    # Only the REMS warning: this playlist fills the form but takes no BP at 40m or the end.
    assert [p.format().split(":", 1)[1] for p in result.problems] == [
        "8:5: warning: the Spravato REMS monitoring form asks for blood pressure at 40 "
        "minutes (at: 40m), before the end (at: discharge); add a check with measures: "
        "[blood_pressure]"
    ]
    clinical = result.playlist.clinical
    assert clinical.vitals[1].times_s == [900.0, 1800.0, 2700.0, 3600.0]
    assert clinical.thresholds.sedation_min == 3 and clinical.monitoring_form == "spravato-rems"
    keys = [spec.key for spec in check_specs(clinical)]
    assert keys == [
        "pre-dose",
        "Infusion 15m",
        "Infusion 30m",
        "Infusion 45m",
        "Infusion 1h",
        "discharge",
    ]


def test_a_repeating_check_may_start_at_the_dose(tmp_path):
    path = _write(tmp_path, "- {at: 0m, every: 30m, until: 1h}\n")
    result = load_playlist(path, check_audio=False)
    assert result.ok
    assert [spec.key for spec in check_specs(result.playlist.clinical)] == ["0s", "30m", "1h"]


def test_bad_repeating_checks_and_scales_point_at_the_check(tmp_path):
    path = _write(
        tmp_path,
        """
        - every: 10m
        - at: pre-dose
          every: 5m
          until: 1h
        - every: 10m
          until: 5m
        - until: 1h
          at: 10m
        - at: 20m
          measures: [cadss, dissociation]
        - at: 30m
          measures: [sedaton]
        - every: 1m
          until: 5h
        - at: 40m
          every: ten minutes
          until: 1h
        """,
        """
        thresholds: {sedation_min: 0, cadss_max: 92}
        monitoring_form: rems
        """,
    )
    found = _problems(path)
    assert found == [
        "8:7: error: a repeating check needs until: (the time after the dose of its last "
        "check, for example 2h)",
        "9:7: error: a repeating check starts at a time after the dose, not at pre-dose",
        "12:7: error: until: comes before the first check of this repeating check",
        "14:7: error: until: belongs to a repeating check: add every: (say 10m)",
        "16:7: error: choose dissociation (a 0-10 rating) or cadss (the full scale), not both",
        "19:18: error: expected one of blood_pressure, heart_rate, spo2, respiratory_rate, "
        "sedation, dissociation, cadss, got 'sedaton'",
        "20:7: error: every: 1m until: 5h makes 300 checks; at most 200",
        found[7],
        "25:30: error: sedation_min: must be at least 1, got 0",
        "25:44: error: cadss_max: must be at most 91, got 92",
        found[10],
    ]
    assert found[7].startswith("23:14: error: every: expected a duration such as 90s")
    assert found[10].startswith("26:20: error: monitoring_form: expected one of spravato-rems")


def test_a_repeating_check_past_the_end_warns_at_its_until(tmp_path):
    path = _write(tmp_path, "- {every: 30m, until: 3h}\n")
    assert _problems(path) == [
        "8:27: warning: this repeating check runs until 3h, after the planned end of the "
        "session (2h)"
    ]


def test_intranasal_without_the_rems_blood_pressures_warns(tmp_path):
    path = tmp_path / "p.yaml"
    text = textwrap.dedent(HEAD).lstrip("\n").replace("route: IV", "route: intranasal")
    text += "    - at: pre-dose\n    - at: 40m\n      measures: [heart_rate]\n"
    text += "  minimum_observation: 2h\n"
    path.write_text(text, encoding="utf-8")
    assert _problems(path) == [
        "8:5: warning: the Spravato REMS monitoring form asks for blood pressure at 40 "
        "minutes (at: 40m), before the end (at: discharge); add a check with measures: "
        "[blood_pressure]"
    ]
    path.write_text(text + "  monitoring_form: none\n", encoding="utf-8")
    assert _problems(path) == []


def test_the_json_schema_knows_the_new_keys(tmp_path):
    schema = json_schema()
    document = yaml.safe_load(
        textwrap.dedent(HEAD).lstrip("\n")
        + "    - {every: 10m, until: 1h, measures: [sedation, respiratory_rate]}\n"
        + "  thresholds: {sedation_min: 4, cadss_max: 4}\n  monitoring_form: spravato-rems\n"
    )
    jsonschema.validate(document, schema)
    document["clinical"]["vitals"][0]["measures"] = ["moaa"]
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError as error:
        assert "moaa" in error.message
    else:
        raise AssertionError("the schema accepted an unknown measure")
