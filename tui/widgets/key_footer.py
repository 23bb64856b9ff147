"""The footer: the wizard's own keys always, the step's keys as far as they fit.

At 80 columns a step with four keys would push F3/F2/^R/F1 off the line (Textual's
footer cuts at the right edge). Here the App's required keys sit on the right and are
never dropped; the step's keys fill the rest, enabled ones first, and the help key
says how many did not fit (F1 lists every key). The footer is rebuilt at most once per
refresh, and only when what it shows changed; never while a dialog covers its screen
(Textual refreshes a screen's keys when it shows again: the footer is rebuilt then), nor
while a step holds it over a short operation whose keys are refused anyway (:meth:`hold`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the footer's own key widget (click = press)

SETTLE_S = 0.12  # seconds a step lets its available keys settle before the footer redraws


@dataclass(frozen=True)
class FooterEntry:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str = ""
    depth: int = 0  # how deep its widget sits: the step's own actions before a table's keys

    def width(self, compact: bool) -> int:
        # "K desc" and the gap after it: one column when compact, two otherwise.
        return len(self.display) + 1 + len(self.description) + (1 if compact else 2)


@dataclass(frozen=True)
class FooterLayout:
    """What one build of the footer shows."""

    step: tuple[FooterEntry, ...]
    wizard: tuple[FooterEntry, ...]
    hidden: int
    compact: bool


def lay_out(
    step: Sequence[FooterEntry],
    required: Sequence[FooterEntry],
    optional: Sequence[FooterEntry],
    width: int,
    help_id: str,
) -> FooterLayout:
    """Fit the keys in ``width`` columns: ``required`` always, then the step's, then ``optional``.

    The step's enabled keys are kept before its greyed ones, and the step's own actions
    before those of a widget inside it (a table's filters); the order on screen stays the
    step's. When some step keys do not fit, the help entry (``help_id`` is its action) says
    how many are only in the help.
    """
    everything = [*step, *required, *optional]
    if sum(e.width(False) for e in everything) <= width:
        return FooterLayout(tuple(step), (*required, *optional), 0, False)
    room = width - sum(e.width(True) for e in required) - len(" (+9)")
    ranked = sorted(range(len(step)), key=lambda i: (not step[i].enabled, step[i].depth))
    kept: set[int] = set()
    for index in ranked:
        cost = step[index].width(True)
        if cost <= room:
            kept.add(index)
            room -= cost
    shown = tuple(e for i, e in enumerate(step) if i in kept)
    hidden = len(step) - len(shown)
    wizard = list(required)
    if hidden:
        wizard = [
            FooterEntry(e.key, e.display, f"{e.description} (+{hidden})", e.action, e.enabled)
            if e.action == help_id
            else e
            for e in wizard
        ]
    else:
        room += len(" (+9)")
        for extra in optional:
            if extra.width(True) <= room:
                wizard.append(extra)
                room -= extra.width(True)
    return FooterLayout(shown, tuple(wizard), hidden, True)


def same_keys(shown: FooterLayout, layout: FooterLayout) -> bool:
    """Whether two layouts show the same keys in the same places (enabled or not aside)."""

    def places(entries: tuple[FooterEntry, ...]) -> list[FooterEntry]:
        return [replace(e, enabled=True) for e in entries]

    return (
        shown.compact == layout.compact
        and shown.hidden == layout.hidden
        and places(shown.step) == places(layout.step)
        and places(shown.wizard) == places(layout.wizard)
    )


class WizardKey(FooterKey):
    """One key: "K desc", the key in the footer's key colour (clicking presses it)."""

    def enable(self, enabled: bool) -> None:
        """Shown enabled or greyed (a click on a greyed key rings the bell), as built so."""
        self._disabled = not enabled
        self.set_class(not enabled, "-disabled")

    def render(self) -> Text:
        key = self.get_component_rich_style("footer-key--key")
        description = self.get_component_rich_style("footer-key--description")
        # The gap is its own span (never bold, unlike the key; never the description's):
        # a screenshot then places the label a cell after the key, so "a Apply…" cannot
        # read as one word "aApply…" where a leading space is dropped.
        text = Text.assemble(
            (self.key_display, key), (" ", Style(bold=False)), (self.description, description)
        )
        text.stylize_before(self.rich_style)
        return text


class WizardKeys(HorizontalGroup):
    """The App's keys, docked right so they keep their place whatever the step shows."""

    DEFAULT_CSS = "WizardKeys { dock: right; width: auto; height: 1; }"


class KeyFooter(Footer):
    """A Footer that never loses the wizard's keys (see the module docstring)."""

    # The widths FooterEntry.width() counts: "K desc", then a gap of 2 (1 when compact).
    DEFAULT_CSS = """
    KeyFooter WizardKey { margin: 0 2 0 0; }
    KeyFooter.-compact WizardKey { margin: 0 1 0 0; }
    """

    def __init__(self, required: Sequence[str], optional: Sequence[str], help_id: str) -> None:
        super().__init__(show_command_palette=False, id="footer")
        self.required = tuple(required)  # actions of the App's keys always shown
        self.optional = tuple(optional)  # the App's keys shown when there is room
        self.help_id = help_id
        self.layout_shown: FooterLayout | None = None
        self.builds = 0  # how many times the keys were rebuilt (a test counts them)
        self.pending = False
        self.held = False
        self.missed = False  # a rebuild was asked for while held

    # -- what to show ------------------------------------------------------------------
    def entries(self) -> tuple[list[FooterEntry], list[FooterEntry], list[FooterEntry]]:
        """The step's keys, the required and the optional App keys, each action once."""
        step: list[FooterEntry] = []
        wizard: dict[str, FooterEntry] = {}
        seen: set[str] = set()
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.action in seen:
                continue
            entry = FooterEntry(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip or binding.tooltip,
                len(node.ancestors),
            )
            if node is self.app and binding.action in self.required + self.optional:
                wizard[binding.action] = entry
            elif node is not self.app and binding.show and binding.description:
                step.append(entry)
            else:
                continue
            seen.add(binding.action)
        required = [wizard[a] for a in self.required if a in wizard]
        optional = [wizard[a] for a in self.optional if a in wizard]
        return step, required, optional

    def current_layout(self) -> FooterLayout:
        step, required, optional = self.entries()
        width = self.size.width or self.app.size.width
        return lay_out(step, required, optional, width, self.help_id)

    # -- when to rebuild ---------------------------------------------------------------
    def hold(self) -> None:
        """Keep showing the keys as they are until :meth:`release` (a short operation
        whose keys ``check_action`` refuses meanwhile: a save between its diff and the
        write): no rebuild for a state the operator would see only as a flicker."""
        self.held = True

    def release(self, after: float = 0.0) -> None:
        """Show the keys as they are now, if a rebuild was asked for while held: at once,
        or ``after`` seconds (what changed meanwhile settles first, e.g. a step's
        completion on its way to the App, which refreshes the keys itself)."""
        self.held = False
        if not self.missed or not self.is_attached:
            return
        self.missed = False
        if after:
            self.set_timer(after, lambda: self.bindings_changed(self.screen))
        else:
            self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self.held:
            self.missed = True  # rebuilt on release
            return
        if screen.app.screen is not screen:
            return  # behind a dialog: Textual refreshes its keys when it shows again
        if not self.pending:  # many refresh_bindings() in one refresh: one rebuild
            self.pending = True
            self.call_after_refresh(self.rebuild)

    def on_resize(self, event: events.Resize) -> None:
        self.bindings_changed(self.screen)

    async def rebuild(self) -> None:
        self.pending = False
        if not self.is_attached or self.app.screen is not self.screen:
            return
        if self.held:
            self.missed = True
            return
        layout = self.current_layout()
        if layout == self.layout_shown:
            return
        shown, self.layout_shown = self.layout_shown, layout
        if shown is not None and same_keys(shown, layout) and self.enable_in_place(layout):
            return
        await self.recompose()

    def enable_in_place(self, layout: FooterLayout) -> bool:
        """Grey or enable the keys shown where they stand (the same keys in the same places:
        only whether each runs changed), without building them again; False if the keys on
        screen are not the layout's."""
        keys = list(self.query(WizardKey))
        entries = (*layout.step, *layout.wizard)
        if [k.action for k in keys] != [e.action for e in entries]:
            return False
        for key, entry in zip(keys, entries, strict=True):
            key.enable(entry.enabled)
        return True

    def compose(self) -> ComposeResult:
        layout = self.layout_shown
        if layout is None:
            return
        self.builds += 1
        self.compact = layout.compact
        for entry in layout.step:
            yield self.key(entry, "-step")
        with WizardKeys():
            for entry in layout.wizard:
                yield self.key(entry, "-wizard")

    def key(self, entry: FooterEntry, kind: str) -> WizardKey:
        return WizardKey(
            entry.key,
            entry.display,
            entry.description,
            entry.action,
            disabled=not entry.enabled,
            tooltip=entry.tooltip,
            classes=kind,
        )

    def text(self) -> str:
        """The footer as the operator reads it: the step's keys, then the wizard's."""
        layout = self.layout_shown
        if layout is None:
            return ""
        return "  ".join(f"{e.display} {e.description}" for e in (*layout.step, *layout.wizard))
