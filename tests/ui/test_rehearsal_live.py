"""The real engine port's rehearsal: the same silent rehearsal as the tests' port, on the
system clock made faster, journaled under rehearsals/; closing the app closes it."""

from __future__ import annotations

from session_player.app.live_port import LiveEnginePort
from session_player.audio.analysis import AnalysisCache
from session_player.engine.ports import SessionRequest
from session_player.engine.rehearsal_port import NO_SOUND_DEVICE, RehearsalSessionPort
from session_player.playlist.loader import load_playlist
from session_player.session.journal import read_journal
from session_player.session.rehearsal import REHEARSALS_FOLDER


def test_the_live_port_rehearses_without_sound_and_apart_from_sessions(tmp_path, clinic):
    playlist = clinic / "test-infusion.yaml"
    result = load_playlist(playlist)
    assert result.playlist is not None
    port = LiveEnginePort(sessions_dir=str(tmp_path / "data"), cache=AnalysisCache(tmp_path))
    request = SessionRequest(str(playlist), result, alias="Training", device="")
    engine = port.start_rehearsal(request, 30.0)
    try:
        assert isinstance(engine, RehearsalSessionPort)
        assert engine.output_status().device == NO_SOUND_DEVICE
        # Every layer is silent: what would play is named, at no level.
        assert all(layer.gain_db is None for layer in engine.now_playing())
        journal = engine.timeline.journal_path
        assert journal.parent.parent == tmp_path / "data" / REHEARSALS_FOLDER
        assert port.unfinished_sessions() == []
    finally:
        port.shutdown()  # closing the window mid-rehearsal
    assert engine.closed
    started = read_journal(journal).events[0]
    assert started["rehearsal"] == {"speed": 30.0}
