"""The studio window with real input: problems and their lines, file watching, and every
edit (drop, reorder, remove, duration, cue, undo) checked in the YAML text on disk."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from session_player.audio.analysis import AnalysisCache
from session_player.playlist.loader import load_playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline
from session_player.ui.studio.studio_window import StudioWindow

from .studio_files import STUDIO_PLAYLIST, line_of, make_studio_folder

TIMEOUT_MS = 20_000


@pytest.fixture
def playlist_path(tmp_path, clinic) -> Path:
    return make_studio_folder(tmp_path, clinic)


@pytest.fixture
def open_studio(qtbot, tmp_path):
    def open_(path: Path) -> StudioWindow:
        window = StudioWindow(
            path,
            sessions_base_dir=tmp_path / "records",
            cache=AnalysisCache(tmp_path / "cache"),
            list_devices=lambda: [],
        )
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.session_map is not None, timeout=TIMEOUT_MS)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    return open_


def span_point(window, predicate) -> QPointF:
    canvas = window.canvas
    spans = [s for s in window.session_map.spans if predicate(s)]
    assert spans, "no such span"
    return canvas.span_rect(spans[0]).center()


def click(qtbot, widget, point: QPointF) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point.toPoint())


def zoom_to(window, from_s: float, to_s: float) -> None:
    """Show [from_s, to_s] (what a therapist does with Ctrl+wheel), so short items are wide."""
    canvas = window.canvas
    canvas.px_per_s = canvas.lanes_width_px / (to_s - from_s)
    canvas.scroll_to(from_s)


def wait_edited(qtbot, window, path: Path, before: str) -> str:
    qtbot.waitUntil(lambda: path.read_text("utf-8") != before, timeout=TIMEOUT_MS)
    # ... and the timeline shows the edited document.
    qtbot.waitUntil(lambda: window.shown_text == path.read_text("utf-8"), timeout=TIMEOUT_MS)
    return path.read_text("utf-8")


def changed_lines(before: str, after: str) -> list[str]:
    import difflib

    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def assert_still_valid(path: Path) -> None:
    result = load_playlist(path)
    assert result.ok, [p.format() for p in result.errors]
    text = path.read_text("utf-8")
    assert "# A session for the studio tests. Comments must survive every edit." in text
    assert "# Peak: loops; the bell below comes too late." in text


def test_a_click_on_a_problem_shows_its_line(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    problems = window.problems
    assert problems.list.count() == 3
    texts = [problems.list.item(row).text() for row in range(problems.list.count())]
    bell_row = next(row for row, text in enumerate(texts) if "falls outside its phase" in text)
    line = line_of(STUDIO_PLAYLIST, "at: 20m")
    assert texts[bell_row].startswith(f"{line}:13 ")
    rect = problems.list.visualItemRect(problems.list.item(bell_row))
    qtbot.mouseClick(problems.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert problems.source.isVisible()
    assert problems.current_line() == line
    # The same problem is marked on the timeline, on the bell at the end of peak.
    bell = next(s for s in window.session_map.spans if s.kind == "bell" and s.problems)
    assert bell.start_s == 1500.0


def test_a_save_in_another_editor_refreshes_the_timeline(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    onset = next(s for s in window.session_map.spans if s.kind == "phase")
    assert onset.end_s == 600.0
    # Saved the way many editors save: a new file renamed over the old one (which ends
    # the watch of the old file: the studio watches the path again).
    for minutes, problems_left in ((12, 3), (14, 3)):
        text = playlist_path.read_text("utf-8").replace(
            "duration: 10m" if minutes == 12 else "duration: 12m", f"duration: {minutes}m"
        )
        temporary = playlist_path.with_suffix(".yaml.new")
        temporary.write_text(text, "utf-8")
        os.replace(temporary, playlist_path)
        qtbot.waitUntil(
            lambda m=minutes: (
                next(s for s in window.session_map.spans if s.kind == "phase").end_s == m * 60.0
            ),
            timeout=TIMEOUT_MS,
        )
        assert window.problems.list.count() == problems_left
    # An edit that breaks the file: its problem is listed at once, with its line.
    playlist_path.write_text(
        playlist_path.read_text("utf-8").replace("route: IV", "route: XX"), "utf-8"
    )
    qtbot.waitUntil(
        lambda: any(
            "route" in window.problems.list.item(r).text()
            for r in range(window.problems.list.count())
        ),
        timeout=TIMEOUT_MS,
    )
    first = window.problems.list.item(0).text()
    assert first.startswith(f"{line_of(STUDIO_PLAYLIST, 'route:')}:8 ")


def send_drop(canvas, point: QPointF, files: list[Path]) -> None:
    """What the window system sends when files are dropped from a file manager (QTest
    cannot drag between applications)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    enter = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(canvas, drop)


