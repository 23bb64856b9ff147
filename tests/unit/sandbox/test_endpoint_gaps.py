"""The endpoint with the gaps filled answers what the AWS provider asks and moto 5.2 lacks
(boto3 against ``tui.sandbox.endpoint_gaps.server`` on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tui.sandbox.aws_endpoint import AwsEndpoint, start_endpoint
from tui.sandbox.engine import GAPS_SERVER

REGION = "eu-central-1"


@pytest.fixture(scope="module")
def gaps() -> Iterator[AwsEndpoint]:
    endpoint = start_endpoint(server_module=GAPS_SERVER, timeout=60.0)
    yield endpoint
    endpoint.stop()


def client(endpoint: AwsEndpoint, service: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_parameter_groups_round_trip(gaps: AwsEndpoint) -> None:
    cache = client(gaps, "elasticache")
    made = cache.create_cache_parameter_group(
        CacheParameterGroupName="pg", CacheParameterGroupFamily="valkey8", Description="d"
    )["CacheParameterGroup"]
    cache.modify_cache_parameter_group(
        CacheParameterGroupName="pg",
        ParameterNameValues=[
            {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"}
        ],
    )
    params = cache.describe_cache_parameters(CacheParameterGroupName="pg", Source="user")
    assert [(p["ParameterName"], p["ParameterValue"]) for p in params["Parameters"]] == [
        ("maxmemory-policy", "allkeys-lru")
    ]
    assert cache.list_tags_for_resource(ResourceName=made["ARN"])["TagList"] == []
    cache.delete_cache_parameter_group(CacheParameterGroupName="pg")
    with pytest.raises(ClientError) as missing:
        cache.describe_cache_parameter_groups(CacheParameterGroupName="pg")
    assert missing.value.response["Error"]["Code"] == "CacheParameterGroupNotFound"


def test_clusters_show_nodes_members_exist_and_deletes_finish(gaps: AwsEndpoint) -> None:
    cache = client(gaps, "elasticache")
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="sn", CacheSubnetGroupDescription="d", SubnetIds=["subnet-1"]
    )
    cache.create_cache_cluster(
        CacheClusterId="old-cache",
        Engine="redis",
        CacheNodeType="cache.t3.medium",
        NumCacheNodes=1,
        SecurityGroupIds=["sg-1"],
    )
    [cluster] = cache.describe_cache_clusters(CacheClusterId="old-cache", ShowCacheNodeInfo=True)[
        "CacheClusters"
    ]
    node = cluster["CacheNodes"][0]["Endpoint"]["Address"]
    assert node.startswith("old-cache.") and node.endswith(".0001.euc1.cache.amazonaws.com")
    assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-1", "Status": "active"}]
    plain = cache.describe_cache_clusters(CacheClusterId="old-cache")["CacheClusters"][0]
    assert "CacheNodes" not in plain  # only with ShowCacheNodeInfo, as AWS answers
    cache.modify_cache_cluster(CacheClusterId="old-cache", SecurityGroupIds=["sg-2"])
    cache.create_replication_group(
        ReplicationGroupId="vk",
        ReplicationGroupDescription="d",
        Engine="valkey",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
    )
    [member] = cache.describe_cache_clusters(CacheClusterId="vk-001")["CacheClusters"]
    assert member["ReplicationGroupId"] == "vk"
    cache.delete_cache_cluster(CacheClusterId="old-cache")
    cache.delete_replication_group(ReplicationGroupId="vk")
    ids = {c["CacheClusterId"] for c in cache.describe_cache_clusters()["CacheClusters"]}
    assert not ids & {"old-cache", "vk-001"}  # gone, never stuck "deleting"
    cache.delete_cache_subnet_group(CacheSubnetGroupName="sn")
    assert cache.describe_cache_subnet_groups()["CacheSubnetGroups"] == []


def test_dlm_policies_and_ec2_custom_ids(gaps: AwsEndpoint) -> None:
    dlm = client(gaps, "dlm")
    policy_id = dlm.create_lifecycle_policy(
        ExecutionRoleArn="arn:aws:iam::123456789012:role/dlm",
        Description="daily",
        State="ENABLED",
        PolicyDetails={"ResourceTypes": ["VOLUME"], "TargetTags": [{"Key": "B", "Value": "m"}]},
        Tags={"Project": "mocm"},
    )["PolicyId"]
    policy = dlm.get_lifecycle_policy(PolicyId=policy_id)["Policy"]
    assert policy["Description"] == "daily" and policy["Tags"] == {"Project": "mocm"}
    assert [p["PolicyId"] for p in dlm.get_lifecycle_policies()["Policies"]] == [policy_id]
    dlm.delete_lifecycle_policy(PolicyId=policy_id)
    with pytest.raises(ClientError) as missing:
        dlm.get_lifecycle_policy(PolicyId=policy_id)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"

    ec2 = client(gaps, "ec2")
    tag = [{"ResourceType": "vpc", "Tags": [{"Key": "_custom_id_", "Value": "vpc-0a1b2c3d"}]}]
    assert ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=tag)["Vpc"]["VpcId"] == (
        "vpc-0a1b2c3d"
    )
