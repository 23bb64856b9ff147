"""Opening a session: secrets of the values files registered first, temp files of killed
writes removed (journaled), commands a killed wizard left running journaled as interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.journal import dead_pid, killed_write_temp
from tests.support.release import make_pair
from tui.core.exec.child import identify, wait_gone
from tui.core.journal.events import TempFilesRemoved
from tui.core.journal.records import (
    ChildChoice,
    ChildHandled,
    CommandChild,
    CommandInterrupted,
    CommandStatus,
)
from tui.core.journal.report import change_record
from tui.core.journal.resume import fold
from tui.core.journal.transcripts import Transcripts
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import load_playbook
from tui.core.releases.directories import load_pair
from tui.core.secrets.mask import MASK
from tui.core.secrets.redact import Redactor
from tui.session import Session

BOOK = load_playbook()

# 24 secret lines as operators write them in values.yaml; each value is unique, so a
# leak is found by looking for it. None is caught by the redactor's own key patterns
# once it shows up alone in a line of output (the point of registering them).
SECRET_VALUES = """\
global:
  image:
    registry: "210987654321.dkr.ecr.eu-central-1.amazonaws.com"
productKey: PK-7f3a9c1e55
credentials:
  admin:
    username: admin
    password: "Adm1n-Sup3r!x"
  smtp:
    host: smtp.example.com
    port: 587
    password:
      NextLineSecret99
  mongodb:
    pwd: Mong0-pwd-4711
    uri: mongodb://mocm:Ur1-Pass-5521@mongo-0:27017/mocm
db:
  dsn: postgres://app:Dsn-Pass-8812@pg:5432/app
  apiKey: AKIAEXAMPLE-not-a-real-key-123
  token: "tok_live_9d8c7b6a5f"
  dbPassword: 12345678
extraEnv:
  - SMTP_PASS=Smtp-Pass-3141
  - "DB_PW=Db-Pw-2718"
  - name: REDIS_PASSWORD
    value: Redis-Pass-1618
  - name: LOG_LEVEL
    value: debug-level-visible
auth:
  passwords:
    - Bare-Item-0001
    - Bare-Item-0002
  jwtSecret: |
    Jwt-Line-One-aaaa
    Jwt-Line-Two-bbbb
  enabled: true
config: |
  export MAIL_PASSWORD=Mail-Pass-6626
  cache.password: Cache-Pass-9090
  listen: 0.0.0.0
tls:
  key: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
    -----END PRIVATE KEY-----