def test_files_dropped_on_a_phase_are_added_to_its_music(
    open_studio, playlist_path, qtbot, tmp_path
):
    window = open_studio(playlist_path)
    before = playlist_path.read_text("utf-8")
    new_music = tmp_path / "incoming"
    new_music.mkdir()
    (new_music / "b-bell.wav").write_bytes((tmp_path / "audio" / "bell.wav").read_bytes())
    (new_music / "a-cover.jpg").write_bytes(b"\xff\xd8 not a picture the session can play")
    # Dropped on observation's phase band (not on an item): added at the end of its list.
    point = span_point(window, lambda s: s.kind == "phase" and s.label == "Observation")
    send_drop(window.canvas, point, [new_music])
    after = wait_edited(qtbot, window, playlist_path, before)
    # Only the line of observation's music changes (it is written in flow style).
    assert changed_lines(before, after) == [
        "-    music: {items: [audio/music.wav], loop: true}",
        "+    music: {items: [audio/music.wav, incoming/b-bell.wav], loop: true}",
    ]
    assert "incoming/b-bell.wav" in after
    assert "a-cover.jpg: not added" in window.status.text()
    assert "cover" not in after
    assert_still_valid(playlist_path)


def test_a_drop_on_an_item_inserts_after_it(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    zoom_to(window, -5, 10)
    before = playlist_path.read_text("utf-8")
    point = span_point(window, lambda s: s.yaml_path == ("phases", 0, "music", "items", 0))
    send_drop(window.canvas, point, [playlist_path.parent / "audio" / "bed.wav"])
    after = wait_edited(qtbot, window, playlist_path, before)
    assert changed_lines(before, after) == ["+        - audio/bed.wav"]
    lines = after.splitlines()
    index = lines.index("        - audio/bed.wav")
    assert lines[index - 1] == "        - audio/music.wav"
    assert_still_valid(playlist_path)


def test_reorder_remove_and_undo_by_keys(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    zoom_to(window, -5, 10)
    canvas = window.canvas
    original = playlist_path.read_text("utf-8")
    click(
        qtbot,
        canvas,
        span_point(window, lambda s: s.yaml_path == ("phases", 0, "music", "items", 0)),
    )
    assert canvas.selected.yaml_path == ("phases", 0, "music", "items", 0)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    moved = wait_edited(qtbot, window, playlist_path, original)
    assert changed_lines(original, moved) == [
        "+        - audio/voice.wav",
        "-        - audio/voice.wav",
    ]
    assert moved.index("        - audio/voice.wav") < moved.index("        - audio/music.wav")
    assert_still_valid(playlist_path)

    # Remove the item now first (voice.wav) with Delete.
    zoom_to(window, -5, 10)
    click(
        qtbot,
        canvas,
        span_point(window, lambda s: s.yaml_path == ("phases", 0, "music", "items", 0)),
    )
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    removed = wait_edited(qtbot, window, playlist_path, moved)
    assert changed_lines(moved, removed) == ["-        - audio/voice.wav"]
    assert_still_valid(playlist_path)

    # Ctrl+Z twice: the file is byte for byte what it was; Ctrl+Shift+Z redoes.
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert wait_edited(qtbot, window, playlist_path, removed) == moved
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert wait_edited(qtbot, window, playlist_path, moved) == original
    qtbot.keyClick(
        canvas,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert wait_edited(qtbot, window, playlist_path, original) == moved


def test_a_phase_duration_typed_in_the_edit_panel(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    before = playlist_path.read_text("utf-8")
    click(
        qtbot, window.canvas, span_point(window, lambda s: s.kind == "phase" and s.label == "Peak")
    )
    field = window.edit_panel.duration
    assert field.isVisible() and field.text() == "15m"
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "20m")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    after = wait_edited(qtbot, window, playlist_path, before)
    assert changed_lines(before, after) == ["-    duration: 15m", "+    duration: 20m"]
    # The bell at 20m is inside its phase now: its warning is gone from the list and the map.
    assert window.problems.list.count() == 2
    bell = next(s for s in window.session_map.spans if s.kind == "bell" and s.phase_index == 1)
    assert bell.start_s == 1800.0 and not bell.problems
    assert_still_valid(playlist_path)


def test_a_bell_placed_at_the_cursor(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    before = playlist_path.read_text("utf-8")
    canvas = window.canvas
    # A click in the Checks lane 5 minutes into peak puts the cursor there; B places a bell.
    x = canvas.x_of(600.0 + 300.0)
    y = canvas.lane_rect("clinical").bottom() - 2
    click(qtbot, canvas, QPointF(x, y))
    assert canvas.cursor_s == pytest.approx(900.0, abs=1.0 / canvas.px_per_s + 0.01)
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    after = wait_edited(qtbot, window, playlist_path, before)
    added = changed_lines(before, after)
    assert all(line.startswith("+") for line in added), added
    assert "bell: bowl" in "".join(added) and "at: 5m" in "".join(added)
    bells = [s for s in window.session_map.spans if s.kind == "bell" and s.phase_index == 1]
    assert [round(s.start_s) for s in bells] == [900, 1500]
    assert_still_valid(playlist_path)


def test_a_playlist_a_session_uses_opens_read_only(open_studio, playlist_path, qtbot, tmp_path):
    clock = FakeClock()
    timeline = SessionTimeline(
        load_playlist(playlist_path).playlist,
        SessionStore(tmp_path / "records"),
        clock,
        clock.wall,
        playlist_path=playlist_path,
    )
    timeline.start("Blue Heron")
    timeline.close()  # started, never ended: as a running (or crashed) session leaves it
    window = open_studio(playlist_path)
    assert window.read_only
    assert window.banner.isVisible() and "Blue Heron" in window.banner.text()
    before = playlist_path.read_text("utf-8")
    zoom_to(window, -5, 10)
    click(
        qtbot,
        window.canvas,
        span_point(window, lambda s: s.yaml_path == ("phases", 0, "music", "items", 0)),
    )
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    # A drop is refused too: the drag is not accepted over a phase.
    window.canvas.fit()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(playlist_path.parent / "audio" / "bed.wav"))])
    point = span_point(window, lambda s: s.kind == "phase" and s.label == "Peak")
    enter = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window.canvas, enter)
    assert not enter.isAccepted()
    assert playlist_path.read_text("utf-8") == before
    assert "read-only" in window.status.text() or "has not ended" in window.status.text()


