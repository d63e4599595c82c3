"""Give the calling thread a name the operating system shows (``top -H``, ``/proc``).

Python's thread names live only inside Python. The live path's threads run for hours, and
when a clinic's laptop is slow, ``top -H`` should say which of ours is busy (the mixer, the
tick, the watchdog) rather than "python" three times; the live benchmark reads them too.
Linux only (``prctl``); elsewhere, and on any failure, it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys

_PR_SET_NAME = 15
_libc = None
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError):
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def set_native_thread_name(name: str) -> None:
    """At most 15 bytes are kept (the kernel's limit)."""
    if _libc is None:
        return
    with contextlib.suppress(Exception):
        _libc.prctl(_PR_SET_NAME, ctypes.c_char_p(name.encode("ascii", "replace")[:15]), 0, 0, 0)
