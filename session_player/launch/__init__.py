"""What the app's launch needs before and beside Qt, Qt-free and cheap to import.

- ``platform_check``: what this machine lacks (a display, libraries), said plainly.
- ``start_check``: the start screen's check of a playlist, reduced to what it shows, cached.
- ``supervisor_state``: the small state file between the app and its supervisor.
- ``unfinished_json``: unfinished sessions as the start helper process sends them.

Shared by the GUI process (``ui``) and the start helper process (``app.start_helper``), so
it sits below ``ui``; it imports only ``playlist`` and ``session``.
"""
