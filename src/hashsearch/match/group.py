"""From verdicts per image to answers per folder, and from matches to duplicate groups."""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..discover import Tree
from .verdicts import ImageVerdict, Match, Status


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
    for path in tree.files:
        name = tree.folder_of(path)
        folders.setdefault(name, FolderVerdict(name))
    for problem in tree.unreadable_folders:
        name = tree.relative(problem.path)
        folders.setdefault(name, FolderVerdict(name)).reason = problem.reason
    for verdict in verdicts:
        folders[tree.folder_of(verdict.path)].images.append(verdict)
    return [folders[name] for name in sorted(folders, key=os.fsencode)]


@dataclass(frozen=True, slots=True)
class DupesGroup:
    """Images that each show the same picture as the group's representative.

    Iterating a group gives its paths in byte order, the representative among them.
    """

    representative: str
    members: tuple[Match, ...]  # every other image, with its distance and similarity to it

    def __iter__(self) -> Iterator[str]:
        return iter(sorted([self.representative, *(m.path for m in self.members)], key=os.fsencode))

    def __len__(self) -> int:
        return 1 + len(self.members)


def representative_groups(
    paths: Sequence[str], matches: Mapping[str, Sequence[Match]]
) -> list[DupesGroup]:
    """Groups without chaining: every two images of a group match each other.

    If A matches B and B matches C but A does not match C, A and C are never put in one
    group through B. The representative is the image with the most matches among those
    not yet grouped (ties: the first in byte order); the ungrouped images it matches
    join it, most similar first, each only if it matches every image already in the
    group. The next representative is chosen among the rest. Groups are sorted by their
    first path.
    """
    links: dict[str, dict[str, Match]] = {path: {} for path in paths}
    for path, found in matches.items():
        for match in found:
            if match.path != path and match.path in links:
                links[path].setdefault(match.path, match)
                mirrored = Match(
                    path, match.distance, match.similarity, match.transform, match.detail
                )
                links[match.path].setdefault(path, mirrored)
    # the representative is taken from a heap of (ungrouped links, byte order), its
    # entries made stale as images are grouped: no pass over every image per group
    keys = {path: os.fsencode(path) for path in paths}
    free = {path: len(linked) for path, linked in links.items()}  # ungrouped links
    heap = [(-count, keys[path], path) for path, count in free.items() if count]
    heapq.heapify(heap)
    grouped: set[str] = set()
    groups = []
    while heap:
        count, _, representative = heapq.heappop(heap)
        if representative in grouped or -count != free[representative]:
            continue  # stale: grouped since, or fewer links left
        offered = sorted(
            (links[representative][q] for q in links[representative] if q not in grouped),
            key=lambda m: (-m.similarity, keys[m.path]),
        )
        members: list[Match] = []
        for match in offered:
            if all(match.path in links[member.path] for member in members):
                members.append(match)
        joined = [representative, *(m.path for m in members)]
        grouped.update(joined)
        for path in joined:
            for other in links[path]:
                if other not in grouped:
                    free[other] -= 1
                    if free[other]:
                        heapq.heappush(heap, (-free[other], keys[other], other))
        groups.append(DupesGroup(representative, tuple(members)))
    groups.sort(key=lambda group: os.fsencode(next(iter(group))))
    return groups
