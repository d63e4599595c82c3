"""The injectable clocks."""

from __future__ import annotations

import pytest

from session_player.session.clock import FakeClock, wall_from_iso, wall_iso


def test_fake_clock_moves_monotonic_and_wall_together() -> None:
    clock = FakeClock(start_s=50.0, wall_start_s=1_000_000.0)
    clock.advance(2.5)
    assert clock() == 52.5
    assert clock.wall() == 1_000_002.5
    clock.set(60.0)
    assert clock.wall() == 1_000_010.0


def test_fake_clock_never_goes_back() -> None:
    clock = FakeClock(start_s=50.0)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(49.0)


def test_wall_jump_moves_only_the_wall_clock() -> None:
    clock = FakeClock(start_s=0.0, wall_start_s=100.0)
    clock.jump_wall(-30)
    assert clock() == 0.0 and clock.wall() == 70.0


def test_wall_iso_round_trips_to_the_microsecond() -> None:
    wall_s = 1_767_225_600.123456
    text = wall_iso(wall_s)
    assert "T" in text and ("+" in text or "-" in text[19:])  # an explicit UTC offset
    assert wall_from_iso(text) == pytest.approx(wall_s, abs=1e-6)
