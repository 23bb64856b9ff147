"""A child Python's pickled answer, or None for every way it can go wrong."""

from __future__ import annotations

import pytest

from tui.core.exec.child_python import CHILD_ENV_KEYS, collect_child, start_child

ANSWER = (
    "import pickle, sys\n"
    "sys.stdout.buffer.write(pickle.dumps({'rows': [1, 2], 'arg': sys.argv[1]}))\n"
)


def test_the_answer_comes_back_unpickled() -> None:
    assert collect_child(start_child(ANSWER, ["x"])) == {"rows": [1, 2], "arg": "x"}


@pytest.mark.parametrize(
    "code",
    [
        "import sys; sys.exit(3)",  # failed
        "import sys; sys.stdout.write('not a pickle')",  # garbled
        "import sys; raise SystemExit(0)",  # said nothing
    ],
    ids=["failed", "garbled", "silent"],
)
def test_a_child_that_does_not_answer_gives_none(code: str) -> None:
    assert collect_child(start_child(code, [])) is None


def test_a_hanging_child_is_killed_at_its_timeout() -> None:
    child = start_child("import time; time.sleep(600)", [])
    assert collect_child(child, timeout_s=0.2) is None
    assert child is not None and child.poll() is not None  # killed, not left behind


def test_the_child_gets_only_the_variables_python_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "must-not-leak")
    code = "import os, pickle, sys; sys.stdout.buffer.write(pickle.dumps(sorted(os.environ)))"
    names = collect_child(start_child(code, []))
    assert isinstance(names, list) and "AWS_SECRET_ACCESS_KEY" not in names
    assert set(names) - {"LC_CTYPE", "PWD", "SHLVL", "_", "__CF_USER_TEXT_ENCODING"} <= set(
        CHILD_ENV_KEYS
    )
