"""A real full disk for the tests: a 64 KiB tmpfs mounted for one test (root only), filled
with a file until the kernel says ENOSPC, and freed by deleting that file."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SIZE = "64k"


@contextlib.contextmanager
def small_tmpfs(folder: Path) -> Iterator[Path]:
    """``folder`` as a 64 KiB tmpfs for the test; skips the test where mounting is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if os.name != "posix" or mount is None or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until the disk is full; delete it to give the room back."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (4096, 512, 64, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return filler
