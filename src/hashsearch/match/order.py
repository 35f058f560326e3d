"""The order in which needles are verified: look-alikes one after another.

Verifying a candidate needs both thumbnails prepared (:func:`.verify.prepare`, about a
millisecond), and the library's side is kept in a small cache. Where a library holds
many look-alikes (bursts, holiday series, a ``--dupes`` run over the library itself),
needles taken in path order jump from one group of look-alikes to another and the cache
keeps none of them. So needles that share library candidates, directly or through
others, are taken together: the connected groups of the candidate graph, each in the
order of its members' nearest library paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def visit_order(candidates: Mapping[int, Sequence[str]]) -> list[int]:
    """Needle numbers ordered so that those sharing library candidates come together."""
    parent: dict[str, str] = {}

    def root(path: str) -> str:
        while parent.setdefault(path, path) != path:
            parent[path] = parent[parent[path]]  # halve the way up
            path = parent[path]
        return path

    for paths in candidates.values():
        first = root(paths[0])
        for path in paths[1:]:
            other = root(path)
            if other != first:
                parent[max(first, other)] = min(first, other)  # the group's least path leads
                first = min(first, other)

    def key(needle: int) -> tuple[str, str, int]:
        paths = candidates[needle]
        return root(paths[0]), min(paths), needle

    return sorted(candidates, key=key)
