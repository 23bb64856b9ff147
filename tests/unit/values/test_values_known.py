"""Placeholders the wizard knows: sources read (tfvars, the Valkey secret in moto), the
fills planned (embedded, whole, quoted), failures kept as reasons, one undoable step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tests.support.release import make_pair
from tests.support.stage4 import REGION, SECRET_ID, VALKEY_GROUP, client, inject_error, seed_secret
from tests.support.values import merge_of, playbook, sample_merge
from tui.core.playbook.load import KnownPlaceholder
from tui.core.values.alignment import Presence, RowStatus
from tui.core.values.commands import MergeDecision
from tui.core.values.known import (
    KnownValue,
    KnownValues,
    gather_known_values,
    known_edits,
    known_rows,
    needed_sources,
    plan_known_fills,
    tfvars_values,
)
from tui.core.values.merge import ValuesMerge
from tui.core.values.progress import Progress
from tui.sandbox.aws_endpoint import AwsEndpoint

BOOK = playbook()
KNOWN = BOOK.known_placeholders
PREFIX = "acme-mocm-prod"
HOST = f"master.{VALKEY_GROUP}.x7p2lm.euc1.cache.amazonaws.com"
KEPT_TEMPLATE = MergeDecision.KEPT_TEMPLATE
TFVARS_ONLY = KnownValues(tfvars_values(PREFIX, REGION, "terraform.tfvars"))


def no_aws(region: str) -> Any:
    raise AssertionError(f"Secrets Manager was asked ({region}) though no source needs it")


def previous_fillable(merge: ValuesMerge) -> set[str]:
    return {item.label for item in merge.auto_fill_preview()}


def test_sample_needs_every_source_but_the_port(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    assert needed_sources(merge.rows, merge.pattern, KNOWN) == {
        "name_prefix",
        "aws_region",
        "valkey_host",
    }


def test_embedded_placeholder_is_replaced_inside_its_string(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    fills, unfilled = plan_known_fills(
        merge.rows, merge.working, merge.pattern, KNOWN, TFVARS_ONLY, previous_fillable(merge)
    )
    # the cache host stays a placeholder (no Valkey value), never the previous (old) host
    assert [f.label for f in fills] == [
        "credentials.redis.host",
        "credentials.valkey.secretsManagerId",
    ]
    assert fills[0].before == fills[0].after == "< REPLACE_VALUE_REDIS_HOST >"
    fill = fills[1]
    assert fill.after == f"{PREFIX}/valkey/fusion"
    assert isinstance(fill.after, DoubleQuotedScalarString)  # the template's quotes kept
    assert fill.origin == "from terraform.tfvars"
    assert fill.template_shown == "< REPLACE_VALUE_NAME_PREFIX >/valkey/fusion"
    # s3.region holds a known placeholder too, but the previous values fill it first
    assert "credentials.s3.region" in previous_fillable(merge)
    assert "credentials.s3.region" not in {f.label for f in fills}
    assert [(u.label, u.placeholder) for u in unfilled] == [
        ("credentials.redis.host", "REPLACE_VALUE_REDIS_HOST"),
        ("credentials.valkey.host", "REPLACE_VALUE_VALKEY_HOST"),
    ]
    assert unfilled[1].reason == "no value for valkey_host"


def test_whole_placeholders_take_the_value_and_its_type(tmp_path: Path) -> None:
    merge = merge_of(
        tmp_path,
        "other: 1\n",
        "port: < REPLACE_VALUE_VALKEY_PORT >\nquoted: '< REPLACE_VALUE_VALKEY_PORT >'\n"
        "region: < REPLACE_VALUE_AWS_REGION >\nunknown: < REPLACE_VALUE_SOMETHING >\n",
    )
    values = KnownValues(
        {"valkey_port": KnownValue(6379, "from Secrets Manager x"), **TFVARS_ONLY.values}
    )
    fills, unfilled = plan_known_fills(merge.rows, merge.working, merge.pattern, KNOWN, values)
    after = {f.label: f.after for f in fills}
    assert after["port"] == 6379 and type(after["port"]) is int  # a number, as Helm expects
    assert after["quoted"] == "6379" and isinstance(after["quoted"], str)  # quoted stays text
    assert after["region"] == REGION
    assert "unknown" not in after and unfilled == []  # not a known placeholder: left alone
    merge.auto_fill(known_edits(merge.working, fills))
    assert merge.placeholders_left() == ["unknown"]
    assert merge.working["port"] == 6379


def test_auto_fill_with_known_edits_is_one_undoable_step(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    fills, _ = plan_known_fills(
        merge.rows, merge.working, merge.pattern, KNOWN, TFVARS_ONLY, previous_fillable(merge)
    )
    merge.auto_fill(known_edits(merge.working, fills))
    assert merge.placeholders_left() == [
        "credentials.redis.host",  # the cache host: Valkey's, unknown here — not the old host
        "credentials.valkey.host",
        "credentials.valkey.existingSecret.name",
    ]
    assert merge.working["credentials"]["valkey"]["secretsManagerId"] == f"{PREFIX}/valkey/fusion"
    merge.undo()
    assert merge.counters().placeholders == 29


def test_a_row_changed_after_the_preview_is_left_as_it_is(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    fills, _ = plan_known_fills(merge.rows, merge.working, merge.pattern, KNOWN, TFVARS_ONLY)
    merge.edit("credentials.valkey.secretsManagerId", "by-hand/valkey/fusion")
    labels = {".".join(map(str, e.path)) for e in known_edits(merge.working, fills)}
    assert "credentials.valkey.secretsManagerId" not in labels


def test_tfvars_sources_alone_never_ask_aws(tmp_path: Path) -> None:
    _, curr = make_pair(tmp_path)
    known = gather_known_values(BOOK, curr, PREFIX, REGION, no_aws, {"name_prefix"})
    assert known.values["name_prefix"] == KnownValue(PREFIX, "from terraform.tfvars")
    assert known.unavailable == {}


def test_the_valkey_secret_gives_host_and_port_and_hides_the_password(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    password = json.loads(seed_secret())["password"]
    _, curr = make_pair(tmp_path)
    asked: list[str] = []

    def secretsmanager(region: str) -> Any:
        asked.append(region)
        return client("secretsmanager", region)

    known = gather_known_values(
        BOOK, curr, PREFIX, REGION, secretsmanager, {"valkey_host", "valkey_port"}
    )
    assert asked == [REGION]  # the tfvars region
    assert known.values["valkey_host"] == KnownValue(HOST, f"from Secrets Manager {SECRET_ID}")
    assert known.values["valkey_port"].value == 6379
    assert [s.reveal() for s in known.learned_secrets] == [password]
    assert password not in repr(known) and password not in str(known)


def test_a_missing_secret_is_a_reason_for_its_placeholders_only(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    _, curr = make_pair(tmp_path)
    known = gather_known_values(
        BOOK, curr, PREFIX, REGION, lambda r: client("secretsmanager", r), {"valkey_host"}
    )
    assert set(known.unavailable) == {"valkey_host"}
    assert known.unavailable["valkey_host"].startswith(
        f"Secrets Manager has no secret '{SECRET_ID}' in region {REGION}. "
        "Has the upgrade apply created Valkey?"
    )
    assert known.values["name_prefix"].value == PREFIX  # the rest is known all the same


def test_access_denied_is_a_reason_not_an_error(aws: AwsEndpoint, tmp_path: Path) -> None:
    seed_secret()
    _, curr = make_pair(tmp_path)
    denied = client("secretsmanager")
    inject_error(denied, "GetSecretValue", "AccessDeniedException", "not allowed")
    known = gather_known_values(BOOK, curr, PREFIX, REGION, lambda r: denied, {"valkey_port"})
    reason = known.unavailable["valkey_port"]
    assert reason.startswith(
        f"access denied to secretsmanager:GetSecretValue in {REGION} [AccessDeniedException]"
    )
    assert reason.endswith(
        "Auto-fill again once that is fixed; the other placeholders are filled meanwhile."
    )


def test_a_secret_without_a_host_says_so(aws: AwsEndpoint, tmp_path: Path) -> None:
    seed_secret(text=json.dumps({"password": "only-a-password-here", "port": 6379}))
    _, curr = make_pair(tmp_path)
    known = gather_known_values(
        BOOK, curr, PREFIX, REGION, lambda r: client("secretsmanager", r), {"valkey_host"}
    )
    assert known.unavailable == {"valkey_host": f"the secret {SECRET_ID} holds no host"}


def test_unreadable_tfvars_of_the_current_release_is_a_reason(tmp_path: Path) -> None:
    _, curr = make_pair(tmp_path)
    (curr / "terraform/aws/terraform.tfvars").write_text('name_prefix = "unclosed\n')
    known = gather_known_values(BOOK, curr, PREFIX, REGION, no_aws, {"valkey_host"})
    assert "terraform.tfvars" in known.unavailable["valkey_host"]
    assert "is not valid HCL" in known.unavailable["valkey_host"]


def test_a_playbook_name_is_matched_whatever_the_spacing(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, "x: 1\n", "id: <REPLACE_VALUE_NAME_PREFIX>-app\n")
    book = (KnownPlaceholder("REPLACE_VALUE_NAME_PREFIX", "name_prefix"),)
    fills, _ = plan_known_fills(merge.rows, merge.working, merge.pattern, book, TFVARS_ONLY)
    assert [f.after for f in fills] == [f"{PREFIX}-app"]


def counted_row_by_row(merge: ValuesMerge) -> Progress:
    """The counters as the core's own listings give them, each in its own pass."""
    counts = merge.counters()
    kept = [
        r
        for r in merge.rows
        if r.status is RowStatus.DIFFERS and merge.decisions.get(r.label) is KEPT_TEMPLATE
    ]
    undecided = merge.undecided()
    orphans = [r for r in undecided if r.status is RowStatus.ORPHAN]
    from_previous = {
        r.label
        for r in merge.rows
        if r.status is RowStatus.PLACEHOLDER
        and r.presence is Presence.BOTH
        and not r.container
        and merge.pattern.search(r.prev_text) is None
    }
    known = {r.label for r in known_rows(merge.rows, merge.pattern, KNOWN)}
    return Progress(
        placeholders=counts.placeholders,
        differs=counts.differs - len(kept),
        kept=len(kept),
        orphans_undecided=len(orphans),
        open_map_pending=len(undecided) - len(orphans),
        unsaved=merge.has_unsaved_changes(),
        fillable=len(from_previous | known) + len(undecided) - len(orphans),
    )


