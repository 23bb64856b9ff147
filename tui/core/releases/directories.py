"""Release directories: layout validation, builds, ordering, sibling discovery."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import LayoutError, MocmError, ParseError, ReleaseOrderError
from tui.core.playbook.load import Playbook
from tui.core.tofu.tfvars import read_tfvars

TERRAFORM_DIR = "terraform/aws"
IMAGES_LIST = "images/images.txt"
# What every release package holds (product layout, the same for every release).
REQUIRED: tuple[tuple[str, str], ...] = (
    (TERRAFORM_DIR, "dir"),
    ("mocm/values.yaml", "file"),
    ("mocm/helmfile.yaml", "file"),
    ("mocm/CHANGELOG.md", "file"),
    (IMAGES_LIST, "file"),
)
BUILD_TAG = re.compile(r"^\d+(?:\.\d+)+$")


class PlaybookMismatch(MocmError):
    """The chosen releases are not the transition the playbook describes."""


@dataclass(frozen=True)
class Release:
    """One release directory with the build its images carry."""

    path: Path
    build: str

    @property
    def terraform(self) -> Path:
        return self.path / TERRAFORM_DIR

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class ReleasePair:
    """The previous (live) release and the current (new) one, validated."""

    previous: Release
    current: Release
    name_prefix: str
    aws_region: str


def build_key(build: str) -> tuple[int, ...]:
    """Semantic order of builds like ``10.5.2603`` (numbers, not text)."""
    return tuple(int(part) for part in build.split("."))


def layout_problems(path: Path) -> list[str]:
    """Every way ``path`` is not shaped like a release (empty when it is)."""
    if not path.exists():
        return [f"{path}: does not exist"]
    if not path.is_dir():
        return [f"{path}: is a file, expected a release directory"]
    problems = []
    for rel, kind in REQUIRED:
        target = path / rel
        if not target.exists():
            what = "directory" if kind == "dir" else "file"
            problems.append(f"{target}: missing ({what} expected in a release)")
        elif kind == "dir" and not target.is_dir():
            problems.append(f"{target}: is a file, expected a directory")
        elif kind == "file" and not target.is_file():
            problems.append(f"{target}: is a directory, expected a file")
    return problems


def read_build(images_txt: Path) -> str:
    """The release build: the version tag most images of ``images.txt`` carry."""
    try:
        text = images_txt.read_text(encoding="utf-8")
    except PermissionError as exc:
        raise LayoutError(f"{images_txt}: permission denied", "make it readable") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{images_txt}: cannot be read ({exc})") from exc
    tags: Counter[str] = Counter()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name = line.rsplit("/", 1)[-1]
        if ":" in name:
            tag = name.rsplit(":", 1)[1]
            if BUILD_TAG.match(tag):
                tags[tag] += 1
    if not tags:
        raise LayoutError(
            f"{images_txt}: no image with a build tag (like repo/name:10.6.2605)",
            "the file should list the release's images, one per line",
        )
    return tags.most_common(1)[0][0]


def load_release(path: Path) -> Release:
    """Validate the layout of ``path`` and read its build."""
    problems = layout_problems(path)
    if problems:
        raise LayoutError("; ".join(problems), "point at the top of an unpacked release")
    resolved = path.resolve()
    return Release(resolved, read_build(resolved / IMAGES_LIST))


def load_builds(previous: Path, current: Path, playbook: Playbook) -> tuple[Release, Release]:
    """Validate both releases' layout, their order and the playbook's transition (cheap:
    no file is parsed but the image lists, so the builds show before the tfvars are read)."""
    if previous.resolve() == current.resolve():
        raise ReleaseOrderError(
            f"the same directory was given twice: {previous.resolve()}",
            "give the previous (live) release first, then the new one",
        )
    problems = layout_problems(previous) + layout_problems(current)
    if problems:
        raise LayoutError("; ".join(problems), "point at the top of an unpacked release")
    prev, curr = load_release(previous), load_release(current)
    if build_key(prev.build) >= build_key(curr.build):
        raise ReleaseOrderError(
            f"previous release {prev.name} (build {prev.build}) is not older than "
            f"current release {curr.name} (build {curr.build})",
            "the first directory is the one running in production, the second the new one",
        )
    check_playbook_matches(prev, curr, playbook)
    return prev, curr


def read_customer(previous: Release, current: Release, playbook: Playbook) -> ReleasePair:
    """The pair with the customer's name prefix and region, read from the previous
    release's tfvars (python-hcl2: the slow part of choosing a pair)."""
    tfvars_path = previous.terraform / playbook.tfvars_file
    try:
        tfvars = read_tfvars(tfvars_path)
    except ParseError as exc:
        raise LayoutError(exc.message, "the previous release holds the customer's tfvars") from exc
    values = []
    for var in (playbook.name_prefix_var, playbook.region_var):
        value = tfvars.get(var)
        if not isinstance(value, str) or not value:
            raise LayoutError(f"{tfvars_path}: variable '{var}' is missing or not a string")
        values.append(value)
    return ReleasePair(previous, current, values[0], values[1])


def load_pair(previous: Path, current: Path, playbook: Playbook) -> ReleasePair:
    """Validate both releases, their order, and read the customer's tfvars."""
    return read_customer(*load_builds(previous, current, playbook), playbook)


def check_playbook_matches(previous: Release, current: Release, playbook: Playbook) -> None:
    """The builds of the pair are the playbook's ``from_build`` → ``to_build``, else refuse.

    A playbook carries one transition's files, blocks and plan rules: applied to another
    pair it would carry the wrong ones into the release.
    """
    chosen = (previous.build, current.build)
    if chosen == (playbook.from_build, playbook.to_build):
        return
    raise PlaybookMismatch(
        f"the chosen releases go from build {previous.build} to {current.build}, but the "
        f"playbook {playbook.id} is for {playbook.from_build} → {playbook.to_build}",
        f"choose the releases of build {playbook.from_build} and {playbook.to_build}, or start "
        f"mocm-upgrade with --playbook <the playbook of {previous.build} → {current.build}>",
    )


def suggested_pair(found: list[Release], playbook: Playbook) -> tuple[Release, Release] | None:
    """The releases of the playbook's transition when both are there, else the two newest."""
    by_build = {release.build: release for release in found}
    if playbook.from_build in by_build and playbook.to_build in by_build:
        return by_build[playbook.from_build], by_build[playbook.to_build]
    return (found[-2], found[-1]) if len(found) >= 2 else None


def discover_releases(start: Path) -> list[Release]:
    """Release directories beside ``start`` (or inside it), oldest build first."""
    start = start.resolve()
    places = [start.parent] if not layout_problems(start) else [start, start.parent]
    found: dict[Path, Release] = {}
    for place in places:
        try:
            children = sorted(p for p in place.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            if child.name.startswith(".") or layout_problems(child):
                continue
            try:
                release = load_release(child)
            except LayoutError:
                continue
            found[release.path] = release
    return sorted(found.values(), key=lambda r: (build_key(r.build), r.name))
