"""Pilot tests of the plan review widget: what the operator sees and which keys work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from tests.support.plan import SECRET, plan, resource_change, sample, secret_plan
from tui.core.playbook.load import load_playbook
from tui.core.tofu.plan.parse import load_plan, parse_plan
from tui.core.tofu.plan.review import PlanReview, review
from tui.core.tofu.plan.rows import RowFilter
from tui.widgets.plan_detail import PlanDetail
from tui.widgets.plan_review_view import PlanReviewView
from tui.widgets.theme import Palette

BOOK = load_playbook()
ELASTICACHE_RULE = "aws_security_group_rule.eks_to_elasticache"


class ReviewHost(App[None]):
    """The widget alone in a small App, as a wizard step would mount it."""

    BINDINGS = [Binding("escape", "host_escape", "Back")]

    def __init__(self, plan_review: PlanReview, required_phrase: str = "") -> None:
        super().__init__()
        self.plan_review = plan_review
        self.required_phrase = required_phrase
        self.escapes_seen = 0

    def action_host_escape(self) -> None:
        self.escapes_seen += 1

    def compose(self) -> ComposeResult:
        yield PlanReviewView(self.plan_review, required_phrase=self.required_phrase)
        yield Footer()


def review_of(data: dict[str, Any], stage: str = "upgrade") -> PlanReview:
    return review(parse_plan(data), BOOK, stage)


def sample_review(samples: Path, name: str, stage: str = "upgrade") -> PlanReview:
    return review(load_plan(str(samples / name)), BOOK, stage)


def colour_of(cell: object) -> str | None:
    """The colour a DataTable cell (Rich Text) is drawn in."""
    assert isinstance(cell, Text) and cell.spans
    style = cell.spans[0].style
    assert not isinstance(style, str) and style.color is not None
    return style.color.name


def table_rows(app: App[None]) -> list[tuple[str, str, str]]:
    """(action, address, review) of every row the table holds."""
    table = app.query_one("#plan-table", DataTable)
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return [(str(action), str(address), str(review)) for action, address, review, *_ in rows]


def static_text(app: App[None], selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def screen_text(app: App[None]) -> str:
    """Every character on the screen (the SVG export's text is too escaped to search)."""
    return "\n".join(
        "".join(segment.text for segment in line) for line in app.screen._compositor.render_strips()
    )


async def test_upgrade_sample_puts_the_unexpected_replace_first_and_blocks(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_upgrade.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one("#plan-table", DataTable)
        action, address, verdict = table.get_row_at(0)[:3]
        assert (str(action), str(address), str(verdict)) == (
            "replace",
            ELASTICACHE_RULE,
            "unexpected",
        )
        palette = Palette.of(app)
        assert colour_of(action) == palette.replace and colour_of(verdict) == palette.error
        # destroy, create, update and replace stay apart in the theme's colours
        assert len({palette.error, palette.success, palette.warning, palette.replace}) == 4
        assert [r[0] for r in table_rows(app)] == ["replace"] + ["update"] * 2 + ["create"] * 9 + [
            "read"
        ]
        counts = static_text(app, "#plan-counts")
        assert "create 9" in counts and "update 2" in counts and "replace 1" in counts
        assert "destroy 0" in counts and "no-op 7" in counts
        verdict_line = static_text(app, "#plan-verdict")
        assert "BLOCKED" in verdict_line and "1 unexpected destroy/replace" in verdict_line
        assert "Override possible" in verdict_line and "'destroy 1'" in verdict_line
        # The detail of the highlighted row is there without a key press.
        detail = app.query_one(PlanDetail).plain_text()
        assert ELASTICACHE_RULE in detail
        assert "an attribute that cannot be changed in place changed" in detail
        assert "Replaced by description" in detail and "# forces replacement" in detail


async def test_filters_change_the_rows(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_action_matrix.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert len(table_rows(app)) == 15
        await pilot.press("d")
        rows = table_rows(app)
        assert {r[0] for r in rows} == {"destroy", "replace"} and len(rows) == 9
        assert [r[0] for r in rows[:5]] == ["destroy"] * 5  # destroys before replaces
        assert "only destroys & replaces · 9 of 15" in static_text(app, "#plan-filter")
        await pilot.press("u")
        rows = table_rows(app)
        assert len(rows) == 13 and {r[2] for r in rows} == {"unexpected"}
        await pilot.press("a")
        assert len(table_rows(app)) == 15
        assert "no-op" not in {r[0] for r in table_rows(app)}
        await pilot.press("o")
        rows = table_rows(app)
        assert len(rows) == 16 and rows[-1][:3] == ("no-op", "null_resource.noop", "no change")
        assert "all changes + no-ops · 16 of 16" in static_text(app, "#plan-filter")
        await pilot.press("o")
        assert len(table_rows(app)) == 15
        await pilot.press(*["down"] * 10)
        view = app.query_one(PlanReviewView)
        assert view.highlighted is not None and view.highlighted.address == "null_resource.create"
        await pilot.press("u")  # the row under the cursor stays there (now one row higher)
        assert app.query_one("#plan-table", DataTable).cursor_row == 9
        assert view.highlighted is not None and view.highlighted.address == "null_resource.create"
        assert app.query_one(PlanDetail).plain_text().startswith("null_resource.create")


async def test_search_narrows_as_you_type_and_escape_clears(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_upgrade.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        search = app.query_one("#plan-search", Input)
        assert not search.display
        await pilot.press("slash")
        assert search.display and app.focused is search
        await pilot.press(*"valkey")  # 'a' and 'v' are keys of the view: here they are text
        rows = table_rows(app)
        assert len(rows) == 10 and all("valkey" in r[1] for r in rows)
        view = app.query_one(PlanReviewView)
        assert view.row_filter is RowFilter.ALL and not view.detail_only
        await pilot.press(*["backspace"] * 6, *"user")
        assert [r[1] for r in table_rows(app)] == [
            "aws_elasticache_user.valkey",
            "aws_elasticache_user_group.valkey",
        ]
        assert "address contains 'user' · 2 of 13" in static_text(app, "#plan-filter")
        await pilot.press("enter")  # keeps the search, back to the table
        assert app.focused is app.query_one("#plan-table")
        assert len(table_rows(app)) == 2
        await pilot.press("slash", "escape")
        assert not search.display and search.value == ""
        assert len(table_rows(app)) == 13
        assert app.focused is app.query_one("#plan-table")


async def test_search_with_no_match_says_so(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_upgrade.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"nothing-like-this")
        await pilot.pause()
        assert table_rows(app) == []
        assert "address contains 'nothing-like-this' · none" in static_text(app, "#plan-filter")
        assert (
            "None of the changes has an address containing 'nothing-like-this'. Esc clears it."
            in app.query_one(PlanDetail).plain_text()
        )


async def test_an_empty_filter_says_none_and_why(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_stage4.json", "stage4"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert table_rows(app) == []
        assert "only unexpected · none" in static_text(app, "#plan-filter")
        detail = app.query_one(PlanDetail).plain_text()
        assert "None: every change is expected at this stage. a shows all changes." in detail
        assert "None: every change is expected" in screen_text(app)


async def test_the_detail_names_actions_in_words_and_shows_arns(samples: Path) -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/mocm/valkey-auth-AbCdEf"
    data = plan(
        [
            resource_change(
                "aws_elasticache_user.valkey",
                ["delete", "create"],
                before={"secret_arn": arn + "-old", "user_name": "old"},
                after={"secret_arn": arn, "user_name": "new"},
                replace_paths=[["user_name"]],
            )
        ]
    )
    app = ReviewHost(review_of(data))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        detail = app.query_one(PlanDetail).plain_text(width=200)  # one line per field
        assert "replace (destroy, then create)" in detail
        assert "expects the actions delete, then create" in detail
        assert "['" not in detail and "']" not in detail  # never a Python list
        assert 'user_name: "old" → "new"' in detail
        assert f'secret_arn: "{arn}-old" → "{arn}"' in detail and "••" not in detail


async def test_detail_follows_the_cursor(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_upgrade.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")
        await pilot.pause()
        detail = app.query_one(PlanDetail).plain_text()
        assert detail.startswith("aws_cloudwatch_log_group.app")
        assert "in-place update" in detail and "expected" in detail
        assert "retention_in_days: 7 → 30" in detail
        assert "the plan gives no reason" in detail


async def test_sensitive_values_never_reach_the_screen() -> None:
    app = ReviewHost(review_of(secret_plan()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(2):
            detail = app.query_one(PlanDetail).plain_text()
            seen.append(detail)
            shown = screen_text(app)
            assert "(sensitive value)" in shown  # the pane is on screen, masked
            assert SECRET not in detail and SECRET not in shown
            await pilot.press("down")
            await pilot.pause()
        replace, update = seen  # replaces come before updates
        assert replace.startswith("aws_elasticache_user.app")
        assert "passwords: (sensitive value) → (sensitive value)  # forces replacement" in replace
        assert update.startswith("aws_secretsmanager_secret_version.app")
        assert "secret_string: (sensitive value) → (sensitive value)" in update


async def test_secret_the_plan_forgot_to_mark_is_masked_too() -> None:
    leaked = "Pl41n-t3xt-db-pass"
    data = plan(
        [
            resource_change(
                "aws_db_instance.main",
                ["update"],
                before={"master_password": "old-" + leaked, "port": 5432},
                after={"master_password": leaked, "port": 5433},
            )
        ]
    )
    app = ReviewHost(review_of(data))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        detail = app.query_one(PlanDetail).plain_text()
        assert "port: 5432 → 5433" in detail
        assert "master_password" in detail and leaked not in detail
        shown = screen_text(app)
        assert "master_password" in shown and leaked not in shown


async def test_enter_or_v_shows_the_detail_full_size_at_80x24(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_upgrade.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one("#plan-table", DataTable)
        detail = app.query_one(PlanDetail)
        assert table.display and detail.region.height >= 4 and table.region.height >= 4
        await pilot.press("enter")
        assert not table.display and app.focused is detail
        assert detail.region.height > 15
        await pilot.press("v")
        assert table.display and app.focused is table
        await pilot.press("v", "escape")
        assert table.display and app.focused is table
        assert app.escapes_seen == 0
        await pilot.press("escape")  # nothing left to close: the host gets it
        assert app.escapes_seen == 1


async def test_stage4_missing_destroy_and_protected_change_cannot_be_overridden(
    samples: Path,
) -> None:
    data = sample(samples, "plan_stage4.json")
    data["resource_changes"] = [
        rc
        for rc in data["resource_changes"]
        if rc["address"] != "aws_elasticache_cluster.elasticache"
    ]
    data["resource_changes"].append(
        resource_change(
            "aws_elasticache_replication_group.valkey",
            ["delete", "create"],
            before={"description": "a"},
            after={"description": "b"},
        )
    )
    app = ReviewHost(review_of(data, "stage4"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rows = table_rows(app)
        assert rows[0] == ("missing", "aws_elasticache_cluster.elasticache", "unexpected")
        assert ("replace", "aws_elasticache_replication_group.valkey", "protected") in rows
        verdict = static_text(app, "#plan-verdict")
        assert "BLOCKED" in verdict and "No confirmation can override this" in verdict
        assert "protected resource" in verdict and "lacks required destroy" in verdict
        detail = app.query_one(PlanDetail).plain_text()
        assert "required destroy missing" in detail


async def test_plan_without_changes_is_safe_and_says_so(samples: Path) -> None:
    app = ReviewHost(sample_review(samples, "plan_no_changes.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert table_rows(app) == []
        verdict = static_text(app, "#plan-verdict")
        assert "SAFE" in verdict and "no changes" in verdict
        await pilot.press("o")
        assert table_rows(app) and {r[0] for r in table_rows(app)} == {"no-op"}


async def test_verdict_names_the_phrase_the_gate_will_ask(samples: Path) -> None:
    stage4 = sample_review(samples, "plan_stage4.json", "stage4")
    app = ReviewHost(stage4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        verdict = static_text(app, "#plan-verdict")
        assert "SAFE" in verdict and "one confirmation" in verdict
        assert [r[0] for r in table_rows(app)] == ["destroy"] * 3
    host = ReviewHost(stage4, required_phrase="acme-mocm-prod-redis")
    async with host.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        verdict = static_text(host, "#plan-verdict")
        assert "SAFE" in verdict and "type 'acme-mocm-prod-redis'" in verdict
