"""The clock moto's models read, frozen per request so that a replayed request keeps its time.

moto stamps what it creates with the wall clock (``moto.core.utils.utcnow``,
``datetime.now``, ``time.time``): replaying a recording would date every bucket,
object version, image and snapshot at the moment of the replay. The sandbox's
server freezes this clock at the time the request was first received (carried
in the recorded request itself), so a restored world keeps its dates.

Only moto's own modules are rewired (their module-level ``datetime``/``time``
names), never the standard library itself.
"""

from __future__ import annotations

import datetime as _datetime
import sys
import threading
import time as _time
import types
from typing import Any, Self

_REAL_DATETIME = _datetime.datetime
_frozen = threading.local()


def freeze(moment: float | None) -> None:
    """Make moto's clock read ``moment`` (epoch seconds) in this thread; None: the real clock."""
    _frozen.epoch = moment


def _epoch() -> float:
    moment: float | None = getattr(_frozen, "epoch", None)
    return _time.time() if moment is None else moment


class _DatetimeMeta(type):
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, _REAL_DATETIME)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, _REAL_DATETIME)


class ClockDatetime(_REAL_DATETIME, metaclass=_DatetimeMeta):
    """``datetime.datetime`` whose ``now``/``utcnow``/``today`` read the request's clock."""

    @classmethod
    def now(cls, tz: _datetime.tzinfo | None = None) -> Self:
        return cls.fromtimestamp(_epoch(), tz)

    @classmethod
    def utcnow(cls) -> Self:
        return cls.fromtimestamp(_epoch(), _datetime.UTC).replace(tzinfo=None)

    @classmethod
    def today(cls) -> Self:
        return cls.fromtimestamp(_epoch())


class _ModuleProxy(types.ModuleType):
    """A module that answers like ``wrapped`` except for the names given."""

    def __init__(self, wrapped: types.ModuleType, **overrides: Any) -> None:
        super().__init__(wrapped.__name__)
        self.__dict__.update(overrides)
        self._wrapped = wrapped

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


DATETIME_MODULE = _ModuleProxy(_datetime, datetime=ClockDatetime)
TIME_MODULE = _ModuleProxy(_time, time=_epoch)
_REPLACEMENTS: dict[int, object] = {
    id(_datetime): DATETIME_MODULE,
    id(_REAL_DATETIME): ClockDatetime,
    id(_time): TIME_MODULE,
    id(_time.time): _epoch,
}
_seen: set[str] = set()


def rewire_moto_modules() -> int:
    """Point the clock names of every moto module loaded since the last call here; the count."""
    rewired = 0
    for name, module in list(sys.modules.items()):
        if name in _seen or not (name == "moto" or name.startswith("moto.")):
            continue
        _seen.add(name)
        namespace = getattr(module, "__dict__", None)
        if namespace is None:
            continue
        for attr, value in list(namespace.items()):
            replacement = _REPLACEMENTS.get(id(value))
            if replacement is not None and value is not replacement:
                namespace[attr] = replacement
                rewired += 1
    return rewired