secretsManagerId: acme/valkey/fusion-visible
smtpPass: Smtp-Camel-5050
pending: "< REPLACE_VALUE_ADMIN_PASSWORD >"
"""
SECRETS = [
    "PK-7f3a9c1e55",
    "Adm1n-Sup3r!x",
    "NextLineSecret99",
    "Mong0-pwd-4711",
    "Ur1-Pass-5521",
    "Dsn-Pass-8812",
    "AKIAEXAMPLE-not-a-real-key-123",
    "tok_live_9d8c7b6a5f",
    "12345678",
    "Smtp-Pass-3141",
    "Db-Pw-2718",
    "Redis-Pass-1618",
    "Bare-Item-0001",
    "Bare-Item-0002",
    "Jwt-Line-One-aaaa",
    "Jwt-Line-Two-bbbb",
    "Mail-Pass-6626",
    "Cache-Pass-9090",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "Smtp-Camel-5050",
]
VISIBLE = ["debug-level-visible", "acme/valkey/fusion-visible", "smtp.example.com", "admin"]


def open_session(tmp_path: Path, redactor: Redactor | None = None) -> Session:
    prev, curr = make_pair(tmp_path)
    (curr / BOOK.values_file).write_text(SECRET_VALUES)
    pair = load_pair(prev, curr, BOOK)
    return Session.open(pair, BOOK, "0.1.0", redactor or Redactor())


def test_every_secret_of_the_values_files_is_masked_wherever_it_shows(tmp_path: Path) -> None:
    plain = Redactor()
    leaked_before = [s for s in SECRETS if s in plain.redact(f"tool said: {s}")]
    redactor = Redactor()
    session = open_session(tmp_path, redactor)
    try:
        for secret in SECRETS:
            assert redactor.redact(f"tool said: {secret} (line 3)") == f"tool said: {MASK} (line 3)"
        for shown in VISIBLE:
            assert redactor.redact(f"value {shown}") == f"value {shown}"
        # the placeholder is not a secret: the operator must see what is left to fill
        assert redactor.redact("< REPLACE_VALUE_ADMIN_PASSWORD >") == (
            "< REPLACE_VALUE_ADMIN_PASSWORD >"
        )
    finally:
        session.close()
    assert len(leaked_before) >= 18  # what reached the output before they were registered


def test_secrets_are_registered_before_the_journal_writes_anything(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    (curr / BOOK.values_file).write_text(SECRET_VALUES)
    # a killed write of a file whose name holds a secret (a backup named by hand)
    temp = killed_write_temp(curr / "mocm" / "values.yaml.Smtp-Pass-3141", dead_pid())
    temp.write_text("half a save")
    session = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    session.close()
    text = session.journal.path.read_text()
    assert "Smtp-Pass-3141" not in text and MASK in text


def test_temp_files_of_killed_writes_are_removed_and_journaled(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    gone = dead_pid()
    left = [
        killed_write_temp(curr / "terraform" / "aws" / "terraform.tfstate", gone),
        killed_write_temp(curr / "mocm" / "values.yaml", gone),
        curr / ".mocm-upgrade" / f".lock.json.{gone}.5e6f7a8b",
    ]
    (curr / ".mocm-upgrade").mkdir()
    for path in left:
        path.write_text("x")
    kept = curr / "mocm" / "values.yaml"
    session = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    session.close()
    assert not any(path.exists() for path in left) and kept.exists()
    assert set(session.removed_temp_files) == set(left)
    [removed] = [r.body for r in session.journal.records if isinstance(r.body, TempFilesRemoved)]
    assert set(removed.paths) == {str(path) for path in left}


def test_a_command_a_killed_wizard_left_running_is_journaled_as_interrupted(
    tmp_path: Path,
) -> None:
    prev, curr = make_pair(tmp_path)
    killed = Journal.open(Workspace(curr), user="alice", host="jump1")
    tf = curr / "terraform" / "aws"
    apply = ["tofu", "apply", "-input=false", "tfplan"]
    run = killed.command_started(apply, tf, "007-tofu-apply.log", "apply")
    finished = killed.command_started(["tofu", "version"], tf, None, "preflight")
    killed.command(["tofu", "version"], tf, 0, 0.1, None, "", "preflight", finished)

    session = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    session.close()
    [cut] = session.interruptions
    assert cut.command.run_id == run and cut.replan
    assert "plan again" in cut.next_action and "never re-apply" in cut.next_action
    assert cut.sentence("Apply").startswith(
        "tofu apply -input=false tfplan (Apply step), started 20"
    )
    [journaled] = [
        r.body for r in session.journal.records if isinstance(r.body, CommandInterrupted)
    ]
    assert journaled == cut.command
    assert session.resumed.unfinished == ()
    # a second restart finds nothing new to report
    again = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    again.close()
    assert again.interruptions == ()
    md = change_record(fold(again.journal.records))
    assert "interrupted (found at the restart of" in md
    assert "interrupted: 1." in md
    statuses = [c.body.status for c in fold(again.journal.records).commands]
    assert statuses == [CommandStatus.SUCCEEDED]


def test_a_values_file_that_does_not_parse_is_skipped_not_fatal(tmp_path: Path) -> None:
    prev, curr = make_pair(tmp_path)
    (curr / BOOK.values_file).write_text("password: [unclosed\n")
    session = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    session.close()
    assert session.journal.records[-1].kind == "session_started"  # the Values step says why


def test_a_command_whose_process_still_runs_is_asked_about_not_cut_off(tmp_path: Path) -> None:
    """The killed wizard's tofu apply runs on in its own session: the restart says so and
    journals nothing as interrupted until the operator chose and the process is gone."""
    prev, curr = make_pair(tmp_path)
    killed = Journal.open(Workspace(curr), user="alice", host="jump1")
    tf = curr / "terraform" / "aws"
    apply = ["tofu", "apply", "-input=false", "tfplan"]
    transcripts = Transcripts(Workspace(curr))
    transcript = transcripts.open(apply, tf)
    transcript.line("stderr", "aws_s3_bucket.new: Creating...")  # then the wizard was killed
    transcript.close(None, 0.0)  # the footer is no output line: as a killed wizard's file
    run = killed.command_started(apply, tf, transcript.name, "apply")
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True
    )
    try:
        seen = identify(child.pid)
        assert seen is not None
        body = CommandChild(run, seen.pid, seen.pgid, seen.start_ticks, seen.boot_id, "apply")
        killed.append(body)

        first = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
        [running] = first.still_running
        assert first.interruptions == () and running.child == seen
        assert running.what == "tofu apply -input=false tfplan"
        assert "is still running as pid" in running.sentence("Apply")
        assert "(Apply step)" in running.sentence("Apply")
        first.close()  # quit: left running, journaled; the next start asks again
        [left] = [r.body for r in first.journal.records if isinstance(r.body, ChildHandled)]
        assert left.choice is ChildChoice.LEFT_RUNNING and left.pid == child.pid
        assert not [r for r in first.journal.records if isinstance(r.body, CommandInterrupted)]

        again = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
        [running] = again.still_running
        assert again.child_chosen(running, ChildChoice.STOPPED)  # SIGTERM to its group
        assert child.wait(timeout=30) == -signal.SIGTERM
        assert wait_gone(running.child, timeout_s=30)
        said = again.child_gone(running)
        again.close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert said.replan and said.command.run_id == run
    assert said.transcript_end == "aws_s3_bucket.new: Creating..."
    assert "Its transcript ends: 'aws_s3_bucket.new: Creating...'" in said.sentence("Apply")
    assert again.interruptions == (said,) and again.still_running == ()
    kinds = [r.kind.value for r in again.journal.records[-2:]]
    assert kinds == ["child_handled", "command_interrupted"]
    handled = [r.body for r in again.journal.records if isinstance(r.body, ChildHandled)]
    assert [h.choice for h in handled] == [ChildChoice.LEFT_RUNNING, ChildChoice.STOPPED]
    md = change_record(fold(again.journal.records))
    assert "stopped it (SIGTERM to its process group)" in md
    assert f"runs as pid {child.pid}, process group {child.pid}" in md
    # the third start: gone and journaled, nothing to ask or tell
    third = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    third.close()
    assert third.still_running == () and third.interruptions == ()


def test_a_pid_reused_by_another_process_is_not_the_command(tmp_path: Path) -> None:
    """The journal names pid P started at tick T; P now runs something started later."""
    prev, curr = make_pair(tmp_path)
    killed = Journal.open(Workspace(curr), user="alice", host="jump1")
    tf = curr / "terraform" / "aws"
    run = killed.command_started(["helmfile", "sync"], tf, None, "helm")
    me = identify(os.getpid())
    assert me is not None
    killed.append(CommandChild(run, me.pid, me.pgid, me.start_ticks - 1, me.boot_id, "helm"))
    session = Session.open(load_pair(prev, curr, BOOK), BOOK, "0.1.0", Redactor())
    session.close()
    assert session.still_running == ()
    [cut] = session.interruptions
    assert cut.command.run_id == run and "half-upgraded" in cut.consequence
