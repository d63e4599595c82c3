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

The numbering also goes back: a device chosen while it was listed as "Headphones (2)" is
listed as "Headphones" again once SDL's audio restarts (after the sound server did) or the
app starts anew, because the stale entry that made it "(2)" is gone. A numbered name that
is not listed, and was not listed beside its twin when the device was last open, follows
its base name when that is the only device of the name left.
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
    that appeared since the device was last open; otherwise, for a numbered name whose
    numbering is gone, the one device listed under its base name."""
    if chosen in listed_now:
        return chosen
    base = base_name(chosen)
    same_base = [name for name in listed_now if base_name(name) == base]
    new = [name for name in same_base if name not in listed_when_open]
    if len(new) == 1:
        return new[0]
    # "Headphones (2)" with no "(2)" any more: SDL numbered it only while a stale entry of
    # the same name was listed. Unless it was open beside its twin (then the twin is
    # another device), it is the one "Headphones" listed now.
    renumbered = base != chosen and chosen not in listed_when_open
    if renumbered and same_base == [base]:
        return base
    return chosen
