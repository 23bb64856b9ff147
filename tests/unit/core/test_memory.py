"""The garbage collector around large parsed trees (tui/core/memory.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tui.core.memory import (
    HeldOutOfCollector,
    collector_paused,
    hold_for,
    holds,
    paused,
    release_for,
)


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    """Each test starts with the collector on and nothing frozen, and leaves it so; no
    hold is left by the tests run before in this process (a leak: a view that never
    released its parsed tree)."""
    assert holds() == 0, "a hold left by an earlier test in this process"
    was = gc.isenabled()
    gc.enable()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_collector_comes_back_on_after_the_block() -> None:
    with collector_paused():
        assert not gc.isenabled()
        assert paused()
    assert gc.isenabled()
    assert not paused()


def test_nested_pauses_reenable_only_at_the_outermost_end() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner block ended but the outer one still runs"
    assert gc.isenabled()


def test_a_pause_never_enables_a_collector_that_was_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_when_the_block_raises() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a parse error")
    assert gc.isenabled()


def test_pauses_from_two_threads_overlap_and_end_with_the_collector_on() -> None:
    inside = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled(), "the other thread's parse still runs"
    leave.set()
    thread.join(5)
    assert gc.isenabled()


class Node:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_hold_keeps_what_is_alive_out_of_the_collector_until_released() -> None:
    tree = [Node() for _ in range(100)]
    hold = HeldOutOfCollector()
    assert gc.get_freeze_count() >= 100
    assert holds() == 1
    del tree
    gc.collect()
    assert gc.get_freeze_count() >= 100, "held objects are not the collector's to walk"
    hold.release()
    assert gc.get_freeze_count() == 0
    assert holds() == 0
    hold.release()  # a second release changes nothing
    assert holds() == 0


def test_cycles_let_go_with_the_hold_are_freed_again() -> None:
    cycle = Node()
    alive = [cycle]
    hold = HeldOutOfCollector()
    alive.clear()
    del cycle
    hold.release()
    gc.collect()
    assert not any(isinstance(o, Node) for o in gc.get_objects())


def test_holds_nest_the_last_release_gives_everything_back() -> None:
    first = HeldOutOfCollector()
    second = HeldOutOfCollector()
    first.release()
    assert gc.get_freeze_count() > 0, "the second hold is still in force"
    second.release()
    assert gc.get_freeze_count() == 0


class Owner:
    """What a hold is tied to (a parsed plan's review, in the wizard)."""


def test_a_hold_for_an_owner_ends_when_released_for_it() -> None:
    owner = Owner()
    hold_for(owner)
    assert holds() == 1
    release_for(owner)
    assert holds() == 0 and gc.get_freeze_count() == 0
    release_for(owner)  # again: nothing left to release
    assert holds() == 0


def test_a_hold_for_an_owner_ends_when_the_owner_is_freed() -> None:
    owner = Owner()
    hold_for(owner)
    del owner
    assert holds() == 0
    gc.collect()  # a finalizer's release gives the objects back after a collection
    assert gc.get_freeze_count() == 0


def test_an_owner_freed_inside_a_collection_ends_its_hold_after_it() -> None:
    owner = Owner()
    owner.me = owner  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    hold_for(owner)
    del owner
    gc.unfreeze()  # as if given back meanwhile: the next collection frees the owner
    gc.collect()  # its finalizer runs inside the collection; the hold ends after it
    assert holds() == 0 and gc.get_freeze_count() == 0


def test_releasing_for_an_owner_without_a_hold_changes_nothing() -> None:
    held = HeldOutOfCollector()
    release_for(Owner())
    assert holds() == 1
    held.release()
