# Two commands on a fresh clone: `make demo` and `make test`.
# Each bootstraps its own virtualenv in .venv (python3 >= 3.11 needed).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[demo,test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/mocm-upgrade demo

lint: $(VENV)/.installed
	$(BIN)/ruff check tui screens tests bench
	$(BIN)/ruff format --check tui screens tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2

bench: $(VENV)/.installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist
