"""From verdicts per image to answers per folder, and from matches to duplicate groups."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..discover import Tree
from .matcher import ImageVerdict, Match, Status


@dataclass(slots=True)
class FolderVerdict:
    """One needle folder and the verdicts on the images it directly holds."""

    name: str
    images: list[ImageVerdict] = field(default_factory=list)
    reason: str | None = None  # set when the folder itself could not be listed

    @property
    def to_import(self) -> bool:
        """True unless every image in it was found and the folder could be read."""
        return self.reason is not None or any(v.status != "found" for v in self.images)

    def count(self, status: Status) -> int:
        """How many of its images have ``status``."""
        return sum(1 for v in self.images if v.status == status)


def folder_verdicts(tree: Tree, verdicts: Iterable[ImageVerdict]) -> list[FolderVerdict]:
    """The needle folders of ``tree`` with their images' verdicts, in byte order of name.

    A folder that could not be listed is a folder too, with its reason.
    """
    folders: dict[str, FolderVerdict] = {}
    for path in tree.images:
        name = tree.folder_of(path)
        folders.setdefault(name, FolderVerdict(name))
    for problem in tree.unreadable_folders:
        name = tree.relative(problem.path)
        folders.setdefault(name, FolderVerdict(name)).reason = problem.reason
    for verdict in verdicts:
        folders[tree.folder_of(verdict.path)].images.append(verdict)
    return [folders[name] for name in sorted(folders, key=os.fsencode)]


def chained_groups(paths: Sequence[str], matches: Mapping[str, Sequence[Match]]) -> list[list[str]]:
    """Groups of paths linked by matches, chained (A~B and B~C make one group).

    Each group is sorted, and the groups by their first path, in byte order.
    """
    parent = {path: path for path in paths}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    for path, found in matches.items():
        for match in found:
            parent[root(match.path)] = root(path)
    members: dict[str, list[str]] = {}
    for path in paths:
        members.setdefault(root(path), []).append(path)
    key = os.fsencode
    groups = [sorted(g, key=key) for g in members.values() if len(g) > 1]
    groups.sort(key=lambda group: key(group[0]))
    return groups
