"""Placeholders the wizard can fill itself: from terraform.tfvars and the Valkey secret.

The playbook's ``values.known_placeholders`` maps a placeholder name to a source.
Auto-fill uses them after the previous values (which win where they have a value);
a placeholder embedded in a string (``< REPLACE_VALUE_NAME_PREFIX >/valkey/fusion``)
is replaced inside it. A source that cannot be read (the secret is missing because
the apply has not run, access denied) leaves its placeholders unfilled with the
reason, and never stops the others. The Valkey password is never kept: only host
and port are taken, and the password is handed back masked for the redactor.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from tui.core.aws.errors import explain_aws_error
from tui.core.errors import MocmError
from tui.core.playbook.load import Playbook
from tui.core.playbook.model import (
    KNOWN_AWS_REGION,
    KNOWN_NAME_PREFIX,
    KNOWN_VALKEY_HOST,
    KNOWN_VALKEY_PORT,
    KnownPlaceholder,
)
from tui.core.secrets.mask import shown
from tui.core.stage4.targets import load_stage4_target
from tui.core.stage4.valkey_endpoint import MaskedSecret, SecretMissing, read_valkey_endpoint
from tui.core.values.alignment import Row, RowStatus
from tui.core.values.commands import Edit, same_node
from tui.core.values.doc import KeyPath, get_node
from tui.core.values.scalars import styled_for_target

SECRET_SOURCES = frozenset({KNOWN_VALKEY_HOST, KNOWN_VALKEY_PORT})
# Placeholders that want the cache host: always the Valkey endpoint, never the previous
# release's value (that one names the old cache the Stage-4 teardown removes).
CACHE_HOST_SOURCES = frozenset({KNOWN_VALKEY_HOST})
NOT_THE_OLD_CACHE = "the Valkey endpoint, not the previous release's value (the old cache)"
SECRET_OPERATION = "secretsmanager:GetSecretValue"
QUOTED = (DoubleQuotedScalarString, SingleQuotedScalarString)
RETRY_HINT = "Auto-fill again once that is fixed; the other placeholders are filled meanwhile."


@dataclass(frozen=True)
class KnownValue:
    """One value the wizard knows, and where it read it (shown in the preview)."""

    value: str | int
    origin: str


@dataclass(frozen=True)
class KnownValues:
    """Values by source; the sources that could not be read, with the reason."""

    values: Mapping[str, KnownValue]
    unavailable: Mapping[str, str] = field(default_factory=dict)
    # The Valkey password, masked: the screen registers it with the redactor.
    learned_secrets: tuple[MaskedSecret, ...] = ()


@dataclass(frozen=True)
class KnownFill:
    """A placeholder row auto-fill will change: its value before and after (styled)."""

    label: str
    path: KeyPath
    before: Any
    after: Any
    template_shown: str
    filled_shown: str
    origin: str
    # The previous release's value auto-fill ports first and this fill undoes (the old
    # cache's host); None for a plain fill.
    displaced: str | None = None


@dataclass(frozen=True)
class KnownUnfilled:
    """A known placeholder left as it is, and why."""

    label: str
    placeholder: str
    reason: str


def placeholder_name(match: re.Match[str]) -> str:
    """``< REPLACE_VALUE_X >`` -> ``REPLACE_VALUE_X`` (the playbook's name)."""
    return match.group(0).strip("<> \t")


def needed_sources(
    rows: Sequence[Row], pattern: re.Pattern[str], known: Sequence[KnownPlaceholder]
) -> set[str]:
    """Sources of the known placeholders still present in the new values."""
    by_name = {k.name: k.source for k in known}
    out = set()
    for row in rows:
        if row.status == RowStatus.PLACEHOLDER and not row.container:
            out |= {by_name[n] for n in placeholder_names(row.new_text, pattern) if n in by_name}
    return out


def known_rows(
    rows: Sequence[Row], pattern: re.Pattern[str], known: Sequence[KnownPlaceholder]
) -> list[Row]:
    """Placeholder rows holding at least one known placeholder."""
    names = {k.name for k in known}
    return [
        row
        for row in rows
        if row.status == RowStatus.PLACEHOLDER
        and not row.container
        and row.new_path is not None
        and names.intersection(placeholder_names(row.new_text, pattern))
    ]


def placeholder_names(text: str, pattern: re.Pattern[str]) -> list[str]:
    """The playbook's names of the placeholders in ``text``."""
    return [placeholder_name(m) for m in pattern.finditer(text)]


def tfvars_values(name_prefix: str, aws_region: str, tfvars_file: str) -> dict[str, KnownValue]:
    """name_prefix and aws_region as the customer's tfvars set them."""
    origin = f"from {tfvars_file}"
    return {
        KNOWN_NAME_PREFIX: KnownValue(name_prefix, origin),
        KNOWN_AWS_REGION: KnownValue(aws_region, origin),
    }


def gather_known_values(
    playbook: Playbook,
    release_dir: Path,
    name_prefix: str,
    aws_region: str,
    secretsmanager_in: Callable[[str], Any],
    sources: Collection[str],
) -> KnownValues:
    """Read every source in ``sources``; the Valkey secret only when one of its is needed.

    ``secretsmanager_in(region)`` builds the Secrets Manager client (the wizard's session).
    """
    values: dict[str, KnownValue] = tfvars_values(name_prefix, aws_region, playbook.tfvars_file)
    wanted = SECRET_SOURCES.intersection(sources)
    if not wanted:
        return KnownValues(values)
    unavailable: dict[str, str] = {}
    try:
        target = load_stage4_target(release_dir, playbook)
        region = target.region or aws_region
        try:
            client = secretsmanager_in(region)
        except (BotoCoreError, ClientError) as exc:
            raise explain_aws_error(exc, SECRET_OPERATION, region) from exc
        endpoint = read_valkey_endpoint(client, target.valkey_secret_id, region)
    except MocmError as exc:
        # A missing secret's hint says what to check; others: retry once it is fixed.
        hint = exc.hint if isinstance(exc, SecretMissing) and exc.hint else RETRY_HINT
        return KnownValues(values, dict.fromkeys(wanted, f"{exc.message}. {hint}"))
    origin = f"from Secrets Manager {endpoint.secret_id}"
    read = {KNOWN_VALKEY_HOST: endpoint.host, KNOWN_VALKEY_PORT: endpoint.port}
    for source in sorted(wanted):
        value = read[source]
        if value is None:
            what = "host" if source == KNOWN_VALKEY_HOST else "port"
            unavailable[source] = f"the secret {endpoint.secret_id} holds no {what}"
        else:
            values[source] = KnownValue(value, origin)
    return KnownValues(values, unavailable, (endpoint.password,) if endpoint.password else ())


def plan_known_fills(
    rows: Sequence[Row],
    working: Any,
    pattern: re.Pattern[str],
    known: Sequence[KnownPlaceholder],
    values: KnownValues,
    skip: Collection[str] = (),
) -> tuple[list[KnownFill], list[KnownUnfilled]]:
    """What auto-fill would change with ``values`` (rows in ``skip`` are filled otherwise).

    A row wanting the cache host is planned even in ``skip``: its edit comes after the
    previous value's, so the file holds the Valkey endpoint (or the placeholder when it
    cannot be read), never the old cache's host.
    """
    by_name = {k.name: k.source for k in known}
    fills: list[KnownFill] = []
    unfilled: list[KnownUnfilled] = []
    for row in known_rows(rows, pattern, known):
        if row.new_path is None:
            continue
        cache_host = bool(
            CACHE_HOST_SOURCES
            & {by_name[n] for n in placeholder_names(row.new_text, pattern) if n in by_name}
        )
        if row.label in skip and not cache_host:
            continue
        before = get_node(working, row.new_path)
        if not isinstance(before, str):
            continue
        text, origins, missing = fill_text(str(before), pattern, by_name, values)
        unfilled += [KnownUnfilled(row.label, name, reason) for name, reason in missing]
        if row.label in skip and missing:
            # the previous value (the old cache) would stay: keep the placeholder instead
            kept = f"kept as a placeholder: {missing[0][1]}; the previous value is the old cache"
            shown_before = shown(str(before), row.secret, pattern)
            fills.append(
                KnownFill(
                    row.label,
                    row.new_path,
                    before=copy.deepcopy(before),
                    after=copy.deepcopy(before),
                    template_shown=shown_before,
                    filled_shown=shown_before,
                    origin=kept,
                    displaced=row.prev_text,
                )
            )
            continue
        if not origins:
            continue
        if cache_host:
            origins = [f"{origin} — {NOT_THE_OLD_CACHE}" for origin in origins]
        after = _styled(text, before, pattern, by_name, values)
        fills.append(
            KnownFill(
                row.label,
                row.new_path,
                copy.deepcopy(before),
                after,
                shown(str(before), row.secret, pattern),
                shown(text, row.secret, pattern),
                "; ".join(origins),
            )
        )
    return fills, unfilled


def fill_text(
    text: str, pattern: re.Pattern[str], by_name: Mapping[str, str], values: KnownValues
) -> tuple[str, list[str], list[tuple[str, str]]]:
    """``text`` with its known placeholders replaced; the origins used; (name, reason) left."""
    origins: list[str] = []
    missing: list[tuple[str, str]] = []

    def replace(match: re.Match[str]) -> str:
        name = placeholder_name(match)
        source = by_name.get(name)
        if source is None:
            return match.group(0)
        found = values.values.get(source)
        if found is None:
            missing.append((name, values.unavailable.get(source, f"no value for {source}")))
            return match.group(0)
        if found.origin not in origins:
            origins.append(found.origin)
        return str(found.value)

    return pattern.sub(replace, text), origins, missing


def _styled(
    text: str,
    before: Any,
    pattern: re.Pattern[str],
    by_name: Mapping[str, str],
    values: KnownValues,
) -> Any:
    """The filled node: a whole unquoted placeholder of a number (a port) becomes a number."""
    whole = pattern.fullmatch(str(before).strip())
    if whole is not None and not isinstance(before, QUOTED):
        found = values.values.get(by_name.get(placeholder_name(whole), ""))
        if found is not None and isinstance(found.value, int):
            return found.value
    return styled_for_target(text, before)


def known_edits(working: Any, fills: Sequence[KnownFill]) -> list[Edit]:
    """Edits of the working tree for ``fills`` (a row changed since the preview is left)."""
    out = []
    for fill in fills:
        target = get_node(working, fill.path)
        if not same_node(target, fill.before):
            continue
        before = copy.deepcopy(target)
        if fill.displaced is not None and same_node(fill.before, fill.after):
            # puts the placeholder back over the previous value auto-fill ports first
            before = styled_for_target(fill.displaced, target)
        out.append(Edit(fill.path, before, copy.deepcopy(fill.after), -1))
    return out
