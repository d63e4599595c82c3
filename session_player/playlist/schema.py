"""The JSON Schema of the playlist format, generated from the same model that validates.

Editors with YAML language support (VS Code's YAML extension, JetBrains IDEs, Neovim with
yaml-language-server) use it for autocompletion and inline checks; see the README.
"""

from __future__ import annotations

from session_player.playlist.model import Library, Playlist

SCHEMA_ID = "https://session-player.invalid/schema/playlist-v1.json"


def json_schema() -> dict:
    playlist = Playlist.model_json_schema(mode="validation")
    library = Library.model_json_schema(mode="validation")
    definitions = {**library.pop("$defs", {}), **playlist.pop("$defs", {})}
    definitions["Playlist"] = playlist
    definitions["Library"] = library
    return {
        # Draft-07 is what editors' YAML language servers support; our schema uses nothing newer.
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "Session Player playlist",
        "description": "A session playlist (kind: session, the default) or a shared library "
        "of soundscapes, bells and voices (kind: library).",
        "anyOf": [{"$ref": "#/$defs/Playlist"}, {"$ref": "#/$defs/Library"}],
        "$defs": definitions,
    }
