"""The audio timeline tau: it stands still while paused, after the 2 s fade-out."""

from __future__ import annotations

import math

import pytest

from session_player.session.audio_time import PAUSE_FADE_S, AudioTimeline


def test_without_pauses_tau_is_the_session_clock() -> None:
    audio = AudioTimeline()
    assert audio.tau_at(123.4) == 123.4
    assert audio.session_at(123.4) == 123.4


def test_tau_stands_still_from_the_end_of_the_fade_until_the_resume() -> None:
    audio = AudioTimeline()
    audio.pause(100.0)
    assert audio.tau_at(101.0) == 101.0  # still fading out: the audio still moves
    assert audio.tau_at(100.0 + PAUSE_FADE_S) == 102.0
    assert audio.tau_at(500.0) == 102.0  # paused
    assert audio.session_at(102.0) == 102.0
    assert audio.session_at(102.5) == math.inf  # not reached while paused
    audio.resume(400.0)
    assert audio.tau_at(400.0) == 102.0
    assert audio.tau_at(410.0) == 112.0
    assert audio.session_at(112.0) == 410.0


def test_a_resume_during_the_fade_out_freezes_nothing() -> None:
    audio = AudioTimeline()
    audio.pause(10.0)
    audio.resume(11.0)
    assert audio.tau_at(50.0) == 50.0
    assert audio.session_at(50.0) == 50.0


def test_several_pauses_add_up_and_the_inverse_matches() -> None:
    audio = AudioTimeline()
    for paused, resumed in [(10.0, 30.0), (50.0, 51.0), (100.0, 160.0)]:
        audio.pause(paused)
        audio.resume(resumed)
    frozen = (30 - 12) + 0 + (160 - 102)
    assert audio.tau_at(200.0) == pytest.approx(200.0 - frozen)
    for session_s in [0.0, 5.0, 12.0, 31.0, 52.0, 101.0, 170.0, 300.0]:
        tau = audio.tau_at(session_s)
        back = audio.session_at(tau)
        assert back <= session_s + 1e-9
        assert audio.tau_at(back) == pytest.approx(tau)


def test_pause_twice_or_resume_unpaused_is_an_error() -> None:
    audio = AudioTimeline()
    with pytest.raises(ValueError):
        audio.resume(1.0)
    audio.pause(1.0)
    with pytest.raises(ValueError):
        audio.pause(2.0)
