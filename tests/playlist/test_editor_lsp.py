"""The playlists in a therapist's own editor: yaml-language-server 2.0 (the engine of VS Code's
YAML extension) driven over LSP, with the schema `session-player schema` writes.

* no diagnostics on any bundled playlist;
* mistakes told in words (never a regular expression) on the line they are on;
* what `validate` accepts is accepted (10M, "600"), what it refuses is refused;
* completions and hovers carry descriptions, defaults as therapists write them (5m, no null),
  a new phase's snippet starts with id, name, duration, and a new playlist is offered
  kind: session, not library.

The server is installed by tools/install-yaml-ls.sh (npm) if it is not there. Where it cannot
be installed or run, the test skips on a developer's machine and fails in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from session_player.playlist.loader import load_playlist
from session_player.playlist.schema import json_schema
from tests.playlist.lsp_client import LspClient, LspError

ROOT = Path(__file__).resolve().parents[2]
PLAYLISTS = sorted((ROOT / "playlists").glob("*.yaml"))
INSTALL = ROOT / "tools" / "install-yaml-ls.sh"
SERVER = ROOT / "tools" / "yaml-ls" / "node_modules" / "yaml-language-server" / "bin"
SERVER = SERVER / "yaml-language-server"
# Raw patterns as yaml-language-server shows them without patternErrorMessage.
RAW = ("does not match the pattern", "^\\s", "(?:", "[mM]")


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"the editor test cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A folder with the schema in it, as a therapist's would be after `session-player schema`."""
    folder = tmp_path_factory.mktemp("editor")
    (folder / "playlist.schema.json").write_text(json.dumps(json_schema(), indent=2))
    return folder


@pytest.fixture(scope="module")
def server(workspace):
    if not SERVER.exists():
        if shutil.which("npm") is None or shutil.which("node") is None:
            _unavailable("node and npm are needed to install yaml-language-server")
        done = subprocess.run(["bash", str(INSTALL)], capture_output=True, text=True)
        if done.returncode != 0 or not SERVER.exists():
            _unavailable(f"tools/install-yaml-ls.sh failed: {done.stderr.strip()[-400:]}")
    schema_uri = (workspace / "playlist.schema.json").as_uri()
    settings = {
        "yaml": {
            # As in docs/editor-setup.md: the bundled playlists by folder; other files
            # name the schema on their first line.
            "schemas": {schema_uri: [str(ROOT / "playlists" / "*.yaml")]},
            "validate": True,
            "hover": True,
            "completion": True,
            # PyYAML, which validate uses, reads YAML 1.1 (yes/no are booleans).
            "yamlVersion": "1.1",
        }
    }
    try:
        client = LspClient(["node", str(SERVER), "--stdio"], settings, root=workspace)
    except (LspError, OSError) as failure:
        _unavailable(f"yaml-language-server did not start: {failure}")
    yield client
    client.shutdown()


