"""Mutation testing of the safety modules (``make mutate``): one mutant at a time.

For each module of modules.toml, every mutant (see mutants.py) is loaded in a forked
child in place of the module and the module's unit tests run against it in-process
(pytest, ``-x``): a failing test kills the mutant, a mutant that outlives its tests
survives. The parent imports only third-party packages, so each child imports the
project fresh and picks up the mutant. A mutant that runs past the timeout (a loop
that no longer ends) is killed by the timeout.

Prints one line per module, ``MODULE mutants=N killed=K score=S``, then the surviving
mutants that survivors.toml does not explain. Exit 1 when a module scores under
95 % or a survivor is unexplained.

    .venv/bin/python -m tests.mutation.mutate [-j JOBS] [--module PATH]... [--list]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.abc
import importlib.machinery
import os
import re
import signal
import sys
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType

from tests.mutation.mutants import Mutant, list_mutants, mutated_tree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

REQUIRED_SCORE = 95.0
# Imported once in the parent so that each forked child starts warm.
PRELOAD = (
    "pytest",
    "_pytest.python",
    "_pytest.assertion.rewrite",
    "pytest_asyncio",
    "pytest_asyncio.plugin",
    "syrupy",
    "pytest_textual_snapshot",
    "xdist",
    "xdist.plugin",
    "hypothesis",
    "hypothesis.strategies",
    "textual",
    "textual.app",
    "rich",
    "boto3",
    "botocore.session",
    "ruamel.yaml",
    "hcl2",
    "pexpect",
    "asyncio",
    "json",
)
PYTEST_ARGS = (
    "-x",
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:randomly",
    "--no-header",
    "-o",
    "addopts=--strict-markers",
    "--hypothesis-profile=mutation",
    "--assert=plain",  # pass or fail is all that counts: no rewriting of the test modules
    "-W",
    "ignore",
)


@dataclass
class Target:
    """One module under test and the test files run against its mutants."""

    path: str
    source: str  # read once: an edit during the run cannot shift the mutants
    tests: list[str]  # the module's own tests: every mutant runs them
    more_tests: list[str] = field(default_factory=list)  # other importers: only for survivors
    mutants: list[Mutant] = field(default_factory=list)
    survived: list[Mutant] = field(default_factory=list)
    timeouts: int = 0
    baseline_s: float = 0.0
    more_baseline_s: float = 0.0

    @property
    def name(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")


class _MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the mutated code for one module name; every other import is untouched."""

    def __init__(self, name: str, origin: str, code: CodeType) -> None:
        self.name, self.origin, self.code = name, origin, code

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, origin=self.origin)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        module.__file__ = self.origin
        exec(self.code, module.__dict__)


def _importers(module: str) -> list[str]:
    """Unit test files that import ``module`` (``a.b.c``) by any of the usual spellings."""
    package, _, leaf = module.rpartition(".")
    pattern = re.compile(
        rf"^\s*(?:from\s+{re.escape(module)}\s+import|import\s+{re.escape(module)}\b"
        rf"|from\s+{re.escape(package)}\s+import\s+(?:\(?[^#\n]*\b){re.escape(leaf)}\b)",
        re.MULTILINE,
    )
    found = []
    for path in sorted((ROOT / "tests" / "unit").rglob("test_*.py")):
        if pattern.search(path.read_text(encoding="utf-8")):
            found.append(str(path.relative_to(ROOT)))
    return found


def load_targets(selected: Sequence[str]) -> list[Target]:
    config = tomllib.loads((HERE / "modules.toml").read_text(encoding="utf-8"))
    targets = []
    for entry in config["module"]:
        if selected and entry["path"] not in selected:
            continue
        first = list(entry["tests"])
        for test in first:
            if not (ROOT / test).is_file():
                raise SystemExit(f"modules.toml: {test} (for {entry['path']}) does not exist")
        source = (ROOT / entry["path"]).read_text(encoding="utf-8")
        target = Target(entry["path"], source, first)
        target.more_tests = [t for t in _importers(target.name) if t not in first]
        target.mutants = list_mutants(target.path, source)
        targets.append(target)
    return targets


def load_explained() -> dict[tuple[str, str], str]:
    """survivors.toml: (module, mutant key) → why that survivor is equivalent or harmless."""
    data = tomllib.loads((HERE / "survivors.toml").read_text(encoding="utf-8"))
    explained = {}
    for item in data.get("survivor", []):
        key = (
            f"{item['scope']} | {item['operator']} | {item['code']} | #{item.get('occurrence', 1)}"
        )
        explained[(item["module"], key)] = item["reason"]
    return explained


