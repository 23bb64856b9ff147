"""The Apply step's request to the App: plan again, in the Plan step.

The Apply step's plan was refused (changed, stale) or its apply never finished:
the App shows the Plan step and plans again there (``PlanPanel.replan``), which
voids the old approval. The App's handler is named after this namespace.
"""

from __future__ import annotations

from textual.message import Message


class ApplyFlow:
    """The namespace of the Apply step's messages to the App."""

    class ReplanRequested(Message):
        """Plan again in the Plan step (the App handles it)."""
