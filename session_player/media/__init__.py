"""Media files: finding ffmpeg and probing what a file holds (format, length, decodability).

The lowest layer: imported by ``playlist`` (to check that audio files decode) and ``audio``
(to decode them); imports nothing of the project.
"""
