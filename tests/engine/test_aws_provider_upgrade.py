"""The demo world run by real Terraform with hashicorp/aws 5.100 (the machine's filesystem
mirror) against the sandbox's endpoint with its gaps filled, through the wizard's core:
carry-over, B.1 migration to S3, plan, review, apply, the values merge with the Valkey
endpoint read from Secrets Manager, Stage 4 (three destroys, Valkey untouched), a re-plan
that is empty, and a Rollback B rehearsal. After the upgrade, the tofu stand-in and Terraform
plan the same changes of the same HCL and state (tests/support/standin_compare.py): the
provider's replacements and the sensitive marks the wizard masks with.

The tests share one world (session fixture ``terraform_world``) and run in file order in one
xdist group: each step starts from what the previous one left.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.standin_compare import (
    Scenario,
    decisions,
    plan_both,
    resource_attributes,
    schema_sensitive_paths,
    sensitivity_differences,
)
from tests.support.terraform import ProviderWorld
from tui.core.exec.prompts import Prompt
from tui.core.playbook.model import KNOWN_VALKEY_HOST, KNOWN_VALKEY_PORT
from tui.core.tofu.backend.form import BackendForm, write_backend_tf
from tui.core.tofu.backend.migration import MigrationOutcome, MigrationRequest, StateMigration
from tui.core.tofu.carry_over.apply import apply_carry_over
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.core.tofu.commands import PlanOutcome
from tui.core.tofu.parked_file import park
from tui.core.tofu.plan.attr_diff import SENSITIVE, diff_resource
from tui.core.tofu.plan.parse import parse_plan
from tui.core.tofu.plan.review import Verdict, review
from tui.core.tofu.plan.reviewed import (
    ClearToApply,
    check_before_apply,
    pull_state_mark,
    record_review,
)
from tui.core.tofu.rollback.s3 import (
    download_version,
    list_state_versions,
    pick_version_before,
    push_rollback,
)
from tui.core.tofu.statefile import read_state
from tui.core.values.known import gather_known_values, known_edits, plan_known_fills
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.sandbox.tofu.sensitive import SCHEMA_SENSITIVE

pytestmark = [pytest.mark.aws_provider, pytest.mark.xdist_group("aws_provider")]

STATE_KEY = "mocm/prod/terraform.tfstate"
VALKEY_STACK = {
    "random_password.valkey",
    "aws_elasticache_subnet_group.valkey",
    "aws_elasticache_parameter_group.valkey",
    "aws_elasticache_user.valkey",
    "aws_elasticache_replication_group.valkey",
    "aws_secretsmanager_secret.valkey",
    "aws_secretsmanager_secret_version.valkey",
}
OLD_CACHE = {
    "aws_elasticache_cluster.elasticache",
    "aws_elasticache_parameter_group.elasticache",
    "aws_elasticache_subnet_group.elasticache",
}


def changes(plan: dict[str, Any]) -> dict[str, list[str]]:
    """Address -> actions of every change that is not a no-op."""
    found = {}
    for item in plan.get("resource_changes", []):
        actions = item["change"]["actions"]
        if actions != ["no-op"]:
            found[item["address"]] = actions
    return found


def test_previous_release_is_applied_by_terraform(terraform_world: ProviderWorld) -> None:
    ready = terraform_world.ready
    state = read_state(ready.previous_dir / "terraform.tfstate")
    assert sum(len(r.instances) for r in state.resources) == 22
    lock = (ready.previous_dir / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock
    assert 'provider "registry.terraform.io/hashicorp/random"' in lock
    assert "registry.opentofu.org" not in lock
    outputs = json.loads((ready.previous_dir / "terraform.tfstate").read_text())["outputs"]
    # The DLM policy and the Redis node really exist at the endpoint (moto alone has neither).
    dlm = terraform_world.client("dlm")
    policy = dlm.get_lifecycle_policy(PolicyId=outputs["dlm_policy_id"]["value"])["Policy"]
    assert policy["State"] == "ENABLED" and policy["Tags"]["ManagedBy"] == "opentofu"
    cache = terraform_world.client("elasticache")
    [cluster] = cache.describe_cache_clusters(
        CacheClusterId=terraform_world.seeded.cache_cluster_id, ShowCacheNodeInfo=True
    )["CacheClusters"]
    assert cluster["CacheNodes"][0]["Endpoint"]["Address"] == outputs["redis_endpoint"]["value"]


def test_carry_over_and_b1_migration_with_a_new_lineage(terraform_world: ProviderWorld) -> None:
    world, book = terraform_world, terraform_world.playbook
    ready = world.ready
    local = read_state(ready.previous_dir / "terraform.tfstate")
    preview = preview_carry_over(ready.previous_dir, world.current, book, remote=False)
    assert not preview.blocked
    apply_carry_over(preview, book)
    assert (world.current / book.active_name).is_file()  # the old cache file runs alongside
    form = BackendForm(
        bucket=world.seeded.state_bucket,
        key=STATE_KEY,
        region=ready.world.region,
        use_lockfile=True,
        encrypt=True,
        extra={
            "endpoints": {"s3": world.endpoint.url},
            "use_path_style": True,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
        },
    )
    write_backend_tf(world.current, book, form)
    asked: list[Prompt] = []

    async def operator(prompt: Prompt) -> str:
        asked.append(prompt)
        return "yes"

    s3 = world.client("s3")
    request = MigrationRequest(world.current, book, ready.terraform, world.env, s3, 300)
    result = asyncio.run(StateMigration(request, operator).run())

    assert result.outcome is MigrationOutcome.MIGRATED, result.message
    assert len(asked) == 1
    remote = json.loads(s3.get_object(Bucket=form.bucket, Key=STATE_KEY)["Body"].read())
    # Terraform's migration: a new lineage at serial 1; the read-back compares the content.
    assert remote["lineage"] != local.lineage and remote["serial"] == 1
    assert result.check is not None and result.check.same_content
    assert not result.check.same_lineage
    assert f"new lineage {remote['lineage']} and serial 1" in result.message
    world.notes["migrated_lineage"] = remote["lineage"]


def test_upgrade_plan_is_safe_and_applies(terraform_world: ProviderWorld) -> None:
    world = terraform_world
    world.run(world.commands.init(upgrade=True), world.current)
    outcome, plan_json = world.plan(world.current)
    assert outcome is PlanOutcome.CHANGES
    assert changes(plan_json) == {address: ["create"] for address in VALKEY_STACK}
    result = review(parse_plan(plan_json, "tfplan"), world.playbook, "upgrade")
    assert result.verdict is Verdict.SAFE, [i.reason for i in result.issues]
    world.notes["upgrade_plan"] = plan_json

    mark = pull_state_mark(world.commands, world.current, world.env)
    reviewed = record_review(world.current / "tfplan", mark)
    check = check_before_apply(reviewed, pull_state_mark(world.commands, world.current, world.env))
    assert isinstance(check, ClearToApply)
    world.notes["upgrade_started"] = datetime.now(UTC)
    world.run(world.commands.apply(), world.current)
    after = pull_state_mark(world.commands, world.current, world.env)
    assert after is not None and mark is not None
    assert after.lineage == mark.lineage and after.serial > mark.serial


def _redis_replication_group(state: dict[str, Any]) -> None:
    """The Valkey group as if it were still a Redis 7.1 group (the state only)."""
    group = resource_attributes(state, "aws_elasticache_replication_group.valkey")
    group.update(engine="redis", engine_version="7.1", engine_version_actual="7.1.0")
    for resource in state["resources"]:
        if resource["type"] == "aws_elasticache_replication_group":
            resource["instances"][0]["attributes"] = group


def _switch_off(name: str) -> tuple[str, str, str]:
    return ("10-valkey.tf", f"{name} = true", f"{name} = false")


FORCING = [  # the changes an operator could make, and what hashicorp/aws 5.100 plans for them
    Scenario(
        "forcing",
        'valkey_port = 6380\nelasticache_port = 6380\nvalkey_node_type = "cache.t3.small"\n'
        'elasticache_node_type = "cache.t3.large"\nvalkey_engine_version = "7.2"\n'
        'elasticache_engine_version = "6.2"\n',
        edits=(
            ("09-elasticache.tf", '"Redis 7 parameters"', '"Redis 7 params"'),
            (
                "09-elasticache.tf",
                '"${var.name_prefix}-cache"\n  description = "Subnets',
                '"${var.name_prefix}-cache2"\n  description = "Subnets',
            ),
            (
                "10-valkey.tf",
                'engine                     = "valkey"',
                'engine                     = "redis"',
            ),
            ("10-valkey.tf", 'engine        = "valkey"', 'engine        = "redis"'),
            ("10-valkey.tf", '"on ~* +@all"', '"on ~* +@read"'),
            (
                "10-valkey.tf",
                '"${var.name_prefix}-valkey"\n  description = "Valkey parameters"',
                '"${var.name_prefix}-valkey2"\n  description = "Valkey parameters"',
            ),
            _switch_off("transit_encryption_enabled"),
            _switch_off("at_rest_encryption_enabled"),
            ("10-valkey.tf", '"Connection settings of the Valkey application user"', '"Valkey"'),
        ),
        expected={
            "aws_elasticache_cluster.elasticache": ("engine_version", "port", "subnet_group_name"),
            "aws_elasticache_parameter_group.elasticache": ("description",),
            "aws_elasticache_parameter_group.valkey": ("name",),
            "aws_elasticache_subnet_group.elasticache": ("name",),
            "aws_elasticache_replication_group.valkey": (
                "at_rest_encryption_enabled",
                "engine",
                "engine_version",
                "port",
            ),
            "aws_elasticache_user.valkey": (),  # engine and access string: in place
            "aws_secretsmanager_secret.valkey": (),
            "aws_secretsmanager_secret_version.valkey": ("secret_string",),
        },
    ),
    Scenario(  # node types and engine upgrades in place; redis -> valkey for a group only
        "in-place",
        'valkey_node_type = "cache.t3.small"\nelasticache_node_type = "cache.t3.large"\n'
        'elasticache_engine_version = "7.2"\n',
        edits=(("09-elasticache.tf", '= "redis"', '= "valkey"'),),
        state_edit=_redis_replication_group,
        expected={
            "aws_elasticache_cluster.elasticache": ("engine",),
            "aws_elasticache_replication_group.valkey": (),
        },
    ),
]


def test_the_standin_replaces_and_masks_what_terraform_does(
    terraform_world: ProviderWorld, tmp_path: Path
) -> None:
    """Force-new attributes and sensitive marks, each scenario planned by both on the same
    HCL and Terraform's own state after the upgrade; the wizard masks both plans alike."""
    world = terraform_world
    pulled = subprocess.run(  # not through the wizard's runner: it masks the secrets
        (world.ready.terraform, "state", "pull"),
        cwd=world.current,
        env=world.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    state = json.loads(pulled.stdout)
    password = resource_attributes(state, "random_password.valkey")["result"]
    plans = plan_both(FORCING, world.current, state, tmp_path, world.ready.terraform, world.env)
    for scenario in FORCING:
        real, model = plans[scenario.name]
        found = decisions(real)
        pinned = {  # what Terraform decided, in the scenario's words
            address: tuple(sorted(p[0] for p in paths)) if "delete" in actions else ()
            for address, (actions, _, paths) in found.items()
        }
        assert pinned == scenario.expected, scenario.name
        assert decisions(model) == found, scenario.name
        assert sensitivity_differences(real, model) == [], scenario.name
        for plan in (real, model):
            for change in parse_plan(plan, "tfplan").resource_changes:
                for item in diff_resource(change, include_unchanged=True):
                    assert password not in f"{item.before} {item.after}", change.address
                    if item.path in ("result", "secret_string", "authentication_mode[0].passwords"):
                        assert item.sensitive and SENSITIVE in (item.before, item.after)


def test_the_standins_sensitive_attributes_are_the_provider_schemas(
    terraform_world: ProviderWorld,
) -> None:
    """Every type the stand-in models, against ``terraform providers schema -json``."""
    world = terraform_world
    shown = subprocess.run(
        (world.ready.terraform, "providers", "schema", "-json"),
        cwd=world.current,
        env=world.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    schema = json.loads(shown.stdout)
    for rtype, paths in SCHEMA_SENSITIVE.items():
        assert schema_sensitive_paths(schema, rtype) == set(paths), rtype


def test_values_merge_takes_the_valkey_endpoint_from_secrets_manager(
    terraform_world: ProviderWorld, tmp_path: Path
) -> None:
    world = terraform_world
    outputs = json.loads(world.stdout((world.ready.terraform, "output", "-json"), world.current))
    endpoint = outputs["valkey_primary_endpoint"]["value"]
    group = world.client("elasticache").describe_replication_groups(
        ReplicationGroupId=world.seeded.valkey_group_id
    )["ReplicationGroups"][0]
    assert group["NodeGroups"][0]["PrimaryEndpoint"]["Address"] == endpoint

    known = gather_known_values(
        world.playbook,
        world.ready.world.current,
        world.ready.world.name_prefix,
        world.ready.world.region,
        lambda region: world.client("secretsmanager"),
        {KNOWN_VALKEY_HOST, KNOWN_VALKEY_PORT},
    )
    assert known.unavailable == {}
    assert known.values[KNOWN_VALKEY_HOST].value == endpoint
    assert known.values[KNOWN_VALKEY_HOST].origin.startswith("from Secrets Manager ")
    assert known.values[KNOWN_VALKEY_PORT].value == 6379
    [password] = known.learned_secrets
    assert str(password) != password.reveal()  # masked wherever it is shown

    mocm = world.ready.world
    merge = ValuesMerge(
        load_values(mocm.previous / "mocm" / "values.yaml"),
        load_values(mocm.current / "mocm" / "values.yaml"),
        world.playbook.placeholder_pattern,
    )
    fills, _ = plan_known_fills(
        merge.rows, merge.working, merge.pattern, world.playbook.known_placeholders, known
    )
    merge.auto_fill(known_edits(merge.working, fills))
    hosts = [f for f in fills if f.after == endpoint]
    assert hosts, [f.label for f in fills]
    assert all(endpoint in str(f.after) for f in hosts)


def test_stage4_plan_destroys_exactly_the_old_cache_and_replans_empty(
    terraform_world: ProviderWorld,
) -> None:
    world = terraform_world
    park(world.current, world.playbook)
    outcome, plan_json = world.plan(world.current)
    assert outcome is PlanOutcome.CHANGES
    assert changes(plan_json) == {address: ["delete"] for address in OLD_CACHE}
    result = review(parse_plan(plan_json, "tfplan"), world.playbook, "stage4")
    assert result.verdict is Verdict.SAFE and not result.missing_destroys
    assert not [r for r in result.reviewed if "valkey" in r.change.address]

    world.run(world.commands.apply(), world.current)
    cache = world.client("elasticache")
    clusters = {c["CacheClusterId"] for c in cache.describe_cache_clusters()["CacheClusters"]}
    assert world.seeded.cache_cluster_id not in clusters
    assert f"{world.seeded.valkey_group_id}-001" in clusters  # Valkey's member stays

    again, replan = world.plan(world.current)
    assert again is PlanOutcome.NO_CHANGES and changes(replan) == {}


def test_rollback_b_rehearsal_restores_the_pre_upgrade_state(
    terraform_world: ProviderWorld, tmp_path: Path
) -> None:
    world = terraform_world
    s3 = world.client("s3")
    bucket = world.seeded.state_bucket
    versions = list_state_versions(s3, bucket, STATE_KEY)
    assert len(versions) >= 3  # migration, upgrade, Stage 4
    chosen = pick_version_before(versions, world.notes["upgrade_started"])
    assert chosen is not None
    got = download_version(s3, bucket, STATE_KEY, chosen, tmp_path / "rollback.tfstate")
    assert got.lineage_matches and got.needs_force
    assert got.mark.lineage == world.notes["migrated_lineage"] and got.mark.serial == 1

    refused = push_rollback(world.commands, world.current, world.env, got)
    assert not refused.ok
    pushed = push_rollback(world.commands, world.current, world.env, got, force=True)
    assert pushed.ok, pushed.result.stderr_tail
    restored = json.loads(s3.get_object(Bucket=bucket, Key=STATE_KEY)["Body"].read())
    addresses = {f"{r['type']}.{r['name']}" for r in restored["resources"]}
    assert not addresses & VALKEY_STACK and addresses >= OLD_CACHE


def test_the_standin_plans_the_same_upgrade_as_terraform(
    terraform_world: ProviderWorld, tmp_path: Path
) -> None:
    """The same HCL, the same Terraform-made previous state: the tofu stand-in plans the
    same creates, with the same values known, unknown and sensitive before apply."""
    from tests.support.tofu_standin import show_json, tofu
    from tui.sandbox.world import ASSETS, copy_rendered

    world = terraform_world
    mocm = world.ready.world
    release = tmp_path / "mocm-10.6.2605"
    for source in ("common", mocm.spec["current"]):
        copy_rendered(ASSETS / "releases" / source, release, mocm.tokens())
    workdir = release / "terraform" / "aws"
    book = world.playbook
    apply_carry_over(
        preview_carry_over(world.ready.previous_dir, workdir, book, remote=False), book
    )
    assert tofu(workdir, "init", "-input=false").code == 0
    planned = tofu(workdir, "plan", "-out", "tfplan", "-input=false", "-detailed-exitcode")
    assert planned.code == 2, planned.stderr
    model = show_json(workdir)
    real = world.notes["upgrade_plan"]
    assert changes(model) == changes(real)
    # Terraform's plan refreshed the objects: the same values are marked (shapes: below).
    assert sensitivity_differences(real, model, refreshed=True) == []
    unknown = {
        rc["address"]: {k for k, v in rc["change"]["after_unknown"].items() if v is True}
        for rc in real["resource_changes"]
        if rc["address"] in ("random_password.valkey", "aws_elasticache_replication_group.valkey")
    }
    for rc in model["resource_changes"]:
        if rc["address"] in unknown:
            got = {k for k, v in rc["change"]["after_unknown"].items() if v is True}
            assert got <= unknown[rc["address"]], rc["address"]  # never unknown where known
            assert {"id", "result"} & got == {"id", "result"} & unknown[rc["address"]]
