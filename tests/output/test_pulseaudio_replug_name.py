"""Which listed name the chosen device is opened under after SDL renamed it " (2)"."""

from textwrap import dedent

from session_player.output.replug_name import base_name, name_to_open
from tests.output.conftest import PULSE_PRELUDE


def test_the_chosen_name_is_used_when_it_is_listed():
    assert name_to_open("Headphones", ["Room-speakers", "Headphones"], ["Headphones"]) == (
        "Headphones"
    )


def test_a_device_replugged_before_sdl_dropped_its_old_entry_is_found_under_its_new_name():
    listed = ["Room-speakers", "Headphones (2)"]
    assert name_to_open("Headphones", listed, ["Room-speakers", "Headphones"]) == "Headphones (2)"


def test_a_twin_that_was_already_there_is_never_taken_for_the_chosen_device():
    # Two identical headsets: the first is unplugged; the second must not get its sound.
    before = ["USB Headset", "USB Headset (2)"]
    assert name_to_open("USB Headset", ["USB Headset (2)"], before) == "USB Headset"
    # ...but the first one coming back (as "(3)") is found.
    now = ["USB Headset (2)", "USB Headset (3)"]
    assert name_to_open("USB Headset", now, before) == "USB Headset (3)"


def test_a_name_not_listed_at_all_is_tried_as_given():
    # SDL's disk driver opens a file path that is not in its list.
    assert name_to_open("/tmp/out.raw", ["System audio"], ["System audio"]) == "/tmp/out.raw"


def test_base_name_strips_only_sdls_duplicate_suffix():
    assert base_name("Headphones (2)") == "Headphones"
    assert base_name("Speakers (Realtek)") == "Speakers (Realtek)"


def test_a_device_chosen_as_its_numbered_name_follows_its_base_name_once_the_numbering_is_gone():
    # Picked while listed as "Headphones (2)"; SDL's audio restarted (or the app started
    # again) and lists it as "Headphones": the sink's first open has no earlier listing.
    listed = ["Room-speakers", "Headphones"]
    assert name_to_open("Headphones (2)", listed, listed) == "Headphones"
    # After an open under the numbered name, SDL's audio restarted: the same.
    assert name_to_open("Headphones (2)", listed, ["Room-speakers", "Headphones (2)"]) == (
        "Headphones"
    )


def test_a_numbered_twin_unplugged_is_not_taken_for_the_other_headset():
    # Two identical headsets were open side by side; the chosen "(2)" is unplugged.
    before = ["USB Headset", "USB Headset (2)"]
    assert name_to_open("USB Headset (2)", ["USB Headset"], before) == "USB Headset (2)"
    # Two headsets of the name left and neither is the chosen one: no guess.
    now = ["USB Headset", "USB Headset (3)"]
    assert name_to_open("USB Headset (2)", now, now) == "USB Headset (2)"


def test_on_pulseaudio_a_device_picked_as_headphones_2_plays_after_sdls_audio_restarts(sdl, pulse):
    script = PULSE_PRELUDE + dedent("""
        from session_player.output import _sdl
        from session_player.output.sink import AudioSink
        _sdl.output_device_names()
        unplug("headphones"); plug("headphones", "Headphones")  # replugged before a listing
        time.sleep(1.0)  # SDL hears of both; no listing in between drops the old entry
        picked_from = _sdl.output_device_names()
        restarted = _sdl.restart_audio()  # as after the server restarted: names start anew
        listed = _sdl.output_device_names()
        waker = Waker("headphones")
        sink = AudioSink(sine_render(440.0, 0.25), "Headphones (2)", on_alert=on_alert)
        sink.start()
        deadline = time.monotonic() + 8
        while sink.device_clock().frames_delivered < 48000 and time.monotonic() < deadline:
            time.sleep(0.05)
        headphones = Recorder("headphones")
        time.sleep(1.0)
        heard = headphones.stop()
        state = sink.state.value
        sink.close(fade_ms=20)
        waker.stop()
        done(picked_from=picked_from, restarted=restarted, listed=listed, state=state,
             heard=float(np.max(np.abs(heard))) if len(heard) else 0.0)
        """)
    result = sdl(script, driver="pulseaudio", env=pulse.env, timeout_s=40.0)
    assert "Headphones (2)" in result["picked_from"], result
    assert result["restarted"] and "Headphones" in result["listed"], result
    assert result["alerts"] == []  # not "not available": the base name was opened
    assert result["state"] == "playing"
    assert result["heard"] > 0.2
