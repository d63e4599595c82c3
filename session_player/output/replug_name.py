"""The name a device comes back under after it was unplugged and plugged in again.

SDL2 gives every output device a unique name in its list: a device added while another entry
already has its name gets " (2)", " (3)"... (``add_audio_device`` in SDL_audio.c). The entry
of a removed device is only marked removed, and is dropped from the list the next time
someone counts the devices. So a headset (or a PulseAudio sink) that disappears and comes
back before that happens is listed as "Headphones (2)", and opening "Headphones" fails with
"No such device." for as long as the process lives: the sink's retries could never succeed.

:func:`name_to_open` picks the clinic's device under its new name, but only a name that was
not listed while the device was last open: with two identical headsets ("USB Headset" and
"USB Headset (2)") unplugging the first must not move the sound to the second.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_DUPLICATE = re.compile(r"^(?P<base>.*) \((?P<number>\d+)\)$")


def base_name(listed_name: str) -> str:
    """The device's own name without SDL's " (N)" suffix for duplicates."""
    match = _DUPLICATE.match(listed_name)
    return match.group("base") if match else listed_name


def name_to_open(
    chosen: str, listed_now: Collection[str], listed_when_open: Collection[str]
) -> str:
    """The listed name under which ``chosen`` can be opened now.

    ``chosen`` itself when it is listed (or when nothing else fits: drivers such as SDL's
    disk driver open names that are not in the list); otherwise the one duplicate name of it
    that appeared since the device was last open."""
    if chosen in listed_now:
        return chosen
    new = [
        name
        for name in listed_now
        if name not in listed_when_open and base_name(name) == base_name(chosen)
    ]
    return new[0] if len(new) == 1 else chosen
