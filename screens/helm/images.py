"""Helm step, section 1: every image of images.txt present in ECR with the new tag.

The registry comes from the merged values (``global.image.registry``); while it is
still a placeholder the operator types it here or goes back to the Values step.
A missing image can be pushed with the release's ``loadimage.sh`` (streamed,
cancellable) and checked again; or waived with a typed reason (journaled).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, Static

from tui.core.errors import MocmError
from tui.core.helm.images import (
    EcrRegistry,
    ImageCheckReport,
    ImageRef,
    RegistryError,
    check_images,
    loader_runnable,
    parse_registry,
    read_images_list,
    read_merged_values,
    registry_from_values,
)
from tui.core.journal.events import ImageRegistryTyped, WaiverGiven, WaiverSubject
from tui.screens.error_text import error_text
from tui.screens.helm.support import CapturingLog, HelmStep, relative
from tui.widgets.focus_in_view import FocusInViewScroll
from tui.widgets.theme import rich_text
from tui.widgets.worker_events import ReportsWorkers

LOADER_TIMEOUT = 3600.0  # pushing every image of a release over a slow link


class ImagesSection(ReportsWorkers, FocusInViewScroll):
    """Present / missing per image; loadimage.sh; waiver."""

    class Checked(Message, bubble=False):
        """ECR answered for every image."""

        def __init__(self, report: ImageCheckReport) -> None:
            super().__init__()
            self.report = report

    class CheckFailed(Message, bubble=False):
        """No answer from ECR (the error dialog says why)."""

        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, panel: HelmStep) -> None:
        super().__init__(id="helm-images")
        self.panel = panel
        self.images: tuple[ImageRef, ...] = ()
        self.registry: EcrRegistry | None = None
        self.report: ImageCheckReport | None = None
        self.waiver = ""
        self.checking = False
        self.check_error: MocmError | None = None  # the last ECR check failed: why
        self.ecr_clients: dict[str, Any] = {}  # region → client (one worker at a time)

    def compose(self) -> ComposeResult:
        yield Static(id="img-source", markup=False)
        yield Static(id="img-problem", classes="error-box", markup=False)
        with Horizontal(id="img-registry-row", classes="helm-row"):
            yield Label("Registry ")
            yield Input(placeholder="<account>.dkr.ecr.<region>.amazonaws.com", id="img-registry")
        yield DataTable(id="img-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="img-verdict", markup=False)
        with Horizontal(classes="helm-buttons"):
            yield Button("Check again (c)", id="img-check", compact=True)
            yield Button("Run loadimage.sh (l)", id="img-load", compact=True)
        yield CapturingLog(redactor=self.panel.wizard.redactor, id="img-log", classes="helm-log")
        with Horizontal(id="img-waive", classes="helm-row"):
            yield Input(placeholder="reason to sync with images missing", id="img-waive-reason")
            yield Button("Waive", id="img-waive-button", compact=True)

    def on_mount(self) -> None:
        self.query_one("#img-table", DataTable).add_columns("image", "tag", "in ECR")
        for selector in ("#img-problem", "#img-registry-row", "#img-log", "#img-waive"):
            self.query_one(selector).display = False

    # -- reading what to check -------------------------------------------------------------
    def start(self) -> None:
        """Read images.txt and the registry, then ask ECR."""
        plan = self.panel.plan
        assert plan is not None
        book = plan.playbook
        images_path = plan.release_dir / book.images_list
        values_path = plan.release_dir / book.values_file
        self.query_one("#img-source", Static).update(
            f"{relative(images_path, plan.release_dir)} · registry from "
            f"{book.image_registry_key} of {relative(values_path, plan.release_dir)}"
        )
        try:
            self.images = read_images_list(images_path)
        except MocmError as exc:
            self.show_problem(error_text(exc, "Cannot read the images list"))
            return
        try:
            self.registry = registry_from_values(
                read_merged_values(values_path) or {}, book.image_registry_key
            )
        except RegistryError as exc:
            self.ask_registry(exc)
            return
        except MocmError as exc:
            self.show_problem(error_text(exc, "Cannot read the registry"))
            return
        self.check()

    def ask_registry(self, exc: MocmError) -> None:
        message = error_text(exc, "No registry to check")
        message = message.append_text(
            "\nType the registry below and press Enter, or go back to Values (F2) to fill it.",
            "bold",
        )
        self.show_problem(message)
        self.query_one("#img-registry-row").display = True
        self.query_one("#img-registry", Input).focus()

    def focus_registry(self) -> None:
        """The registry field takes the focus while it is what the operator must give."""
        if self.query_one("#img-registry-row").display:
            self.query_one("#img-registry", Input).focus()

    @on(Input.Submitted, "#img-registry")
    def registry_typed(self, event: Input.Submitted) -> None:
        try:
            registry = parse_registry(event.value)
        except MocmError as exc:
            self.show_problem(error_text(exc, "Not an ECR registry"))
            return
        self.registry = registry
        self.query_one("#img-registry-row").display = False
        self.panel.journal_decision(ImageRegistryTyped(registry.host, self.panel.step_id))
        self.check()

    def show_problem(self, message: Content) -> None:
        problem = self.query_one("#img-problem", Static)
        problem.update(message)
        problem.display = True
        self.panel.update_gate()

    # -- ECR ------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        """Sync may run: every image present, or the operator waived the missing ones."""
        return bool(self.report and self.report.all_present) or bool(self.waiver)

    @property
    def can_check(self) -> bool:
        return bool(self.images) and self.registry is not None and not self.busy

    @property
    def can_load(self) -> bool:
        return bool(self.report and self.report.missing) and not self.busy

    @property
    def busy(self) -> bool:
        return self.checking or self.query_one("#img-log", CapturingLog).running

    def check(self) -> None:
        if not self.can_check or self.registry is None:
            return
        self.checking = True
        self.query_one("#img-problem").display = False
        self.query_one("#img-verdict", Static).update(f"Asking ECR {self.registry.host}…")
        self.ask_ecr(self.images, self.registry)
        self.panel.update_gate()

    @work(
        thread=True,
        exclusive=True,
        group="helm-ecr",
        exit_on_error=False,
        description="Checking the images in ECR",
    )
    def ask_ecr(self, images: tuple[ImageRef, ...], registry: EcrRegistry) -> None:
        """ECR describe_images for each image's tag (the worker's name is what the dialog says)."""
        try:
            report = check_images(images, registry, self.ecr(registry.region))
        except MocmError as exc:
            self.post_message(self.CheckFailed(exc))
            raise
        self.post_message(self.Checked(report))

    def ecr(self, region: str) -> Any:
        """The ECR client of ``region``, built once from the wizard's environment."""
        if region not in self.ecr_clients:
            self.ecr_clients[region] = self.panel.wizard.aws().client("ecr", region_name=region)
        return self.ecr_clients[region]

    @on(CheckFailed)
    def check_failed(self, event: CheckFailed) -> None:
        exc = event.error
        """No answer from ECR: nothing is known present, so sync waits (or a waiver)."""
        self.checking = False
        self.check_error = exc
        self.report = None
        self.query_one("#img-table", DataTable).clear()
        self.query_one("#img-verdict", Static).update(
            Content.styled(
                "The images are not checked: helmfile sync stays disabled. Check again (c) once "
                "the cause is fixed, or waive with a reason below.",
                "bold $error",
            )
        )
        reason = self.query_one("#img-waive-reason", Input)
        reason.placeholder = "reason to sync without the ECR check"
        self.query_one("#img-waive").display = not self.waiver
        self.show_problem(error_text(exc, "ECR check failed"))
        self.panel.focus_after("check_images.failed")

    @on(Checked)
    def show_report(self, event: Checked) -> None:
        report = event.report
        self.checking = False
        self.check_error = None
        self.report = report
        table = self.query_one("#img-table", DataTable)
        table.clear()
        for result in report.results:
            mark = (
                Content.styled("✔ present", "$success")
                if result.present
                else Content.styled(f"✗ missing: {result.reason}", "bold $error")
            )
            table.add_row(result.image.repository, result.image.tag, rich_text(mark, self.app))
        missing = len(report.missing)
        verdict = self.query_one("#img-verdict", Static)
        if not missing:
            verdict.update(
                Content.styled(f"All {len(report.results)} images are in ECR.", "bold $success")
            )
        else:
            verdict.update(
                Content.styled(
                    f"{missing} of {len(report.results)} images missing in ECR: helmfile sync "
                    "stays disabled (pods would go into ImagePullBackOff). Run loadimage.sh (l), "
                    "or waive with a reason below.",
                    "bold $error",
                )
            )
        self.query_one("#img-waive").display = bool(missing) and not self.waiver
        self.panel.update_gate()
        self.panel.focus_after("check_images")

    # -- loadimage.sh -------------------------------------------------------------------------
    def load(self) -> None:
        plan = self.panel.plan
        if plan is None or not self.can_load:
            return
        loader = plan.release_dir / plan.playbook.images_loader
        if not loader_runnable(loader):
            self.show_problem(
                Content.styled(
                    f"{loader} is missing or not executable: push the images by hand.",
                    "bold $error",
                )
            )
            return
        log = self.query_one("#img-log", CapturingLog)
        log.display = True
        # the guide's `cd images && ./loadimage.sh`; the runner needs the full path
        self.panel.run_logged(log, [str(loader)], cwd=loader.parent, timeout_s=LOADER_TIMEOUT)
        self.panel.update_gate()
        self.panel.focus_after("load_images")  # its output; x stops it

    @on(CapturingLog.Finished, "#img-log")
    def loader_finished(self, event: CapturingLog.Finished) -> None:
        event.stop()
        result = event.result
        if result.cancelled:
            self.query_one("#img-verdict", Static).update("loadimage.sh was cancelled.")
        self.panel.update_gate()
        self.check()  # whatever it did, ask ECR again

    def cancel(self) -> bool:
        return self.query_one("#img-log", CapturingLog).cancel()

    # -- waiver -------------------------------------------------------------------------------
    @on(Button.Pressed, "#img-waive-button")
    @on(Input.Submitted, "#img-waive-reason")
    def waive(self) -> None:
        reason = self.query_one("#img-waive-reason", Input).value.strip()
        if not reason or (self.report is None and self.check_error is None):
            self.query_one("#img-waive-reason", Input).focus()
            return
        if self.report is not None:
            missing = tuple(r.image.name for r in self.report.missing)
            subject, waived = (
                WaiverSubject.SYNC_WITH_IMAGES_MISSING,
                (f"{', '.join(missing)} missing in ECR"),
            )
        else:
            assert self.check_error is not None
            subject, missing = WaiverSubject.SYNC_WITH_IMAGES_NOT_CHECKED, ()
            waived = f"images not checked ({self.check_error.message})"
        step = self.panel.step_id
        self.panel.journal_decision(WaiverGiven(subject, missing, waived, reason, step))
        self.waiver = reason
        self.query_one("#img-waive").display = False
        self.query_one("#img-verdict", Static).update(
            Content.styled(f"Waived: {waived}. Reason: {reason}", "bold $warning")
        )
        self.panel.update_gate()

    @on(Button.Pressed, "#img-check")
    def check_pressed(self) -> None:
        self.check()

    @on(Button.Pressed, "#img-load")
    def load_pressed(self) -> None:
        self.load()
