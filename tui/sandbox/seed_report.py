"""What the sandbox endpoint holds after seeding: the names every test and the demo look up."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SeedReport:
    """What the endpoint holds after seeding (and what moto could not model)."""

    account_id: str = ""
    cache_cluster_id: str = ""
    valkey_group_id: str = ""
    valkey_metric_dimension: tuple[str, str] = ("", "")
    secret_id: str = ""
    buckets: list[str] = field(default_factory=list)
    state_bucket: str = ""
    lock_table: str = ""
    images_present: list[str] = field(default_factory=list)
    images_missing: list[str] = field(default_factory=list)
    snapshots: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
