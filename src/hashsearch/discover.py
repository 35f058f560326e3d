"""Walk a folder tree and list the image files in it, deterministically."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from .callbacks import ShouldStop, stop_requested
from .decode.formats import is_image_name
from .errors import Cancelled, os_reason


@dataclass(frozen=True, slots=True)
class Problem:
    """A path that could not be used, and why."""

    path: str
    reason: str


@dataclass(slots=True)
class Tree:
    """The image files found under ``root`` and what could not be looked into."""

    root: str
    images: list[str] = field(default_factory=list)
    unreadable_folders: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    other_files: Counter[str] = field(default_factory=Counter)  # by extension, not compared

    def folder_of(self, path: str) -> str:
        """The folder holding ``path``, relative to the root (``.`` for the root itself)."""
        return os.path.relpath(os.path.dirname(path), self.root)

    def relative(self, path: str) -> str:
        """``path`` relative to the root."""
        return os.path.relpath(path, self.root)


def discover(
    root: str,
    *,
    exclude: Collection[tuple[int, int]] = (),
    should_stop: ShouldStop | None = None,
) -> Tree:
    """List image files under ``root``: hidden entries skipped, symlinks never followed.

    ``exclude`` holds ``(st_dev, st_ino)`` of folders not to enter (listed in
    ``excluded`` when met). Every folder
    that cannot be listed is recorded in ``unreadable_folders``; nothing is
    skipped silently except hidden entries and files without an image extension.
    """
    tree = Tree(os.path.abspath(root))
    pending = [tree.root]
    while pending:
        if stop_requested(should_stop):
            raise Cancelled("stopped while listing folders")
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: os.fsencode(entry.name))
        except OSError as exc:
            tree.unreadable_folders.append(Problem(folder, os_reason(exc)))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_symlink():
                    if is_image_name(entry.name) or entry.is_dir():
                        tree.skipped.append(Problem(entry.path, "symbolic link, not followed"))
                elif entry.is_dir(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    if (info.st_dev, info.st_ino) in exclude:
                        tree.excluded.append(entry.path)
                    else:
                        subfolders.append(entry.path)
                elif is_image_name(entry.name):
                    # FIFOs, sockets and devices with an image name go on to the reader,
                    # which refuses them with a reason instead of blocking on them.
                    tree.images.append(entry.path)
                else:
                    tree.other_files[os.path.splitext(entry.name)[1].lower() or "(none)"] += 1
            except OSError as exc:
                tree.unreadable_folders.append(Problem(entry.path, os_reason(exc)))
        pending.extend(reversed(subfolders))
    return tree
