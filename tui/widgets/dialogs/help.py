"""Help for the current step (F1 / ?), from assets/help/<step>.md.

The keys are listed from the step's own bindings (they cannot drift from the code), and
the commands of the help are wrapped to the dialog's width: each line on screen is a
complete piece of shell (a backslash continues it), and ``c`` copies them all as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Button

from tui.widgets.dialogs.help_text import (
    KeyRow,
    commands,
    keys_section,
    with_keys,
    wrap_code_blocks,
)

FENCE_PADDING = 4  # a code block's Label pads 2 columns each side
SECTION_KEY = re.compile(r"^(?P<what>.*?) ?(?P<n>\d)$")  # "Section 3" bound to "3"


def bindings_of(node: DOMNode) -> list[Binding]:
    """The bindings the wizard's own classes declare on ``node`` (not Textual's built-ins)."""
    found: list[Binding] = []
    for cls in reversed(type(node).__mro__):
        if not cls.__module__.startswith("tui."):
            continue
        declared: list[BindingType] = list(cls.__dict__.get("BINDINGS", []))
        for item in declared:
            found.append(item if isinstance(item, Binding) else Binding(*item))
    return found


def key_rows(app: App[Any], nodes: Iterable[DOMNode]) -> list[KeyRow]:
    """One row per action of ``nodes``' bindings, its keys as the footer shows them."""
    rows: dict[str, KeyRow] = {}
    sections: list[tuple[str, str]] = []
    for node in nodes:
        for binding in bindings_of(node):
            if not binding.description or binding.system:
                continue
            match = SECTION_KEY.match(binding.description)
            if match and binding.key == match["n"]:
                sections.append((match["n"], match["what"]))
                continue
            keys = " / ".join(
                app.get_key_display(Binding(key.strip(), binding.action, key_display=None))
                for key in binding.key.split(",")
            )
            if binding.key_display:
                keys = binding.key_display
            does = binding.description
            if binding.tooltip and binding.tooltip.lower() != does.lower():
                does = f"{does}: {binding.tooltip}"
            previous = rows.get(binding.action)
            if previous is None or previous.keys != keys:
                rows[binding.action] = KeyRow(keys, does)
    if sections:
        numbers = [n for n, _ in sections]
        rows["sections"] = KeyRow(f"{numbers[0]}–{numbers[-1]}", f"{sections[0][1]} n: jump to it")
    return list(rows.values())


class HelpDialog(ModalScreen[None]):
    """Help for the current step, from assets/help/<step>.md, with its keys."""

    BINDINGS = [
        Binding("escape,f1,question_mark,q", "dismiss", "Close"),
        Binding("c", "copy_commands", "Copy commands", tooltip="Copy the help's commands"),
    ]

    def __init__(
        self,
        markdown: str,
        step_keys: list[KeyRow] | None = None,
        wizard_keys: list[KeyRow] | None = None,
    ) -> None:
        super().__init__()
        if step_keys is not None or wizard_keys is not None:
            markdown = with_keys(markdown, keys_section(step_keys or [], wizard_keys or []))
        self.markdown = markdown
        self.wrapped_at = 0

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # markdown-it is slow to import: only on F1

        with Vertical(id="help-dialog", classes="dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Markdown(id="help-text")
            with Horizontal(id="help-buttons"):
                yield Button("Close (Esc)", id="close", compact=True)
                yield Button("Copy commands (c)", id="copy", compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()  # arrows and PgUp/PgDn scroll the help
        self.call_after_refresh(self.fit)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        """Wrap the commands to the width the help has now (again after a resize)."""
        from textual.widgets import Markdown

        view = self.query_one("#help-text", Markdown)
        width = view.content_region.width - FENCE_PADDING
        if width <= FENCE_PADDING or width == self.wrapped_at:
            return
        self.wrapped_at = width
        view.update(wrap_code_blocks(self.markdown, width))

    def shown_markdown(self) -> str:
        """The Markdown as it is shown (commands wrapped to the current width)."""
        return wrap_code_blocks(self.markdown, self.wrapped_at) if self.wrapped_at else ""

    def action_copy_commands(self) -> None:
        self.app.copy_to_clipboard(commands(self.markdown))
        self.notify("The help's commands are on the clipboard (as written, one per line).")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            self.action_copy_commands()
        else:
            self.dismiss()
