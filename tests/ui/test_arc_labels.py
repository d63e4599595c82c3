"""The arc stays readable when it is narrow or crowded (issue 10, item 13): a shortened phase
shows its name shortened (never a bare "…"), and every cue keeps a word under its mark."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

MINUTE = 60.0


def test_narrow_arc_names_every_phase_and_every_mark(make_window, port, clock, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    window.resize(853, 500)  # 1280×800 at 150 %
    console.actions.dose.trigger()
    clock.advance(30)
    bridge.poll()
    console.actions.advance.trigger()  # onset shortened to half a minute: a sliver of a band
    for _ in range(3):
        QApplication.processEvents()
    arc = console.arc
    arc.repaint()
    assert arc.band_texts and all(text.strip("…") for text in arc.band_texts), arc.band_texts
    assert arc.band_texts[1].startswith("O"), arc.band_texts  # onset, shortened
    marks = [mark for mark in arc._layout.marks]
    assert len(arc.mark_labels) == len(marks)
    assert all(label.strip("…") for label in arc.mark_labels), arc.mark_labels
