"""The upgrade playbook: every release-specific fact, loaded from a data file.

No release-specific literal lives in Python; this module only knows the shape
(``tui.core.playbook.model``) and checks that the file fills it.
"""

from __future__ import annotations

import re
from pathlib import Path

from tui.core.errors import PlaybookError
from tui.core.playbook.cache import cached, remember
from tui.core.playbook.model import (
    CARRY_KINDS,
    KNOWN_SOURCES,
    PLAN_ACTIONS,
    PLAN_STAGES,
    PROTECTED_UPDATES,
    PROTECTED_UPDATES_REFUSE,
    ROLLBACK,
    CarryFile,
    ExpectedChange,
    IdleDefinition,
    KnownPlaceholder,
    MetricSpec,
    PlanRules,
    Playbook,
    ScanFacts,
    Stage4Facts,
)
from tui.core.playbook.version import Version, VersionSyntaxError

# typing is imported for the type checker only: it costs the headless start-up ~2 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "CARRY_KINDS",
    "PLAN_ACTIONS",
    "PLAN_STAGES",
    "CarryFile",
    "ExpectedChange",
    "IdleDefinition",
    "KnownPlaceholder",
    "MetricSpec",
    "PlanRules",
    "Playbook",
    "ScanFacts",
    "Stage4Facts",
    "default_playbook_path",
    "fill",
    "load_playbook",
]

# The bundled playbooks ship inside the package (tui/assets, the repository's assets/).
# A path from this file, not importlib.resources: that import costs the headless
# commands ~20 ms of start-up, and the package is always a directory on disk.
PLAYBOOK_DIR = Path(__file__).resolve().parents[2] / "assets" / "playbooks"


def fill(template: str, **values: str) -> str:
    """Replace ``<name>`` fields of a playbook template with the given values."""
    out = template
    for key, value in values.items():
        out = out.replace(f"<{key}>", value)
    return out


def default_playbook_path() -> Path:
    """The bundled playbook (the only one shipped with this version)."""
    found = sorted(PLAYBOOK_DIR.glob("*.yaml"))
    if not found:
        raise PlaybookError(f"no playbook under {PLAYBOOK_DIR}")
    return found[-1]


def load_playbook(path: Path | None = None) -> Playbook:
    """Load and validate a playbook; a malformed one raises ``PlaybookError``."""
    path = path or default_playbook_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlaybookError(f"cannot read playbook {path}: {exc.strerror or exc}") from exc
    data = cached(raw)
    if data is None:
        data = _parse(path, raw)
        remember(raw, data)
    return _Reader(path, data).playbook()


