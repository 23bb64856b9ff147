"""Waiting for what the operator would see, never for time.

Every helper here awaits the app's own signals — ``pilot.pause()`` (the screen and the
app handled every pending message) and each running worker's end — and gives up only
after a generous bound meant for a busy machine, with a message naming what it awaited.
A worker's failure is not raised here: the app shows it (its error dialog), and the
test asserts on that dialog like the operator would read it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeAlias

from textual.app import App
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.worker import Worker, WorkerState

# Pilot's type parameter is the app's return type: WizardApp is an App[int].
WizardPilot: TypeAlias = Pilot[int]

# Generous on purpose: a failing wait says what it waited for; a passing one never sits
# out the bound. A 2-core machine shared by a few test runs can be 10x slower than idle.
BOUND_S = 120.0


class WaitTimeout(AssertionError):
    """A waited-for state never came (the message names it and what the screen showed)."""


def running_workers(app: App[Any]) -> list[Worker[object]]:
    """The app's workers that were started and have not ended."""
    return [w for w in app.workers if w.state is WorkerState.RUNNING]


async def workers_done(app: App[Any], *, bound_s: float = BOUND_S) -> None:
    """Every worker running now has ended, however it ended.

    Unlike ``app.workers.wait_for_complete()`` this does not raise a worker's error into
    the test (a race: it raises only when the worker is still running at the call).
    """
    running = running_workers(app)
    if not running:
        return
    waits = asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True)
    try:
        await asyncio.wait_for(waits, timeout=bound_s)
    except TimeoutError:
        names = ", ".join(w.description or w.name or repr(w) for w in running_workers(app))
        raise WaitTimeout(f"workers still running after {bound_s:.0f} s: {names}") from None


async def settle(app: App[Any], pilot: Pilot[Any]) -> None:
    """Messages handled, every running worker ended, then the screen caught up with what
    the workers' messages changed."""
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


async def run_until_idle(app: App[Any], pilot: Pilot[Any], *, bound_s: float = BOUND_S) -> None:
    """Settle until no worker runs: a finished command's message may start the next one."""
    give_up = asyncio.get_running_loop().time() + bound_s
    while True:
        await settle(app, pilot)
        if not running_workers(app):
            await pilot.pause()
            if not running_workers(app):
                return
        if asyncio.get_running_loop().time() > give_up:
            names = ", ".join(w.description or w.name or "?" for w in running_workers(app))
            raise WaitTimeout(f"workers still starting each other after {bound_s:.0f} s: {names}")


async def wait_until(
    app: App[Any],
    pilot: Pilot[Any],
    predicate: Callable[[], bool],
    what: str,
    *,
    bound_s: float = BOUND_S,
) -> None:
    """Let the app run (messages, workers) until ``predicate()`` holds.

    It never waits on workers: one may be waiting for the very dialog awaited here.
    ``what`` names the awaited state in the failure message ("the migration dialog
    focused", "the Backend step done"), so a red test says what never happened.
    """
    loop = asyncio.get_running_loop()
    give_up = loop.time() + bound_s
    while not predicate():
        if loop.time() > give_up:
            screen = type(app.screen).__name__
            focused = type(app.focused).__name__ if app.focused else "nothing"
            raise WaitTimeout(
                f"waited {bound_s:.0f} s for {what}; the screen is {screen}, "
                f"{focused} has the focus, {len(running_workers(app))} worker(s) running"
            )
        await pilot.pause()  # one turn of the app: messages handled, workers may post


async def settle_until(
    app: App[Any],
    pilot: Pilot[Any],
    done: Callable[[], bool],
    what: str,
    *,
    bound_s: float = BOUND_S,
) -> None:
    """Settle (every worker ended) again and again until ``done()``: for chains of work
    where each finished worker starts the next; not while a worker waits on a dialog."""
    give_up = asyncio.get_running_loop().time() + bound_s
    while not done():
        if asyncio.get_running_loop().time() > give_up:
            raise WaitTimeout(f"settled for {bound_s:.0f} s and {what} never came")
        await settle(app, pilot)


def screen_is(app: App[Any], kind: type[object]) -> Callable[[], bool]:
    """A predicate: the screen on top is a ``kind`` (a dialog pushed) and is mounted, its
    widgets composed (a pushed screen is on the stack before it has any)."""

    def shown() -> bool:
        screen = app.screen
        return isinstance(screen, kind) and screen.is_mounted

    return shown


def focus_on(app: App[Any], selector: str) -> Callable[[], bool]:
    """A predicate: the widget ``selector`` of the screen on top has the focus."""

    def focused() -> bool:
        widget = app.focused
        screen = app.screen
        return widget is not None and any(node is widget for node in screen.query(selector))

    return focused


def dialog_focused(app: App[Any]) -> Callable[[], bool]:
    """A predicate: a dialog (a modal screen) is on top and one of its widgets has the focus,
    so a key pressed now goes to the dialog, as it would for the operator."""

    def shown_and_focused() -> bool:
        screen = app.screen
        focused = app.focused
        return isinstance(screen, ModalScreen) and focused is not None and focused.screen is screen

    return shown_and_focused
