"""What the screen benchmarks share: the wizard on a step with a fake ``tofu``, a frame
clock, "settled" detection, key presses, sides run in fresh processes, and the report.

Every measure runs the wizard (the real App, opened on its step on a demo world's
real files) and a bare Textual baseline doing the same work the fastest plain way,
in the same process, alternately, ``rounds`` times (``--fresh``: each side in a fresh
process, for memory growth untouched by the other side); the report prints medians:

    NAME wizard=SECONDS baseline=SECONDS ratio=X

and ``NAME.cpu`` (process CPU time, every thread) and ``NAME.rss`` (MB) likewise.

*Settled*: the time from the key (or the start of the work) to the last frame the
work produced, once the App is quiet (no message queued, no worker running, no
frame for ``QUIET_S``). Frames are timed where Textual hands them to the driver.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.keys import (  # noqa: E402
    REPLACED_KEYS,
    _character_to_key,
    _get_unicode_name_from_key,
)

QUIET_S = 0.12  # no frame for this long (and nothing queued): the work is over
POLL_S = 0.005
LATE_S = 0.020  # a poll this late means the event loop was busy meanwhile
TIMEOUT_S = 300.0
PAGE = os.sysconf("SC_PAGE_SIZE")

# -- the fake tofu ---------------------------------------------------------------------
FAKE_TOFU = '''#!{python}
"""Fake tofu for the benchmarks: init, plan (LINES lines of output), show -json (a file)."""
import os, shutil, sys, time
args = sys.argv[1:]
if args[:1] == ["init"]:
    print("Initializing the backend...\\nOpenTofu has been successfully initialized!")
    sys.exit(0)
if args[:1] == ["plan"]:
    with open(args[args.index("-out") + 1], "wb") as plan:
        plan.write(b"fake tfplan " + str({lines}).encode())
    with open({stamp!r}, "a") as stamp:
        stamp.write(f"plan-start {{time.monotonic()}}\\n")
    out, err = sys.stdout.write, sys.stderr.write
    text = ("module.eks.aws_eks_node_group.general[0]: Still modifying... "
            "[id=acme:general, 10s elapsed]")
    for i in range({lines}):
        (err if i % 10 == 0 else out)(f"{{i:06d}} {{text}}\\n")
    sys.stdout.flush()
    sys.exit(2)
if args[:2] == ["show", "-json"]:
    with open({plan_json!r}, "rb") as source:
        shutil.copyfileobj(source, sys.stdout.buffer, 1 << 20)
    sys.stdout.flush()
    with open({stamp!r}, "a") as stamp:
        stamp.write(f"json-on-disk {{time.monotonic()}}\\n")
    os._exit(0)  # at once, as the real tofu (no interpreter teardown)
print(f"fake tofu: {{args}} not supported", file=sys.stderr)
sys.exit(1)
'''


def write_fake_tofu(folder: Path, plan_json: Path, lines: int) -> tuple[Path, Path]:
    """An executable ``tofu`` in ``folder`` and the file it stamps its events in."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "stamps.txt"
    tofu = folder / "tofu"
    tofu.write_text(
        FAKE_TOFU.format(
            python=sys.executable, lines=lines, stamp=str(stamp), plan_json=str(plan_json)
        )
    )
    tofu.chmod(0o755)
    return tofu, stamp


def stamp_of(stamp: Path, event: str) -> float:
    """The (last) monotonic time the fake tofu wrote for ``event``."""
    times = [
        float(line.split()[1]) for line in stamp.read_text().splitlines() if line.startswith(event)
    ]
    return times[-1]


# -- the wizard on a step ----------------------------------------------------------------
def plan_step_app(root: Path, plan_json: Path, plan_lines: int = 3) -> tuple[Any, Path]:
    """The wizard App on a demo world after its carry-over, with the fake tofu; its stamps."""
    from tests.support.plan_apply_screens import carried_world, world_app

    world = carried_world(root)
    tofu, stamp = write_fake_tofu(root / "fake-bin", plan_json, plan_lines)
    return world_app(world, tofu_bin=str(tofu)), stamp


async def open_plan_step(app: Any, pilot: Any) -> None:
    from tests.support.plan_apply_screens import open_step

    await open_step(app, pilot, "plan")


# -- frames and quiet ------------------------------------------------------------------
@dataclass
class Frame:
    wall: float
    cpu: float


