"""The composition root: the one place that builds the parts and hands them to each other.

- ``composition_root.run_app``: the app, in order (platform check, the start helper process,
  then Qt and the windows of ``qt_app``).
- ``services``: the live session's parts (timeline, journal, mixer, engine, player) built for
  a playlist, shared by the GUI and ``session-player play``.
- ``live_port``: the engine port the UI talks to (``ui.ports``), over the real parts.
- ``start_helper`` / ``start_check``: the start screen's background work in a second process,
  and the playlist check it shows (cached).
- ``platform_check``: what this machine lacks, said before anything fails obscurely.
- ``supervisor`` / ``supervisor_state``: restart the app and resume the session if it dies.

Everything may be imported from here; nothing below imports this package.
"""
