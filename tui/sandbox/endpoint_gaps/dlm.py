"""Amazon Data Lifecycle Manager (REST-JSON), which moto does not have: the lifecycle
policies and their tags, kept per account and region, as the AWS provider uses them."""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID

_lock = threading.Lock()
CUSTOM_ID_TAG = "_custom_id_"
# (account, region) -> policy id -> policy
_policies: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

StartResponse = Any


def reset() -> None:
    """Forget every policy (moto's ``/moto-api/reset``)."""
    with _lock:
        _policies.clear()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _scope(environ: dict[str, Any]) -> tuple[str, str]:
    """Account and region of a SigV4-signed request (moto's default account)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    try:
        region = auth.split("Credential=")[1].split(",")[0].split("/")[2]
    except IndexError:
        region = "us-east-1"
    return DEFAULT_ACCOUNT_ID, region


def is_dlm(environ: dict[str, Any]) -> bool:
    """Whether a request is signed for the ``dlm`` service."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    try:
        return bool(auth.split("Credential=")[1].split(",")[0].split("/")[3] == "dlm")
    except IndexError:
        return False


def _answer(
    start_response: StartResponse, status: int, body: dict[str, Any] | None = None
) -> Iterable[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found"}
    payload = json.dumps(body or {}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    if status >= 400 and body:
        headers.append(("x-amzn-ErrorType", str(body.get("Code"))))
    start_response(f"{status} {reasons.get(status, 'Error')}", headers)
    return [payload]


def _not_found(start_response: StartResponse, what: str) -> Iterable[bytes]:
    return _answer(
        start_response,
        404,
        {
            "Code": "ResourceNotFoundException",
            "Message": f"Policy {what} not found.",
            "ResourceType": "LifecyclePolicy",
            "ResourceIds": [what],
        },
    )


def _summary(policy: dict[str, Any]) -> dict[str, Any]:
    return {
        key: policy[key]
        for key in ("PolicyId", "Description", "State", "Tags", "DefaultPolicy")
        if key in policy
    } | {"PolicyType": policy["PolicyDetails"].get("PolicyType", "EBS_SNAPSHOT_MANAGEMENT")}


def _find_by_arn(store: dict[str, dict[str, Any]], arn: str) -> dict[str, Any] | None:
    return next((p for p in store.values() if p["PolicyArn"] == arn), None)


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The DLM API as a WSGI application."""
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "").rstrip("/")
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    body: dict[str, Any] = json.loads(raw) if raw else {}
    account, region = _scope(environ)
    parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
    with _lock:
        store = _policies.setdefault((account, region), {})
        if parts == ["policies"] and method == "POST":
            tags = dict(body.get("Tags") or {})
            # moto's convention for a fixed id: the demo's policy keeps its id from the state.
            policy_id = tags.pop(CUSTOM_ID_TAG, "") or "policy-" + secrets.token_hex(9)[:17]
            if policy_id in store:
                return _answer(
                    start_response,
                    400,
                    {"Code": "InvalidRequestException", "Message": f"{policy_id} exists"},
                )
            now = _now()
            store[policy_id] = {
                "PolicyId": policy_id,
                "Description": body.get("Description", ""),
                "State": body.get("State", "ENABLED"),
                "StatusMessage": "ENABLED",
                "ExecutionRoleArn": body.get("ExecutionRoleArn", ""),
                "DateCreated": now,
                "DateModified": now,
                "PolicyDetails": body.get("PolicyDetails", {}),
                "Tags": tags,
                "PolicyArn": f"arn:aws:dlm:{region}:{account}:policy/{policy_id}",
                "DefaultPolicy": False,
            }
            return _answer(start_response, 200, {"PolicyId": policy_id})
        if parts == ["policies"] and method == "GET":
            wanted_ids = set(query.get("policyIds", []))
            wanted_state = query.get("state", [None])[0]
            found = [
                _summary(p)
                for p in store.values()
                if (not wanted_ids or p["PolicyId"] in wanted_ids)
                and (wanted_state in (None, p["State"]))
            ]
            return _answer(start_response, 200, {"Policies": found})
        if len(parts) == 2 and parts[0] == "policies":
            policy = store.get(parts[1])
            if policy is None:
                return _not_found(start_response, parts[1])
            if method == "GET":
                return _answer(start_response, 200, {"Policy": policy})
            if method == "PATCH":
                for key in ("Description", "State", "ExecutionRoleArn", "PolicyDetails"):
                    if key in body:
                        policy[key] = body[key]
                policy["DateModified"] = _now()
                return _answer(start_response, 200, {})
            if method == "DELETE":
                store.pop(parts[1])
                return _answer(start_response, 200, {})
        if len(parts) >= 2 and parts[0] == "tags":
            arn = "/".join(parts[1:])
            policy = _find_by_arn(store, arn)
            if policy is None:
                return _not_found(start_response, arn)
            if method == "GET":
                return _answer(start_response, 200, {"Tags": policy["Tags"]})
            if method == "POST":
                policy["Tags"].update(body.get("Tags") or {})
                return _answer(start_response, 200, {})
            if method == "DELETE":
                for key in query.get("tagKeys", []):
                    policy["Tags"].pop(key, None)
                return _answer(start_response, 200, {})
    return _answer(
        start_response,
        400,
        {"Code": "InvalidRequestException", "Message": f"{method} {path} is not a DLM action"},
    )