@dataclass
class FrameClock:
    """Times every frame the App renders (headless: where the driver would get it)."""

    app: App[Any]
    frames: list[Frame] = field(default_factory=list)
    watchers: list[Callable[[Frame], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        display = self.app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                frame = Frame(time.perf_counter(), time.process_time())
                self.frames.append(frame)
                for watcher in list(self.watchers):
                    watcher(frame)

        self.app._display = timed_display  # type: ignore[method-assign]

    def last(self) -> Frame | None:
        return self.frames[-1] if self.frames else None


def _busy(app: App[Any]) -> bool:
    if any(worker.is_running for worker in app.workers):
        return True
    nodes = [app, *app.screen.walk_children(with_self=True)]
    return any(not node._message_queue.empty() for node in nodes)


async def settled(clock: FrameClock, since: Frame, quiet_s: float = QUIET_S) -> Frame:
    """The last frame after ``since`` once the App is quiet (``since`` if none came)."""
    began = busy_until = time.perf_counter()
    while True:
        asleep = time.perf_counter()
        await asyncio.sleep(POLL_S)
        now = time.perf_counter()
        if now - began > TIMEOUT_S:
            raise SystemExit(f"the App never settled ({TIMEOUT_S} s)")
        if now - asleep > POLL_S + LATE_S:
            busy_until = now  # the loop was held (a key's work): quiet starts after it
        last = clock.last()
        newest = last.wall if last is not None and last.wall > since.wall else since.wall
        newest = max(newest, busy_until)
        if now - newest >= quiet_s and not _busy(clock.app):
            return last if last is not None and last.wall > since.wall else since


def now() -> Frame:
    return Frame(time.perf_counter(), time.process_time())


def send_key(app: App[Any], key: str) -> Frame:
    """Post one key as the terminal driver would (what Pilot does, minus its waits)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    char: str | None
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    started = now()
    assert app._driver is not None
    app._driver.send_message(event)
    return started


async def timed_key(clock: FrameClock, key: str) -> tuple[float, float]:
    """(wall, CPU) seconds from ``key`` to the last frame it caused, settled."""
    await settled(clock, now())  # nothing of the previous key is left
    started = send_key(clock.app, key)
    end = await settled(clock, started)
    return end.wall - started.wall, end.cpu - started.cpu


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 1e6


# -- sides in fresh processes, and the report --------------------------------------------
Samples = dict[str, list[float]]


def add(samples: Samples, name: str, value: float) -> None:
    samples.setdefault(name, []).append(value)


def side_main(
    run: Callable[[argparse.Namespace], Samples], parser: argparse.ArgumentParser
) -> None:
    """``--side wizard|baseline`` runs one side here and prints its samples as JSON."""
    args = parser.parse_args()
    if args.side:
        samples = run(args)
        print("SAMPLES " + json.dumps(samples), flush=True)
        return
    report(run, args, parser)


def bench_arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--side", choices=("wizard", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--fresh", action="store_true", help="each side in a fresh process")
    return parser


def run_side(script: str, side: str, extra: Sequence[str]) -> Samples:
    done = subprocess.run(
        [sys.executable, script, "--side", side, *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    for line in done.stdout.splitlines():
        if line.startswith("SAMPLES "):
            return dict(json.loads(line.removeprefix("SAMPLES ")))
    raise SystemExit(
        f"{script} --side {side} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )


def report(
    run: Callable[[argparse.Namespace], Samples],
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
) -> None:
    """Run both sides ``rounds`` times, alternately, and print one line per measure."""
    script = sys.argv[0]
    extra = [
        arg
        for action in parser._actions
        if action.dest not in ("help", "side", "rounds", "fresh")
        for arg in (action.option_strings[0], str(getattr(args, action.dest)))
    ]
    merged: dict[str, Samples] = {"wizard": {}, "baseline": {}}
    for _ in range(args.rounds):
        for side in ("baseline", "wizard"):
            if args.fresh:
                samples = run_side(script, side, extra)
            else:
                samples = run(argparse.Namespace(**{**vars(args), "side": side}))
            for name, values in samples.items():
                merged[side].setdefault(name, []).extend(values)
    for name, values in merged["wizard"].items():
        wizard = statistics.median(values)
        base_values = merged["baseline"].get(name)
        if not base_values:
            print(f"{name} wizard={wizard:.4f}", flush=True)
            continue
        baseline = statistics.median(base_values)
        ratio = wizard / baseline if baseline > 0 else float("inf")
        print(f"{name} wizard={wizard:.4f} baseline={baseline:.4f} ratio={ratio:.2f}", flush=True)


def generated_plan(changes: int) -> Path:
    """A generated ``tofu show -json`` plan of ``changes`` resource changes (cached)."""
    import tempfile

    from tests.bench.plan_generator import write_plan

    folder = Path(tempfile.gettempdir()) / "mocm-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"plan-{changes}.json"
    if not path.exists():
        partial = write_plan(folder / f"plan-{changes}.{os.getpid()}.part", changes)
        partial.replace(path)
    return path
