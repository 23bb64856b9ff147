"""A dialog that keeps every key typed from the moment it is pushed (issue 18).

A terminal hands over a fast operator's keys in one burst: the key that opens a dialog,
Shift+Tab to the phrase box, the phrase, Enter. The dialog is on the screen stack at the
first key but has no widgets (and no focus) until its first layout, so Textual would
give the rest to nobody. Here, until the dialog is open (laid out once, its first focus
set), every key is held in the order typed — Tab and Shift+Tab too, as priority
bindings — and replayed once it is: each does what it would have done a second later.

A subclass names its first focus (:meth:`first_focus`) and may answer keys of its own
(:meth:`dialog_key`, e.g. ``y`` for the action); it never sets the focus in ``on_mount``.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget

AnswerT = TypeVar("AnswerT")

FOCUS_KEYS = {"tab": 1, "shift+tab": -1}


class DialogScreen(ModalScreen[AnswerT]):
    """A modal question that keeps the keys typed before its first layout."""

    AUTO_FOCUS: ClassVar[str | None] = ""  # the first focus is the dialog's decision
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "move_focus('tab')", show=False, priority=True),
        Binding("shift+tab", "move_focus('shift+tab')", show=False, priority=True),
    ]

    class Held(Message):
        """A key typed while the dialog had no focus, queued in the order typed: a focus
        key (``tab``, ``shift+tab``) or any other key as it came from the terminal."""

        def __init__(self, key: str | events.Key) -> None:
            super().__init__()
            self.key = key

    class Opened(Message):
        """The first layout is done: set the first focus, replay what was typed."""

    def __init__(self) -> None:
        super().__init__()
        self.is_open = False
        self.held: list[str | events.Key] = []

    def first_focus(self) -> Widget | None:
        """The widget that has the focus when the dialog opens."""
        return None

    def dialog_key(self, key: str) -> bool:
        """Answer a key of the dialog's own (the action's key); True if it was one."""
        return False

    def on_mount(self) -> None:
        self.call_after_refresh(self.post_message, self.Opened())

    def _forward_event(self, event: events.Event) -> None:
        # The App hands the screen a key only while nothing in it has the focus, i.e.
        # before the dialog is open: queue it behind the keys typed before it.
        if isinstance(event, events.Key) and not event.is_forwarded:
            event._set_forwarded()
            self.post_message(self.Held(event))
        else:
            super()._forward_event(event)

    def on_dialog_screen_opened(self, message: DialogScreen.Opened) -> None:
        message.stop()
        self.is_open = True
        first = self.first_focus()
        if first is not None:
            self.set_focus(first)
        held, self.held = self.held, []
        for key in held:
            if not self.is_current:
                return  # answered by a held key: the rest was typed at a closed dialog
            self.deliver(key)

    def on_dialog_screen_held(self, message: DialogScreen.Held) -> None:
        message.stop()
        if self.is_open:
            self.deliver(message.key)
        else:
            self.held.append(message.key)

    def deliver(self, key: str | events.Key) -> None:
        """Do what ``key`` does now that the dialog is open."""
        if isinstance(key, str):
            self.move_focus(key)
        elif not self.dialog_key(key.key):
            if self.focused is not None:
                self.focused._forward_event(key)
            else:
                self.post_message(key)  # the screen's own bindings, then the App's

    def action_move_focus(self, key: str) -> None:
        # A priority binding runs as the key arrives: before the dialog is open it queues
        # behind the keys already on their way to it, so the order typed is kept.
        if self.is_open:
            self.move_focus(key)
        else:
            self.post_message(self.Held(key))

    def move_focus(self, key: str) -> None:
        if FOCUS_KEYS[key] > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def on_key(self, event: events.Key) -> None:
        """A key nobody below handled: the dialog's own (its action's key)?"""
        if self.dialog_key(event.key):
            event.stop()
            event.prevent_default()
