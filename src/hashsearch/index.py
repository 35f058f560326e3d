"""The in-memory haystack index: hash -> paths, searchable by Hamming distance."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from .dhash import ImageHash


class HashIndex:
    """Haystack hashes and the paths that have each; all hashes must have the same width."""

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self._paths: dict[ImageHash, list[str]] = {}
        self._matrix: npt.NDArray[np.uint64] | None = None
        self._keys: list[ImageHash] = []

    @classmethod
    def build(cls, bits: int, items: Iterable[tuple[ImageHash, str]]) -> HashIndex:
        """An index of ``(hash, path)`` pairs."""
        index = cls(bits)
        for value, path in items:
            index.add(value, path)
        return index

    def add(self, value: ImageHash, path: str) -> None:
        """Record that ``path`` has hash ``value``."""
        if value.bits != self.bits:
            raise ValueError(f"a {value.bits}-bit hash in a {self.bits}-bit index")
        self._paths.setdefault(value, []).append(path)
        self._matrix = None

    def __len__(self) -> int:
        return sum(len(paths) for paths in self._paths.values())

    def __iter__(self) -> Iterator[ImageHash]:
        return iter(self._paths)

    def paths(self, value: ImageHash) -> list[str]:
        """The paths with exactly this hash."""
        return list(self._paths.get(value, ()))

    def within(self, value: ImageHash, max_distance: int) -> list[tuple[int, ImageHash]]:
        """Indexed hashes at most ``max_distance`` bits from ``value``, nearest first."""
        if max_distance <= 0:
            return [(0, value)] if value in self._paths else []
        if not self._paths:
            return []
        matrix = self._packed()
        distances = np.bitwise_count(matrix ^ _words(value.value, matrix.shape[1])).sum(axis=1)
        hits = np.flatnonzero(distances <= max_distance)
        order = hits[np.argsort(distances[hits], kind="stable")]
        return [(int(distances[i]), self._keys[i]) for i in order]

    def _packed(self) -> npt.NDArray[np.uint64]:
        if self._matrix is None:
            self._keys = list(self._paths)
            words = (self.bits + 63) // 64
            matrix = np.zeros((len(self._keys), words), dtype=np.uint64)
            for row, key in enumerate(self._keys):
                matrix[row] = _words(key.value, words)
            self._matrix = matrix
        return self._matrix


def _words(value: int, words: int) -> npt.NDArray[np.uint64]:
    return np.frombuffer(value.to_bytes(8 * words, "little"), dtype="<u8").astype(np.uint64)
