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


CROWDED_CUES = ("breathe-in", "soften-jaw", "heavy-arms", "warm-hands", "long-exhale")


def test_crowded_cue_marks_keep_a_word_each(qtbot, qsettings, clinic, port, flow, tmp_path):
    import textwrap

    from tests.ui.conftest import PLAYLIST, clinic_window

    voices = "".join(
        f"  {cue}: {{file: {clinic}/audio/voice.wav, text: {cue}}}\n" for cue in CROWDED_CUES
    )
    cues = ", ".join(f"{{at: {60 + 15 * n}s, cue: {cue}}}" for n, cue in enumerate(CROWDED_CUES))
    text = textwrap.dedent(PLAYLIST).lstrip().replace("audio/", f"{clinic}/audio/")
    text = text.replace("voices:\n", "voices:\n" + voices)
    text = text.replace("voice: [{at: 2m, cue: welcome}]", f"voice: [{cues}]")
    path = tmp_path / "crowded.yaml"
    path.write_text(text, "utf-8")
    window = clinic_window(qtbot, qsettings, clinic, port, path)
    window.show()
    qtbot.waitExposed(window)
    console, bridge = flow.start_session(window, path)
    window.resize(853, 500)
    for _ in range(3):
        QApplication.processEvents()
    arc = console.arc
    arc.repaint()
    voice_marks = [mark for mark in arc._layout.marks if mark.label in CROWDED_CUES]
    assert len(voice_marks) == len(CROWDED_CUES)
    assert len(arc.mark_labels) == len(arc._layout.marks)
    # Each cue has a word under it (whole, cut with "…", or its initial), none dropped.
    for label, mark in zip(arc.mark_labels, arc._layout.marks, strict=True):
        assert label.strip("…"), mark
        if mark.label in CROWDED_CUES:
            assert mark.label.startswith(label.rstrip("…")), (label, mark)
    # No two words of a row overlap.
    for row in (0, 1):
        spans = sorted((left, right) for r, left, right in arc.mark_label_rects if r == row)
        for (_left, right), (next_left, _right) in zip(spans, spans[1:], strict=False):
            assert right <= next_left, spans
