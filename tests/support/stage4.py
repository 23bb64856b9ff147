"""Seeding helpers for the Stage-4 tests: a release on disk, and a moto world.

Faults moto cannot produce (throttling, access denied, a snapshot stuck in
``creating``) are injected with botocore event hooks on a *real* boto3 client
pointed at the moto server: ``before-send`` answers with an error response that
the client's own parser decodes; ``after-call`` edits a real parsed reply.
No library code is patched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config

NAME_PREFIX = "acme-mocm-prod"
REGION = "eu-central-1"
CLUSTER_ID = f"{NAME_PREFIX}-cache"
VALKEY_GROUP = f"{NAME_PREFIX}-valkey"
SECRET_ID = f"{NAME_PREFIX}/valkey/fusion"
REAL_ENDPOINT = f"{CLUSTER_ID}.x7p2lm.0001.euc1.cache.amazonaws.com"
# One try only: botocore's retry back-off would sleep on injected throttling.
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})

TFVARS = f'''name_prefix = "{NAME_PREFIX}"
aws_region  = "{REGION}"
'''
VALKEY_BLOCK = """
valkey_username = "fusion"
valkey_port     = 6379
"""
VALUES_CLEAN = """global:
  image:
    tag: "10.6.2605"
credentials:
  valkey:
    host: "master.acme-mocm-prod-valkey.x7p2lm.euc1.cache.amazonaws.net"
    password: "s3cr3t-Valkey!"
