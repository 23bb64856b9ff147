"""The garbage collector around large parsed trees (values files, plans).

A parse allocates hundreds of thousands of objects that all stay alive: each allocation
burst triggers collections that find nothing to free, and every full collection walks
the whole heap again (two 6,000-line values trees: ~15 ms each time, and a Textual app
running meanwhile pays it on its event loop). So:

* ``collector_paused()``: no automatic collection while a parse runs (reference counting
  still frees everything that is not in a cycle);
* ``HeldOutOfCollector``: once the trees are loaded, everything alive is moved out of
  the collector's generations (``gc.freeze``) while the trees are in use, and given back
  (``gc.unfreeze``) when they are let go, so that cycles among them can be freed again.
  ``hold_for(owner)`` ties a hold to an object: ``release_for(owner)`` (or the owner
  freed) ends it. Release explicitly where the owner's user goes away (a widget's
  unmount): an owner kept alive by a cycle that was frozen with it is never freed.
  A hold ended by its owner's finalizer (which may run inside a collection) gives the
  objects back once that collection is over.

The collector is one per process: a pause nests (only the outermost one re-enables it),
and a pause never enables a collector that was off before it.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.RLock()  # a finalizer may run on a thread that holds it
_pauses = 0
_was_enabled = False
_holds = 0
_unfreeze_due = False  # the last hold ended in a finalizer: unfreeze after the collection


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block (from any thread of the process)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def paused() -> bool:
    """Whether a ``collector_paused`` block is running now."""
    return _pauses > 0


class HeldOutOfCollector:
    """Everything alive when it is made is kept out of the collector until ``release``.

    Holds nest: the objects go back to the collector when the last hold is released
    (``release`` is idempotent per hold).
    """

    def __init__(self) -> None:
        global _holds, _unfreeze_due
        with _lock:
            gc.freeze()
            _holds += 1
            _unfreeze_due = False  # what was due goes back with this hold's release
        self.held = True

    def release(self) -> None:
        self._release(now=True)

    def _release(self, now: bool) -> None:
        global _holds, _unfreeze_due
        with _lock:
            if not self.held:
                return
            self.held = False
            _holds -= 1
            if _holds == 0:
                if now:
                    gc.unfreeze()
                else:  # a finalizer may run inside a collection: not the time to unfreeze
                    _unfreeze_due = True


def _after_collection(phase: str, info: dict[str, int]) -> None:
    global _unfreeze_due
    if phase != "stop" or not _unfreeze_due:
        return
    with _lock:
        if _unfreeze_due and _holds == 0:
            gc.unfreeze()
        _unfreeze_due = False


gc.callbacks.append(_after_collection)


def holds() -> int:
    """How many holds are in force (0: nothing is kept out of the collector)."""
    return _holds


_owned: dict[int, HeldOutOfCollector] = {}


def hold_for(owner: object) -> HeldOutOfCollector:
    """Hold everything alive now out of the collector until ``release_for(owner)`` or
    until ``owner`` is freed, whichever comes first."""
    hold = HeldOutOfCollector()
    key = id(owner)
    _owned[key] = hold

    def freed() -> None:
        if _owned.get(key) is hold:
            del _owned[key]
        hold._release(now=False)

    weakref.finalize(owner, freed)
    return hold


def hold_of(owner: object) -> HeldOutOfCollector | None:
    """The hold in force for ``owner`` (None: it has none, or it was released)."""
    return _owned.get(id(owner))


def release_for(owner: object) -> None:
    """End the hold tied to ``owner`` (nothing if it has none, or had it released)."""
    hold = _owned.pop(id(owner), None)
    if hold is not None:
        hold.release()
