"""One module per wizard step. ``build_panel`` maps a step id to its screen."""

from __future__ import annotations

from screens.base import StepPanel

BUILT_STEPS = frozenset(
    {
        "releases",
        "stage4",
        "values",
        "plan",
        "apply",
        "rollback",
        "preflight",
        "backend",
        "helm",
        "carry_over",
    }
)


def panel_is_built(step_id: str) -> bool:
    """Whether this version automates the step (others say so plainly)."""
    return step_id in BUILT_STEPS


def build_panel(step_id: str) -> StepPanel:
    """The step's panel; steps not automated yet get an honest placeholder."""
    if step_id == "releases":
        from screens.releases import ReleasesPanel

        return ReleasesPanel()
    if step_id == "stage4":
        from screens.stage4 import Stage4Panel

        return Stage4Panel()
    if step_id == "values":
        from screens.values import ValuesPanel

        return ValuesPanel()
    if step_id == "plan":
        from screens.plan import PlanPanel

        return PlanPanel()
    if step_id == "apply":
        from screens.apply import ApplyPanel

        return ApplyPanel()
    if step_id == "rollback":
        from screens.rollback import RollbackPanel

        return RollbackPanel()
    if step_id == "preflight":
        from screens.preflight import PreflightPanel

        return PreflightPanel()
    if step_id == "backend":
        from screens.backend import BackendPanel

        return BackendPanel()
    if step_id == "helm":
        from screens.helm import HelmPanel

        return HelmPanel()
    if step_id == "carry_over":
        from screens.carry_over import CarryOverPanel

        return CarryOverPanel()
    from screens.not_built import NotBuiltPanel

    return NotBuiltPanel(step_id)
