"""Where on the studio's timeline each problem of a playlist is marked.

A problem has a file, a line and a column; a span of the timeline knows the YAML path that
made it. A problem is marked on the span written nearest at or above its position, within
the same top-level section of the file (settling, phases, clinical, transitions); a problem
elsewhere (levels, soundscapes, an included library) stays in the problem list only.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import TYPE_CHECKING

from session_player.playlist.problems import Position, Problem

if TYPE_CHECKING:  # session_map imports this module
    from session_player.ui.studio.session_map import SessionMap, Span

_TIMELINE_SECTIONS = ("settling", "phases", "clinical", "transitions")


def place_problems(session_map: SessionMap, problems: list[Problem], doc) -> None:
    """Mark each problem on the span written at its line (the nearest one above it)."""
    main_source = str(Path(doc.source).resolve())
    anchors: list[tuple[Position, int, Span]] = []
    for order, span in enumerate(session_map.spans):
        if span.yaml_path is None or span.yaml_path[0] not in _TIMELINE_SECTIONS:
            continue
        if span.yaml_path not in doc.value_positions and span.yaml_path not in doc.key_positions:
            continue
        anchors.append((doc.key_position_of(span.yaml_path), order, span))
    anchors.sort(key=lambda entry: (entry[0], entry[1]))
    sections = sorted(
        (doc.key_position_of((key,)), key)
        for key in (doc.data if isinstance(doc.data, dict) else {})
    )
    positions = [entry[0] for entry in anchors]
    for problem in problems:
        if str(Path(problem.path).resolve()) != main_source:
            continue
        section = None
        for position, key in sections:
            if position <= problem.position:
                section = key
        if section not in _TIMELINE_SECTIONS:
            continue
        index = bisect.bisect_right(positions, problem.position) - 1
        while index >= 0:
            position, _, span = anchors[index]
            if span.yaml_path[0] == section:
                # Among spans written at the same place, mark the first (a music item that
                # plays in several rounds is marked on its first).
                span.problems.append(problem)
                session_map.placed[problem] = span
                break
            index -= 1
