"""The command palette's commands in the wizard's order (steps 1 … 10, not 1, 10, 2)."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hits
from textual.system_commands import SystemCommandsProvider


class OrderedCommands(SystemCommandsProvider):
    """The App's commands as ``get_system_commands`` yields them (Textual sorts by title)."""

    async def discover(self) -> Hits:
        for title, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(title, callback, help=help_text)
