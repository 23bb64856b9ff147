"""Shared fixtures: a real moto server on 127.0.0.1, reset between tests."""

from __future__ import annotations

import functools
import gc
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import botocore.loaders
import botocore.session
import pytest
import textual.constants
from textual._styles_cache import StylesCache

from tui.sandbox.aws_endpoint import AwsEndpoint, start_endpoint

TESTS = Path(__file__).resolve().parent
# Tool outputs and files the tests read, inside the repository (tests/data/README.md).
SAMPLES = TESTS / "data" / "reference"

# The longest tests are handed out first (real Terraform, tmux, whole demo worlds, the Helm
# step's stand-ins), longest first, the many short ones after: they fill the workers while
# the long ones end, instead of a long one starting last and ending the run alone.
LONG_FIRST = (
    "engine/test_aws_provider_upgrade.py",  # one group: ~145 s on one worker
    "unit/sandbox/test_sandbox_replay_terraform.py",
    "e2e/",
    "unit/sandbox/test_sandbox_replay.py",
    "unit/sandbox/test_sandbox_demo.py",
    "screens/helm/",
    "engine/",
    "screens/apply/",
    "screens/rollback/",
    "screens/backend/",
    "unit/sandbox/",
    "screens/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first; the order inside each file stays the collection's."""

    def rank(item: pytest.Item) -> int:
        where = item.path.relative_to(TESTS).as_posix()
        starts = [i for i, folder in enumerate(LONG_FIRST) if where.startswith(folder)]
        return starts[0] if starts else len(LONG_FIRST)

    items.sort(key=rank)


# Python's collector in a test process. A screen test makes some 100,000 long-lived objects
# (widgets, their styles, rendered strips) and each test worker holds the models of every
# library it imported: with the default thresholds the collector ran ~2.6 full collections
# a test, ~0.75 s each under load — 20-45 % of the screen tests' CPU. Fewer, later
# collections; finalizers still run (a test that needs one at once calls gc.collect()).
TEST_GC_THRESHOLDS = (10_000, 20, 20)


def pytest_configure(config: pytest.Config) -> None:
    gc.set_threshold(*TEST_GC_THRESHOLDS)
    # Apps started in a test process draw without animations (Textual's own setting, as an
    # operator with TEXTUAL_ANIMATIONS=none sees it): a loading indicator is drawn once, not
    # 16 times a second for as long as a worker runs, and a scroll lands at once. What a
    # test asserts (state, text, focus) does not depend on it; the tmux tests run the real
    # program in its own process with Textual's default (full), so the animated drawing is
    # still run end to end.
    setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")  # noqa: B010 (a Final of Textual)


@pytest.fixture(autouse=True)
def _textual_style_caches_let_go() -> Iterator[None]:
    """Textual 8.2's StylesCache.get_inner_outer is an lru_cache(1024) on a method: its keys
    keep the style caches (and their rendered strips) of up to 1,024 widgets of earlier
    tests alive — ~2/3 of a worker's objects, each full collection walking them again.
    Emptied after each test; what a test shows is not changed by it."""
    yield
    clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if clear is not None:
        clear()


@pytest.fixture(scope="session", autouse=True)
def _botocore_models_read_once() -> Iterator[None]:
    """Every boto3 session of a test process shares one loader of botocore's service models
    (read-only JSON; a session's own clients already share them): each new session of the
    wizard or a test no longer parses the same files again. Clients and calls are unchanged."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader)
        )
        yield


@pytest.fixture(scope="session")
def aws_server() -> Iterator[AwsEndpoint]:
    """One moto server per test worker process."""
    endpoint = start_endpoint()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def aws(aws_server: AwsEndpoint, monkeypatch: pytest.MonkeyPatch) -> AwsEndpoint:
    """A clean moto world, reached by boto3 only through AWS_ENDPOINT_URL."""
    request = urllib.request.Request(f"{aws_server.url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in aws_server.env.items():
        monkeypatch.setenv(key, value)
    return aws_server


@pytest.fixture
def samples() -> Path:
    """The reference samples in tests/data/reference (tests/data/README.md says what each is)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"reference samples not found at {SAMPLES}")
    return SAMPLES


@pytest.fixture(autouse=True)
def _no_real_aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the operator's ~/.aws."""
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
