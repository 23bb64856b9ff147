"""The plan review widget: counts, verdict, the grouped table, filters, search, detail.

Reused by the Plan step and the Stage-4 teardown: give it a ``PlanReview``.
Keys: ``a`` all changes, ``d`` destroys & replaces, ``u`` unexpected, ``o``
no-ops on/off, ``/`` search by address (Escape clears), Enter or ``v`` shows
the detail of the highlighted change full size (again to go back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from tui.core.memory import release_for
from tui.core.printable import printable
from tui.core.secrets.redact import Redactor
from tui.core.tofu.plan.gate import GateMode, gate_policy
from tui.core.tofu.plan.review import PlanReview
from tui.core.tofu.plan.rows import PlanRow, RowFilter, build_rows, select_rows
from tui.resources import STYLES
from tui.widgets.plan_detail import PlanDetail, group_style, review_style
from tui.widgets.theme import rich_text

PLAN_REVIEW_CSS = (STYLES / "plan_review.tcss").read_text(encoding="utf-8")
MAX_ADDRESS_WIDTH = 72
MAX_WHY_WIDTH = 100

ACTION_WIDTH = 7
REVIEW_WIDTH = 10
MIN_WHY_WIDTH = 12  # "why" keeps at least this much (or all it needs) before address grows


def fitted_widths(room: int, address: int, why: int, padding: int) -> tuple[int, int]:
    """Widths of the address and why columns in ``room`` cells: both whole when they fit;
    else "why" keeps a share (the address is cut; the detail pane shows it whole)."""
    rest = room - ACTION_WIDTH - REVIEW_WIDTH - 4 * 2 * padding
    if address + why <= rest:
        return address, why
    why_kept = min(why, max(MIN_WHY_WIDTH, rest * 2 // 5))
    address_fit = max(7, min(address, rest - why_kept))
    return address_fit, max(3, min(why, rest - address_fit))


ALWAYS_COUNTED = frozenset({"create", "update", "replace", "delete"})
# (count key, label, style): the order the counts bar reads.
COUNTS: tuple[tuple[str, str, str], ...] = (
    ("create", "create", "$success"),
    ("update", "update", "$warning"),
    ("replace", "replace", "$text-primary"),
    ("delete", "destroy", "$error"),
    ("forget", "forget", "$text-secondary"),
    ("read", "read", "$primary"),
    ("no-op", "no-op", ""),
    ("import", "import", "$text-secondary"),
    ("move", "move", "$text-secondary"),
)


def counts_text(review: PlanReview) -> Content:
    """``create 9  update 2  replace 1 …``: zero counts dimmed."""
    text = Content()
    for key, label, style in COUNTS:
        count = review.counts.get(key, 0)
        if not count and key not in ALWAYS_COUNTED:
            continue  # room at 80 columns: zeros only for the four that matter
        if text:
            text = text.append_text("  ")
        text = text.append_text(f"{label} {count}", f"bold {style}" if count and style else "dim")
    return text


def verdict_text(review: PlanReview, required_phrase: str = "") -> Content:
    """SAFE or BLOCKED, why, and what the apply gate will ask (the same ``required_phrase``)."""
    policy = gate_policy(review, required_phrase)
    text = Content()
    if not review.blocked:
        text = text.append_text(" SAFE ", "bold reverse $success")
        unexpected = len(review.issues)
        if unexpected:
            text = text.append_text(
                f" {unexpected} unexpected change(s), none destroys anything.", "$warning"
            )
        else:
            text = text.append_text(f" every change is expected at stage '{review.stage}'.")
        if policy.mode is GateMode.TYPE_PHRASE:
            text = text.append_text(f" Applying asks you to type '{policy.phrase}'.", "dim")
        else:
            text = text.append_text(" Applying asks for one confirmation.", "dim")
    else:
        text = text.append_text(" BLOCKED ", "bold reverse $error")
        if policy.mode is GateMode.REFUSE:
            text = text.append_text(" " + " ".join(policy.why), "$error")
            text = text.append_text(" No confirmation can override this.", "bold $error")
        else:
            text = text.append_text(
                f" {policy.blockers} unexpected destroy/replace(s) at stage '{review.stage}'.",
                "$error",
            )
            text = text.append_text(
                f" Override possible: the apply gate asks you to type '{policy.phrase}'."
            )
    for note in review.notes:
        text = text.append_text(f"\nNote: {note}.", "dim")
    return text


class PlanReviewView(Widget, can_focus=False):
    """Shows one plan review; keyboard only, usable at 80×24."""

    DEFAULT_CSS = PLAN_REVIEW_CSS
    SCOPED_CSS = False
    BINDINGS = [
        Binding("a", "filter('all')", "All", tooltip="Show all changes"),
        Binding("d", "filter('destructive')", "Destroys", tooltip="Only destroys & replaces"),
        Binding("u", "filter('unexpected')", "Unexpected", tooltip="Only unexpected changes"),
        Binding("o", "toggle_no_ops", "No-ops", tooltip="Show or hide unchanged resources"),
        Binding("slash", "search", "Search", tooltip="Search by address"),
        Binding("v", "toggle_detail", "Detail", tooltip="Detail of the change, full size"),
        Binding("escape", "escape", "Clear", show=False),
    ]

    row_filter: reactive[RowFilter] = reactive(RowFilter.ALL, init=False)
    include_no_ops: reactive[bool] = reactive(False, init=False)
    detail_only: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        review: PlanReview,
        redact: Callable[[str], str] | None = None,
        *,
        required_phrase: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.review = review
        self.required_phrase = required_phrase  # what the caller's ApplyGate will also require
        self.redact = redact or Redactor().redact
        self.rows, self.no_ops = build_rows(review)
        self.shown: list[PlanRow] = []
        self.by_key: dict[str, PlanRow] = {}
        self.search = ""
        self.natural = (7, 3)  # address and why as wide as their longest cell (capped)

    def compose(self) -> ComposeResult:
        yield Static(counts_text(self.review), id="plan-counts")
        yield Static(verdict_text(self.review, self.required_phrase), id="plan-verdict")
        yield Static(id="plan-filter")
        yield Input(placeholder="search by address (Esc clears)", id="plan-search")
        yield DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        yield PlanDetail(self.redact, id="plan-detail")

    def on_mount(self) -> None:
        self.query_one("#plan-search").display = False
        table = self.query_one("#plan-table", DataTable)
        everything = (*self.rows, *self.no_ops)
        address = max((len(row.address) for row in everything), default=7)
        why = max((len(row.short_why) for row in self.rows), default=3)
        self.natural = (min(max(address, 7), MAX_ADDRESS_WIDTH), min(max(why, 3), MAX_WHY_WIDTH))
        # Fixed widths: no measuring of 10,000 cells, and no column jumping while rows arrive.
        table.add_column("action", width=ACTION_WIDTH, key="action")
        table.add_column("address", width=self.natural[0], key="address")
        table.add_column("review", width=REVIEW_WIDTH, key="review")
        table.add_column("why", width=self.natural[1], key="why")
        self.refill(force=True)
        table.focus()

    def on_unmount(self) -> None:
        release_for(self.review)  # the parsed plan goes back to the garbage collector

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit_columns)  # the table is laid out by then

    def _fit_columns(self) -> None:
        """Size address and why to the table's width once laid out: "why" stays on screen."""
        if not self.is_attached:
            return
        table = self.query_one("#plan-table", DataTable)
        room = table.scrollable_content_region.width
        if room <= 0:
            return
        address, why = fitted_widths(room, *self.natural, table.cell_padding)
        columns = table.columns
        if (columns[ColumnKey("address")].width, columns[ColumnKey("why")].width) == (
            address,
            why,
        ):
            return
        columns[ColumnKey("address")].width = address
        columns[ColumnKey("why")].width = why
        # DataTable has no public "column width changed": re-measure and redraw the rows.
        table._require_update_dimensions = True
        table._clear_caches()

    # -- rows ----------------------------------------------------------------
    def refill(self, force: bool = False) -> None:
        """Show the rows the filter and search leave: the first batch now, the rest later."""
        shown = select_rows(
            self.rows, self.no_ops, self.row_filter, self.include_no_ops, self.search
        )
        self._show_filter(len(shown))
        same = len(shown) == len(self.shown) and all(
            a is b for a, b in zip(shown, self.shown, strict=True)
        )
        if same and not force:
            if not shown:
                self.show_detail_at(None)  # the words name the search as typed now
            return  # e.g. one more letter typed that every shown address has: keep the cursor
        previous = self.highlighted
        table = self.query_one("#plan-table", DataTable)
        table.clear()
        self.shown = shown
        self.by_key = {row.key: row for row in self.shown}
        # All rows at once: one layout for the whole table, not one per batch of rows.
        self._add_rows(table)
        # The row the operator was on stays under the cursor.
        keep = self.shown.index(previous) if previous and previous.key in self.by_key else 0
        if keep:
            table.move_cursor(row=keep, animate=False)
        self.show_detail_at(keep if self.shown else None)

    def _add_rows(self, table: DataTable[Any]) -> None:
        # A few distinct (word, style) cells: each converted to Rich once, then shared.
        cells: dict[tuple[str, str], Text] = {}

        def cell(word: str, style: str) -> Text:
            text = cells.get((word, style))
            if text is None:
                text = cells[word, style] = rich_text(Content.styled(word, style), self.app)
            return text

        # Text, not str: a str cell is parsed as markup (and emoji codes) on every layout.
        for row in self.shown:
            table.add_row(
                cell(row.group.label, group_style(row)),
                Text(printable(row.address), end="", no_wrap=True, overflow="ellipsis"),
                cell(row.review_word, review_style(row)),
                Text(printable(row.short_why), end="", no_wrap=True, overflow="ellipsis"),
                key=row.key,
            )

    @property
    def loaded_rows(self) -> int:
        """How many rows the table holds (all of ``shown``)."""
        return self.query_one("#plan-table", DataTable).row_count

    def _show_filter(self, count: int) -> None:
        text = Content()
        text = text.append_text("Showing: ", "bold")
        text = text.append_text(self.row_filter.value)
        with_no_ops = self.include_no_ops and self.row_filter is RowFilter.ALL
        if self.include_no_ops:
            text = text.append_text(" + no-ops")
        if self.search:
            text = text.append_text(f" · address contains '{self.search}'", "bold")
        # Out of what this filter could show: no-ops count only when they are listed.
        total = len(self.rows) + (len(self.no_ops) if with_no_ops else 0)
        if count:
            text = text.append_text(f" · {count} of {total}")
        else:
            text = text.append_text(" · none", "bold $warning")
        self.query_one("#plan-filter", Static).update(text)

    def empty_words(self) -> str:
        """What the empty table means, naming the filter and the search that emptied it."""
        if self.search:
            among = {
                RowFilter.ALL: "the changes",
                RowFilter.DESTRUCTIVE: "the destroys and replaces",
                RowFilter.UNEXPECTED: "the unexpected changes",
            }[self.row_filter]
            return f"None of {among} has an address containing '{self.search}'. Esc clears it."
        if self.row_filter is RowFilter.DESTRUCTIVE:
            return "None: the plan destroys and replaces nothing. a shows all changes."
        if self.row_filter is RowFilter.UNEXPECTED:
            return "None: every change is expected at this stage. a shows all changes."
        if self.no_ops and not self.include_no_ops:
            return f"None: the plan changes nothing ({len(self.no_ops)} no-op(s): o lists them)."
        return "None: the plan changes nothing."

    # -- detail --------------------------------------------------------------
    def show_detail_at(self, index: int | None) -> None:
        row = self.shown[index] if index is not None and index < len(self.shown) else None
        self.query_one(PlanDetail).show_row(row, self.empty_words())

    @property
    def highlighted(self) -> PlanRow | None:
        """The row under the cursor."""
        table = self.query_one("#plan-table", DataTable)
        if not self.shown or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#plan-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # The cursor, not the event's key: an event from before a refill may be stale.
        self.query_one(PlanDetail).show_row(self.highlighted, self.empty_words())

    @on(DataTable.RowSelected, "#plan-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_toggle_detail()

    def watch_detail_only(self, detail_only: bool) -> None:
        # The table's own display, not a class on the view: a class restyles every child.
        self.query_one("#plan-table", DataTable).display = not detail_only
        if detail_only:
            self.query_one(PlanDetail).focus()
        else:
            self.query_one("#plan-table", DataTable).focus()

    # -- actions ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "escape":
            # Nothing to close: let Escape reach the step or the App.
            return self.detail_only or bool(self.query_one("#plan-search", Input).display)
        return True

    def action_filter(self, name: str) -> None:
        self.row_filter = {
            "all": RowFilter.ALL,
            "destructive": RowFilter.DESTRUCTIVE,
            "unexpected": RowFilter.UNEXPECTED,
        }[name]

    def watch_row_filter(self) -> None:
        self.refill()

    def action_toggle_no_ops(self) -> None:
        self.include_no_ops = not self.include_no_ops

    def watch_include_no_ops(self) -> None:
        self.refill()

    def action_toggle_detail(self) -> None:
        self.detail_only = not self.detail_only

    def action_search(self) -> None:
        self.detail_only = False
        search = self.query_one("#plan-search", Input)
        search.display = True
        search.focus()

    def action_escape(self) -> None:
        if self.detail_only:
            self.detail_only = False
            return
        search = self.query_one("#plan-search", Input)
        if search.display:
            search.display = False
            self.query_one("#plan-table", DataTable).focus()
            if search.value:
                search.value = ""  # the Changed handler refills

    @on(Input.Changed, "#plan-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.search:
            self.search = event.value
            self.refill()

    @on(Input.Submitted, "#plan-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#plan-table", DataTable).focus()  # the search stays applied
