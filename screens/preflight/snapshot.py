"""The optional ElastiCache / RDS snapshot of the Preflight step: asked, taken, journaled."""

from __future__ import annotations

from datetime import UTC, datetime

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.core.aws.session import EnvSession
from tui.core.journal.events import SnapshotPurpose, SnapshotRecorded
from tui.core.journal.writer import Journal
from tui.core.playbook.load import Playbook, fill
from tui.core.preflight.db_snapshots import (
    SnapshotTaken,
    default_snapshot_name,
    snapshot_cache_cluster,
    snapshot_rds_instance,
)
from tui.screens.base import panel_of
from tui.screens.preflight.snapshot_dialog import SnapshotDialog, SnapshotRequest
from tui.widgets.worker_events import ReportsWorkers


class SnapshotLine(ReportsWorkers, Static):
    """One line saying what the optional snapshot did; runs the snapshot in a thread worker."""

    class Taken(Message, bubble=False):
        def __init__(self, taken: SnapshotTaken) -> None:
            super().__init__()
            self.taken = taken

    class NotTaken(Message, bubble=False):
        """The snapshot failed (the error dialog says why)."""

        def __init__(self, request: SnapshotRequest) -> None:
            super().__init__()
            self.request = request

    def __init__(self) -> None:
        super().__init__(id="pf-snapshot", markup=False)
        self.running = False
        self.journal: Journal | None = None  # where the snapshot taken is journaled

    def ask(self, playbook: Playbook, name_prefix: str, aws: EnvSession, journal: Journal) -> None:
        """Offer the snapshot (ElastiCache cluster of the playbook, or an RDS instance)."""
        now = datetime.now(UTC)
        cache_id = fill(playbook.stage4.cluster_id, name_prefix=name_prefix)
        rds_name = "{id}" + default_snapshot_name("", now)

        def take(request: SnapshotRequest | None) -> None:
            if request is not None:
                self.running = True
                self.display = True
                self.update(f"Taking snapshot {request.name} of {request.source_id}…")
                self.journal = journal
                self.take(request, aws)

        self.app.push_screen(
            SnapshotDialog(cache_id, default_snapshot_name(cache_id, now), rds_name), take
        )

    @work(thread=True, exclusive=True, group="preflight-snapshot", exit_on_error=False)
    def take(self, request: SnapshotRequest, aws: EnvSession) -> None:
        region = aws.region_name or ""
        try:
            if request.service == "rds":
                taken = snapshot_rds_instance(
                    aws.client("rds"), request.source_id, request.name, region
                )
            else:
                taken = snapshot_cache_cluster(
                    aws.client("elasticache"), request.source_id, request.name, region
                )
        except Exception:
            self.post_message(self.NotTaken(request))
            raise
        self.post_message(self.Taken(taken))

    @on(NotTaken)
    def failed(self, event: NotTaken) -> None:
        request = event.request
        self.running = False
        self.update(
            Content.styled(f"Snapshot {request.name} of {request.source_id}: not taken.", "$error")
        )
        panel_of(self).focus_after("snapshot")

    @on(Taken)
    def done(self, event: Taken) -> None:
        taken, journal = event.taken, self.journal
        self.running = False
        snap = taken.snapshot
        how = "already existed, kept as is" if taken.already_existed else "taken"
        said = f"{snap.service} snapshot {snap.name} of {snap.source_id}: {snap.status} ({how})"
        if taken.earlier:
            said += f"; {len(taken.earlier)} earlier snapshot(s) exist"
        if journal is not None:
            journal.append(
                SnapshotRecorded(
                    SnapshotPurpose.OPTIONAL,
                    snap.name,
                    snap.source_id,
                    snap.status,
                    taken.already_existed,
                    snap.service,
                    len(taken.earlier),
                    "preflight",
                )
            )
        self.update(Content.styled(said.capitalize(), "$success"))
        panel_of(self).focus_after("snapshot")
