"""Pilot tests of auto-fill: previous values first, then the placeholders the wizard knows
(name prefix and region from terraform.tfvars, the Valkey host from Secrets Manager, moto)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.app import App
from textual.widgets import Input

from tests.support.stage4 import REGION, SECRET_ID, VALKEY_GROUP, inject_error, seed_secret
from tests.support.values_screen import (
    SAMPLE_SECRETS,
    VALUES,
    auto_fill,
    open_values,
    screen_text,
    status,
    values_app,
)
from tests.support.waiting import (
    WizardPilot,
    screen_is,
    settle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.values.commands import AutoFillItem
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.values.dialogs import auto_fill_dialog
from tui.screens.values.panel import ValuesPanel
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.frame import TextLines

HOST = f"master.{VALKEY_GROUP}.x7p2lm.euc1.cache.amazonaws.com"


def preview_body(app: WizardApp) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmDialog), f"no auto-fill preview: {screen!r}"
    return screen.query_one(TextLines).plain()


async def open_preview(app: WizardApp, pilot: WizardPilot) -> str:
    await pilot.press("a")
    await settle(app, pilot)
    return preview_body(app)


async def test_known_placeholders_come_from_tfvars_and_the_valkey_secret(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    password = json.loads(seed_secret())["password"]
    app, _, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        body = await open_preview(app, pilot)
        # the cache host (Valkey's endpoint) is one more than the template's known ones
        title = "Auto-fill: fill 29 placeholder(s) and carry 1 previous value(s) into open maps"
        assert title in screen_text(app)
        known = body.index("Known to the wizard:")
        assert body.index("credentials.admin.password") < known  # previous values first
        tail = body[known:]
        assert "credentials.valkey.secretsManagerId  from terraform.tfvars" in tail
        # a change too long for 80 columns goes on two lines ("→ after" under "before")
        flat = " ".join(tail.split())
        assert f"< REPLACE_VALUE_NAME_PREFIX >/valkey/fusion → {SECRET_ID}" in flat
        assert f"credentials.valkey.host  from Secrets Manager {SECRET_ID}" in tail
        assert f"< REPLACE_VALUE_VALKEY_HOST > → {HOST}" in flat
        # the legacy block's cache host: Valkey's too, never the old cache's (issue 13)
        assert f"credentials.redis.host from Secrets Manager {SECRET_ID} — the Valkey" in flat
        assert f"< REPLACE_VALUE_REDIS_HOST > → {HOST}" in flat
        assert "Left as they are" not in body  # the k8s secret name is no known placeholder
        assert password not in body and password not in screen_text(app)
        assert app.wizard.redactor.redact(f"auth {password}") != f"auth {password}"
        await pilot.press("escape")  # cancel changes nothing
        assert "Placeholders left 29" in status(panel)
        await auto_fill(app, pilot)
        assert "Placeholders left 1" in status(panel)
        assert panel.merge is not None
        assert panel.merge.placeholders_left() == ["credentials.valkey.existingSecret.name"]
        await pilot.press("s")
        app.screen.query_one(Input).value = "the k8s secret is created later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "nothing unsaved" in status(panel)
    saved = (curr / VALUES).read_text()
    assert f'secretsManagerId: "{SECRET_ID}"' in saved  # replaced inside the string, quotes kept
    assert f'host: "{HOST}"' in saved
    assert "-cache.k3v9qa" not in saved  # the previous release's (old cache) host
    journal = (curr / ".mocm-upgrade" / "journal.jsonl").read_text()
    assert password not in saved and password not in journal
    assert not any(secret in journal for secret in SAMPLE_SECRETS)


async def test_without_the_secret_the_host_stays_with_a_plain_reason(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    app, _, _ = values_app(tmp_path)  # the apply has not run: no Valkey secret yet
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        body = await open_preview(app, pilot)
        assert not isinstance(app.screen, ErrorDialog)
        title = "Auto-fill: fill 28 placeholder(s) and carry 1 previous value(s) into open maps"
        assert title in screen_text(app)
        left = body[body.index("Left as they are:") :]
        assert "credentials.valkey.host  < REPLACE_VALUE_VALKEY_HOST >" in left
        flat = " ".join(left.split())
        assert f"not filled: Secrets Manager has no secret '{SECRET_ID}' in region {REGION}" in flat
        assert "Has the upgrade apply created Valkey?" in flat
        await pilot.press("y")
        await settle(app, pilot)
        assert "Placeholders left 3" in status(panel)
        assert panel.merge is not None
        assert panel.merge.placeholders_left() == [
            "credentials.redis.host",  # kept: the previous value is the old cache
            "credentials.valkey.host",
            "credentials.valkey.existingSecret.name",
        ]
        assert panel.check_action("auto_fill", ()) is True  # once the apply ran, `a` again
        seed_secret()
        await auto_fill(app, pilot)
        assert panel.merge.placeholders_left() == ["credentials.valkey.existingSecret.name"]
        await pilot.press("u")  # the second auto-fill is one step of its own
        assert "Placeholders left 3" in status(panel)


async def test_access_denied_to_the_secret_fills_the_rest(aws: AwsEndpoint, tmp_path: Path) -> None:
    seed_secret()
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert isinstance(panel, ValuesPanel)
        client = panel.auto_fill_flow.secretsmanager(REGION)
        inject_error(client, "GetSecretValue", "AccessDeniedException", "not allowed")
        body = await open_preview(app, pilot)
        assert not isinstance(app.screen, ErrorDialog)
        flat = " ".join(body.split())
        assert "not filled: access denied to secretsmanager:GetSecretValue in eu-central-1" in flat
        assert "credentials.valkey.secretsManagerId  from terraform.tfvars" in body
        assert "Auto-fill again once that is fixed" in flat
        await pilot.press("y")
        await settle(app, pilot)
        assert "Placeholders left 3" in status(panel)
        assert panel.check_action("save", ()) is True  # nothing is blocked


async def test_without_aws_credentials_the_preview_still_opens(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await open_values(app, pilot)
        body = await open_preview(app, pilot)
        assert "(y)" in screen_text(app)  # the confirm button is on screen at 80x24
        assert "not filled:" in body and "secretsmanager:GetSecretValue" in body
        await pilot.press("y")
        await settle(app, pilot)
        assert "Placeholders left 3" in status(panel)
        await pilot.press("u")
        assert "Placeholders left 29" in status(panel)


async def test_the_auto_fill_question_fits_80_columns() -> None:
    """The sentence on top wraps, and a change too long for one line goes on two: at
    80×24 nothing of either is cut at the dialog's right edge (issue 18)."""
    registry = "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
    dialog = auto_fill_dialog(
        [
            AutoFillItem("global.image.registry", registry, "< REPLACE_VALUE_IMAGE_REGISTRY >"),
            AutoFillItem("host.domain", "mocm.acme-corp.example", "< REPLACE_VALUE_HOST >"),
        ],
        [],
        [],
    )

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(dialog)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(app, pilot, screen_is(app, ConfirmDialog), "the question")
        body = dialog.query_one("#dialog-body", TextLines)
        room = body.scrollable_content_region.width
        lines = body.plain().splitlines()
        assert all(len(line) <= room for line in lines), (room, lines)
        assert "      →  " + registry in lines  # under its placeholder
        assert "    < REPLACE_VALUE_HOST >  →  mocm.acme-corp.example" in lines  # fits on one
        await pilot.press("escape")
