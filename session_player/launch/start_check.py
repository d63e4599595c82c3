"""The start screen's check of a playlist, reduced to what it shows, and a cache of it.

The start screen checks the chosen playlist in two steps (``ui/start_screen.py``): its
structure (the YAML, the schema, the references and the arc; no audio file is opened),
shown at once, then a full check that also decodes every audio file, which Continue waits
for. Both steps end here in a :class:`PlaylistCheck`: every problem, whether the playlist
can be used, and a :class:`PlaylistOverview` of what the start screen says about it. So the
screen itself needs neither the playlist model nor the session package.

**The structure check is cached.** Importing the playlist model costs more than the rest of
the app's start together (pydantic builds its validators when the model is imported), and
a clinic starts the same playlists day after day. So the structure check's result is kept
on disk (``<user cache>/validation``) and read back, without importing pydantic, when
nothing it depends on has changed. A result is keyed on:

- the bytes of every file the check read: the playlist and each included library (nested
  ones too), and each include that was not there (it must still be missing);
- the app's version and the size and modification time of the code and libraries that
  validate (our ``playlist`` package, the vital-sign labels, pydantic, pydantic-core,
  PyYAML), so an upgrade or an edited check never meets an old answer;
- the path as given, the working folder and the home folder (messages name paths derived
  from them).

A hit gives exactly the problems and the overview a fresh check would give
(``tests/playlist/test_start_check.py``). It only decides what is shown first: the start
screen then validates the structure again after the window is ready (and corrects the
screen and the cache if they differ), and the full check, which Continue waits for,
validates everything afresh in any case.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from session_player import __version__
from session_player.playlist.problems import Position, Problem, Severity

# json and hashlib are imported where they are used: this module comes with the start screen,
# on the GUI thread, and they are needed only on the worker that checks (which needs them
# for the output list and the session store anyway).
if TYPE_CHECKING:
    from session_player.playlist.loader import LoadResult

CACHE_FORMAT = 1
MAX_ENTRIES = 256  # one per playlist path (and app version): older ones are removed beyond
MAX_INPUT_BYTES = 4 * 1024 * 1024 + 1  # the YAML loader's limit, plus the byte that tells
_PACKAGE = Path(__file__).resolve().parent.parent  # session_player/
# Our code whose change can change a check's answer (besides the libraries below and every
# module of the playlist package, durations included).
_OWN_CODE = (
    "__init__.py",
    "app/start_check.py",
    "session/vitals.py",
)
_LIBRARIES = ("pydantic", "pydantic_core", "yaml")


# --- what the start screen shows ------------------------------------------------------------


# NamedTuples rather than dataclasses: see session_player.playlist.problems.
class PhaseOverview(NamedTuple):
    name: str  # as the console shows it
    duration_s: float
    holds: bool  # end: hold


class VitalsOverview(NamedTuple):
    label: str  # as the console's vital-sign prompt says it
    at: float | str  # seconds after the dose, "pre-dose" or "discharge"


class PlaylistOverview(NamedTuple):
    """A usable playlist in the few facts the start screen shows about it."""

    title: str
    route: str
    description: str
    phases: tuple[PhaseOverview, ...]
    vitals: tuple[VitalsOverview, ...]
    minimum_observation_s: float | None
    patient_soundscapes: tuple[str, ...]  # their names, as the patient sees them
    patient_phases: tuple[str, ...] | None  # None: the patient may choose in every phase

    @property
    def planned_length_s(self) -> float:
        return sum(phase.duration_s for phase in self.phases)

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "route": self.route,
            "description": self.description,
            "phases": [[p.name, p.duration_s, p.holds] for p in self.phases],
            "vitals": [[v.label, v.at] for v in self.vitals],
            "minimum_observation_s": self.minimum_observation_s,
            "patient_soundscapes": list(self.patient_soundscapes),
            "patient_phases": None if self.patient_phases is None else list(self.patient_phases),
        }

    @classmethod
    def from_json(cls, data: dict) -> PlaylistOverview:
        phases = data["patient_phases"]
        minimum = data["minimum_observation_s"]
        return cls(
            title=str(data["title"]),
            route=str(data["route"]),
            description=str(data["description"]),
            phases=tuple(PhaseOverview(str(n), float(d), bool(h)) for n, d, h in data["phases"]),
            vitals=tuple(
                VitalsOverview(str(label), at if isinstance(at, str) else float(at))
                for label, at in data["vitals"]
            ),
            minimum_observation_s=None if minimum is None else float(minimum),
            patient_soundscapes=tuple(str(name) for name in data["patient_soundscapes"]),
            patient_phases=None if phases is None else tuple(str(p) for p in phases),
        )


def overview_of(result: LoadResult) -> PlaylistOverview | None:
    """The overview of a usable playlist; None when it cannot be used (or is a library)."""
    playlist = result.playlist
    if playlist is None:
        return None
    from session_player.session.vitals import check_specs  # the console's own labels

    patient = playlist.patient
    return PlaylistOverview(
        title=playlist.title,
        route=playlist.route,
        description=playlist.description,
        phases=tuple(
            PhaseOverview(p.display_name, float(p.duration), p.end == "hold")
            for p in playlist.phases
        ),
        vitals=tuple(
            VitalsOverview(spec.label, spec.at if isinstance(spec.at, str) else float(spec.at))
            for spec in check_specs(playlist.clinical)
        ),
        minimum_observation_s=playlist.clinical.minimum_observation,
        patient_soundscapes=tuple(
            playlist.soundscapes[s].name for s in patient.soundscapes if s in playlist.soundscapes
        ),
        patient_phases=None if patient.phases == "all" else tuple(patient.phases),
    )


class PlaylistCheck(NamedTuple):
    """One step of the start screen's check of a playlist file."""

    source: str
    problems: list[Problem]
    ok: bool  # usable: no errors (``LoadResult.ok``)
    unreadable: bool = False
    overview: PlaylistOverview | None = None
    audio_checked: bool = False  # the full check: every audio file decoded
    # The full check's own result (the pre-flight and the session need it); None otherwise.
    load_result: LoadResult | None = None
    from_cache: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def same_answer(self, other: PlaylistCheck) -> bool:
        """The same problems, usability and overview (how it was obtained aside)."""
        return (
            self.problems == other.problems
            and self.ok == other.ok
            and self.unreadable == other.unreadable
            and self.overview == other.overview
        )

    @classmethod
    def from_result(cls, result: LoadResult, *, audio_checked: bool) -> PlaylistCheck:
        return cls(
            source=result.source,
            problems=list(result.problems),
            ok=result.ok,
            unreadable=result.unreadable,
            overview=overview_of(result),
            audio_checked=audio_checked,
            load_result=result if audio_checked else None,
        )

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "problems": [
                [p.path, p.position.line, p.position.col, p.severity.value, p.message]
                for p in self.problems
            ],
            "ok": self.ok,
            "unreadable": self.unreadable,
            "overview": None if self.overview is None else self.overview.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> PlaylistCheck:
        overview = data["overview"]
        return cls(
            source=str(data["source"]),
            problems=[
                Problem(str(path), Position(int(line), int(col)), Severity(severity), str(text))
                for path, line, col, severity, text in data["problems"]
            ],
            ok=bool(data["ok"]),
            unreadable=bool(data["unreadable"]),
            overview=None if overview is None else PlaylistOverview.from_json(overview),
            from_cache=True,
        )


