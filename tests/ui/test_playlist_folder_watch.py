"""The start screen follows the playlists folder and the chosen file on disk (issue 10/22):
a playlist added to the folder is listed without a restart, and a fixed playlist stops
showing its old errors without being chosen again."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from session_player.ui.start_screen import PATH_ROLE
from tests.ui.conftest import INVALID, PLAYLIST, TIMEOUT_MS, clinic_window


def _own_clinic(clinic: Path, tmp_path: Path) -> Path:
    # The shared clinic is used by every test: this one adds and rewrites files.
    folder = tmp_path / "clinic"
    shutil.copytree(clinic, folder)
    return folder


def _titles(start) -> list[str]:
    return [start.playlists.item(row).text() for row in range(start.playlists.count())]


def _row_of(start, path: Path) -> int:
    wanted = str(path.resolve())
    for row in range(start.playlists.count()):
        if start.playlists.item(row).data(PATH_ROLE) == wanted:
            return row
    raise AssertionError(f"{path.name} is not listed: {_titles(start)}")


def _shown(qtbot, qsettings, folder, port):
    window = clinic_window(qtbot, qsettings, folder, port)
    window.show()
    qtbot.waitExposed(window)
    return window, window.start_screen


def test_a_playlist_added_to_the_folder_is_listed_and_the_selection_kept(
    qtbot, qsettings, clinic, port, tmp_path, flow
):
    folder = _own_clinic(clinic, tmp_path)
    window, start = _shown(qtbot, qsettings, folder, port)
    flow.wait_validated(start, folder / "test-infusion.yaml")
    shown_check = start.result
    assert "Evening session" not in _titles(start)

    text = PLAYLIST.replace("title: Test infusion", "title: Evening session")
    (folder / "evening.yaml").write_text(text.lstrip(), "utf-8")

    qtbot.waitUntil(lambda: "Evening session" in _titles(start), timeout=TIMEOUT_MS)
    current = start.playlists.currentItem()
    assert current.data(PATH_ROLE) == str((folder / "test-infusion.yaml").resolve())
    assert start.result is shown_check  # not checked again: nothing it reads changed
    assert start.start_button.isEnabled() or start.alias.text() == ""


def test_a_fixed_playlist_is_checked_again_when_it_changes_on_disk(
    qtbot, qsettings, clinic, port, tmp_path, flow
):
    folder = _own_clinic(clinic, tmp_path)
    broken = folder / "broken.yaml"
    window, start = _shown(qtbot, qsettings, folder, port)
    flow.wait_validated(start, folder / "test-infusion.yaml")
    item = start.playlists.item(_row_of(start, broken))
    rect = start.playlists.visualItemRect(item)
    qtbot.mouseClick(start.playlists.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: start.result is not None and start.result.source.endswith("broken.yaml"),
        timeout=TIMEOUT_MS,
    )
    assert not start.result.ok and start.problems.isVisible()
    assert "duraton" in broken.read_text()

    # The therapist fixes the typo in an editor that saves by renaming a new file over it.
    fixed = folder / ".broken.yaml.new"
    fixed.write_text(INVALID.replace("duraton: 10m", "duration: 10m").lstrip(), "utf-8")
    fixed.replace(broken)

    qtbot.waitUntil(
        lambda: start.result is not None and start.result.ok and not start.checking_audio,
        timeout=TIMEOUT_MS,
    )
    assert not start.problems.isVisible()
    assert start.playlists.currentItem().data(PATH_ROLE) == str(broken.resolve())

    # And once more, written in place: the watch survived the rename.
    broken.write_text(INVALID.lstrip(), "utf-8")
    qtbot.waitUntil(lambda: start.result is not None and not start.result.ok, timeout=TIMEOUT_MS)
    assert start.problems.isVisible()


def test_changes_while_another_page_shows_are_checked_when_the_start_screen_returns(
    qtbot, qsettings, clinic, port, tmp_path, flow
):
    """A check decodes every audio file: it never runs beside a session's sound, and what
    changed meanwhile is checked once the start screen shows again."""
    folder = _own_clinic(clinic, tmp_path)
    broken = folder / "broken.yaml"
    window, start = _shown(qtbot, qsettings, folder, port)
    flow.wait_validated(start, folder / "test-infusion.yaml")
    start.select_playlist(broken)
    flow.wait_validated(start, broken)  # both steps: nothing of this check is still to come
    shown_check = start.result
    assert not shown_check.ok
    window.hide()  # as while the console or the patient view shows instead

    with qtbot.waitSignal(start.watch.files_changed, timeout=TIMEOUT_MS):
        broken.write_text(INVALID.replace("duraton: 10m", "duration: 10m").lstrip(), "utf-8")
    with qtbot.waitSignal(start.watch.folder_changed, timeout=TIMEOUT_MS):
        (folder / "evening.yaml").write_text(
            PLAYLIST.replace("title: Test infusion", "title: Evening session").lstrip(), "utf-8"
        )
    assert start.result is shown_check  # nothing checked while hidden
    assert "Evening session" not in _titles(start)

    window.show_first()  # the start screen shows again
    qtbot.waitUntil(lambda: start.result is not None and start.result.ok, timeout=TIMEOUT_MS)
    assert "Evening session" in _titles(start)
    assert start.playlists.currentItem().data(PATH_ROLE) == str(broken.resolve())
