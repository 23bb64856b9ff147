"""The pexpect prompt driver, against a fake `tofu init -migrate-state` that replays the samples."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tui.core.exec.process_group import CancelGrace
from tui.core.exec.prompt_driver import PromptedCommand
from tui.core.exec.prompts import TOFU_PROMPT, Prompt, PromptedResult, question_block
from tui.core.exec.result import CommandNotFound
from tui.core.exec.runner import LineCallback, Stream
from tui.core.secrets.redact import MASK, Redactor

PYTHON = sys.executable

# Mimics tofu: prompt bytes verbatim (no newline after "Enter a value: "), one line read,
# an invalid answer re-asks once, "no" continues with an empty backend.
FAKE_TOFU_INIT = textwrap.dedent(
    """
    import sys
    prompt_file, after_yes_file = sys.argv[1], sys.argv[2]
    out = sys.stdout.buffer
    out.write(open(prompt_file, "rb").read()); out.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("yes", "no"):
        out.write(b"\\n  Enter a value: "); out.flush()
        answer = sys.stdin.readline().strip().lower()
    if answer == "yes":
        out.write(open(after_yes_file, "rb").read())
    else:
        out.write(b"\\n\\nInitializing modules...\\nOpenTofu has been successfully initialized!\\n")
    out.flush()
    """
)


def child_env() -> dict[str, str]:
    return {"PATH": os.path.dirname(PYTHON) + ":/usr/bin:/bin", "LC_ALL": "C.UTF-8"}


class Operator:
    """Answers prompts from a script and remembers what it was asked."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[Prompt] = []

    async def __call__(self, prompt: Prompt) -> str:
        self.asked.append(prompt)
        return self.answers.pop(0)


def fake_tofu(samples: Path, prompt_file: str = "tofu_init_migrate_state.prompt.txt") -> list[str]:
    return [
        PYTHON,
        "-c",
        FAKE_TOFU_INIT,
        str(samples / prompt_file),
        str(samples / "tofu_init_migrate_state.after_yes.txt"),
    ]


def collector(into: list[str]) -> LineCallback:
    def on_line(stream: Stream, text: str) -> None:
        assert stream == "stdout"
        into.append(text)

    return on_line


async def drive(
    argv: list[str], tmp_path: Path, operator: Operator, **kwargs: object
) -> tuple[PromptedResult, list[str]]:
    lines: list[str] = []
    options: dict[str, object] = {"timeout_s": 30.0, "prompt": TOFU_PROMPT, "on_prompt": operator}
    options.update(kwargs)
    command = PromptedCommand(
        argv,
        env=child_env(),
        cwd=tmp_path,
        on_line=collector(lines),
        **options,  # type: ignore[arg-type]  # per-test keyword options
    )
    return await command.run(), lines


async def test_answer_yes_gives_the_terminal_transcript(samples: Path, tmp_path: Path) -> None:
    operator = Operator("yes")
    result, lines = await drive(fake_tofu(samples), tmp_path, operator)
    transcript = (samples / "tofu_init_migrate_state.transcript.txt").read_text()
    assert lines == transcript.splitlines()
    assert result.command.exit_code == 0 and result.command.ok
    [asked] = operator.asked
    prompt_lines = (samples / "tofu_init_migrate_state.prompt.txt").read_text().splitlines()
    assert asked.question == "\n".join(prompt_lines[2:7])
    assert asked.question.startswith("Do you want to copy existing state to the new backend?")
    assert asked.prompt == "  Enter a value: "
    assert [a.answer for a in result.answered] == ["yes"]
    assert result.waiting_for == ""


async def test_answer_no_starts_with_an_empty_backend(samples: Path, tmp_path: Path) -> None:
    result, lines = await drive(fake_tofu(samples), tmp_path, Operator("no"))
    assert "  Enter a value: no" in lines
    assert "OpenTofu has been successfully initialized!" in lines
    assert not any("Successfully configured the backend" in line for line in lines)
    assert result.command.exit_code == 0


async def test_invalid_answer_is_asked_again(samples: Path, tmp_path: Path) -> None:
    operator = Operator("maybe", "yes")
    result, lines = await drive(fake_tofu(samples), tmp_path, operator)
    assert [a.answer for a in result.answered] == ["maybe", "yes"]
    assert "  Enter a value: maybe" in lines
    assert any("Successfully configured the backend" in line for line in lines)


