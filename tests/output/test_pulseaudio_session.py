"""A whole live session on a real PulseAudio server while its output device goes and returns.

The session clock and the journal must go on while the headphones are unplugged (a command
given meanwhile is journaled at its time), the loss and the return are journaled as alerts,
and the sound comes back on the same sink.
"""

from __future__ import annotations

from tests.output.conftest import PULSE_PRELUDE

SESSION = """
import wave
from pathlib import Path
from session_player.app.services import build_live_session, load_for_session

folder = Path(os.getcwd())
t = np.arange(10 * 48000) / 48000
bed = (0.2 * 32767 * np.sin(2 * np.pi * 220 * t)).astype("<i2")
with wave.open(str(folder / "bed.wav"), "wb") as out:
    out.setnchannels(2); out.setsampwidth(2); out.setframerate(48000)
    out.writeframes(np.repeat(bed[:, None], 2, axis=1).tobytes())
(folder / "session.yaml").write_text(
    "title: Device test\\n"
    "route: IV\\n"
    "soundscapes:\\n"
    "  bed: {name: Bed, layers: [{bed: bed.wav}]}\\n"
    "patient: {default: bed}\\n"
    "settling: {soundscape: bed}\\n"
    "phases:\\n"
    "  - id: only\\n"
    "    duration: 10m\\n"
    "    soundscape: bed\\n"
)
loaded = load_for_session(str(folder / "session.yaml"), report=lambda line: None)
live = build_live_session(loaded, device_name="Headphones", alias="device-test",
                          sessions_dir=str(folder / "sessions"), on_alert=on_alert)
live.start()
time.sleep(3.0)
clock_before, mono_before = live.timeline.now_s(), time.monotonic()
unplug("headphones")
time.sleep(1.5)
status_lost = live.player.sink.state.value
live.timeline.mark_dose_given()  # the clinician goes on while the headphones are away
dose_at = live.timeline.now_s()
time.sleep(1.0)
recorder = Recorder("headphones", wait=True)
plug("headphones", "Headphones")
time.sleep(4.5)
heard = recorder.stop()
status_back = live.player.sink.state.value
clock_after, mono_after = live.timeline.now_s(), time.monotonic()
live.close()
(journal,) = (folder / "sessions").glob("**/journal.jsonl")
events = [json.loads(line) for line in journal.open()]
done(status_lost=status_lost, status_back=status_back, dose_at=dose_at,
     clock_advance=clock_after - clock_before, wall_advance=mono_after - mono_before,
     events=[[e["type"], e.get("session_s"), e.get("kind")] for e in events],
     heard_peak=float(np.abs(heard[-24000:]).max()) if len(heard) else 0.0)
"""


def test_the_clock_and_the_journal_go_on_while_the_device_is_away(sdl, pulse):
    result = sdl(PULSE_PRELUDE + SESSION, driver="pulseaudio", env=pulse.env, timeout_s=60.0)
    assert result["status_lost"] == "device_lost"
    assert result["status_back"] == "playing"
    # The session clock kept the wall clock's pace through the loss.
    assert abs(result["clock_advance"] - result["wall_advance"]) < 0.2
    events = result["events"]
    kinds = [kind for kind_of_event, _, kind in events if kind_of_event == "alert_raised"]
    assert kinds == ["device_lost", "device_restored"]
    types = [event[0] for event in events]
    lost = types.index("alert_raised")
    dose = types.index("dose_given")
    assert lost < dose  # journaled while the device was away, at its time
    assert abs(events[dose][1] - result["dose_at"]) < 0.2
    assert result["heard_peak"] > 0.01  # the bed plays on the same sink again (silence: 0)
