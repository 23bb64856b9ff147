"""Pilot tests of the Carry-over step on the demo world: preview, apply, verify, refuse."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import hcl2
import pytest
from textual.widgets import Button, DataTable

from tests.support.screen_text import text_of
from tests.support.tofu_steps import (
    BOOK,
    SeededWorld,
    journal,
    next_enabled,
    open_step,
    seeded_world,
    table_rows,
    world_app,
)
from tests.support.waiting import WizardPilot, dialog_focused, run_until_idle, settle, wait_until
from tui.app import WizardApp
from tui.core.steps import StepStatus
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.widgets.dialogs.confirm import ConfirmDialog

BLOCK_MARK = "# Valkey Configuration (single node, no replica)"


@pytest.fixture
def seeded(aws: AwsEndpoint, tmp_path: Path) -> SeededWorld:
    return seeded_world(tmp_path, aws)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(app: WizardApp) -> dict[str, list[str]]:
    return {row[1]: row for row in table_rows(app, "#co-table")}


async def apply_now(app: WizardApp, pilot: WizardPilot) -> None:
    """a asks first (the dialog lists what will be written); a again applies."""
    app.query_one("#co-table", DataTable).focus()
    await pilot.press("a")
    await settle(app, pilot)
    if isinstance(app.screen, ConfirmDialog):  # a blocked carry-over asks nothing
        await wait_until(app, pilot, dialog_focused(app), "the carry-over question, focused")
        await pilot.press("a")
    await run_until_idle(app, pilot)


async def test_apply_asks_first_and_enter_cancels(seeded: SeededWorld) -> None:
    before = {p.name: sha(p) for p in seeded.current_tf.iterdir() if p.is_file()}
    app = world_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "carry_over")
        assert app.focused is app.query_one("#co-apply", Button)  # the next action
        await pilot.press("a")
        await wait_until(app, pilot, dialog_focused(app), "the carry-over question, focused")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = text_of(app, "#dialog-body")
        assert "copy      terraform.tfstate" in body
        assert "terraform.tfvars.pre-carry-over-append first" in body
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("enter")  # Enter cancels: nothing is written
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert not app.query_one("#co-result").display
        assert app.statuses["carry_over"] is StepStatus.IN_PROGRESS
    assert {p.name: sha(p) for p in seeded.current_tf.iterdir() if p.is_file()} == before
    assert not [r for r in journal(seeded.world.current) if r["kind"] == "file_op"]


async def test_table_stays_readable_at_80x24(seeded: SeededWorld) -> None:
    """Each column keeps a readable width; the checksums leave room to the reasons."""
    app = world_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "carry_over")
        table = app.query_one("#co-table", DataTable)
        widths = {str(c.label): c.width for c in table.columns.values()}
        assert list(widths) == ["status", "file", "what happens"]
        assert widths["file"] >= 16 and widths["what happens"] >= 24
        assert sum(w + 2 for w in widths.values()) <= table.size.width
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert [str(c.label) for c in table.columns.values()] == [
            "status",
            "file",
            "sha256",
            "what happens",
        ]


async def test_option_a_preview_apply_verify(seeded: SeededWorld) -> None:
    src, dst = seeded.previous_tf, seeded.current_tf
    tfvars_before = (src / BOOK.tfvars_file).read_bytes()
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "carry_over")
        shown = rows(app)
        assert shown["terraform.tfstate"][0] == "copy"
        assert shown["terraform.tfstate"][2] == sha(src / "terraform.tfstate")[:12] + "…"
        assert shown["terraform.tfstate.backup"][0] == "copy"
        assert shown["terraform.tfvars"][0] == "copy"
        assert shown["backend.tf"][0] == "skipped"
        assert shown[".terraform.lock.hcl"][0] == "identical"
        assert shown["terraform.tfvars (+ valkey_* block)"][0] == "append"
        assert shown[f"{BOOK.parked_name} → {BOOK.active_name}"][0] == "activate"
        assert text_of(app, "#co-summary").startswith("Option A (local state): ")
        # The append row shows the block as a diff.
        table = app.query_one("#co-table", DataTable)
        table.move_cursor(row=list(shown).index("terraform.tfvars (+ valkey_* block)"))
        await pilot.pause()
        detail = text_of(app, "#co-detail")
        assert f"+{BLOCK_MARK}" in detail and "+valkey_port                       = 6379" in detail
        assert not next_enabled(app)
        assert not app.query_one("#co-apply", Button).disabled

        await apply_now(app, pilot)
        assert "verified" in text_of(app, "#co-result")
        after = rows(app)
        assert after["terraform.tfstate"][0] == "identical"
        assert after["terraform.tfvars"][0] == "identical"
        assert after["terraform.tfvars (+ valkey_* block)"][0] == "present"
        assert after[f"{BOOK.parked_name} → {BOOK.active_name}"][0] == "active"
        assert app.statuses["carry_over"] is StepStatus.DONE
        assert next_enabled(app)
        assert app.query_one("#co-apply", Button).disabled

    for name in ("terraform.tfstate", "terraform.tfstate.backup"):
        assert sha(dst / name) == sha(src / name)
    tfvars = (dst / BOOK.tfvars_file).read_bytes()
    assert tfvars.startswith(tfvars_before)  # the customer's lines byte for byte
    assert tfvars.decode().count(BLOCK_MARK) == 1
    parsed = hcl2.loads(tfvars.decode())
    assert parsed["valkey_port"] == 6379
    assert (dst / BOOK.active_name).exists() and not (dst / BOOK.parked_name).exists()
    ops = [r for r in journal(seeded.world.current) if r["kind"] == "file_op"]
    by_path = {(r["op"], Path(r["path"]).name): r for r in ops}
    copied = by_path[("copy", "terraform.tfstate")]
    assert copied["sha256_after"] == sha(dst / "terraform.tfstate")
    assert by_path[("append", BOOK.tfvars_file)]["sha256_after"] == sha(dst / BOOK.tfvars_file)
    assert ("backup", f"{BOOK.tfvars_file}.pre-carry-over-append") in by_path
    assert ("rename", BOOK.active_name) in by_path
    assert all(r["step"] == "carry_over" for r in ops)

    # A second visit (a restart) previews nothing to write: the block is not appended twice.
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "carry_over")
        again = rows(app)
        assert again["terraform.tfvars (+ valkey_* block)"][0] == "present"
        assert "already has valkey_" in again["terraform.tfvars (+ valkey_* block)"][3]
        assert "nothing left to write" in text_of(app, "#co-summary")
        assert next_enabled(app)
    assert (dst / BOOK.tfvars_file).read_bytes() == tfvars


async def test_state_of_another_history_blocks_apply(seeded: SeededWorld) -> None:
    dst = seeded.current_tf / "terraform.tfstate"
    other = json.loads((seeded.previous_tf / "terraform.tfstate").read_text())
    other["lineage"] = str(uuid.uuid4())
    dst.write_text(json.dumps(other))
    before = {p.name: sha(p) for p in seeded.current_tf.iterdir() if p.is_file()}
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "carry_over")
        row = rows(app)["terraform.tfstate"]
        assert row[0] == "✖ blocked (refused)"
        assert "belongs to another state history" in row[3]
        summary = text_of(app, "#co-summary")
        assert "1 operation(s) block the carry-over" in summary
        assert app.query_one("#co-apply", Button).disabled
        await apply_now(app, pilot)  # the key does nothing either
        assert not app.query_one("#co-result").display
        assert app.statuses["carry_over"] is StepStatus.IN_PROGRESS
        assert not next_enabled(app)
    assert {p.name: sha(p) for p in seeded.current_tf.iterdir() if p.is_file()} == before
    assert not [r for r in journal(seeded.world.current) if r["kind"] == "file_op"]


async def test_undecided_backend_says_so(seeded: SeededWorld) -> None:
    (seeded.previous_tf / "terraform.tfstate").unlink()
    app = world_app(seeded)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "carry_over")
        assert "Finish the Backend step (3) first." in text_of(app, "#co-summary")
        assert app.query_one("#co-apply", Button).disabled