def _write(workspace: Path, name: str, text: str) -> Path:
    """The text (dedented) with the schema named on its first line, as docs/editor-setup.md."""
    path = workspace / name
    modeline = "# yaml-language-server: $schema=./playlist.schema.json\n"
    path.write_text(modeline + textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _by_line(diagnostics: list[dict]) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for diagnostic in diagnostics:
        lines.setdefault(diagnostic["range"]["start"]["line"] + 1, []).append(diagnostic["message"])
    return lines


@pytest.mark.parametrize("path", PLAYLISTS, ids=lambda p: p.name)
def test_bundled_playlists_have_no_diagnostics(server, path):
    assert server.open(path) == []


def test_mistakes_are_told_in_words_on_their_line(server, workspace):
    path = _write(
        workspace,
        "mistakes.yaml",
        """
        title: Mistakes on purpose
        route: IV
        soundscapes:
          Ocean:
            name: Ocean
            layers: [{bed: ocean.ogg}]
        phases:
          - id: onset
            duraton: 10m
          - id: Peak
            duration: 20 minits
            end: wait
            voice:
              - at: end - banana
                file: a.ogg
          - id: zero
            duration: 0s
          - id: long
            duration: 1000h
        """,
    )
    lines = _by_line(server.open(path))
    # The file's lines, counting the modeline as line 1.
    expected = {
        5: "An id is lower case",  # Ocean
        9: "duration",  # onset lacks its duration
        10: "duraton",  # the typo
        11: "An id is lower case",  # Peak
        12: "Write a duration longer than zero",  # 20 minits
        13: "advance, hold",  # end: wait
        15: "Write when, within the phase",  # end - banana
        18: "Write a duration longer than zero",  # 0s
        20: "at most a week",  # 1000h
    }
    assert sorted(lines) == sorted(expected), lines
    for line, words in expected.items():
        assert any(words in message for message in lines[line]), (line, lines[line])
    messages = [message for found in lines.values() for message in found]
    assert not [m for m in messages if any(raw in m for raw in RAW)], messages
    # validate refuses the same file on the same lines; a phase of zero length it reports at
    # the phase (line 17), not at its duration.
    refused = {p.position.line for p in load_playlist(path, check_audio=False).errors}
    assert refused == set(expected) - {18} | {17}


def test_what_validate_accepts_the_editor_accepts(server, workspace):
    path = _write(
        workspace,
        "accepted.yaml",
        """
        title: Written as people write
        route: IM
        soundscapes:
          ocean: {name: Ocean, layers: [{bed: ocean.ogg}]}
        phases:
          - id: onset
            duration: 10M
            extend_step: "600"
            max_extend: 1 hour and 30 minutes
            voice:
              - at: End - 2 min
                file: a.ogg
          - id: peak
            duration: 168h
            soundscape: ocean
        clinical:
          vitals:
            - at: Pre-dose
            - at: 40 minutes
        """,
    )
    assert server.open(path) == []
    assert load_playlist(path, check_audio=False).errors == []


def _completions(server, workspace: Path, name: str, text: str, marker: str = "|") -> list[dict]:
    """Completions at the place of ``marker`` in the text (the marker itself is removed)."""
    text = textwrap.dedent(text).lstrip("\n")
    before = text.split(marker)[0]
    line = before.count("\n") + 1  # + the modeline
    character = len(before.rsplit("\n", 1)[-1])
    # Written as is: dedenting again would empty a line of spaces where the cursor stands.
    path = _write(workspace, name, "")
    path.write_text(path.read_text(encoding="utf-8") + text.replace(marker, ""), encoding="utf-8")
    server.open(path)
    return server.completion(path, line, character)


def _documentation(item: dict) -> str:
    doc = item.get("documentation") or ""
    return doc.get("value", "") if isinstance(doc, dict) else doc


def test_completing_a_phase_key_shows_descriptions_and_defaults_as_written(server, workspace):
    items = _completions(
        server,
        workspace,
        "keys.yaml",
        """
        title: Completion
        route: IV
        phases:
          - id: onset
            duration: 10m
            |
        """,
    )
    keys = {item["label"]: item for item in items if item.get("kind") == 10}
    assert {"extend_step", "max_extend", "end", "soundscape", "music"} <= set(keys)
    assert all(_documentation(item).strip() for item in keys.values()), keys
    assert "Default: 5m." in _documentation(keys["extend_step"])
    assert "Default: 0s." in _documentation(keys["max_extend"])
    inserted = " ".join(item.get("insertText", "") for item in items)
    assert "null" not in inserted and "300" not in inserted, inserted


def test_a_new_phase_starts_with_id_name_and_duration(server, workspace):
    items = _completions(
        server,
        workspace,
        "new-phase.yaml",
        """
        title: New phase
        route: IV
        phases:
          - id: onset
            duration: 10m
          - |
        """,
    )
    (snippet,) = [item for item in items if item["label"] == "New phase"]
    keys = [line.split(":")[0].strip() for line in snippet["insertText"].splitlines()]
    assert keys[:3] == ["id", "name", "duration"]
    assert "planned length" in _documentation(snippet)


def test_durations_and_cue_times_suggest_values(server, workspace):
    durations = _completions(
        server,
        workspace,
        "duration-values.yaml",
        """
        title: Values
        route: IV
        phases:
          - id: onset
            duration: |
        """,
    )
    assert {"10m", "20m"} <= {item["label"] for item in durations}
    times = _completions(
        server,
        workspace,
        "cue-values.yaml",
        """
        title: Values
        route: IV
        phases:
          - id: onset
            duration: 10m
            voice:
              - at: |
                file: a.ogg
        """,
    )
    assert {"start", "2m", "end-1m"} <= {item["label"] for item in times}


def test_a_new_playlist_is_offered_kind_session_not_library(server, workspace):
    items = _completions(
        server,
        workspace,
        "kind.yaml",
        """
        title: New
        route: IV
        kind: |
        phases:
          - id: onset
            duration: 10m
        """,
    )
    assert [item["label"] for item in items] == ["session"]


def test_hovers_describe_without_x_or_x(server, workspace):
    path = _write(
        workspace,
        "hover.yaml",
        """
        title: Hover
        route: IV
        phases:
          - id: onset
            duration: 10m
            extend_step: 5m
        """,
    )
    server.open(path)
    duration = server.hover(path, 5, 6)
    extend = server.hover(path, 6, 6)
    assert "Planned length" in duration and " || " not in duration
    assert "One press of Extend" in extend and "Default: 5m." in extend
    assert " || " not in extend


def test_completing_phases_writes_a_phase_as_a_therapist_would(server, workspace):
    items = _completions(
        server,
        workspace,
        "phases-key.yaml",
        """
        title: New
        route: IV
        ph|
        """,
    )
    (phases,) = [item for item in items if item["label"] == "phases"]
    text = phases["insertText"]
    assert text.startswith("phases:\n  - id: "), text
    keys = [line.strip().lstrip("- ").split(":")[0] for line in text.splitlines()[1:]]
    assert keys[:2] == ["id", "duration"], keys
    assert "5m" in text and "300" not in text and "null" not in text, text
