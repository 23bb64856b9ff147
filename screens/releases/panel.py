"""Step 1 — Releases: which two directories, their builds, and what's new."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from tui.core.errors import MocmError
from tui.core.releases.diff import Change, FileChange, diff_trees, unified_diff
from tui.core.releases.directories import (
    TERRAFORM_DIR,
    Release,
    ReleasePair,
    discover_releases,
    load_builds,
    read_customer,
)
from tui.screens.base import StepPanel
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.theme import rich_text
from tui.wizard import Wizard

if TYPE_CHECKING:  # the journal loads with the first release opened, the table with its diff
    from textual.widget import AwaitMount
    from textual.widgets import DataTable

    from tui.session import Session

VALUES_ROW = "values.yaml"
CHANGE_STYLE = {Change.ADDED: "$success", Change.REMOVED: "$error", Change.CHANGED: "$warning"}


def diff_style(line: str) -> str:
    """The style of one line of a unified diff ("" for a context line)."""
    if line.startswith(("+++", "---")):
        return "bold"
    if line.startswith("+"):
        return "$success"
    if line.startswith("-"):
        return "$error"
    if line.startswith("@@"):
        return "$text-secondary"
    return ""


def diff_text(diff: str) -> Content:
    """Colour a unified diff: additions as success, removals as error, hunks apart.

    The lines are joined once (appending one by one copies everything so far each time:
    a 10,000-line diff took 37 s).
    """
    lines = diff.splitlines(keepends=True)[:20_000]
    return Content().join(Content.styled(line, diff_style(line)) for line in lines)


class ReleasesPanel(StepPanel):
    """Choose and validate the releases; show the terraform and values diffs."""

    STEP_ID = "releases"

    class Opened(Message):
        """The releases are locked and their journal is open (resumed, maybe)."""

        def __init__(self, session: Session) -> None:
            super().__init__()
            self.session = session

    class CustomerRead(Message, bubble=False):
        """The previous release's tfvars are read: the pair is complete."""

        def __init__(self, pair: ReleasePair) -> None:
            super().__init__()
            self.pair = pair

    class Refused(Message, bubble=False):
        """The chosen pair cannot be used (why, for the operator)."""

        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    class Compared(Message, bubble=False):
        """The terraform directories of both releases are compared, file by file."""

        def __init__(self, changes: tuple[FileChange, ...]) -> None:
            super().__init__()
            self.changes = changes

    FOCUS_AFTER = {
        "use": "#changes",  # what's new: arrows read each diff; F3 goes on
        "use.problem": "#previous, #current",  # the path to correct
    }

    def __init__(self, wizard: Wizard) -> None:
        super().__init__(wizard)
        self.pair: ReleasePair | None = None
        self.chosen: tuple[Release, Release] | None = None
        self.changes: list[FileChange] = []
        self.diff_shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("1. Releases", classes="step-title")
        ctx = self.wizard.context
        if ctx.previous is None or ctx.current is None:
            yield self.chooser("", "")
        # Both paths given: the chooser is built only if the pair is refused (a fast first
        # screen: its inputs and button cost the start-up more than the rest of the step).
        yield Static(id="problem", classes="error-box", markup=False)
        yield Static(id="summary", markup=False)
        # What's new (a table and a diff) is built with the first comparison: not on the first
        # screen (DataTable's import and styles cost the start-up).

    def on_mount(self) -> None:
        self.query_one("#problem").display = False
        ctx = self.wizard.context
        if ctx.previous is not None and ctx.current is not None:
            self.choose(ctx.previous, ctx.current)
        else:
            self.offer_siblings(Path.cwd())

    @staticmethod
    def chooser(previous: str, current: str) -> Vertical:
        """The two path inputs (prefilled) and the button that uses them."""
        return Vertical(
            Label("Previous release (running in production):"),
            Input(previous, id="previous", placeholder="path to the previous release directory"),
            Label("Current release (the new package):"),
            Input(current, id="current", placeholder="path to the current release directory"),
            Horizontal(
                Button("Use these releases", id="use", variant="primary"), classes="buttons"
            ),
            Static(id="found", markup=False),
            id="chooser",
        )

    def offer_siblings(self, start: Path) -> None:
        """Prefill the two newest releases found beside the working directory."""
        found = discover_releases(start)
        lines = [f"  {r.build:<12} {r.path}" for r in found]
        self.query_one("#found", Static).update(
            "Release directories found here:\n" + "\n".join(lines)
            if found
            else f"No release directories found in or beside {start.resolve()}. Type both paths."
        )
        if len(found) >= 2:
            self.query_one("#previous", Input).value = str(found[-2].path)
            self.query_one("#current", Input).value = str(found[-1].path)

    @on(Button.Pressed, "#use")
    @on(Input.Submitted)
    def use_typed_paths(self) -> None:
        previous = self.query_one("#previous", Input).value.strip()
        current = self.query_one("#current", Input).value.strip()
        if not previous or not current:
            self.show_problem("Give both directories: the previous release and the current one.")
            return
        self.choose(Path(previous).expanduser(), Path(current).expanduser())

    def show_problem(self, message: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(message)
        problem.display = True
        self.complete = False
        self.focus_after("use.problem")

    def choose(self, previous: Path, current: Path) -> None:
        """Validate the pair and show its builds at once; the tfvars are read in a thread."""
        try:
            chosen = load_builds(previous, current, self.wizard.context.playbook)
        except MocmError as exc:
            self.refuse(exc)
            return
        self.chosen = chosen
        self.complete = False
        self.query_one("#problem").display = False
        for chooser in self.query("#chooser"):
            chooser.display = False
        self.show_summary(*chosen, None)
        # After the builds are painted: the parse would otherwise hold the GIL before it.
        self.call_after_refresh(self.read_customer, *chosen)

    @work(thread=True, exclusive=True, group="releases-customer", exit_on_error=False)
    def read_customer(self, previous: Release, current: Release) -> None:
        try:
            pair = read_customer(previous, current, self.wizard.context.playbook)
        except MocmError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.CustomerRead(pair))

    @on(Refused)
    def refused(self, event: Refused) -> None:
        self.refuse(event.error)

    def refuse(self, error: MocmError) -> None:
        self.chosen = None
        self.query_one("#summary", Static).update("")
        message = str(error).replace("; ", "\n")
        if self.query("#chooser"):
            self.query_one("#chooser").display = True
            self.show_problem(message)
            return
        # Never built (both paths were given): built now, holding them, and the problem is
        # shown once its inputs are mounted (the focus goes to them).
        ctx = self.wizard.context
        mounted = self.mount(
            self.chooser(str(ctx.previous), str(ctx.current)), after=self.query_one(".step-title")
        )
        self.call_next(self.show_problem_when_mounted, mounted, message)

    async def show_problem_when_mounted(self, mounted: AwaitMount, message: str) -> None:
        await mounted
        self.show_problem(message)

    @on(CustomerRead)
    def accept(self, event: CustomerRead) -> None:
        pair = event.pair
        if self.chosen != (pair.previous, pair.current):
            return  # the operator chose another pair meanwhile
        self.pair = pair
        self.show_summary(pair.previous, pair.current, pair)
        self.compute_changes(pair)
        self.complete = self.open_release(pair)

    def show_summary(self, previous: Release, current: Release, pair: ReleasePair | None) -> None:
        customer = (
            f"name_prefix {pair.name_prefix} · region {pair.aws_region}"
            if pair is not None
            else f"reading {TERRAFORM_DIR}/{self.wizard.context.playbook.tfvars_file}…"
        )
        self.query_one("#summary", Static).update(
            Content.assemble(
                ("Previous  ", "bold"),
                (f"build {previous.build:<11}", "bold $text-secondary"),
                f" {home_as_tilde(previous.path)}\n",
                ("Current   ", "bold"),
                (f"build {current.build:<11}", "bold $success"),
                f" {home_as_tilde(current.path)}\n",
                ("Customer  ", "bold"),
                customer,
            )
        )

    def open_release(self, pair: ReleasePair) -> bool:
        """Lock the release and open its journal; False (and why, in a dialog) when refused."""
        try:
            opened = self.wizard.open_release(pair)
        except MocmError as exc:
            self.app.push_screen(ErrorDialog("Cannot work on this release", exc.message, exc.hint))
            return False
        if opened and self.wizard.session is not None:
            self.post_message(self.Opened(self.wizard.session))
        return True

    @work(thread=True, exclusive=True, group="releases-diff", exit_on_error=False)
    def compute_changes(self, pair: ReleasePair) -> None:
        changes = diff_trees(pair.previous.terraform, pair.current.terraform)
        self.post_message(self.Compared(tuple(changes)))

    async def changes_table(self) -> DataTable[object]:
        """The table of what's new, built (after the summary) the first time it is needed."""
        from textual.widgets import DataTable  # once per panel: with the first comparison

        if not self.query("#changes"):
            table: DataTable[object] = DataTable(
                id="changes", cursor_type="row", zebra_stripes=True
            )
            diff = VerticalScroll(Static(id="diff", markup=False), id="diff-scroll")
            await self.mount(
                Label("What's new", id="whats-new-title"), Vertical(table, diff, id="whats-new")
            )
            table.add_columns("change", "file")
        return self.query_one("#changes", DataTable)

    @on(Compared)
    async def show_changes(self, event: Compared) -> None:
        changes = list(event.changes)
        self.changes = changes
        self.diff_shown = None
        table = await self.changes_table()
        table.clear()
        diff_cell = rich_text(Content.styled("diff", "$warning"), self.app)
        table.add_row(diff_cell, f"mocm/{VALUES_ROW}", key=VALUES_ROW)
        for change in changes:
            style = CHANGE_STYLE[change.change]
            table.add_row(
                rich_text(Content.styled(change.change.value, style), self.app),
                f"{TERRAFORM_DIR}/{change.rel}",
                key=change.rel,
            )
        self.query_one("#whats-new-title", Label).update(
            f"What's new: {len(changes)} file(s) differ in {TERRAFORM_DIR} (cursor: diff)"
        )
        self.query_one("#whats-new-title").display = True
        self.query_one("#whats-new").display = True
        self.show_diff(VALUES_ROW)
        self.focus_after("use")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "changes" and event.row_key.value is not None:
            self.show_diff(event.row_key.value)

    def show_diff(self, key: str) -> None:
        if self.pair is None or key == self.diff_shown:
            return  # the table highlights its first row again once filled: one diff is enough
        self.diff_shown = key
        if key == VALUES_ROW:
            values = self.wizard.context.playbook.values_file
            diff = unified_diff(
                self.pair.previous.path / values, self.pair.current.path / values, values
            )
        else:
            label = f"{TERRAFORM_DIR}/{key}"
            diff = unified_diff(
                self.pair.previous.terraform / key, self.pair.current.terraform / key, label
            )
        redact = self.wizard.redactor.redact
        masked = "".join(redact(line) for line in diff.splitlines(keepends=True))
        self.query_one("#diff", Static).update(diff_text(masked))
        self.query_one("#diff-scroll", VerticalScroll).scroll_home(animate=False)


def home_as_tilde(path: Path) -> str:
    """``~/releases/mocm-10.6.2605`` for a path under the home directory, as a shell shows it
    (shorter: the summary line fits 80 columns)."""
    home = Path.home()
    return (
        f"~/{path.relative_to(home)}" if path.is_relative_to(home) and path != home else str(path)
    )
