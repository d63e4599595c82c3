"""Engines that run a session's sound: the live engine and the offline render.

- ``live_engine``: ties the timeline, the mixer, the sink and the clock together while a
  session runs (drift correction, cue timing).
- ``offline_render``: the same mixer to a WAV file, faster than real time (``render``).
- ``command_script`` / ``scripted_session``: the clinician's commands as a script, applied to
  a real ``SessionTimeline`` on a fake clock, so a render follows the console's rules.

Imports playlist, session and audio (and output only where a device is opened); never Qt.
"""
