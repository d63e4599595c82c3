"""The bundled playlists and the format reference (docs/playlist-format.md) stay correct.

* Every file in ``playlists/`` validates with no error and no warning, audio checks included.
* The demo playlist's arc is 40 minutes; the esketamine playlist keeps the patient 2 hours and
  checks blood pressure before the dose, at 40 minutes and before discharge.
* Every complete YAML example in the reference validates, the examples with mistakes on
  purpose produce exactly the output shown, and every key of the model is documented.

The examples in the reference are written as if saved in ``playlists/``: they are copied into
a temporary ``playlists/`` folder next to the bundled playlists, with the real ``assets/``
reachable at ``../assets`` as from the real folder. Markers in an example's leading comments:

* ``# file: NAME.yaml``: save it under that name (so that later examples can include it);
* ``# Excerpt ...``: a fragment, only checked to be readable YAML;
* ``... mistakes on purpose``: must have errors; ``... warning on purpose``: warnings only;
* ``... hypothetical files``: validated without the audio checks.

A ``text`` block starting with ``$ session-player validate FILE...`` must show exactly what
the command prints when run in the parent of that temporary ``playlists/`` folder.
"""

from __future__ import annotations

import re
import shlex
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from session_player.cli.main import main as cli_main
from session_player.playlist import model
from session_player.playlist.loader import load_playlist

ROOT = Path(__file__).resolve().parents[2]
PLAYLISTS = ROOT / "playlists"
ASSETS = ROOT / "assets"
DOC = ROOT / "docs" / "playlist-format.md"
DEMO = PLAYLISTS / "iv-infusion-40min.yaml"
ESKETAMINE = PLAYLISTS / "intranasal-esketamine.yaml"

BUNDLED = sorted(PLAYLISTS.glob("*.yaml"))


# --- the bundled playlists ------------------------------------------------------------------


def test_the_bundled_playlists_are_there():
    names = {path.name for path in BUNDLED}
    assert {
        "library.yaml",
        "iv-infusion-40min.yaml",
        "intranasal-esketamine.yaml",
        "im-60min.yaml",
        "soundscape-only.yaml",
    } <= names


@pytest.mark.parametrize("path", BUNDLED, ids=[path.name for path in BUNDLED])
def test_bundled_playlist_validates_without_errors_or_warnings(path: Path):
    result = load_playlist(path, check_audio=True)
    assert result.document is not None
    assert [p.format() for p in result.problems] == []


def test_the_demo_arc_lasts_40_minutes():
    playlist = load_playlist(DEMO).playlist
    assert playlist is not None
    assert playlist.route == "IV"
    assert playlist.planned_length_s == 40 * 60
    # Observation holds until the clinician ends the session, after the minimum observation.
    assert playlist.phases[-1].end == "hold"
    assert playlist.clinical.minimum_observation is not None
    assert playlist.clinical.minimum_observation >= 40 * 60 + 60 * 60
    # The clinician can Hold the peak (the console's H): the demo shows every command.
    peak = next(phase for phase in playlist.phases if phase.id == "peak")
    assert peak.end == "advance" and peak.max_hold == 20 * 60


def test_esketamine_observes_two_hours_and_checks_blood_pressure():
    playlist = load_playlist(ESKETAMINE).playlist
    assert playlist is not None
    assert playlist.route == "intranasal"
    clinical = playlist.clinical
    assert clinical.minimum_observation is not None
    assert clinical.minimum_observation >= 2 * 3600
    assert playlist.planned_length_s >= 2 * 3600 or playlist.phases[-1].end == "hold"
    bp_checks = {c.at for c in clinical.vitals if "blood_pressure" in c.measures}
    assert {"pre-dose", 40 * 60.0, "discharge"} <= bp_checks
    assert clinical.thresholds.systolic_max <= 140
    assert clinical.thresholds.diastolic_max <= 90


def test_every_bundled_session_has_a_discharge_checklist_and_a_baseline():
    for path in BUNDLED:
        document = load_playlist(path).document
        if isinstance(document, model.Library):
            continue
        assert document.clinical.discharge_checklist, path.name
        assert any(c.at == "pre-dose" for c in document.clinical.vitals), path.name
        assert any(c.at == "discharge" for c in document.clinical.vitals), path.name


# --- the examples in the format reference ---------------------------------------------------


@dataclass
class Block:
    lang: str
    text: str
    line: int  # 1-based line of the opening fence in the document

    @property
    def leading_comments(self) -> list[str]:
        comments = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("#").strip())
        return comments

    def marker(self, word: str) -> bool:
        return any(word.lower() in comment.lower() for comment in self.leading_comments)

    @property
    def file_name(self) -> str | None:
        for comment in self.leading_comments:
            match = re.fullmatch(r"file:\s*(\S+)", comment)
            if match:
                return match.group(1)
        return None

    @property
    def is_excerpt(self) -> bool:
        comments = self.leading_comments
        return bool(comments) and comments[0].lower().startswith("excerpt")


