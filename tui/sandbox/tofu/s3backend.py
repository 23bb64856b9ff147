"""The s3 backend: state object, optional `.tflock` lock object and DynamoDB lock/digest items."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tui.sandbox.tofu.backend import BackendError
from tui.sandbox.tofu.locks import LockHeld, display_info, new_lock_info
from tui.sandbox.tofu.state import dump_state, parse_state


def _request_ids(exc: Any) -> tuple[str, str]:
    meta = exc.response.get("ResponseMetadata", {})
    return str(meta.get("RequestId", "")), str(meta.get("HostId", ""))


class S3Backend:
    """State in `s3://bucket/key`, reached through boto3's clients only (`aws.client`)."""

    type = "s3"

    def __init__(self, settings: dict[str, Any]) -> None:
        from botocore.config import Config

        from tui.sandbox.tofu.aws import client

        self.bucket = str(settings.get("bucket", ""))
        self.key = str(settings.get("key", ""))
        self.region = settings.get("region")
        self.encrypt = settings.get("encrypt") is True
        self.table = str(settings.get("dynamodb_table") or "")
        self.use_lockfile = settings.get("use_lockfile") is True
        config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})
        self.s3 = client("s3", self.region, config)
        self.dynamodb = client("dynamodb", self.region) if self.table else None
        self.path = f"{self.bucket}/{self.key}"

    def _get(self) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return bytes(self.s3.get_object(Bucket=self.bucket, Key=self.key)["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            if exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
                raise BackendError(
                    "Failed to get existing workspaces",
                    f'Unable to list objects in S3 bucket "{self.bucket}": operation error S3: '
                    "ListObjectsV2, https response error StatusCode: 404, api error "
                    "NoSuchBucket: The specified bucket does not exist",
                ) from exc
            raise BackendError("Error loading state", str(exc)) from exc

    def read(self) -> dict[str, Any] | None:
        body = self._get()
        if body is None:
            return None
        if self.dynamodb is not None:
            self._check_digest(body)
        return parse_state(body.decode("utf-8"), self.path)

    def _check_digest(self, body: bytes) -> None:
        assert self.dynamodb is not None
        item = self.dynamodb.get_item(
            TableName=self.table, Key={"LockID": {"S": f"{self.path}-md5"}}
        ).get("Item")
        stored = (item or {}).get("Digest", {}).get("S")
        actual = hashlib.md5(body).hexdigest()
        if stored and stored != actual:
            raise BackendError(
                "Error refreshing state: state data in S3 does not have the expected content.",
                "The checksum calculated for the state stored in S3 does not match the checksum\n"
                "stored in DynamoDB.\n\n"
                f"Bucket: {self.bucket}\nKey:    {self.key}\n"
                f"Calculated checksum: {actual}\nStored checksum:     {stored}\n\n"
                "This may be caused by unusually long delays in S3 processing a previous state "
                "update. Please wait for a minute or two and try again.\n\n"
                "If this problem persists, and neither S3 nor DynamoDB are experiencing an "
                "outage, you may need to manually verify the remote state and update the Digest "
                f"value stored in the DynamoDB table to the following value: {actual}",
            )

    def write(self, state: dict[str, Any] | None) -> None:
        body = ("" if state is None else dump_state(state)).encode("utf-8")
        if self.encrypt:
            self.s3.put_object(
                Bucket=self.bucket,
                Key=self.key,
                Body=body,
                ContentType="application/json",
                ServerSideEncryption="AES256",
            )
        else:
            self.s3.put_object(
                Bucket=self.bucket, Key=self.key, Body=body, ContentType="application/json"
            )
        if self.dynamodb is not None:
            self.dynamodb.put_item(
                TableName=self.table,
                Item={
                    "LockID": {"S": f"{self.path}-md5"},
                    "Digest": {"S": hashlib.md5(body).hexdigest()},
                },
            )

    def lock(self, operation: str) -> dict[str, str]:
        from botocore.exceptions import ClientError

        info = new_lock_info(operation, self.path)
        if self.use_lockfile:
            try:
                self.s3.put_object(
                    Bucket=self.bucket,
                    Key=f"{self.key}.tflock",
                    Body=json.dumps(info).encode(),
                    IfNoneMatch="*",
                    ContentType="application/json",
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
                    raise
                rid, host = _request_ids(exc)
                raise LockHeld(
                    f"operation error S3: PutObject, https response error StatusCode: 412, "
                    f"RequestID: {rid}, HostID: {host}, api error PreconditionFailed: At least "
                    "one of the pre-conditions you specified did not hold",
                    self._holder_from_s3(),
                ) from exc
        if self.dynamodb is not None:
            try:
                self.dynamodb.put_item(
                    TableName=self.table,
                    Item={"LockID": {"S": self.path}, "Info": {"S": json.dumps(info)}},
                    ConditionExpression="attribute_not_exists(LockID)",
                )
            except ClientError as exc:
                if self.use_lockfile:
                    self.s3.delete_object(Bucket=self.bucket, Key=f"{self.key}.tflock")
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
                rid, _ = _request_ids(exc)
                raise LockHeld(
                    "operation error DynamoDB: PutItem, https response error StatusCode: 400, "
                    f"RequestID: {rid}, ConditionalCheckFailedException: The conditional "
                    "request failed",
                    self._holder_from_dynamodb(),
                ) from exc
        return info

    def _holder_from_s3(self) -> dict[str, str]:
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=f"{self.key}.tflock")["Body"].read()
            return display_info(json.loads(body))
        except Exception:  # the holder may have released it meanwhile
            return {"Path": self.path}

    def _holder_from_dynamodb(self) -> dict[str, str]:
        assert self.dynamodb is not None
        item = self.dynamodb.get_item(TableName=self.table, Key={"LockID": {"S": self.path}})
        raw = item.get("Item", {}).get("Info", {}).get("S", "{}")
        try:
            return display_info(json.loads(raw))
        except ValueError:
            return {"Path": self.path}

    def unlock(self, info: dict[str, str]) -> None:
        if self.use_lockfile:
            self.s3.delete_object(Bucket=self.bucket, Key=f"{self.key}.tflock")
        if self.dynamodb is not None:
            self.dynamodb.delete_item(TableName=self.table, Key={"LockID": {"S": self.path}})

    def force_unlock(self, lock_id: str) -> bool:
        holder = self._holder_from_s3() if self.use_lockfile else self._holder_from_dynamodb()
        if holder.get("ID") != lock_id:
            return False
        self.unlock(holder)
        return True
