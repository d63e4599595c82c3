# Two commands on a fresh machine: `make run` (set up + start the app on the demo playlist)
# and `make test` (set up + the whole suite, headless).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO := playlists/iv-infusion-40min.yaml

.PHONY: run test test-core setup lint bench screenshots demo-audio clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed")'
	@PYTHON=$(PYTHON) bash tools/install-system-deps.sh base
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: setup
	@bash tools/install-system-deps.sh qt
	$(VENV)/bin/session-player $(DEMO)

test: setup
	@bash tools/install-system-deps.sh qt suite
	@# yaml-language-server for the editor test (npm); without it that test fails in CI, skips here.
	@bash tools/install-yaml-ls.sh || echo "yaml-language-server could not be installed (see above)"
	$(VENV)/bin/ruff check session_player tests tools bench main.py
	$(VENV)/bin/ruff format --check session_player tests tools bench main.py
	@# The core's tests with Qt and pygame unimportable, then the rest (tools/run-suite.sh).
	PY=$(PY) bash tools/run-suite.sh

# The core's tests (playlist, session, audio, engine, record, studio, media) with PySide6 and
# pygame made unimportable, as napari's headless environment does (tests/headless_core.py).
test-core: setup
	PY=$(PY) bash tools/run-suite.sh core

bench: setup
	$(PY) bench/validate.py

demo-audio: setup
	$(PY) tools/make_demo_audio.py

clean:
	rm -rf $(VENV) build *.egg-info
