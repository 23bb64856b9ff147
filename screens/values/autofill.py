"""Auto-fill from the values step: previous values first, then what the wizard knows.

Placeholders the playbook lists in ``values.known_placeholders`` are filled from
terraform.tfvars (name prefix, region) and from the Valkey secret in Secrets Manager
(host, port); previous values the template's open maps take are carried. The secret
is read in a worker through the wizard's AWS session; a failure leaves those
placeholders unfilled, with the reason in the preview. The Valkey password is
registered with the redactor and never shown.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.message import Message

from tui.core.values.known import (
    SECRET_SOURCES,
    KnownValues,
    gather_known_values,
    needed_sources,
    plan_known_fills,
    tfvars_values,
)
from tui.screens.values.dialogs import auto_fill_dialog
from tui.screens.values.editor import ValuesEditor


class AutoFillFlow:
    """One values panel's auto-fill: read the sources, preview, then fill on `y`."""

    class Gathered(Message):
        """The values the wizard knows are read (a source that failed says why)."""

        def __init__(self, known: KnownValues) -> None:
            super().__init__()
            self.known = known

    def __init__(self, panel: ValuesEditor) -> None:
        self.panel = panel
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def secretsmanager(self, region: str) -> Any:
        """The Secrets Manager client of ``region`` (one per panel, from ``app.aws()``)."""
        with self._lock:
            if region not in self._clients:
                self._clients[region] = self.panel.wizard.aws().client("secretsmanager", region)
            return self._clients[region]

    def start(self) -> None:
        panel, editing, pair = self.panel, self.panel.editing, self.panel.wizard.pair
        if editing is None or panel.busy or pair is None:
            return
        merge = editing.merge
        book = panel.wizard.context.playbook
        sources = needed_sources(merge.rows, merge.pattern, book.known_placeholders)
        if not SECRET_SOURCES & sources:  # tfvars only: nothing to wait for
            tfvars = tfvars_values(pair.name_prefix, pair.aws_region, book.tfvars_file)
            self.preview(KnownValues(tfvars))
            return
        panel.busy = "auto-fill"
        panel.bindings_changed()
        panel.app.notify("Reading the Valkey endpoint from Secrets Manager…", timeout=3)

        def gather() -> None:
            known = gather_known_values(
                book,
                pair.current.path,
                pair.name_prefix,
                pair.aws_region,
                self.secretsmanager,
                sources,
            )
            panel.post_message(self.Gathered(known))

        panel.run_in_thread(gather, group="values-autofill", description="Valkey endpoint")

    def preview(self, known: KnownValues) -> None:
        panel, editing = self.panel, self.panel.editing
        panel.busy = ""
        panel.bindings_changed()
        for secret in known.learned_secrets:
            panel.wizard.redactor.add_secret(secret.reveal())
        if editing is None:
            return
        merge = editing.merge
        items = merge.auto_fill_preview()
        fills, unfilled = plan_known_fills(
            merge.rows,
            merge.working,
            merge.pattern,
            editing.known_placeholders,
            known,
            skip={item.label for item in items},
        )
        operation = editing.auto_fill_operation(known)

        def confirmed(answer: bool | None) -> None:
            if answer:
                panel.apply(operation)

        panel.app.push_screen(auto_fill_dialog(items, fills, unfilled), confirmed)
