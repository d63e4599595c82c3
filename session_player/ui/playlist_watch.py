"""Watch the playlists folder and the chosen playlist's files for the start screen.

Without it a playlist copied into ``playlists/`` was not listed until the app restarted,
and a playlist fixed in an editor kept showing its old errors until it was chosen again.

Editors save in different ways: in place (one or more writes), or by writing a new file and
renaming it over the old one, which ends Qt's watch of that path. So every change is
followed by a short pause (``SETTLE_MS``, for the rest of the writes), then the paths are
watched again and one signal says what changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

# Long enough for an editor's save (write, rename) to finish, short enough to feel at once.
SETTLE_MS = 300


class PlaylistWatch(QObject):
    folder_changed = Signal()  # a playlist was added to, removed from or renamed in the folder
    files_changed = Signal(list)  # watched files (their paths) whose contents changed

    def __init__(self, folder: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._folder = str(folder) if folder is not None and Path(folder).is_dir() else None
        if self._folder is not None:
            self._watcher.addPath(self._folder)
        self._files: set[str] = set()
        # path -> (inode, size, mtime) when last reported: a folder event names no file, and
        # only a file whose contents really changed is validated again.
        self._stamps: dict[str, tuple[int, int, int] | None] = {}
        self._changed_files: set[str] = set()
        self._folder_dirty = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._report)
        self._watcher.directoryChanged.connect(self._on_directory_changed)
        self._watcher.fileChanged.connect(self._on_file_changed)

    def watch_files(self, paths: list[str]) -> None:
        """Watch these files (the chosen playlist and the files its problems point at)
        instead of the ones watched before."""
        wanted = {str(Path(p)) for p in paths if p}
        gone = sorted(self._files - wanted)
        if gone:
            self._watcher.removePaths(gone)
        self._files = wanted
        # Stamped when first watched (before the check reads it), never again here: a check
        # that ends after the file changed must not hide that change.
        self._stamps = {p: self._stamps[p] if p in self._stamps else _stamp(p) for p in wanted}
        self._rewatch()

    def watched_files(self) -> set[str]:
        return set(self._files)

    def _rewatch(self) -> None:
        # A file replaced by a rename (or deleted and written again) is no longer watched.
        present = set(self._watcher.files())
        missing = [p for p in sorted(self._files - present) if Path(p).is_file()]
        if missing:
            self._watcher.addPaths(missing)
        folder = self._folder
        if (
            folder is not None
            and folder not in self._watcher.directories()
            and Path(folder).is_dir()
        ):
            self._watcher.addPath(folder)

    def _on_directory_changed(self, _path: str) -> None:
        self._folder_dirty = True
        # A file saved by rename shows here, not in fileChanged, when it is in the folder.
        self._changed_files |= {p for p in self._files if Path(p).parent == Path(_path)}
        self._settle.start()

    def _on_file_changed(self, path: str) -> None:
        self._changed_files.add(path)
        self._settle.start()

    def _report(self) -> None:
        self._rewatch()
        folder, self._folder_dirty = self._folder_dirty, False
        changed = []
        for path in sorted(self._changed_files & self._files):
            stamp = _stamp(path)
            if stamp != self._stamps.get(path):
                self._stamps[path] = stamp
                changed.append(path)
        self._changed_files = set()
        if folder:
            self.folder_changed.emit()
        if changed:
            self.files_changed.emit(changed)


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)
