"""Writes a schema-1 journal with the code of commit 9db4b60 (run with that tree on PYTHONPATH).

Every decision is worded by the function (or the f-string) that worded it in that code.
"""

import itertools
import sys
from pathlib import Path

from tui.screens.plan.show import approved_detail
from tui.screens.tofu_flow import APPLIED, APPROVED, REVIEWED, TofuTarget, reviewed_detail
from tui.screens.values.files import DROPS_DECISION, KEPT_DECISION, labels_detail

from tui.core.helm.changelog import find_entry
from tui.core.helm.deployed_values import (
    ImageTagCheck,
    SyncValuesCheck,
    UnfilledPlaceholder,
    tag_waiver_detail,
    waiver_detail,
)
from tui.core.helm.history import ReleaseHistory, Revision
from tui.core.helm.journal_readback import (
    OUTCOME_RECORDED,
    RECORDED,
    ROLLED_BACK,
    ReleaseOutcome,
    SyncOutcome,
    recorded_from_history,
    sync_note,
)
from tui.core.helm.review import ACKNOWLEDGED, acknowledgement_detail
from tui.core.journal.writer import Journal, Workspace
from tui.core.preflight.checklist import record_waivers
from tui.core.preflight.result import CheckResult, CheckStatus
from tui.core.tofu.plan.gate import GateMode
from tui.core.tofu.plan.reviewed import ReviewedPlan, StateMark
from tui.widgets.apply_gate import GateDecision

root = Path(sys.argv[1])
prev, curr = Path("/srv/mocm/mocm-10.5.2603"), root
tf = curr / "terraform/aws"
ticks = itertools.count()
journal = Journal.open(
    Workspace(curr),
    user="alice",
    host="jump1",
    clock=lambda: f"2026-05-04T09:{next(ticks) // 60:02d}:{next(ticks) % 60:02d}.000+00:00",
)
j = journal
j.session_started(prev, curr, "10.5.2603", "10.6.2605", "mocm-10.5-to-10.6", "0.1.0")
j.step_entered("releases")
j.step_completed("releases")
j.step_entered("preflight")
fail = CheckResult("S3 buckets", CheckStatus.FAIL, "The state has 6, the release expects 7.", "")
record_waivers(j, [fail], "bucket retired last quarter, ticket OPS-7")
j.command(["tofu", "version", "-json"], tf, 0, 0.4, None, "", "preflight")
snap = "optional snapshot"
j.decision(
    snap,
    "ElastiCache snapshot mocm-pre-upgrade-20260504 of mocm-prod-redis: creating (taken); "
    "2 earlier snapshot(s) exist",
    "preflight",
)
j.file_op(
    "backup",
    prev / "terraform/aws/terraform.tfstate.pre-upgrade",
    "a" * 64,
    None,
    prev / "terraform/aws/terraform.tfstate",
    "preflight",
)
j.step_completed("preflight")
j.step_entered("backend")
j.decision("backend option", "A: keep the local state (the operator's choice)", "backend")
argv = ["tofu", "init", "-migrate-state", "-input=true"]
j.command(argv, prev / "terraform/aws", 0, 8.2, "003-tofu-init.log", "migrated", "backend")
j.decision(
    "backend option",
    "B.1: migrated (answered: yes; lineage, serial and content compared)",
    "backend",
)
j.decision(
    "backend option",
    "B.2: the state is in S3 (backend.tf names bucket acme-mocm-prod-tfstate)",
    "backend",
)
j.step_completed("backend")
j.step_entered("carry_over")
j.file_op(
    "copy",
    curr / "terraform/aws/terraform.tfvars",
    "b" * 64,
    None,
    prev / "terraform/aws/terraform.tfvars",
    "carry_over",
)
j.step_completed("carry_over")
j.step_entered("plan")
j.command(["tofu", "init", "-input=false"], tf, 0, 3.0, "004-tofu-init.log", "", "plan")
j.command(
    ["tofu", "plan", "-input=false", "-out", "tfplan", "-detailed-exitcode"],
    tf,
    2,
    41.5,
    "005-tofu-plan.log",
    "ok: changes present",
    "plan",
)
reviewed = ReviewedPlan(
    tf / "tfplan",
    "c" * 64,
    StateMark("8c3f0d2e-lineage", 57, "state pull"),
    "2026-05-04T09:20:00.000+00:00",
)
target = TofuTarget(tf, remote=True)
j.decision(REVIEWED, reviewed_detail(reviewed, "blocked", tf), "plan")
no = GateDecision(False, GateMode.TYPE_PHRASE, "", ())
j.decision("apply-gate", no.journal_detail(), "plan")
yes = GateDecision(True, GateMode.TYPE_PHRASE, "destroy 1", ("aws_cloudwatch_log_group.app",))
j.decision("apply-gate", yes.journal_detail(), "plan")
j.decision(APPROVED, approved_detail(target, reviewed, yes), "plan")
j.step_completed("plan")
j.step_entered("apply")
j.step_started("apply")
j.command(
    ["tofu", "apply", "-input=false", "tfplan"], tf, 0, 312.0, "006-tofu-apply.log", "", "apply"
)
j.decision(APPLIED, reviewed.plan_sha256, "apply")
j.file_op("write", Path("/srv/mocm/mocm-10.5.2603.tar.gz"), "d" * 64, None, prev, "apply")
j.step_completed("apply")
j.step_entered("values")
j.file_op(
    "backup",
    curr / "mocm/values.yaml.new",
    "e" * 64,
    source=curr / "mocm/values.yaml",
    step="values",
)
j.file_op("write", curr / "mocm/values.yaml", "f" * 64, "e" * 64, step="values")
left = ["credentials.smtp.password", "cache.valkey.host"]
j.decision(
    "values saved with placeholders left",
    f"{len(left)} left ({', '.join(left[:20])}); reason: valkey not provisioned yet",
    "values",
)
j.decision(DROPS_DECISION, labels_detail(["nodeSelector.legacy", "redis.sentinel"]), "values")
j.decision(KEPT_DECISION, labels_detail(["global.image.tag"]), "values")
j.step_completed("values")
j.step_entered("helm")
entry = find_entry(
    "# Changelog\n\n## [10.6.2605] - 2026-05-04\n\n### Removed\n- The legacy job.\n",
    "10.6.2605",
    Path("CHANGELOG.md"),
)
j.decision(ACKNOWLEDGED, acknowledgement_detail("10.6.2605", entry), "helm")
j.decision(
    "image registry typed",
    "210987654321.dkr.ecr.eu-central-1.amazonaws.com (values hold none)",
    "helm",
)
j.decision(
    "sync allowed with images missing in ECR",
    "mocm/notifier:10.6.2605: notifier is pushed by the CI tonight",
    "helm",
)
j.decision(
    "sync allowed with images not checked in ECR",
    "ECR did not answer: EndpointConnectionError: images pushed and verified by the CI job 4411",
    "helm",
)
for name, revision in (("mocm-bootstrap-1", 8), ("mocm-service", 6)):
    hist = ReleaseHistory(
        name, (Revision(revision, "", "deployed", f"{name}-10.5.2603", "10.5.2603", ""),)
    )
    j.decision(RECORDED, recorded_from_history(hist, "").detail, "helm")
