"""A parsed `helmfile diff`: one group per release with its count of changed resources.

Body lines are coloured as helm-diff colours them on a tty (``+`` added, ``-`` removed);
Secret values arrive already masked by the parser and are marked, never shown.
Keys: ``n`` / ``p`` jump to the next / previous release.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.core.helm.diff_model import (
    DiffLineKind,
    DiffOutcome,
    DiffReport,
    ManifestChange,
    ReleaseDiff,
)
from tui.core.printable import printable
from tui.widgets.theme import Palette


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def release_heading(diff: ReleaseDiff) -> str:
    """``mocm-service — 7 resources changed (+40 −12 lines)``."""
    return (
        f"{printable(diff.release)} — {plural(len(diff.resources), 'resource')} changed "
        f"(+{diff.added} −{diff.removed} lines)"
    )


def summary_text(report: DiffReport, order: tuple[str, ...]) -> Content:
    """One line per release, in the enforced order, then any other the diff named."""
    names = list(order) + [r.release for r in report.releases if r.release not in order]
    text = Content()
    for name in names:
        diff = report.release(name)
        if diff is None:
            text = text.append_text(f"  {printable(name):<22} no change\n", "dim")
        else:
            text = text.append_text(f"  {printable(name):<22} ", "bold")
            text = text.append_text(f"{plural(len(diff.resources), 'resource')} changed", "bold")
            text = text.append_text(f"  +{diff.added}", "$success")
            text = text.append_text(f" −{diff.removed}\n", "$error")
    return text.rstrip()


class HelmDiffView(VerticalScroll):
    """The diff of every release, grouped, coloured, secrets masked."""

    BINDINGS = [
        Binding("n", "jump(1)", "Next release", tooltip="Scroll to the next release's diff"),
        Binding("p", "jump(-1)", "Prev release", tooltip="Scroll to the previous release's diff"),
    ]
    can_focus = True

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.report: DiffReport | None = None
        self.order: tuple[str, ...] = ()
        self._current = -1

    def compose(self) -> ComposeResult:
        yield Static("No diff yet.", id="diff-summary", markup=False)

    def show(self, report: DiffReport, order: tuple[str, ...]) -> None:
        """Replace what is shown with ``report``; ``order`` is the playbook's release order."""
        self.report, self.order, self._current = report, order, -1
        for group in self.query(".diff-release"):
            group.remove()
        summary = self.query_one("#diff-summary", Static)
        if report.outcome is DiffOutcome.NO_CHANGES:
            summary.update("No changes: the cluster already runs these charts and values.")
            return
        heading = Content.styled(
            f"{plural(len(report.releases), 'release')} with changes\n", "bold"
        )
        summary.update(heading + summary_text(report, order))
        ranked = sorted(
            report.releases,
            key=lambda r: order.index(r.release) if r.release in order else len(order),
        )
        self.mount_all(
            Static(self.release_text(diff), classes="diff-release", markup=False) for diff in ranked
        )
        self.scroll_home(animate=False)

    def release_text(self, diff: ReleaseDiff) -> Text:
        """Rich Text (a diff may be thousands of lines): its colours come from the theme."""
        palette = Palette.of(self.app)
        added, removed, changed = palette.success, palette.error, palette.warning
        text = Text()  # the heading alone reversed: Text(…, style) would style every line
        text.append(release_heading(diff), f"bold reverse {changed}")
        text.append("\n")
        for resource in diff.resources:
            text.append_text(self.resource_text(resource, added, removed, changed))
        text.rstrip()
        return text

    @staticmethod
    def resource_text(resource: ManifestChange, added: str, removed: str, changed: str) -> Text:
        style = {"has been added:": added, "has been removed:": removed}.get(
            resource.message, changed
        )
        text = Text()
        # Every field comes from helm's output (a chart's manifests): escaped, never obeyed.
        text.append(printable(f"{resource.namespace}, {resource.name}, "), "bold")
        text.append(printable(f"{resource.kind} ({resource.group}) "), "bold")
        text.append(printable(resource.message), f"bold {style}")
        text.append(f"  +{resource.added} −{resource.removed}\n", "dim")
        for line in resource.lines:
            shown = printable(line.text.expandtabs())
            if line.kind is DiffLineKind.ADDED:
                text.append(shown, added)
            elif line.kind is DiffLineKind.REMOVED:
                text.append(shown, removed)
            elif line.kind is DiffLineKind.SKIPPED:
                text.append(shown, "dim italic")
            else:
                text.append(shown)
            text.append("\n")
        return text

    def action_jump(self, step: int) -> None:
        groups = list(self.query(".diff-release"))
        if not groups:
            return
        self._current = max(0, min(len(groups) - 1, self._current + step))
        self.scroll_to_widget(groups[self._current], top=True, animate=False)
