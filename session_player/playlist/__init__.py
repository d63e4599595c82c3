"""Playlist format: safe YAML loading with positions, the model, validation and JSON Schema.

Qt-free and pygame-free: tested without a display or a sound device.
"""
