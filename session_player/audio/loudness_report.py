"""The loudness report of a playlist: every file, what the session does to it, what to fix.

For each audio file: its facts (``audio.loudness``), where the playlist uses it, and the gain
the session will apply there, found the way the planner finds it (``plan_music``,
``plan_cues``, ``plan_soundscape``): normalisation to ``levels.loudness_target_lufs`` (at
most +12 dB; nothing for a silent file) plus the gains the playlist writes for that use and
the mixer's fixed offsets (voice -2 dB, bells -3 dB, one-shots up to +3 dB of random
variation, the loudest phase's ``soundscape_gain_db`` for soundscape files). Where a file is
used with different gains, the loudest use counts. The peak after gain is the true peak at
that gain and at the highest master volume anyone may set (``levels.max_volume_db``).

Flags (each with a sentence saying what it means for the session):

- ``far``: integrated loudness more than ``FAR_FROM_TARGET_LU`` from the target; the session
  turns it a long way down, or cannot raise it enough (at most +12 dB) and it stays quiet;
- ``peak``: true peak after gain above ``levels.ceiling_dbfs``; the limiter will press it
  down, which a therapist may hear on a loud passage;
- ``silent``: no loudness at all; played as it is (probably the wrong file);
- ``unreadable``: it could not be measured; the session would skip it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

from session_player.audio.analysis import MAX_BOOST_DB
from session_player.audio.clips import BELL_OFFSET_DB, ONE_SHOT_SPREAD_DB, VOICE_OFFSET_DB
from session_player.audio.loudness import LoudnessFacts
from session_player.audio.loudness_scan import ScanResult
from session_player.playlist.model import Levels

FAR_FROM_TARGET_LU = 10.0


@dataclass(frozen=True)
class FileUse:
    where: str  # "music in peak", "voice cue in onset", "bell soft-chime", "soundscape rain"
    offset_db: float  # gain the session adds to this use on top of normalisation


@dataclass(frozen=True)
class Flag:
    code: str  # far | peak | silent | unreadable
    message: str


@dataclass(frozen=True)
class ReportRow:
    path: str
    uses: tuple[FileUse, ...]
    facts: LoudnessFacts | None  # None: not measured (see failure) or the scan was cancelled
    failure: str | None
    gain_db: float | None  # normalisation + the loudest use's offset
    peak_after_gain_dbtp: float | None
    flags: tuple[Flag, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass
class LoudnessReport:
    levels: Levels
    rows: list[ReportRow] = field(default_factory=list)
    cancelled: bool = False

    @property
    def flagged(self) -> list[ReportRow]:
        return [row for row in self.rows if row.flagged]

    @property
    def unmeasured(self) -> list[ReportRow]:
        return [row for row in self.rows if row.facts is None and row.failure is None]


def _add(uses: dict[str, list[FileUse]], path: str | None, where: str, offset_db: float):
    if path is not None:
        uses.setdefault(path, []).append(FileUse(where, offset_db))


def file_uses(document) -> dict[str, list[FileUse]]:
    """Every audio file of a playlist (or a library) with each of its uses, in order."""
    uses: dict[str, list[FileUse]] = {}
    contents = []
    if getattr(document, "settling", None) is not None:
        contents.append(("settling", document.settling))
    contents += [(phase.id, phase) for phase in getattr(document, "phases", [])]
    voices = getattr(document, "voices", {}) or {}
    bells = getattr(document, "bells", {}) or {}
    soundscapes = getattr(document, "soundscapes", {}) or {}
    cued_voices: set[str] = set()
    for name, content in contents:
        if content.music is not None:
            for item in content.music.items:
                offset = item.gain_db + content.music.gain_db
                _add(uses, item.file, f"music in {name}", offset)
        for cue in content.voice:
            if cue.cue is not None and cue.cue in voices:
                cued_voices.add(cue.cue)
                voice = voices[cue.cue]
                offset = voice.gain_db + cue.gain_db + VOICE_OFFSET_DB
                _add(uses, voice.file, f"voice {cue.cue} in {name}", offset)
            elif cue.file is not None:
                _add(uses, cue.file, f"voice cue in {name}", cue.gain_db + VOICE_OFFSET_DB)
    phase_soundscape_db = max((c.soundscape_gain_db for _, c in contents), default=0.0)
    for soundscape_id, soundscape in soundscapes.items():
        for layer in soundscape.layers:
            base = layer.gain_db + soundscape.gain_db + phase_soundscape_db
            _add(uses, layer.bed, f"soundscape {soundscape_id}", base)
            for one_shot in layer.one_shots or []:
                _add(uses, one_shot, f"soundscape {soundscape_id}", base + ONE_SHOT_SPREAD_DB)
    for bell_id, bell in bells.items():
        _add(uses, bell.file, f"bell {bell_id}", bell.gain_db + BELL_OFFSET_DB)
    for voice_id, voice in voices.items():
        if voice_id not in cued_voices:
            _add(uses, voice.file, f"voice {voice_id}", voice.gain_db + VOICE_OFFSET_DB)
    return uses


def normalisation_db(facts: LoudnessFacts, target_lufs: float) -> float:
    """As ``FileAnalysis.normalisation_gain_db``: what the mixer applies to reach the target."""
    return facts.as_analysis().normalisation_gain_db(target_lufs, MAX_BOOST_DB)


def _flags(facts: LoudnessFacts, levels: Levels, gain_db: float, peak_after: float | None):
    flags: list[Flag] = []
    target = levels.loudness_target_lufs
    if facts.integrated_lufs is None:
        flags.append(Flag("silent", "silent: no loudness to measure; played as it is"))
        return flags
    difference = facts.integrated_lufs - target
    if difference > FAR_FROM_TARGET_LU:
        flags.append(
            Flag(
                "far",
                f"{facts.integrated_lufs:.1f} LUFS is {difference:.1f} LU over the "
                f"{target:g} LUFS target: the session turns it down {difference:.1f} dB",
            )
        )
    elif difference < -FAR_FROM_TARGET_LU:
        short = max(0.0, -difference - MAX_BOOST_DB)
        tail = (
            f"raised {MAX_BOOST_DB:g} dB at most, it stays {short:.1f} LU under the target"
            if short > 0
            else f"the session raises it {-difference:.1f} dB (noise and hiss with it)"
        )
        flags.append(
            Flag(
                "far",
                f"{facts.integrated_lufs:.1f} LUFS is {-difference:.1f} LU under the "
                f"{target:g} LUFS target: {tail}",
            )
        )
    if peak_after is not None and peak_after > levels.ceiling_dbfs:
        flags.append(
            Flag(
                "peak",
                f"true peak {peak_after:+.1f} dBTP after {gain_db:+.1f} dB of gain is "
                f"{peak_after - levels.ceiling_dbfs:.1f} dB over the {levels.ceiling_dbfs:g} "
                "dBFS ceiling: the limiter will press it down",
            )
        )
    return flags


def build_report(document, scan: ScanResult) -> LoudnessReport:
    """Rows in the playlist's order; files the scan did not reach have no facts."""
    levels = getattr(document, "levels", None) or Levels()
    report = LoudnessReport(levels=levels, cancelled=scan.cancelled)
    for path, uses in file_uses(document).items():
        facts = scan.facts.get(path)
        failure = scan.failures.get(path)
        if facts is None:
            reason = failure.removeprefix(f"{path}: ") if failure is not None else None
            flags = (Flag("unreadable", reason),) if reason is not None else ()
            report.rows.append(ReportRow(path, tuple(uses), None, failure, None, None, flags))
            continue
        offset = max(use.offset_db for use in uses)
        gain = normalisation_db(facts, levels.loudness_target_lufs) + offset
        peak_after = None
        if facts.true_peak_dbtp is not None:
            peak_after = facts.true_peak_dbtp + gain + levels.max_volume_db
        flags = tuple(_flags(facts, levels, gain, peak_after))
        report.rows.append(ReportRow(path, tuple(uses), facts, None, gain, peak_after, flags))
    return report


