"""Which changed attributes force a replacement, as hashicorp/aws 5.100 and hashicorp/random
plan them: the schema's ForceNew arguments (``FORCE_NEW``) and the provider's CustomizeDiff
rules that force a new object only for some changes (``FORCE_NEW_IF``).

The schema JSON has no ForceNew flag: the ElastiCache and Secrets Manager entries are the
ones real Terraform plans were compared with (``tests/engine/test_aws_provider_upgrade.py``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

# Attributes a provider cannot update in place (a changed value => replace).
FORCE_NEW: dict[str, frozenset[str]] = {
    "aws_elasticache_cluster": frozenset(
        {"cluster_id", "engine", "port", "subnet_group_name", "availability_zone"}
    ),
    "aws_elasticache_replication_group": frozenset(
        {"replication_group_id", "subnet_group_name", "at_rest_encryption_enabled", "port"}
    ),
    "aws_elasticache_parameter_group": frozenset({"name", "family", "description"}),
    "aws_elasticache_subnet_group": frozenset({"name"}),
    "aws_elasticache_user": frozenset({"user_id", "user_name"}),
    "aws_elasticache_user_group": frozenset({"user_group_id", "engine"}),
    "aws_s3_bucket": frozenset({"bucket", "bucket_prefix"}),
    "aws_security_group": frozenset({"name", "name_prefix", "description", "vpc_id"}),
    "aws_security_group_rule": frozenset(
        {
            "type",
            "from_port",
            "to_port",
            "protocol",
            "cidr_blocks",
            "security_group_id",
            "source_security_group_id",
            "description",
        }
    ),
    "aws_cloudwatch_log_group": frozenset({"name", "name_prefix"}),
    "aws_secretsmanager_secret": frozenset({"name", "name_prefix"}),
    "aws_secretsmanager_secret_version": frozenset(
        {"secret_id", "secret_string", "secret_binary", "secret_string_wo_version"}
    ),
    "aws_db_instance": frozenset({"identifier", "db_name", "engine"}),
    "aws_eks_node_group": frozenset({"node_group_name", "cluster_name", "subnet_ids", "ami_type"}),
    "null_resource": frozenset({"triggers"}),
    "random_password": frozenset(
        {
            "length",
            "special",
            "upper",
            "lower",
            "numeric",
            "number",
            "min_numeric",
            "min_upper",
            "min_lower",
            "min_special",
            "keepers",
            "override_special",
        }
    ),
    "terraform_data": frozenset({"triggers_replace"}),
}

_POST_V6 = re.compile(r"^(?:([6-9])\.x|([6-9]\.\d+))$")


def _version(text: Any) -> tuple[int, ...] | None:
    """go-version's reading of an ElastiCache engine version; ``6.x`` sorts above ``6.<n>``."""
    match = _POST_V6.match(str(text))
    if match and match.group(1):
        return (int(match.group(1)), sys.maxsize, 0)
    parts = str(text).split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    return tuple(numbers + [0] * (3 - len(numbers)))


def engine_version_downgrade(prior: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """customizeDiffEngineVersionForceNewOnDowngrade: a lower engine_version forces a new one
    (against engine_version_actual when the state holds ``6.x``/``7.x``)."""
    old, new = prior.get("engine_version"), wanted.get("engine_version")
    if old is None or new is None:
        return False
    if old in ("6.x", "7.x"):
        actual, target = _version(prior.get("engine_version_actual")), _version(new)
        return actual is not None and target is not None and target[:2] < actual[:2]
    before, after = _version(old), _version(new)
    return before is not None and after is not None and after < before


def engine_not_redis_to_valkey(prior: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """customizeDiffEngineForceNewOnDowngrade: only redis -> valkey is done in place (outside
    a global replication group)."""
    if prior.get("global_replication_group_id"):
        return False
    return not (prior.get("engine") == "redis" and wanted.get("engine") == "valkey")


Rule = Callable[[dict[str, Any], dict[str, Any]], bool]

# Attributes whose change forces a replacement only when the rule says so.
FORCE_NEW_IF: dict[str, dict[str, Rule]] = {
    "aws_elasticache_cluster": {"engine_version": engine_version_downgrade},
    "aws_elasticache_replication_group": {
        "engine_version": engine_version_downgrade,
        "engine": engine_not_redis_to_valkey,
    },
}


def forces_replacement(
    rtype: str, changed: list[str], prior: dict[str, Any], wanted: dict[str, Any]
) -> list[str]:
    """The changed attributes that the provider cannot update in place."""
    table = FORCE_NEW.get(rtype, frozenset())
    rules = FORCE_NEW_IF.get(rtype, {})
    return [
        name for name in changed if name in table or (name in rules and rules[name](prior, wanted))
    ]
