"""The command table: every front end's rule comes from one row (issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from session_player.engine.command_script import ACTIONS
from session_player.session import command_table as commands
from session_player.session.commands import CommandRefused
from session_player.session.record import MIN_VOLUME_DB

MINUTE = 60.0
PACKAGE = Path(__file__).resolve().parents[2] / "session_player"


def test_a_toggle_runs_the_half_the_state_calls_for(timeline, clock):
    timeline.mark_dose_given()
    assert commands.CALM(timeline).command == "calm_down"
    assert timeline.state().calm
    assert commands.CALM.label_for(timeline.state()) == "Undo calm down"
    assert commands.CALM(timeline).command == "undo_calm_down"
    assert not timeline.state().calm
    assert commands.PAUSE(timeline).command == "pause_audio"
    assert commands.PAUSE.command_name(timeline.state()) == "resume_audio"
    assert commands.PAUSE(timeline).command == "resume_audio"


def test_louder_and_quieter_step_within_the_limit_and_stop_at_it(timeline):
    state = timeline.state()
    assert state.volume_limit_db == min(state.volume_cap_db, state.max_volume_db)
    # The test playlist starts at -6 dB under a -2 dB ceiling: two steps, the second clamped.
    assert commands.LOUDER(timeline).value == pytest.approx(-4.0)
    assert commands.LOUDER(timeline).value == pytest.approx(-2.0)
    assert not timeline.state().can_louder
    assert commands.LOUDER(timeline) is None  # nothing asked above the limit
    assert commands.QUIETER(timeline).value == pytest.approx(-2.0 - commands.VOLUME_STEP_DB)
    while timeline.state().can_quieter:
        commands.QUIETER(timeline)
    assert timeline.state().volume_db == MIN_VOLUME_DB
    assert not commands.QUIETER.is_enabled(timeline.state())


def test_the_cap_lowers_the_limit_everyone_reads(timeline):
    commands.SET_VOLUME_CAP(timeline, -10.0)
    state = timeline.state()
    assert state.volume_limit_db == -10.0
    assert state.volume_db <= -10.0
    assert not state.can_louder


def test_enabled_follows_the_published_state(make_timeline):
    timeline = make_timeline()
    assert not any(c.is_enabled(timeline.state()) for c in (commands.DOSE, commands.END))
    timeline.start("A")
    settling = timeline.state()
    assert settling.live
    assert commands.DOSE.is_enabled(settling)
    assert not commands.EXTEND.is_enabled(settling)
    timeline.mark_dose_given()
    running = timeline.state()
    assert not commands.DOSE.is_enabled(running)
    assert commands.DOSE.label_for(running) == "Dose given ✓"
    assert commands.EXTEND.is_enabled(running)
    assert commands.EXTEND.label_for(running) == "Extend +5m"
    commands.EXTEND(timeline)
    commands.EXTEND(timeline)
    assert not commands.EXTEND.is_enabled(timeline.state())  # max_extend used up
    assert commands.EXTEND.label_for(timeline.state()) == "Extend"


def test_a_refusal_names_the_timeline_command():
    state = type("S", (), {"paused": False, "calm": True})()
    assert commands.CALM.command_name(state) == "undo_calm_down"
    assert commands.DOSE.command_name(state) == "mark_dose_given"
    assert commands.VITALS.command_name(state) == "record_vitals"


def test_a_script_takes_a_toggle_half_as_written(timeline):
    timeline.mark_dose_given()
    with pytest.raises(CommandRefused):
        commands.run_script_action(timeline, "undo_calm_down")  # not calm: refused, not toggled
    commands.run_script_action(timeline, "calm_down")
    assert timeline.state().calm


def test_every_script_action_and_play_key_comes_from_a_row():
    assert set(ACTIONS) == set(commands.SCRIPT_ACTIONS)
    for key, row in commands.PLAY_KEYS.items():
        assert row in commands.ALL_COMMANDS and row.play_key == key
    assert len({c.name for c in commands.ALL_COMMANDS}) == len(commands.ALL_COMMANDS)
    shortcuts = [c.shortcut for c in commands.CONSOLE_COMMANDS if c.shortcut]
    assert len(shortcuts) == len(set(shortcuts)), "two console commands share a key"


def _string_literals_calling_timeline_commands(path: Path) -> list[str]:
    """``getattr(x.timeline, name)`` and ``bridge.run("name")`` in a front end's source."""
    found = []
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        by_getattr = (
            isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and "timeline" in ast.unparse(node.args[0])
        )
        by_name = (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "run"
            and "bridge" in ast.unparse(node.func.value)
            and isinstance(node.args[0], ast.Constant)
        )
        if by_getattr or by_name:
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_front_end_calls_a_timeline_command_by_its_name_in_a_string():
    fronts = [*sorted((PACKAGE / "ui").rglob("*.py")), *sorted((PACKAGE / "cli").glob("*.py"))]
    fronts += [PACKAGE / "engine" / "scripted_session.py"]
    found = [hit for path in fronts for hit in _string_literals_calling_timeline_commands(path)]
    assert found == []
