"""The theme's roles and the start screen's playlist rows, as they look on the screen."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from session_player.ui import theme
from session_player.ui.playlist_delegate import SUBTITLE_OPACITY, SUBTITLE_ROLE, PlaylistDelegate

ROLES = [None, "hint", "warning", "heading", "ok", "secondary", "accent", None, "hint"]


def _look(label: QLabel) -> tuple[str, float]:
    return label.palette().color(label.foregroundRole()).name(), label.font().pointSizeF()


def test_a_role_change_looks_like_that_role_from_the_start(qtbot):
    """set_role re-polishes with a Polish event alone: the old role's colour and size go."""
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    changing = QLabel("changing", holder)
    layout.addWidget(changing)
    holder.show()
    qtbot.waitExposed(holder)
    looks = []
    for role in ROLES:
        theme.set_role(changing, role)
        fresh = QLabel("fresh", holder)
        fresh.setProperty("role", role)
        layout.addWidget(fresh)
        fresh.show()
        assert _look(changing) == _look(fresh), role
        looks.append(_look(changing))
    assert len(set(looks)) >= 5  # the roles do differ: the comparison means something


def _channels(image, x0, y0, x1, y1) -> list[tuple[int, int, int]]:
    return [
        (c.red(), c.green(), c.blue())
        for c in (image.pixelColor(x, y) for x in range(x0, x1) for y in range(y0, y1))
    ]


def _brightest(pixels) -> tuple[int, int, int]:
    return max(pixels, key=sum)


def _near(a, b, tolerance=3) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@pytest.fixture
def playlist_rows(qtbot):
    rows = QListWidget()
    rows.setItemDelegate(PlaylistDelegate(rows))
    for title, name in (("IV infusion, 40 minutes", "iv.yaml"), ("Esketamine", "esk.yaml")):
        item = QListWidgetItem(title)
        item.setData(SUBTITLE_ROLE, name)
        rows.addItem(item)
    rows.resize(420, 200)
    qtbot.addWidget(rows)
    rows.show()
    qtbot.waitExposed(rows)
    return rows


def test_a_playlist_row_reads_title_then_a_dimmer_file_name(playlist_rows):
    """Drawn without QStyle or QPen (see PlaylistDelegate): the title in the text colour,
    the file name in the dim text colour, the selected row on its own ground with a mark."""
    rows = playlist_rows
    rows.setCurrentRow(0)
    image = rows.viewport().grab().toImage()
    text = theme.qcolor(theme.TEXT)
    dim = theme.qcolor(theme.TEXT_DIM)
    for row, selected in ((0, True), (1, False)):
        rect = rows.visualRect(rows.model().index(row, 0))
        middle = rect.top() + rect.height() // 2
        title = _channels(image, rect.left() + 20, rect.top() + 4, rect.right() - 4, middle)
        name = _channels(image, rect.left() + 20, middle + 2, rect.right() - 4, rect.bottom() - 2)
        assert _near(_brightest(title), (text.red(), text.green(), text.blue()))
        bright_name = _brightest(name)
        assert sum(bright_name) < sum((text.red(), text.green(), text.blue())) - 60
        if not selected:  # over the panel, exactly the dim text colour
            assert _near(bright_name, (dim.red(), dim.green(), dim.blue()))
        mark = image.pixelColor(rect.left() + 3, middle)
        if selected:
            assert _near((mark.red(), mark.green(), mark.blue()), _rgb(theme.ACCENT), 8)
            ground = image.pixelColor(rect.right() - 8, rect.top() + 6)
            assert _near((ground.red(), ground.green(), ground.blue()), _rgb("#2f2519"))
        else:
            assert not _near((mark.red(), mark.green(), mark.blue()), _rgb(theme.ACCENT), 40)


def _rgb(hex_value: str) -> tuple[int, int, int]:
    colour = QColor(hex_value)
    return colour.red(), colour.green(), colour.blue()


def test_the_subtitle_opacity_gives_the_dim_text_colour_over_a_panel():
    text, dim, panel = _rgb(theme.TEXT), _rgb(theme.TEXT_DIM), _rgb(theme.SURFACE)
    blended = tuple(p + SUBTITLE_OPACITY * (t - p) for t, p in zip(text, panel, strict=True))
    assert all(abs(b - d) <= 1.5 for b, d in zip(blended, dim, strict=True))
