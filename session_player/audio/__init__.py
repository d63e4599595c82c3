"""Audio core: locating ffmpeg, probing and decoding files, loudness, and the mixer.

Qt-free and pygame-free; the pygame sink lives in ``session_player.output``.
"""
