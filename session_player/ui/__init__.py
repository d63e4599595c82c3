"""The Qt (PySide6 widgets) layer: the clinician's console and the dim patient view.

A thin layer over the Qt-free core (playlist, session, audio): views take the session
bridge and subscribe; commands are named actions; what the UI needs from the engine beyond
the timeline is the ``ports`` protocol (``fake_engine`` implements it for tests).
"""
