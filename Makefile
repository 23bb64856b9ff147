# Two commands on a fresh clone: `make demo` and `make test`.
# Each bootstraps its own virtualenv in .venv (python3 >= 3.11 needed).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench mutate clean

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
	$(BIN)/lint-imports

# pyproject's --dist loadgroup keeps each engine world's tests on one worker (built once).
test: lint
	$(BIN)/mypy --strict tests/support
	$(BIN)/pytest -n 2

# Benchmarks print numbers (no test is timed); the README holds the figures.
bench: $(VENV)/.installed
	for script in tests/bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Mutation testing of the safety modules (slow: not part of `make test`); tests/mutation/README.md
mutate: $(VENV)/.installed
	$(BIN)/python -m tests.mutation.mutate -j 2

clean:
	rm -rf $(VENV) build dist