async def test_non_empty_destination_question_is_handed_over_whole(
    samples: Path, tmp_path: Path
) -> None:
    operator = Operator("no")
    argv = fake_tofu(samples, "tofu_init_migrate_state_nonempty.prompt.txt")
    await drive(argv, tmp_path, operator)
    question = operator.asked[0].question.splitlines()
    assert question[0] == "Do you want to copy existing state to the new backend?"
    assert '  Previous (type "local"): /tmp/terraform2483104721/1-local.tfstate' in question
    assert question[-1] == '  configured "s3" backend.'


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """This process (the wizard's side) ignores SIGINT, as under nohup or in a background job."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


async def test_prompt_that_never_matches_times_out_with_sigint(tmp_path: Path) -> None:
    # The child sets its own SIGINT handler: the test holds whatever this process ignores.
    code = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.stdout.write('Proceed? [y/N] '); sys.stdout.flush(); sys.stdin.readline()"
    )
    grace = CancelGrace(interrupt_s=5.0, terminate_s=5.0, kill_s=5.0)
    result, _ = await drive([PYTHON, "-c", code], tmp_path, Operator(), timeout_s=1.0, grace=grace)
    assert result.command.timed_out
    assert result.command.signals_sent == ("SIGINT",)
    assert result.command.exit_code == -2
    assert result.waiting_for == "Proceed? [y/N] "
    assert result.answered == ()


async def test_child_gets_sigint_even_when_the_wizard_ignores_it(tmp_path: Path) -> None:
    # The child keeps the SIGINT disposition it is given: ignored, it would outlive SIGINT.
    code = "import sys; print('ready', flush=True); sys.stdin.readline()"
    command: PromptedCommand

    def on_line(stream: Stream, text: str) -> None:
        if text == "ready":
            command.cancel()

    grace = CancelGrace(interrupt_s=10.0, terminate_s=10.0, kill_s=5.0)
    with sigint_ignored():
        command = PromptedCommand(
            [PYTHON, "-c", code],
            env=child_env(),
            cwd=tmp_path,
            prompt=TOFU_PROMPT,
            on_prompt=Operator(),
            timeout_s=60.0,
            on_line=on_line,
            grace=grace,
        )
        result = await command.run()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # the wizard's own is kept
    assert result.command.cancelled
    assert result.command.signals_sent == ("SIGINT",)
    assert result.command.exit_code == -2  # died of SIGINT's default action


async def test_cancel_while_the_operator_decides_sends_sigint(
    samples: Path, tmp_path: Path
) -> None:
    asked = asyncio.Event()

    async def undecided(prompt: Prompt) -> str:
        asked.set()
        await asyncio.Event().wait()  # the operator never answers
        return "yes"

    command = PromptedCommand(
        fake_tofu(samples),
        env=child_env(),
        cwd=tmp_path,
        prompt=TOFU_PROMPT,
        on_prompt=undecided,
        timeout_s=30.0,
    )
    running = asyncio.create_task(command.run())
    await asked.wait()
    command.cancel()
    result = await running
    assert result.command.cancelled
    assert result.command.signals_sent == ("SIGINT",)
    assert result.command.exit_code == -2  # python's default SIGINT death, as tofu's would be
    assert result.answered == ()


async def test_failing_answerer_stops_the_command_with_sigint_and_raises(tmp_path: Path) -> None:
    marker = tmp_path / "interrupted"
    code = textwrap.dedent(
        f"""
        import signal, sys
        def on_int(signum, frame):
            open({str(marker)!r}, "w").write("SIGINT")
            sys.exit(130)
        signal.signal(signal.SIGINT, on_int)
        sys.stdout.write("  Enter a value: "); sys.stdout.flush()
        sys.stdin.readline()
        """
    )

    async def broken(prompt: Prompt) -> str:
        raise RuntimeError("dialog crashed")

    with pytest.raises(RuntimeError, match="dialog crashed"):
        await drive([PYTHON, "-c", code], tmp_path, Operator(), on_prompt=broken)
    assert marker.read_text() == "SIGINT"


async def test_prompted_output_is_redacted(tmp_path: Path) -> None:
    code = (
        "import sys; print('db_password = \"S3cr3t-in-output\"'); "
        "sys.stdout.write('  Enter a value: '); sys.stdout.flush(); sys.stdin.readline()"
    )
    operator = Operator("yes")
    result, lines = await drive([PYTHON, "-c", code], tmp_path, operator, redactor=Redactor())
    assert lines == [f'db_password = "{MASK}"', "  Enter a value: yes"]
    assert "S3cr3t" not in operator.asked[0].question
    assert result.command.exit_code == 0


async def test_missing_program_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(CommandNotFound, match="tofu-missing"):
        await drive(["tofu-missing", "init"], tmp_path, Operator())


def test_question_block_takes_the_query_and_its_indented_lines() -> None:
    lines = ["Initializing the backend...", "Query?", "  detail one", "  ", "  detail two", ""]
    assert question_block(lines) == "Query?\n  detail one\n  \n  detail two"
    assert question_block(["a", "Proceed?"]) == "Proceed?"
    assert re.search(TOFU_PROMPT, "  Enter a value: ")
