"""The release's images (``images/images.txt``) and whether ECR already holds them.

Each line names one image as ``[registry/]repository:tag``; blank lines and
``#`` comments are ignored. The registry checked is the one the Helm values
point at (``global.image.registry`` = ``<account>.dkr.ecr.<region>.amazonaws.com``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.errors import MocmError, ParseError

_REPOSITORY = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_ECR_HOST = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)"
    r"\.amazonaws\.com(?:\.cn)?$"
)
_DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
_THROTTLED = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
)
REPOSITORY_MISSING = "repository does not exist"
TAG_MISSING = "tag not pushed"


class ImagesListMissing(MocmError):
    """images.txt cannot be found or read."""


class RegistryError(MocmError):
    """The registry named in the Helm values is not an ECR registry host."""


class EcrAccessDenied(MocmError):
    """The AWS identity may not read ECR."""


class EcrThrottled(MocmError):
    """ECR refused the calls for going too fast."""


class EcrUnavailable(MocmError):
    """ECR could not be asked (network, credentials, unexpected error)."""


@dataclass(frozen=True)
class ImageRef:
    """One image of images.txt."""

    repository: str
    tag: str
    line: int

    @property
    def name(self) -> str:
        return f"{self.repository}:{self.tag}"


@dataclass(frozen=True)
class EcrRegistry:
    host: str
    account_id: str
    region: str


@dataclass(frozen=True)
class ImagePresence:
    """Whether ECR holds one image; ``reason`` says why not."""

    image: ImageRef
    present: bool
    reason: str = ""
    digest: str = ""


@dataclass(frozen=True)
class ImageCheckReport:
    registry: EcrRegistry
    results: tuple[ImagePresence, ...]

    @property
    def missing(self) -> tuple[ImagePresence, ...]:
        return tuple(r for r in self.results if not r.present)

    @property
    def all_present(self) -> bool:
        return not self.missing


def parse_image_line(text: str, path: str, line: int) -> ImageRef | None:
    """One line of images.txt: None for a blank or comment line, else the image."""
    content = text.split("#", 1)[0].strip()
    if not content:
        return None
    if any(ch.isspace() for ch in content):
        raise ParseError(path, f"'{content}' holds spaces; expected one repository:tag", line)
    if "@" in content:
        raise ParseError(path, f"'{content}' is pinned by digest; expected repository:tag", line)
    parts = content.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # a registry host in front of the repository
    last = parts[-1]
    if ":" not in last:
        raise ParseError(path, f"'{content}' has no tag; expected repository:tag", line)
    name, tag = last.rsplit(":", 1)
    repository = "/".join([*parts[:-1], name])
    if not _REPOSITORY.match(repository):
        raise ParseError(path, f"'{repository}' is not a valid repository name", line)
    if not _TAG.match(tag):
        raise ParseError(path, f"'{tag}' is not a valid image tag", line)
    return ImageRef(repository, tag, line)


def read_images_list(path: Path) -> tuple[ImageRef, ...]:
    """The images of ``images.txt`` in file order, each listed once."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ImagesListMissing(
            f"{path}: not found", "the release should list its images in this file"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ImagesListMissing(f"{path}: cannot be read ({exc})") from exc
    images: dict[str, ImageRef] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        image = parse_image_line(line, str(path), number)
        if image is not None:
            images.setdefault(image.name, image)
    if not images:
        raise ParseError(str(path), "lists no image (only blank lines or comments)")
    return tuple(images.values())


def parse_registry(host: str) -> EcrRegistry:
    """``<account>.dkr.ecr.<region>.amazonaws.com`` → account and region."""
    cleaned = host.strip().removeprefix("https://").rstrip("/")
    found = _ECR_HOST.match(cleaned)
    if not found:
        raise RegistryError(
            f"image registry '{host}' is not an ECR registry",
            "expected <account-id>.dkr.ecr.<region>.amazonaws.com in the Helm values",
        )
    return EcrRegistry(cleaned, found["account"], found["region"])


def registry_from_values(values: Mapping[str, Any], key: str) -> EcrRegistry:
    """The registry at the dotted ``key`` (e.g. ``global.image.registry``) of the values."""
    node: Any = values
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise RegistryError(f"the Helm values have no '{key}'", "fill it in the Values step")
        node = node[part]
    if not isinstance(node, str) or not node.strip():
        raise RegistryError(f"'{key}' in the Helm values is empty", "fill it in the Values step")
    if "REPLACE_VALUE" in node:
        raise RegistryError(f"'{key}' is still a placeholder", "fill it in the Values step")
    return parse_registry(node)


def _translate(error: ClientError, registry: EcrRegistry) -> MocmError:
    code = str(error.response.get("Error", {}).get("Code", ""))
    text = str(error.response.get("Error", {}).get("Message", "")) or code
    if code in _DENIED:
        return EcrAccessDenied(
            f"AWS refused to show the images of registry {registry.account_id}: access denied",
            "the identity needs ecr:DescribeImages on these repositories",
        )
    if code in _THROTTLED:
        return EcrThrottled(
            "ECR is throttling the requests (too many calls in a short time)",
            "wait a minute and check again",
        )
    return EcrUnavailable(f"ECR answered with an error: {code}: {text}")


def check_image(client: Any, registry: EcrRegistry, image: ImageRef) -> ImagePresence:
    """Ask ECR for ``image``'s tag; a missing tag or repository is an answer, not an error."""
    try:
        answer = client.describe_images(
            registryId=registry.account_id,
            repositoryName=image.repository,
            imageIds=[{"imageTag": image.tag}],
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ImageNotFoundException":
            return ImagePresence(image, False, TAG_MISSING)
        if code == "RepositoryNotFoundException":
            return ImagePresence(image, False, REPOSITORY_MISSING)
        raise _translate(exc, registry) from exc
    except BotoCoreError as exc:
        raise EcrUnavailable(f"ECR could not be reached: {exc}") from exc
    details = answer.get("imageDetails") or []
    if not details:
        return ImagePresence(image, False, TAG_MISSING)
    return ImagePresence(image, True, digest=str(details[0].get("imageDigest", "")))


def check_images(
    images: Iterable[ImageRef], registry: EcrRegistry, client: Any
) -> ImageCheckReport:
    """Present / missing for every image, asked with ``client`` (an ECR client of EnvSession).

    Access denied or throttling raise typed errors.
    """
    results = tuple(check_image(client, registry, image) for image in images)
    return ImageCheckReport(registry, results)


def loader_runnable(loader: Path) -> bool:
    """Whether the release's image loader (``loadimage.sh``) is a file this user may run."""
    return loader.is_file() and os.access(loader, os.X_OK)


def read_merged_values(path: Path) -> Any:
    """The merged values file as plain data, loaded like every values file (bounded depth,
    aliases, size); a missing file says to run the Values step first."""
    from tui.core.values.load import load_values  # the values loader, only when asked

    if not path.exists():
        raise ParseError(str(path), "not found: run the Values step first")
    return load_values(path, comments=False).data
