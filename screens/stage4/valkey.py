"""Stage 4, section 3: the Valkey endpoint, read from its secret (the new cache's address).

Read-only: a failure is said on the section alone, nothing else waits on it.
"""

from __future__ import annotations

from textual import on, work
from textual.message import Message
from textual.widgets import Static

from tui.core.errors import MocmError
from tui.core.stage4.valkey_endpoint import ValkeyEndpoint, read_valkey_endpoint
from tui.screens.error_text import error_text
from tui.screens.stage4.render import endpoint_text
from tui.screens.stage4.sections import Stage4Context
from tui.widgets.worker_events import ReportsWorkers


class EndpointSection(ReportsWorkers, Static):
    """The Valkey endpoint the secret names, or why it could not be read."""

    class Read(Message, bubble=False):
        def __init__(self, endpoint: ValkeyEndpoint) -> None:
            super().__init__()
            self.endpoint = endpoint

    class Unreadable(Message, bubble=False):
        def __init__(self, error: MocmError) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__("Reading the Valkey secret…", id="s4-endpoint", markup=False)

    def configure(self, context: Stage4Context) -> None:
        self.read_endpoint(context)

    @work(
        thread=True,
        exclusive=True,
        group="stage4-valkey",
        exit_on_error=False,
        description="Valkey endpoint",
    )
    def read_endpoint(self, context: Stage4Context) -> None:
        region = context.region
        try:
            endpoint = read_valkey_endpoint(
                context.aws.client("secretsmanager", region),
                context.target.valkey_secret_id,
                region,
            )
        except MocmError as exc:  # not fatal to the teardown: said on the section only
            self.post_message(self.Unreadable(exc))
            return
        self.post_message(self.Read(endpoint))

    @on(Read)
    def show_endpoint(self, event: Read) -> None:
        self.update(endpoint_text(event.endpoint))

    @on(Unreadable)
    def show_failure(self, event: Unreadable) -> None:
        self.update(error_text(event.error, "Cannot read the Valkey endpoint"))
