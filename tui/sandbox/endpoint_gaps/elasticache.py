"""ElastiCache as the AWS provider reads it: parameter groups, cache nodes, member clusters,
ModifyCacheCluster, DeleteCacheSubnetGroup and deletes that finish.

Patched onto moto's ``ElastiCacheResponse`` (one method per API action, moto's dispatch by
action name) and ``ElastiCacheBackend``; answers are serialised by moto from botocore's
model, so field names are AWS's own.
"""

from __future__ import annotations

import hashlib
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult, PaginatedResult
from moto.elasticache import models, responses
from moto.elasticache.exceptions import CacheClusterNotFound, CacheSubnetGroupNotFound

# The parameters AWS reports with Source "user" are the ones set on the group.
USER_SOURCE = "user"
ARN_KINDS = "cluster|snapshot|subnetgroup|replicationgroup|user|usergroup|parametergroup"


class CacheParameterGroupNotFound(ServiceException):
    code = "CacheParameterGroupNotFound"

    def __init__(self, name: str) -> None:
        super().__init__(f"CacheParameterGroup {name} not found.")


class CacheParameterGroupAlreadyExists(ServiceException):
    code = "CacheParameterGroupAlreadyExists"

    def __init__(self, name: str) -> None:
        super().__init__(f"Parameter group {name} already exists.")


class InvalidCacheParameterGroupState(ServiceException):
    code = "InvalidCacheParameterGroupState"

    def __init__(self, name: str, user: str) -> None:
        super().__init__(f"Parameter group {name} is in use by {user}.")


class CacheSubnetGroupInUse(ServiceException):
    code = "CacheSubnetGroupInUse"

    def __init__(self, name: str, user: str) -> None:
        super().__init__(f"Cache subnet group {name} is currently in use by {user}.")


