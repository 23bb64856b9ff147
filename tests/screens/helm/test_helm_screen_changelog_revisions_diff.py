"""Pilot tests of the Helm step's sections before the sync on the sandbox world: the
CHANGELOG's items highlighted and acknowledged, the revisions recorded before the sync (or
a first install), and the diff grouped per release (no changes read from the exit code)."""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from tests.support.helm_screen import (
    BOOK,
    helm_app,
    open_helm,
    panel_of,
    press,
    table_text,
    text_of,
)
from tests.support.journal import bodies_of
from tests.support.sandbox import run_tool
from tui.core.journal.events import ChangelogAcknowledged, HelmRevisionRecorded
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.helm_store import load_store, save_store
from tui.sandbox.world import World


async def test_changelog_items_highlighted_and_acknowledged(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "2")
        entry = text_of(app, "#cl-entry")
        assert "## [10.6.2605] - 2026-05-04" in entry
        assert "5 items under Changed / Removed" in entry
        assert "▶ The `mocm-service-legacy-redis-check` job." in entry  # Removed
        assert "▶ The `mocm-service-credentials` secret gains `VALKEY_USERNAME`." in entry
        assert "• `monitoring.otel`: optional OpenTelemetry traces." in entry  # Added: plain
        highlighted = app.query_one("#cl-entry", Static).content
        assert isinstance(highlighted, Content)
        assert sum(1 for span in highlighted.spans if "on $warning" in str(span.style)) == 5
        await press(app, pilot, "5")
        assert panel_of(app).check_action("diff", ()) is None  # the diff waits for it
        await press(app, pilot, "2", "a")
        assert "Acknowledged (journaled)" in text_of(app, "#cl-status")
        await press(app, pilot, "5")
        assert panel_of(app).check_action("diff", ()) is True
    [ack] = bodies_of(world.current, ChangelogAcknowledged)
    assert ack.version == "10.6.2605" and len(ack.items) == 5
    assert ack.fingerprint is not None and re.fullmatch(r"[0-9a-f]{12}", ack.fingerprint)


async def test_changelog_without_this_version(world: World, aws: AwsEndpoint) -> None:
    path = world.current / "mocm" / "CHANGELOG.md"
    text = path.read_text()
    path.write_text(text[: text.index("## [10.6.2605]")] + text[text.index("## [10.5.2603]") :])
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        entry = text_of(app, "#cl-entry")
        assert "has no entry for version 10.6.2605" in entry
        assert "versions found: 10.5.2603, 10.4.2511" in entry
        await press(app, pilot, "2", "a")
    [ack] = bodies_of(world.current, ChangelogAcknowledged)
    assert (ack.version, ack.fingerprint) == ("10.6.2605", None) and ack.problem


async def test_revisions_recorded_before_sync(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        table = table_text(app, "#hist-table")
        assert "mocm-service" in table and "rev 6" in table
        assert "✔ Revisions recorded before sync at " in text_of(app, "#hist-status")
    assert bodies_of(world.current, HelmRevisionRecorded) == [
        HelmRevisionRecorded("mocm-bootstrap-1", 8, "mocm-bootstrap-1-10.5.2603", False),
        HelmRevisionRecorded("mocm-bootstrap-2", 8, "mocm-bootstrap-2-10.5.2603", False),
        HelmRevisionRecorded("mocm-service", 6, "mocm-service-10.5.2603", False),
    ]


async def test_release_without_history_is_a_first_install(world: World, aws: AwsEndpoint) -> None:
    store = load_store(world.helm_store)
    del store["releases"]["fusion/mocm-bootstrap-2"]
    save_store(world.helm_store, store)
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        assert "first install: not in the cluster yet" in table_text(app, "#hist-table")
    assert HelmRevisionRecorded("mocm-bootstrap-2", None, "", True) in bodies_of(
        world.current, HelmRevisionRecorded
    )


async def test_diff_grouped_per_release_with_counts(world: World, aws: AwsEndpoint) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "2", "a", "5", "d")
        assert text_of(app, "#diff-status").startswith("3 releases will change (exit 2).")
        summary = text_of(app, "#diff-summary")
        assert "mocm-bootstrap-1       1 resource changed" in summary
        assert "mocm-service           6 resources changed" in summary
        groups = list(app.query(".diff-release").results(Static))
        headings = [str(g.content).splitlines()[0] for g in groups]
        assert [h.split(" — ")[0] for h in headings] == list(BOOK.helm_releases)
        service = groups[2].content
        assert isinstance(service, Text)  # the diff view hands its Static a Rich Text
        assert "Job (batch) has been removed:" in str(service)
        assert "-   ADMIN_PASSWORD: '******** # (hidden by mocm-upgrade)'" in str(service)
        assert "+   VALKEY_USERNAME: '++++++++ # (6 bytes)'" in str(service)
        colours = {str(s.style) for s in service.spans}
        assert any("green" in c or "#" in c for c in colours)
    password = (world.previous / "mocm" / "values.yaml").read_text()
    secret = password.split('password: "', 1)[1].split('"', 1)[0]
    assert secret not in (world.current / ".mocm-upgrade" / "journal.jsonl").read_text()


async def test_no_changes_is_read_from_the_exit_code(world: World, aws: AwsEndpoint) -> None:
    assert (
        run_tool(world, ["helmfile", "-f", "helmfile.yaml", "-n", "fusion", "sync"]).returncode == 0
    )
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "2", "a", "5", "d")
        assert (
            text_of(app, "#diff-status").strip() == "No changes (exit 0 with --detailed-exitcode)."
        )
        assert "No changes" in text_of(app, "#diff-summary")
