"""Property: random nested values survive load -> port (auto-fill) -> save -> load."""

from __future__ import annotations

import tempfile
from itertools import count
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tests.support.values import playbook
from tui.core.values.doc import dump_text, make_yaml, to_plain
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.save import commit, plan_save

TRICKY = ["10.6", "yes", "on", "0755", "", "~", "null", "a: b", "#x", "- x", "-1", "1e3", "'q'"]
keys = st.from_regex(r"[a-z][a-zA-Z0-9_]{0,8}", fullmatch=True)
text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Cf")) | st.sampled_from(" :#'\""),
    max_size=16,
)
scalars = st.one_of(
    text,
    st.sampled_from(TRICKY),
    st.integers(-(10**9), 10**9),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
leaves = scalars | st.lists(scalars, max_size=3)
trees = st.recursive(leaves, lambda kids: st.dictionaries(keys, kids, min_size=1, max_size=4))
roots = st.dictionaries(keys, trees, min_size=1, max_size=5)


def _as_template(node: Any, numbers: count[int]) -> Any:
    """Same shape, every leaf a placeholder (quoted or not, alternately)."""
    if isinstance(node, dict):
        return {k: _as_template(v, numbers) for k, v in node.items()}
    n = next(numbers)
    placeholder = f"< REPLACE_VALUE_K{n} >"
    return DoubleQuotedScalarString(placeholder) if n % 2 else placeholder


@settings(max_examples=60, deadline=None)
@given(previous=roots)
def test_values_survive_port_and_save(previous: dict[str, Any]) -> None:
    template = {"addedInNewRelease": "kept", **_as_template(previous, count())}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        yaml = make_yaml()
        (workdir / "prev.yaml").write_text(dump_text(yaml, previous))
        (workdir / "values.yaml").write_text("# template\n" + dump_text(yaml, template))
        merge = ValuesMerge(
            load_values(workdir / "prev.yaml"),
            load_values(workdir / "values.yaml"),
            playbook().placeholder_pattern,
        )
        merge.auto_fill()
        assert merge.placeholders_left() == []
        commit(plan_save(merge, workdir / "out.yaml"))
        written = load_values(workdir / "out.yaml")
    expected = {"addedInNewRelease": "kept", **to_plain(load_values_from(previous))}
    assert to_plain(written.data) == expected
    assert written.text.startswith("# template\n")


def load_values_from(data: dict[str, Any]) -> Any:
    """What YAML itself reads back for ``data`` (floats as written, etc.)."""
    return make_yaml().load(dump_text(make_yaml(), data))
