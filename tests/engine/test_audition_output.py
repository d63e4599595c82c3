"""The studio's audition output (engine/audition.py): one device kept open from one audition
to the next, on SDL's dummy driver (the device's audio is checked on the disk driver in
tests/output/test_sink_new_stream_disk.py and tests/ui/studio/test_audition_disk.py)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from session_player.engine.audition import AuditionOutput
from session_player.output.sink import SinkState


@pytest.fixture(autouse=True)
def _a_real_device_library():
    # A real SDL device: skipped where pygame is refused (make test-core), run with the rest.
    pytest.importorskip("pygame")


class CountingSource:
    """Stands in for an AuditionSource: a quiet tone, and how often it was asked for audio."""

    def __init__(self) -> None:
        self.calls = 0
        self.asked = threading.Event()

    def render(self, frames: int) -> np.ndarray:
        self.calls += 1
        self.asked.set()
        return np.full((frames, 2), 0.01, dtype=np.float32)


def wait_until(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {condition}")
        time.sleep(0.01)


def test_auditions_one_after_another_play_on_the_one_open_device():
    alerts = []
    output = AuditionOutput(on_alert=lambda kind, message: alerts.append(kind))
    try:
        first, second = CountingSource(), CountingSource()
        sink = output.play(first, None, fade_ms=20.0)
        assert first.asked.wait(10.0)
        assert output.play(second, None, fade_ms=20.0) is sink  # the same device, kept open
        assert second.asked.wait(10.0)
        calls = first.calls
        wait_until(lambda: second.calls >= 3)
        assert first.calls == calls  # the first is not asked for audio any more
        assert output.devices_opened == 1
        # A late stop of the first audition leaves the second playing.
        output.silence(20.0, first)
        asked = second.calls
        wait_until(lambda: second.calls > asked)
        assert alerts == []
    finally:
        output.close(fade_ms=0.0)
    assert sink.state is SinkState.CLOSED


def test_after_a_stop_the_device_plays_silence_and_is_let_go_when_idle():
    output = AuditionOutput(idle_close_s=0.05)
    source = CountingSource()
    sink = output.play(source, None, fade_ms=20.0)
    assert source.asked.wait(10.0)
    output.silence(20.0, source)
    wait_until(lambda: sink.state is SinkState.CLOSED)  # let go after idle_close_s
    assert output.sink is None
    # The next audition opens a device again.
    again = CountingSource()
    assert output.play(again, None, fade_ms=20.0) is not sink
    assert again.asked.wait(10.0)
    assert output.devices_opened == 2
    output.close(fade_ms=0.0)
