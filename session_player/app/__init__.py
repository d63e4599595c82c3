"""The composition root: the one place that builds the parts and hands them to each other.

- ``composition_root.run_app``: the app, in order (platform check, the start helper process,
  then Qt and the windows of ``qt_app``).
- ``services``: the live session's parts (timeline, journal, mixer, engine, player) built for
  a playlist, shared by the GUI and ``session-player play``.
- ``live_port``: the engine port the UI talks to (``engine.ports``), over the real parts.
- ``start_helper``: the start screen's background work in a second process (what it checks
  and says is in ``launch/``).
- ``qt_app``: the QApplication and the main window, on the port built here.
- ``supervisor``: restart the app and resume the session if it dies.

Everything may be imported from here; nothing below imports this package.
"""
