"""The therapist's studio, its Qt-free core: playlists made from templates, edited in place
(comments, key order and layout kept), with undo/redo and atomic saves, and track lists
imported from the clinic's music.

* ``document.PlaylistDocument``: a playlist open for editing (the API is in its docstring).
* ``edits``: the edit commands (add/move/remove music, durations, end behaviour, cues,
  soundscapes, patient choices, levels).
* ``yaml_text``: the splicing of new lines into the YAML text, node by node.
* ``atomic_write``: temp file in the same folder, fsync, ``os.replace``.
* ``templates``: ``new_playlist(route, path)`` from the bundled templates per route.
* ``track_lists``: M3U/M3U8/XSPF/PLS and folders read into checked entries.

No module here imports Qt or pygame (``tests/test_core_purity.py``).
"""
