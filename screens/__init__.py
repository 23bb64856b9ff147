"""One module per wizard step. ``build_panel`` maps a step id to its screen."""

from __future__ import annotations

import importlib

from tui.screens.base import StepPanel
from tui.wizard import Wizard

# step id -> (module, class); imported when the step is first shown (fast start).
PANELS: dict[str, tuple[str, str]] = {
    "releases": ("tui.screens.releases.panel", "ReleasesPanel"),
    "preflight": ("tui.screens.preflight.panel", "PreflightPanel"),
    "backend": ("tui.screens.backend.panel", "BackendPanel"),
    "carry_over": ("tui.screens.carry_over.panel", "CarryOverPanel"),
    "plan": ("tui.screens.plan.panel", "PlanPanel"),
    "apply": ("tui.screens.apply.panel", "ApplyPanel"),
    "values": ("tui.screens.values.panel", "ValuesPanel"),
    "helm": ("tui.screens.helm.panel", "HelmPanel"),
    "stage4": ("tui.screens.stage4.panel", "Stage4Panel"),
    "rollback": ("tui.screens.rollback.panel", "RollbackPanel"),
}


def build_panel(step_id: str, wizard: Wizard) -> StepPanel:
    """The step's panel, working with ``wizard`` (KeyError for a step this version lacks)."""
    module_name, class_name = PANELS[step_id]
    panel_class = getattr(importlib.import_module(module_name), class_name)
    assert isinstance(panel_class, type) and issubclass(panel_class, StepPanel)
    return panel_class(wizard)
