"""The Qt (PySide6 widgets) layer: the clinician's console and the dim patient view.

A thin layer over the Qt-free core (playlist, session, audio): views take the session
bridge and subscribe; commands are the rows of the session's command table
(``session/command_table.py``), one ``QAction`` each; what the UI needs from the engine
beyond the timeline is ``engine.ports`` (implemented by the live port and the null engine).
"""
