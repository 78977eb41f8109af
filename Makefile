# Two commands on a fresh machine: `make demo` and `make test`. Each makes .venv on demand and
# reuses it while pyproject.toml is unchanged (the stamp files below depend on it).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The PyTorch card's parity test wants torch, but only a CPU build: never a multi-GB CUDA download.
TORCH_CPU := torch==2.13.0

.PHONY: demo test test-backends test-install test-min golden bench lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# editable: hatchling writes a plain .pth path (no import hook to slow every start-up).
	@# The package installs no Keras backend: the tensorflow extra is the original sheet's.
	$(BIN)/python -m pip install --quiet -e '.[tensorflow]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[tensorflow,test]'
	@# A local CPU wheel of torch (pip's find-links) if there is one; else the parity test skips.
	@if $(BIN)/python -m pip install --quiet --no-index --no-deps '$(TORCH_CPU)' 2>/dev/null; then \
		$(BIN)/python -m pip install --quiet '$(TORCH_CPU)'; \
	else \
		echo "No CPU build of $(TORCH_CPU) at hand: the PyTorch parity test will be skipped."; \
	fi
	touch $@

# Issue 12: the other two Keras 3 backends, for test-backends. jax's CPU wheels are small; torch
# only from the local CPU wheel the rule above uses (never a CUDA download from PyPI).
$(VENV)/.installed-backends: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet 'jax==0.10.2'
	@$(BIN)/python -c 'import torch' 2>/dev/null \
		|| { echo "No CPU build of $(TORCH_CPU) at hand: test-backends needs one." >&2; exit 1; }
	touch $@

demo: $(VENV)/.installed
	$(BIN)/cheatsheet list
	$(BIN)/cheatsheet show cnn
	$(BIN)/cheatsheet run cnn

# -n auto: one pytest worker per core (pytest-xdist); a card test is mostly one core's Python.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto

# The card tests once per other backend (TensorFlow is `make test`). tests/cards/conftest.py
# deselects the tests marked for another backend (pytest's last line counts them) and expects
# a card's tests to fail on a backend its Backends: field leaves out (xfailed).
test-backends: $(VENV)/.installed-backends
	@for backend in jax torch; do \
		echo "== KERAS_BACKEND=$$backend"; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest -q -n auto tests/cards || exit 1; \
	done
	@# The card x backend grid's transcript (docs/commands.md) needs every backend installed.
	$(BIN)/python -m pytest -q -p no:xdist -m all_backends tests/test_transcripts.py

# Issue 33: the wheel as a learner installs it. tests/install builds it, installs it into fresh
# virtual environments (no backend, then the tensorflow extra) and runs the CLI from elsewhere;
# `make test` leaves these tests out (marker `install`).
test-install: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:xdist -m install tests/install

# The lowest versions pyproject.toml allows for its direct dependencies (keras, numpy,
# scikit-learn, matplotlib, and the tensorflow extra's), installed by uv in their own venv, and
# the card tests on them. uv does not read pip's find-links, so no torch here: the PyTorch parity
# test skips. The test tools come after, at their newest, and leave those versions as they are.
VENV_MIN := .venv-min
$(VENV_MIN)/.installed: pyproject.toml
	$(PYTHON) -m venv --clear $(VENV_MIN)  # afresh: only what this resolution chose
	$(VENV_MIN)/bin/python -m pip install --quiet uv
	$(VENV_MIN)/bin/uv pip install --quiet --python $(VENV_MIN)/bin/python \
		--resolution lowest-direct -e '.[tensorflow]'
	$(VENV_MIN)/bin/uv pip install --quiet --python $(VENV_MIN)/bin/python pytest pytest-xdist hypothesis
	touch $@

test-min: $(VENV_MIN)/.installed
	$(VENV_MIN)/bin/uv pip list --python $(VENV_MIN)/bin/python 2>/dev/null \
		| grep -E -i '^(keras|numpy|scikit-learn|matplotlib|tensorflow|ai-edge-litert) '
	$(VENV_MIN)/bin/python -m pytest -q -n auto tests/cards

# Rewrite the golden files of `show` after an intended change to a card or to rendering; review
# the diff before committing it. Seconds: it runs only the golden test, which imports no Keras.
golden: $(VENV)/.installed-test
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: $(VENV)/.installed
	$(BIN)/python bench/bench.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check cheatsheet snippets tests bench

clean:
	rm -rf $(VENV) $(VENV_MIN) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
