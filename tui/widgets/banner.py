"""The banner over every step: the upgrade, the customer, and who the wizard is in AWS.

It fits 80 columns in the usual case; the AWS part appears as soon as any step has asked
STS who we are (Preflight, Stage 4), or as the journal last recorded it after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

from tui.core.aws.identity import short_principal

NOT_CHECKED = "AWS: not checked"


@dataclass(frozen=True)
class BannerIdentity:
    """Account, the caller's ARN and the region, as STS and the session gave them."""

    account: str
    arn: str
    region: str

    @property
    def words(self) -> str:
        # The principal last: at 80 columns it is what gets cut, never the region.
        region = f" · {self.region}" if self.region else ""
        return f"AWS {self.account}{region} · {short_principal(self.arn)}"


class Banner(Static):
    """One line: ``title │ customer │ AWS account · region · principal``."""

    def __init__(self, title: str) -> None:
        super().__init__(markup=False, id="banner")
        self.title_text = title
        self.customer: str | None = None
        self.identity: BannerIdentity | None = None

    def on_mount(self) -> None:
        self.update(self.text())

    def text(self) -> str:
        parts = [self.title_text]
        if self.customer:
            parts.append(self.customer)
        parts.append(self.identity.words if self.identity else NOT_CHECKED)
        return " │ ".join(parts)

    def show(self, customer: str | None = None, identity: BannerIdentity | None = None) -> None:
        """Change what is known (None keeps what was shown) and redraw."""
        if customer is not None:
            self.customer = customer
        if identity is not None:
            self.identity = identity
        self.update(self.text())
