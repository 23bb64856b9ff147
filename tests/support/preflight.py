"""Helpers for the preflight and backend tests: fake tools, states with buckets, DLM replies."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from tests.support.stage4 import NO_RETRY, ReplyBody, client

REGION = "eu-central-1"
LINEAGE = "8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04"


def fake_tool(directory: Path, name: str, script: str) -> Path:
    """An executable ``name`` in ``directory`` running the given sh script body."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def tool_env(bin_dir: Path) -> dict[str, str]:
    """An explicit environment whose PATH has the fake tools first, then the system's."""
    return {"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(bin_dir)}


def version_json(version: str, **extra: Any) -> str:
    """A ``tofu version -json`` body."""
    body = {"terraform_version": version, "platform": "linux_amd64", "provider_selections": {}}
    body.update(extra)
    return json.dumps(body, indent=2)


def state_text(
    buckets: list[str], serial: int = 57, lineage: str = LINEAGE, pretty: bool = False
) -> str:
    """A v4 state with one for_each ``aws_s3_bucket.buckets`` instance per name."""
    raw = {
        "version": 4,
        "terraform_version": "1.10.7",
        "serial": serial,
        "lineage": lineage,
        "outputs": {},
        "resources": [
            {
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "buckets",
                "each": "map",
                "provider": 'provider["registry.opentofu.org/hashicorp/aws"]',
                "instances": [
                    {
                        "index_key": name.rsplit("-", 1)[-1],
                        "schema_version": 0,
                        "attributes": {"bucket": name, "id": name},
                        "sensitive_attributes": [],
                    }
                    for name in buckets
                ],
            }
        ],
        "check_results": None,
    }
    return json.dumps(raw, indent=2) if pretty else json.dumps(raw, separators=(",", ":"))


def make_bucket(name: str, versioning: str | None = "Enabled", region: str = REGION) -> None:
    """A bucket on the moto server, versioning Enabled / Suspended / never (None)."""
    s3 = client("s3", region)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if versioning:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})


def make_lock_table(name: str, key: str = "LockID", region: str = REGION) -> None:
    """A DynamoDB lock table with partition key ``key`` (String)."""
    client("dynamodb", region).create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def dlm_client_answering(policies: list[dict[str, Any]]) -> Any:
    """A real DLM client whose GetLifecyclePolicies gets this reply (moto has no DLM)."""
    dlm = client("dlm", REGION, NO_RETRY)
    body = json.dumps({"Policies": policies}).encode()

    def answer(**_: Any) -> AWSResponse:
        headers = HTTPHeaders.from_dict({"content-type": "application/json"})
        return AWSResponse("http://injected", 200, headers, ReplyBody(body))

    dlm.meta.events.register("before-send.dlm.GetLifecyclePolicies", answer)
    return dlm


def inject_s3_error(s3: Any, operation: str, code: str, message: str, status: int = 403) -> None:
    """Like stage4_support.inject_error, for S3's rest-xml protocol (which that helper lacks)."""
    body = (
        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code>"
        f"<Message>{message}</Message><RequestId>injected</RequestId></Error>"
    ).encode()

    def answer(**_: Any) -> AWSResponse:
        headers = HTTPHeaders.from_dict({"content-type": "application/xml"})
        return AWSResponse("http://injected", status, headers, ReplyBody(body))

    s3.meta.events.register(f"before-send.s3.{operation}", answer)
