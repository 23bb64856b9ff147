"""What every step works with: how the wizard was started, the releases chosen, the session.

The App owns one :class:`Wizard` and hands it to each step panel it builds, so a
step reads the context, the journal and AWS without knowing the App.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.command_records import CommandRecords
from tui.context import WizardContext
from tui.core.aws.session import EnvSession
from tui.core.releases.directories import ReleasePair
from tui.core.secrets.redact import Redactor
from tui.version import package_version

if TYPE_CHECKING:
    from tui.session import Session


class Wizard:
    """The wizard's shared state: context, release pair, open session, redactor, commands."""

    def __init__(self, context: WizardContext) -> None:
        self.context = context
        self.pair: ReleasePair | None = None
        self.session: Session | None = None
        self.redactor = Redactor()
        self.commands = CommandRecords()

    def open_release(self, pair: ReleasePair) -> bool:
        """Lock ``pair``'s release and open its journal (MocmError, e.g. LockHeld, if not).

        Returns False when that release is open already (nothing changed).
        """
        if self.session is not None and self.session.workspace.current_release == pair.current.path:
            return False
        from tui.session import Session  # the journal loads after the first paint

        session = Session.open(pair, self.context.playbook, package_version(), self.redactor)
        self.close()
        self.session, self.pair = session, pair
        return True

    def close(self) -> None:
        """Release the lock of the open session, if any."""
        if self.session is not None:
            self.session.close()

    def aws(self) -> EnvSession:
        """boto3 for this run, from the wizard's explicit environment."""
        env = self.context.env
        # The environment's own region wins, so Preflight can tell a mismatch with tfvars.
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        if not region and self.pair is not None:
            region = self.pair.aws_region
        return EnvSession(env, region=region)
