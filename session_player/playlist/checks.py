"""Checks that need the whole playlist: references, audio files, and a coherent arc.

The schema checks one node at a time; these checks look across the file (does the voice
cue ``breathe`` exist? does the music last as long as its phase? is a cue inside its
phase?) and at the audio files themselves (present, decodable, long enough).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from session_player.playlist.durations import format_duration
from session_player.playlist.file_hint import close_existing_file
from session_player.playlist.load_result import LoadResult, Origin, probe_audio
from session_player.playlist.model import Content, Library, MusicLayer, Phase, Playlist
from session_player.playlist.problems import Problem, error, warning

ESKETAMINE_OBSERVATION_S = 2 * 3600
LONG_EXTENSION_S = 2 * 3600


def check_document(result: LoadResult, *, check_audio: bool = True) -> list[Problem]:
    document = result.document
    main = result.origins[("document", "")]
    problems: list[Problem] = []
    if isinstance(document, Playlist):
        problems += _check_references(document, main, result)
        if not result.arc_unusable:
            problems += _check_arc(document, main, result.placeholder_phases)
    if check_audio and document is not None:
        problems += _check_audio_files(document, main, result)
    return problems


# --- helpers -----------------------------------------------------------------------------


def _at(origin: Origin, *path: object, key: bool = False) -> tuple[str, object]:
    full = origin.path + tuple(path)
    position = origin.doc.key_position_of(full) if key else origin.doc.position_of(full)
    return origin.doc.source, position


def _err(origin: Origin, path: tuple, message: str, key: bool = False) -> Problem:
    source, position = _at(origin, *path, key=key)
    return error(source, position, message)


def _warn(origin: Origin, path: tuple, message: str) -> Problem:
    source, position = _at(origin, *path)
    return warning(source, position, message)


def _contents(playlist: Playlist) -> Iterator[tuple[tuple, Content, str]]:
    yield ("settling",), playlist.settling, "settling"
    for index, phase in enumerate(playlist.phases):
        yield ("phases", index), phase, phase.id


def _suggest(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if known:
        return f" (known: {', '.join(sorted(known)[:8])})"
    return " (none are defined; add them here or in an included library)"


# --- references ---------------------------------------------------------------------------


def _check_references(playlist: Playlist, main: Origin, result: LoadResult) -> list[Problem]:
    problems: list[Problem] = []
    soundscapes = list(playlist.soundscapes)
    bells = list(playlist.bells)
    voices = list(playlist.voices)
    phase_ids = [p.id for i, p in enumerate(playlist.phases) if i not in result.placeholder_phases]
    phase_ids = [p for p in phase_ids if not p.startswith("invalid-phase-")]

    seen: dict[str, int] = {}
    for index, phase_id in enumerate(phase_ids):
        if phase_id in seen:
            problems.append(
                _err(
                    main,
                    ("phases", index, "id"),
                    f"phase id '{phase_id}' is used twice (first by phase {seen[phase_id] + 1})",
                )
            )
        seen.setdefault(phase_id, index)
    if "settling" in phase_ids:
        index = phase_ids.index("settling")
        problems.append(
            _err(
                main,
                ("phases", index, "id"),
                "'settling' is the phase before the dose; "
                "describe it under settling:, not under phases:",
            )
        )

    def need(kind_known: list[str], kind: str, name: str | None, path: tuple) -> None:
        if name is not None and name not in kind_known and name not in result.dropped_ids:
            problems.append(
                _err(main, path, f"no {kind} called '{name}'{_suggest(name, kind_known)}")
            )

    for path, content, _ in _contents(playlist):
        need(soundscapes, "soundscape", content.soundscape, path + ("soundscape",))
        for i, cue in enumerate(content.voice):
            need(voices, "voice", cue.cue, path + ("voice", i, "cue"))
        for i, cue in enumerate(content.bells):
            need(bells, "bell", cue.bell, path + ("bells", i, "bell"))
    for i, name in enumerate(playlist.patient.soundscapes):
        need(soundscapes, "soundscape", name, ("patient", "soundscapes", i))
    default = playlist.patient.default
    need(soundscapes, "soundscape", default, ("patient", "default"))
    listed = playlist.patient.soundscapes
    if default is not None and listed and default in soundscapes and default not in listed:
        problems.append(
            _err(
                main,
                ("patient", "default"),
                f"the default soundscape '{default}' is not one of patient.soundscapes",
            )
        )
    if isinstance(playlist.patient.phases, list):
        for i, name in enumerate(playlist.patient.phases):
            need(["settling", *phase_ids], "phase", name, ("patient", "phases", i))
    need(soundscapes, "soundscape", playlist.calm_down.soundscape, ("calm_down", "soundscape"))
    need(bells, "bell", playlist.transitions.bell, ("transitions", "bell"))
    return problems


# --- the arc ------------------------------------------------------------------------------


def _music_length_s(music: MusicLayer, result_audio: dict, default_crossfade_s: float) -> float:
    total = 0.0
    for item in music.items:
        if item.silence is not None:
            total += item.silence
        elif item.file in result_audio:
            total += result_audio[item.file].duration_s
        else:
            return float("inf")  # unknown length: do not warn about it
    joins = len(music.items) - 1
    if music.join == "crossfade":
        total -= joins * (music.crossfade if music.crossfade is not None else default_crossfade_s)
    elif music.join == "gap":
        total += joins * music.gap
    return total


def _check_arc(playlist: Playlist, main: Origin, placeholders: set[int]) -> list[Problem]:
    problems: list[Problem] = []
    levels = playlist.levels
    if levels.default_volume_db > levels.max_volume_db:
        problems.append(
            _err(
                main,
                ("levels", "default_volume_db"),
                "default_volume_db is above max_volume_db; the start volume must be allowed",
            )
        )
    for index, phase in enumerate(playlist.phases):
        path = ("phases", index)
        if index not in placeholders:
            problems += _check_cue_times(main, path, phase, phase.duration)
        if phase.max_extend > LONG_EXTENSION_S:
            problems.append(
                _warn(
                    main,
                    path + ("max_extend",),
                    f"max_extend {format_duration(phase.max_extend)} is very long; is it a typo?",
                )
            )
        if 0 < phase.max_extend < phase.extend_step:
            problems.append(
                _warn(
                    main,
                    path + ("extend_step",),
                    "extend_step is longer than max_extend, so Extend can never be used",
                )
            )
        if phase.max_hold is not None and phase.max_hold == 0:
            problems.append(_warn(main, path + ("max_hold",), "max_hold of 0 never holds"))
    problems += _check_cue_times(main, ("settling",), playlist.settling, None)

    planned_s = playlist.planned_length_s
    last = playlist.phases[-1]
    minimum = playlist.clinical.minimum_observation
    if playlist.route == "intranasal" and (minimum is None or minimum < ESKETAMINE_OBSERVATION_S):
        where = ("clinical", "minimum_observation") if minimum is not None else ("route",)
        problems.append(
            _warn(
                main,
                where,
                "intranasal esketamine needs at least 2h of observation after the dose; "
                "set clinical.minimum_observation: 2h",
            )
        )
    if minimum is not None and minimum > planned_s and last.end != "hold":
        problems.append(
            _warn(
                main,
                ("clinical", "minimum_observation"),
                f"the phases end at {format_duration(planned_s)}, before the minimum "
                f"observation of {format_duration(minimum)}; make the last phase end: hold "
                "or longer",
            )
        )
    for i, check in enumerate(playlist.clinical.vitals):
        if check.until is not None and check.until > max(planned_s, minimum or 0.0):
            problems.append(
                _warn(
                    main,
                    ("clinical", "vitals", i, "until"),
                    f"this repeating check runs until {format_duration(check.until)}, after "
                    f"the planned end of the session ({format_duration(planned_s)})",
                )
            )
        elif isinstance(check.at, float) and check.at > max(planned_s, minimum or 0.0):
            problems.append(
                _warn(
                    main,
                    ("clinical", "vitals", i, "at"),
                    f"this check at {format_duration(check.at)} falls after the planned end "
                    f"of the session ({format_duration(planned_s)})",
                )
            )
    problems += _check_rems_blood_pressure(playlist, main)
    return problems


def _check_rems_blood_pressure(playlist: Playlist, main: Origin) -> list[Problem]:
    """The Spravato REMS form asks for blood pressure before the dose, at 40 minutes and
    before the end: a playlist that fills the form and schedules checks, but none of one of
    these, gets a warning (without any checks, the team evidently keeps them elsewhere)."""
    clinical = playlist.clinical
    fills_form = clinical.monitoring_form == "spravato-rems" or (
        clinical.monitoring_form is None and playlist.route == "intranasal"
    )
    if not fills_form or not clinical.vitals:
        return []
    times: set[object] = set()
    for check in clinical.vitals:
        if "blood_pressure" in check.measures:
            times.update(check.times_s or [check.at])
    wanted = [
        ("pre-dose", "before the dose (at: pre-dose)"),
        (40 * 60.0, "at 40 minutes (at: 40m)"),
        ("discharge", "before the end (at: discharge)"),
    ]
    missing = [words for when, words in wanted if when not in times]
    if not missing:
        return []
    return [
        _warn(
            main,
            ("clinical", "vitals"),
            "the Spravato REMS monitoring form asks for blood pressure "
            + ", ".join(missing)
            + "; add a check with measures: [blood_pressure]",
        )
    ]


def _check_cue_times(
    main: Origin, path: tuple, content: Content, duration_s: float | None
) -> list[Problem]:
    problems: list[Problem] = []
    cues = [("voice", i, c.at) for i, c in enumerate(content.voice)]
    cues += [("bells", i, c.at) for i, c in enumerate(content.bells)]
    for kind, i, at in cues:
        where = path + (kind, i, "at")
        if duration_s is None:
            if at.from_end:
                problems.append(
                    _err(
                        main,
                        where,
                        "settling has no planned end (it lasts until the dose); "
                        "time this cue from the start",
                    )
                )
            continue
        resolved = at.resolve_s(duration_s)
        if resolved < 0 or resolved > duration_s:
            problems.append(
                _warn(
                    main,
                    where,
                    f"this cue at {at} falls outside its phase, which lasts "
                    f"{format_duration(duration_s)}",
                )
            )
    return problems


# --- audio files --------------------------------------------------------------------------


def _audio_references(document: Playlist | Library, result: LoadResult):
    """Every audio path with the place in which file that names it."""
    main = result.origins[("document", "")]
    for kind in ("soundscapes", "bells", "voices"):
        for name, definition in getattr(document, kind).items():
            origin = result.origins.get((kind, name), main)
            if kind == "soundscapes":
                for li, layer in enumerate(definition.layers):
                    if layer.bed is not None:
                        yield layer.bed, origin, ("layers", li, "bed"), "bed"
                    for oi, shot in enumerate(layer.one_shots or []):
                        yield shot, origin, ("layers", li, "one_shots", oi), "one-shot"
            else:
                yield definition.file, origin, ("file",), kind[:-1]
    if isinstance(document, Playlist):
        for path, content, _ in _contents(document):
            phase_origin = Origin(main.doc, path)
            if content.music is not None:
                for ii, item in enumerate(content.music.items):
                    if item.file is not None:
                        yield item.file, phase_origin, ("music", "items", ii), "music"
            for ci, cue in enumerate(content.voice):
                if cue.file is not None:
                    yield cue.file, phase_origin, ("voice", ci, "file"), "voice"


def _check_audio_files(document: Playlist | Library, main: Origin, result: LoadResult):
    problems: list[Problem] = []
    for file, origin, path, role in _audio_references(document, result):
        info = probe_audio(result, file)
        if isinstance(info, str):
            shown = _shown_path(file, origin)
            hint = _suggest_file(file, origin) if not Path(file).exists() else ""
            problems.append(_err(origin, path, f"{role} file {shown}: {info}{hint}"))
    if isinstance(document, Playlist):
        problems += _check_music_lengths(document, main, result)
    return problems


def _suggest_file(file: str, origin: Origin) -> str:
    """``; did you mean '…/slow-tide.ogg'?`` for a missing file with a close name beside it."""
    found = close_existing_file(Path(file))
    return "" if found is None else f"; did you mean '{_shown_path(str(found), origin)}'?"


def _shown_path(file: str, origin: Origin) -> str:
    try:
        return str(Path(file).relative_to(Path(origin.doc.source).resolve().parent))
    except ValueError:
        try:
            return str(Path(file).relative_to(Path(origin.doc.source).parent))
        except ValueError:
            return file


def _check_music_lengths(playlist: Playlist, main: Origin, result: LoadResult) -> list[Problem]:
    problems: list[Problem] = []
    for index, phase in enumerate(playlist.phases):
        music = phase.music
        if music is None or music.loop or index in result.placeholder_phases:
            continue
        length_s = _music_length_s(music, result.audio, playlist.transitions.crossfade)
        if length_s < _planned(phase):
            problems.append(
                _warn(
                    main,
                    ("phases", index, "music"),
                    f"the music lasts {format_duration(round(length_s))} but the phase lasts "
                    f"{format_duration(phase.duration)} and the music does not loop; the "
                    "rest of the phase has only the soundscape (add loop: true to repeat it)",
                )
            )
        shortest = [
            result.audio[item.file].duration_s for item in music.items if item.file in result.audio
        ]
        crossfade = (
            music.crossfade if music.crossfade is not None else playlist.transitions.crossfade
        )
        if music.join == "crossfade" and shortest and crossfade * 2 > min(shortest):
            problems.append(
                _warn(
                    main,
                    ("phases", index, "music"),
                    f"the crossfade ({format_duration(crossfade)}) is longer than half the "
                    "shortest item; items will overlap almost entirely",
                )
            )
    return problems


def _planned(phase: Phase) -> float:
    return phase.duration
