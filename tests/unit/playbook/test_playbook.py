"""The playbook loader: the bundled playbook, and a clear message for each malformation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tui.core.errors import PlaybookError
from tui.core.playbook.load import default_playbook_path, fill, load_playbook


def test_bundled_playbook_holds_the_guide_facts() -> None:
    book = load_playbook()
    assert (book.from_build, book.to_build) == ("10.5.2603", "10.6.2605")
    assert [c.file for c in book.carry_over_local][:3] == [
        "terraform.tfstate",
        "terraform.tfstate.backup",
        "terraform.tfvars",
    ]
    assert {c.file for c in book.carry_over_remote} == {"backend.tf", "terraform.tfvars"}
    assert book.tfvars_marker_prefix == "valkey_"
    assert "valkey_username" in book.tfvars_block
    assert (book.parked_name, book.active_name) == ("09-elasticache.tf.2603", "09-elasticache.tf")
    assert len(book.plan_stage4.required_destroys) == 3
    assert book.plan_stage4.protected == ("*valkey*",)
    assert book.helm_namespace == "fusion"
    assert book.helm_releases == ("mocm-bootstrap-1", "mocm-bootstrap-2", "mocm-service")
    assert book.image_tag_key == "global.image.tag"
    assert fill(book.stage4.valkey_secret_id, name_prefix="acme", valkey_username="fusion") == (
        "acme/valkey/fusion"
    )
    assert str(book.minimum_tofu) == "1.10.4"  # the guide's "tofu >= 1.10.4"
    assert book.rules("rollback") is book.plan_rollback
    assert book.plan_rollback.required_destroys == ()
    assert book.plan_rollback.protected == ("*valkey*",)
    known = {k.name: k.source for k in book.known_placeholders}
    assert known["REPLACE_VALUE_NAME_PREFIX"] == "name_prefix"
    assert known["REPLACE_VALUE_VALKEY_HOST"] == "valkey_host"


def test_unknown_stage_names_the_known_ones() -> None:
    with pytest.raises(PlaybookError) as err:
        load_playbook().rules("teardown")
    assert "unknown plan stage 'teardown'" in err.value.message
    assert err.value.hint == "use one of upgrade, stage4, rollback"


def write_variant(tmp_path: Path, edit: Callable[[Any], object]) -> Path:
    yaml = YAML()
    data = yaml.load(default_playbook_path().read_text())
    edit(data)
    path = tmp_path / "variant.yaml"
    with path.open("w") as handle:
        yaml.dump(data, handle)
    return path


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["helm"].pop("namespace"), "field 'helm.namespace' is missing"),
        (lambda d: d["state"].update(expected_buckets="seven"), "'state.expected_buckets' must be"),
        (
            lambda d: d["plan_rules"]["stage4"]["expected"][0].update(actions=["explode"]),
            "'plan_rules.stage4.expected[0].actions' has unknown action",
        ),
        (lambda d: d["stage4"]["scan"].pop("dir"), "field 'stage4.scan.dir' is missing"),
        (lambda d: d.update(schema=2), "field 'schema' must be 1"),
        (lambda d: d["carry_over"]["local"][0].update(kind="zip"), "carry_over.local[0].kind"),
        (lambda d: d["helm"].update(releases=["a", "a"]), "lists a release twice"),
        (lambda d: d.update(tools="1.10.4"), "field 'tools.minimum_tofu' is inside something"),
        (lambda d: d.update(tools={}), "field 'tools.minimum_tofu' is missing"),
        (
            lambda d: d["tools"].update(minimum_tofu="latest"),
            "field 'tools.minimum_tofu' must be a semantic version like 1.10.4, got 'latest'",
        ),
        (
            lambda d: d["tools"].update(minimum_tofu=1.10),
            "field 'tools.minimum_tofu' must be a quoted version like \"1.10.4\", got 1.1",
        ),
        (lambda d: d["plan_rules"].pop("rollback"), "field 'plan_rules.rollback.expected' is"),
        (
            lambda d: d["plan_rules"]["rollback"].update(required_destroys=["aws_s3_bucket.x"]),
            "'plan_rules.rollback.required_destroys' must be empty: a rollback re-converges",
        ),
        (
            lambda d: d["values"]["known_placeholders"].update(REPLACE_VALUE_X="vault"),
            "field 'values.known_placeholders.REPLACE_VALUE_X' must be one of ['aws_region', "
            "'name_prefix', 'valkey_host', 'valkey_port'], got 'vault'",
        ),
        (
            lambda d: d["values"]["known_placeholders"].update(NAME_PREFIX="name_prefix"),
            "field 'values.known_placeholders.NAME_PREFIX' is not a placeholder name matching",
        ),
        (
            lambda d: d["values"].update(known_placeholders=["REPLACE_VALUE_NAME_PREFIX"]),
            "field 'values.known_placeholders' must be a mapping of placeholder name to source",
        ),
        (
            lambda d: d["plan_rules"]["rollback"]["expected"][1].update(actions=["recreate"]),
            "'plan_rules.rollback.expected[1].actions' has unknown action(s) ['recreate']",
        ),
    ],
)
def test_malformed_playbook_names_field_and_reason(
    tmp_path: Path, edit: Callable[[Any], object], expected: str
) -> None:
    with pytest.raises(PlaybookError) as err:
        load_playbook(write_variant(tmp_path, edit))
    assert expected in err.value.message


def test_playbook_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema: 1\nid: [unclosed\n")
    with pytest.raises(PlaybookError, match="not valid YAML at line"):
        load_playbook(path)


def test_playbook_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="cannot read playbook"):
        load_playbook(tmp_path / "none.yaml")


def test_known_placeholders_are_optional(tmp_path: Path) -> None:
    book = load_playbook(write_variant(tmp_path, lambda d: d["values"].pop("known_placeholders")))
    assert book.known_placeholders == ()