_FENCE = re.compile(r"^(\s*)```(\S*)\s*$")


def doc_blocks() -> list[Block]:
    """Every fenced code block of the reference, dedented (blocks may sit in list items)."""
    blocks: list[Block] = []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or not opening.group(2):
            index += 1
            continue
        indent, lang = opening.groups()
        body = []
        close = index + 1
        while close < len(lines) and lines[close].strip() != "```":
            body.append(lines[close])
            close += 1
        assert close < len(lines), f"line {index + 1}: unclosed code block"
        text = textwrap.dedent("\n".join(body)) + "\n"
        blocks.append(Block(lang, text, index + 1))
        index = close + 1
    return blocks


BLOCKS = doc_blocks()
YAML_BLOCKS = [b for b in BLOCKS if b.lang == "yaml"]
COMPLETE = [b for b in YAML_BLOCKS if not b.is_excerpt]
EXCERPTS = [b for b in YAML_BLOCKS if b.is_excerpt]
OUTPUTS = [b for b in BLOCKS if b.lang == "text" and b.text.startswith("$ session-player validate")]


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> dict[int, Path]:
    """Every complete example saved in a copy of playlists/, by the line of its fence."""
    root = tmp_path_factory.mktemp("docs")
    folder = root / "playlists"
    folder.mkdir()
    (root / "assets").symlink_to(ASSETS, target_is_directory=True)
    for path in BUNDLED:
        shutil.copy(path, folder / path.name)
    saved: dict[int, Path] = {}
    for block in COMPLETE:
        name = block.file_name or f"example-line-{block.line}.yaml"
        target = folder / name
        assert not target.exists(), f"line {block.line}: an example is already called {name}"
        target.write_text(block.text, encoding="utf-8")
        saved[block.line] = target
    return saved


def test_the_reference_has_examples():
    assert len(COMPLETE) >= 15
    assert EXCERPTS, "the excerpt marker is described in this module; keep one in use"
    assert OUTPUTS


@pytest.mark.parametrize("block", COMPLETE, ids=[f"line-{b.line}" for b in COMPLETE])
def test_doc_example_validates(block: Block, examples: dict[int, Path]):
    check_audio = not block.marker("hypothetical files")
    result = load_playlist(examples[block.line], check_audio=check_audio)
    shown = [p.format() for p in result.problems]
    if block.marker("mistakes on purpose"):
        assert result.errors, f"docs line {block.line}: expected errors, got {shown}"
    elif block.marker("warning on purpose"):
        assert result.warnings and not result.errors, f"docs line {block.line}: {shown}"
    else:
        assert result.document is not None, f"docs line {block.line}: {shown}"
        assert shown == [], f"docs line {block.line}"


@pytest.mark.parametrize("block", EXCERPTS, ids=[f"line-{b.line}" for b in EXCERPTS])
def test_doc_excerpt_is_readable_yaml(block: Block):
    assert isinstance(yaml.safe_load(block.text), (dict, list)), f"docs line {block.line}"


@pytest.mark.parametrize("block", OUTPUTS, ids=[f"line-{b.line}" for b in OUTPUTS])
def test_doc_validate_output_is_what_the_command_prints(
    block: Block, examples: dict[int, Path], monkeypatch, capsys
):
    command, *expected = block.text.rstrip("\n").splitlines()
    args = shlex.split(command.removeprefix("$ session-player "))
    folder = next(iter(examples.values())).parent
    monkeypatch.chdir(folder.parent)
    capsys.readouterr()
    cli_main(args)
    printed = capsys.readouterr().out.rstrip("\n").splitlines()
    assert printed == expected, f"docs line {block.line}: update the output shown there"


def _models() -> list[type[BaseModel]]:
    found = [
        value
        for value in vars(model).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == model.__name__
    ]
    return [m for m in found if m.model_fields]


def test_every_key_of_the_format_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [
        f"{m.__name__}.{name}"
        for m in _models()
        for name in m.model_fields
        if f"| `{name}` |" not in text and f"`{name}`, " not in text
    ]
    assert missing == []


def test_every_documented_default_matches_the_model():
    """The "at a glance" summary shows the model's defaults for the scalar settings."""
    glance = next(b.text for b in BLOCKS if b.lang == "text" and b.text.startswith("format: 1"))
    sections = {
        "levels": model.Levels(),
        "transitions": model.Transitions(),
        "calm_down": model.CalmDown(),
        "thresholds": model.Thresholds(),
    }
    for section, instance in sections.items():
        dumped = instance.model_dump(mode="json")
        for key, value in dumped.items():
            if value is None:
                continue
            shown = re.search(rf"^\s+{key}: (\S+)", glance.split(f"{section}:", 1)[1], re.M)
            assert shown is not None, f"{section}.{key} is not in the summary"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert float(shown.group(1)) == float(value), f"{section}.{key}"
            else:
                assert shown.group(1) == str(value), f"{section}.{key}"
