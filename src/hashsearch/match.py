"""Decide, for each needle image, whether the haystack already has it."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from .dhash import ImageHash, dhash
from .hashing import HashResult
from .index import HashIndex
from .signature import Signature
from .verify import DEFAULT_MIN_SIMILARITY, Verdict, compare

#: Candidate radius in bits, measured with benchmarks/accuracy.py (README, "Accuracy"):
#: every benign copy lands within 10 bits of the original or one of its inset crops.
DEFAULT_THRESHOLD = 10

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

    def __init__(self, bits: int, rules: MatchRules = MatchRules()) -> None:
        self.rules = rules
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
        best: dict[str, Match] = {}
        for name, variant in self._variants(needle):
            for path, distance in self._candidates(variant.hashes):
                verdict = self._compare(variant, self.signatures[path])
                if verdict.same and (
                    path not in best or verdict.similarity > best[path].similarity
                ):
                    best[path] = Match(path, distance, verdict.similarity, name)
        return sorted(best.values(), key=lambda m: (-m.similarity, m.distance, m.path))

    def judge(self, result: HashResult) -> ImageVerdict:
        """The verdict on one needle: found only when a candidate passes verification."""
        if result.signature is None:
            return ImageVerdict(result.path, "unreadable", reason=result.reason or "unreadable")
        found = self.matches(result.signature)
        if not found:
            return ImageVerdict(result.path, "new")
        return ImageVerdict(result.path, "found", found[0])

    def _candidates(self, hashes: Iterable[ImageHash]) -> Iterator[tuple[str, int]]:
        nearest: dict[str, int] = {}
        for item in dict.fromkeys(hashes):
            for distance, value in self.index.within(item, self.rules.threshold):
                for path in self.index.paths(value):
                    nearest[path] = min(distance, nearest.get(path, distance))
        yield from sorted(nearest.items(), key=lambda pair: (pair[1], pair[0]))

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
            yield name, Signature(tuple(dhash(t, side) for t in thumbs), thumbs)
