"""What the real AWS provider needs from the sandbox's endpoint and moto 5.2 lacks.

hashicorp/aws 5.100 against moto's server hits these gaps (each seen with Terraform):
- ElastiCache: no parameter-group calls; DescribeCacheClusters without CacheNodes,
  SecurityGroups and CacheParameterGroup; a replication group's member clusters never
  exist as clusters; no ModifyCacheCluster and no DeleteCacheSubnetGroup; deleted
  clusters and groups stay "deleting" for ever (the provider waits for them to go);
  parameter-group ARNs are refused by ListTagsForResource.
- DLM (Data Lifecycle Manager): no API at all (HTTP 500).
- EC2: the tfvars name an existing VPC, subnets and a node security group by id; moto
  invents ids, so creation honours moto's own ``_custom_id_`` tag convention here too.

:func:`install` patches moto's ElastiCache and EC2 classes in the server process;
:mod:`tui.sandbox.endpoint_gaps.server` wraps moto's WSGI application with DLM.
Only the Terraform engine's endpoint runs with all of them (``--engine terraform``); the
stand-in engine's endpoint adds DLM only (:mod:`tui.sandbox.endpoint_gaps.dlm_server`), so the
demo's Preflight reads a real DLM answer.
"""

from __future__ import annotations

_installed = False


def install() -> None:
    """Patch moto in this process (idempotent)."""
    global _installed
    if _installed:
        return
    from tui.sandbox.endpoint_gaps import ec2_ids, elasticache

    elasticache.install()
    ec2_ids.install()
    _installed = True
