"""Opening a session: secrets of the values files registered first, temp files of killed
writes removed (journaled), commands a killed wizard left running journaled as interrupted."""

from __future__ import annotations

from pathlib import Path

from tests.support.journal import dead_pid, killed_write_temp
from tests.support.release import make_pair
from tui.core.journal.events import TempFilesRemoved
from tui.core.journal.records import CommandInterrupted, CommandStatus
from tui.core.journal.report import change_record
from tui.core.journal.resume import fold
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
