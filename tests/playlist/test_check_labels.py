"""Generated vital-sign check labels say their time once (issue 10/22: the start screen
showed "40m after dose (40m after the dose)")."""

from __future__ import annotations

import textwrap

from session_player.launch.start_check import overview_of
from session_player.playlist.loader import load_playlist

TEXT = """
title: Checks
route: IV
phases:
  - id: onset
    duration: 50m
clinical:
  vitals:
    - at: pre-dose
    - at: 40m
    - at: 20m
      label: Mid-infusion
    - at: discharge
"""


def test_the_start_screen_names_each_check_and_its_time_once(tmp_path, qtbot):
    from session_player.ui.playlist_details import PlaylistDetails

    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(TEXT).lstrip("\n"), encoding="utf-8")
    overview = overview_of(load_playlist(path, check_audio=False))
    details = PlaylistDetails()
    qtbot.addWidget(details)
    details.show_overview(overview)
    shown = details._values["vitals"].text()
    assert shown == (
        "Before the dose; 40m after the dose; Mid-infusion (20m after the dose); Before discharge"
    )
