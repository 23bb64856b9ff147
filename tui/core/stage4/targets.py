"""The Stage-4 targets of one release: playbook templates filled from its tfvars.

The cluster id, Valkey group, snapshot name and secret id are playbook templates
(``<name_prefix>-cache``…); the values come from ``terraform/aws/terraform.tfvars``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import LarkError, UnexpectedInput

from tui.core.errors import LayoutError, MocmError, ParseError
from tui.core.playbook.load import Playbook, fill

TERRAFORM_DIR = Path("terraform") / "aws"


@dataclass(frozen=True)
class Stage4Target:
    """Every name Stage 4 works on, for one release directory."""

    release_dir: Path
    terraform_dir: Path
    name_prefix: str
    region: str | None  # None when the tfvars sets no region
    cluster_id: str
    valkey_group_id: str
    snapshot_name: str
    valkey_secret_id: str
    valkey_username: str
    # "tfvars" when the username came from terraform.tfvars, "playbook" when the
    # tfvars has no Valkey block yet and the playbook's block default was used.
    valkey_username_source: str


def parse_hcl_file(path: Path) -> dict[str, Any]:
    """Parse one HCL file (tfvars or .tf) with string quotes stripped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ParseError(str(path), "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(str(path), f"cannot be read: {exc}") from exc
    return parse_hcl_text(text, str(path))


def parse_hcl_text(text: str, where: str) -> dict[str, Any]:
    """Parse HCL text; a syntax error becomes a ``ParseError`` naming line and column."""
    options = hcl2.SerializationOptions(strip_string_quotes=True, with_comments=False)
    try:
        data = hcl2.loads(text, serialization_options=options)
    except UnexpectedInput as exc:
        raise ParseError(where, "is not valid HCL", exc.line, exc.column) from exc
    except (LarkError, ValueError) as exc:
        raise ParseError(where, f"is not valid HCL: {exc}") from exc
    if not isinstance(data, dict):  # defensive: the library always returns a mapping
        raise ParseError(where, "did not parse to a mapping")
    return data


def _text_value(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip().strip('"')
    return None


def load_stage4_target(release_dir: Path, playbook: Playbook) -> Stage4Target:
    """Read the release's tfvars and fill every Stage-4 template of the playbook."""
    terraform_dir = release_dir / TERRAFORM_DIR
    if not terraform_dir.is_dir():
        raise LayoutError(
            f"{release_dir} has no {TERRAFORM_DIR}/ directory",
            "Pass the current release directory (the one holding terraform/ and mocm/).",
        )
    tfvars_path = terraform_dir / playbook.tfvars_file
    tfvars = parse_hcl_file(tfvars_path)
    name_prefix = _text_value(tfvars, playbook.name_prefix_var)
    if name_prefix is None:
        raise MocmError(
            f"{tfvars_path} sets no {playbook.name_prefix_var}",
            "Carry the customer's terraform.tfvars over first (the Carry-over step).",
        )
    region = _text_value(tfvars, playbook.region_var)
    username = _text_value(tfvars, playbook.tfvars_username_var)
    source = "tfvars"
    if username is None:
        block = parse_hcl_text(playbook.tfvars_block, f"playbook {playbook.source.name}")
        username = _text_value(block, playbook.tfvars_username_var)
        source = "playbook"
        if username is None:
            raise MocmError(
                f"neither {tfvars_path} nor the playbook's tfvars block sets "
                f"{playbook.tfvars_username_var}",
                "Append the playbook's tfvars block (the Carry-over step).",
            )
    facts = playbook.stage4
    values = {"name_prefix": name_prefix, "aws_region": region or "", "valkey_username": username}
    return Stage4Target(
        release_dir=release_dir,
        terraform_dir=terraform_dir,
        name_prefix=name_prefix,
        region=region,
        cluster_id=fill(facts.cluster_id, **values),
        valkey_group_id=fill(facts.valkey_replication_group, **values),
        snapshot_name=fill(facts.snapshot_name, **values),
        valkey_secret_id=fill(facts.valkey_secret_id, **values),
        valkey_username=username,
        valkey_username_source=source,
    )