def _token(*parts: str) -> str:
    """Six stable characters, like the random label AWS puts in endpoint names."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:6]


def region_short(region: str) -> str:
    """``eu-central-1`` -> ``euc1``: the region label in ElastiCache endpoint names."""
    area, direction, number = [*region.split("-"), "", "", ""][:3]
    return f"{area}{direction[:1]}{number}"


class ParameterGroup:
    """A cache parameter group: its name, family, description and the user parameters."""

    def __init__(self, account_id: str, region: str, name: str, family: str, description: str):
        self.cache_parameter_group_name = name
        self.cache_parameter_group_family = family
        self.description = description
        self.is_global = False
        self.arn = f"arn:aws:elasticache:{region}:{account_id}:parametergroup:{name}"
        self.parameters: dict[str, str] = {}

    def describe_parameters(self) -> list[dict[str, Any]]:
        return [
            {
                "ParameterName": name,
                "ParameterValue": value,
                "Source": USER_SOURCE,
                "DataType": "string",
                "IsModifiable": True,
                "MinimumEngineVersion": "7.0.0",
                "ChangeType": "immediate",
            }
            for name, value in sorted(self.parameters.items())
        ]


def _groups(backend: Any) -> dict[str, ParameterGroup]:
    groups: dict[str, ParameterGroup] | None = getattr(backend, "mocm_parameter_groups", None)
    if groups is None:
        groups = backend.mocm_parameter_groups = {}
    return groups


def _group(backend: Any, name: str) -> ParameterGroup:
    group = _groups(backend).get(name)
    if group is None and name.startswith("default."):
        family = name.removeprefix("default.")
        group = ParameterGroup(
            backend.account_id,
            backend.region_name,
            name,
            family,
            f"Default parameter group for {family}",
        )
        _groups(backend)[name] = group
    if group is None:
        raise CacheParameterGroupNotFound(name)
    return group


# --- what DescribeCacheClusters leaves out -------------------------------------------------


def _cache_nodes(cluster: Any) -> list[dict[str, Any]]:
    region = cluster.arn.split(":")[3]
    label = _token(cluster.arn)
    zone = cluster.preferred_availability_zone or f"{region}a"
    return [
        {
            "CacheNodeId": f"{n:04d}",
            "CacheNodeStatus": "available",
            "CacheNodeCreateTime": cluster.cache_cluster_create_time,
            "Endpoint": {
                "Address": (
                    f"{cluster.cache_cluster_id}.{label}.{n:04d}."
                    f"{region_short(region)}.cache.amazonaws.com"
                ),
                "Port": cluster.port,
            },
            "ParameterGroupStatus": "in-sync",
            "CustomerAvailabilityZone": zone,
        }
        for n in range(1, (cluster.num_cache_nodes or 1) + 1)
    ]


def _security_groups(cluster: Any) -> list[dict[str, str]]:
    return [{"SecurityGroupId": sg, "Status": "active"} for sg in cluster.security_group_ids]


def _parameter_group(cluster: Any) -> dict[str, Any] | None:
    name = cluster.cache_parameter_group_name
    if not name:
        engine = cluster.engine or "redis"
        major = (cluster.engine_version or "7").split(".")[0]
        name = f"default.{engine}{major}"
    return {
        "CacheParameterGroupName": name,
        "ParameterApplyStatus": "in-sync",
        "CacheNodeIdsToReboot": [],
    }


class ClusterView:
    """A cache cluster as DescribeCacheClusters shows it (nodes only when asked for)."""

    def __init__(self, cluster: Any, show_nodes: bool) -> None:
        self._cluster = cluster
        self.cache_nodes = _cache_nodes(cluster) if show_nodes else None
        self.security_groups = _security_groups(cluster)
        self.cache_parameter_group = _parameter_group(cluster)
        self.preferred_availability_zone = (
            cluster.preferred_availability_zone or f"{cluster.arn.split(':')[3]}a"
        )
        self.at_rest_encryption_enabled = bool(getattr(cluster, "at_rest_encryption_enabled", 0))
        self.transit_encryption_enabled = bool(cluster.transit_encryption_enabled)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cluster, name)


# --- response methods (moto calls the one named after the action) ------------------------


def describe_cache_clusters(self: Any) -> Any:
    clusters = self.elasticache_backend.describe_cache_clusters(
        cache_cluster_id=self._get_param("CacheClusterId")
    )
    show = bool(self._get_bool_param("ShowCacheNodeInfo"))
    return PaginatedResult({"CacheClusters": [ClusterView(c, show) for c in clusters]})


def modify_cache_cluster(self: Any) -> Any:
    backend = self.elasticache_backend
    cluster_id = self._get_param("CacheClusterId")
    cluster = backend.cache_clusters.get(cluster_id)
    if cluster is None:
        raise CacheClusterNotFound(cluster_id)
    settable = {
        "NumCacheNodes": "num_cache_nodes",
        "CacheNodeType": "cache_node_type",
        "EngineVersion": "engine_version",
        "CacheParameterGroupName": "cache_parameter_group_name",
        "SecurityGroupIds": "security_group_ids",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "NotificationTopicArn": "notification_topic_arn",
        "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
        "SnapshotRetentionLimit": "snapshot_retention_limit",
        "SnapshotWindow": "snapshot_window",
        "AZMode": "az_mode",
        "IpDiscovery": "ip_discovery",
    }
    params = self._get_params()
    for key, attribute in settable.items():
        if key in params:
            value = params[key]
            if key in ("NumCacheNodes", "SnapshotRetentionLimit"):
                value = int(value)
            elif key == "AutoMinorVersionUpgrade":
                value = str(value).lower() == "true"
            setattr(cluster, attribute, value)
    return ActionResult({"CacheCluster": ClusterView(cluster, show_nodes=True)})


def delete_cache_subnet_group(self: Any) -> Any:
    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName")
    if name not in backend.cache_subnet_groups:
        raise CacheSubnetGroupNotFound(name)
    for cluster in backend.cache_clusters.values():
        if cluster.cache_subnet_group_name == name:
            raise CacheSubnetGroupInUse(name, cluster.cache_cluster_id)
    backend.cache_subnet_groups.pop(name)
    return EmptyResult()


def create_cache_parameter_group(self: Any) -> Any:
    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    if name in _groups(backend):
        raise CacheParameterGroupAlreadyExists(name)
    group = ParameterGroup(
        backend.account_id,
        backend.region_name,
        name,
        self._get_param("CacheParameterGroupFamily"),
        self._get_param("Description"),
    )
    _groups(backend)[name] = group
    tags = self._get_param("Tags", [])
    if tags:
        backend.tagging_service.tag_resource(group.arn, tags)
    return ActionResult({"CacheParameterGroup": group})


def describe_cache_parameter_groups(self: Any) -> Any:
    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    groups = [_group(backend, name)] if name else list(_groups(backend).values())
    return PaginatedResult({"CacheParameterGroups": groups})


def describe_cache_parameters(self: Any) -> Any:
    group = _group(self.elasticache_backend, self._get_param("CacheParameterGroupName"))
    source = self._get_param("Source")
    parameters = group.describe_parameters() if source in (None, USER_SOURCE) else []
    return PaginatedResult({"Parameters": parameters})


def modify_cache_parameter_group(self: Any) -> Any:
    group = _group(self.elasticache_backend, self._get_param("CacheParameterGroupName"))
    for item in self._get_param("ParameterNameValues", []):
        group.parameters[item["ParameterName"]] = item["ParameterValue"]
    return ActionResult({"CacheParameterGroupName": group.cache_parameter_group_name})


def reset_cache_parameter_group(self: Any) -> Any:
    group = _group(self.elasticache_backend, self._get_param("CacheParameterGroupName"))
    if self._get_bool_param("ResetAllParameters"):
        group.parameters.clear()
    for item in self._get_param("ParameterNameValues", []):
        group.parameters.pop(item["ParameterName"], None)
    return ActionResult({"CacheParameterGroupName": group.cache_parameter_group_name})


def delete_cache_parameter_group(self: Any) -> Any:
    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    _group(backend, name)
    for cluster in backend.cache_clusters.values():
        if cluster.cache_parameter_group_name == name:
            raise InvalidCacheParameterGroupState(name, cluster.cache_cluster_id)
    _groups(backend).pop(name)
    backend.tagging_service.delete_all_tags_for_resource(
        f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"
    )
    return EmptyResult()


# --- backend: member clusters and deletes that finish --------------------------------------


def _member_cluster(backend: Any, group: Any, member_id: str, zone: str | None) -> Any:
    cluster = models.CacheCluster(
        account_id=backend.account_id,
        region_name=backend.region_name,
        cache_cluster_id=member_id,
        cache_node_type=group.cache_node_type,
        replication_group_id=group.replication_group_id,
        az_mode="single-az",
        preferred_availability_zone=zone or f"{backend.region_name}a",
        num_cache_nodes=1,
        engine=group.engine,
        engine_version=group.engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled,
        network_type=group.network_type,
        ip_discovery=group.ip_discovery,
        snapshot_name=None,
        preferred_maintenance_window=group.preferred_maintenance_window,
        port=group.port,
        notification_topic_arn=group.notification_topic_arn,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit,
        snapshot_window=group.snapshot_window,
        auth_token=None,
        outpost_mode=None,
        preferred_outpost_arn=None,
        preferred_availability_zones=None,
        cache_security_group_names=group.cache_security_group_names,
        security_group_ids=group.security_group_ids,
        tags=None,
        snapshot_arns=None,
        preferred_outpost_arns=None,
        log_delivery_configurations=[],
        cache_node_ids_to_remove=None,
        cache_node_ids_to_reboot=None,
    )
    cluster.num_cache_nodes = 1  # moto sets it for "redis" only; valkey has one node too
    cluster.replication_group_id = group.replication_group_id
    cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled  # type: ignore[attr-defined]  # moto lacks it
    return cluster


def _create_replication_group(original: Any) -> Any:
    def create(self: Any, **kwargs: Any) -> Any:
        group = original(self, **kwargs)
        zones = kwargs.get("preferred_cache_cluster_azs") or []
        region = self.region_name
        domain = f"{group.replication_group_id}.{_token(group.arn)}.{region_short(region)}"
        domain += ".cache.amazonaws.com"
        for node_group in group.node_groups:
            if "primary_endpoint_address" in node_group:
                node_group["primary_endpoint_address"] = f"master.{domain}"
                node_group["reader_endpoint_address"] = f"replica.{domain}"
                node_group["primary_endpoint"] = {"address": f"master.{domain}", "port": group.port}
                node_group["reader_endpoint"] = {"address": f"replica.{domain}", "port": group.port}
            for n, member in enumerate(node_group["node_group_members"]):
                zone = zones[n] if n < len(zones) else f"{region}{'abc'[n % 3]}"
                member["preferred_availability_zone"] = zone
                member["read_endpoint"] = {
                    "address": f"{member['cache_cluster_id']}.{domain}",
                    "port": group.port,
                }
                self.cache_clusters[member["cache_cluster_id"]] = _member_cluster(
                    self, group, member["cache_cluster_id"], zone
                )
        return group

    return create


def _modify_replication_group(self: Any) -> Any:
    """moto's ModifyReplicationGroup, plus the settings it ignores (and its members')."""
    backend = self.elasticache_backend
    group = backend.modify_replication_group(
        replication_group_id=self._get_param("ReplicationGroupId"),
        replication_group_description=self._get_param("ReplicationGroupDescription"),
        engine=self._get_param("Engine"),
        cache_node_type=self._get_param("CacheNodeType"),
        automatic_failover_enabled=self._get_bool_param("AutomaticFailoverEnabled"),
        multi_az_enabled=self._get_bool_param("MultiAZEnabled"),
        snapshot_retention_limit=self._get_int_param("SnapshotRetentionLimit"),
    )
    params = self._get_params()
    settable = {
        "EngineVersion": "engine_version",
        "CacheParameterGroupName": "cache_parameter_group_name",
        "SecurityGroupIds": "security_group_ids",
        "PreferredMaintenanceWindow": "preferred_maintenance_window",
        "SnapshotWindow": "snapshot_window",
        "CacheNodeType": "cache_node_type",
        "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    }
    members = [
        backend.cache_clusters[m] for m in group.member_clusters if m in backend.cache_clusters
    ]
    for key, attribute in settable.items():
        if key in params:
            for target in (group, *members):
                setattr(target, attribute, params[key])
    return ActionResult({"ReplicationGroup": group})


def _delete_cache_cluster(self: Any, cache_cluster_id: str) -> Any:
    cluster = self.cache_clusters.pop(cache_cluster_id, None)
    if cluster is None:
        raise CacheClusterNotFound(cache_cluster_id)
    cluster.cache_cluster_status = cluster.status = "deleting"
    self.tagging_service.delete_all_tags_for_resource(cluster.arn)
    return cluster


def _delete_replication_group(original: Any) -> Any:
    def delete(self: Any, replication_group_id: str, retain_primary_cluster: bool | None) -> Any:
        members = list(
            getattr(self.replication_groups.get(replication_group_id), "member_clusters", [])
        )
        group = original(self, replication_group_id, retain_primary_cluster)
        self.replication_groups.pop(replication_group_id, None)
        for member in members:
            if retain_primary_cluster and member == group.primary_cluster_id:
                continue
            self.cache_clusters.pop(member, None)
        self.tagging_service.delete_all_tags_for_resource(group.arn)
        return group

    return delete


def install() -> None:
    import re

    response = responses.ElastiCacheResponse
    for function in (
        describe_cache_clusters,
        modify_cache_cluster,
        delete_cache_subnet_group,
        create_cache_parameter_group,
        describe_cache_parameter_groups,
        describe_cache_parameters,
        modify_cache_parameter_group,
        reset_cache_parameter_group,
        delete_cache_parameter_group,
    ):
        setattr(response, function.__name__, function)
    setattr(response, "modify_replication_group", _modify_replication_group)  # noqa: B010
    backend = models.ElastiCacheBackend
    for name, replacement in (
        ("create_replication_group", _create_replication_group(backend.create_replication_group)),
        ("delete_replication_group", _delete_replication_group(backend.delete_replication_group)),
        ("delete_cache_cluster", _delete_cache_cluster),
    ):
        setattr(backend, name, replacement)
    original_init = backend.__init__

    def init(self: Any, region_name: str, account_id: str) -> None:
        original_init(self, region_name, account_id)
        self.arn_regex = re.compile(rf"^arn:aws:elasticache:.*:[0-9]*:({ARN_KINDS}):.*$")

    backend.__init__ = init  # type: ignore[method-assign]  # patches moto