def _parse(path: Path, raw: bytes) -> Any:
    """The YAML data of a playbook file (ruamel.yaml imported only here: see the cache)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlaybookError(f"playbook {path} is not UTF-8 text") from exc
    try:
        return YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PlaybookError(f"playbook {path} is not valid YAML{where}") from exc


class _Reader:
    """Walks the raw data; every error names the dotted field and the reason."""

    def __init__(self, path: Path, data: Any) -> None:
        self.path = path
        self.data = data

    def fail(self, field: str, reason: str) -> PlaybookError:
        return PlaybookError(f"playbook {self.path.name}: field '{field}' {reason}")

    def node(self, field: str) -> Any:
        cur: Any = self.data
        for part in field.split("."):
            if not isinstance(cur, dict):
                raise self.fail(field, "is inside something that is not a mapping")
            if part not in cur:
                raise self.fail(field, "is missing")
            cur = cur[part]
        return cur

    def text(self, field: str) -> str:
        value = self.node(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, f"must be a non-empty string, got {value!r}")
        return value

    def integer(self, field: str, minimum: int = 0) -> int:
        value = self.node(field)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(field, f"must be a whole number ≥ {minimum}, got {value!r}")
        return value

    def number(self, field: str) -> float:
        value = self.node(field)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(field, f"must be a number ≥ 0, got {value!r}")
        return float(value)

    def texts(self, field: str, allow_empty: bool = True) -> tuple[str, ...]:
        value = self.node(field)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(field, "must be a list of non-empty strings")
        if not value and not allow_empty:
            raise self.fail(field, "must not be empty")
        return tuple(value)

    def carry(self, field: str) -> tuple[CarryFile, ...]:
        value = self.node(field)
        if not isinstance(value, list) or not value:
            raise self.fail(field, "must be a non-empty list of files")
        out = []
        for i, item in enumerate(value):
            where = f"{field}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("file"), str):
                raise self.fail(where, "must be a mapping with a 'file' string")
            kind = item.get("kind", "plain")
            if kind not in CARRY_KINDS:
                raise self.fail(f"{where}.kind", f"must be one of {sorted(CARRY_KINDS)}")
            required = item.get("required", False)
            if not isinstance(required, bool):
                raise self.fail(f"{where}.required", "must be true or false")
            out.append(CarryFile(item["file"], required, kind))
        return tuple(out)

    def version(self, field: str) -> Version:
        value = self.node(field)
        if not isinstance(value, str) or not value.strip():
            # An unquoted 1.10 is read as a number and would lose its trailing zero.
            raise self.fail(field, f'must be a quoted version like "1.10.4", got {value!r}')
        try:
            return Version.parse(value)
        except VersionSyntaxError:
            raise self.fail(
                field, f"must be a semantic version like 1.10.4, got {value!r}"
            ) from None

    def rules(self, field: str) -> PlanRules:
        raw = self.node(f"{field}.expected")
        if not isinstance(raw, list):
            raise self.fail(f"{field}.expected", "must be a list")
        expected = []
        for i, item in enumerate(raw):
            where = f"{field}.expected[{i}]"
            if not isinstance(item, dict):
                raise self.fail(where, "must be a mapping")
            actions = item.get("actions")
            if not isinstance(actions, list) or not actions:
                raise self.fail(f"{where}.actions", "must be a non-empty list")
            unknown = [a for a in actions if a not in PLAN_ACTIONS]
            if unknown:
                raise self.fail(f"{where}.actions", f"has unknown action(s) {unknown}")
            address = item.get("address")
            if not isinstance(address, str) or not address:
                raise self.fail(f"{where}.address", "must be a non-empty glob")
            expected.append(ExpectedChange(tuple(actions), address, str(item.get("why", ""))))
        return PlanRules(
            tuple(expected),
            self.texts(f"{field}.required_destroys"),
            self.texts(f"{field}.protected"),
            self.flag(f"{field}.only_expected", default=False),
            self.choice(f"{field}.protected_updates", PROTECTED_UPDATES, PROTECTED_UPDATES_REFUSE),
        )

    def optional(self, field: str) -> bool:
        """Whether an optional field is present (its parent must be)."""
        parent, _, last = field.rpartition(".")
        return last in self.node(parent) if parent else last in self.data

    def flag(self, field: str, default: bool) -> bool:
        if not self.optional(field):
            return default
        value = self.node(field)
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false, got {value!r}")
        return value

    def choice(self, field: str, allowed: tuple[str, ...], default: str) -> str:
        if not self.optional(field):
            return default
        value = self.node(field)
        if value not in allowed:
            raise self.fail(field, f"must be one of {', '.join(allowed)}, got {value!r}")
        return str(value)

    def known_placeholders(self, field: str, pattern: str) -> tuple[KnownPlaceholder, ...]:
        """Placeholder name -> source; optional (a release may have none the wizard knows)."""
        parent, _, last = field.rpartition(".")
        if last not in self.node(parent):
            return ()
        value = self.node(field)
        if not isinstance(value, dict):
            raise self.fail(field, "must be a mapping of placeholder name to source")
        out = []
        for name, source in value.items():
            where = f"{field}.{name}"
            if not isinstance(name, str) or re.fullmatch(pattern, f"< {name} >") is None:
                raise self.fail(where, f"is not a placeholder name matching {pattern!r}")
            if source not in KNOWN_SOURCES:
                raise self.fail(where, f"must be one of {sorted(KNOWN_SOURCES)}, got {source!r}")
            out.append(KnownPlaceholder(name, source))
        return tuple(out)

    def idle(self, field: str) -> IdleDefinition:
        """The meaning of idle: the guide's figure, AWS's monitoring baseline, the threshold."""
        low = self.number(f"{field}.monitoring_baseline.low")
        high = self.number(f"{field}.monitoring_baseline.high")
        if high < low:
            raise self.fail(f"{field}.monitoring_baseline.high", f"must be ≥ low ({low:g})")
        guide = self.number(f"{field}.guide_connections")
        threshold = self.number(f"{field}.threshold")
        if threshold < guide:
            raise self.fail(f"{field}.threshold", f"must be ≥ the guide's {guide:g}")
        return IdleDefinition(guide, low, high, self.text(f"{field}.baseline_source"), threshold)

    def rollback_rules(self, field: str) -> PlanRules:
        rules = self.rules(field)
        if rules.required_destroys:
            # The review checks required destroys at stage4 only: here they would be ignored.
            raise self.fail(
                f"{field}.required_destroys",
                "must be empty: a rollback re-converges, it requires no destroy",
            )
        return rules

    def playbook(self) -> Playbook:
        if not isinstance(self.data, dict):
            raise PlaybookError(f"playbook {self.path.name}: the top level must be a mapping")
        if self.node("schema") != 1:
            raise self.fail("schema", "must be 1 (this version of mocm-upgrade reads schema 1)")
        pattern = self.text("values.placeholder_pattern")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise self.fail("values.placeholder_pattern", f"is not a valid regex: {exc}") from exc
        releases = self.texts("helm.releases", allow_empty=False)
        if len(set(releases)) != len(releases):
            raise self.fail("helm.releases", "lists a release twice")
        return Playbook(
            id=self.text("id"),
            title=self.text("title"),
            from_build=self.text("from_build"),
            to_build=self.text("to_build"),
            minimum_tofu=self.version("tools.minimum_tofu"),
            minimum_helm=self.version("tools.minimum_helm"),
            minimum_helmfile=self.version("tools.minimum_helmfile"),
            tfvars_file=self.text("tfvars.file"),
            name_prefix_var=self.text("tfvars.name_prefix_var"),
            region_var=self.text("tfvars.region_var"),
            state_file=self.text("state.file"),
            state_backup=self.text("state.backup"),
            state_pre_upgrade=self.text("state.pre_upgrade"),
            state_migrated=self.text("state.migrated"),
            state_failed=self.text("state.failed"),
            state_rollback_download=self.text("state.rollback_download"),
            expected_buckets=self.integer("state.expected_buckets"),
            bucket_resource_type=self.text("state.bucket_resource_type"),
            backend_file=self.text("backend.file"),
            backend_example=self.text("backend.example"),
            carry_over_local=self.carry("carry_over.local"),
            carry_over_remote=self.carry("carry_over.remote"),
            tfvars_marker_prefix=self.text("tfvars_append.marker_prefix"),
            tfvars_username_var=self.text("tfvars_append.username_var"),
            tfvars_block=self.text("tfvars_append.block"),
            parked_name=self.text("parked_file.parked"),
            active_name=self.text("parked_file.active"),
            plan_upgrade=self.rules("plan_rules.upgrade"),
            plan_stage4=self.rules("plan_rules.stage4"),
            plan_rollback=self.rollback_rules(f"plan_rules.{ROLLBACK}"),
            helm_namespace=self.text("helm.namespace"),
            helmfile=self.text("helm.helmfile"),
            helm_releases=releases,
            helm_sync_log=self.text("helm.sync_log"),
            chart_version=self.text("helm.chart_version"),
            values_file=self.text("values.file"),
            values_template_backup=self.text("values.template_backup"),
            image_tag_key=self.text("values.image_tag_key"),
            image_registry_key=self.text("values.image_registry_key"),
            placeholder_pattern=pattern,
            known_placeholders=self.known_placeholders("values.known_placeholders", pattern),
            images_list=self.text("images.list"),
            images_loader=self.text("images.loader"),
            stage4=Stage4Facts(
                cluster_id=self.text("stage4.cluster_id"),
                metric=MetricSpec(
                    namespace=self.text("stage4.metric.namespace"),
                    name=self.text("stage4.metric.name"),
                    dimension=self.text("stage4.metric.dimension"),
                    statistic=self.text("stage4.metric.statistic"),
                    period_seconds=self.integer("stage4.metric.period_seconds", minimum=60),
                ),
                idle=self.idle("stage4.idle"),
                business_cycle_hours=self.integer("stage4.business_cycle_hours", minimum=1),
                valkey_replication_group=self.text("stage4.valkey_replication_group"),
                scan=ScanFacts(
                    dir=self.text("stage4.scan.dir"),
                    endpoint_prefixes=self.texts("stage4.scan.endpoint_prefixes"),
                    not_live_suffixes=self.texts("stage4.scan.not_live_suffixes"),
                ),
                snapshot_name=self.text("stage4.snapshot_name"),
                valkey_secret_id=self.text("stage4.valkey_secret_id"),
                follow_up_resource=self.text("stage4.follow_up.resource"),
                follow_up_defined_in=self.text("stage4.follow_up.defined_in"),
            ),
            source=self.path,
        )