# --- as text, for the command line -----------------------------------------------------


def _number(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _length(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def _shown_path(path: str, base_dir: str | None) -> str:
    """As a therapist writes it: relative to the playlist's folder, unless far from it."""
    absolute = os.path.normpath(os.path.abspath(path))
    if base_dir is None:
        return absolute
    try:
        relative = os.path.relpath(absolute, base_dir)
    except ValueError:  # another drive (Windows)
        return absolute
    return absolute if relative.startswith(os.path.join("..", "..", "..")) else relative


HEADERS = ("File", "LUFS", "LRA", "dBTP", "Length", "Format", "Gain", "Peak after", "Flags")


def row_cells(row: ReportRow, base_dir: str | None = None) -> tuple[str, ...]:
    facts = row.facts
    flags = ", ".join(flag.code for flag in row.flags) or ("not measured" if not facts else "")
    if facts is None:
        return (_shown_path(row.path, base_dir), "-", "-", "-", "-", "-", "-", "-", flags)
    return (
        _shown_path(row.path, base_dir),
        _number(facts.integrated_lufs),
        _number(facts.loudness_range_lu),
        _number(facts.true_peak_dbtp),
        _length(facts.duration_s),
        facts.format_text,
        _number(row.gain_db, signed=True),
        _number(row.peak_after_gain_dbtp),
        flags,
    )


def format_report(report: LoudnessReport, base_dir: str | None = None) -> str:
    """A table, then one line per flag (``file: message``), then a summary line."""
    cells = [HEADERS] + [row_cells(row, base_dir) for row in report.rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    numeric = {1, 2, 3, 4, 6, 7}
    lines = []
    for line in cells:
        parts = [
            text.rjust(widths[i]) if i in numeric else text.ljust(widths[i])
            for i, text in enumerate(line)
        ]
        lines.append("  ".join(parts).rstrip())
    levels = report.levels
    lines.append("")
    lines.append(
        f"Target {levels.loudness_target_lufs:g} LUFS, ceiling {levels.ceiling_dbfs:g} dBFS; "
        f"gain: what the session applies (loudest use); peak after: at the highest master "
        f"volume ({levels.max_volume_db:g} dB)."
    )
    for row in report.flagged:
        for flag in row.flags:
            lines.append(f"{_shown_path(row.path, base_dir)}: {flag.code}: {flag.message}")
    flagged = len(report.flagged)
    summary = f"{len(report.rows)} file{'' if len(report.rows) == 1 else 's'}, {flagged} flagged"
    if report.cancelled:
        summary += f", {len(report.unmeasured)} not measured (cancelled)"
    lines.append(summary)
    return "\n".join(lines)
