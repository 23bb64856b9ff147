"""Comparing configured values with the state, and which changes force a replacement."""

from __future__ import annotations

from typing import Any

from tui.sandbox.tofu.evaluate import BlockDict
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.gojson import compact

# Attributes a provider cannot update in place (a literal change => replace).
# A small, documented subset of the AWS provider's ForceNew arguments.
FORCE_NEW: dict[str, frozenset[str]] = {
    "aws_elasticache_cluster": frozenset(
        {"cluster_id", "engine", "port", "subnet_group_name", "availability_zone"}
    ),
    "aws_elasticache_replication_group": frozenset(
        {"replication_group_id", "subnet_group_name", "at_rest_encryption_enabled", "port"}
    ),
    "aws_elasticache_parameter_group": frozenset({"name", "family", "description"}),
    "aws_elasticache_subnet_group": frozenset({"name"}),
    "aws_elasticache_user": frozenset({"user_id", "user_name", "engine"}),
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

# terraform_data's schema is known exactly: these go to null when left out.
TERRAFORM_DATA_ARGUMENTS = ("input", "triggers_replace")


def _scalar_equal(config: Any, prior: Any) -> bool:
    if isinstance(config, bool) or isinstance(prior, bool):
        return str(config).lower() == str(prior).lower()
    if isinstance(config, int | float) or isinstance(prior, int | float):
        try:
            return float(config) == float(prior)
        except (TypeError, ValueError):
            return False
    return bool(config == prior)


def same(config: Any, prior: Any) -> bool:
    """Whether applying `config` would leave `prior` as it is."""
    if config is None:
        return prior is None or prior == [] or prior == {} or prior == ""
    if config is UNKNOWN or contains_unknown(config):
        return False
    if isinstance(config, BlockDict):
        return isinstance(prior, dict) and all(
            same(v, prior.get(k)) for k, v in config.items() if v is not None
        )
    if isinstance(config, dict):
        if not isinstance(prior, dict):
            return False
        keys = {k for k, v in config.items() if v is not None}
        prior_keys = {k for k, v in prior.items() if v is not None}
        return keys == prior_keys and all(same(config[k], prior[k]) for k in keys)
    if isinstance(config, list):
        if not isinstance(prior, list) or len(config) != len(prior):
            return False
        if all(same(c, p) for c, p in zip(config, prior, strict=True)):
            return True
        remaining = list(prior)  # sets come back from providers in their own order
        for item in config:
            match = next((i for i, p in enumerate(remaining) if same(item, p)), None)
            if match is None:
                return False
            remaining.pop(match)
        return True
    if isinstance(prior, dict | list):
        return False
    return _scalar_equal(config, prior)


def exact(config: Any, prior: Any) -> bool:
    """terraform_data's dynamic values: type and value must both match."""
    return compact(sort_keys(config)) == compact(sort_keys(prior))


def sort_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: sort_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sort_keys(v) for v in value]
    return value


def changed_attributes(
    rtype: str, config: dict[str, Any], prior: dict[str, Any], ignore: list[str]
) -> list[str]:
    """Names of configured attributes whose value differs from the state."""
    changed = []
    if rtype == "terraform_data":
        for name in TERRAFORM_DATA_ARGUMENTS:
            value = config.get(name)
            if contains_unknown(value) or not exact(value, prior.get(name)):
                changed.append(name)
        return changed
    for name, value in config.items():
        if name in ignore or name in ("id",):
            continue
        if not same(value, prior.get(name)):
            changed.append(name)
    return changed


def forces_replacement(rtype: str, changed: list[str]) -> list[str]:
    """The changed attributes that the provider cannot update in place."""
    table = FORCE_NEW.get(rtype, frozenset())
    return [name for name in changed if name in table]
