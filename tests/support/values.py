"""Helpers shared by the values merge tests: sample pair loading and small files."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.core.playbook.load import Playbook, load_playbook
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
