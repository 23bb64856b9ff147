"""Worker state changes don't bubble in Textual: hand them to the App's one handler."""

from __future__ import annotations

from textual.worker import Worker


class ReportsWorkers:
    """Mixin for widgets that run workers: failures end in the App's error dialog."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handler = getattr(self.app, "worker_changed", None)  # type: ignore[attr-defined]
        if handler is not None:
            handler(event.worker)
