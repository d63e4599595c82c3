"""Track lists from the clinic's music (M3U, M3U8, XSPF, PLS, or a folder) read into entries,
each checked to be a local audio file the session can play.

    tracks = read_track_list("Calm evening.m3u8")
    for entry in tracks.entries:
        entry.line, entry.location, entry.path, entry.title, entry.problem

Every entry of the list is kept, in order: an entry that cannot be used has a ``problem``
(``"no local file"`` for a stream address or a track named without a file, as streaming
services export them; ``"file not found"``; ``"not an audio file ..."`` from the probe), so
nothing is ever dropped silently. ``entry.line`` is the line of the list it came from (None
for a file found in a folder).

What is read:

* M3U/M3U8: one location per line; ``#EXTINF:seconds,Title`` names the next entry; other
  ``#`` lines are comments. M3U8 is UTF-8; a plain .m3u that is not UTF-8 is read as
  Windows-1252 (what older players wrote).
* PLS: ``FileN=`` with ``TitleN=``.
* XSPF: ``<track>`` with ``<location>`` and ``<title>``; a track with only ``<identifier>``
  or a web address has no local file. XML entities and DTDs are refused (no expansion bombs).
* Locations: relative to the list's folder, absolute, ``file://`` URLs (percent-encoded,
  ``file://localhost/``), Windows separators in relative paths; ``http(s)://``,
  ``spotify:``, ``deezer:`` and other schemes are not local files.
* A folder: its audio files (sub-folders too, sorted by path, hidden ones skipped); its other
  files are entries with a problem, so a stray cover.jpg is reported, not lost.

Qt-free; raises :class:`TrackListUnreadable` only when the list itself cannot be read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from session_player.media.probe import ProbeError, probe

MAX_LIST_BYTES = 4 * 1024 * 1024
NO_LOCAL_FILE = "no local file"
FORMATS = {".m3u": "m3u", ".m3u8": "m3u", ".xspf": "xspf", ".pls": "pls"}

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_EXTINF = re.compile(r"^#EXTINF\s*:\s*(-?[\d.]+)?[^,]*,(.*)$", re.IGNORECASE)
_PLS_KEY = re.compile(r"^(File|Title|Length)(\d+)$", re.IGNORECASE)


class TrackListUnreadable(Exception):
    """The list file (or folder) cannot be read at all; the message says why."""


@dataclass(frozen=True)
class TrackEntry:
    line: int | None  # 1-based line of the list; None for a file found in a folder
    location: str  # as the list wrote it
    path: Path | None  # the local file it names, when it names one
    title: str | None = None
    problem: str | None = None  # why it cannot be a music item; None when it can
    duration_s: float | None = None  # from the probe, when it decoded

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass
class TrackList:
    source: Path
    format: str  # "m3u", "pls", "xspf" or "folder"
    entries: list[TrackEntry] = field(default_factory=list)

    @property
    def usable(self) -> list[TrackEntry]:
        return [entry for entry in self.entries if entry.usable]

    @property
    def refused(self) -> list[TrackEntry]:
        return [entry for entry in self.entries if not entry.usable]

    def problem_lines(self) -> list[str]:
        """``list.m3u:12:1: error: file not found: music/a.ogg``, one per refused entry."""
        lines = []
        for entry in self.refused:
            where = (
                f"{self.source}:{entry.line}:1" if entry.line else str(entry.path or self.source)
            )
            lines.append(f"{where}: error: {entry.problem}: {entry.location}")
        return lines


def read_track_list(path: str | os.PathLike[str], *, check_audio: bool = True) -> TrackList:
    """Read a list or a folder; every entry checked (``check_audio``: decoded by the probe)."""
    source = Path(path)
    if source.is_dir():
        tracks = TrackList(source, "folder", _folder_entries(source))
    else:
        kind = FORMATS.get(source.suffix.lower())
        raw = _read(source)
        if kind is None:
            kind = _sniff(raw)
        if kind is None:
            raise TrackListUnreadable(
                f"{source}: not a track list this reads (M3U, M3U8, XSPF or PLS) nor a folder"
            )
        text = _decode(raw, source, utf8_only=source.suffix.lower() in (".m3u8", ".xspf"))
        reader = {"m3u": _m3u_entries, "pls": _pls_entries, "xspf": _xspf_entries}[kind]
        tracks = TrackList(source, kind, [_locate(e, source.parent) for e in reader(text, source)])
    if check_audio:
        tracks.entries = [_checked(entry) for entry in tracks.entries]
    return tracks


# --- reading the file -------------------------------------------------------------------------


def _read(source: Path) -> bytes:
    try:
        size = source.stat().st_size
        if size > MAX_LIST_BYTES:
            raise TrackListUnreadable(f"{source}: larger than 4 MiB; a track list is far smaller")
        return source.read_bytes()
    except FileNotFoundError:
        raise TrackListUnreadable(f"{source}: the file does not exist") from None
    except PermissionError:
        raise TrackListUnreadable(
            f"{source}: the file cannot be read (permission denied)"
        ) from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise TrackListUnreadable(f"{source}: the file cannot be read ({reason})") from None


def _sniff(raw: bytes) -> str | None:
    head = raw[:512].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"#extm3u"):
        return "m3u"
    if head.startswith(b"[playlist]"):
        return "pls"
    if head.startswith(b"<?xml") or head.startswith(b"<playlist"):
        return "xspf"
    return None


def _decode(raw: bytes, source: Path, *, utf8_only: bool) -> str:
    if b"\x00" in raw:
        raise TrackListUnreadable(f"{source}: not a text file (it contains binary data)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if utf8_only:
            line = raw[: exc.start].count(b"\n") + 1
            raise TrackListUnreadable(f"{source}:{line}: not valid UTF-8 text") from None
        return raw.decode("cp1252", "replace")


# --- the three formats ------------------------------------------------------------------------


@dataclass
class _Raw:
    line: int
    location: str | None
    title: str | None = None


def _m3u_entries(text: str, source: Path) -> list[_Raw]:
    entries = []
    title = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            match = _EXTINF.match(line)
            if match:
                title = match.group(2).strip() or None
            continue
        entries.append(_Raw(number, line, title))
        title = None
    return entries


def _pls_entries(text: str, source: Path) -> list[_Raw]:
    files: dict[int, _Raw] = {}
    titles: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, sep, value = line.strip().partition("=")
        match = _PLS_KEY.match(key.strip()) if sep else None
        if not match:
            continue
        kind, index = match.group(1).lower(), int(match.group(2))
        if kind == "file":
            files[index] = _Raw(number, value.strip())
        elif kind == "title":
            titles[index] = value.strip()
    entries = []
    for index in sorted(files):
        entry = files[index]
        entry.title = titles.get(index) or None
        entries.append(entry)
    return entries


def _xspf_entries(text: str, source: Path) -> list[_Raw]:
    parser = expat.ParserCreate(namespace_separator=" ")
    entries: list[_Raw] = []
    stack: list[str] = []
    current: dict | None = None
    chars: list[str] = []

    def refuse_entities(*_args) -> None:
        raise TrackListUnreadable(f"{source}: XML entities are not allowed in a track list")

    def start(name: str, _attrs) -> None:
        nonlocal current
        local = name.rsplit(" ", 1)[-1]
        stack.append(local)
        chars.clear()
        if local == "track":
            current = {
                "line": parser.CurrentLineNumber,
                "location": None,
                "title": None,
                "id": None,
            }

    def end(name: str) -> None:
        nonlocal current
        local = stack.pop()
        value = "".join(chars).strip()
        chars.clear()
        if current is None:
            return
        if local == "location" and current["location"] is None:
            current["location"] = value
            current["line"] = parser.CurrentLineNumber
        elif local == "title" and stack and stack[-1] == "track":
            current["title"] = value or None
        elif local == "identifier" and current["id"] is None:
            current["id"] = value
        elif local == "track":
            location = current["location"] or current["id"]
            entries.append(_Raw(current["line"], location, current["title"]))
            current = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars.append
    parser.EntityDeclHandler = refuse_entities
    parser.StartDoctypeDeclHandler = refuse_entities
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise TrackListUnreadable(
            f"{source}:{exc.lineno}:{exc.offset + 1}: not a readable XSPF list "
            f"({expat.ErrorString(exc.code)})"
        ) from None
    return entries


# --- locations and checks ---------------------------------------------------------------------


def _locate(raw: _Raw, folder: Path) -> TrackEntry:
    """The local file an entry names, or why it names none."""
    location = raw.location or ""
    if not location:
        return TrackEntry(raw.line, raw.title or "", None, raw.title, NO_LOCAL_FILE)
    path = _local_path(location, folder)
    if path is None:
        return TrackEntry(raw.line, location, None, raw.title, f"{NO_LOCAL_FILE} (not a file path)")
    if not path.exists() and "\\" in location and not _WINDOWS_DRIVE.match(location):
        # Lists written on Windows: "Music\\calm\\a.mp3".
        path = _local_path(location.replace("\\", "/"), folder) or path
    if not path.exists():
        return TrackEntry(raw.line, location, path, raw.title, _missing(location))
    if not path.is_file():
        return TrackEntry(raw.line, location, path, raw.title, "not a file")
    return TrackEntry(raw.line, location, path, raw.title)


def _local_path(location: str, folder: Path) -> Path | None:
    if location.lower().startswith("file:"):
        parts = urlsplit(location)
        if parts.netloc not in ("", "localhost"):
            return None  # a file on another computer (file://server/share)
        text = unquote(parts.path)
        if re.match(r"^/[A-Za-z]:/", text):  # file:///C:/Music/a.mp3
            text = text[1:]
        return Path(text)
    if _SCHEME.match(location) and not _WINDOWS_DRIVE.match(location):
        return None  # http://, https://, spotify:track:..., deezer:...
    path = Path(location).expanduser()
    return path if path.is_absolute() else folder / path


def _missing(location: str) -> str:
    # "Artist - Title" with no folder and no extension names a track, not a file.
    if "/" not in location and "\\" not in location and not Path(location).suffix:
        return f"{NO_LOCAL_FILE} (names a track, not a file)"
    return "file not found"


def _folder_entries(folder: Path) -> list[TrackEntry]:
    try:
        files = sorted(
            (p for p in folder.rglob("*") if p.is_file() and not _hidden(p, folder)),
            key=lambda p: str(p.relative_to(folder)).lower(),
        )
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise TrackListUnreadable(f"{folder}: the folder cannot be read ({reason})") from None
    if not files:
        raise TrackListUnreadable(f"{folder}: the folder has no files")
    return [TrackEntry(None, str(p.relative_to(folder)), p) for p in files]


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _checked(entry: TrackEntry) -> TrackEntry:
    if entry.problem is not None or entry.path is None:
        return entry
    try:
        info = probe(entry.path)
    except ProbeError as exc:
        return TrackEntry(entry.line, entry.location, entry.path, entry.title, str(exc))
    return TrackEntry(
        entry.line, entry.location, entry.path, entry.title, None, info.duration_s or None
    )
