"""The Markdown change record, rendered from the folded journal.

Every value passes through the redaction hook on its way in, and the whole
document once more at the end (defence in depth: the journal is redacted
when written, and a value could be split by Markdown escaping).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence

from tui.core.journal.resume import JournalState
from tui.core.journal.writer import Redact, no_redaction
from tui.core.steps import StepStatus


def change_record(
    state: JournalState,
    redact: Redact = no_redaction,
    step_order: Sequence[str] = (),
    step_titles: Mapping[str, str] | None = None,
    generated_at: str = "",
) -> str:
    """The Markdown change record of ``state``; steps in ``step_order``, then any others."""
    md = _Markdown(redact, step_titles or {})
    lines = [*md.heading(state, generated_at), *md.result(state, step_order)]
    lines += md.steps(state, step_order)
    lines += md.waivers(state)
    lines += md.file_ops(state)
    lines += md.commands(state)
    lines += md.notes(state)
    return redact("\n".join(lines).rstrip("\n") + "\n")


def ordered_steps(state: JournalState, step_order: Sequence[str]) -> list[str]:
    """``step_order`` followed by the journal's other steps in the order they appear."""
    return [*step_order, *(s for s in state.steps if s not in step_order)]


def readable_detail(detail: str) -> str:
    """A decision's detail for people: a JSON object becomes ``key: value; …`` (nested too)."""
    value = _parsed(detail)
    return _pairs(value) if isinstance(value, dict) else detail


