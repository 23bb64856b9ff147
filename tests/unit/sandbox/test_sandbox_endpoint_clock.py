"""The request clock of the sandbox's server: moto's modules read the time a request was
first received, so a replayed request stamps the same dates."""

from __future__ import annotations

import subprocess
import sys
import time
import types
from datetime import UTC, datetime

from tui.sandbox.endpoint_clock import freeze, rewire

MOMENT = 1_700_000_000.5  # 2023-11-14 22:13:20.5 UTC


def clock_module() -> types.ModuleType:
    """A module written the ways moto's modules read the time."""
    module = types.ModuleType("moto.clock_probe")
    source = (
        "import datetime, time\n"
        "from datetime import datetime as dt\n"
        "from time import time as now\n"
        "def stamps():\n"
        "    return (datetime.datetime.now(datetime.UTC), dt.now(), time.time(), now(),\n"
        "            datetime.datetime.utcnow(), dt.today())\n"
        "def is_datetime(value):\n"
        "    return isinstance(value, datetime.datetime) and isinstance(value, dt)\n"
    )
    exec(compile(source, "<clock probe>", "exec"), module.__dict__)
    return module


def test_a_rewired_module_reads_the_frozen_clock() -> None:
    module = clock_module()
    assert rewire(module) == 4  # datetime, dt, time, now
    freeze(MOMENT)
    try:
        aware, local, epoch, from_import, utc, today = module.stamps()
    finally:
        freeze(None)
    assert aware == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)
    assert epoch == from_import == MOMENT
    assert utc == aware.replace(tzinfo=None)
    assert local == today == datetime.fromtimestamp(MOMENT)


def test_unfrozen_it_is_the_real_clock_and_types_still_match() -> None:
    module = clock_module()
    rewire(module)
    before = time.time()
    epoch = module.stamps()[2]
    assert before <= epoch <= time.time()
    assert module.is_datetime(datetime.now())  # a plain datetime passes moto's isinstance checks
    assert not module.is_datetime("2023-11-14")


def test_moto_modules_are_rewired_as_they_are_imported() -> None:
    code = (
        "from tui.sandbox import endpoint_clock as c\n"
        "c.install()\n"
        "import moto.core.utils as u, moto.ecr.models as ecr\n"
        "print(u.datetime is c.DATETIME_MODULE, ecr.datetime is c.ClockDatetime)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]
