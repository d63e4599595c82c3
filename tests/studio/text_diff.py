"""Comparing a playlist's text before and after an edit."""

from __future__ import annotations

import difflib


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only ``before`` has and the lines only ``after`` has (difflib)."""
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        if line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    return removed, added


def comment_lines(text: str) -> list[str]:
    """Every comment of ``text`` as written: whole comment lines, and the ``# ...`` at the end
    of a line (a value before it may change; the comment must stay)."""
    comments = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            comments.append(line.strip())
        elif " #" in line:
            comments.append(line[line.index(" #") :].strip())
    return comments
