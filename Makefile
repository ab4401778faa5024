# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast lint lock-check clean

# The project's own modules are byte-compiled here, as pip does for a package it installs: the install is editable
# (the code runs from this tree), and a process that may not write here (the systemd units' ProtectSystem=strict, a
# PYTHONDONTWRITEBYTECODE environment) would otherwise compile every module from source on each start: ~0.1 s of
# every `bilim` command and every Dagster run. Re-run on each install: compileall skips what is up to date.
install: $(STAMP)
	$(PY) -m compileall -q -j 0 pipelines contracts dashboard

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: install
	$(VENV)/bin/bilim demo

lock-check: install
	$(PY) -m pip check
	$(PY) scripts/check_lock.py requirements.lock

test: lock-check
	$(PY) -m pytest

# Everything but the tests marked slow (those that start a subprocess: the bilim CLI, streamlit, chromium,
# PostgreSQL, a Dagster code server, or a real Dagster run, whose compute-log capture starts one).
test-fast: install
	$(PY) -m pytest -m "not slow" -q

# ruff (rules in pyproject's [tool.ruff]) and import-linter (the layer contracts in [tool.importlinter]).
# No caches: a lint run leaves the work tree as it found it.
lint: install
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV)
