"""What matching says of a needle file: its state, the library copy it names, near misses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

#: found: the library holds a copy that passed verification and is not much smaller;
#: smaller: it holds only a much smaller copy (a thumbnail is not a copy), only a gray
#: copy of a colour photo, or only the still of a motion photo;
#: new; unreadable (reason); not compared (reason: a video, an unknown format).
Status = Literal["found", "new", "unreadable", "not compared", "smaller"]
STATUSES: tuple[Status, ...] = ("found", "smaller", "new", "unreadable", "not compared")


@dataclass(frozen=True, slots=True)
class Match:
    """A haystack image that shows the same picture as a needle (or, as a near miss, not)."""

    path: str
    distance: int  # bits between the closest pair of hashes
    similarity: float  # layout correlation, 1.0 for identical
    transform: str = ""  # "", or how the needle was turned to match: rot90, mirror, ...
    detail: float = 1.0  # detail correlation, 1.0 for identical (and where not judged)
    size: tuple[int, int] = (0, 0)  # the haystack image's width and height
    # the share of the needle's side cut from each side in the haystack copy (0: it holds
    # the whole needle; 0.031: the copy is a crop, 3 % of each side of the needle lacks)
    cropped: float = 0.0
    # videos only: where the needle starts in the library video (seconds), the library
    # video's length, and the share of the needle's frames inside it that matched
    offset: float | None = None
    duration: float | None = None
    covered: float | None = None
    same_stream: bool = False  # found by its very video stream, not by its frames
    # a near miss that failed only because something moved: the same scene a moment on
    moved: bool = False


@dataclass(frozen=True, slots=True)
class ImageVerdict:
    """One needle image: found (with its closest haystack copy), new, or unreadable.

    ``similar`` holds near misses: candidates that passed the hash stage but failed
    verification, most similar first, for a person to look at; they never count as found.
    """

    path: str
    status: Status
    match: Match | None = None
    reason: str | None = None
    similar: tuple[Match, ...] = ()
    size: tuple[int, int] = (0, 0)  # the needle's width and height (first page)
    kind: str = "image"  # or "video"
    duration: float | None = None  # a video's length in seconds


@dataclass(frozen=True, slots=True)
class Candidates:
    """What verification made of one needle's candidates."""

    accepted: list[Match]  # most similar first
    rejected: list[Match]  # near misses, most similar first
    # near misses that passed every check on pixels but were taken at another moment
    # (match.moment): seconds apart, by path
    apart: dict[str, float] = field(default_factory=dict)
    # the library photos a needle without a camera moment passed as, when two of them
    # were taken at different moments (match.consistency): taken for none, near misses
    ambiguous: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        found: Mapping[str, tuple[bool, Match]],
        apart: Mapping[str, float],
        ambiguous: tuple[str, ...] = (),
    ) -> Candidates:
        """From each candidate's verdict and match, by path (``apart``: seconds between
        the moments of those taken at another one)."""
        accepted = by_likeness(m for same, m in found.values() if same)
        rejected = by_likeness(m for same, m in found.values() if not same)
        elsewhen = {m.path: apart[m.path] for m in rejected if m.path in apart}
        return cls(accepted, rejected, elsewhen, ambiguous)


def by_likeness(matches: Iterable[Match]) -> list[Match]:
    """Most similar first, then nearest, then by path."""
    return sorted(matches, key=lambda m: (-m.similarity, m.distance, m.path))
