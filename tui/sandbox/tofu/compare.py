"""Comparing configured values with the state: which attributes a plan changes."""

from __future__ import annotations

from typing import Any

from tui.sandbox.tofu.evaluate import BlockDict
from tui.sandbox.tofu.expr import UNKNOWN, contains_unknown
from tui.sandbox.tofu.gojson import compact

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
