"""``session-player devices``: list the audio outputs, remember one, test left and right."""

from __future__ import annotations

import argparse
import sys

from session_player.cli.exit_codes import EXIT_OK, EXIT_PROBLEMS


def add_parser(sub: argparse._SubParsersAction) -> None:
    devices = sub.add_parser(
        "devices",
        description="List the audio output devices. --use NAME remembers NAME as the output "
        "for later sessions (the app and 'play' open it unless told otherwise); --test plays "
        "the left/right headphone test on the chosen (or remembered) device.",
    )
    devices.add_argument("--use", metavar="NAME", help="remember NAME as the output device")
    devices.add_argument("--test", action="store_true", help="play the left/right test")
    devices.add_argument("--device", metavar="NAME", help="device for --test")
    devices.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from session_player.output.devices import (
        DeviceChoiceStore,
        audio_driver_name,
        list_output_devices,
        preferred_device,
    )

    store = DeviceChoiceStore()
    if args.use:
        store.save(args.use)
        print(f"remembered output device: {args.use}")
    try:
        names = list_output_devices()
    except Exception as exc:  # SDL could not start its audio subsystem at all
        print(f"session-player: cannot list audio devices: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    remembered = store.load()
    driver = audio_driver_name() or "unknown"
    print(f"audio driver: {driver}")
    for name in names:
        mark = "  (remembered)" if name == remembered else ""
        print(f"  {name}{mark}")
    if not names:
        print("  (no named output devices; the system default will be used)")
    if remembered and remembered not in names:
        print(f"remembered device not present now: {remembered}")
    if args.test:
        from session_player.output.headphone_test import run_headphone_test

        device = preferred_device(args.device, store)
        print(f"headphone test on {device or 'the system default output'}: left, then right")
        result = run_headphone_test(device, on_side=lambda side: print(f"  now: {side}"))
        print(result.message)
        return EXIT_OK if result.completed else EXIT_PROBLEMS
    return EXIT_OK
