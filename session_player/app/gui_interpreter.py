"""Three settings of the Python interpreter for a process whose GUI thread must never wait long.

Slow work runs on pool threads (``ui/worker.py``). But in CPython every thread takes turns
holding one lock, the GIL. While the studio opened a 5,000-item playlist, three things kept
the GUI thread waiting for that lock for several frames at a time (60-90 ms; measured by
``bench/studio_responsive.py``, figures in docs/benchmarks.md):

* **The switch interval.** A thread that wants the lock gets it once the holder has run for
  its interval, 5 ms by default. The GUI thread gives up the lock and asks for it again many
  times per turn of the event loop, because Qt calls release it. So with a busy worker, each
  slot and each paint waited 5 ms several times over. At 1 ms those waits are a fifth as
  long. A thread doing pure computation then switches more often, which costs well under 1 %
  of its time.
* **The objects that live as long as the process.** The collector scans its oldest
  generation whole, holding the lock. In the studio window that generation held about
  55,000 objects that exist from start-up to exit: modules, classes and widgets. Each full
  scan went over them all, 33 ms with one playlist open. ``gc.freeze`` takes whatever exists
  once the window is built out of every later scan; it was made for this. Frozen objects are
  never collected, and at that point all of them are in use for good.
* **How often a full collection runs.** Building a playlist's model creates tens of
  thousands of objects that survive. The default first threshold, 700 allocations, set off
  two full scans per refresh, each of the old model and the new one together (20-45 ms).
  A first threshold of 10,000 allocations (Python 3.12 raised the default to 2,000 for the
  same reason) leaves at most one scan per refresh, and usually only the younger generations.

The three settings help the live session's threads in the same way: the output's feeder
waits less for the lock. Each entry point that runs a Qt event loop calls this once, just
before the loop starts.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
GC_THRESHOLDS = (10_000, 10, 10)


def settle_for_the_event_loop() -> None:
    """Set the switch interval and the collector's thresholds, and freeze what exists now
    (call it once the window is built)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()
