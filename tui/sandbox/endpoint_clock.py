"""The clock moto's models read, frozen per request so that a replayed request keeps its time.

moto stamps what it creates with the wall clock (``moto.core.utils.utcnow``,
``datetime.now``, ``time.time``): replaying a recording would date every bucket,
object version, image and snapshot at the moment of the replay. The sandbox's
server freezes this clock at the time the request was first received (carried
in the recorded request itself), so a restored world keeps its dates.

Only moto's own modules are rewired (their module-level ``datetime``/``time``
names, as each is imported: ``install``), never the standard library itself.
"""

from __future__ import annotations

import datetime as _datetime
import importlib.abc
import importlib.machinery
import sys
import threading
import time as _time
import types
from collections.abc import Sequence
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


class ModuleProxy(types.ModuleType):
    """A module that answers like ``wrapped`` except for the names given."""

    def __init__(self, wrapped: types.ModuleType, **overrides: Any) -> None:
        super().__init__(wrapped.__name__)
        self.__dict__.update(overrides)
        self._wrapped = wrapped

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


DATETIME_MODULE = ModuleProxy(_datetime, datetime=ClockDatetime)
TIME_MODULE = ModuleProxy(_time, time=_epoch)
_REPLACEMENTS: dict[int, object] = {
    id(_datetime): DATETIME_MODULE,
    id(_REAL_DATETIME): ClockDatetime,
    id(_time): TIME_MODULE,
    id(_time.time): _epoch,
}


def _is_moto(name: str) -> bool:
    return name == "moto" or name.startswith("moto.")


def rewire(module: types.ModuleType) -> int:
    """Point a module's ``datetime``/``time`` names at the request clock; how many."""
    namespace = module.__dict__
    rewired = 0
    for attr, value in list(namespace.items()):
        replacement = _REPLACEMENTS.get(id(value))
        if replacement is not None and value is not replacement:
            namespace[attr] = replacement
            rewired += 1
    return rewired


class _RewiringFinder(importlib.abc.MetaPathFinder):
    """Finds moto's modules as usual and rewires each one right after it ran: moto loads
    a service's backend with its first request, whose dates must already be the clock's."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not _is_moto(fullname):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            run(module)
            rewire(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # wraps the loader of one import
        return spec


def install() -> None:
    """Rewire the moto modules loaded so far, and every one loaded from now on."""
    if not any(isinstance(finder, _RewiringFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RewiringFinder())
    for name, module in list(sys.modules.items()):
        if _is_moto(name) and isinstance(module, types.ModuleType):
            rewire(module)
