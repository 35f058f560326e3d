"""Decide, for each needle image, whether the haystack already has it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .hashing import HashResult
from .index import HashIndex

#: Measured on the shared test photos (README, "The threshold"): resized and
#: re-compressed copies are 0-4 bits from their original, different photos 13 or more.
DEFAULT_THRESHOLD = 4

Status = Literal["found", "new", "unreadable"]


@dataclass(frozen=True, slots=True)
class ImageVerdict:
    """One needle image: found (with its closest haystack copy), new, or unreadable."""

    path: str
    status: Status
    match: str | None = None
    distance: int | None = None
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


def judge(result: HashResult, index: HashIndex, threshold: int) -> ImageVerdict:
    """The verdict on one hashed needle: found only on a hash within ``threshold`` bits."""
    if result.hash is None:
        return ImageVerdict(result.path, "unreadable", reason=result.reason or "unreadable")
    hits = index.within(result.hash, threshold)
    if not hits:
        return ImageVerdict(result.path, "new")
    distance, nearest = hits[0]
    return ImageVerdict(result.path, "found", min(index.paths(nearest)), distance)
