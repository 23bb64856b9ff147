"""The merged values as ``helmfile sync`` will deploy them: placeholders left, the image tag.

Helm deploys ``mocm/values.yaml`` as it is: a ``< REPLACE_VALUE_… >`` left in it
reaches the cluster literally (a password, a host, a bucket named after the
placeholder). The Values step may save with placeholders left (a journaled
override) and the file may be edited outside the wizard afterwards, so the Helm
step reads it again when it opens and right before the sync. Placeholders are
found as ``mocm-upgrade values-check`` finds them (comments do not count); only
key paths are reported, never values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from tui.core.journal.events import WaiverGiven, WaiverSubject
from tui.core.playbook.load import Playbook
from tui.core.values.alignment import Aligner, RowStatus
from tui.core.values.doc import get_node
from tui.core.values.load import load_values


@dataclass(frozen=True)
class UnfilledPlaceholder:
    """One key whose value still holds a placeholder."""

    key_path: str  # ``global.image.registry``, ``ingress.hosts[0]``
    line: int | None  # 1-based line in the file


@dataclass(frozen=True)
class ImageTagCheck:
    """The image tag the values deploy against the build of the current release."""

    key: str  # the playbook's image-tag key, ``global.image.tag``
    build: str  # the current release's build
    found: str | None  # None: the key is absent
    placeholder: bool = False

    @property
    def matches(self) -> bool:
        return self.found == self.build

    def sentence(self) -> str:
        """What the operator reads when the tag is not the build."""
        if self.found is None:
            return (
                f"{self.key} is not set: the chart's default tag, not {self.build}, would be used"
            )
        if self.placeholder:
            return f"{self.key} is still a placeholder, not the current build {self.build}"
        if self.matches:
            return f"{self.key} is {self.found}, the current build"
        return (
            f"{self.key} is {self.found!r} but the current release's build is {self.build}: "
            "the pods would run other images than the ones checked in ECR"
        )


@dataclass(frozen=True)
class SyncValuesCheck:
    """What ``helmfile sync`` would deploy, checked."""

    path: str
    sha256: str
    placeholders: tuple[UnfilledPlaceholder, ...]
    image_tag: ImageTagCheck

    @property
    def key_paths(self) -> tuple[str, ...]:
        return tuple(p.key_path for p in self.placeholders)

    @property
    def clean(self) -> bool:
        """No placeholder left and the image tag is the build."""
        return not self.placeholders and self.image_tag.matches


def check_sync_values(path: Path, playbook: Playbook, build: str) -> SyncValuesCheck:
    """Read ``path`` and list what would reach the cluster unfinished.

    Raises ``ParseError`` (with line and column where known) when the file cannot
    be read or is not valid YAML: Helm would refuse it, so the sync waits.
    """
    doc = load_values(path)
    pattern = re.compile(playbook.placeholder_pattern)
    rows = Aligner(pattern).run(CommentedMap(), doc.data)
    placeholders = tuple(
        UnfilledPlaceholder(r.label, r.new_line) for r in rows if r.status == RowStatus.PLACEHOLDER
    )
    found = _scalar_at(doc.data, playbook.image_tag_key)
    tag = ImageTagCheck(
        playbook.image_tag_key,
        build,
        found,
        placeholder=found is not None and pattern.search(found) is not None,
    )
    return SyncValuesCheck(str(path), doc.sha256, placeholders, tag)


def _scalar_at(data: Any, dotted_key: str) -> str | None:
    try:
        node = get_node(data, tuple(dotted_key.split(".")))
    except KeyError:
        return None
    if node is None or isinstance(node, dict | list):
        return None
    return str(node)


def waiver_record(check: SyncValuesCheck, reason: str, step: str) -> WaiverGiven:
    """The journal's record of a sync the operator allowed with placeholders left."""
    paths = check.key_paths
    said = f"{len(paths)} placeholder(s) left in {check.path}"
    return WaiverGiven(WaiverSubject.SYNC_WITH_PLACEHOLDERS, paths, said, reason, step)


def tag_waiver_record(check: SyncValuesCheck, step: str) -> WaiverGiven:
    """The journal's record of a sync confirmed while the image tag is not the build."""
    said = f"{check.image_tag.sentence()} ({check.path})"
    return WaiverGiven(WaiverSubject.SYNC_WITH_IMAGE_TAG, (), said, "", step)
