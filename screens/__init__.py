"""One module per wizard step. ``build_panel`` maps a step id to its screen."""

from __future__ import annotations

from screens.base import StepPanel


def build_panel(step_id: str) -> StepPanel:
    """The step's panel; steps not automated yet get an honest placeholder."""
    if step_id == "releases":
        from screens.releases import ReleasesPanel

        return ReleasesPanel()
    from screens.not_built import NotBuiltPanel

    return NotBuiltPanel(step_id)
