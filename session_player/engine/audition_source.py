"""Audition: the session heard from any point, exactly as the patient would hear it from there.

The studio's "listen from here" does not re-implement anything: the session is the one the
offline render runs (``scripted_session.run_script``: a real ``SessionTimeline`` on a fake
clock, the dose marked at ``dose_at_s``), the sound is the same ``Mixer`` (the plan, the
levels, the ducking, the limiter), positioned on the audio timeline where that session is
at the chosen time. The only thing added is the live engine's own entry fade
(``live_engine.ENTRY_FADE_S``, the same raised sine): a live session that is (re)positioned
fades in over it, and so does an audition, so a click in the middle of a loud peak never
reaches the therapist's ears as a jump. After the entry fade the samples are the offline
render's, sample for sample (``tests/ui/studio/test_audition_disk.py``).

``render(frames)`` is what an output sink pulls from its producer thread. No drift
correction: an audition has no dose clock to keep to, only the file's own time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import numpy as np

from session_player.audio.analysis import FileAnalysis
from session_player.audio.mixer import Mixer
from session_player.audio.sources import SourceOpener
from session_player.engine.live_engine import ENTRY_FADE_S
from session_player.engine.scripted_session import ScriptedSession
from session_player.playlist.model import Playlist

SAMPLE_RATE_HZ = 48000
# Like the offline render: open files this much audio-time ahead so that ffmpeg's start-up
# never leaves a hole (an audition renders a few times faster than real time at first,
# while the sink's ring fills).
PREFETCH_S = 5.0


class AuditionSource:
    """Renders the session from ``from_session_s`` (session clock), with the entry fade."""

    def __init__(
        self,
        playlist: Playlist,
        session: ScriptedSession,
        analysis: Mapping[str, FileAnalysis],
        from_session_s: float,
        *,
        on_alert: Callable[[str, str], None] | None = None,
        sample_rate_hz: int = SAMPLE_RATE_HZ,
    ) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.from_session_s = max(0.0, float(from_session_s))
        self.alerts: list[tuple[str, str]] = []
        self._on_alert = on_alert
        self._lock = threading.Lock()
        self._mixer = Mixer(
            playlist,
            analysis,
            sample_rate_hz,
            self._alert,
            opener=SourceOpener(sample_rate_hz),
            prefetch_s=PREFETCH_S,
        )
        self._mixer.set_schedule(session.schedule)
        self._mixer.seek(session.tau_at(self.from_session_s))
        self._entry_frames = int(ENTRY_FADE_S * sample_rate_hz)
        self._rendered = 0
        self._closed = False

    def _alert(self, kind: str, message: str) -> None:
        self.alerts.append((kind, message))
        if self._on_alert is not None:
            self._on_alert(kind, message)

    @property
    def rendered_frames(self) -> int:
        return self._rendered

    def render(self, frames: int) -> np.ndarray:
        with self._lock:
            if self._closed:
                return np.zeros((frames, 2), dtype=np.float32)
            out = self._mixer.render(frames)
            if self._rendered < self._entry_frames:
                # The live engine's entry fade (engine/live_engine.py), frame for frame.
                position = self._rendered + np.arange(frames, dtype=np.float64)
                u = np.minimum(position / self._entry_frames, 1.0)
                out = out * (np.sin(0.5 * np.pi * u) ** 2).astype(np.float32)[:, None]
            self._rendered += frames
            return out

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._mixer.close()


def solo_playlist(playlist: Playlist, file: str, gain_db: float, length_s: float) -> Playlist:
    """A session that plays one file alone, levelled as ``playlist`` levels it.

    For "listen to this file alone": the same levels (loudness target, ceiling, volume),
    the same fade-in from silence, the file's own gain, and nothing else: no soundscape, no
    bell, no voice. Settling plays the file once; the dose is never marked in its length.
    """
    transitions = playlist.transitions.model_dump()
    transitions["bell"] = None
    data = {
        "title": f"{playlist.title}: one file",
        "route": playlist.route,
        "levels": playlist.levels.model_dump(),
        "transitions": transitions,
        "settling": {"music": {"items": [{"file": str(file), "gain_db": gain_db}]}},
        "phases": [{"id": "after", "duration": max(1.0, float(length_s))}],
    }
    return Playlist.model_validate(data)
