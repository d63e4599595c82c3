#!/usr/bin/env bash
# The whole suite in two runs, each test once:
#  1. the core's tests (playlist, session, audio, engine, record, studio, media) with PySide6
#     and pygame made unimportable (tests/headless_core.py), as `make test-core` runs them;
#  2. everything else with Qt (offscreen) and SDL (dummy), plus the core tests that skipped in
#     run 1 because they need Qt or a device on purpose (the live engine's contract tests).
# Usage: tools/run-suite.sh [core]   (core: run 1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
CORE=()
for path in tests/media tests/playlist tests/session tests/audio tests/engine tests/record tests/studio; do
    [ -d "$path" ] && CORE+=("$path")
done
skips=$(mktemp)
trap 'rm -f "$skips"' EXIT
SESSION_PLAYER_CORE_SKIPS="$skips" SDL_AUDIODRIVER=dummy "$PY" -m pytest -q -p no:cacheprovider \
    -p no:pytest-qt -p tests.headless_core "${CORE[@]}"
[ "${1:-}" = core ] && exit 0
rest=()
for path in tests/*/ tests/test_*.py; do
    path=${path%/}
    [[ " ${CORE[*]} " == *" $path "* ]] || rest+=("$path")
done
mapfile -t again < "$skips"
QT_QPA_PLATFORM=offscreen SDL_AUDIODRIVER=dummy "$PY" -m pytest -q -p no:cacheprovider \
    "${rest[@]}" "${again[@]}"
