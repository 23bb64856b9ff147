"""Text from files and tools we did not write reaches the screen escaped, never obeyed.

A plan address, a values key, a command's output line, a helm diff line or an error
quoting a file may hold terminal escapes (``ESC [ 2 J`` clears the screen, ``ESC ] 0 ;``
retitles the window) or text that looks like Rich markup. Each test feeds both and reads
what the terminal would draw: the escape shown as visible text (``\\x1b``), the markup
shown literally, and no raw control character anywhere on the screen.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.support.plan import plan, resource_change
from tests.support.values_screen import VALUES, detail, open_values, values_app
from tests.support.waiting import settle, wait_until
from tui.core.helm.diff import parse_diff
from tui.core.helm.diff_model import DiffReport
from tui.core.playbook.load import load_playbook
from tui.core.secrets.redact import Redactor
from tui.core.tofu.plan.parse import parse_plan
from tui.core.tofu.plan.review import review
from tui.widgets.command_log import STDERR_MARK, CommandLog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.helm_diff_view import HelmDiffView
from tui.widgets.plan_review_view import PlanReviewView

BOOK = load_playbook()
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;title\x07"
MARKUP = "[bold]loud[/bold]"
# What the operator must read instead: every control character as its escape, as text.
CLEAR_SHOWN = "\\x1b[2J"
TITLE_SHOWN = "\\x1b]0;title\\x07"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def screen_text(app: App[Any]) -> str:
    """Every character the terminal is sent for the current screen, line by line."""
    return "\n".join(
        "".join(segment.text for segment in line) for line in app.screen._compositor.render_strips()
    )


def assert_nothing_raw(text: str) -> None:
    raw = RAW_CONTROL.findall(text)
    assert not raw, f"raw control characters reach the terminal: {raw!r}"


class ReviewHost(App[None]):
    def __init__(self, data: dict[str, object]) -> None:
        super().__init__()
        self.plan_review = review(parse_plan(data), BOOK, "upgrade")

    def compose(self) -> ComposeResult:
        yield PlanReviewView(self.plan_review)


def hostile_plan() -> dict[str, object]:
    address = f"aws_s3_bucket.logs{CLEAR}{TITLE}{MARKUP}"
    change = resource_change(
        address,
        ["delete", "create"],
        before={"bucket": "old"},
        after={"bucket": f"new{CLEAR}"},
        replace_paths=[["bucket"]],
    )
    change["previous_address"] = f"aws_s3_bucket.old{TITLE}"
    return plan([change])


async def test_a_plan_address_with_escapes_and_markup_is_shown_as_text() -> None:
    app = ReviewHost(hostile_plan())
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        table = app.query_one("#plan-table", DataTable)
        cells = [str(cell) for cell in table.get_row_at(0)]
        assert f"aws_s3_bucket.logs{CLEAR_SHOWN}{TITLE_SHOWN}{MARKUP}" in cells

        shown = screen_text(app)
        assert_nothing_raw(shown)
        # The table row and the detail pane's title: the whole address, markup as typed.
        assert shown.count(f"aws_s3_bucket.logs{CLEAR_SHOWN}{TITLE_SHOWN}{MARKUP}") == 2
        moved = re.search(r"Moved from +(\S+)", shown)
        assert moved is not None and moved.group(1) == f"aws_s3_bucket.old{TITLE_SHOWN}"
        # The attribute's new value: a JSON string, its escape written the JSON way.
        assert '~ bucket: "old" → "new\\u001b[2J"' in shown


class ErrorHost(App[None]):
    def on_mount(self) -> None:
        message = f"values.yaml line 3: key {CLEAR}{MARKUP} is not allowed\n{TITLE}second line"
        self.push_screen(ErrorDialog("Cannot read the file", message))


async def test_an_error_quoting_a_file_shows_its_escapes_as_text() -> None:
    app = ErrorHost()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(app, pilot, lambda: isinstance(app.screen, ErrorDialog), "error dialog")
        await pilot.pause()
        shown = screen_text(app)
        assert_nothing_raw(shown)
        assert f"key {CLEAR_SHOWN}{MARKUP} is not allowed" in shown
        assert f"{TITLE_SHOWN}second line" in shown  # the message's own newline kept


class DiffHost(App[None]):
    def __init__(self, report: DiffReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        yield HelmDiffView(id="diff")

    def on_mount(self) -> None:
        self.query_one(HelmDiffView).show(self.report, ("mocm-bootstrap-2", "mocm-service"))


async def test_a_helm_diff_line_with_escapes_and_markup_is_shown_as_text(samples: Path) -> None:
    stdout = (samples / "helmfile_diff.stdout.txt").read_text(encoding="utf-8")
    hostile = stdout.replace('CACHE_BACKEND: "valkey"', f'CACHE_BACKEND: "{TITLE}{MARKUP}"', 1)
    stderr = (samples / "helmfile_diff.stderr.txt").read_text(encoding="utf-8")
    app = DiffHost(parse_diff(hostile, stderr, 2))
    async with app.run_test(size=(160, 200)) as pilot:
        await settle(app, pilot)
        shown = screen_text(app)
        assert_nothing_raw(shown)
        assert f'+   CACHE_BACKEND: "{TITLE_SHOWN}{MARKUP}"' in shown


class LogHost(App[None]):
    def compose(self) -> ComposeResult:
        yield CommandLog(redactor=Redactor(), id="log")


async def test_command_output_with_escapes_and_markup_is_shown_as_text() -> None:
    app = LogHost()
    async with app.run_test(size=(120, 20)) as pilot:
        log = app.query_one(CommandLog)
        log.append_lines("stdout", [f"Plan: {CLEAR}1 to destroy{MARKUP}", "NAME\tREVISION"])
        log.append_line("stderr", f"warning {TITLE}")
        log.flush_pending()
        await wait_until(app, pilot, lambda: log.line_count == 3, "three lines in the log")
        await pilot.pause()
        shown = screen_text(app)
        assert_nothing_raw(shown)
        assert f"Plan: {CLEAR_SHOWN}1 to destroy{MARKUP}" in shown
        assert "NAME    REVISION" in shown  # a tab is an output column: expanded, not escaped
        assert f"{STDERR_MARK}warning {TITLE_SHOWN}" in shown


async def test_a_values_key_with_escapes_and_markup_is_shown_as_text(tmp_path: Path) -> None:
    app, prev, _ = values_app(tmp_path)
    values = prev / VALUES
    # A double-quoted YAML key may spell any control character (\e is ESC, \a is BEL).
    key = '"evil\\e[2J\\e]0;title\\a[bold]loud[/bold]"'
    values.write_text(f"{key}: true\n" + values.read_text(encoding="utf-8"), encoding="utf-8")
    async with app.run_test(size=(200, 50)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.editing is not None, "the values step opened the hostile file"
        shown = screen_text(app)
        assert_nothing_raw(shown)
        label = f"evil{CLEAR_SHOWN}{TITLE_SHOWN}{MARKUP}"
        assert label in shown  # its row in the previous release's pane
        # The detail names the row by its key path, where a literal "[" is written "\\[".
        path = label.replace("[", "\\[")
        view = panel.panes.view
        labels = [view.rows[index].label for index in view.visible]
        await pilot.press(*["down"] * (labels.index(path) - panel.panes.cursor))
        await settle(app, pilot)
        assert detail(panel).startswith(f"{path}  ")
        assert_nothing_raw(screen_text(app))
