"""Helm step: what ``helmfile sync`` would deploy from ``mocm/values.yaml``, checked.

The file is read when the step is shown and again right before the sync (it may
have been edited outside the wizard). Placeholders left are listed by key path, in
the error colour, in the Sync section and in the confirmation, which then needs a typed
reason (journaled); a file that does not parse blocks the sync; an image tag that is
not the current build is a warning in the same places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.core.errors import MocmError, ParseError
from tui.core.helm.deployed_values import SyncValuesCheck, check_sync_values
from tui.core.playbook.load import Playbook
from tui.screens.helm.support import HelmStep, relative
from tui.widgets.dialogs.reason import ReasonDialog
from tui.widgets.worker_events import ReportsWorkers

SHOWN_IN_SECTION = 6  # key paths the Sync section names; the confirmation names them all


def placeholders_text(check: SyncValuesCheck, where: str, shown: int | None = None) -> Content:
    """Red: how many placeholders are left, and their key paths (the first ``shown``)."""
    paths = check.key_paths
    count = len(paths)
    text = Content.styled(
        f"✗ {where} still holds {count} placeholder{'s' if count != 1 else ''} "
        "Helm would deploy literally:\n",
        "bold $error",
    )
    named = paths if shown is None else paths[:shown]
    text = text.append_text(", ".join(named), "$error")
    if len(named) < count:
        text = text.append_text(
            f", … and {count - len(named)} more (all listed when you sync)", "$error"
        )
    return text


def tag_text(check: SyncValuesCheck) -> Content:
    return Content.styled(f"⚠ {check.image_tag.sentence()}.", "bold $warning")


def check_text(check: SyncValuesCheck, where: str) -> Content:
    """The values check as the Sync section shows it."""
    text = Content()
    if check.placeholders:
        text = text.append(placeholders_text(check, where, SHOWN_IN_SECTION))
        text = text.append_text(
            "\nFill them in Values (F2), or sync with a typed reason (journaled).", "$error"
        )
    if not check.image_tag.matches:
        text = text.append_text("\n" if text else "")
        text = text.append(tag_text(check))
    if not text:
        text = text.append_text(
            f"✔ {where}: no placeholder left; {check.image_tag.sentence()}.", "$success"
        )
    return text


def problem_text(exc: MocmError, where: str) -> Content:
    """Red: the file cannot go to Helm, and where it breaks."""
    if isinstance(exc, ParseError):
        at = f"line {exc.line}" if exc.line is not None else ""
        at += f", column {exc.column}" if exc.column is not None and at else ""
        text = Content.styled(
            f"✗ {where} does not parse: {at + ': ' if at else ''}{exc.reason}", "bold $error"
        )
    else:
        text = Content.styled(f"✗ {where} cannot be read: {exc.message}", "bold $error")
    text = text.append_text(
        "\nThe sync is blocked until it parses: fix the file, then s reads it again.", "$error"
    )
    return text


def confirmation_body(intro: Content, check: SyncValuesCheck | None, where: str) -> Content:
    """The sync question, with what the values check found (errors, warnings)."""
    body = intro
    if check is not None and not check.image_tag.matches:
        body = body.append_text("\n\n")
        body = body.append(tag_text(check))
    if check is not None and check.placeholders:
        body = body.append_text("\n\n")
        body = body.append(placeholders_text(check, where))
        body = body.append_text(
            "\nType why they may reach the cluster as they are, then Enter.", "bold"
        )
    return body


@dataclass(frozen=True)
class ValuesRead:
    """One reading of the values file: what the check found, or why it could not run."""

    generation: int  # a later reading replaces what an earlier one says
    check: SyncValuesCheck | None
    error: MocmError | None


class ValuesGuard(ReportsWorkers, Static):
    """The values check in the Sync section; ``recheck(then)`` reads the file again."""

    DEFAULT_CSS = "ValuesGuard { height: auto; margin-top: 1; }"

    class Read(Message, bubble=False):
        def __init__(self, read: ValuesRead) -> None:
            super().__init__()
            self.read = read

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="sync-values", markup=False)
        self.panel = panel
        self.check: SyncValuesCheck | None = None
        self.error: MocmError | None = None
        self.generation = 0  # a later check replaces what an earlier one says
        self.then: Callable[[], None] | None = None

    @property
    def where(self) -> str:
        plan = self.panel.plan
        if plan is None:
            return "values.yaml"
        return relative(plan.release_dir / plan.playbook.values_file, plan.release_dir)

    @property
    def blocker(self) -> str | None:
        """Why the values stop the sync (placeholders only ask for a reason)."""
        if self.error is not None:
            return f"{self.where} that parses"
        if self.check is None:
            return f"{self.where} checked"
        return None

    def recheck(self, then: Callable[[], None] | None = None) -> None:
        """Read the values again; ``then`` runs once the result is shown."""
        plan, pair = self.panel.plan, self.panel.wizard.pair
        if plan is None or pair is None:
            return
        self.generation += 1
        self.then = then
        path = plan.release_dir / plan.playbook.values_file
        self.read_values(path, plan.playbook, pair.current.build, self.generation)

    @work(thread=True, group="helm-values", exit_on_error=False, description="Checking the values")
    def read_values(self, path: Path, book: Playbook, build: str, generation: int) -> None:
        try:
            check = check_sync_values(path, book, build)
        except MocmError as exc:
            self.post_message(self.Read(ValuesRead(generation, None, exc)))
            return
        self.post_message(self.Read(ValuesRead(generation, check, None)))

    @on(Read)
    def show(self, event: Read) -> None:
        generation, check, error = event.read.generation, event.read.check, event.read.error
        if generation != self.generation:
            return
        self.check, self.error = check, error
        if check is not None:
            self.update(check_text(check, self.where))
        elif error is not None:
            self.update(problem_text(error, self.where))
        then, self.then = self.then, None
        self.panel.update_gate()
        if then is not None:
            then()


def waiver_question(body: Content) -> ReasonDialog:
    """The sync confirmation while placeholders are left: it needs a typed reason."""
    return ReasonDialog(
        "Sync with placeholders left?",
        body,
        action="Sync anyway (Enter)",
        cancel="No (Esc)",
        placeholder="why deploy them as they are (journaled)",
        refusal="Type why they may reach the cluster as they are: nothing runs without it.",
        destructive=True,
        dialog_id="helm-waiver",
    )
