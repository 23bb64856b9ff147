"""The plan review's "why" column stays on screen at 80 columns (issue 18): the address
column is sized after layout, cut with an ellipsis, never pushing "why" off the right."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tests.support.waiting import wait_until
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.parse import load_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.widgets.plan_review_view import PlanReviewView, fitted_widths


class ReviewHost(App[None]):
    def __init__(self, plan_review: PlanReview) -> None:
        super().__init__()
        self.plan_review = plan_review

    def compose(self) -> ComposeResult:
        yield PlanReviewView(self.plan_review)


def why_right_edge(table: DataTable[object]) -> int:
    """The column after the why column's last cell, in the table's own cells."""
    pad = 2 * table.cell_padding
    return sum(column.width + pad for column in table.columns.values())


async def review_at(samples: Path, width: int) -> tuple[int, int, int, str]:
    """(why's right edge, the table's room, why's width, the first row's why as drawn)."""
    plan = review(load_plan(str(samples / "plan_upgrade.json")), load_playbook(), "upgrade")
    app = ReviewHost(plan)
    async with app.run_test(size=(width, 24)) as pilot:
        table = app.query_one("#plan-table", DataTable)

        def fitted() -> bool:
            return why_right_edge(table) <= table.scrollable_content_region.width

        await wait_until(app, pilot, fitted, f"the why column inside {width} columns")
        await pilot.pause()
        drawn = "".join(segment.text for segment in table.render_line(1))
        room = table.scrollable_content_region.width
        return why_right_edge(table), room, table.columns[ColumnKey("why")].width, drawn


async def test_why_column_on_screen_at_80_columns(samples: Path) -> None:
    edge, room, why, first_row = await review_at(samples, 80)
    assert edge <= room
    assert why >= 12  # enough to read the start of the reason
    assert "no rule expects it" in first_row  # the unexpected replace says why on its row
    assert "…" in first_row  # what is cut is marked cut; the detail pane shows it whole


async def test_columns_whole_when_the_terminal_is_wide(samples: Path) -> None:
    edge, room, _why, first_row = await review_at(samples, 200)
    assert edge <= room
    assert "aws_security_group_rule.eks_to_elasticache" in first_row


def test_fitted_widths_share_the_room() -> None:
    assert fitted_widths(200, 45, 30, 1) == (45, 30)  # both whole
    address, why = fitted_widths(70, 45, 30, 1)
    assert address + why == 70 - 7 - 10 - 8 and why >= 12
    assert fitted_widths(70, 45, 8, 1)[1] == 8  # a short why is never widened
