"""The command runner: streams, exit codes, timeouts, cancel escalation, env, redaction."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tui.core.exec.line_splitter import MAX_LINE_BYTES, LineSplitter
from tui.core.exec.process_group import CancelGrace
from tui.core.exec.result import (
    CommandExitedNonZero,
    CommandNotFound,
    CommandNotStarted,
    CommandResult,
    CommandTimedOut,
)
from tui.core.exec.runner import RunningCommand, Stream, inherit_env, run_command, run_sync
from tui.core.secrets.redact import MASK, Redactor

PYTHON = sys.executable
FAST = CancelGrace(interrupt_s=5.0, terminate_s=5.0, kill_s=5.0)


def child_env(**extra: str) -> dict[str, str]:
    """A small explicit environment for the python children."""
    return {"PATH": os.path.dirname(PYTHON) + ":/usr/bin:/bin", "LC_ALL": "C.UTF-8", **extra}


def py(code: str) -> list[str]:
    return [PYTHON, "-c", textwrap.dedent(code)]


class Lines:
    """Collects (stream, text) as the runner delivers them."""

    def __init__(self) -> None:
        self.items: list[tuple[Stream, str]] = []

    def __call__(self, stream: Stream, text: str) -> None:
        self.items.append((stream, text))

    def of(self, stream: Stream) -> list[str]:
        return [text for s, text in self.items if s == stream]


async def run_py(code: str, tmp_path: Path, **kwargs: object) -> tuple[CommandResult, Lines]:
    lines = Lines()
    options: dict[str, object] = {"env": child_env(), "cwd": tmp_path, "timeout_s": 30.0}
    options.update(kwargs)
    result = await run_command(py(code), on_line=lines, **options)  # type: ignore[arg-type]  # per-test keyword options
    return result, lines


async def test_exit_code_is_recorded_and_check_explains_it(tmp_path: Path) -> None:
    result, _ = await run_py("import sys; print('boom', file=sys.stderr); sys.exit(3)", tmp_path)
    assert result.exit_code == 3
    assert not result.ok
    assert result.duration_s > 0
    assert result.started_at.tzinfo is not None
    with pytest.raises(CommandExitedNonZero, match=r"exited with code 3\. Last error: boom"):
        result.check()
    assert result.check(ok_codes=(0, 3)) is result


async def test_streams_are_kept_apart_and_in_order(tmp_path: Path) -> None:
    code = """
    import sys
    for i in range(500):
        print(f"out-{i}", flush=True)
        print(f"err-{i}", file=sys.stderr, flush=True)
    """
    result, lines = await run_py(code, tmp_path)
    assert result.ok
    assert lines.of("stdout") == [f"out-{i}" for i in range(500)]
    assert lines.of("stderr") == [f"err-{i}" for i in range(500)]
    assert result.stdout_tail[-1] == "out-499"
    assert result.stderr_tail[-1] == "err-499"


async def test_partial_last_line_and_invalid_utf8_are_delivered(tmp_path: Path) -> None:
    code = r"""
    import sys
    sys.stdout.buffer.write(b"bad \xff\xfe bytes\r\ncaf\xc3\xa9\nno newline at end")
    """
    _, lines = await run_py(code, tmp_path)
    assert lines.of("stdout") == ["bad \ufffd\ufffd bytes", "café", "no newline at end"]


async def test_very_long_line_arrives_in_pieces_without_loss(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * (3 * 1024 * 1024) + '\\nafter\\n')"
    _, lines = await run_py(code, tmp_path)
    pieces = lines.of("stdout")
    assert pieces[-1] == "after"
    assert "".join(pieces[:-1]) == "x" * (3 * 1024 * 1024)
    assert all(len(piece) <= MAX_LINE_BYTES for piece in pieces)


def test_line_splitter_never_cuts_a_utf8_character() -> None:
    splitter = LineSplitter(max_line_bytes=5)
    pieces = splitter.feed("ééééé".encode())  # 10 bytes, no newline
    assert "\ufffd" not in "".join(pieces)
    assert "".join(pieces) + (splitter.flush() or "") == "ééééé"


async def test_timeout_stops_the_command_with_sigint_first(tmp_path: Path) -> None:
    code = """
    import os, signal, sys, threading
    def on_int(signum, frame):
        os.write(1, b"got SIGINT\\n")  # print() may be mid-write when the signal lands
        sys.exit(130)
    signal.signal(signal.SIGINT, on_int)
    print("ready", flush=True)
    threading.Event().wait()
    """
    result, lines = await run_py(code, tmp_path, timeout_s=1.0, grace=FAST)
    assert result.timed_out
    assert not result.cancelled
    assert result.signals_sent == ("SIGINT",)
    assert lines.of("stdout") == ["ready", "got SIGINT"]
    assert result.exit_code == 130
    with pytest.raises(CommandTimedOut, match="did not finish within its time limit"):
        result.check()


async def test_cancel_sends_sigint_then_sigterm_after_the_grace(tmp_path: Path) -> None:
    code = """
    import os, signal, sys, threading
    signal.signal(signal.SIGINT, lambda s, f: os.write(1, b"ignoring SIGINT\\n"))
    def on_term(signum, frame):
        os.write(1, b"got SIGTERM\\n")
        sys.exit(143)
    signal.signal(signal.SIGTERM, on_term)
    print("ready", flush=True)
    threading.Event().wait()
    """
    lines = Lines()

    def on_line(stream: Stream, text: str) -> None:
        lines(stream, text)
        if text == "ready":
            command.cancel()

    grace = CancelGrace(interrupt_s=0.5, terminate_s=5.0, kill_s=5.0)
    command = RunningCommand(
        py(code), env=child_env(), cwd=tmp_path, timeout_s=30.0, on_line=on_line, grace=grace
    )
    result = await command.run()
    assert result.cancelled and not result.timed_out
    assert result.signals_sent == ("SIGINT", "SIGTERM")
    assert lines.of("stdout") == ["ready", "ignoring SIGINT", "got SIGTERM"]
    assert result.exit_code == 143


async def test_sigkill_only_as_last_resort(tmp_path: Path) -> None:
    code = """
    import signal, threading
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("ready", flush=True)
    threading.Event().wait()
    """
    grace = CancelGrace(interrupt_s=0.2, terminate_s=0.2, kill_s=5.0)
    result, _ = await run_py(code, tmp_path, timeout_s=1.0, grace=grace)
    assert result.signals_sent == ("SIGINT", "SIGTERM", "SIGKILL")
    assert result.exit_code == -9


async def test_cancelling_the_task_interrupts_the_child_before_raising(tmp_path: Path) -> None:
    code = """
    import os, signal, sys, threading
    def on_int(signum, frame):
        os.write(1, b"got SIGINT\\n")  # print() may be mid-write when the signal lands
        sys.exit(130)
    signal.signal(signal.SIGINT, on_int)
    print("ready", flush=True)
    threading.Event().wait()
    """
    lines = Lines()
    ready = asyncio.Event()

    def on_line(stream: Stream, text: str) -> None:
        lines(stream, text)
        if text == "ready":
            ready.set()

    task = asyncio.create_task(
        run_command(py(code), env=child_env(), cwd=tmp_path, timeout_s=30.0, on_line=on_line)
    )
    await ready.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lines.of("stdout") == ["ready", "got SIGINT"]


async def test_command_not_found_names_the_program_and_the_path(tmp_path: Path) -> None:
    with pytest.raises(CommandNotFound) as caught:
        await run_command(["tofu-missing"], env={"PATH": str(tmp_path)}, cwd=tmp_path, timeout_s=5)
    assert "tofu-missing" in caught.value.message
    assert str(tmp_path) in caught.value.message


async def test_program_is_looked_up_on_the_given_path_only(tmp_path: Path) -> None:
    # The test process can run python; the command's explicit PATH cannot see it.
    with pytest.raises(CommandNotFound, match="python3"):
        await run_command(["python3", "-V"], env={"PATH": str(tmp_path)}, cwd=tmp_path, timeout_s=5)


async def test_missing_working_directory_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    with pytest.raises(CommandNotStarted, match="Working directory does not exist"):
        await run_command([PYTHON, "-V"], env=child_env(), cwd=missing, timeout_s=5)


async def test_environment_is_explicit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCM_LEAK_CHECK", "from-parent")
    code = "import os; print(os.environ.get('MOCM_LEAK_CHECK', 'absent'), os.environ['GIVEN'])"
    _, lines = await run_py(code, tmp_path, env=child_env(GIVEN="given-value"))
    assert lines.of("stdout") == ["absent given-value"]


async def test_lines_are_redacted_before_any_callback(tmp_path: Path) -> None:
    redactor = Redactor(["Zq9-known-secret-value"])
    code = """
    import sys
    print('password: "hunter2-in-yaml"')
    print('connecting with Zq9-known-secret-value now', file=sys.stderr)
    """
    result, lines = await run_py(code, tmp_path, redactor=redactor)
    everything = "\n".join(text for _, text in lines.items)
    assert "hunter2-in-yaml" not in everything
    assert "Zq9-known-secret-value" not in everything
    assert lines.of("stdout") == [f'password: "{MASK}"']
    assert lines.of("stderr") == [f"connecting with {MASK} now"]
    assert "Zq9-known-secret-value" not in "".join(result.stderr_tail)


async def test_secrets_in_a_long_stream_are_masked_wherever_its_chunks_and_slices_cut(
    tmp_path: Path,
) -> None:
    """20,000 lines read in big chunks, redacted a slice at a time: every secret masked."""
    redactor = Redactor(["Zq9-known-secret-value"])
    forms = [
        'password: "hunter2-in-yaml"',
        "GITHUB_TOKEN=ghp_abcdef123456",
        "the key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE9Z1 here",
        "url https://admin:s3cr3t-url@db.example/x",
        "with Zq9-known-secret-value now",
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIEpemBody",
        "-----END RSA PRIVATE KEY-----",
    ]
    sent = [
        forms[i // 7 % len(forms)] if i % 7 == 3 else f"{i:06d} Still modifying..."
        for i in range(20000)
    ]
    (tmp_path / "out.txt").write_text("".join(line + "\n" for line in sent))
    code = "import shutil, sys; shutil.copyfileobj(open('out.txt', 'rb'), sys.stdout.buffer)"
    result, lines = await run_py(code, tmp_path, redactor=redactor)
    shown = lines.of("stdout")
    one_by_one = redactor.line_redactor()
    assert result.ok and shown == [one_by_one(line) for line in sent]
    everything = "\n".join(shown)
    for secret in (
        "hunter2-in-yaml",
        "ghp_abcdef",
        "EXAMPLE9Z1",
        "s3cr3t-url",
        "Zq9-known",
        "MIIE",
    ):
        assert secret not in everything
    assert shown[3] == f'password: "{MASK}"' and shown[0] == "000000 Still modifying..."


async def test_the_stream_moves_on_while_the_loop_is_busy_every_turn(tmp_path: Path) -> None:
    """The runner gives busy turns a few more turns, never all of them: output still arrives."""
    stop = asyncio.Event()
    turns = 0

    async def busy() -> None:  # like a screen that has work in every turn of the loop
        nonlocal turns
        while not stop.is_set():
            time.sleep(0.0002)  # holds the loop, as rendering would
            turns += 1
            await asyncio.sleep(0)

    hog = asyncio.create_task(busy())
    code = "import sys\nfor i in range(5000): print(f'{i:05d} ' + 'x' * 60)"
    try:
        result, lines = await run_py(code, tmp_path)
    finally:
        stop.set()
        await hog
    assert result.ok
    assert lines.of("stdout") == [f"{i:05d} " + "x" * 60 for i in range(5000)]
    assert turns > 0  # the busy task ran between the slices too


async def test_stdin_is_devnull_by_default_and_bytes_when_given(tmp_path: Path) -> None:
    code = "import sys; print(repr(sys.stdin.read()))"
    _, lines = await run_py(code, tmp_path)
    assert lines.of("stdout") == ["''"]
    _, lines = await run_py(code, tmp_path, stdin=b"yes\n")
    assert lines.of("stdout") == ["'yes\\n'"]


async def test_callback_error_is_raised_after_the_command_finished(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    code = f"print('one'); print('two'); open({str(marker)!r}, 'w').close()"

    def broken(stream: Stream, text: str) -> None:
        raise ValueError("screen went away")

    with pytest.raises(ValueError, match="screen went away"):
        await run_command(py(code), env=child_env(), cwd=tmp_path, timeout_s=30, on_line=broken)
    assert marker.exists()


def test_run_sync_runs_a_headless_command(tmp_path: Path) -> None:
    lines = Lines()
    code = py("print('hello')")
    result = run_sync(code, env=child_env(), cwd=tmp_path, timeout_s=30, on_line=lines)
    assert result.ok
    assert result.argv[0] == PYTHON
    assert lines.of("stdout") == ["hello"]


def test_inherit_env_copies_only_the_named_variables() -> None:
    source = {"PATH": "/bin", "HOME": "/root", "AWS_SECRET_ACCESS_KEY": "x"}
    assert inherit_env(["PATH", "HOME", "LANG"], source) == {"PATH": "/bin", "HOME": "/root"}


async def test_stdout_to_a_file_is_raw_private_and_never_redacted(tmp_path: Path) -> None:
    """Machine output (``tofu show -json``) reaches its file byte for byte; stderr still streams."""
    body = '{"password": "hunter2-secret", "big": "' + "x" * (2 << 20) + '"}'
    script = tmp_path / "emit.py"
    script.write_text(
        f"import sys\nsys.stdout.write({body!r})\nsys.stderr.write('warning: hunter2-secret\\n')\n"
    )
    target = tmp_path / "out" / "plan.json"
    seen: list[tuple[str, str]] = []
    command = RunningCommand(
        [sys.executable, str(script)],
        env=dict(os.environ),
        cwd=tmp_path,
        timeout_s=30,
        on_line=lambda stream, text: seen.append((stream, text)),
        redactor=Redactor(["hunter2-secret"]),
        stdout_to=target,
    )
    result = await command.run()
    assert result.ok and result.stdout_tail == ()
    assert target.read_text() == body  # not redacted, not split at 1 MiB
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert seen == [("stderr", f"warning: {MASK}")]


async def test_child_gets_sigint_even_when_the_wizard_ignores_it(tmp_path: Path) -> None:
    # An ignored signal stays ignored across exec: the runner must give the child the default.
    code = """
    import sys, threading
    print("ready", flush=True)
    threading.Event().wait()
    """
    lines = Lines()
    command: RunningCommand

    def on_line(stream: Stream, text: str) -> None:
        lines(stream, text)
        if text == "ready":
            command.cancel()

    grace = CancelGrace(interrupt_s=10.0, terminate_s=10.0, kill_s=5.0)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        command = RunningCommand(
            py(code), env=child_env(), cwd=tmp_path, timeout_s=60.0, on_line=on_line, grace=grace
        )
        result = await command.run()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # the wizard's own is kept
    finally:
        signal.signal(signal.SIGINT, previous)
    assert result.cancelled
    assert result.signals_sent == ("SIGINT",)
    assert result.exit_code == -2  # died of SIGINT's default action
    assert lines.of("stdout") == ["ready"]
