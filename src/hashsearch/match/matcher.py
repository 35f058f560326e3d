"""Decide, for each needle image, whether the haystack already has it."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..hash.families import ALGORITHMS
from ..hash.one import HashResult
from ..hash.signature import Signature
from ..index import HashIndex
from .verify import DEFAULT_MIN_SIMILARITY, Verdict, compare

#: Candidate radius in bits, from benchmarks/accuracy.py (README, "Accuracy"): recall is
#: the same at 6, 8 and 10 bits; 8 keeps the candidate lists short at a million hashes.
DEFAULT_THRESHOLD = 8

Status = Literal["found", "new", "unreadable"]


@dataclass(frozen=True, slots=True)
class MatchRules:
    """How close counts as "the same photo"."""

    threshold: int = DEFAULT_THRESHOLD
    min_similarity: float = DEFAULT_MIN_SIMILARITY
    rotations: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A haystack image that shows the same picture as a needle."""

    path: str
    distance: int  # bits between the closest pair of hashes
    similarity: float  # thumbnail correlation, 1.0 for identical
    transform: str = ""  # "", or how the needle was turned to match: rot90, mirror, ...


@dataclass(frozen=True, slots=True)
class ImageVerdict:
    """One needle image: found (with its closest haystack copy), new, or unreadable."""

    path: str
    status: Status
    match: Match | None = None
    reason: str | None = None


_Turn = Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.uint8]]

# The eight ways a copy may have been turned: (name, function on a 2-D array).
_TRANSFORMS: tuple[tuple[str, _Turn], ...] = (
    ("", lambda a: a),
    ("rot90", lambda a: np.rot90(a, -1)),
    ("rot180", lambda a: np.rot90(a, 2)),
    ("rot270", lambda a: np.rot90(a, 1)),
    ("mirror", lambda a: a[:, ::-1]),
    ("mirror+rot90", lambda a: np.rot90(a[:, ::-1], -1)),
    ("mirror+rot180", lambda a: np.rot90(a[:, ::-1], 2)),
    ("mirror+rot270", lambda a: np.rot90(a[:, ::-1], 1)),
)


class Matcher:
    """The haystack, indexed for candidates and kept for verification."""

    def __init__(
        self, bits: int, rules: MatchRules = MatchRules(), algorithm: str = "dhash"
    ) -> None:
        self.rules = rules
        self.hasher = ALGORITHMS[algorithm]  # for the turned variants of --rotations
        self.index = HashIndex(bits)
        self.signatures: dict[str, Signature] = {}

    def add(self, path: str, value: Signature) -> None:
        """Index one haystack image under each of its hashes."""
        self.signatures[path] = value
        for item in dict.fromkeys(value.hashes):
            self.index.add(item, path)

    def __len__(self) -> int:
        return len(self.signatures)

    def matches(self, needle: Signature) -> list[Match]:
        """Every haystack image that passes both checks, most similar first."""
        return self.matches_many([needle])[0]

    def matches_many(self, needles: Sequence[Signature]) -> list[list[Match]]:
        """:meth:`matches` for many needles, with one batched index search."""
        variants = [
            (n, name, v) for n, needle in enumerate(needles) for name, v in self._variants(needle)
        ]
        owners: list[int] = []
        values: list[int] = []
        for number, (_, _, variant) in enumerate(variants):
            for item in dict.fromkeys(variant.hashes):
                owners.append(number)
                values.append(item.value)
        queries, items, distances = self.index.search(values, self.rules.threshold)
        nearest: dict[tuple[int, str], int] = {}
        triples = zip(queries.tolist(), items.tolist(), distances.tolist(), strict=True)
        for query, item, distance in triples:
            key = (owners[query], self.index.path(item))
            nearest[key] = min(distance, nearest.get(key, distance))
        best: list[dict[str, Match]] = [{} for _ in needles]
        for (number, path), distance in sorted(nearest.items()):
            needle, name, variant = variants[number]
            verdict = self._compare(variant, self.signatures[path])
            known = best[needle].get(path)
            if verdict.same and (known is None or verdict.similarity > known.similarity):
                best[needle][path] = Match(path, distance, verdict.similarity, name)
        return [
            sorted(found.values(), key=lambda m: (-m.similarity, m.distance, m.path))
            for found in best
        ]

    def judge(self, result: HashResult) -> ImageVerdict:
        """The verdict on one needle: found only when a candidate passes verification."""
        return self.judge_many([result])[0]

    def matches_of(self, results: Sequence[HashResult]) -> dict[str, list[Match]]:
        """:meth:`matches` of each readable result, by path."""
        readable = {r.path: r.signature for r in results if r.signature is not None}
        return dict(zip(readable, self.matches_many(list(readable.values())), strict=True))

    def judge_many(self, results: Sequence[HashResult]) -> list[ImageVerdict]:
        """:meth:`judge` for many needles, with one batched index search."""
        found = self.matches_of(results)
        verdicts = []
        for result in results:
            if result.signature is None:
                reason = result.reason or "unreadable"
                verdicts.append(ImageVerdict(result.path, "unreadable", reason=reason))
            elif found[result.path]:
                verdicts.append(ImageVerdict(result.path, "found", found[result.path][0]))
            else:
                verdicts.append(ImageVerdict(result.path, "new"))
        return verdicts

    def _compare(self, needle: Signature, haystack: Signature) -> Verdict:
        forward = compare(needle.thumbs[0], haystack.thumbs, self.rules.min_similarity)
        if forward.same:
            return forward
        # the library's copy may be the cropped one: compare the other way round too
        backward = compare(haystack.thumbs[0], needle.thumbs, self.rules.min_similarity)
        return backward if backward.similarity > forward.similarity else forward

    def _variants(self, needle: Signature) -> Iterator[tuple[str, Signature]]:
        yield "", needle
        if not self.rules.rotations:
            return
        bits = needle.hash.bits
        side = math.isqrt(bits)
        for name, turn in _TRANSFORMS[1:]:
            thumbs = np.stack([np.ascontiguousarray(turn(t)) for t in needle.thumbs])
            yield name, Signature(tuple(self.hasher(t, side) for t in thumbs), thumbs)
