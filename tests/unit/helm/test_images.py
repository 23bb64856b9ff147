"""images.txt and the ECR presence check (moto's ECR through the `aws` fixture).

Clients come from an ``EnvSession`` on the fixture's environment, as in the wizard.
moto cannot answer AccessDenied or Throttling: those tests inject the error answer
on a real client pointed at moto (``tests.support.stage4.inject_error``), which
botocore parses as usual.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.stage4 import inject_error
from tui.core.aws.session import DEFAULT_TOTAL_ATTEMPTS, EnvSession
from tui.core.errors import ParseError
from tui.core.helm.images import (
    REPOSITORY_MISSING,
    TAG_MISSING,
    EcrAccessDenied,
    EcrRegistry,
    EcrThrottled,
    EcrUnavailable,
    ImageRef,
    ImagesListMissing,
    RegistryError,
    check_images,
    parse_registry,
    read_images_list,
    registry_from_values,
)
from tui.sandbox.aws_endpoint import AwsEndpoint, free_port

MOTO_ACCOUNT = "123456789012"  # moto's default account owns the repositories it creates
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 7023,
        "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
    },
    "layers": [],
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "images.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_list_tolerates_blank_lines_comments_and_registry_prefixes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "# images of release 10.6.2605\n\n"
        "mocm/api:10.6.2605\n"
        "   \n"
        "210987654321.dkr.ecr.eu-central-1.amazonaws.com/mocm/worker:10.6.2605  # worker\n"
        "mocm/api:10.6.2605\n"
        "tools:1.2.3\n",
    )
    images = read_images_list(path)
    assert [(i.repository, i.tag, i.line) for i in images] == [
        ("mocm/api", "10.6.2605", 3),
        ("mocm/worker", "10.6.2605", 5),
        ("tools", "1.2.3", 7),
    ]


def test_missing_list(tmp_path: Path) -> None:
    with pytest.raises(ImagesListMissing, match=r"images\.txt: not found"):
        read_images_list(tmp_path / "images.txt")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("mocm/api", "has no tag"),
        ("mocm/api 10.6.2605", "holds spaces"),
        ("mocm/api@sha256:abcd", "pinned by digest"),
        ("Mocm/API:10.6.2605", "not a valid repository name"),
        ("mocm/api:-bad", "not a valid image tag"),
        ("mocm/api:", "not a valid image tag"),
    ],
)
def test_malformed_line_names_its_line(tmp_path: Path, line: str, reason: str) -> None:
    path = _write(tmp_path, f"# header\nmocm/web:10.6.2605\n{line}\n")
    with pytest.raises(ParseError, match=reason) as caught:
        read_images_list(path)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{path}:3: ")


def test_list_with_only_comments(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="lists no image"):
        read_images_list(_write(tmp_path, "# nothing yet\n\n"))


def test_registry_host_is_parsed() -> None:
    registry = parse_registry("210987654321.dkr.ecr.eu-central-1.amazonaws.com")
    assert (registry.account_id, registry.region) == ("210987654321", "eu-central-1")
    values = {"global": {"image": {"registry": "210987654321.dkr.ecr.us-gov-west-1.amazonaws.com"}}}
    assert registry_from_values(values, "global.image.registry").region == "us-gov-west-1"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"global": {"image": {"registry": "docker.io/library"}}}, "is not an ECR registry"),
        (
            {"global": {"image": {"registry": "2109.dkr.ecr.eu-central-1.amazonaws.com"}}},
            "not an ECR",
        ),
        ({"global": {"image": {"registry": "< REPLACE_VALUE_IMAGE_REGISTRY >"}}}, "placeholder"),
        ({"global": {"image": {"registry": ""}}}, "is empty"),
        ({"global": {"image": {}}}, "have no 'global.image.registry'"),
        ({"global": "oops"}, "have no 'global.image.registry'"),
    ],
)
def test_malformed_registry(values: dict[str, Any], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        registry_from_values(values, "global.image.registry")


def _seed(aws: AwsEndpoint, repositories: dict[str, list[str]]) -> None:
    ecr = EnvSession(aws.env).client("ecr", region_name=aws.region)
    for name, tags in repositories.items():
        ecr.create_repository(repositoryName=name)
        for tag in tags:
            manifest = dict(MANIFEST, layers=[{"digest": f"sha256:{name}{tag}"}])
            ecr.put_image(repositoryName=name, imageManifest=json.dumps(manifest), imageTag=tag)


def _registry(aws: AwsEndpoint, account: str = MOTO_ACCOUNT) -> EcrRegistry:
    return parse_registry(f"{account}.dkr.ecr.{aws.region}.amazonaws.com")


IMAGES = (
    ImageRef("mocm/api", "10.6.2605", 1),
    ImageRef("mocm/worker", "10.6.2605", 2),
    ImageRef("mocm/notifier", "10.6.2605", 3),
)


def test_ecr_present_missing_tag_and_missing_repository(aws: AwsEndpoint) -> None:
    _seed(aws, {"mocm/api": ["10.5.2603", "10.6.2605"], "mocm/worker": ["10.5.2603"]})
    report = check_images(IMAGES, _registry(aws), _client(aws))
    assert [(r.image.repository, r.present, r.reason) for r in report.results] == [
        ("mocm/api", True, ""),
        ("mocm/worker", False, TAG_MISSING),
        ("mocm/notifier", False, REPOSITORY_MISSING),
    ]
    assert report.results[0].digest.startswith("sha256:")
    assert not report.all_present
    assert [r.image.name for r in report.missing] == [
        "mocm/worker:10.6.2605",
        "mocm/notifier:10.6.2605",
    ]


def test_ecr_all_present(aws: AwsEndpoint) -> None:
    _seed(aws, {name: ["10.6.2605"] for name in ("mocm/api", "mocm/worker", "mocm/notifier")})
    assert check_images(IMAGES, _registry(aws), _client(aws)).all_present


def test_another_registry_has_none_of_the_repositories(aws: AwsEndpoint) -> None:
    _seed(aws, {"mocm/api": ["10.6.2605"]})
    report = check_images(IMAGES[:1], _registry(aws, account="210987654321"), _client(aws))
    assert [(r.present, r.reason) for r in report.results] == [(False, REPOSITORY_MISSING)]


def _client(aws: AwsEndpoint, **env: str) -> Any:
    """An ECR client of the wizard's kind: from an EnvSession on the fixture's environment."""
    return EnvSession(aws.env | env).client("ecr", region_name=aws.region)


def test_access_denied_is_a_typed_error(aws: AwsEndpoint) -> None:
    client = _client(aws, AWS_MAX_ATTEMPTS="1")
    inject_error(client, "DescribeImages", "AccessDeniedException", "not authorized", 400)
    with pytest.raises(EcrAccessDenied, match="access denied") as caught:
        check_images(IMAGES, _registry(aws), client)
    assert "ecr:DescribeImages" in caught.value.hint


def test_throttling_is_a_typed_error_after_the_retries(aws: AwsEndpoint) -> None:
    client = _client(aws, AWS_MAX_ATTEMPTS="2")
    inject_error(client, "DescribeImages", "ThrottlingException", "Rate exceeded", 400)
    with pytest.raises(EcrThrottled, match="throttling") as caught:
        check_images(IMAGES, _registry(aws), client)
    assert caught.value.hint == "wait a minute and check again"
    cause = caught.value.__cause__
    assert isinstance(cause, ClientError)
    assert cause.response["ResponseMetadata"]["RetryAttempts"] == 1  # asked twice in all


def test_client_retries_like_every_wizard_client(aws: AwsEndpoint) -> None:
    assert _client(aws).meta.config.retries == {
        "total_max_attempts": DEFAULT_TOTAL_ATTEMPTS,
        "mode": "standard",
    }
    assert _client(aws, AWS_MAX_ATTEMPTS="1").meta.config.retries == {
        "total_max_attempts": 1,
        "mode": "standard",
    }
    assert _client(aws).meta.endpoint_url == aws.url  # the explicit environment's endpoint


def test_unreachable_endpoint(aws: AwsEndpoint) -> None:
    client = _client(aws, AWS_MAX_ATTEMPTS="1", AWS_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(EcrUnavailable, match="could not be reached"):
        check_images(IMAGES, _registry(aws), client)
