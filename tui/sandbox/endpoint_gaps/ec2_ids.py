"""EC2 objects created with the tag ``_custom_id_`` get that id (moto's convention for
static ids, which its EC2 backend does not honour): the demo's tfvars name fixed ids."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

CUSTOM_ID_TAG = "_custom_id_"
_lock = threading.Lock()


def custom_id(tags: Any) -> str | None:
    """The ``_custom_id_`` tag's value in any of the shapes moto passes tags around in."""
    if isinstance(tags, dict):
        if isinstance(tags.get(CUSTOM_ID_TAG), str):
            return str(tags[CUSTOM_ID_TAG])
        if tags.get("Key") == CUSTOM_ID_TAG:
            return str(tags.get("Value"))
        return next((found for v in tags.values() if (found := custom_id(v))), None)
    if isinstance(tags, list):
        return next((found for v in tags if (found := custom_id(v))), None)
    return None


def _honour(backend_method: Callable[..., Any], module: ModuleType, generator: str) -> Any:
    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        wanted = custom_id(kwargs.get("tags"))
        if wanted is None:
            return backend_method(self, *args, **kwargs)
        with _lock:  # the id generator is module state: one custom creation at a time
            original = getattr(module, generator)
            setattr(module, generator, lambda: wanted)
            try:
                return backend_method(self, *args, **kwargs)
            finally:
                setattr(module, generator, original)

    create.__wrapped__ = backend_method  # type: ignore[attr-defined]  # functions take attributes
    return create


def install() -> None:
    from moto.ec2.models import security_groups, subnets, vpcs

    for cls, method, module, generator in (
        (vpcs.VPCBackend, "create_vpc", vpcs, "random_vpc_id"),
        (subnets.SubnetBackend, "create_subnet", subnets, "random_subnet_id"),
        (
            security_groups.SecurityGroupBackend,
            "create_security_group",
            security_groups,
            "random_security_group_id",
        ),
    ):
        setattr(cls, method, _honour(getattr(cls, method), module, generator))
