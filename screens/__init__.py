"""One module per wizard step. ``build_panel`` maps a step id to its screen."""

from __future__ import annotations

import importlib

from screens.base import StepPanel

# step id -> (module, class); imported when the step is first shown (fast start).
PANELS: dict[str, tuple[str, str]] = {
    "releases": ("screens.releases", "ReleasesPanel"),
    "preflight": ("screens.preflight", "PreflightPanel"),
    "backend": ("screens.backend", "BackendPanel"),
    "carry_over": ("screens.carry_over", "CarryOverPanel"),
    "plan": ("screens.plan", "PlanPanel"),
    "apply": ("screens.apply", "ApplyPanel"),
    "values": ("screens.values", "ValuesPanel"),
    "helm": ("screens.helm", "HelmPanel"),
    "stage4": ("screens.stage4", "Stage4Panel"),
    "rollback": ("screens.rollback", "RollbackPanel"),
}


def build_panel(step_id: str) -> StepPanel:
    """The step's panel (KeyError for a step this version does not know)."""
    module_name, class_name = PANELS[step_id]
    panel = getattr(importlib.import_module(module_name), class_name)()
    assert isinstance(panel, StepPanel)
    return panel