def _parsed(text: str) -> object:
    if not text.startswith("{"):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pairs(mapping: dict[str, object]) -> str:
    parts = []
    for key, item in mapping.items():
        if item in ("", None):
            continue
        value = _parsed(item) if isinstance(item, str) else item
        shown = f"({_pairs(value)})" if isinstance(value, dict) else str(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def format_duration(seconds: float) -> str:
    """``4.2 s``, ``3 min 05 s``, ``2 h 03 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class _Markdown:
    def __init__(self, redact: Redact, titles: Mapping[str, str]) -> None:
        self.redact = redact
        self.titles = titles

    def text(self, value: str | None) -> str:
        """A table cell: redacted, one line, pipes escaped."""
        if value is None or value == "":
            return "—"
        flat = " ".join(self.redact(value).splitlines())
        return flat.replace("\\", "\\\\").replace("|", "\\|")

    def code(self, value: str | None) -> str:
        """A code span inside a table cell."""
        if value is None or value == "":
            return "—"
        flat = " ".join(self.redact(value).splitlines()).replace("|", "\\|")
        fence = "``" if "`" in flat else "`"
        pad = " " if fence == "``" else ""
        return f"{fence}{pad}{flat}{pad}{fence}"

    def step(self, step: str | None) -> str:
        return self.text(self.titles.get(step, step) if step else None)

    def heading(self, state: JournalState, generated_at: str) -> list[str]:
        if not state.sessions:
            return ["# Change record", "", "The journal holds no session start.", ""]
        first, last = state.sessions[0], state.sessions[-1].body
        operators = sorted({f"{s.user}@{s.host}" for s in state.sessions})
        return [
            f"# Change record: {self.text(last.previous_build)} → {self.text(last.current_build)}",
            "",
            f"- **Previous release:** {self.code(last.previous)} "
            f"(build {self.text(last.previous_build)})",
            f"- **Current release:** {self.code(last.current)} "
            f"(build {self.text(last.current_build)})",
            f"- **Playbook:** {self.code(last.playbook_id)}",
            f"- **Tool:** mocm-upgrade {self.text(last.tool_version)}",
            f"- **Operators:** {', '.join(self.text(o) for o in operators)}",
            f"- **Started:** {self.text(first.ts)} by {self.text(f'{first.user}@{first.host}')}",
            f"- **Last activity:** {self.text(state.last_ts)}",
            f"- **Wizard sessions:** {len(state.sessions)}",
            *([f"- **Record generated:** {self.text(generated_at)}"] if generated_at else []),
            "",
        ]

    def result(self, state: JournalState, step_order: Sequence[str]) -> list[str]:
        counts = {status: 0 for status in StepStatus}
        for step in ordered_steps(state, step_order):
            counts[state.status(step)] += 1
        failed = [c for c in state.commands if not c.body.succeeded]
        open_steps = [
            self.step(s)
            for s in ordered_steps(state, step_order)
            if state.status(s) is StepStatus.IN_PROGRESS
        ]
        lines = [
            "## Result",
            "",
            f"- Steps done: {counts[StepStatus.DONE]}, waived: {counts[StepStatus.WAIVED]}, "
            f"in progress: {counts[StepStatus.IN_PROGRESS]}, "
            f"not started: {counts[StepStatus.NOT_STARTED]}.",
            f"- Last step entered: {self.step(state.last_entered)}.",
        ]
        if open_steps:
            lines.append(f"- Not finished: {', '.join(open_steps)}.")
        lines.append(
            f"- Commands run: {len(state.commands)}; failed, timed out or cancelled: {len(failed)}."
        )
        lines += [f"- Warning: {self.text(w)}" for w in state.warnings]
        return [*lines, ""]

    def steps(self, state: JournalState, step_order: Sequence[str]) -> list[str]:
        rows = [
            "## Steps",
            "",
            "| Step | Status | Started | Completed | By |",
            "|---|---|---|---|---|",
        ]
        for step_id in ordered_steps(state, step_order):
            step = state.step(step_id)
            by = step.completed_by or step.started_by
            rows.append(
                f"| {self.step(step_id)} | {step.status.value} | {self.text(step.started_at)} "
                f"| {self.text(step.completed_at)} | {self.text(by)} |"
            )
        return [*rows, ""]

    def waivers(self, state: JournalState) -> list[str]:
        rows = ["## Waivers and overrides", ""]
        if not state.waivers and not state.decisions:
            return [*rows, "None.", ""]
        rows += ["| When | Step | Who | Decision | Reason / detail |", "|---|---|---|---|---|"]
        entries: list[tuple[str, str | None, str, str, str]] = [
            (w.ts, w.body.step, w.user, "waiver", w.body.reason) for w in state.waivers
        ]
        entries += [
            (d.ts, d.body.step, d.user, d.body.what, readable_detail(d.body.detail))
            for d in state.decisions
        ]
        for ts, step, user, what, why in sorted(entries, key=lambda e: e[0]):
            rows.append(
                f"| {self.text(ts)} | {self.step(step)} | {self.text(user)} "
                f"| {self.text(what)} | {self.text(why)} |"
            )
        return [*rows, ""]

    def file_ops(self, state: JournalState) -> list[str]:
        rows = ["## File operations", ""]
        if not state.file_ops:
            return [*rows, "None.", ""]
        rows += [
            "| When | Step | Operation | File | From | sha256 before | sha256 after |",
            "|---|---|---|---|---|---|---|",
        ]
        for op in state.file_ops:
            b = op.body
            rows.append(
                f"| {self.text(op.ts)} | {self.step(b.step)} | {self.text(b.op)} "
                f"| {self.code(b.path)} | {self.code(b.source)} | {self.code(b.sha256_before)} "
                f"| {self.code(b.sha256_after)} |"
            )
        return [*rows, ""]

    def commands(self, state: JournalState) -> list[str]:
        rows = ["## Commands", ""]
        if not state.commands:
            return [*rows, "None.", ""]
        rows += [
            "| # | When | Step | Command | Directory | Exit | Duration | Transcript |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for n, cmd in enumerate(state.commands, start=1):
            b = cmd.body
            code = "—" if b.exit_code is None else str(b.exit_code)
            exit_cell = f"{code} ({self.text(b.outcome)})" if b.outcome else code
            argv = self.code(shlex.join(b.argv))
            rows.append(
                f"| {n} | {self.text(cmd.ts)} | {self.step(b.step)} | {argv} "
                f"| {self.code(b.cwd)} | {exit_cell} | {format_duration(b.duration_s)} "
                f"| {self.code(b.transcript)} |"
            )
        return [*rows, ""]

    def notes(self, state: JournalState) -> list[str]:
        if not state.notes:
            return []
        rows = ["## Notes", ""]
        for note in state.notes:
            where = f" ({self.step(note.body.step)})" if note.body.step else ""
            text = self.text(note.body.text)
            rows.append(f"- {self.text(note.ts)} {self.text(note.user)}{where}: {text}")
        return [*rows, ""]
