"""A helmfile sync cut off by a killed wizard, read back from the journal and the transcript the
wizard wrote line by line until the kill: only the release that was upgrading is interrupted,
the ones never reached are not started (no rollback offered for them)."""

from __future__ import annotations

from pathlib import Path

from tui.core.helm.journal_readback import INTERRUPTED, cut_off_sync, read_helm_journal
from tui.core.journal.events import HelmRevisionRecorded
from tui.core.journal.reader import read_journal
from tui.core.journal.records import CommandInterrupted
from tui.core.journal.transcripts import Transcripts
from tui.core.journal.writer import Journal, Workspace

RELEASES = ("mocm-bootstrap-1", "mocm-bootstrap-2", "mocm-service")
SYNC = ("helmfile", "--kube-context", "ctx", "-f", "helmfile.yaml", "-n", "fusion", "sync")
# What the stand-in (like helmfile) printed before the kill: the first release was upgrading.
BEFORE_THE_KILL = [
    "Building dependency release=mocm-service, chart=charts/mocm-service",
    "Saving 1 charts",
    "Upgrading release=mocm-bootstrap-1, chart=charts/mocm-bootstrap-1, namespace=fusion",
]
FIRST_DONE = [
    "Upgrading release=mocm-bootstrap-1, chart=charts/mocm-bootstrap-1, namespace=fusion",
    'Release "mocm-bootstrap-1" has been upgraded. Happy Helming!',
    "NAME: mocm-bootstrap-1",
    "STATUS: deployed",
    "REVISION: 9",
    "Upgrading release=mocm-bootstrap-2, chart=charts/mocm-bootstrap-2, namespace=fusion",
]


def killed_mid_sync(release: Path, printed: list[str]) -> Workspace:
    """The journal and the unclosed transcript a wizard killed during the sync leaves,
    then the restart's CommandInterrupted (as the Session journals it)."""
    workspace = Workspace(release)
    journal = Journal.open(workspace)
    for n, name in enumerate(RELEASES):
        journal.append(HelmRevisionRecorded(name, 8 - n, f"{name}-10.5.2603", False, 0, "helm"))
    transcript = Transcripts(workspace).open(SYNC, release)
    for line in printed:
        transcript.line("stderr", line)
    transcript.flush()  # the lines reached the file before the kill
    run_id = journal.command_started(SYNC, release, transcript.name, "helm")
    # no close: SIGKILL. The restart:
    started = next(r for r in journal.records if getattr(r.body, "run_id", "") == run_id)
    journal.append(CommandInterrupted(run_id, SYNC, str(release), started.ts, "helm"))
    return workspace


def test_only_the_release_that_was_upgrading_is_interrupted(tmp_path: Path) -> None:
    workspace = killed_mid_sync(tmp_path, BEFORE_THE_KILL)
    records = read_journal(workspace.journal_path).records
    state = read_helm_journal(records, RELEASES, "helm", Transcripts(workspace).output)
    assert state.last_sync is not None and state.last_sync.cut_off
    assert [(r.release, r.state) for r in state.last_sync.releases] == [
        ("mocm-bootstrap-1", INTERRUPTED),
        ("mocm-bootstrap-2", "not started"),
        ("mocm-service", "not started"),
    ]
    assert state.pending_rollback == ("mocm-bootstrap-1",)


def test_a_release_finished_before_the_kill_keeps_its_new_revision(tmp_path: Path) -> None:
    workspace = killed_mid_sync(tmp_path, FIRST_DONE)
    records = read_journal(workspace.journal_path).records
    state = read_helm_journal(records, RELEASES, "helm", Transcripts(workspace).output)
    assert state.last_sync is not None
    assert [(r.release, r.state, r.revision) for r in state.last_sync.releases] == [
        ("mocm-bootstrap-1", "deployed", 9),
        ("mocm-bootstrap-2", INTERRUPTED, None),
        ("mocm-service", "not started", None),
    ]
    assert state.pending_rollback == ("mocm-bootstrap-2",)


def test_without_its_transcript_every_recorded_release_counts_as_interrupted(
    tmp_path: Path,
) -> None:
    workspace = killed_mid_sync(tmp_path, BEFORE_THE_KILL)
    for log in workspace.transcripts_dir.iterdir():
        log.unlink()
    records = read_journal(workspace.journal_path).records
    for reader in (None, Transcripts(workspace).output):
        state = read_helm_journal(records, RELEASES, "helm", reader)
        assert state.pending_rollback == RELEASES


def test_a_transcript_name_never_reads_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "outside.log").write_text("out| Upgrading release=x, chart=y\n")
    transcripts = Transcripts(Workspace(tmp_path / "release"))
    assert transcripts.output("../../outside.log") is None
    assert transcripts.output("") is None
    assert cut_off_sync({}, "now", []).releases == ()


def test_a_temp_file_of_a_killed_unreaped_writer_is_stale(tmp_path: Path) -> None:
    """The temp file a wizard killed mid-write leaves is removed at the next start even when
    the killed wizard stays a zombie (its parent, an init that never reaps)."""
    import os
    import subprocess
    import sys

    from tui.core.files import is_stale_temp_file

    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        name = f".terraform.tfvars.mocm-{writer.pid}-b820fc04.tmp"
        assert not is_stale_temp_file(name)  # its writer runs: the write may still finish
        writer.kill()
        stat = Path(f"/proc/{writer.pid}/stat")
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            os.sched_yield()  # a zombie now; nothing reaps it here
        assert is_stale_temp_file(name)
    finally:
        writer.kill()
        writer.wait(timeout=10)
