"""What names the old cluster, as AWS reports it: endpoints of a cluster and of its group."""

from __future__ import annotations

from tests.support.stage4 import REGION, client, edit_replies, seed_cluster, seed_valkey_group
from tui.core.playbook.load import load_playbook
from tui.core.stage4.cache_cluster import describe_cache_cluster, describe_replication_group
from tui.core.stage4.evidence import old_cache_names

PLAYBOOK = load_playbook()


def test_a_grouped_cluster_gets_its_groups_primary_and_reader_endpoints(aws) -> None:
    """A cluster in a replication group: DescribeCacheClusters gives no primary/reader
    endpoint, the group does (moto creates no member clusters: the reply names the group)."""
    seed_cluster()
    seed_valkey_group("acme-mocm-prod-oldgroup")
    elasticache = client("elasticache")

    def in_group(reply: dict, _call: int) -> None:
        reply["CacheClusters"][0]["ReplicationGroupId"] = "acme-mocm-prod-oldgroup"

    edit_replies(elasticache, "DescribeCacheClusters", in_group)
    info = describe_cache_cluster(elasticache, "acme-mocm-prod-cache", REGION)
    group = describe_replication_group(elasticache, "acme-mocm-prod-oldgroup", REGION)
    assert info.replication_group_id == "acme-mocm-prod-oldgroup"
    assert group.endpoint_addresses == info.endpoint_addresses
    assert info.endpoint_addresses[0].startswith("master.acme-mocm-prod-oldgroup.")
    assert info.endpoint_addresses[1].startswith("acme-mocm-prod-oldgroup-001.")


def test_configuration_and_node_endpoints_are_read_and_valkeys_excluded(aws) -> None:
    seed_cluster()
    seed_valkey_group()
    elasticache = client("elasticache")

    def with_nodes(reply: dict, _call: int) -> None:  # moto leaves CacheNodes out
        cluster = reply["CacheClusters"][0]
        cluster["ConfigurationEndpoint"] = {"Address": "cfg.old.example", "Port": 6379}
        cluster["CacheNodes"] = [{"CacheNodeId": "0001", "Endpoint": {"Address": "n1.old.example"}}]

    edit_replies(elasticache, "DescribeCacheClusters", with_nodes)
    info = describe_cache_cluster(elasticache, "acme-mocm-prod-cache", REGION)
    assert info.endpoint_addresses == ("cfg.old.example", "n1.old.example")
    valkey = describe_replication_group(elasticache, "acme-mocm-prod-valkey", REGION)
    names = old_cache_names(PLAYBOOK, info, valkey.endpoint_addresses)
    assert names.named_in("n1.old.example") == "n1.old.example"
    assert names.named_in(valkey.endpoint_addresses[0]) is None
    assert names.named_in("acme-mocm-prod-cache") == "acme-mocm-prod-cache"
