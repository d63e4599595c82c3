"""Resuming a session after a crash, a ``kill -9`` or a power cut.

The state is rebuilt by applying the journal's events in order (``SessionRecord.apply``);
only the present moment has to be found again, because the monotonic clock of the dead
process is gone. It is bridged with the wall clock::

    session_s now = session_s at the anchor + (wall now − wall at the anchor)

which is ``now_wall − dose_wall`` on the dose clock when the wall clock ran true. Anchoring
at the last sign of life rather than at the dose means that a wall-clock step during the run
(an NTP correction) does not shift the arc: the monotonic clock measured that part.

The time away counts as playing time: nobody paused the audio, so the arc went on (the
patient's drug certainly did). Automatic transitions missed while away are journaled on
resume at the times they should have happened, then a ``session_resumed`` event says how
long the app was away (from the heartbeat file, the last sign of life).

This module sits above the timeline: it builds one and restores it through its public
``replay`` and ``continue_journal``. ``resume_timeline`` is the one way to resume.

The anchor is the latest sign of life: the last event, or the heartbeat file if it is newer
(it is rewritten every few seconds with the session time and the wall time).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from session_player.playlist.model import Playlist
from session_player.session.clock import (
    SYSTEM_CLOCK,
    SYSTEM_WALL_CLOCK,
    Clock,
    WallClock,
    wall_from_iso,
)
from session_player.session.commands import ResumeError, ResumeReport
from session_player.session.journal import Journal, JournalBusy, read_heartbeat, read_journal
from session_player.session.store import SessionStore, file_sha256
from session_player.session.timeline import SessionTimeline


def _check_playlist(playlist: Playlist, events: tuple[dict, ...]) -> None:
    """Refuse a playlist whose phases are not those of the session: the arc would be wrong."""
    started = events[0]
    phase_ids = [phase.id for phase in playlist.phases]
    recorded = started.get("phase_ids")
    if isinstance(recorded, list) and recorded != phase_ids:
        raise ResumeError(
            f"The playlist's phases ({', '.join(phase_ids)}) are not those of the session "
            f"({', '.join(map(str, recorded))}). Open the playlist the session started with."
        )
    for event in events:
        if event["type"] in ("phase_started", "dose_given"):
            index = event.get("index", 0)
            if not isinstance(index, int) or not 0 <= index < len(phase_ids):
                raise ResumeError(f"The journal names phase {index!r}, which this playlist lacks.")
            if event.get("phase_id") not in (None, phase_ids[index]):
                raise ResumeError(
                    f"The journal's phase {index + 1} is '{event.get('phase_id')}', "
                    f"the playlist's is '{phase_ids[index]}'. Open the playlist the session "
                    "started with."
                )


def resume_timeline(
    playlist: Playlist,
    journal_path: str | os.PathLike,
    clock: Clock = SYSTEM_CLOCK,
    wall_clock: WallClock = SYSTEM_WALL_CLOCK,
    *,
    playlist_path: str | os.PathLike | None = None,
    app_version: str | None = None,
) -> SessionTimeline:
    """Rebuild a session from its journal and go on where it is now (``timeline.resume_report``
    says what was found). ``ResumeError`` when it cannot be resumed, with the reason."""
    journal_path = Path(journal_path)
    try:
        journal, contents = Journal.open_append(journal_path)
    except JournalBusy as exc:
        raise ResumeError(
            "This session is still open in another Session Player window; "
            "continue it there, or close that window first."
        ) from exc
    return _resumed(
        playlist,
        journal_path,
        journal,
        contents,
        clock,
        wall_clock,
        playlist_path=playlist_path,
        app_version=app_version,
    )


@dataclass(frozen=True)
class ResumePoint:
    """Where a resume now would pick the session up: for the resume offer to say."""

    phase_name: str  # "Settling" before the dose
    since_dose_s: float | None  # None before the dose


class _PreviewJournal:
    """Stands in for the journal in a preview: it takes the events and writes nothing."""

    def __init__(self, last_seq: int) -> None:
        self.last_seq = last_seq

    def append(self, event_type: str, fields: dict) -> None:
        self.last_seq += 1

    def write_heartbeat(self, data: dict) -> None:
        pass

    def close(self) -> None:
        pass


def preview_resume(
    playlist: Playlist,
    journal_path: str | os.PathLike,
    clock: Clock,
    wall_clock: WallClock,
) -> ResumePoint:
    """The phase and dose-clock time a resume now would reach, without touching the journal:
    the same rebuild as :func:`resume_timeline` (missed transitions included), on a copy."""
    journal_path = Path(journal_path)
    contents = read_journal(journal_path)
    journal = _PreviewJournal(contents.last_seq)
    timeline = _resumed(playlist, journal_path, journal, contents, clock, wall_clock)
    return ResumePoint(timeline.state().phase_name or "Settling", timeline.since_dose_s())


def _resumed(
    playlist: Playlist,
    journal_path: Path,
    journal,
    contents,
    clock: Clock,
    wall_clock: WallClock,
    *,
    playlist_path: str | os.PathLike | None = None,
    app_version: str | None = None,
) -> SessionTimeline:
    try:
        events = contents.events
        if not events or events[0]["type"] != "session_started":
            raise ResumeError(f"{journal_path} has no session_started event: nothing to resume.")
        _check_playlist(playlist, events)
        started = events[0]
        path = playlist_path if playlist_path is not None else started.get("playlist_path")
        timeline = SessionTimeline(
            playlist,
            SessionStore(journal_path.parent.parent.parent),
            clock,
            wall_clock,
            playlist_path=path,
            seed=int(started.get("seed", 0)),
            app_version=app_version,
        )
        problems = [f"line {p.line_no}: {p.message}" for p in contents.problems]
        problems += timeline.replay(events)
    except BaseException:
        journal.close()
        raise

    last = events[-1]
    wall_now = wall_clock()
    last_wall = wall_from_iso(last["wall"])
    since_last_event_s = wall_now - last_wall
    # The anchor: the latest sign of life on the session clock, the last event or the
    # heartbeat (written every few seconds, so usually much closer to the crash).
    anchor_session_s, anchor_wall = float(last["session_s"]), last_wall
    heartbeat = read_heartbeat(journal_path.parent)
    if heartbeat is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):  # damaged: tells nothing
            beat_session_s = float(heartbeat["session_s"])
            beat_wall = wall_from_iso(str(heartbeat["wall"]))
            if beat_session_s > anchor_session_s:
                anchor_session_s, anchor_wall = beat_session_s, beat_wall
    gap_s = wall_now - anchor_wall
    if gap_s < 0:
        problems.append(
            f"the wall clock is {-gap_s:.1f} s behind the session's last sign of life; "
            "resuming from that moment"
        )
    away_s = max(0.0, gap_s)
    session_now = anchor_session_s + away_s

    recorded_sha = started.get("playlist_sha256")
    current_sha = file_sha256(path) if path else None
    playlist_changed = bool(recorded_sha and current_sha and recorded_sha != current_sha)
    if playlist_changed:
        problems.append("the playlist file has changed since the session started")
    missed = timeline.continue_journal(
        journal,
        session_now_s=session_now,
        run=max((int(e.get("run", 0)) for e in events), default=0) + 1,
        resumed={
            "away_s": away_s,
            "since_last_event_s": since_last_event_s,
            "resumed_after_seq": last["seq"],
            "torn_tail": contents.torn_tail,
            "torn_bytes": contents.torn_bytes,
            "problems": problems,
            "playlist_changed": playlist_changed,
        },
    )
    timeline.resume_report = ResumeReport(
        journal_path=str(journal_path),
        events=len(events),
        last_seq=last["seq"],
        away_s=away_s,
        since_last_event_s=since_last_event_s,
        torn_tail=contents.torn_tail,
        torn_bytes=contents.torn_bytes,
        problems=tuple(problems),
        playlist_changed=playlist_changed,
        missed_events=len(missed),
    )
    return timeline
