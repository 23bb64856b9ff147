"""Park and unpark the previous release's cache file (``active`` ⇄ ``parked`` name).

The caller journals the returned ``FileRename`` (names and sha256) so the step
can be undone from the screen. Nothing is ever overwritten.

The rename is a hard link then an unlink of the old name (no rename may replace a file
that appeared meanwhile). A process killed between the two leaves both names on one
file: ``half_renamed`` recognises exactly that (same inode, so nothing can be lost) and
the next move finishes it; two different files under both names are still refused.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from tui.core.errors import MocmError
from tui.core.files import sha256_file
from tui.core.playbook.load import Playbook


class ParkedFileError(MocmError):
    """The rename cannot be done safely (file missing, or both names present)."""


@dataclass(frozen=True)
class FileRename:
    """A rename inside one directory; ``changed`` is False when it was already done."""

    directory: Path
    source: str
    destination: str
    sha256: str
    changed: bool


def _rename_no_clobber(source: Path, destination: Path) -> None:
    """Rename that fails if the destination appears meanwhile (link + unlink)."""
    try:
        os.link(source, destination)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise
        if destination.exists():  # filesystem without hard links: checked rename
            raise FileExistsError(errno.EEXIST, "exists", str(destination)) from exc
        os.rename(source, destination)
        return
    os.unlink(source)


def half_renamed(source: Path, destination: Path) -> bool:
    """Both names are one file: a rename cut off between its link and its unlink."""
    try:
        return source.is_file() and os.path.samefile(source, destination)
    except OSError:
        return False


def _move(directory: Path, source: str, destination: str) -> FileRename:
    src, dst = directory / source, directory / destination
    if half_renamed(src, dst):
        digest = sha256_file(dst)
        try:
            os.unlink(src)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise ParkedFileError(
                f"cannot finish renaming {source} to {destination} in {directory}: "
                f"{exc.strerror or exc}"
            ) from exc
        return FileRename(directory, source, destination, digest, changed=True)
    src_there, dst_there = src.is_file(), dst.is_file()
    if src_there and dst_there:
        raise ParkedFileError(
            f"both {source} and {destination} exist in {directory}",
            "Compare the two files and remove the stale copy by hand; the wizard "
            "will not guess which one OpenTofu should read.",
        )
    if not src_there and dst_there:
        return FileRename(directory, source, destination, sha256_file(dst), changed=False)
    if not src_there:
        raise ParkedFileError(
            f"neither {source} nor {destination} exists in {directory}",
            "Is this the current release's terraform/aws directory?",
        )
    digest = sha256_file(src)
    try:
        _rename_no_clobber(src, dst)
    except OSError as exc:
        raise ParkedFileError(
            f"cannot rename {source} to {destination} in {directory}: {exc.strerror or exc}"
        ) from exc
    after = sha256_file(dst)
    if after != digest:
        raise ParkedFileError(
            f"{destination} changed while it was renamed (sha256 {after[:12]}… ≠ {digest[:12]}…)"
        )
    return FileRename(directory, source, destination, digest, changed=True)


def park(terraform_dir: Path, playbook: Playbook) -> FileRename:
    """Rename the active file to its parked name, so OpenTofu plans its destroy."""
    return _move(terraform_dir, playbook.active_name, playbook.parked_name)


def unpark(terraform_dir: Path, playbook: Playbook) -> FileRename:
    """Rename the parked file to its active name (activation, or undoing ``park``)."""
    return _move(terraform_dir, playbook.parked_name, playbook.active_name)
