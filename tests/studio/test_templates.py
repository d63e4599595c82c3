"""New playlists from the templates: each route's template validates (no audio needed), opens
editable in the studio, and the esketamine one keeps the label's checks and observation."""

from __future__ import annotations

import pytest

from session_player.cli.main import main
from session_player.playlist.loader import load_playlist
from session_player.studio import edits
from session_player.studio.document import PlaylistDocument
from session_player.studio.templates import TEMPLATES, TemplateError, new_playlist, template_for
from tests.studio.text_diff import changed_lines


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.route)
def test_each_template_validates_strictly_and_opens_editable(template, tmp_path, capsys):
    assert main(["validate", "--strict", str(template.file)]) == 0
    assert "ok:" in capsys.readouterr().out
    path = new_playlist(template.route, tmp_path / "new.yaml")
    assert path.read_text() == template.text()
    result = load_playlist(path, strict=True)
    assert result.ok and result.playlist.route == template.route
    assert result.playlist.phases[-1].end == "hold"
    doc = PlaylistDocument.open(path)
    assert not doc.read_only, doc.read_only_reasons
    assert sum(line.lstrip().startswith("#") for line in template.text().splitlines()) >= 5


def test_intranasal_esketamine_has_the_labels_checks_and_two_hours():
    playlist = load_playlist(template_for("esketamine").file, strict=True).playlist
    clinical = playlist.clinical
    assert clinical.minimum_observation == 2 * 3600
    assert [v.at for v in clinical.vitals] == ["pre-dose", 40 * 60, "discharge"]
    assert all("blood_pressure" in v.measures for v in clinical.vitals)
    assert (clinical.thresholds.systolic_max, clinical.thresholds.diastolic_max) == (140, 90)
    assert playlist.planned_length_s == 2 * 3600


def test_a_new_playlist_with_its_title_and_the_clinics_library(clinic):
    library = clinic / "playlists" / "library.yaml"
    path = new_playlist(
        "oral", clinic / "playlists" / "thursday.yaml", title="Thursday: oral", include=library
    )
    text = path.read_text()
    removed, added = changed_lines(template_for("sublingual").text(), text)
    assert removed == ["title: Sublingual or oral ketamine"]
    assert added == ['title: "Thursday: oral"', "include:", "  - library.yaml"]
    lines = text.splitlines()  # right under the description, before the blank line
    assert lines[lines.index("include:") - 1].startswith("  A slower onset")
    assert lines[lines.index("include:") + 2] == ""
    doc = PlaylistDocument.open(path)
    assert doc.result.ok and "rain" in doc.playlist.soundscapes
    doc.apply(edits.AddMusic("onset", [clinic / "assets/audio/music/slow-tide.ogg"]))
    doc.apply(edits.SetPatientChoices(soundscapes=["rain", "ocean"], default="rain"))
    doc.save()
    assert load_playlist(path).ok


def test_a_new_playlist_never_replaces_a_file(tmp_path):
    existing = tmp_path / "mine.yaml"
    existing.write_text("title: mine\n")
    with pytest.raises(TemplateError, match="already exists"):
        new_playlist("IV", existing)
    assert existing.read_text() == "title: mine\n"
    with pytest.raises(TemplateError, match="no template for the route 'rectal'"):
        new_playlist("rectal", tmp_path / "x.yaml")
    with pytest.raises(TemplateError, match="does not exist"):
        new_playlist("IM", tmp_path / "no-such-folder" / "x.yaml")
