# Two commands on a fresh machine: `make demo` and `make test`. Each makes .venv on demand and
# reuses it while pyproject.toml is unchanged (the stamp files below depend on it).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The PyTorch card's parity test wants torch, but only a CPU build: never a multi-GB CUDA download.
TORCH_CPU := torch==2.13.0

.PHONY: demo test test-backends golden bench lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# editable: hatchling writes a plain .pth path (no import hook to slow every start-up)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

# Rewrite the golden files of `show` after an intended change to a card or to rendering; review
# the diff before committing it. Seconds: it runs only the golden test, which imports no Keras.
golden: $(VENV)/.installed-test
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: $(VENV)/.installed
	$(BIN)/python bench/bench.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check cheatsheet snippets tests bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
