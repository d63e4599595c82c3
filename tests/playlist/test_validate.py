"""The validator as therapists meet it: every problem at the right line and column."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from session_player.cli.main import main as cli_main
from session_player.playlist.loader import load_playlist

FFMPEG = shutil.which("ffmpeg")


@pytest.fixture(scope="module")
def tone_file(tmp_path_factory) -> Path:
    """A real 3-second OGG file made with ffmpeg (the validator decodes what it checks)."""
    from session_player.media.ffmpeg import ffmpeg_exe

    folder = tmp_path_factory.mktemp("audio")
    path = folder / "tone.ogg"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=220:duration=3",
            "-ac",
            "2",
            "-c:a",
            "libvorbis",
            str(path),
        ],
        check=True,
    )
    return path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(path: Path, **kwargs) -> list[str]:
    result = load_playlist(path, **kwargs)
    return [p.format().split(":", 1)[1] for p in result.problems]


MINIMAL = """
title: Minimal
route: IV
phases:
  - id: onset
    duration: 12m
"""


def test_minimal_playlist_is_valid(tmp_path):
    path = write(tmp_path, "p.yaml", MINIMAL)
    result = load_playlist(path)
    assert result.ok, [p.format() for p in result.problems]
    assert result.playlist.phases[0].duration == 720


def test_unknown_key_suggests_the_right_one(tmp_path):
    path = write(tmp_path, "p.yaml", MINIMAL.replace("duration: 12m", "duraton: 12m"))
    found = problems_of(path)
    assert "4:5: error: missing required key 'duration' in phases[0]" in found
    assert "5:5: error: unknown key 'duraton'; did you mean 'duration'?" in found


def test_bad_duration_points_at_the_value(tmp_path):
    path = write(tmp_path, "p.yaml", MINIMAL.replace("12m", "12 minuets"))
    (only,) = problems_of(path)
    assert only.startswith("5:15: error: duration: expected a duration such as 90s")


def test_wrong_enum_and_ranges(tmp_path):
    text = MINIMAL.replace("route: IV", "route: nasal") + "levels:\n  ceiling_dbfs: 6\n"
    found = problems_of(write(tmp_path, "p.yaml", text))
    assert found[0].startswith("2:8: error: route: expected one of IV, IM, intranasal")
    assert "7:17: error: ceiling_dbfs: must be at most 0.0, got 6" in found


def test_problems_are_sorted_and_all_reported(tmp_path, tone_file):
    text = f"""
    title: Many problems
    route: IV
    soundscapes:
      rain:
        name: Rain
        layers:
          - bed: {tone_file}
          - one_shots: [missing.ogg]
    phases:
      - id: onset
        duration: 10m
        soundscape: rian
        voice:
          - at: end-30m
            file: {tone_file}
      - id: Peak
        duration: 5m
    """
    found = problems_of(write(tmp_path, "p.yaml", text))
    lines = [int(f.split(":")[0]) for f in found]
    assert lines == sorted(lines)
    assert any(
        f.startswith("8:21: error: one-shot file missing.ogg: file not found") for f in found
    )
    assert "12:17: error: no soundscape called 'rian'; did you mean 'rain'?" in found
    assert any(f.startswith("14:13: warning: this cue at end-30m falls outside") for f in found)
    assert any(f.startswith("16:9: error: id: 'Peak' is not a valid id") for f in found)


def test_references_must_exist(tmp_path):
    text = MINIMAL + textwrap.dedent(
        """
        calm_down:
          soundscape: drone
        patient:
          soundscapes: [rain]
          phases: [onset, peak]
        """
    )
    found = problems_of(write(tmp_path, "p.yaml", text))
    assert any(f.startswith("8:15: error: no soundscape called 'drone'") for f in found)
    assert any(f.startswith("10:17: error: no soundscape called 'rain'") for f in found)
    assert any(f.startswith("11:19: error: no phase called 'peak'") for f in found)


def test_duplicate_phase_ids(tmp_path):
    text = MINIMAL + "  - id: onset\n    duration: 5m\n"
    found = problems_of(write(tmp_path, "p.yaml", text))
    assert found == ["6:9: error: phase id 'onset' is used twice (first by phase 1)"]


def test_broken_and_missing_audio_files_are_errors(tmp_path):
    (tmp_path / "junk.ogg").write_bytes(b"\x00garbage" * 500)
    text = MINIMAL + "    music:\n      items:\n        - junk.ogg\n        - nowhere.ogg\n"
    found = problems_of(write(tmp_path, "p.yaml", text))
    assert found == [
        "8:11: error: music file junk.ogg: not an audio file that ffmpeg can read",
        "9:11: error: music file nowhere.ogg: file not found",
    ]


def test_music_shorter_than_phase_warns_and_strict_makes_it_an_error(tmp_path, tone_file):
    text = MINIMAL + f"    music:\n      items: [{tone_file}]\n"
    path = write(tmp_path, "p.yaml", text)
    result = load_playlist(path)
    assert result.ok and len(result.warnings) >= 1
    assert "the music lasts 3s but the phase lasts 12m" in result.warnings[-1].message
    strict = load_playlist(path, strict=True)
    assert not strict.ok and all(p.is_error for p in strict.problems)


def test_includes_resolve_relative_to_the_including_file(tmp_path, tone_file):
    lib_dir = tmp_path / "shared"
    lib_dir.mkdir()
    shutil.copy(tone_file, lib_dir / "bed.ogg")
    write(
        lib_dir,
        "library.yaml",
        """
        kind: library
        title: Shared
        soundscapes:
          rain:
            name: Rain
            layers:
              - bed: bed.ogg
              - one_shots: [gone.ogg]
        """,
    )
    text = MINIMAL.replace("route: IV", "route: IV\ninclude: [shared/library.yaml]")
    text += "    soundscape: rain\n"
    result = load_playlist(write(tmp_path, "p.yaml", text))
    formatted = [p.format() for p in result.problems]
    assert formatted == [
        f"{lib_dir / 'library.yaml'}:8:21: error: one-shot file gone.ogg: file not found"
    ]
    assert result.playlist is None
    (lib_dir / "gone.ogg").write_bytes((lib_dir / "bed.ogg").read_bytes())
    assert load_playlist(tmp_path / "p.yaml").ok


def test_include_cycles_and_missing_includes(tmp_path):
    write(tmp_path, "a.yaml", "kind: library\ntitle: A\ninclude: [b.yaml]\n")
    write(tmp_path, "b.yaml", "kind: library\ntitle: B\ninclude: [a.yaml, c.yaml]\n")
    found = [p.format() for p in load_playlist(tmp_path / "a.yaml").problems]
    assert any("b.yaml:3:11: error: include cycle: a.yaml -> b.yaml -> a.yaml" in f for f in found)
    assert any("b.yaml:3:19: error: included file not found: c.yaml" in f for f in found)


def test_including_a_session_is_refused(tmp_path):
    write(tmp_path, "other.yaml", MINIMAL)
    text = MINIMAL.replace("route: IV", "route: IV\ninclude: [other.yaml]")
    found = [p.format() for p in load_playlist(write(tmp_path, "p.yaml", text)).problems]
    assert any(
        "other.yaml:1:1: error: an included file must start with kind: library" in f for f in found
    )


def test_settling_cue_cannot_be_timed_from_its_end(tmp_path):
    text = MINIMAL + "settling:\n  bells:\n    - at: end-1m\n      bell: bowl\n"
    found = problems_of(write(tmp_path, "p.yaml", text))
    assert any(f.startswith("8:11: error: settling has no planned end") for f in found)


def test_max_hold_on_an_advance_phase_lets_the_clinician_hold_it(tmp_path):
    text = MINIMAL + "    max_hold: 5m\n  - id: rest\n    duration: 5m\n    end: hold\n"
    result = load_playlist(write(tmp_path, "p.yaml", text))
    assert result.ok and result.problems == []
    onset = result.playlist.phases[0]
    assert (onset.end, onset.max_hold) == ("advance", 300.0)
    zero = text.replace("max_hold: 5m", "max_hold: 0s")
    found = problems_of(write(tmp_path, "zero.yaml", zero))
    assert found == ["6:15: warning: max_hold of 0 never holds"]


def test_esketamine_without_two_hours_of_observation_warns(tmp_path):
    text = MINIMAL.replace("route: IV", "route: intranasal")
    found = problems_of(write(tmp_path, "p.yaml", text))
    assert found[0].startswith("2:8: warning: intranasal esketamine needs at least 2h")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "1:1: error: the file is empty"),
        (b"# only a comment\n", "error: the file contains no YAML"),
        (b"- a\n- b\n", "error: the top level must be a mapping"),
        (b"title: a\ntitle: b\n", "2:1: error: duplicate key 'title' (first at line 1, column 1)"),
        (b"\x00\x01\x02binary", "error: not a text file"),
        (b"!!python/object/apply:os.system ['true']\n", "error: unsupported YAML tag"),
    ],
)
def test_hostile_files_get_one_clear_line(tmp_path, content, expected):
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    found = problems_of(path)
    assert len(found) == 1, found
    assert expected in found[0]


def test_cli_exit_codes_and_output(tmp_path, capsys):
    good = write(tmp_path, "good.yaml", MINIMAL)
    bad = write(tmp_path, "bad.yaml", MINIMAL.replace("12m", "soon"))
    assert cli_main(["validate", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{good}: ok: IV, arc 12m after the dose, 1 phase,")
    assert cli_main(["validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith(f"{bad}:5:15: error: duration:")
    assert cli_main(["validate", str(tmp_path / "absent.yaml")]) == 2
    with pytest.raises(SystemExit) as exited:
        cli_main(["validate"])
    assert exited.value.code == 2


def test_schema_command_prints_the_models_schema(capsys):
    import json

    assert cli_main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    playlist = schema["$defs"]["Playlist"]
    assert set(playlist["required"]) == {"title", "route", "phases"}
    assert "duration" in schema["$defs"]["Phase"]["properties"]


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exited:
        cli_main(["--version"])
    assert exited.value.code == 0
    assert "session-player" in capsys.readouterr().out
