# Two commands on a fresh clone: `make demo` and `make test`.
# Each bootstraps its own virtualenv in .venv (python3 >= 3.11 needed).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint lint-for-test bench mutate clean

# The packages are installed by uv, itself fetched by the machine's pip into the venv: the
# whole set in ~2 s (parallel downloads, copies and bytecode compiles) against ~15 s for pip.
# Where uv can't be had, pip does it: the venv gets the current pip from the machine's own
# (pip >= 22.3 installs into another interpreter with --python), or ensurepip's.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv --without-pip $(VENV)
	if $(PYTHON) -m pip --python $(BIN)/python install --quiet uv 2>/dev/null \
	   && $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -e '.[demo,test]'; \
	then :; else \
	  { $(PYTHON) -m pip --python $(BIN)/python install --quiet --upgrade pip 2>/dev/null \
	    || { $(BIN)/python -m ensurepip --default-pip >/dev/null \
	         && $(BIN)/python -m pip install --quiet --upgrade pip; }; } \
	  && $(BIN)/python -m pip install --quiet -e '.[demo,test]'; \
	fi
	touch $@

demo: $(VENV)/.installed
	$(BIN)/mocm-upgrade demo

lint: $(VENV)/.installed
	$(BIN)/ruff check tui screens tests
	$(BIN)/ruff format --check tui screens tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# The tests run on TEST_WORKERS workers: more than the cores, as many tests wait on
# subprocesses and tmux (pyproject's --dist loadgroup keeps each engine world's tests on one
# worker, built once). The lint runs beside them at a lower priority; its output is printed
# after the tests', and either failing fails `make test`. Bytecode is written even where the
# environment says not to (PYTHONDONTWRITEBYTECODE): each worker and every stand-in process
# would otherwise compile the same modules (and pytest rewrite every test module) again.
# (A collection before the workers, to write those files once, was tried: 6 CPU-s fewer
# in the workers, but 4 s more before the first test, on a fresh clone alone.)
TEST_WORKERS ?= 4
PYTEST_ARGS ?=

test: $(VENV)/.installed
	@log=$$(mktemp); \
	( nice -n 10 $(MAKE) --no-print-directory lint-for-test >"$$log" 2>&1 ) & lint=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); tests=$$?; \
	wait $$lint; linted=$$?; \
	echo "== make lint (ran beside the tests): $$([ $$linted -eq 0 ] && echo passed || echo FAILED)"; \
	cat "$$log"; rm -f "$$log"; \
	[ $$tests -eq 0 ] && [ $$linted -eq 0 ]

lint-for-test: lint
	$(BIN)/mypy --strict tests/support

# Benchmarks print numbers (no test is timed); the README holds the figures.
bench: $(VENV)/.installed
	for script in tests/bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Mutation testing of the safety modules (slow: not part of `make test`); tests/mutation/README.md
mutate: $(VENV)/.installed
	$(BIN)/python -m tests.mutation.mutate -j 2

clean:
	rm -rf $(VENV) build dist
