"""Seed the sandbox's AWS endpoint (moto) with what the demo world's state describes.

Only boto3, only through ``AWS_ENDPOINT_URL``. Idempotent: running it twice
leaves the same world. Names come from the playbook and ``world.json``; one
module per AWS service group seeded (``seed_caches``, ``seed_storage``,
``seed_images``, ``seed_snapshots``, ``seed_metrics``).

CLI: ``python -m tui.sandbox.seed push-image <registry>/<repo>:<tag>...`` (used by
the world's ``loadimage.sh``: there is no docker in the sandbox).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from tui.core.playbook.load import Playbook, load_playbook
from tui.sandbox.seed_caches import seed_caches, seed_secret
from tui.sandbox.seed_client import client
from tui.sandbox.seed_images import push_image, seed_images
from tui.sandbox.seed_metrics import seed_metrics
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.seed_snapshots import seed_snapshots
from tui.sandbox.seed_storage import seed_storage
from tui.sandbox.world import World


def seed_world(world: World, env: dict[str, str], playbook: Playbook | None = None) -> SeedReport:
    """Fill the endpoint so that every check of the wizard has something real to read."""
    book = playbook or load_playbook()
    report = SeedReport()
    report.account_id = client("sts", env).get_caller_identity()["Account"]
    seed_caches(world, env, book, report)
    seed_secret(world, env, book, report)
    seed_storage(world, env, book, report)
    seed_images(world, env, book, report)
    seed_snapshots(world, env, book, report)
    seed_metrics(world, env, book, report, now=datetime.now(UTC))
    return report


def main(argv: list[str] | None = None) -> int:
    import os

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "push-image":
        print(
            "usage: python -m tui.sandbox.seed push-image <registry>/<repo>:<tag>...",
            file=sys.stderr,
        )
        return 1
    env = dict(os.environ)
    if not env.get("AWS_ENDPOINT_URL"):
        print(
            "push-image: AWS_ENDPOINT_URL is not set (source the world's env.sh)", file=sys.stderr
        )
        return 1
    ecr = client("ecr", env)
    return max(push_one(ecr, image, env["AWS_ENDPOINT_URL"]) for image in args[1:])


def push_one(ecr: Any, image: str, url: str) -> int:
    """Push ``image``, one line saying what happened (flushed: the Helm step streams it)."""
    try:
        pushed = push_image(ecr, image)
    except (ValueError, ClientError) as exc:
        print(f"push-image: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:  # endpoint down: say so instead of a traceback
        print(f"push-image: cannot reach {url}: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"{'pushed' if pushed else 'present'}: {image}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
