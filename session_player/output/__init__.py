"""Output: the patient's headphones, through pygame (SDL). The only package that imports pygame.

- :mod:`~session_player.output.devices`: list output devices by name, remember the choice.
- :mod:`~session_player.output.sink`: :class:`AudioSink` pulls ``render(frames)`` (float32,
  (frames, 2), 48 kHz) ahead of time into a ring and plays it on one device; it never
  clicks (underruns and stops fade), exposes the device's sample clock for drift
  correction, and when the device is absent or lost it alerts at once, keeps time, retries
  the same device and never moves to another one unless allowed.
- :mod:`~session_player.output.feed`: the ring and the click-free rules, testable without
  a device.
- :mod:`~session_player.output.headphone_test`: left, then right.
- :mod:`~session_player.output.live`: :class:`LivePlayer`, the sink plus a steady tick
  loop, shared by ``session-player play`` and the GUI.
- ``_sdl``: the SDL calls themselves (why some go through ctypes is explained there).

Importing this package does not import pygame; opening or listing a device does.
"""
