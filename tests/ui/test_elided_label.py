"""ElidedLabel: the same height whatever it says, its words cut with "…" and whole in the
tooltip, and ``clear()`` clears what it paints (the status line cleared itself this way)."""

from __future__ import annotations

from session_player.ui.elided_label import ElidedLabel

LONG = "the escort has arrived and is waiting outside in the car park with a wheelchair " * 3


def test_height_never_depends_on_the_words(qtbot):
    label = ElidedLabel(lines=2)
    qtbot.addWidget(label)
    label.resize(200, label.sizeHint().height())
    label.show()
    empty_height = label.sizeHint().height()
    label.setText(LONG)
    assert label.sizeHint().height() == empty_height
    assert label.minimumSizeHint().width() <= 200
    shown = label.shown_lines()
    assert len(shown) == 2 and shown[-1].endswith("…")
    assert label.text() == LONG and label.toolTip() == LONG
    label.setText("short")
    assert label.shown_lines() == ["short"] and label.toolTip() == ""


def test_clear_clears_what_is_painted(qtbot):
    label = ElidedLabel("Fading to silence")
    qtbot.addWidget(label)
    label.clear()
    assert label.text() == "" and label.shown_lines() == []
