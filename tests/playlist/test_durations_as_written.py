"""Durations as people write them (docs/playlist-format.md, section 4): the validator reads
the common spellings, and refuses the rest at the value's line and column."""

from __future__ import annotations

import textwrap

import pytest

from session_player.playlist.durations import DurationError, parse_duration_s
from session_player.playlist.loader import load_playlist

MIN = 60.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("12 minutes", 12 * MIN),
        ("12 min", 12 * MIN),
        ("12 mins", 12 * MIN),
        ("1 minute", MIN),
        ("12M", 12 * MIN),
        ("1 hour 30 minutes", 90 * MIN),
        ("1 hour and 30 minutes", 90 * MIN),
        ("1 hour, 30 minutes", 90 * MIN),
        ("1h 30m", 90 * MIN),
        ("1h30m", 90 * MIN),
        ("1 hr 5 mins", 65 * MIN),
        ("2 hours", 120 * MIN),
        ("1.5h", 90 * MIN),
        ("1.5 hours", 90 * MIN),
        ("90 seconds", 90.0),
        ("90 secs", 90.0),
        ("90s", 90.0),
        ("250ms", 0.25),
        ("250 milliseconds", 0.25),
        (90, 90.0),
    ],
)
def test_common_spellings_are_read(text, seconds):
    assert parse_duration_s(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text", ["12 minuets", "12mx", "1:30", "half an hour", "1h 30", "12 and", "1h,,30m", "m"]
)
def test_other_spellings_are_refused_with_examples(text):
    with pytest.raises(DurationError, match="such as 90s, 12m, 12 minutes or 1h 30m"):
        parse_duration_s(text)


def test_a_playlist_with_spelled_out_durations_is_valid(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        textwrap.dedent(
            """
            title: Spelled out
            route: IV
            phases:
              - id: onset
                duration: 12 minutes
                voice:
                  - at: end - 2 min
                    file: none.ogg
              - id: peak
                duration: 1 hour 30 minutes
                max_extend: 10 mins
            clinical:
              minimum_observation: 1 hour
              vitals:
                - at: 40 minutes
            """
        ),
        encoding="utf-8",
    )
    result = load_playlist(path, check_audio=False)
    assert [p.format() for p in result.problems] == []
    playlist = result.playlist
    assert [p.duration for p in playlist.phases] == [12 * MIN, 90 * MIN]
    assert playlist.phases[1].max_extend == 10 * MIN
    assert playlist.clinical.minimum_observation == 60 * MIN
    assert playlist.clinical.vitals[0].at == 40 * MIN
