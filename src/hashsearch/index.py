"""The in-memory haystack index: hash -> paths, searchable by Hamming distance in batches.

Small indexes are searched by brute force (XOR and popcount over every hash, in
blocks). Large 64-bit indexes use multi-index hashing: the 64 bits are cut into
``m`` chunks and, by the pigeonhole principle, a hash within ``r`` bits of a
query differs from it in at most ``r // m`` bits in at least one chunk. Each
chunk has a direct-address bucket table, so a query costs one table look-up per
chunk value within ``r // m`` bits of its own, plus an exact check of the few
hashes found there.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from .hash.dhash import ImageHash

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
#: "auto" picks by size: brute force while haystack x queries is small, else multi-index.
Method = Literal["auto", "brute-force", "multi-index"]

BRUTE_FORCE_LIMIT = 2_000_000  # haystack hashes x query hashes per brute-force block
_MAX_CHUNK_BITS = 22  # a chunk's direct-address table has 2**bits + 1 entries
_QUERY_BLOCK = 512  # queries looked up together in the chunk tables
_CHECK_COST = 3  # cost of checking one candidate, in table look-ups (measured, index_scale.py)


class HashIndex:
    """Haystack items (a hash and a path each), searchable by Hamming distance."""

    def __init__(self, bits: int, method: Method = "auto") -> None:
        self.bits = bits
        self.method = method
        self._words = (bits + 63) // 64
        self._pending: list[int] = []
        self._paths: list[str] | Sequence[str] = []
        self._array: U64 = np.zeros((0, self._words), dtype=np.uint64)
        self._tables: dict[int, _ChunkTables] = {}

    def add(self, value: ImageHash, path: str) -> None:
        """Add an item: ``path`` has hash ``value``."""
        if value.bits != self.bits:
            raise ValueError(f"a {value.bits}-bit hash in a {self.bits}-bit index")
        paths = self._paths if isinstance(self._paths, list) else list(self._paths)
        paths.append(path)
        self._paths = paths
        self._pending.append(value.value)
        self._tables.clear()

    def add_many(self, values: U64, paths: Sequence[str]) -> None:
        """Add many 64-bit hashes at once: ``paths[i]`` has hash ``values[i]``.

        ``paths`` may be any sequence (a lazy one saves memory at millions of items);
        it replaces the paths given so far, so call this on an empty index.
        """
        if self.bits != 64:
            raise ValueError("add_many takes 64-bit hashes")
        if len(self):
            raise ValueError("add_many fills an empty index")
        if len(values) != len(paths):
            raise ValueError(f"{len(values)} hashes but {len(paths)} paths")
        self._array = np.ascontiguousarray(values, dtype=np.uint64).reshape(-1, 1)
        self._paths = paths
        self._tables.clear()

    def __len__(self) -> int:
        """The number of items."""
        return len(self._array) + len(self._pending)

    def path(self, item: int) -> str:
        """The path of item number ``item``."""
        return self._paths[item]

    def within(self, value: ImageHash, max_distance: int) -> list[tuple[int, str]]:
        """``(distance, path)`` of the items at most ``max_distance`` bits away, nearest first."""
        _, items, distances = self.search([value.value], max_distance)
        order = np.lexsort((items, distances))
        return [(int(distances[i]), self.path(int(items[i]))) for i in order]

    def search(self, values: Sequence[int], max_distance: int) -> tuple[I64, I64, I64]:
        """All pairs within ``max_distance``: (query number, item number, distance) arrays."""
        array = self._packed()
        if not len(values) or not len(array):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        queries = _pack(values, self._words)
        if self._words == 1 and self._multi_index(len(array) * len(values)):
            tables = self._tables.get(max_distance)
            if tables is None:
                tables = self._tables[max_distance] = _ChunkTables(array[:, 0], max_distance)
            return tables.search(array[:, 0], queries[:, 0], max_distance)
        return _brute_force(array, queries, max_distance)

    def _multi_index(self, pairs: int) -> bool:
        if self.method == "auto":
            return pairs > BRUTE_FORCE_LIMIT
        return self.method == "multi-index"

    def _packed(self) -> U64:
        if self._pending:
            self._array = np.concatenate([self._array, _pack(self._pending, self._words)])
            self._pending.clear()
        return self._array


def _pack(values: Sequence[int], words: int) -> U64:
    """Hash values as a (len(values), words) array of little-endian 64-bit words."""
    if words == 1:
        return np.array(values, dtype=np.uint64).reshape(-1, 1)
    return np.stack([_words(v, words) for v in values])


def _words(value: int, words: int) -> U64:
    return np.frombuffer(value.to_bytes(8 * words, "little"), dtype="<u8").astype(np.uint64)


def _brute_force(haystack: U64, queries: U64, radius: int) -> tuple[I64, I64, I64]:
    block = max(1, BRUTE_FORCE_LIMIT // max(1, len(haystack)))
    found: list[tuple[I64, I64, I64]] = []
    for start in range(0, len(queries), block):
        chunk = queries[start : start + block]
        distances = np.zeros((len(chunk), len(haystack)), dtype=np.int64)
        for word in range(haystack.shape[1]):
            distances += np.bitwise_count(chunk[:, None, word] ^ haystack[None, :, word])
        q, k = np.nonzero(distances <= radius)
        found.append((q + start, k, distances[q, k]))
    return _join(found)


class _ChunkTables:
    """Direct-address bucket tables for the chunks of 64-bit hashes (multi-index hashing)."""

    def __init__(self, hashes: U64, radius: int) -> None:
        self.count = _chunk_count(len(hashes), radius)
        self.slack = radius // self.count  # differing bits allowed in the chunk that agrees
        edges = np.linspace(0, 64, self.count + 1).round().astype(int)
        self.spans = [(int(a), int(b - a)) for a, b in itertools.pairwise(edges)]
        self.order: list[npt.NDArray[np.int32]] = []
        self.starts: list[npt.NDArray[np.int32]] = []
        for shift, width in self.spans:
            values = ((hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
            order = np.argsort(values, kind="stable").astype(np.int32)
            counts = np.bincount(values, minlength=1 << width)
            starts = np.zeros((1 << width) + 1, dtype=np.int32)
            np.cumsum(counts, out=starts[1:])
            self.order.append(order)
            self.starts.append(starts)
        self.masks = [_masks(width, self.slack) for _, width in self.spans]

    def search(self, hashes: U64, queries: U64, radius: int) -> tuple[I64, I64, I64]:
        found: list[tuple[I64, I64, I64]] = []
        for begin in range(0, len(queries), _QUERY_BLOCK):
            chunk = queries[begin : begin + _QUERY_BLOCK]
            pairs = np.concatenate([self._candidates(chunk, c) for c in range(self.count)], axis=1)
            # pairs beyond the radius dropped first (most of a look-alike library's), then
            # the pairs found through more than one chunk: one int64 key per pair, sorted
            near = np.bitwise_count(chunk[pairs[0]] ^ hashes[pairs[1]]) <= radius
            keys = _distinct(pairs[0][near] * len(hashes) + pairs[1][near])
            q, k = np.divmod(keys, len(hashes))
            distances = np.bitwise_count(chunk[q] ^ hashes[k]).astype(np.int64)
            found.append((q + begin, k, distances))
        return _join(found)

    def _candidates(self, queries: U64, chunk: int) -> I64:
        shift, width = self.spans[chunk]
        values = ((queries >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
        probes = (values[:, None] ^ self.masks[chunk][None, :]).ravel()
        owners = np.repeat(np.arange(len(queries), dtype=np.int64), len(self.masks[chunk]))
        starts, ends = self.starts[chunk][probes], self.starts[chunk][probes + 1]
        sizes = (ends - starts).astype(np.int64)
        total = int(sizes.sum())
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        members = self.order[chunk][np.repeat(starts.astype(np.int64), sizes) + offsets]
        return np.stack([np.repeat(owners, sizes), members.astype(np.int64)])


def _chunk_count(items: int, radius: int) -> int:
    """The number of chunks with the least expected work per query."""

    def cost(count: int) -> float:
        width = 64 // count
        probes = sum(math.comb(width, ones) for ones in range(radius // count + 1))
        return (
            count * probes * (1 + _CHECK_COST * items / 2.0**width)
        )  # look-ups + candidate checks

    low = -(-64 // _MAX_CHUNK_BITS)
    return min(range(low, max(low, radius + 1) + 1), key=cost)


def _distinct(keys: I64) -> I64:
    """The distinct ``keys``, sorted. By sorting: NumPy 2.4's ``np.unique`` took 0.78 s for
    a million int64 keys here, against 16 ms sorted (and 48 of 94 s of a search of
    10,000 photos among 100,000 look-alikes)."""
    ordered = np.sort(keys)
    if len(ordered) == 0:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _join(parts: list[tuple[I64, I64, I64]]) -> tuple[I64, I64, I64]:
    """Concatenate (query, key, distance) triples of arrays found block by block."""
    queries, keys, distances = (
        np.concatenate([part[i] for part in parts]).astype(np.int64) for i in range(3)
    )
    return queries, keys, distances


def _masks(width: int, weight: int) -> I64:
    """Every ``width``-bit value with at most ``weight`` bits set."""
    masks = [0]
    for ones in range(1, weight + 1):
        for bits in itertools.combinations(range(width), ones):
            masks.append(sum(1 << b for b in bits))
    return np.array(masks, dtype=np.int64)
