"""The index: multi-index hashing finds exactly what brute force finds."""

from __future__ import annotations

import numpy as np
import pytest

from hashsearch import HashIndex, ImageHash


def _index(values: np.ndarray, method) -> HashIndex:
    index = HashIndex(64, method=method)
    index.add_many(values, [str(i) for i in range(len(values))])
    return index


def _flip(values: np.ndarray, rng: np.random.Generator, bits: int) -> np.ndarray:
    out = values.copy()
    for row in range(len(out)):
        for bit in rng.choice(64, size=bits, replace=False):
            out[row] ^= np.uint64(1) << np.uint64(bit)
    return out


@pytest.mark.parametrize("radius", [1, 4, 8, 10])
def test_multi_index_search_equals_brute_force(radius: int) -> None:
    rng = np.random.default_rng(radius)
    haystack = rng.integers(0, 2**63, 20_000, dtype=np.uint64) * np.uint64(2)
    haystack[:50] = haystack[50:100]  # duplicates: two items with one hash
    near = _flip(haystack[:300], rng, radius)  # exactly at the radius
    closer = _flip(haystack[300:600], rng, max(0, radius - 2))
    queries = [
        int(v) for v in np.concatenate([near, closer, rng.integers(0, 2**63, 300, dtype=np.uint64)])
    ]

    expected = _index(haystack, "brute-force").search(queries, radius)
    got = _index(haystack, "multi-index").search(queries, radius)

    def as_set(triples):
        return set(zip(*(t.tolist() for t in triples), strict=True))

    assert as_set(got) == as_set(expected)
    assert len(as_set(expected)) >= 600  # the planted pairs are there


def test_within_and_paths() -> None:
    index = HashIndex(64)
    index.add(ImageHash(0b1111), "a")
    index.add(ImageHash(0b0111), "b")
    index.add(ImageHash(0b0111), "c")
    assert index.within(ImageHash(0b1111), 1) == [(0, "a"), (1, "b"), (1, "c")]
    assert index.within(ImageHash(0b1111), 0) == [(0, "a")]
    assert len(index) == 3


def test_wide_hashes_use_brute_force() -> None:
    index = HashIndex(256)
    index.add(ImageHash(1 << 200, 256), "a")
    assert index.within(ImageHash((1 << 200) | 1, 256), 1) == [(1, "a")]