# --- the two steps ----------------------------------------------------------------------------


def check_structure(path: str | Path, cache: ValidationCache | None = None) -> PlaylistCheck:
    """The structure step: from ``cache`` when nothing it depends on changed, else validated
    (and stored in ``cache``)."""
    if cache is not None:
        found = cache.lookup(path)
        if found is not None:
            return found
    return validate_structure(path, cache)


def validate_structure(path: str | Path, cache: ValidationCache | None = None) -> PlaylistCheck:
    """The structure step, validated afresh (stored in ``cache`` when given)."""
    from session_player.playlist.loader import load_playlist

    result = load_playlist(path, check_audio=False)
    check = PlaylistCheck.from_result(result, audio_checked=False)
    if cache is not None:
        cache.store(path, result.inputs, check)
    return check


def check_fully(path: str | Path) -> PlaylistCheck:
    """The full check: validated afresh, every audio file decoded; never cached."""
    from session_player.playlist.loader import load_playlist

    return PlaylistCheck.from_result(load_playlist(path, check_audio=True), audio_checked=True)


# --- the cache --------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("session-player")) / "validation"


def _file_digest(path: str) -> str | None:
    """As the loader records it: the sha256 of the bytes it would parse, None for no file."""
    import hashlib

    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as stream:
            return hashlib.sha256(stream.read(MAX_INPUT_BYTES)).hexdigest()
    except OSError:
        return "?"  # unreadable: never equal to a digest


