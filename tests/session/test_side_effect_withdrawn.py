"""A side effect logged by mistake is undone by a correction, never deleted (issue 10, 17)."""

from __future__ import annotations

import pytest

from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.session.record import SessionRecord


def _events(timeline, kind: str) -> list[dict]:
    return [e for e in read_journal(timeline.journal_path).events if e["type"] == kind]


def test_a_withdrawn_side_effect_stays_in_the_journal_with_its_correction(dosed) -> None:
    kept = dosed.log_side_effect("anxiety")
    mistake = dosed.log_side_effect("dizziness")
    result = dosed.withdraw_side_effect(mistake.seq)
    assert result.message == "Side effect undone: dizziness"
    assert [e["kind"] for e in _events(dosed, "side_effect")] == ["anxiety", "dizziness"]
    (withdrawn,) = _events(dosed, "side_effect_withdrawn")
    assert withdrawn["side_effect_seq"] == mistake.seq and withdrawn["kind"] == "dizziness"
    assert dosed._record.withdrawn_side_effects == {mistake.seq}
    assert kept.seq not in dosed._record.withdrawn_side_effects


def test_withdrawing_twice_or_what_is_no_side_effect_is_refused(dosed) -> None:
    mistake = dosed.log_side_effect("dizziness")
    dosed.withdraw_side_effect(mistake.seq)
    with pytest.raises(CommandRefused, match="already undone"):
        dosed.withdraw_side_effect(mistake.seq)
    note = dosed.add_note("not a side effect")
    with pytest.raises(CommandRefused, match=f"no side effect {note.seq}"):
        dosed.withdraw_side_effect(note.seq)
    assert len(_events(dosed, "side_effect_withdrawn")) == 1


def test_the_correction_survives_a_replay_of_the_journal(dosed) -> None:
    mistake = dosed.log_side_effect("confusion")
    dosed.withdraw_side_effect(mistake.seq)
    replayed = SessionRecord(dosed.playlist)
    for event in read_journal(dosed.journal_path).events:
        replayed.apply(event)
    assert replayed.withdrawn_side_effects == {mistake.seq}
