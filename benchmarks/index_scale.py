"""Does the index scale? 1,000,000 haystack hashes x 10,000 needle hashes on one core.

    python benchmarks/index_scale.py [--haystack 1000000] [--needles 10000]

A second table: a dense neighbourhood, the haystack in clusters of 1,000 hashes within 3
bits of each other (look-alike photos), needles at cluster centres: every needle then has
about a thousand candidates, the case where matching, not the index, costs the time.

Half of the needles are planted copies (a haystack hash with up to `radius` bits
flipped), half random. Times building the multi-index tables and searching all
needles at radius 8 and 10 (the default candidate radius), against brute force
(XOR + popcount over every hash) measured on a sample of the same needles in the
same run. Memory is what NumPy allocates for the index and the search
(tracemalloc), not counting paths.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from collections.abc import Sequence

import numpy as np

from _common import machine
from hashsearch import HashIndex


class _Numbers(Sequence[str]):
    """Item numbers as paths, made on demand: a million strings would dwarf the index."""

    def __init__(self, count: int) -> None:
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):  # type: ignore[no-untyped-def]
        return str(item)


def _index(values: np.ndarray, method: str) -> HashIndex:
    index = HashIndex(64, method=method)  # type: ignore[arg-type]
    index.add_many(values, _Numbers(len(values)))
    return index


def _clustered(rng: np.random.Generator, count: int, clusters: int, spread: int) -> np.ndarray:
    """``count`` hashes in ``clusters`` tight groups: each within ``spread`` bits of its centre
    (look-alike photos: bursts, series, the same scene)."""
    centres = rng.integers(0, 2**64 - 1, clusters, dtype=np.uint64, endpoint=True)
    members = np.repeat(centres, count // clusters)
    for bit in rng.integers(0, 64, (spread, len(members))):
        members ^= np.left_shift(np.uint64(1), bit.astype(np.uint64))
    return members


def _dense(args: argparse.Namespace, rng: np.random.Generator) -> None:
    """The dense neighbourhood: every needle has hundreds of hashes within the radius."""
    clusters = args.haystack // 1000
    haystack = _clustered(rng, args.haystack, clusters, 3)
    centres = haystack[:: args.haystack // clusters]
    needles = [int(c) for c in rng.choice(centres, args.needles)]
    print()
    print(
        f"dense: {args.haystack:,} hashes in {clusters:,} clusters of 1,000 (each within 3 bits "
        f"of its centre); {args.needles:,} needles at cluster centres"
    )
    print()
    print("| radius | search s | ms/needle | candidates/needle | memory MB |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    index = _index(haystack, "multi-index")
    index.search(needles[:1], 8)  # builds the tables
    tracemalloc.start()
    start = time.perf_counter()
    found, _, _ = index.search(needles, 8)
    searched = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"| 8 | {searched:.2f} | {1000 * searched / len(needles):.3f} | "
        f"{len(found) / len(needles):.0f} | {peak / 2**20:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--haystack", type=int, default=1_000_000)
    parser.add_argument("--needles", type=int, default=10_000)
    parser.add_argument("--brute-sample", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    rng = np.random.default_rng(0)
    haystack = rng.integers(0, 2**64 - 1, args.haystack, dtype=np.uint64, endpoint=True)
    print(f"machine: {machine()} (pinned to one core)")
    print(f"haystack: {args.haystack:,} random 64-bit hashes; needles: {args.needles:,}")
    print()
    print(
        "| radius | method | build s | search s | total s | ms/needle | vs brute force "
        "| memory MB | planted found |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for radius in (8, 10):
        half = args.needles // 2
        planted = haystack[rng.choice(args.haystack, half, replace=False)].copy()
        flips = rng.integers(0, radius + 1, half)
        for row, count in enumerate(flips):
            for bit in rng.choice(64, size=int(count), replace=False):
                planted[row] ^= np.uint64(1) << np.uint64(bit)
        randoms = rng.integers(0, 2**64 - 1, args.needles - half, dtype=np.uint64, endpoint=True)
        queries = [int(v) for v in np.concatenate([planted, randoms])]

        # brute force (the small-index path) on a sample, in the same run
        sample = queries[: args.brute_sample]
        brute = _index(haystack, "brute-force")
        start = time.perf_counter()
        brute.search(sample, radius)
        brute_per_needle = (time.perf_counter() - start) / len(sample)

        tracemalloc.start()
        start = time.perf_counter()
        index = _index(haystack, "multi-index")
        index.search(queries[:1], radius)  # builds the tables
        built = time.perf_counter() - start
        start = time.perf_counter()
        found, _, _ = index.search(queries, radius)
        searched = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        share = len(set(found.tolist()) & set(range(half))) / half
        total = built + searched
        print(
            f"| {radius} | multi-index | {built:.2f} | {searched:.2f} | {total:.2f} | "
            f"{1000 * searched / len(queries):.3f} | "
            f"{brute_per_needle * len(queries) / total:.0f}x faster | {peak / 2**20:.0f} | "
            f"{share:.3f} |"
        )
        print(
            f"| {radius} | brute force (extrapolated from {len(sample)}) | - | "
            f"{brute_per_needle * len(queries):.1f} | {brute_per_needle * len(queries):.1f} | "
            f"{1000 * brute_per_needle:.3f} | 1x | - | - |"
        )
    _dense(args, rng)


if __name__ == "__main__":
    main()
