"""Helpers shared by the values merge tests: sample pair loading and small files."""

from __future__ import annotations

import shutil
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from tui.core.playbook.load import Playbook, load_playbook
from tui.core.values.doc import dump_text, make_yaml
from tui.core.values.load import load_values
from tui.core.values.merge import ValuesMerge


def playbook() -> Playbook:
    return load_playbook()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def sample_merge(samples: Path, workdir: Path) -> ValuesMerge:
    """The sample pair, with the template copied to ``workdir/values.yaml`` (writable)."""
    template = workdir / "values.yaml"
    shutil.copy(samples / "values_new_template.yaml", template)
    return ValuesMerge(
        load_values(samples / "values_prev.yaml"),
        load_values(template),
        playbook().placeholder_pattern,
    )


def merge_of(workdir: Path, previous: str, template: str) -> ValuesMerge:
    """A merge of two small texts written under ``workdir``."""
    prev = write(workdir / "prev.yaml", previous)
    new = write(workdir / "values.yaml", template)
    return ValuesMerge(load_values(prev), load_values(new), playbook().placeholder_pattern)


def operator_values(chart_values: Path, edits: Path, out: Path) -> Path:
    """The previous release's values as an operator leaves them: the chart's values file
    with the operator's overrides (``edits``, Helm-style) deep-merged in, comments kept.

    Maps merge key by key; a scalar or a list replaces the chart's (Helm's coalescing).
    """
    base = load_values(chart_values)
    overrides = make_yaml().load(edits.read_text(encoding="utf-8"))
    _deep_merge(base.data, overrides)
    out.write_text(dump_text(base.yaml(), base.data), encoding="utf-8")
    return out


def _deep_merge(base: CommentedMap, overrides: CommentedMap) -> None:
    for key, value in overrides.items():
        current = base.get(key)
        if isinstance(current, CommentedMap) and isinstance(value, CommentedMap) and current:
            _deep_merge(current, value)
        else:
            if isinstance(current, CommentedMap) and not current:
                current.fa.set_block_style()
            base[key] = value
