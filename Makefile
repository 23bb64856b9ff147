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
	$(BIN)/ruff check tui screens tests
	$(BIN)/ruff format --check tui screens tests
	$(BIN)/mypy

# worksteal: an idle worker takes queued tests from a busy one (the pilot tests vary 10x).
test: lint
	$(BIN)/mypy --strict tests/support
	$(BIN)/pytest -n 2 --dist worksteal

# Benchmarks print numbers (no test is timed); the README holds the figures.
bench: $(VENV)/.installed
	for script in tests/bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build dist
