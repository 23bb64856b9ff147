"""The shape of an upgrade playbook: typed records of every release-specific fact.

``tui.core.playbook.load`` loads and validates the data file into these records.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import PlaybookError
from tui.core.playbook.version import Version
from tui.core.records import FrozenRecord

PLAN_ACTIONS = frozenset({"create", "update", "delete", "read", "no-op", "forget"})
CARRY_KINDS = frozenset({"state", "tfvars", "plain"})
UPGRADE = "upgrade"
STAGE4 = "stage4"
ROLLBACK = "rollback"  # Rollback A: the previous release re-applied on its pre-upgrade state
PLAN_STAGES: tuple[str, ...] = (UPGRADE, STAGE4, ROLLBACK)
# Where the wizard finds the value of a placeholder the previous values file cannot fill.
KNOWN_NAME_PREFIX = "name_prefix"  # terraform.tfvars
KNOWN_AWS_REGION = "aws_region"  # terraform.tfvars
KNOWN_VALKEY_HOST = "valkey_host"  # the Valkey secret in Secrets Manager
KNOWN_VALKEY_PORT = "valkey_port"  # the Valkey secret in Secrets Manager
KNOWN_SOURCES = frozenset(
    {KNOWN_NAME_PREFIX, KNOWN_AWS_REGION, KNOWN_VALKEY_HOST, KNOWN_VALKEY_PORT}
)


class CarryFile(FrozenRecord):
    """A file carried from the previous release (``carry_over``)."""

    file: str
    required: bool
    kind: str  # state | tfvars | plain


class ExpectedChange(FrozenRecord):
    """A change the plan may hold: its exact actions at addresses matching a glob."""

    actions: tuple[str, ...]
    address: str  # fnmatch glob
    why: str


# What an in-place update of a protected resource needs (``plan_rules.<stage>.protected_updates``).
PROTECTED_UPDATES_REFUSE = "refuse"  # nothing may touch a protected resource
PROTECTED_UPDATES_CONFIRM = "confirm_attributes"  # a typed confirmation naming the attributes
PROTECTED_UPDATES = (PROTECTED_UPDATES_REFUSE, PROTECTED_UPDATES_CONFIRM)


class PlanRules(FrozenRecord):
    """What a stage's plan may hold, must hold, and may never touch."""

    expected: tuple[ExpectedChange, ...]
    required_destroys: tuple[str, ...]
    protected: tuple[str, ...]  # fnmatch globs nothing may destroy or replace
    # True: any change no rule expects blocks (typed override), not only destroys/replaces.
    only_expected: bool = False
    protected_updates: str = PROTECTED_UPDATES_REFUSE  # one of PROTECTED_UPDATES


class KnownPlaceholder(FrozenRecord):
    """A values placeholder (``REPLACE_VALUE_NAME_PREFIX``) and where its value comes from."""

    name: str
    source: str  # one of KNOWN_SOURCES


class MetricSpec(FrozenRecord):
    """The CloudWatch metric that says whether the old cache is in use."""

    namespace: str
    name: str
    dimension: str
    statistic: str
    period_seconds: int


class IdleDefinition(FrozenRecord):
    """What "idle" means for the old cache: the guide's figure, AWS's own baseline, the rule.

    The threshold in force is the playbook's; the operator may type another (journaled).
    """

    guide_connections: float  # the guide's "should be 0"
    baseline_low: float  # connections ElastiCache's own monitoring holds, at least…
    baseline_high: float  # …and at most
    baseline_source: str  # where that figure comes from
    threshold: float  # idle when every maximum in the window is at or below it


class ScanFacts(FrozenRecord):
    """Where the dependency scan looks and what it does not count as live."""

    dir: str  # under the current release (the Helm values)
    endpoint_prefixes: tuple[str, ...]  # `master.`, `replica.`… before the cluster id
    not_live_suffixes: tuple[str, ...]  # backup files: shown, never blocking


class Stage4Facts(FrozenRecord):
    """Everything the Stage-4 decommission needs to know about the old cache."""

    cluster_id: str
    metric: MetricSpec
    idle: IdleDefinition
    business_cycle_hours: int  # how long Valkey must have served before the teardown
    valkey_replication_group: str
    scan: ScanFacts
    snapshot_name: str
    valkey_secret_id: str
    follow_up_resource: str
    follow_up_defined_in: str

    @property
    def idle_threshold(self) -> float:
        """The idle threshold in force unless the operator types another."""
        return self.idle.threshold

    @property
    def grep_dir(self) -> str:
        """The directory the dependency scan reads (under the current release)."""
        return self.scan.dir


class Playbook(FrozenRecord):
    """One release transition. Templates use ``<name_prefix>``-style fields."""

    id: str
    title: str
    from_build: str
    to_build: str
    minimum_tofu: Version  # the oldest OpenTofu the target release supports
    minimum_helm: Version  # the oldest helm its charts and helmfile.yaml work with
    minimum_helmfile: Version  # the oldest helmfile its helmfile.yaml works with
    tfvars_file: str
    name_prefix_var: str
    region_var: str
    state_file: str
    state_backup: str
    state_pre_upgrade: str
    state_migrated: str
    state_failed: str
    state_rollback_download: str
    expected_buckets: int
    bucket_resource_type: str
    backend_file: str
    backend_example: str
    carry_over_local: tuple[CarryFile, ...]
    carry_over_remote: tuple[CarryFile, ...]
    tfvars_marker_prefix: str
    tfvars_username_var: str
    tfvars_block: str
    parked_name: str
    active_name: str
    plan_upgrade: PlanRules
    plan_stage4: PlanRules
    plan_rollback: PlanRules
    helm_namespace: str
    helmfile: str
    helm_releases: tuple[str, ...]
    helm_sync_log: str
    chart_version: str
    values_file: str
    values_template_backup: str
    image_tag_key: str
    image_registry_key: str
    placeholder_pattern: str
    known_placeholders: tuple[KnownPlaceholder, ...]
    images_list: str
    images_loader: str
    stage4: Stage4Facts
    source: Path

    def rules(self, stage: str) -> PlanRules:
        """Plan rules for ``upgrade``, ``stage4`` or ``rollback``."""
        if stage == UPGRADE:
            return self.plan_upgrade
        if stage == STAGE4:
            return self.plan_stage4
        if stage == ROLLBACK:
            return self.plan_rollback
        raise PlaybookError(f"unknown plan stage {stage!r}", f"use one of {', '.join(PLAN_STAGES)}")
