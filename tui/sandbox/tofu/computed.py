"""Attributes a provider computes on create, for the resource types the release uses: unknown
in the plan, given a value by apply, so references to them resolve and a re-plan is empty
(as with the real engine). Values are stable per instance and shaped like AWS's."""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any

# type -> attributes the provider computes (beyond id and arn)
COMPUTED: dict[str, tuple[str, ...]] = {
    "random_password": ("result", "bcrypt_hash"),
    "random_string": ("result",),
    "aws_elasticache_replication_group": (
        "primary_endpoint_address",
        "reader_endpoint_address",
        "member_clusters",
    ),
    "aws_elasticache_cluster": ("cache_nodes",),
    "aws_secretsmanager_secret_version": ("version_id",),
}


def region_short(region: str) -> str:
    """``eu-central-1`` -> ``euc1`` (the region label in ElastiCache endpoint names)."""
    area, direction, number = [*region.split("-"), "", "", ""][:3]
    return f"{area}{direction[:1]}{number}"


def _password(attrs: dict[str, Any]) -> str:
    alphabet = ""
    for flag, chars in (
        ("upper", string.ascii_uppercase),
        ("lower", string.ascii_lowercase),
        ("numeric", string.digits),
    ):
        if attrs.get(flag) is not False:
            alphabet += chars
    if attrs.get("special") is not False:
        alphabet += attrs.get("override_special") or "!@#$%&*()-_=+[]{}<>:?"
    length = int(attrs.get("length") or 16)
    return "".join(secrets.choice(alphabet or string.ascii_letters) for _ in range(length))


def invent(rtype: str, name: str, attrs: dict[str, Any], region: str, seed: str) -> Any:
    """A value for the computed attribute ``name`` of a new ``rtype`` instance."""
    token = hashlib.sha256(f"{seed}/{attrs.get('id')}".encode()).hexdigest()[:6]
    domain = f"{token}.{region_short(region)}.cache.amazonaws.com"
    rid = str(attrs.get("id", ""))
    if name == "result":
        return _password(attrs)
    if name == "bcrypt_hash":
        digest = hashlib.sha256(str(attrs.get("result")).encode()).hexdigest()[:53]
        return f"$2a$10${digest}"
    if name == "primary_endpoint_address":
        return f"master.{rid}.{domain}"
    if name == "reader_endpoint_address":
        return f"replica.{rid}.{domain}"
    if name == "member_clusters":
        count = attrs.get("num_cache_clusters")
        return [f"{rid}-{n:03d}" for n in range(1, int(count if count is not None else 1) + 1)]
    if name == "cache_nodes":
        zone = attrs.get("availability_zone") or f"{region}a"
        return [
            {
                "address": f"{rid}.{token}.{n:04d}.{region_short(region)}.cache.amazonaws.com",
                "availability_zone": zone,
                "id": f"{n:04d}",
                "outpost_arn": "",
                "port": attrs.get("port") or 6379,
            }
            for n in range(1, int(attrs.get("num_cache_nodes") or 1) + 1)
        ]
    if name == "version_id":
        return "terraform-" + hashlib.sha256(seed.encode()).hexdigest()[:26]
    return None
