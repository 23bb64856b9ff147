"""Seed ECR with the images of both releases' lists, minus the ones the world says are missing."""

from __future__ import annotations

import json
import secrets
from typing import Any

from botocore.exceptions import ClientError

from tui.core.playbook.load import Playbook
from tui.sandbox.seed_client import client
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World


def parse_image(image: str) -> tuple[str, str, str]:
    """``<registry>/<repo>:<tag>`` -> (registry, repo, tag)."""
    registry, _, rest = image.partition("/")
    repo, _, tag = rest.rpartition(":")
    if not (registry and repo and tag):
        raise ValueError(f"not an image reference <registry>/<repo>:<tag>: {image!r}")
    return registry, repo, tag


def push_image(ecr: Any, image: str) -> bool:
    """Put ``image`` in the sandbox ECR; False when it was already there."""
    _, repo, tag = parse_image(image)
    try:
        ecr.create_repository(repositoryName=repo)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "RepositoryAlreadyExistsException":
            raise
    found = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": tag}])
    if found["images"]:
        return False
    digest = "sha256:" + secrets.token_hex(32)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": digest,
        },
        "layers": [],
    }
    ecr.put_image(repositoryName=repo, imageManifest=json.dumps(manifest), imageTag=tag)
    return True


def image_lines(path: Any) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def seed_images(world: World, env: dict[str, str], playbook: Playbook, report: SeedReport) -> None:
    ecr = client("ecr", env)
    missing = set(world.spec["images"]["missing_in_ecr"])
    previous = image_lines(world.previous / playbook.images_list)
    for image in previous:
        push_image(ecr, image)
    for image in image_lines(world.current / playbook.images_list):
        repo = parse_image(image)[1]
        if repo in missing:
            try:
                ecr.create_repository(repositoryName=repo)
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "RepositoryAlreadyExistsException":
                    raise
            report.images_missing.append(image)
        else:
            push_image(ecr, image)
            report.images_present.append(image)
