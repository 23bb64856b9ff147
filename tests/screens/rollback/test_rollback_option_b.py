"""Pilot tests of the Rollback step's Option B on moto: the state's versions listed, the
newest before the journaled apply start preselected, the typed phrase needed to push with
-force, another lineage never pushed, and the previous release re-converged with what
tofu left listed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from textual.widgets import Button, DataTable, Input

from tests.support.change_record_check import check_rollback_record
from tests.support.journal import bodies_of
from tests.support.plan_apply_screens import (
    BOOK,
    journal,
    open_step,
    s3_state,
    tf_dir,
    upgrade_journaled_done,
    world_app,
)
from tests.support.plan_apply_screens import remote_world as remote_world_b2
from tests.support.sandbox import new_world, run_tool
from tests.support.screen_text import all_text, text_of
from tests.support.waiting import dialog_focused, focus_on, run_until_idle, settle, wait_until
from tui.core.journal.events import (
    OverrideTyped,
    PlanApplied,
    PlanReviewed,
    RollbackDone,
    RollbackKind,
    StateLeftBehind,
)
from tui.core.steps import StepStatus
from tui.core.tofu.plan.pipeline import Phase
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import World
from tui.screens.plan.pipeline_view import PipelineView
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

KEY = "mocm/prod/terraform.tfstate"


BACKEND = """terraform {{
  backend "s3" {{
    bucket       = "{bucket}"
    key          = "{key}"
    region       = "{region}"
    use_lockfile = true
  }}
}}
"""


def remote_world(tmp_path: Path, aws: AwsEndpoint) -> tuple[World, Any, str, list[str]]:
    """A world whose current release keeps its state in S3: three versions of the key."""
    world = new_world(tmp_path)
    bucket = f"{world.name_prefix}-tfstate"
    s3 = boto3.client("s3", region_name=world.region)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": world.region})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    state = json.loads((tf_dir(world.previous) / "terraform.tfstate").read_text())
    ids = []
    for serial in (state["serial"], state["serial"] + 1, state["serial"] + 2):
        body = json.dumps({**state, "serial": serial}, indent=2).encode()
        ids.append(s3.put_object(Bucket=bucket, Key=KEY, Body=body)["VersionId"])
    # A lock taken and released: a .tflock version and its delete marker share the prefix.
    s3.put_object(Bucket=bucket, Key=KEY + ".tflock", Body=b'{"ID":"x"}')
    s3.delete_object(Bucket=bucket, Key=KEY + ".tflock")
    curr = tf_dir(world.current)
    (curr / "backend.tf").write_text(BACKEND.format(bucket=bucket, key=KEY, region=world.region))
    return world, s3, bucket, ids


def latest_state(s3: Any, bucket: str) -> dict[str, Any]:
    return dict(json.loads(s3.get_object(Bucket=bucket, Key=KEY)["Body"].read()))


async def test_option_b_lists_versions_and_needs_the_typed_phrase_to_force(
    tmp_path: Path, aws: AwsEndpoint
) -> None:
    world, s3, bucket, ids = remote_world(tmp_path, aws)
    init = run_tool(world, ["tofu", "init", "-input=false"], cwd=tf_dir(world.current), **aws.env)
    assert init.returncode == 0, init.stderr
    serial = latest_state(s3, bucket)["serial"]
    app = world_app(world, **aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        await run_until_idle(app, pilot)
        assert "The state is in S3 (Option B)" in text_of(app, "#rb-situation")
        assert "Roll back only that release in the Helm step; OpenTofu needs nothing." in text_of(
            app, "#rb-helm"
        )
        table = app.query_one("#rb-versions", DataTable)
        listed = [version_ids(table)[i] for i in range(table.row_count)]
        assert listed == list(reversed(ids))  # the .tflock object is not a version of the key
        assert "3 version(s)" in text_of(app, "#rb-s3-status")
        assert table.cursor_row == 1  # no apply start in the journal: newest older one

        await pilot.press("d")
        await run_until_idle(app, pilot)
        compare = text_of(app, "#rb-compare")
        assert f"serial {serial - 1}" in compare and f"now has serial {serial}" in compare
        assert "needs -force" in compare
        push = app.query_one("#rb-push", Button)
        assert not push.disabled  # pushing asks for the phrase first
        push.focus()
        await pilot.press("enter")
        await wait_until(app, pilot, dialog_focused(app), "the dialog, focused")
        dialog = app.screen
        assert isinstance(dialog, TypedPhraseDialog)
        assert dialog.phrase == f"push -force serial {serial - 1}"
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("enter")  # Cancel has the focus: nothing is pushed
        await run_until_idle(app, pilot)
        assert not isinstance(app.screen, TypedPhraseDialog)
        assert latest_state(s3, bucket)["serial"] == serial

        push.focus()
        await pilot.press("enter", "shift+tab", *f"push -force serial {serial - 2}", "enter")
        assert "That is not the phrase" in text_of(app, "#dialog-problem")
        phrase = app.screen.query_one("#dialog-input", Input)
        phrase.value = ""
        await pilot.press(*f"push -force serial {serial - 1}", "enter")
        await run_until_idle(app, pilot)
        assert "✔ State restored" in text_of(app, "#rb-s3-status"), all_text(app)
        # This previous release keeps a local state: it cannot be re-converged on S3's.
        problem = text_of(app, "#rb-reconverge-problem")
        assert "Cannot re-converge the previous release" in problem
        assert "does not keep its state in S3" in problem
        assert not app.query(PipelineView)
        assert app.statuses["rollback"] is not StepStatus.DONE

    restored = latest_state(s3, bucket)
    download = tf_dir(world.current) / BOOK.state_rollback_download
    pushed = json.loads(download.read_text())
    assert pushed["serial"] == serial - 1
    # tofu writes the pushed content with the next serial after the one it read back.
    assert restored["resources"] == pushed["resources"]
    assert restored["lineage"] == pushed["lineage"] and restored["serial"] == pushed["serial"] + 1
    assert download.stat().st_mode & 0o777 == 0o600
    override = bodies_of(world.current, OverrideTyped)[-1]
    assert override.action == "tofu state push -force"
    assert override.phrase == f"push -force serial {serial - 1}"
    [restored_record] = bodies_of(world.current, RollbackDone)
    assert restored_record.rollback is RollbackKind.STATE_VERSION
    assert restored_record.undoes == ("plan", "apply")
    pushes = [r for r in journal(world.current) if r["kind"] == "command"]
    assert pushes[-1]["argv"][1:4] == ["state", "push", "-force"]


async def test_option_b_never_pushes_another_lineage(tmp_path: Path, aws: AwsEndpoint) -> None:
    world, s3, bucket, _ = remote_world(tmp_path, aws)
    other = latest_state(s3, bucket) | {"lineage": "00000000-other-history", "serial": 1}
    s3.put_object(Bucket=bucket, Key=KEY, Body=json.dumps(other).encode())
    app = world_app(world, **aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        await run_until_idle(app, pilot)
        await pilot.press("d")
        await run_until_idle(app, pilot)
        assert "Another lineage" in text_of(app, "#rb-compare")
        assert app.query_one("#rb-push", Button).disabled  # no phrase can unlock it
    assert latest_state(s3, bucket)["lineage"] == "00000000-other-history"


def version_ids(table: DataTable[Any]) -> list[str]:
    """The whole version ids, newest first (the table shows their start)."""
    keys = (table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count))
    return [str(key) for key in keys]


def version_time(s3: Any, bucket: str, version_id: str) -> datetime:
    stamp = s3.head_object(Bucket=bucket, Key=KEY, VersionId=version_id)["LastModified"]
    assert isinstance(stamp, datetime)
    return stamp


def until_s3_stamps_after(s3: Any, bucket: str, moment: datetime) -> None:
    """S3 stamps whole seconds: write a probe object until its stamp is later than ``moment``
    (a condition, not a duration: the versions before it are then strictly older)."""
    for _ in range(100_000):
        s3.put_object(Bucket=bucket, Key="probe", Body=b"")
        if s3.head_object(Bucket=bucket, Key="probe")["LastModified"] > moment:
            return
    raise AssertionError("the S3 endpoint's clock did not move on")


async def test_option_b_preselects_the_newest_version_before_the_journaled_apply_start(
    tmp_path: Path, aws: AwsEndpoint
) -> None:
    world, s3, bucket, older = remote_world(tmp_path, aws)
    until_s3_stamps_after(s3, bucket, version_time(s3, bucket, older[-1]))
    app = world_app(world, **aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.wizard.session is not None
        started = app.wizard.session.journal.step_started("apply")  # the upgrade's apply began
        state = latest_state(s3, bucket)
        newer = []  # what the failed apply wrote afterwards
        for serial in (state["serial"] + 1, state["serial"] + 2):
            body = json.dumps(state | {"serial": serial}).encode()
            newer.append(s3.put_object(Bucket=bucket, Key=KEY, Body=body)["VersionId"])
        await open_step(app, pilot, "rollback")
        await run_until_idle(app, pilot)

        table = app.query_one("#rb-versions", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert version_ids(table) == list(reversed(older + newer))
        assert [str(r[3]) for r in rows] == [v[:12] + "…" for v in reversed(older + newer)]
        assert table.cursor_row == 2  # below the two versions the apply wrote
        notes = [getattr(r[1], "plain", r[1]) for r in rows]
        assert notes == ["current", "", "◀ pre-upgrade", "", ""]
        moment = datetime.fromisoformat(started.ts)
        assert (
            "◀ Preselected: the newest version written before the upgrade's apply started "
            f"({moment:%Y-%m-%d %H:%M:%S} UTC, from the journal)."
        ) in text_of(app, "#rb-s3-status")
        second = moment.replace(microsecond=0)  # S3 stamps whole seconds
        assert version_time(s3, bucket, older[-1]) < second <= version_time(s3, bucket, newer[0])

        await pilot.press("d")  # the highlighted one: the pre-upgrade version
        await run_until_idle(app, pilot)
        assert f"Version {older[-1]} " in text_of(app, "#rb-compare")
        assert f"serial {state['serial']} " in text_of(app, "#rb-compare")
        assert f"now has serial {state['serial'] + 2} " in text_of(app, "#rb-compare")
    download = tf_dir(world.current) / BOOK.state_rollback_download
    assert json.loads(download.read_text())["serial"] == state["serial"]


async def test_option_b_re_converges_the_previous_release_and_lists_what_tofu_left(
    tmp_path: Path, aws: AwsEndpoint
) -> None:
    """B.2 on the demo world: the upgrade applied in S3, then rolled back — the pre-upgrade
    version pushed, the Valkey stack it created listed as unmanaged, and the previous
    release planned, reviewed with the rollback rules and applied on the restored state."""
    world, s3, bucket = remote_world_b2(tmp_path)
    prev, curr = tf_dir(world.previous), tf_dir(world.current)
    before = s3_state(s3, bucket)
    upgrade = (["tofu", "init", "-input=false"], ["tofu", "plan", "-out", "tfplan"])
    for argv in (*upgrade, ["tofu", "apply", "tfplan"]):
        done = run_tool(world, argv, cwd=curr, **aws.env)
        assert done.returncode in (0, 2) if argv[1] == "plan" else done.returncode == 0, done.stderr
    upgraded = s3_state(s3, bucket)
    created = sorted(
        f"{r['type']}.{r['name']}" for r in upgraded["resources"] if r["mode"] == "managed"
    )
    kept = {f"{r['type']}.{r['name']}" for r in before["resources"] if r["mode"] == "managed"}
    left = [address for address in created if address not in kept]
    assert left and all("valkey" in address for address in left)

    app = world_app(world, **aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "rollback")
        upgrade_journaled_done(app)
        await run_until_idle(app, pilot)
        table = app.query_one("#rb-versions", DataTable)
        await wait_until(app, pilot, focus_on(app, "#rb-versions"), "open.b: the versions")
        ids = version_ids(table)
        table.move_cursor(row=len(ids) - 1)  # the oldest: the state before the upgrade
        await pilot.press("d")
        await run_until_idle(app, pilot)
        await wait_until(app, pilot, focus_on(app, "#rb-push"), "downloaded: Push next")
        compare = text_of(app, "#rb-compare")
        assert f"{len(left)} resource(s) in the state now (after the upgrade)" in compare
        assert all(address in compare for address in left)
        await pilot.press("P")
        await wait_until(app, pilot, dialog_focused(app), "the dialog, focused")
        assert isinstance(app.screen, TypedPhraseDialog)
        await pilot.press("shift+tab", *f"push -force serial {before['serial']}", "enter")
        await run_until_idle(app, pilot)
        assert "✔ State restored" in text_of(app, "#rb-s3-status"), all_text(app)
        unmanaged = text_of(app, "#rb-left-behind")
        assert "tofu will neither manage nor destroy them, they stay in AWS" in unmanaged
        assert all(f"• {address}" in unmanaged for address in left)
        assert app.statuses["rollback"] is not StepStatus.DONE  # not until re-applied

        view = app.query_one("#rb-pipeline", PipelineView)
        assert view.target.workdir == prev and view.target.stage == "rollback"
        assert view.target.remote and "Option B.2 (S3 backend)" in text_of(app, "#rb-status")
        assert app.focused is view.query_one("#rb-plan-button")
        await pilot.press("p")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.REVIEWED, all_text(app)
        assert "via tofu state pull" in text_of(app, "#rb-status")
        await pilot.press("a")  # the gate is the apply's question: it opens on Cancel
        await wait_until(app, pilot, dialog_focused(app), "the dialog, focused")
        gate = app.screen
        assert isinstance(gate, ConfirmDialog) and gate.destructive, all_text(app)
        await pilot.press("y")
        await run_until_idle(app, pilot)
        assert view.core.phase is Phase.APPLIED, all_text(app)
        assert "re-applied on the restored state" in text_of(app, "#rb-s3-status")
        assert app.statuses["rollback"] is StepStatus.DONE

    records = journal(world.current)
    commands = [(r["argv"][1:], r["cwd"]) for r in records if r["kind"] == "command"]
    pushed = next(i for i, (argv, _) in enumerate(commands) if argv[:2] == ["state", "push"])
    in_previous = [argv[0] for argv, cwd in commands[pushed + 1 :] if cwd == str(prev)]
    assert in_previous[:2] == ["init", "plan"] and in_previous[-1] == "apply"
    inits = [argv for argv, _ in commands[pushed:] if argv[0] == "init"]
    assert inits and "-upgrade" not in inits[0]  # B keeps the previous release's provider lock
    applied_in = [cwd for argv, cwd in commands if argv[0] == "apply"]
    assert applied_in == [str(prev)]  # the previous release, nothing in the current one
    [behind] = bodies_of(world.current, StateLeftBehind)
    assert list(behind.addresses) == left and behind.step == "rollback"
    reviewed = bodies_of(world.current, PlanReviewed)
    assert [(r.stage, r.workdir, r.plan.state and r.plan.state.source) for r in reviewed] == [
        ("rollback", str(prev), "state pull")
    ]
    [applied] = bodies_of(world.current, PlanApplied)
    assert (applied.stage, applied.workdir) == ("rollback", str(prev))
    restored = s3_state(s3, bucket)
    assert restored["lineage"] == before["lineage"]
    assert {
        f"{r['type']}.{r['name']}" for r in restored["resources"] if r["mode"] == "managed"
    } == kept
    check_rollback_record(world.current, RollbackKind.STATE_VERSION)
