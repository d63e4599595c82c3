"""The null engine: the real session with no mixer and no sound device. It keeps time.

Like Quod Libet's ``nullbe``, it is a real engine that makes no sound, not a mock: it
implements ``ports.EnginePort`` and ``ports.SessionPort`` with the real ``SessionTimeline``
(so the journal, the arc, every refusal and every rule of the command table are real) on
the clock it is given, and answers what the mixer and the sink would from the playlist:
what each layer plays (in ``LAYERS`` order, every layer every time), the devices (imitated,
presence switchable), loudness (deterministic figures). The pre-flight's file check is the
live engine's own (``file_check``).

Use it for UI work and screenshots without audio hardware (``session-player --null-engine``,
``tools/screenshots.py``) and in the UI tests, on a ``FakeClock``. A contract test
(``tests/engine/test_engine_port_contract.py``) runs one set of behaviour tests against it
and the live port on SDL's dummy driver, so the two cannot drift apart. Qt-free.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from session_player.engine.null_session import NullSessionPort
from session_player.engine.ports import OutputStatus, SessionRequest
from session_player.playlist.loader import load_playlist
from session_player.record.course_playlist import reapply_course
from session_player.session.clock import SYSTEM_CLOCK, SYSTEM_WALL_CLOCK
from session_player.session.commands import ResumeError
from session_player.session.rehearsal import refuse_to_resume_a_rehearsal
from session_player.session.store import SessionStore, find_unfinished_sessions
from session_player.session.timeline import SessionTimeline

DEFAULT_DEVICES = ("Headphones (USB audio)", "Built-in speakers")


class NullEnginePort:
    """``EnginePort`` over the real timeline; the devices and loudness are imitations."""

    def __init__(
        self,
        store_dir: str | Path,
        *,
        clock=SYSTEM_CLOCK,
        wall_clock=None,
        devices: Sequence[str] = DEFAULT_DEVICES,
        absent: Sequence[str] = (),
        loudness_delay_s: float = 0.0,
        loudness_error: str | None = None,
        headphone_test_s: float = 0.0,
        seed: int = 7,
    ) -> None:
        self.store = SessionStore(store_dir)
        self.clock = clock
        wall = getattr(clock, "wall", None)
        self.wall_clock = wall_clock or wall or SYSTEM_WALL_CLOCK
        self.devices = list(devices)
        self.absent = set(absent)
        self.loudness_delay_s = loudness_delay_s
        self.loudness_error = loudness_error
        self.seed = seed
        self.headphone_tests: list[str] = []
        self.headphone_test_s = headphone_test_s  # how long the imitation test "plays"
        self._headphone_test_started = 0.0
        self.engines: list[NullSessionPort] = []

    def output_devices(self) -> list[str]:
        return [device for device in self.devices if device not in self.absent]

    def output_status(self, device: str) -> OutputStatus:
        present = device in self.devices and device not in self.absent
        return OutputStatus(device, present, "" if present else "not connected")

    def play_headphone_test(self, device: str) -> None:
        self.headphone_tests.append(device)
        self._headphone_test_started = time.monotonic()

    def headphone_test_playing(self) -> bool:
        elapsed = time.monotonic() - self._headphone_test_started
        return bool(self.headphone_tests) and elapsed < self.headphone_test_s

    def measure_loudness(self, files, progress, cancelled) -> dict[str, float]:
        measured: dict[str, float] = {}
        for number, file in enumerate(files, start=1):
            if cancelled():
                return measured
            if self.loudness_delay_s:
                time.sleep(self.loudness_delay_s)
            if self.loudness_error:
                raise RuntimeError(self.loudness_error)
            # Deterministic imitation values around the usual -23 LUFS target.
            measured[file] = -23.0 - (sum(map(ord, Path(file).name)) % 90) / 10.0
            progress(number / max(1, len(files)), f"Measured {Path(file).name}")
        return measured

    def shutdown(self) -> None:
        """Close the sessions still open (the window was closed mid-session)."""
        for engine in self.engines:
            if not engine.closed:
                engine.close()

    def check_files(self, files, progress, cancelled) -> list[str]:
        from session_player.engine.file_check import check_files

        return check_files(files, progress, cancelled)

    def _engine(self, timeline: SessionTimeline, device: str, durations) -> NullSessionPort:
        engine = NullSessionPort(timeline, self, device, durations)
        self.engines.append(engine)
        return engine

    def start_session(self, request: SessionRequest) -> NullSessionPort:
        result = request.load_result
        timeline = SessionTimeline(
            result.playlist,
            self.store,
            self.clock,
            self.wall_clock,
            playlist_path=request.playlist_path,
            seed=self.seed,
        )
        notes = "; ".join(part for part in (request.dose_note, request.notes) if part)
        timeline.start(request.alias, notes, course=request.course)
        durations = {path: info.duration_s for path, info in result.audio.items()}
        return self._engine(timeline, request.device, durations)

    def start_rehearsal(self, request: SessionRequest, speed: float):
        """A rehearsal on this port's clock made ``speed`` times faster (``rehearsal_port``)."""
        from session_player.engine.rehearsal_port import start_rehearsal

        engine = start_rehearsal(
            self.store.base_dir,
            request,
            speed,
            clock=self.clock,
            wall_clock=self.wall_clock,
            seed=self.seed,
        )
        self.engines.append(engine)
        return engine

    def unfinished_sessions(self):
        return find_unfinished_sessions(self.store.base_dir)

    @property
    def records_dir(self) -> Path:
        """The data folder of the journals (the patient's course is read from there)."""
        return self.store.base_dir

    def resume_point(self, unfinished):
        from session_player.session.recovery import preview_resume

        result = load_playlist(unfinished.playlist_path, check_audio=False)
        if result.playlist is None:
            return None
        # The course the session started with (preferences, last volume), as journaled.
        result = reapply_course(result, unfinished.journal_path)
        return preview_resume(result.playlist, unfinished.journal_path, self.clock, self.wall_clock)

    def resume_session(self, unfinished, device: str = "", *, check_audio: bool = True):
        refuse_to_resume_a_rehearsal(unfinished.journal_path)
        if not unfinished.playlist_path:
            raise ResumeError("The journal does not say which playlist the session used.")
        result = load_playlist(unfinished.playlist_path, check_audio=False)
        if result.playlist is None:
            raise ResumeError(f"The playlist {unfinished.playlist_path} cannot be loaded.")
        result = reapply_course(result, unfinished.journal_path)
        from session_player.session.recovery import resume_timeline

        timeline = resume_timeline(
            result.playlist,
            unfinished.journal_path,
            self.clock,
            self.wall_clock,
            playlist_path=unfinished.playlist_path,
        )
        if not device:
            device = self.output_devices()[0] if self.output_devices() else ""
        return self._engine(timeline, device, {}), timeline.resume_report
