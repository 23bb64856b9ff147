"""Save a values merge: keep the template first, show the final diff, write atomically, verify.

``plan_save`` renders and verifies the merged text in memory and returns a ``SavePlan``
(with the unified diff the operator reviews, secrets masked); ``commit`` writes it.
Nothing on disk changes before ``commit``.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.error import YAMLError

from tui.core.errors import MocmError
from tui.core.files import (
    atomic_copy,
    atomic_write,
    free_backup_name,
    sha256_bytes,
    sha256_file,
)
from tui.core.records import FrozenRecord
from tui.core.values.doc import load_plain, same_value, to_plain
from tui.core.values.lines import unified_diff_in_place
from tui.core.values.load import load_values, parse_values
from tui.core.values.merge import ValuesMerge
from tui.core.values.render import (
    TemplateLayout,
    mask_lines,
    net_changes,
    read_plain_and_secrets,
    render_in_place,
    render_spliced,
    secret_value_lines,
    template_layout,
)

if TYPE_CHECKING:
    import subprocess  # the layout child; imported when one starts (values-merge never does)


class PlaceholderLeft(MocmError):
    """Placeholders remain and no override reason was given."""


class SaveRefused(MocmError):
    """The save cannot go ahead safely (destination, backup, or a file changed meanwhile)."""


class SaveVerifyFailed(MocmError):
    """The text written (or about to be) does not hold exactly the merged values."""


class SavePlan(FrozenRecord):
    """What ``commit`` will do; ``diff`` is the final unified diff with secrets masked."""

    destination: Path
    text: str
    diff: str
    changed_lines: int
    method: str  # "in-place" or "splice"
    placeholders_left: tuple[str, ...]
    override_reason: str | None
    template_source: Path
    template_sha256: str
    template_backup: Path | None  # where the template is copied first (None: no copy needed)
    destination_backup: Path | None  # an existing destination other than the template
    destination_sha256: str | None
    merged: Any  # plain data the written file must hold
    secret_lines: dict[int, int]  # {line: column} of the secret values in ``text``
    # Every line of the template is where it was in ``text`` (values rewritten in place,
    # no line added or removed).
    same_lines: bool = False


class OnDisk(FrozenRecord):
    """What the destination holds after a save of this session: the next diff starts there."""

    text: str
    sha256: str
    secret_lines: dict[int, int]
    same_lines: bool = False  # as the plan that wrote it said


class SaveResult(FrozenRecord):
    """What was written, for the journal (the override reason included)."""

    destination: Path
    sha256: str
    template_backup: Path | None
    destination_backup: Path | None
    override_reason: str | None
    placeholders_left: tuple[str, ...]


def check_destination(path: Path) -> None:
    """Refuse a destination that is not a regular file or a new path in a directory.

    A device (``/dev/full``), a pipe or terminal (``/dev/stdout``), a symbolic link
    (a loop included) or a directory is refused before anything is read or written:
    keeping a backup of a device would read it forever.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        parent = path.parent
        if not parent.is_dir():
            raise SaveRefused(
                f"{path}: the folder {parent} does not exist", "choose a path in a folder"
            ) from None
        return
    except NotADirectoryError:
        raise SaveRefused(
            f"{path}: {path.parent} is not a folder", "choose a path in a folder"
        ) from None
    except OSError as exc:
        raise SaveRefused(f"{path} cannot be examined: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(info.st_mode):
        try:
            os.stat(path)
        except OSError as exc:
            raise SaveRefused(
                f"{path} is a symbolic link that cannot be followed: {exc.strerror or exc}",
                "give the path of a regular file or a new file",
            ) from exc
        raise SaveRefused(
            f"{path} is a symbolic link: writing would replace the link, not its target",
            f"give the file itself ({os.path.realpath(path)}) or a new path",
        )
    if not stat.S_ISREG(info.st_mode):
        raise SaveRefused(
            f"{path} is not a regular file ({_file_kind(info.st_mode)})",
            "give the path of a regular file or a new file",
        )


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def plan_save(
    merge: ValuesMerge,
    destination: Path,
    template_backup: Path | None = None,
    override_reason: str | None = None,
    *,
    on_disk: OnDisk | None = None,
) -> SavePlan:
    """Render, verify in memory and diff the merged file; refuse while placeholders remain.

    ``template_backup`` (the playbook's ``values.template_backup``) is required when the
    destination is the template itself; an existing, different backup is never
    overwritten: the next free name (``.1``, ``.2``...) is used instead.
    ``on_disk``: what an earlier save of this session wrote to ``destination`` (the
    template was kept then): the diff starts from it, and that work is kept as ``.bak``.
    """
    check_destination(destination)
    left = tuple(merge.placeholders_left())
    reason = override_reason.strip() if override_reason else None
    if left and not reason:
        raise PlaceholderLeft(
            f"{len(left)} placeholder(s) left, first {left[0]}",
            "fill them, or give a reason to save anyway (the reason is journaled)",
        )
    template = merge.template
    source = Path(template.source)
    merged = to_plain(merge.working)
    text, method, before_secrets, after_secrets, same_lines = _render(
        merge, merged, str(destination)
    )
    in_place = same_lines  # the text diffed against has its lines where ``text`` has them
    before_text, before_name = template.text, f"{source.name} (template)"
    backup: Path | None
    dest_backup: Path | None
    if on_disk is not None:
        _check_still(destination, on_disk)
        before_text, before_secrets = on_disk.text, on_disk.secret_lines
        before_name = f"{destination.name} (saved)"
        in_place = same_lines and on_disk.same_lines
        backup, dest_backup = None, free_backup_name(destination, ".bak")
    else:
        backup, dest_backup = _backups(source, template.sha256, destination, template_backup)
    before_lines, after_lines = (
        mask_lines(before_text, before_secrets),
        mask_lines(text, after_secrets),
    )
    names = (before_name, destination.name)
    if in_place and len(before_lines) == len(after_lines):  # difflib's diff, without its search
        diff_lines = list(unified_diff_in_place(before_lines, after_lines, *names))
    else:
        diff_lines = list(difflib.unified_diff(before_lines, after_lines, *names))
    changed = sum(1 for d in diff_lines if d[:1] in "+-" and d[:3] not in ("+++", "---"))
    return SavePlan(
        destination=destination,
        text=text,
        diff="".join(diff_lines),
        changed_lines=changed,
        method=method,
        placeholders_left=left,
        override_reason=reason if left else None,
        template_source=source,
        template_sha256=template.sha256,
        template_backup=backup,
        destination_backup=dest_backup,
        destination_sha256=sha256_file(destination) if destination.is_file() else None,
        merged=merged,
        secret_lines=after_secrets,
        same_lines=same_lines,
    )


def commit(plan: SavePlan) -> SaveResult:
    """Keep the template (and any other existing destination), write atomically, re-read, verify."""
    current = plan.destination.is_file() and sha256_file(plan.destination)
    if (current or None) != plan.destination_sha256:
        raise SaveRefused(
            f"{plan.destination} changed on disk since the diff was shown",
            "review the diff again before saving",
        )
    try:
        if plan.template_backup is not None:
            _check_unchanged(plan.template_source, plan.template_sha256)
            atomic_copy(plan.template_source, plan.template_backup)
        if plan.destination_backup is not None:
            atomic_copy(plan.destination, plan.destination_backup)
        sha = atomic_write(plan.destination, plan.text.encode("utf-8"))
    except OSError as exc:
        raise SaveRefused(
            f"cannot write {exc.filename or plan.destination}: {exc.strerror or exc}",
            "nothing was overwritten; choose a writable place",
        ) from exc
    # The text was parsed and checked against the merged values before writing: the
    # file holds them exactly when it holds that text, byte for byte.
    try:
        written = sha256_file(plan.destination)
    except OSError as exc:
        raise SaveVerifyFailed(f"{plan.destination} cannot be read back: {exc}") from exc
    if written != sha256_bytes(plan.text.encode("utf-8")):
        raise SaveVerifyFailed(
            f"{plan.destination} does not hold the merged values after writing",
            f"the template is kept as {plan.template_backup or plan.template_source}",
        )
    return SaveResult(
        plan.destination,
        sha,
        plan.template_backup,
        plan.destination_backup,
        plan.override_reason,
        plan.placeholders_left,
    )


def _render(
    merge: ValuesMerge, merged: Any, name: str
) -> tuple[str, str, dict[int, int], dict[int, int], bool]:
    """(text, method, secret lines of the template text, secret lines of the new text,
    whether every line of the template stayed where it was: values swapped in place)."""
    template = merge.template
    changes = net_changes(merge.working, merge.touched, merge.open_maps)
    if changes is not None:
        text = render_in_place(template.text, merge.working, changes, template.yaml())
        if text is not None:
            if not any(change.adds_lines for change in changes):
                if _holds(text, merged):
                    # Every line stayed where it was: the working tree's positions hold.
                    before = secret_value_lines(merge.working, merge.pattern, merge.touched)
                    after = secret_value_lines(merge.working, merge.pattern)
                    same = text.count("\n") == template.text.count("\n")
                    return text, "in-place", before, after, same
            else:
                # Lines were added: one libyaml pass per text checks and finds the secrets.
                try:
                    plain, after = read_plain_and_secrets(text, merge.pattern)
                except YAMLError:
                    plain, after = None, {}
                if plain is not None and same_value(to_plain(plain), merged):
                    filled = {change.path for change in changes if change.adds_lines}
                    before = secret_value_lines(
                        merge.working, merge.pattern, merge.touched, skip=filled
                    )
                    return text, "in-place", before, after, False
    layout = prepare_save(merge)
    text = render_spliced(template, layout, merge.working)
    try:  # libyaml checks the values and finds the secret lines: no second round-trip parse
        plain, after_secrets = read_plain_and_secrets(text, merge.pattern)
        holds = same_value(to_plain(plain), merged)
    except YAMLError as exc:
        raise SaveVerifyFailed(f"the merged text for {name} does not parse: {exc}") from exc
    if not holds:
        raise SaveVerifyFailed(f"the merged text for {name} does not hold the merged values")
    return text, "splice", layout.secret_lines, after_secrets, False


_LAYOUTS: dict[tuple[str, str], TemplateLayout] = {}
_PENDING: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
_LAYOUT_CHILD = (
    "import sys\n"
    "from tui.core.values.save import layout_pickle\n"
    "sys.stdout.buffer.write(layout_pickle(sys.argv[1], sys.argv[2]))\n"
)


def layout_pickle(path: str, pattern: str) -> bytes:
    """Child-process side of ``prefetch_layout``: (layout, template sha256), pickled."""
    import pickle  # only the layout child pickles: not on the headless start-up path

    doc = load_values(Path(path))
    return pickle.dumps((template_layout(doc, doc.data, re.compile(pattern)), doc.sha256))


def prefetch_layout(merge: ValuesMerge) -> None:
    """Start computing the template's layout in a child process; ``prepare_save`` collects it.

    The child holds no lock of ours: the screen stays responsive while it works.
    """
    from tui.core.exec.child_python import start_child

    template = merge.template
    key = (template.sha256, merge.pattern.pattern)
    if key in _LAYOUTS or key in _PENDING:
        return
    child = start_child(_LAYOUT_CHILD, [template.source, merge.pattern.pattern])
    if child is not None:  # else computed in-process at the first save
        _PENDING[key] = child


def prepare_save(merge: ValuesMerge) -> TemplateLayout:
    """The template's layout for a splice save, computed once per template and cached."""
    template = merge.template
    key = (template.sha256, merge.pattern.pattern)
    child = _PENDING.pop(key, None)
    if key not in _LAYOUTS and child is not None:
        from tui.core.exec.child_python import collect_child

        answer = collect_child(child)
        if isinstance(answer, tuple) and len(answer) == 2:
            layout, sha = answer
            if sha == template.sha256 and isinstance(layout, TemplateLayout):
                _LAYOUTS[key] = layout
    if key not in _LAYOUTS:
        pristine = parse_values(template.text.encode("utf-8"), template.source).data
        _LAYOUTS.clear()  # one template at a time is all a session needs
        _LAYOUTS[key] = template_layout(template, pristine, merge.pattern)
    return _LAYOUTS[key]


def _holds(text: str, merged: Any) -> bool:
    try:
        return same_value(to_plain(load_plain(text)), merged)
    except YAMLError:
        return False


def _check_still(destination: Path, on_disk: OnDisk) -> None:
    try:
        same = sha256_file(destination) == on_disk.sha256
    except OSError:
        same = False
    if not same:
        raise SaveRefused(
            f"{destination} changed on disk since your last save",
            "leave the step and come back to open it as it is now (your edits are kept as a draft)",
        )


def _check_unchanged(path: Path, sha: str) -> None:
    if sha256_file(path) != sha:
        raise SaveRefused(
            f"{path} changed on disk since it was opened",
            "reopen the merge so that nothing written meanwhile is lost",
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return False


def _backups(
    source: Path, sha: str, destination: Path, template_backup: Path | None
) -> tuple[Path | None, Path | None]:
    if not _same_file(destination, source):
        exists = destination.exists()
        return None, free_backup_name(destination, ".bak") if exists else None
    if template_backup is None:
        raise SaveRefused(
            f"saving over the template {source} needs a place to keep it first",
            "give the template backup path (the playbook's values.template_backup)",
        )
    _check_unchanged(source, sha)
    if template_backup.is_file() and sha256_file(template_backup) == sha:
        return None, None  # already kept, byte for byte
    return free_backup_name(template_backup, ""), None
