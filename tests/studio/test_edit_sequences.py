"""Random sequences of studio edits on the bundled playlists (hypothesis): every edit is
either refused with the text unchanged, or leaves a text that validates, keeps every comment
(except one on a line the edit removed), and means what the edit said; undoing them all gives
back the original bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from session_player.playlist.loader import load_playlist
from session_player.studio import edits
from session_player.studio.document import EditRefused, PlaylistDocument
from tests.studio.text_diff import changed_lines, comment_lines

REPO = Path(__file__).resolve().parents[2]
MUSIC = sorted((REPO / "assets" / "audio" / "music").glob("*.ogg"))
PHASES = ["settling", "onset", "peak", "return", "observation", "nowhere"]
TIMES = ["start", "30s", "2m", "end-1m", "end", "90 minutes", "1h"]

target = st.sampled_from(PHASES)
edit = st.one_of(
    st.builds(edits.SetPhaseDuration, target, st.sampled_from(["5m", "12m30s", "1h", 90, "0s"])),
    st.builds(edits.SetPhaseEnd, target, st.sampled_from(["hold", "advance"])),
    st.builds(edits.MovePhase, target, st.integers(0, 4)),
    st.builds(edits.AddMusic, target, st.lists(st.sampled_from(MUSIC), min_size=1, max_size=2)),
    st.builds(edits.MoveMusicItem, target, st.integers(0, 2), st.integers(0, 2)),
    st.builds(edits.RemoveMusicItem, target, st.integers(0, 2)),
    st.builds(
        edits.PlaceVoiceCue,
        target,
        st.sampled_from(TIMES),
        cue=st.sampled_from(["breathe", "support", "closing", "no-such-voice"]),
    ),
    st.builds(
        edits.PlaceBell,
        target,
        st.sampled_from(TIMES),
        st.sampled_from(["soft-chime", "singing-bowl"]),
    ),
    st.builds(
        edits.MoveCue,
        target,
        st.sampled_from(["voice", "bells"]),
        st.integers(0, 2),
        st.sampled_from(TIMES),
    ),
    st.builds(edits.RemoveCue, target, st.sampled_from(["voice", "bells"]), st.integers(0, 2)),
    st.builds(edits.SetSoundscape, target, st.sampled_from(["rain", "ocean", "drone", None])),
    st.builds(
        edits.SetPatientChoices,
        soundscapes=st.sampled_from([None, ["rain"], ["ocean", "wind"]]),
        default=st.sampled_from([None, "rain", "ocean"]),
        phases=st.sampled_from([None, "all", ["settling", "return"]]),
    ),
    st.builds(
        edits.SetLevel,
        st.sampled_from(list(edits.LEVEL_KEYS)),
        st.sampled_from([-30, -23, -12, -6, -3, 0]),
    ),
    st.builds(
        edits.SetMusicGain, target, st.sampled_from([-6, -2.5, 0]), st.sampled_from([None, 0, 1])
    ),
    st.builds(edits.SetSoundscapeGain, target, st.sampled_from([-6, 0])),
)
REMOVING = (
    edits.RemoveMusicItem,
    edits.RemoveCue,
    edits.SetSoundscape,
    edits.SetPatientChoices,
    edits.SetMusicGain,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sequences")
    shutil.copytree(REPO / "playlists", root / "playlists")
    (root / "assets").symlink_to(REPO / "assets", target_is_directory=True)
    return root / "playlists"


@pytest.mark.parametrize(
    "name", ["iv-infusion-40min.yaml", "intranasal-esketamine.yaml", "im-60min.yaml"]
)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=st.lists(edit, min_size=1, max_size=6))
def test_random_edit_sequences(folder, name, sequence):
    doc = PlaylistDocument.open(folder / name)
    original = doc.text
    made = 0
    for step in sequence:
        before = doc.text
        try:
            doc.apply(step)
        except EditRefused as refused:
            assert str(refused) and doc.text == before
            continue
        made += 1
        after = doc.text
        result = load_playlist(doc.path, text=after)
        assert result.ok, (step, [p.format() for p in result.problems])
        removed, added = changed_lines(before, after)
        lost = set(comment_lines(before)) - set(comment_lines(after))
        if not isinstance(step, REMOVING):
            assert not lost, (step, lost)
        assert lost <= set(comment_lines("\n".join(removed)))
        assert removed or added
    for _ in range(made):
        doc.undo()
    assert doc.text == original and not doc.dirty
