"""What the UI needs from the engine beyond the session timeline: the two ports.

The console drives the session through ``SessionTimeline`` directly (commands, ``state()``,
``subscribe``). Everything else it shows or asks for - what the mixer is playing, the output
device, the headphone test, loudness analysis, creating and resuming sessions - goes through
the two protocols below, so the UI never imports the mixer or pygame. Two engines implement
them: the live one (``app/live_port.py``) and the null engine (``engine/null_engine.py``:
the real timeline, no sound), which the UI tests run on a ``FakeClock``. One contract test
(``tests/engine/test_engine_port_contract.py``) holds both to the behaviour written here.

This module is Qt-free on purpose: the ports implement these protocols without importing
Qt, and the UI imports them from here, below it.

Threading contract:
- Every method is called on the GUI thread, except ``EnginePort.measure_loudness`` (it may
  take minutes on a new playlist), ``EnginePort.output_devices`` (the first listing starts
  the audio system) and ``EnginePort.unfinished_sessions`` (at launch, so the window need
  not wait for the session modules), which the UI calls on worker threads.
- Timeline subscribers may be called on any thread; the UI re-emits them as queued Qt signals.
- ``SessionPort.tick()`` is called by the console's display timer (about 4 times a second).
  An engine whose own thread already ticks the timeline makes it a cheap no-op.

``SessionPort`` is named apart from ``session_player.engine.live_engine.SessionEngine`` on purpose: the
real port is a thin adapter that owns the ``LiveSession`` (timeline, mixer, engine, player)
and answers these questions from it; the UI never touches the mixer or the player.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from session_player.playlist.loader import LoadResult
    from session_player.session.store import UnfinishedSession

LAYERS = ("music", "soundscape", "voice", "bells")

ProgressCallback = Callable[[float, str], None]  # fraction 0..1, what is being done
CancelledCallback = Callable[[], bool]


@dataclass(frozen=True)
class LayerNowPlaying:
    """What one layer of the mix plays at this moment (the console's now-playing strip)."""

    layer: str  # one of LAYERS
    title: str  # "Slow Tide", "Rain", the voice cue's words, "Singing bowl"; "" when silent
    position_s: float | None = None  # into the item, when it has a length
    duration_s: float | None = None
    gain_db: float | None = None  # the layer's bus level now (None: silent)


@dataclass(frozen=True)
class OutputStatus:
    """The patient's output device as the sink sees it."""

    device: str  # the name shown to the clinician
    present: bool  # the device exists and is open (or can be opened)
    message: str = ""  # a short reason when it is not, e.g. "not connected"


@dataclass(frozen=True)
class SessionRequest:
    """Everything the start screen and the pre-flight collected, to start a session."""

    playlist_path: str
    load_result: LoadResult
    alias: str  # not a real name: the start screen says so
    device: str
    dose_note: str = ""  # optional: "0.5 mg/kg IV over 40 min"
    notes: str = ""  # optional free text
    preflight: dict[str, str] = field(default_factory=dict)  # item -> "ok" | "overridden: …"
    # What the patient's course changed in ``load_result``'s playlist (preferences applied,
    # last session's volume and soundscape): ``CourseChoice.to_journal()``, for the journal's
    # session_started; None when nothing was. The port plays ``load_result`` as given.
    course: dict | None = None


class SessionPort(Protocol):
    """One running session: its timeline, plus what the mixer and the sink know about it."""

    @property
    def timeline(self) -> Any:
        """The ``SessionTimeline`` (commands, ``state()``, ``subscribe``, ``schedule()``)."""

    @property
    def journal_path(self) -> str:
        """The session's journal file (the summary reads it at the end)."""

    def tick(self) -> None:
        """Let the engine advance the timeline now (see the module docstring)."""

    def now_playing(self) -> Sequence[LayerNowPlaying]:
        """What each layer plays now; one entry per layer in ``LAYERS`` order."""

    def output_status(self) -> OutputStatus:
        """The patient's output device now (the console's header shows it)."""

    def notify_patient_call(self) -> None:
        """The patient pressed Call: an optional soft chime on the clinic's second output.

        Never on the patient's own device. May do nothing (the console shows the call).
        """

    def close(self) -> None:
        """Stop the audio (after the end fade) and close the journal."""


class EnginePort(Protocol):
    """The app-wide services the UI needs before and between sessions."""

    def output_devices(self) -> list[str]:
        """Names of the output devices, the system default first."""

    def output_status(self, device: str) -> OutputStatus:
        """Whether ``device`` is present now (pre-flight)."""

    def play_headphone_test(self, device: str) -> None:
        """Play the left/right test on ``device`` (returns at once; the sound plays on)."""

    def headphone_test_playing(self) -> bool:
        """Whether the last headphone test is still sounding (the pre-flight says when done).

        ``start_session`` stops a test still playing: it must not sound over the session.
        """

    def measure_loudness(
        self, files: Sequence[str], progress: ProgressCallback, cancelled: CancelledCallback
    ) -> dict[str, float]:
        """Integrated loudness (LUFS) of each file, cached on disk; called on a worker thread.

        Calls ``progress`` now and then, stops early (raising or returning) when
        ``cancelled()`` is true, raises with a readable message if a file cannot be measured.
        """

    def check_files(
        self, files: Sequence[str], progress: ProgressCallback, cancelled: CancelledCallback
    ) -> list[str]:
        """The pre-flight's check that every audio file still decodes; one line per file that
        does not (``name: why``). Called on a worker thread."""

    def start_session(self, request: SessionRequest) -> SessionPort:
        """Create the journal and the timeline and start settling (audio fades in).

        Called after ``measure_loudness`` succeeded for the same files: the mixer's analysis
        can come from the on-disk cache instantly. Raise with a readable message on failure
        (the UI shows it and stays on the pre-flight).
        """

    def start_rehearsal(self, request: SessionRequest, speed: float) -> SessionPort:
        """A rehearsal of the playlist: the real timeline on a clock ``speed`` times faster,
        with no sound, journaled apart from patients' sessions (``session/rehearsal.py``)."""

    def unfinished_sessions(self) -> list[UnfinishedSession]:
        """Sessions left without ``session_ended`` (a crash): offered for resume at launch."""

    @property
    def records_dir(self) -> Any:
        """The data folder holding the journals (and the patients' preferences): the start
        screen reads the patient's course of sessions from it."""

    def resume_point(self, unfinished: UnfinishedSession) -> Any:
        """Where resuming now would pick the session up: a ``ResumePoint`` (phase name, time
        since the dose), without writing anything; None if its playlist cannot be read."""

    def resume_session(
        self, unfinished: UnfinishedSession, device: str, *, check_audio: bool = True
    ) -> tuple[SessionPort, Any]:
        """Rebuild the session from its journal and resume the audio at the right point.

        ``check_audio`` False skips decoding the audio files first (the automatic resume
        after a crash: they were checked when the session started).

        ``device`` is the remembered output device (the journal does not name one).

        Returns the engine and the timeline's ``ResumeReport``; raises with a readable
        message when it cannot (the playlist is gone or changed beyond use).
        """
