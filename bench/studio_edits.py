"""How long the studio's edits take: opening a playlist, each edit (splice, data check and
validation), and undo, on the demo IV playlist and on bench/validate.py's 5,000-item playlist,
beside validating the same text alone. Writes the "Studio edits" section of docs/benchmarks.md.

    .venv/bin/python bench/studio_edits.py
"""

from __future__ import annotations

import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402
from bench.validate import audio_files, make_playlist  # noqa: E402
from session_player.playlist.loader import load_playlist  # noqa: E402
from session_player.studio import edits  # noqa: E402
from session_player.studio.document import PlaylistDocument  # noqa: E402

REPEATS = 5


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms"


def measure(path: Path, phase: str) -> dict[str, str]:
    load_playlist(path)  # audio probes cached, as in the studio after its first look
    opened = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        doc = PlaylistDocument.open(path)
        opened.append(time.perf_counter() - start)
    assert not doc.read_only, doc.read_only_reasons
    validate = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        load_playlist(path, text=doc.text)
        validate.append(time.perf_counter() - start)
    figures = {"open": _median_ms(opened), "validate the text": _median_ms(validate)}
    kinds = {
        "duration": lambda: edits.SetPhaseDuration(phase, "21m"),
        "move a music item": lambda: edits.MoveMusicItem(phase, 0, 1),
        "music level": lambda: edits.SetMusicGain(phase, -7),
    }
    undo = []
    for name, make in kinds.items():
        samples = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            doc.apply(make())
            samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            doc.undo()
            undo.append(time.perf_counter() - start)
        figures[name] = _median_ms(samples)
    figures["undo"] = _median_ms(undo)
    return figures


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / "playlists", folder / "playlists")
        (folder / "assets").symlink_to(ROOT / "assets", target_is_directory=True)
        demo_path = folder / "playlists" / "iv-infusion-40min.yaml"
        demo_lines = len(demo_path.read_text(encoding="utf-8").splitlines())
        demo = measure(demo_path, "onset")
        big_path = make_playlist(folder, audio_files())
        lines = len(big_path.read_text(encoding="utf-8").splitlines())
        big = measure(big_path, "phase-25")
    rows = [
        f"| what | demo IV playlist ({demo_lines} lines) | 5,000 items ({lines:,} lines) |",
        "|---|---:|---:|",
    ]
    for name in demo:
        rows.append(f"| {name} | {demo[name]} | {big[name]} |")
    body = "\n".join(
        [
            f"Command: `.venv/bin/python bench/studio_edits.py` (Python {platform.python_version()}, "
            f"{platform.machine()}, median of {REPEATS} runs; audio probes cached).",
            "",
            "An edit is the splice, the check that the new text means exactly the intended "
            "data, and the validation of the new text (the same as `session-player validate`); "
            "undo puts the previous text back and validates it. Opening reads the file, applies "
            "the loader's limits and validates it.",
            "",
            *rows,
            "",
            "On the large playlist most of an edit is composing the new text (PyYAML's "
            "composer, in Python, gives the node positions and the data for the check) and "
            "validating it; the splice itself takes about a millisecond. The studio window "
            "should apply edits to such a playlist off its GUI thread. Figures vary by about 2x "
            "from run to run on the shared machine.",
        ]
    )
    write_section(ROOT / "docs" / "benchmarks.md", "Studio edits", body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