j.decision(
    RECORDED, recorded_from_history(ReleaseHistory("mocm-bootstrap-2", ()), "").detail, "helm"
)
j.note("helmfile diff: mocm-bootstrap-1 1 resource, mocm-service 6 resources changed", "helm")
check = SyncValuesCheck(
    str(curr / "mocm/values.yaml"),
    "0" * 64,
    tuple(UnfilledPlaceholder(k, n) for n, k in enumerate(left, 3)),
    ImageTagCheck("global.image.tag", "10.6.2605", "10.5.2603", False),
)
j.decision(
    "sync allowed with placeholders left", waiver_detail(check, "demo cluster, no users"), "helm"
)
j.decision("sync allowed with the image tag not the build", tag_waiver_detail(check), "helm")
j.command(
    ["helmfile", "-f", "helmfile.yaml", "sync"],
    curr / "mocm",
    1,
    95.0,
    "007-helmfile-sync.log",
    "",
    "helm",
)
j.note(
    sync_note(
        SyncOutcome(
            1,
            (
                ReleaseOutcome("mocm-bootstrap-1", "deployed", 9),
                ReleaseOutcome("mocm-bootstrap-2", "deployed", 1),
                ReleaseOutcome("mocm-service", "failed", 7),
                ReleaseOutcome("mocm-extra", "not started", None),
            ),
        )
    ),
    "helm",
)
j.decision(ROLLED_BACK, "mocm-service rolled back to revision 6.", "helm")
j.decision(OUTCOME_RECORDED, "mocm-service → 6: service back on 10.5; ticket OPS-12 opened", "helm")
j.step_entered("stage4")
said = "already existed, left untouched"
j.decision("final snapshot", f"mocm-prod-redis-final {said} (available)", "stage4")
j.decision("final snapshot", "declined by the operator", "stage4")
teardown = ReviewedPlan(
    curr / "terraform/aws/tfplan",
    "9" * 64,
    StateMark("8c3f0d2e-lineage", 60, "state pull"),
    "2026-05-04T10:00:00.000+00:00",
)
j.decision("teardown plan reviewed", f"safe; {teardown.to_json()}", "stage4")
j.decision(
    "teardown gate",
    GateDecision(True, GateMode.TYPE_PHRASE, "destroy 3 mocm-prod-redis", ()).journal_detail(),
    "stage4",
)
j.decision("teardown", "apply of the reviewed plan succeeded", "stage4")
j.step_entered("rollback")
j.decision(
    "state-push-force", "typed 'push -force serial 56' for version 3HL4kqtJlcpXroDTDmJ", "rollback"
)
j.decision(
    "state-restored",
    "version 3HL4kqtJlcpXroDTDmJ: serial 56 (lineage 8c3f0d2e-lineage)",
    "rollback",
)
j.decision(
    "local-rollback",
    f"restore {prev}/terraform/aws/terraform.tfstate.pre-upgrade (serial 57) "
    f"to {prev}/terraform/aws/terraform.tfstate; typed 'restore serial 57'",
    "rollback",
)
j.decision("typed_confirmation", "destroy aws_instance.old accepted", "plan")
j.note("Removed 2 temp file(s) left by an interrupted write: /srv/a/.x.tmp1, /srv/a/.y.tmp2")
j.note("Took over a stale lock: pid 4242, user alice on host jump1, since 2026-05-04T08:00:00")
print(journal.path)