def _code_fingerprint() -> list:
    """Size and modification time of the code that validates, ours and the libraries'."""
    from importlib.util import find_spec

    files = sorted(str(p) for p in (_PACKAGE / "playlist").glob("*.py"))
    files += [str(_PACKAGE / name) for name in _OWN_CODE]
    for library in _LIBRARIES:
        try:
            spec = find_spec(library)
        except (ImportError, ValueError):
            spec = None
        files.append(spec.origin if spec is not None and spec.origin else f"<no {library}>")
    fingerprint: list = [CACHE_FORMAT, __version__]
    for name in files:
        try:
            info = os.stat(name)
            fingerprint.append([name, info.st_size, info.st_mtime_ns])
        except OSError:
            fingerprint.append([name, None])
    return fingerprint


class ValidationCache:
    """Structure-check results on disk, one ``<key>.json`` per playlist path, written atomically.

    The key covers the path and the code (:func:`_code_fingerprint`); the entry lists the
    digest of every file the check read, and is used only if each still matches.
    """

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._fingerprint: list | None = None
        self.hits = 0
        self.misses = 0

    @property
    def cache_dir(self) -> Path:
        if self._cache_dir is None:
            self._cache_dir = default_cache_dir()
        return self._cache_dir

    def _entry_path(self, path: str | Path) -> Path:
        import hashlib
        import json

        if self._fingerprint is None:
            self._fingerprint = _code_fingerprint()
        key = [
            self._fingerprint,
            str(path),
            os.getcwd(),
            os.path.expanduser("~"),
        ]
        digest = hashlib.sha256(json.dumps(key).encode("utf-8")).hexdigest()
        return self.cache_dir / f"{digest}.json"

    def lookup(self, path: str | Path) -> PlaylistCheck | None:
        import json

        try:
            data = json.loads(self._entry_path(path).read_text(encoding="utf-8"))
            if data["format"] != CACHE_FORMAT or data["path"] != str(path):
                raise ValueError("another format")
            for name, digest in data["inputs"].items():
                if _file_digest(name) != digest:
                    raise ValueError("changed")
            check = PlaylistCheck.from_json(data["check"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return None  # absent, changed, unreadable or from another version: validate
        self.hits += 1
        return check

    def store(self, path: str | Path, inputs: dict[str, str | None], check: PlaylistCheck) -> None:
        import json
        import tempfile

        from session_player.playlist.yaml_source import UNTRACKED

        if check.unreadable or not inputs or UNTRACKED in inputs.values():
            return  # it depends on more than the files' contents: never cached
        entry = {
            "format": CACHE_FORMAT,
            "path": str(path),
            "inputs": inputs,
            "check": check.to_json(),
        }
        temp_name = None
        try:
            target = self._entry_path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out)
            os.replace(temp_name, target)
            temp_name = None
            self._prune(keep=target)
        except OSError:
            # A read-only cache only costs time: the next start validates again.
            if temp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)

    def _prune(self, keep: Path) -> None:
        """Beyond MAX_ENTRIES (old app versions, playlists long gone), drop the oldest half."""
        entries = list(self.cache_dir.glob("*.json"))
        if len(entries) <= MAX_ENTRIES:
            return

        def age(entry: Path) -> int:
            try:
                return entry.stat().st_mtime_ns
            except OSError:
                return 0

        entries.sort(key=age)
        for entry in entries[: len(entries) - MAX_ENTRIES // 2]:
            if entry != keep:
                with contextlib.suppress(OSError):
                    entry.unlink()
