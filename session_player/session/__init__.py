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
