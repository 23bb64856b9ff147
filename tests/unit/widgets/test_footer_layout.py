"""The footer's layout at 80 columns: the wizard's keys always, the step's as far as they fit."""

from __future__ import annotations

from tui.widgets.key_footer import FooterEntry, lay_out

HELP = "help"
REQUIRED = (
    FooterEntry("f3", "F3", "Next", "next", True),
    FooterEntry("f2", "F2", "Back", "back", True),
    FooterEntry("ctrl+r", "^R", "Rollback", "rollback", True),
    FooterEntry("f1", "F1", "Help", HELP, True),
)
OPTIONAL = (
    FooterEntry("ctrl+q", "^Q", "Quit", "quit", True),
    FooterEntry("ctrl+p", "^P", "Palette", "palette", True),
)


def key(name: str, description: str, *, depth: int = 5, enabled: bool = True) -> FooterEntry:
    return FooterEntry(name, name, description, description.lower(), enabled, depth=depth)


def shown(entries: tuple[FooterEntry, ...]) -> list[str]:
    return [f"{e.display} {e.description}" for e in entries]


# The Plan step with its review table focused: the table's keys come first in the
# bindings (the focused widget first), the step's own actions after them.
PLAN_STEP = [
    key("a", "All", depth=9),
    key("d", "Destroys", depth=9),
    key("u", "Unexpected", depth=9),
    key("o", "No-ops", depth=9),
    key("/", "Search", depth=9),
    key("v", "Detail", depth=9),
    key("p", "Plan", depth=5),
    key("x", "Cancel", depth=5, enabled=False),
    key("g", "Approve…", depth=5),
    key("l", "Log", depth=5),
]


def test_the_wizard_keys_stay_and_the_help_counts_the_rest_at_80_columns() -> None:
    layout = lay_out(PLAN_STEP, REQUIRED, OPTIONAL, 80, HELP)
    assert shown(layout.wizard)[:3] == ["F3 Next", "F2 Back", "^R Rollback"]
    assert shown(layout.wizard)[3] == f"F1 Help (+{layout.hidden})" and layout.hidden > 0
    assert layout.hidden == len(PLAN_STEP) - len(layout.step)
    width = sum(e.width(True) for e in (*layout.step, *layout.wizard))
    assert width <= 80


def test_the_steps_own_actions_win_over_a_tables_keys() -> None:
    layout = lay_out(PLAN_STEP, REQUIRED, OPTIONAL, 80, HELP)
    kept = shown(layout.step)
    assert {"p Plan", "g Approve…", "l Log"} <= set(kept)
    assert "x Cancel" not in kept  # greyed: the first to go
    # The order on screen stays the bindings' order.
    assert kept == [s for s in shown(tuple(PLAN_STEP)) if s in kept]


def test_everything_fits_at_120_columns() -> None:
    step = PLAN_STEP[6:]
    layout = lay_out(step, REQUIRED, OPTIONAL, 120, HELP)
    assert not layout.compact and layout.hidden == 0
    assert shown(layout.step) == shown(tuple(step))
    assert shown(layout.wizard) == shown((*REQUIRED, *OPTIONAL))
