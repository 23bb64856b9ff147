"""The focus audit (issue 18): after every action of every step, where the focus goes.

Each step declares it in one place, its panel's ``FOCUS_AFTER`` ("action" or
"action.outcome" → the widget, "a, b": the first that can take it); the steps that
embed the plan pipeline add ``pipeline_focus`` (after each phase). ``AUDIT`` below is
the table an operator can read: every row must be what the panels declare, and every
key a step shows must have its row. The pilot tests in tests/screens/<step>/
test_*_focus.py press the keys and read the focused widget.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widget import Widget

from tui.core.tofu.plan.pipeline import Phase
from tui.screens import PANELS
from tui.screens.base import StepPanel
from tui.screens.plan.pipeline_view import PipelineView, pipeline_focus

# (step, action[.outcome], key, focus after). Key "—": no key of its own (it follows
# another action, or opening the step); "Enter": a button or field's Enter.
AUDIT: tuple[tuple[str, str, str, str], ...] = (
    ("releases", "use", "Enter", "#changes"),
    ("releases", "use.problem", "Enter", "#previous, #current"),
    ("preflight", "refresh", "r", "#pf-checks"),
    ("preflight", "refresh.failed", "r", "#pf-refresh"),
    ("preflight", "backup", "b", "#pf-checks"),
    ("preflight", "waive", "w", "#pf-checks"),
    ("preflight", "snapshot", "s", "#pf-checks"),
    ("backend", "keep_local", "k", "#be-keep"),
    ("backend", "show_form", "m", "#be-check"),
    ("backend", "check", "c", "#be-migrate"),
    ("backend", "check.fields", "c", "BackendFormView .-problem"),
    ("backend", "check.problems", "c", "#be-check"),
    ("backend", "migrate.running", "w", "#be-output"),
    ("backend", "migrate", "w", "#be-output"),
    ("backend", "migrate.failed", "w", "#be-migrate, #be-check"),
    ("backend", "stop", "x", "#be-migrate, #be-check"),
    ("backend", "detect", "r", "#be-keep, #be-check, #be-scroll"),
    ("carry_over", "preview", "r", "#co-apply, #co-table"),
    ("carry_over", "preview.failed", "r", "#co-preview"),
    ("carry_over", "apply", "a", "#co-table"),
    ("carry_over", "apply.failed", "a", "#co-apply, #co-preview"),
    ("carry_over", "detail", "Enter", "#co-detail-scroll"),
    ("carry_over", "leave_detail", "escape", "#co-table"),
    ("apply", "archive", "c", "#apply-log"),
    ("apply", "archive.failed", "c", "#apply-log"),
    ("values", "open", "—", "ValuesPanes"),
    *(
        ("values", action, key, "ValuesPanes")
        for action, key in (
            ("next_difference", "n"),
            ("previous_difference", "N"),
            ("next_placeholder", "p"),
            ("next_undecided", "o"),
            ("port", "right"),
            ("port_subtree", "P"),
            ("edit", "e"),
            ("keep", "k"),
            ("carry", "c"),
            ("drop", "x"),
            ("drop_all", "D"),
            ("undo", "u"),
            ("redo", "ctrl+y"),
            ("search", "slash"),
            ("cycle_filter", "f"),
            ("auto_fill", "a"),
            ("bump_tag", "t"),
            ("reveal", "r"),
            ("save", "s"),
        )
    ),
    ("helm", "section", "1-6", "#helm-tabs Tabs"),
    ("helm", "check_images", "c", "#img-load, #helm-tabs Tabs"),
    ("helm", "check_images.failed", "c", "#img-check"),
    ("helm", "load_images", "l", "#img-log"),
    ("helm", "acknowledge", "a", "#helm-tabs Tabs"),
    ("helm", "record_history", "h", "#helm-tabs Tabs"),
    ("helm", "lint", "i", "#helm-tabs Tabs"),
    ("helm", "diff", "d", "#diff-view, #diff-log"),
    ("helm", "toggle_diff", "o", "#diff-view, #diff-log"),
    ("helm", "sync", "s", "#rb-run, #helm-tabs Tabs"),
    ("helm", "rollback", "b", "#rb-outcome, #rb-run"),
    ("helm", "cancel", "x", "#helm-tabs Tabs"),
    ("stage4", "phase.applied", "a", "#s4-tabs Tabs"),  # the follow-up tab comes next
    ("stage4", "refresh", "r", "#s4-tabs Tabs"),
    ("stage4", "refresh.failed", "r", "#s4-refresh"),
    ("stage4", "section", "1-6", "#s4-tabs Tabs"),
    ("stage4", "section.scan", "1-6", "#s4-ref-list"),  # 2, with references to waive
    ("stage4", "take_snapshot", "t", "#s4-tabs Tabs"),
    ("stage4", "park", "k", "#s4-tabs Tabs"),
    ("stage4", "plan_teardown", "p", "#s4-td-log"),
    ("stage4", "apply_teardown", "a", "#s4-td-log"),
    ("stage4", "waive_reference", "w", "#s4-ref-list, #s4-tabs Tabs"),
    ("stage4", "leave_field", "escape", "#s4-tabs Tabs"),
    ("rollback", "open.a", "—", "#rb-restore"),
    ("rollback", "open.b", "—", "#rb-versions"),
    ("rollback", "restore", "R", "#rb-plan-button"),
    ("rollback", "restore.failed", "R", "#rb-restore"),
    ("rollback", "download", "d", "#rb-push, #rb-versions"),
    ("rollback", "download.failed", "d", "#rb-download, #rb-versions"),
    ("rollback", "push", "P", "#rb-plan-button"),
    ("rollback", "push.failed", "P", "#rb-push, #rb-download"),
)

# The plan pipeline (Plan p/g/x/l, Apply a/r/x/l, Rollback's and Stage 4's re-converge
# and teardown): each action ends in a phase; after it, with the step's prefix for "{p}".
PIPELINE_AUDIT: tuple[tuple[str, str, str], ...] = (
    ("toggle_log", "l", "#{p}-log, #{p}-review #plan-table"),
    ("idle", "—", "#{p}-plan-button"),
    ("init", "p", "#{p}-log"),
    ("plan", "p", "#{p}-log"),
    ("show", "p", "#{p}-log"),
    ("reviewing", "p", "#{p}-log"),
    ("plan-failed", "p", "#{p}-plan-button"),
    ("reviewed", "p", "#{p}-apply-button, #{p}-review #plan-table"),
    ("approved", "g", "#{p}-apply-button, #{p}-review #plan-table"),
    ("checking", "a", "#{p}-log"),
    ("applying", "a", "#{p}-log"),
    ("applied", "a", "#{p}-log"),
    ("refused", "a", "#{p}-replan-button, #{p}-plan-button"),
    ("apply-failed", "a", "#{p}-replan-button, #{p}-plan-button"),
    ("interrupted", "x", "#{p}-replan-button, #{p}-plan-button"),
)
PIPELINE_STEPS = {"plan": "plan", "apply": "apply", "rollback": "rb", "stage4": "s4-td"}


def panel_class(step: str) -> type[StepPanel]:
    module_name, class_name = PANELS[step]
    found = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(found, StepPanel)
    return found


def step_bindings(step: str) -> dict[str, str]:
    """action → key of every key the step shows: its panel's and its own widgets'
    (dialogs and the shared plan pipeline apart)."""
    package = importlib.import_module(f"tui.screens.{step}")
    keys: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, Widget):
                continue
            if issubclass(cls, ModalScreen | PipelineView) or "BINDINGS" not in vars(cls):
                continue
            for binding in vars(cls)["BINDINGS"]:
                if isinstance(binding, Binding):
                    action = binding.action.split("(")[0]
                    keys.setdefault(action, binding.key.split(",")[0])
    return keys


def test_every_row_is_what_the_step_declares() -> None:
    for step in PANELS:
        pipeline = pipeline_focus(PIPELINE_STEPS[step]) if step in PIPELINE_STEPS else {}
        declared = {  # the pipeline's own rows apart (PIPELINE_AUDIT), a step's own kept
            done: target
            for done, target in panel_class(step).FOCUS_AFTER.items()
            if pipeline.get(done) != target
        }
        audited = {done: target for s, done, _, target in AUDIT if s == step}
        assert declared == audited, step


def test_every_key_of_every_step_has_its_row() -> None:
    rows = 0
    for step in PANELS:
        keys = step_bindings(step)
        audited = {done.split(".")[0]: key for s, done, key, _ in AUDIT if s == step}
        for action, key in keys.items():
            assert action in audited, f"{step}: {key} ({action}) has no focus-after row"
            if audited[action] != "1-6":
                assert audited[action] == key, f"{step}: {action} is {key}, not {audited[action]}"
        rows += len([r for r in AUDIT if r[0] == step])
    assert rows == len(AUDIT)


def test_the_pipeline_rows_are_every_phase_in_every_step_that_embeds_it() -> None:
    phases = {p.value for p in Phase}
    assert {done for done, _, _ in PIPELINE_AUDIT} == phases | {"toggle_log"}
    for step, prefix in PIPELINE_STEPS.items():
        expected = {
            (f"phase.{done}" if done in phases else done): target.replace("{p}", prefix)
            for done, _, target in PIPELINE_AUDIT
        }
        assert pipeline_focus(prefix) == expected
        declared = panel_class(step).FOCUS_AFTER
        own = {done: target for s, done, _, target in AUDIT if s == step}
        assert {k: v for k, v in declared.items() if k in expected} == expected | {
            k: v for k, v in own.items() if k in expected
        }, step
    for step in set(PANELS) - set(PIPELINE_STEPS):
        assert not any(k.startswith("phase.") for k in panel_class(step).FOCUS_AFTER), step
