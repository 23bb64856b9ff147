"""Issue 14: the real wizard in a real terminal, killed with SIGKILL at each step, restarted
with the same directories: what the operator sees, and what is on disk.

One upgrade, driven by keys through tmux on the seeded demo world (moto's server on
127.0.0.1, the stand-in tofu/helm/helmfile), with the wizard's process killed at every
point the issue names: after B.1, mid-carry-over, after the plan was approved, mid-apply,
with unsaved values edits, mid-sync. Each restart must land on the step, keep what was
done, and offer only the safe next action. Waits are on screen text or files, never on time.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

from tests.e2e.tmux_support import TmuxScreen, tmux
from tests.support.change_record_check import check_record, parse_record
from tests.support.journal import bodies_of
from tests.support.sandbox import new_world, world_processes
from tui.core.journal.reader import read_journal
from tui.core.journal.records import (
    ChildChoice,
    ChildHandled,
    CommandChild,
    CommandInterrupted,
    CommandRun,
    FileOp,
)
from tui.core.journal.writer import Workspace
from tui.core.playbook.load import load_playbook
from tui.core.secrets.redact import Redactor
from tui.core.tofu.statefile import read_state
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.seed import seed_world
from tui.sandbox.world import World, world_env

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
BIN = str(Path(sys.executable).parent / "mocm-upgrade")
BOOK = load_playbook()
TF = Path("terraform") / "aws"
STATE_KEY = "mocm/prod/terraform.tfstate"  # the world's backend.tf.example
SLOW = 60.0  # bound for a screen that waits on tofu/helm stand-ins on a busy machine


def wait_for_path(predicate: Callable[[], bool], what: str, timeout: float = SLOW) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)  # polling interval, not a wait for an outcome
    raise AssertionError(what)


def descendants(pid: int) -> Iterator[int]:
    """``pid`` and every process below it (from /proc's children lists)."""
    yield pid
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            yield from descendants(int(child))


def argv_of(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def gone(pid: int) -> bool:
    """The process ended (a zombie counts: it runs no more code)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@dataclass
class Upgrade:
    """The demo world, the endpoint, and the wizard started and killed on it."""

    world: World
    env: dict[str, str]
    tmp: Path
    screen: TmuxScreen | None = None
    kills: list[str] = field(default_factory=list)

    @property
    def journal(self) -> Workspace:
        return Workspace(self.world.current)

    def start(self, **knobs: str) -> TmuxScreen:
        """The wizard on the world's two releases, as the operator types it."""
        assert self.screen is None or not self.screen.alive()
        argv = [BIN, str(self.world.previous), str(self.world.current)]
        self.screen = TmuxScreen(argv, self.tmp, self.env | knobs)
        return self.screen

    def wizard_pid(self) -> int:
        assert self.screen is not None
        pane = tmux("display", "-p", "-t", self.screen.name, "#{pane_pid}").stdout.strip()
        for pid in descendants(int(pane)):
            if any(part.endswith("mocm-upgrade") for part in argv_of(pid)[:2]):
                return pid
        raise AssertionError(f"no mocm-upgrade process under the pane {pane}")

    def kill(self, point: str) -> list[int]:
        """SIGKILL the wizard's process (nothing else); return what it left running."""
        assert self.screen is not None
        pid = self.wizard_pid()
        os.kill(pid, signal.SIGKILL)
        wait_for_path(lambda: gone(pid), f"the wizard {pid} survived SIGKILL")
        self.screen.wait_gone()
        self.kills.append(point)
        return [int(line.split(":", 1)[0]) for line in world_processes(self.world.root, 0)]

    def stop_orphans(self, orphans: list[int]) -> None:
        """What the killed wizard left running is stopped as tofu must be: SIGINT (the
        stand-ins then leave as the real tools do)."""
        for pid in orphans:
            os.kill(pid, signal.SIGINT)
        for pid in orphans:
            wait_for_path(lambda pid=pid: gone(pid), f"{pid} ignored SIGINT")  # type: ignore[misc]

    def wait(self, *words: str, timeout: float = SLOW) -> str:
        assert self.screen is not None
        return self.screen.wait_for(lambda text: all(w in text for w in words), timeout)

    def keys(self, *keys: str) -> None:
        assert self.screen is not None
        self.screen.keys(*keys)

    def type(self, text: str) -> None:
        assert self.screen is not None
        tmux("send-keys", "-t", self.screen.name, "-l", text)

    def close(self) -> None:
        if self.screen is not None:
            self.screen.kill()
        for line in world_processes(self.world.root, 0):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)


@pytest.fixture
def upgrade(aws: AwsEndpoint, tmp_path: Path) -> Iterator[Upgrade]:
    world = new_world(tmp_path)
    seed_world(world, aws.env, BOOK)
    home = tmp_path / "home"
    home.mkdir()
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    env = world_env(world, aws.env, base) | {"TZ": "UTC", "MOCM_SANDBOX_HELM_SECONDS": "0"}
    run = Upgrade(world, env, tmp_path)
    try:
        yield run
    finally:
        run.close()


def tf(release: Path) -> Path:
    return release / TF


def s3_state(world: World) -> dict[str, object]:
    s3 = boto3.client("s3", region_name=world.region)
    body = s3.get_object(Bucket=f"{world.name_prefix}-tfstate", Key=STATE_KEY)["Body"]
    return dict(json.loads(body.read()))


def commands(world: World, word: str) -> list[CommandRun]:
    return [c for c in bodies_of(world.current, CommandRun) if word in c.argv[1:3]]


def check_change_record(world: World) -> None:
    """The change record the CLI writes tells every journal line, and the kills as they were."""
    out = subprocess.run(
        [BIN, "report", "--release", str(world.current), "--out", "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=SLOW,
    ).stdout
    records = read_journal(Workspace(world.current).journal_path).records
    counts = check_record(records, out, Redactor().redact)
    assert counts["command_interrupted"] == 2 and counts["session_started"] == 7
    assert counts["child_handled"] == 2  # the apply stopped (k), the sync waited for (w)
    steps = {row["Step"]: row["Status"] for row in parse_record(out)["Steps"].table("Step").rows}
    done = ["Releases", "Preflight", "Backend", "Carry-over", "Plan", "Apply", "Values"]
    assert steps == {
        **dict.fromkeys(done, "done"),
        "Helm": "in progress",
        "Stage 4": "not started",
        "Rollback": "not started",
    }
    assert "| draft restored | 1 |" in out
    assert out.count("interrupted (found at the restart of") == 2


def through_preflight(run: Upgrade) -> None:
    run.wait("build 10.6.2605", "What's new")
    run.keys("F3")
    text = run.wait("2. Preflight", "State backup", "pass")
    if "fix or waive (w)" in text:  # moto answers DLM with HTTP 500: the operator waives it
        run.wait("fix or waive (w)", "MongoDB EBS snapshots: ✖ fail")
        run.keys("w")
        run.wait("Why it is safe to go on")
        run.type("DLM policy checked in the console")
        run.keys("Enter")
        run.wait("waived (journaled)")
    run.keys("b")
    run.wait("0 fail · 0 warn")
    run.keys("F3")


def through_b1(run: Upgrade) -> None:
    run.wait("3. Backend", "Option A — the state is local")
    run.keys("m")
    run.wait("Write backend.tf and migrate (w)")
    run.keys("w")
    run.wait("Do you want to copy existing state to the new backend?", "Answer yes (y)")
    run.keys("y")
    run.wait("Option B.2 — the state is in S3", "Only then was the local file renamed")


def test_killed_at_every_step_the_restart_lands_there_and_loses_nothing(
    upgrade: Upgrade,
) -> None:
    run, world = upgrade, upgrade.world
    lineage = read_state(tf(world.previous) / BOOK.state_file).lineage

    # (a) After B.1: the state lives in S3 now; every later read must follow backend.tf.
    run.start()
    through_preflight(run)
    through_b1(run)
    assert run.kill("after B.1") == []
    run.start()
    text = run.wait(
        "Resumed where you were: Backend", "Option B.2 — the state is in S3", "✔  3 Backend"
    )
    assert "✔  2 Preflight" in text
    assert "preparing failed" not in text and "FileNotFoundError" not in text
    assert not (tf(world.previous) / BOOK.state_file).exists()
    assert read_state(tf(world.previous) / BOOK.state_migrated).lineage == lineage
    assert s3_state(world)["lineage"] == lineage
    run.keys("F3")
    run.wait("4. Carry-over", "Option B.2 (state in S3): 2 copy, 1 append, 1 activate")

    # (b) Mid-carry-over: killed as soon as its first file operation is journaled.
    run.keys("a")
    run.wait("Apply the carry-over?", "Apply (a)")
    before = len(bodies_of(world.current, FileOp))
    run.keys("a")
    wait_for_path(
        lambda: len(bodies_of(world.current, FileOp)) > before, "no carry-over file journaled"
    )
    assert run.kill("mid-carry-over") == []
    written = len(bodies_of(world.current, FileOp)) - before
    run.start()
    text = run.wait("4. Carry-over", "Option B.2 (state in S3)")
    assert "Resumed where you were: Carry-over" in text
    if "nothing left to write" not in text:  # what the kill cut off is previewed again
        assert "press a to apply" in text, text
        run.keys("a")
        run.wait("Apply the carry-over?")
        run.keys("a")
    run.wait("everything is carried over and verified (nothing left to write)", "✔  4 Carry-over")
    current = tf(world.current)
    assert (current / "backend.tf").read_bytes() == (tf(world.previous) / "backend.tf").read_bytes()
    assert (current / "terraform.tfvars").read_text().count("valkey_engine_version") == 1
    assert (current / "09-elasticache.tf").is_file()
    assert not (current / "09-elasticache.tf.2603").exists()
    assert not [p.name for p in current.iterdir() if ".tmp" in p.name or p.name.startswith(".#")]
    assert written >= 1

    # Killed with the plan approved and not applied: the approval stands (same plan, state).
    run.keys("F3")
    run.wait("5. Plan")
    run.keys("p")
    run.wait("Reviewed. Press g to approve it for apply", "create 7")
    run.keys("g")
    run.wait("Approve this plan?", "Approve (y)")
    run.keys("y")
    run.wait("Plan approved. Next: Apply (F3).")
    run.keys("F3")
    run.wait("6. Apply", "Press a to check the approved plan")
    assert run.kill("plan approved") == []

    # (c) Mid-apply: the stand-in's apply blocks until signalled, like a long apply.
    run.start(MOCM_STANDIN_TOFU_HANG="apply")
    run.wait("Resumed where you were: Apply", "Press a to check the approved plan")
    run.keys("a")
    run.wait("Apply the approved plan?", "Apply (y)")
    run.keys("y")
    run.wait("tofu apply hangs until signalled")
    orphans = run.kill("mid-apply")
    assert [argv_of(pid)[-4:] for pid in orphans] == [
        ["apply", "-input=false", "-no-color", "tfplan"]
    ]
    [apply_pid] = orphans
    group = os.getpgid(apply_pid)  # its own session: the killed wizard's kill missed it
    child = bodies_of(world.current, CommandChild)[-1]  # the last command started
    assert (child.pid, child.pgid, child.step) == (apply_pid, group, "apply")
    applies_before = len(commands(world, "apply"))
    # The restart finds the apply still running: it says so, plans and applies nothing.
    run.start(MOCM_SANDBOX_HANG="sync")
    text = run.wait("Still running: a command the stopped wizard started", "Stop it")
    assert f"still running as pid {apply_pid}" in text, text
    assert "Interrupted while a command ran" not in text and not gone(apply_pid)
    run.keys("k")  # stop it: SIGTERM to its process group
    wait_for_path(lambda: gone(apply_pid), "the apply survived k (SIGTERM to its group)")
    # behind the question: the step the apply ran on
    text = run.wait("Interrupted while a command ran", "Plan again", "6. Apply")
    [stopped] = bodies_of(world.current, ChildHandled)
    assert stopped.choice is ChildChoice.STOPPED and stopped.pid == apply_pid
    assert "tofu apply -input=false -no-color tfplan (Apply step)" in text
    assert "never finished" in text and "never re-apply" in text
    assert "Apply (y)" not in text and "Continue" not in text  # only the new plan is offered
    run.keys("Enter")
    text = run.wait("5. Plan", "Reviewed. Press g to approve it for apply")
    [cut] = bodies_of(world.current, CommandInterrupted)
    assert cut.argv[1] == "apply" and cut.step == "apply"
    assert len(commands(world, "apply")) == applies_before  # nothing re-applied
    run.keys("g")
    run.wait("Approve this plan?", "Approve (y)")
    run.keys("y")
    run.wait("Plan approved. Next: Apply (F3).")
    run.keys("F3")
    run.wait("Press a to check the approved plan")
    run.keys("a")
    run.wait("Apply the approved plan?", "Apply (y)")
    run.keys("y")
    run.wait("✔ Applied.", "Apply complete! Resources: 7 added", "Archive verified")
    assert s3_state(world)["serial"] == 58  # the apply wrote through the configured backend

    # Values: an edit not saved, then killed: the draft (0600) is offered back.
    run.keys("F3")
    run.wait("7. Values", "nothing unsaved")
    draft = world.current / ".mocm-upgrade" / "values-draft.json"
    run.keys("p")
    run.wait("global.image.registry  placeholder")
    run.keys("Right")
    run.wait("unsaved changes")
    wait_for_path(draft.is_file, "no draft written after the edit")
    assert draft.stat().st_mode & 0o777 == 0o600
    assert run.kill("values with unsaved edits") == []
    run.start(MOCM_SANDBOX_HANG="sync")
    text = run.wait("Unsaved values edits found", "port global.image.registry")
    assert "1 edit(s) you had not saved" in text
    run.keys("r")
    run.wait("Restored 1 unsaved edit(s)")
    run.keys("a")
    run.wait("Auto-fill:")
    run.keys("y")
    run.wait("Placeholders left 1", "credentials.valkey.existingSecret.name")
    run.keys("e")
    run.keys("C-u")
    run.type("mocm-valkey-auth")
    run.keys("Enter")
    run.wait("Placeholders left 0")
    run.keys("s")
    run.wait("Save values.yaml?", "Write the file (y)")
    run.keys("y")
    run.wait("Saved values.yaml (verified)")
    saved = (world.current / "mocm" / "values.yaml").read_text()
    assert 'registry: "123456789012.dkr.ecr.eu-central-1.amazonaws.com"' in saved

    # (d) Mid-sync: helmfile sync hangs on its first release until signalled.
    run.keys("F3")
    run.wait("8. Helm", "1 of 8 images missing in ECR")
    run.keys("l")
    run.wait("All 8 images are in ECR.")
    run.keys("2", "a")
    run.wait("Acknowledged (journaled)")
    run.keys("4", "i")
    run.keys("5", "d")
    run.keys("6")
    run.wait("Ready to sync (s)")
    run.keys("s")
    run.wait("Upgrade the Helm releases?", "Sync (y)")
    run.keys("y")
    run.wait("Upgrading release=mocm-bootstrap-1", "upgrading…")
    orphans = run.kill("mid-sync")
    assert [argv_of(pid)[-1] for pid in orphans] == ["sync"]
    # The restart finds the sync still running; the operator waits for it (w) and it ends
    # (here: stopped from elsewhere, as another terminal would).
    run.start()
    text = run.wait("Still running: a command the stopped wizard started", "Wait")
    assert str(orphans[0]) in text
    run.keys("w")
    text = run.wait("Still running: waiting for it to end", "Quit (q)")
    assert f"(pid {orphans[0]}) to end: waiting for it to end" in text
    run.stop_orphans(orphans)
    text = run.wait("Interrupted while a command ran", "Continue", "8. Helm")
    handled = [h.choice for h in bodies_of(world.current, ChildHandled)]
    assert handled == [ChildChoice.STOPPED, ChildChoice.WAITED]
    assert "sync (Helm step)" in text and "never finished" in text
    assert "half-upgraded" in text
    run.keys("Enter")
    run.wait("Resumed where you were: Helm", "All 8 images are in ECR.")
    run.keys("6")
    text = run.wait("mocm-bootstrap-1     ⚠ interrupted during its upgrade", "was cut off")
    assert "mocm-bootstrap-2     · pending" in text and "mocm-service         · pending" in text
    assert "Roll back mocm-bootstrap-1 only, to revision 8" in text
    assert "Roll back mocm-bootstrap-2" not in text  # never touched: nothing to roll back
    store = json.loads(world.helm_store.read_text())
    assert "pending-upgrade" in json.dumps(store)
    run.keys("C-q")
    assert run.screen is not None
    run.screen.wait_gone()
    assert not (world.current / ".mocm-upgrade" / "lock.json").exists()
    check_change_record(world)
    assert run.kills == [
        "after B.1",
        "mid-carry-over",
        "plan approved",
        "mid-apply",
        "values with unsaved edits",
        "mid-sync",
    ]
