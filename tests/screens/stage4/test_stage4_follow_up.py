"""The follow-up check's failure on screen: a release file it cannot parse.

The follow-up check reads every ``*.tf`` of the current release (no AWS call): it fails
for real when one of them is not valid HCL — an operator's edit half done while the step
is open. The section says it cannot check, naming the resource, the file, line and
column, in its own place (read-only: no error dialog); checking again once the file is
mended shows the answer again.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from tests.support.screen_text import text_of
from tests.support.stage4_screen import open_stage4, seed_world, stage4_app, stage4_pair
from tests.support.waiting import settle, wait_until
from tui.core.playbook.load import load_playbook
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.widgets.dialogs.error import ErrorDialog

RESOURCE = load_playbook().stage4.follow_up_resource  # aws_security_group.elasticache
HALF_EDITED = """resource "aws_security_group_rule" "bastion_to_cache" {
  type              = "ingress"
  security_group_id = aws_security_group.elasticache.id
"""  # the closing brace not typed yet


async def test_a_release_file_that_does_not_parse_is_said_and_checked_again(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    broken = curr / "terraform" / "aws" / "11-bastion.tf"
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        app.query_one("#s4-tabs Tabs").focus()
        await pilot.press("6")  # the follow-up section
        await settle(app, pilot)
        assert f"{RESOURCE}: still referenced by" in text_of(app, "#s4-followup")
        broken.write_text(HALF_EDITED)
        await pilot.click("#s4-followup-again")
        await settle(app, pilot)
        said = " ".join(text_of(app, "#s4-followup").split())
        assert said.startswith(f"✗ Cannot check {RESOURCE}: {broken}:")
        assert "is not valid HCL" in said
        assert "still referenced" not in said  # the earlier answer is not left standing
        assert not isinstance(app.screen, ErrorDialog)  # said in its place, no dialog
        broken.write_text(HALF_EDITED + "}\n")  # mended
        again = app.query_one("#s4-followup-again", Button)
        await wait_until(app, pilot, lambda: not again.has_class("-active"), "the button up")
        await pilot.click("#s4-followup-again")
        await settle(app, pilot)
        said = " ".join(text_of(app, "#s4-followup").split())
        assert "Cannot check" not in said
        assert "aws_security_group_rule.bastion_to_cache (11-bastion.tf:3)" in said