def test_jump_keys_land_5_s_before_the_next_and_previous_change(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    canvas = window.canvas
    x = canvas.x_of(100.0)
    click(qtbot, canvas, QPointF(x, canvas.lane_rect("clinical").bottom() - 2))
    start = canvas.cursor_s
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.cursor_s == pytest.approx(120.0 - 5.0)  # the welcome cue at 2m
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.cursor_s == pytest.approx(600.0 - 5.0)  # peak begins
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert canvas.cursor_s == pytest.approx(115.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.cursor_s == pytest.approx(120.0)
    assert start < 115.0
    assert window.cursor_label.text() == "cursor +2:00"


def test_a_playlist_saved_elsewhere_and_taken_in_again_lets_the_old_version_go(
    open_studio, playlist_path, qtbot
):
    """Every refresh replaces the document; the old one and its timeline must be freed, or
    each save by another editor would keep a whole playlist (5,000 items: 30,000 objects the
    collector scans, holding the lock the window's thread needs)."""
    window = open_studio(playlist_path)
    first_document = weakref.ref(window.document)
    first_map = weakref.ref(window.session_map)
    qtbot.waitUntil(lambda: window.analysis is not None, timeout=TIMEOUT_MS)
    text = playlist_path.read_text("utf-8").replace("duration: 10m", "duration: 11m")
    temporary = playlist_path.with_suffix(".yaml.new")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, playlist_path)
    qtbot.waitUntil(
        lambda: next(s for s in window.session_map.spans if s.kind == "phase").end_s == 660.0,
        timeout=TIMEOUT_MS,
    )
    qtbot.waitUntil(lambda: window.runner.pending == 0, timeout=TIMEOUT_MS)
    qtbot.wait(50)  # the last queued results are handed over
    gc.collect()
    assert first_document() is None and first_map() is None


def test_a_5000_item_playlist_opens_off_the_gui_thread_and_paints_what_is_in_view(
    qtbot, tmp_path, clinic
):
    from PySide6.QtCore import QTimer

    from bench.validate import make_playlist

    audio = tmp_path / "audio"
    make_studio_folder(tmp_path, clinic)
    path = make_playlist(tmp_path, [audio / "music.wav", audio / "voice.wav", audio / "bed.wav"])
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    window = StudioWindow(
        path,
        sessions_base_dir=tmp_path / "records",
        cache=AnalysisCache(tmp_path / "cache"),
        list_devices=lambda: [],
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    assert window.session_map is None  # opening is under way on the worker pool...
    qtbot.waitUntil(lambda: window.session_map is not None, timeout=60_000)
    assert len(ticks) > 5  # ...while the window's event loop kept running
    timer.stop()
    assert len(window.document.playlist.phases) == 50
    canvas = window.canvas
    total = len(window.session_map.spans)
    assert total > 5000  # 50 phases of 20 minutes of 3-second items
    # Zoomed in (Ctrl + wheel would do the same) and scrolled with the scroll bar's page step.
    window.activateWindow()
    for _ in range(30):  # x 1.25 each: about a minute in view
        qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    before = canvas.offset_s
    qtbot.keyClick(window.timeline.scrollbar, Qt.Key.Key_PageDown)
    assert canvas.offset_s > before
    canvas.repaint()
    assert 0 < canvas.painted_spans < total / 100


def test_when_the_dose_is_marked_is_chosen_like_render_dose_at(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    assert window.session_map.start_s == -120.0  # settling: 2 minutes by default
    field = window.dose_at
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session_map.start_s == -300.0, timeout=TIMEOUT_MS)
    settling = next(s for s in window.session_map.spans if s.kind == "settling")
    assert (settling.start_s, settling.end_s) == (-300.0, 0.0)
    assert window.session_map.session.dose_s == 300.0  # what listening plays from


def test_a_phase_end_chosen_and_a_voice_cue_removed(open_studio, playlist_path, qtbot):
    window = open_studio(playlist_path)
    before = playlist_path.read_text("utf-8")
    click(
        qtbot, window.canvas, span_point(window, lambda s: s.kind == "phase" and s.label == "Onset")
    )
    combo = window.edit_panel.end
    assert combo.isVisible() and combo.currentData() == "advance"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # "hold for the clinician"
    after = wait_edited(qtbot, window, playlist_path, before)
    assert changed_lines(before, after) == ["+    end: hold"]
    assert_still_valid(playlist_path)
    # The welcome cue at 2m into onset: selected by a click, removed with Delete.
    zoom_to(window, 100.0, 140.0)
    click(qtbot, window.canvas, span_point(window, lambda s: s.kind == "voice"))
    assert window.canvas.selected.label == "welcome"
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    removed = wait_edited(qtbot, window, playlist_path, after)
    assert changed_lines(after, removed) == [
        "-    voice:",
        "-      - at: 2m",
        "-        cue: welcome",
    ]
    assert not [s for s in window.session_map.spans if s.kind == "voice"]
    assert_still_valid(playlist_path)


def test_a_save_of_an_included_library_refreshes_too(open_studio, tmp_path, clinic, qtbot):
    library = tmp_path / "library.yaml"
    library.write_text(
        "kind: library\ntitle: Sounds\nbells:\n  chime: {file: audio/bell.wav}\n", "utf-8"
    )
    text = STUDIO_PLAYLIST.replace("route: IV\n", "route: IV\ninclude: [library.yaml]\n")
    text = text.replace("        bell: bowl\n", "        bell: chime\n")
    path = make_studio_folder(tmp_path, clinic, text)
    window = open_studio(path)
    assert window.problems.list.count() == 3
    # The library loses the bell the playlist uses: an error appears in the playlist.
    library.write_text("kind: library\ntitle: Sounds\nbells: {}\n", "utf-8")
    qtbot.waitUntil(
        lambda: any(
            "chime" in window.problems.list.item(r).text()
            for r in range(window.problems.list.count())
        ),
        timeout=TIMEOUT_MS,
    )
