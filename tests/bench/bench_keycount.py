"""Keys an operator presses for the demo's B.1 upgrade through Stage 4's apply, and how
many are Tab.

Drives `mocm-upgrade demo --dir <fresh temp dir>` in a real terminal (tmux, 80x24 unless
``--size``) along the B.1 path: Releases → Preflight (state backup) → Backend (B.1: check,
write, migrate, answer yes) → Carry-over → Plan (approve) → Apply (confirm) → Values
(auto-fill, the one value the wizard cannot know, save) → Helm (images, CHANGELOG,
revisions, lint, diff, sync) → Stage 4 (evidence: idle, since the demo world starts a
business cycle after its cutover; final snapshot; park; plan; review; the cluster id typed;
apply; the security-group follow-up). Each key is sent only once the screen shows what the
operator would wait for, so the count is the keys, not the retries. The end-to-end test
(tests/e2e/test_demo_stage4_tmux.py) drives the same path at 120x40.

Prints: keys=<total> typed=<characters typed into fields> tab=<Tab + Shift+Tab>
share=<tab/keys %> (goal, issue 18: ≤ 10 %), then the keys per step.
Run: .venv/bin/python -m tests.bench.bench_keycount [--size 120x40]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.e2e.tmux_support import TmuxScreen
from tests.support.sandbox import world_processes

BIN = Path(sys.executable).parent / "mocm-upgrade"
PROJECT = Path(__file__).resolve().parents[2]
TAB_KEYS = frozenset({"Tab", "BTab"})
# The one value the demo's template asks for that nothing on the jump host knows.
VALKEY_SECRET_NAME = "mocm-valkey-auth"

Check = Callable[[str], bool]


def shows(*words: str) -> Check:
    return lambda text: all(word in text for word in words)


def matches(pattern: str) -> Check:
    compiled = re.compile(pattern)
    return lambda text: compiled.search(text) is not None


@dataclass
class KeyLog:
    """Every key sent, by step; typed text counts one key per character."""

    per_step: Counter[str] = field(default_factory=Counter)
    tabs: int = 0
    typed: int = 0

    @property
    def total(self) -> int:
        return sum(self.per_step.values())


class Operator:
    """Presses keys in the tmux screen and waits, like a person, for what each one shows."""

    def __init__(self, screen: TmuxScreen, log: KeyLog) -> None:
        self.screen = screen
        self.log = log
        self.step = "start"
        self.seen: list[str] = []  # every screen a key's wait matched, in order

    def at(self, step: str) -> None:
        self.step = step

    def press(self, key: str, then: Check, timeout: float = 60.0) -> str:
        self.screen.keys(key)
        self.log.per_step[self.step] += 1
        self.log.tabs += key in TAB_KEYS
        shown = self.screen.wait_for(then, timeout=timeout)
        self.seen.append(f"[{self.step}] after {key}\n{shown}")
        return shown

    def type(self, text: str) -> None:
        self.screen.keys("-l", text)
        self.log.per_step[self.step] += len(text)
        self.log.typed += len(text)


def b1_upgrade(op: Operator) -> None:
    """The B.1 path, one step after the other (the keys an operator needs, no more)."""
    op.at("2 preflight")
    op.press("F3", matches(r"\d+ fail · \d+ warn · \d+ pass"))
    text = op.screen.text()
    if "Take the backup" in text:
        op.press("b", shows("Backed up terraform.tfstate"))
    op.at("3 backend")
    op.press("F3", shows("Migrate to S3 first"))
    op.press("m", shows("Check against AWS (c)"))
    op.press("c", shows("Next: w writes backend.tf"))
    op.press("w", shows("tofu init -migrate-state asks:"), timeout=120)
    op.press("y", shows("Next: F3 (the carry-over)"), timeout=300)
    op.at("4 carry-over")
    op.press("F3", shows("press a to"))
    op.press("a", shows("Apply the carry-over?"))
    op.press("a", shows("Next: F3."), timeout=120)
    op.at("5 plan")
    op.press("F3", shows("Press p to plan"))
    op.press("p", shows("Press g to approve"), timeout=600)
    op.press("g", shows("Approve this plan?"))
    op.press("y", shows("Approved"))
    op.at("6 apply")
    op.press("F3", shows("Press a to"))
    op.press("a", shows("Apply the approved plan?"))
    op.press("y", shows("Archive verified"), timeout=600)
    op.at("7 values")
    op.press("F3", shows("Placeholders left"))
    op.press("a", shows("Auto-fill"))
    op.press("y", shows("unsaved changes"))
    if "Placeholders left 0" not in op.screen.text():
        op.press("p", shows("placeholder to fill"))
        op.press("e", shows("Edit credentials.valkey.existingSecret.name"))
        op.type(VALKEY_SECRET_NAME)
        op.press("Enter", shows("Placeholders left 0"))
    op.press("s", shows("Save values.yaml?"))
    op.press("y", shows("Saved values.yaml"))
    op.at("8 helm")
    op.press("F3", matches(r"images are in ECR|missing in ECR"))
    if "missing in ECR" in op.screen.text():
        op.press("l", shows("images are in ECR"), timeout=300)
    op.press("2", shows("Acknowledge"))
    op.press("a", shows("✔ Acknowledged"))  # said above the CHANGELOG, on screen at 80x24
    op.press("3", shows("helm history"))
    op.press("h", shows("Revisions recorded"), timeout=120)
    op.press("4", shows("Run helm lint"))
    op.press("i", matches(r"charts/mocm-service: (passed|failed)"), timeout=120)
    op.press("5", shows("Run diff"))
    op.press("d", matches(r"release(s)? (will change|with changes)|no change"), timeout=120)
    op.press("6", shows("Ready to sync"))
    op.press("s", shows("Upgrade the Helm releases?"))
    op.press("y", matches(r"Sync succeeded|Sync failed"), timeout=600)


# The demo's old cache, as Stage 4 names it and the apply gate asks it typed.
OLD_CACHE_ID = "acme-mocm-prod-cache"
# The follow-up the demo's teardown leaves: its security group, still referenced.
FOLLOW_UP = ("aws_security_group.elasticache", "follow-up change")


def stage4_teardown(op: Operator) -> None:
    """Stage 4 on the demo: the evidence (idle: the demo starts a business cycle after its
    cutover), the final snapshot, park the old cache's file, plan, review, type the
    cluster id, apply; the security-group follow-up comes up on its own."""
    op.at("9 stage 4")
    op.press("F3", matches(r"IDLE +peak"), timeout=120)
    op.press("4", shows("Take the snapshot"))
    op.press("t", shows(f"{OLD_CACHE_ID}-final of {OLD_CACHE_ID}", "available."), 120)
    op.press("5", shows("✔ final snapshot taken"))
    op.press("k", shows("is parked as"))
    op.press("p", shows("Press a to apply it"), timeout=300)
    op.press("a", shows("Destroy the old cache: apply this plan?", "Type exactly"))
    # The typed-phrase dialog opens on Cancel (destructive); Shift+Tab reaches the box.
    typed_into_box(op, OLD_CACHE_ID)
    op.press("Enter", shows(*FOLLOW_UP), timeout=300)


def typed_into_box(op: Operator, phrase: str) -> None:
    """Shift+Tab to the box and type ``phrase`` at once, as an operator does: the dialog
    keeps every key typed from its first moment (tui/widgets/dialogs/kept_keys.py), so
    the phrase is typed once; a lost key fails the run."""
    op.press("BTab", lambda text: True)
    op.type(phrase)
    op.screen.wait_for(matches(rf"█ {re.escape(phrase)}\s"), timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="80x24", help="terminal size, e.g. 120x40")
    parser.add_argument("--screens", help="write each screen waited for to this file")
    args = parser.parse_args(argv)
    size = args.size
    log = KeyLog()
    with tempfile.TemporaryDirectory(prefix="mocm-keycount-") as tmp:
        root = Path(tmp)
        world = root / "world"
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(root / "home"),
            "XDG_CACHE_HOME": str(root / "cache"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
        }
        screen = TmuxScreen([str(BIN), "demo", "--dir", str(world)], PROJECT, env, size=size)
        op = Operator(screen, log)
        started = time.monotonic()
        try:
            screen.wait_for(shows("AWS world seeded anew"), timeout=300)
            b1_upgrade(op)
            stage4_teardown(op)
            op.at("quit")
            screen.keys("C-q")
            log.per_step["quit"] += 1
            screen.wait_gone(timeout=60)
        except AssertionError as exc:
            print(f"stopped at step {op.step!r}: {exc}", file=sys.stderr)
            return 1
        finally:
            if args.screens:
                Path(args.screens).write_text("\n\f\n".join(op.seen), encoding="utf-8")
            screen.kill()
            deadline = time.monotonic() + 30
            while world_processes(world, 0) and time.monotonic() < deadline:
                time.sleep(0.2)  # polling interval
        elapsed = time.monotonic() - started
    share = 100.0 * log.tabs / log.total if log.total else 0.0
    print(
        f"keys={log.total} typed={log.typed} tab={log.tabs} share={share:.1f}% "
        f"(goal <= 10%) at {size} in {elapsed:.0f} s, step 1 through Stage 4's apply"
    )
    for step, count in log.per_step.items():
        print(f"  {step:<14} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
