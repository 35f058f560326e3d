"""Walk a folder tree and list every file in it, deterministically.

Nothing is skipped silently: hidden files and folders are looked at like any other,
and a file's kind is told later, by its content (``decode.header``), not by its name.
What is left out is counted: symbolic links (never followed), items the caller
excluded, folders that could not be listed, and a short list of junk that operating
systems leave behind (:data:`JUNK_NAMES`, AppleDouble ``._*`` files).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from .callbacks import ShouldStop, stop_requested
from .errors import Cancelled, os_reason

#: Files operating systems leave in photo folders; they never make a folder "to import".
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"})
APPLEDOUBLE_PREFIX = "._"  # macOS resource forks on non-Mac disks: ._IMG_0001.JPG


@dataclass(frozen=True, slots=True)
class Problem:
    """A path that could not be used, and why."""

    path: str
    reason: str


@dataclass(slots=True)
class Tree:
    """The files found under ``root`` and what was left out, each with its reason."""

    root: str
    files: list[str] = field(default_factory=list)
    unreadable_folders: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # symbolic links
    excluded: list[str] = field(default_factory=list)  # the other tree, nested in this one
    excluded_by_pattern: list[str] = field(default_factory=list)  # --exclude
    junk: list[str] = field(default_factory=list)

    def folder_of(self, path: str) -> str:
        """The folder holding ``path``, relative to the root (``.`` for the root itself)."""
        return os.path.relpath(os.path.dirname(path), self.root)

    def relative(self, path: str) -> str:
        """``path`` relative to the root."""
        return os.path.relpath(path, self.root)


def is_junk(name: str) -> bool:
    """True for the files operating systems leave behind (.DS_Store, Thumbs.db, ._*)."""
    return name.lower() in JUNK_NAMES or name.startswith(APPLEDOUBLE_PREFIX)


def discover(
    root: str,
    *,
    exclude: Collection[tuple[int, int]] = (),
    patterns: Sequence[str] = (),
    should_stop: ShouldStop | None = None,
) -> Tree:
    """List every file under ``root``; symlinks never followed, junk and exclusions counted.

    ``exclude`` holds ``(st_dev, st_ino)`` of folders not to enter (listed in
    ``excluded`` when met); ``patterns`` are globs: an entry whose name or path
    relative to ``root`` matches one is left out (listed in ``excluded_by_pattern``).
    Every folder that cannot be listed is recorded in ``unreadable_folders``.
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
            if patterns and _matches(entry.name, tree.relative(entry.path), patterns):
                tree.excluded_by_pattern.append(entry.path)
                continue
            try:
                if entry.is_symlink():
                    tree.skipped.append(Problem(entry.path, "symbolic link, not followed"))
                elif entry.is_dir(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    if (info.st_dev, info.st_ino) in exclude:
                        tree.excluded.append(entry.path)
                    else:
                        subfolders.append(entry.path)
                elif is_junk(entry.name):
                    tree.junk.append(entry.path)
                else:
                    # FIFOs, sockets and devices go on to the reader, which refuses them
                    # with a reason instead of blocking on them.
                    tree.files.append(entry.path)
            except OSError as exc:
                tree.unreadable_folders.append(Problem(entry.path, os_reason(exc)))
        pending.extend(reversed(subfolders))
    return tree


def _matches(name: str, relative: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)
