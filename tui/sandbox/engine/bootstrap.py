"""Fill the Terraform world's endpoint: the network the tfvars name, the previous release
applied by the engine itself, then what the wizard's checks read (buckets, images,
snapshots, metrics), through the same seeding modules as the stand-in's world.

Unlike the stand-in's world, nothing of the new release is made up front: the Valkey group,
its user and its secret appear when the operator applies the upgrade.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.core.playbook.load import Playbook, fill, load_playbook
from tui.sandbox.endpoint_gaps.ec2_ids import CUSTOM_ID_TAG
from tui.sandbox.engine.world import EngineError, TerraformWorld
from tui.sandbox.seed_caches import valkey_username
from tui.sandbox.seed_client import client
from tui.sandbox.seed_images import seed_images
from tui.sandbox.seed_metrics import seed_metrics
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.seed_snapshots import seed_snapshots
from tui.sandbox.seed_storage import seed_storage

APPLY_TIMEOUT = 600.0
VPC_CIDR = "10.40.0.0/16"


def tfvars_ids(tfvars: Path) -> tuple[str, list[str], str]:
    """The VPC, private subnets and EKS node security group the release's tfvars name."""
    text = tfvars.read_text(encoding="utf-8")

    def value(name: str) -> str:
        match = re.search(rf"^{name}\s*=\s*(.+)$", text, re.M)
        if match is None:
            raise EngineError(f"{tfvars}: no {name} = … line")
        return match.group(1).strip()

    return (
        value("vpc_id").strip('"'),
        re.findall(r'"([^"]+)"', value("private_subnet_ids")),
        value("eks_node_security_group_id").strip('"'),
    )


def _tags(kind: str, wanted: str, name: str) -> list[dict[str, Any]]:
    return [
        {
            "ResourceType": kind,
            "Tags": [{"Key": CUSTOM_ID_TAG, "Value": wanted}, {"Key": "Name", "Value": name}],
        }
    ]


def seed_network(ready: TerraformWorld, env: dict[str, str]) -> bool:
    """The EKS cluster's VPC, subnets and node security group, with the tfvars' ids.

    True when the VPC had to be made: the endpoint is new (it keeps nothing across restarts).
    """
    vpc_id, subnet_ids, node_sg = tfvars_ids(ready.previous_dir / "terraform.tfvars")
    ec2 = client("ec2", env)
    prefix = ready.world.name_prefix
    fresh = not ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]
    if fresh:
        ec2.create_vpc(CidrBlock=VPC_CIDR, TagSpecifications=_tags("vpc", vpc_id, f"{prefix}-eks"))
    have = {
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    }
    for n, subnet_id in enumerate(subnet_ids):
        if subnet_id not in have:
            ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=f"10.40.{n * 16}.0/20",
                AvailabilityZone=f"{ready.world.region}{'abc'[n % 3]}",
                TagSpecifications=_tags("subnet", subnet_id, f"{prefix}-private-{n + 1}"),
            )
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [node_sg]}])
    if not groups["SecurityGroups"]:
        ec2.create_security_group(
            GroupName=f"{prefix}-eks-nodes",
            Description="EKS worker nodes",
            VpcId=vpc_id,
            TagSpecifications=_tags("security-group", node_sg, f"{prefix}-eks-nodes"),
        )
    return fresh


def run_terraform(
    ready: TerraformWorld,
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str],
    on_line: Callable[[str], None] | None = None,
) -> str:
    """One terraform command; its output is returned (and given line by line to ``on_line``)."""
    argv = [ready.terraform, *args, "-no-color"]
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=ready.env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if on_line is not None:
                on_line(line.rstrip("\n"))
        code = process.wait(timeout=APPLY_TIMEOUT)
    output = "".join(lines)
    if code != 0:
        last = [line for line in output.splitlines() if line.strip()][-8:]
        raise EngineError(
            f"terraform {' '.join(args)} failed in {cwd} (exit {code}): " + " / ".join(last)
        )
    return output


def apply_previous_release(
    ready: TerraformWorld,
    env: dict[str, str],
    on_line: Callable[[str], None] | None = None,
    *,
    again: bool = False,
) -> bool:
    """``init`` and ``apply`` the previous release: once, or ``again`` into a new endpoint.

    True when Terraform applied it now.
    """
    if (ready.previous_dir / "terraform.tfstate").is_file() and not again:
        return False
    run_terraform(ready, ["init", "-input=false"], ready.previous_dir, env, on_line)
    run_terraform(
        ready, ["apply", "-input=false", "-auto-approve"], ready.previous_dir, env, on_line
    )
    return True


def seed_terraform_world(
    ready: TerraformWorld,
    env: dict[str, str],
    playbook: Playbook | None = None,
    on_line: Callable[[str], None] | None = None,
) -> SeedReport:
    """The endpoint as the previous release left it, applied by Terraform."""
    book = playbook or load_playbook()
    world = ready.world
    report = SeedReport()
    report.account_id = client("sts", env).get_caller_identity()["Account"]
    made_before = (ready.previous_dir / "terraform.tfstate").is_file()
    fresh_endpoint = seed_network(ready, env)
    apply_previous_release(ready, env, on_line, again=fresh_endpoint)
    report.not_modelled.append(
        f"engine: {ready.terraform} with hashicorp/aws from {ready.aws_mirror}; "
        f"CLI config {ready.cli_config}"
    )
    if made_before and fresh_endpoint:
        report.not_modelled.append(
            "the local AWS endpoint keeps nothing across restarts: Terraform re-created the "
            "previous release's resources; a state applied later still names the old ones"
        )
    report.cache_cluster_id = fill(book.stage4.cluster_id, name_prefix=world.name_prefix)
    report.valkey_group_id = fill(
        book.stage4.valkey_replication_group, name_prefix=world.name_prefix
    )
    report.valkey_metric_dimension = (
        book.stage4.metric.dimension,
        report.valkey_group_id + str(world.spec["valkey_metric"]["member_suffix"]),
    )
    report.secret_id = fill(
        book.stage4.valkey_secret_id,
        name_prefix=world.name_prefix,
        valkey_username=valkey_username(book),
    )
    seed_storage(world, env, book, report)
    seed_images(world, env, book, report)
    seed_snapshots(world, env, book, report, with_policy=False)  # Terraform applied the policy
    seed_metrics(world, env, book, report, now=datetime.now(UTC))
    return report
