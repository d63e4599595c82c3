"""The session at run time: the dose clock, the arc, commands, the journal, observable state.

Qt-free and pygame-free; time comes from an injectable clock so tests run hours in milliseconds.

Modules, one concept each:

- ``clock``: the injectable monotonic and wall clocks, and ``FakeClock`` for tests.
- ``journal``: the append-only, fsynced JSON Lines journal, read tolerantly.
- ``store``: per-session folders and ``find_unfinished_sessions``.
- ``audio_time``: the audio timeline ``tau_s`` (stands still while paused).
- ``arc``: pure arc arithmetic (phase ends, holds, which soundscape plays).
- ``record``: the state rebuilt from events (the only code that changes state).
- ``state`` / ``snapshot``: ``SessionState`` and how it is computed.
- ``audio_plan``: the ``AudioSchedule`` for the mixer (contract in ``schedule``).
- ``vitals``: due checks and threshold flags.
- ``commands``: results and ``CommandRefused``.
- ``timeline``: ``SessionTimeline``, the commands and the clock-driven transitions.
- ``recovery``: resuming from a journal after a crash.
"""

from session_player.lazy_exports import lazy_exports

_EXPORTS = {
    "FakeClock": "session_player.session.clock",
    "SIDE_EFFECT_KINDS": "session_player.session.commands",
    "CommandRefused": "session_player.session.commands",
    "CommandResult": "session_player.session.commands",
    "ResumeError": "session_player.session.commands",
    "ResumeReport": "session_player.session.commands",
    "VitalsResult": "session_player.session.commands",
    "Journal": "session_player.session.journal",
    "JournalContents": "session_player.session.journal",
    "read_journal": "session_player.session.journal",
    "SessionState": "session_player.session.state",
    "SessionStore": "session_player.session.store",
    "UnfinishedSession": "session_player.session.store",
    "find_unfinished_sessions": "session_player.session.store",
    "SessionTimeline": "session_player.session.timeline",
}

__getattr__, __all__ = lazy_exports(__name__, _EXPORTS)
