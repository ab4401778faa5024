# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lock-check clean

install: $(STAMP)

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

clean:
	rm -rf $(VENV)