def test_the_status_line_counts_as_the_core_lists(samples: Path, tmp_path: Path) -> None:
    """Progress (one pass after every key) counts what the core's listings hold: at the
    start, after decisions and ports, after auto-fill, and after undoing it."""
    merge = sample_merge(samples, tmp_path)
    seen = [Progress.of(merge, KNOWN)]
    assert seen[0] == counted_row_by_row(merge)
    assert seen[0].placeholders and seen[0].undecided
    # Fillable both ways: from the previous values, and only by what the wizard knows.
    without_known = Progress.of(merge).fillable - seen[0].open_map_pending
    assert 0 < without_known < seen[0].fillable - seen[0].open_map_pending
    differing = next(r.label for r in merge.rows if r.status is RowStatus.DIFFERS)
    merge.keep_template(differing)
    merge.drop_orphan(merge.undecided()[0].label)
    merge.port(merge.placeholders_left()[0])
    seen.append(Progress.of(merge, KNOWN))
    assert seen[-1] == counted_row_by_row(merge) and seen[-1].kept == 1
    merge.auto_fill()
    seen.append(Progress.of(merge, KNOWN))
    assert seen[-1] == counted_row_by_row(merge)
    merge.undo()
    assert Progress.of(merge, KNOWN) == counted_row_by_row(merge) == seen[1]
    assert len(set(seen)) == 3