"""
SG_TF = """resource "aws_security_group" "elasticache" {
  name   = "${var.name_prefix}-cache"
  vpc_id = var.vpc_id
}
"""
VALKEY_TF = """resource "aws_elasticache_replication_group" "valkey" {
  replication_group_id = "${var.name_prefix}-valkey"
  security_group_ids   = [aws_security_group.valkey.id]
}
"""
CACHE_TF = """resource "aws_elasticache_cluster" "elasticache" {
  cluster_id         = "${var.name_prefix}-cache"
  security_group_ids = [aws_security_group.elasticache.id]
}
"""


def make_release(
    root: Path,
    *,
    tfvars: str = TFVARS + VALKEY_BLOCK,
    values: str = VALUES_CLEAN,
    tf_files: dict[str, str] | None = None,
) -> Path:
    """A current release directory with terraform/aws and mocm/ as Stage 4 sees them."""
    release = root / "mocm-10.6.2605"
    tf_dir = release / "terraform" / "aws"
    tf_dir.mkdir(parents=True)
    (tf_dir / "terraform.tfvars").write_text(tfvars)
    files = {"02-sg.tf": SG_TF, "10-valkey.tf": VALKEY_TF, "09-elasticache.tf": CACHE_TF}
    for name, text in (files if tf_files is None else tf_files).items():
        (tf_dir / name).write_text(text)
    (release / "mocm").mkdir()
    (release / "mocm" / "values.yaml").write_text(values)
    return release


def client(service: str, region: str = REGION, config: Config | None = None) -> Any:
    """A real boto3 client; AWS_ENDPOINT_URL (set by the ``aws`` fixture) points it at moto."""
    # The caller names the service at run time; boto3-stubs types only literal names.
    return boto3.client(service, region_name=region, config=config)  # type: ignore[call-overload]  # stubs want a Literal name


def seed_cluster(cluster_id: str = CLUSTER_ID, region: str = REGION) -> None:
    """The old Redis cluster."""
    client("elasticache", region).create_cache_cluster(
        CacheClusterId=cluster_id, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )


def seed_valkey_group(group_id: str = VALKEY_GROUP, region: str = REGION) -> list[str]:
    """The Valkey replication group; returns its member cluster ids."""
    reply = client("elasticache", region).create_replication_group(
        ReplicationGroupId=group_id,
        ReplicationGroupDescription="valkey",
        Engine="valkey",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
    )
    return list(reply["ReplicationGroup"]["MemberClusters"])


def sample_shape(
    samples: Path, name: str, max_age: timedelta = timedelta(hours=23, minutes=50)
) -> list[tuple[timedelta, float]]:
    """A reference sample's maxima as (age before its newest datapoint, value).

    Points older than ``max_age`` are dropped so that none sits on the 24 h window's
    edge, where a 5-minute boundary passing between seeding and querying would
    make the count flaky.
    """
    raw = json.loads((samples / name).read_text())["Datapoints"]
    stamps = [datetime.fromisoformat(item["Timestamp"]) for item in raw]
    newest = max(stamps, default=datetime.now(UTC))
    shape = [(newest - at, float(item["Maximum"])) for at, item in zip(stamps, raw, strict=True)]
    return [(age, value) for age, value in shape if age <= max_age]


def steady_shape(hours: float, value: float, period_s: int = 300) -> list[tuple[timedelta, float]]:
    """One datapoint per period for ``hours``, all ``value``."""
    count = int(hours * 3600 // period_s)
    return [(timedelta(seconds=i * period_s), value) for i in range(count)]


def fresh_newest() -> datetime:
    """Where a seeded series ends: five minutes ago, on the minute.

    Taken when a test seeds, never at import: the query window ends at the wall clock
    of the check, so a series dated at import time slides out of it in a long run.
    """
    return datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)


def seed_metric(
    dimension_value: str,
    shape: Iterable[tuple[timedelta, float]],
    *,
    newest: datetime,
    dimension: str = "CacheClusterId",
    region: str = REGION,
) -> int:
    """put_metric_data with explicit timestamps (newest − age); returns the count."""
    cloudwatch = client("cloudwatch", region)
    data = [
        {
            "MetricName": "CurrConnections",
            "Dimensions": [{"Name": dimension, "Value": dimension_value}],
            "Timestamp": newest - age,
            "Value": value,
            "Unit": "Count",
        }
        for age, value in shape
    ]
    for start in range(0, len(data), 500):  # AWS takes at most 1,000 per call
        cloudwatch.put_metric_data(
            Namespace="AWS/ElastiCache", MetricData=data[start : start + 500]
        )
    return len(data)


def seed_secret(secret_id: str = SECRET_ID, text: str | None = None, region: str = REGION) -> str:
    """The Valkey secret as the Valkey module writes it (JSON SecretString)."""
    body = text or json.dumps(
        {
            "username": "fusion",
            "password": "h3Q!v9r#Lm2x(Tz8_Kp4=Wc7[Ns1]Bd6",
            "host": f"master.{VALKEY_GROUP}.x7p2lm.euc1.cache.amazonaws.com",
            "port": 6379,
            "tls": True,
        }
    )
    client("secretsmanager", region).create_secret(Name=secret_id, SecretString=body)
    return body


def record_params(aws_client: Any, operation: str) -> list[dict[str, Any]]:
    """Every request's parameters for ``operation`` on this client, in order."""
    calls: list[dict[str, Any]] = []
    service = aws_client.meta.service_model.service_name

    def remember(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    aws_client.meta.events.register(f"before-parameter-build.{service}.{operation}", remember)
    return calls


class ReplyBody:
    """A raw HTTP body botocore reads an injected reply from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterable[bytes]:
        yield self.data


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    if len(data) < 24:
        return bytes([0x60 + len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def _error_response(content_type: str, code: str, message: str, status: int) -> AWSResponse:
    """An error reply in the wire format the client just used for its request."""
    headers: dict[str, str] = {"x-amzn-requestid": "injected-by-test"}
    if "cbor" in content_type:
        body = bytes([0xA2]) + _cbor_text("__type") + _cbor_text(code)
        body += _cbor_text("message") + _cbor_text(message)
        headers["smithy-protocol"] = "rpc-v2-cbor"
        headers["content-type"] = "application/cbor"
    elif "x-www-form-urlencoded" in content_type:  # the query protocol
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
        ).encode()
        headers["content-type"] = "text/xml"
    else:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers["content-type"] = content_type or "application/x-amz-json-1.1"
    return AWSResponse("http://injected", status, HTTPHeaders.from_dict(headers), ReplyBody(body))


def inject_error(
    aws_client: Any, operation: str, code: str, message: str = "injected", status: int = 400
) -> None:
    """Answer every ``operation`` call of this client with an AWS error response."""
    service = aws_client.meta.service_model.service_name

    def answer(request: Any, **_: Any) -> AWSResponse:
        content_type = request.headers.get("Content-Type", "")
        if isinstance(content_type, bytes):
            content_type = content_type.decode()
        return _error_response(str(content_type), code, message, status)

    aws_client.meta.events.register(f"before-send.{service}.{operation}", answer)


def edit_replies(
    aws_client: Any, operation: str, edit: Callable[[dict[str, Any], int], None]
) -> None:
    """Let ``edit(parsed_reply, call_number)`` change each real reply of ``operation``."""
    counter = {"calls": 0}
    service = aws_client.meta.service_model.service_name

    def change(parsed: dict[str, Any], **_: Any) -> None:
        counter["calls"] += 1
        edit(parsed, counter["calls"])

    aws_client.meta.events.register(f"after-call.{service}.{operation}", change)