def _preload() -> None:
    # Children compile the project's modules on every import unless .pyc files exist.
    sys.dont_write_bytecode = False
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from hypothesis import HealthCheck, settings

    # Deterministic examples, no example database, no timing checks (the machine is busy).
    settings.register_profile(
        "mutation",
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    # The preloaded heap is shared with every child and never collected: pytest's final
    # collections then only walk what the child itself made (a second each, otherwise).
    gc.collect()
    gc.freeze()


def _child(target: Target, mutant: Mutant | None, tests: list[str], log: Path | None) -> None:
    """In the forked child: install the mutant, run the tests, exit with pytest's code."""
    code = 99
    try:
        os.setsid()  # one group: a timeout kills the tests' own children too
        sink = os.open(log if log else os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(sink, 1)
        os.dup2(sink, 2)
        if mutant is not None:
            origin = str(ROOT / target.path)
            tree = mutated_tree(target.source, mutant.index)
            compiled = compile(tree, origin, "exec", dont_inherit=True)
            sys.meta_path.insert(0, _MutantFinder(target.name, origin, compiled))
        import pytest

        code = int(pytest.main([*tests, *PYTEST_ARGS]))
    except BaseException:  # whatever happens, the parent gets an exit code
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


@dataclass
class _Running:
    pid: int
    target: Target
    mutant: Mutant | None
    stage: int  # 1: the module's own tests, 2: the other files that import it
    deadline: float
    started: float


def _spawn(
    target: Target, mutant: Mutant | None, stage: int, timeout_s: float, log: Path | None
) -> _Running:
    tests = target.tests if stage == 1 else target.more_tests
    pid = os.fork()
    if pid == 0:
        _child(target, mutant, tests, log)
    now = time.monotonic()
    return _Running(pid, target, mutant, stage, now + timeout_s, now)


def _reap(running: list[_Running]) -> list[tuple[_Running, int | None]]:
    """Finished children with their exit code (None: killed for running too long)."""
    finished = []
    for job in list(running):
        pid, status = os.waitpid(job.pid, os.WNOHANG)
        if pid == 0:
            if time.monotonic() < job.deadline:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(job.pid, signal.SIGKILL)
            os.waitpid(job.pid, 0)
            finished.append((job, None))
        else:
            finished.append((job, os.waitstatus_to_exitcode(status)))
        running.remove(job)
    return finished


def run_baselines(targets: list[Target], jobs: int, logs: Path) -> None:
    """Each module's tests against the real module: they must pass, and how long they take."""
    queue = [(t, stage) for t in targets for stage in (1, 2) if stage == 1 or t.more_tests]
    running: list[_Running] = []
    while queue or running:
        while queue and len(running) < jobs:
            target, stage = queue.pop(0)
            log = logs / f"baseline-{target.name}-{stage}.log"
            running.append(_spawn(target, None, stage, 1800.0, log))
        for job, code in _reap(running):
            elapsed = time.monotonic() - job.started
            if job.stage == 1:
                job.target.baseline_s = elapsed
            else:
                job.target.more_baseline_s = elapsed
            if code != 0:
                raise SystemExit(
                    f"{job.target.path}: its tests fail without any mutant (exit {code}); "
                    f"see {logs / f'baseline-{job.target.name}-{job.stage}.log'}"
                )
        time.sleep(0.02)


def run_mutants(targets: list[Target], jobs: int, logs: Path | None) -> None:
    """Every mutant against the module's own tests; the survivors against the other importers."""
    queue: list[tuple[Target, Mutant, int]] = [(t, m, 1) for t in targets for m in t.mutants]
    total, done = len(queue), 0
    running: list[_Running] = []
    while queue or running:
        while queue and len(running) < jobs:
            target, mutant, stage = queue.pop(0)
            baseline = target.baseline_s if stage == 1 else target.more_baseline_s
            log = None if logs is None else logs / f"{target.name}-{mutant.index}-{stage}.log"
            running.append(_spawn(target, mutant, stage, 3 * baseline + 30.0, log))
        for job, code in _reap(running):
            assert job.mutant is not None
            if code == 0 and job.stage == 1 and job.target.more_tests:
                queue.insert(0, (job.target, job.mutant, 2))
                continue
            done += 1
            if code is None:
                job.target.timeouts += 1
            elif code == 0:
                job.target.survived.append(job.mutant)
            if sys.stderr.isatty():
                print(f"\r{done}/{total} mutants", end="", file=sys.stderr, flush=True)
        time.sleep(0.02)
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _short(text: str, width: int = 150) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def report(targets: list[Target], explained: dict[tuple[str, str], str], wall_s: float) -> int:
    failed = False
    unexplained: list[Mutant] = []
    for target in targets:
        n = len(target.mutants)
        killed = n - len(target.survived)
        score = 100.0 * killed / n if n else 100.0
        print(f"{target.name} mutants={n} killed={killed} score={score:.1f}%")
        failed |= score < REQUIRED_SCORE
        unexplained += [m for m in target.survived if (m.module, m.key) not in explained]
    print(f"wall time {wall_s:.0f} s")
    if unexplained:
        failed = True
        print(f"\n{len(unexplained)} surviving mutant(s) not explained in survivors.toml:")
        for m in unexplained:
            print(f"  {m.module}:{m.line}  {_short(m.key)}")
    survived_keys = {(m.module, m.key) for t in targets for m in t.survived}
    modules = {t.path for t in targets}
    stale = [k for k in explained if k[0] in modules and k not in survived_keys]
    if stale:
        print(f"\n{len(stale)} entry(ies) of survivors.toml no longer survive (remove them):")
        for module, key in stale:
            print(f"  {module}  {_short(key)}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--module", action="append", default=[], help="only this module path")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--logs", type=Path, help="keep every child's pytest output here")
    parser.add_argument("--only", help="only the mutants whose name contains this text")
    args = parser.parse_args(argv)
    targets = load_targets(args.module)
    if args.only:
        for target in targets:
            target.mutants = [m for m in target.mutants if args.only in m.key]
    if args.list:
        for target in targets:
            print(
                f"== {target.path}: {len(target.mutants)} mutants; "
                f"tests: {' '.join(target.tests)}; then {' '.join(target.more_tests)}"
            )
            for m in target.mutants:
                print(f"  {m.line:4d}  {_short(m.key)}")
        return 0
    os.chdir(ROOT)
    start = time.monotonic()
    _preload()
    logs: Path = args.logs or Path(os.environ.get("TMPDIR", "/tmp")) / f"mocm-mutate-{os.getpid()}"
    logs.mkdir(parents=True, exist_ok=True)
    run_baselines(targets, args.jobs, logs)
    run_mutants(targets, args.jobs, args.logs)
    return report(targets, load_explained(), time.monotonic() - start)


if __name__ == "__main__":
    sys.exit(main())
