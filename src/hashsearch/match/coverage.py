"""When one library video covers a needle video: the rules, and how close one came.

See :mod:`hashsearch.match.video` for how the frames are compared. What counts as
found (README, "Videos"):

* the library copy may lack up to :data:`TRIM_SECONDS` at either end of the needle
  (a copy trimmed by a second is the video);
* a library copy that holds only a part of the needle (a 10 s cut of a 2 min video) is
  not the video: the needle is "smaller" ("only a shorter cut in the library");
* a needle that is itself a cut of a longer library video is found: all of it is there;
* a library copy with a much smaller frame (half the long side) is "smaller", as for
  photos; videos are never compared with photos;
* a still clip (see :data:`STILL_LENGTH_SLACK`) only in a library clip as long.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Seconds of the needle the library copy may lack at each end (a trimmed copy).
TRIM_SECONDS = 3.0
#: Share of the needle frames inside the library copy that must match at one offset:
#: re-encoding leaves every frame matching; a frame that fails (a flash, a fast pan
#: between two sampled times) may be forgiven, but not a different clip.
MIN_COVERED = 0.9
#: At least this many matching frames (or every frame of a shorter clip).
MIN_MATCHED_FRAMES = 3
#: A frame matches when it passes the layout check against the other clip's frame shown
#: at its time; of the frames with detail, this share must pass the detail check too. A
#: lower share (0.5 was tried) finds more copies re-encoded small and hard, but also
#: another pan over the same scene a few pixels off the first: a false "found".
MIN_CONFIRMED = 0.9
#: Below this many frames every frame must match; from it on, one may fail.
SHORT_CLIP_FRAMES = 5
#: A still clip (every sampled frame shows the same picture: a tripod, a sleeping
#: child) carries no evidence in its frames' order: another clip of the same scene
#: would match at any offset. It is found only in a library clip of the same length
#: (within this many seconds), as a re-encoded or re-muxed copy is; a still clip
#: whose frames hold next to no detail (a plain wall, a clear sky) cannot be told
#: from another at all and is never found.
STILL_LENGTH_SLACK = 0.1


@dataclass(frozen=True, slots=True)
class Coverage:
    """How well one library video covers a needle video at one offset."""

    path: str
    offset: float  # seconds: needle time + offset = library time
    # frames judged: those of the more sparsely sampled clip, inside the overlap
    matched: int  # judged frames whose layout matched
    inside: int  # judged frames inside the overlap
    detailed_matched: int  # frames with detail whose detail matched too (the evidence)
    detailed_inside: int  # frames with detail inside the library copy
    missing_start: float  # seconds of the needle before the library copy starts
    missing_end: float  # seconds of the needle after it ends
    similarity: float  # mean layout similarity of the matched frames
    distance: int  # bits between the closest candidate frames' hashes
    still: bool  # the needle is a still clip (see STILL_LENGTH_SLACK)
    blank: bool  # too few needle frames hold detail to count as evidence
    length_difference: float  # seconds between the two clips' lengths

    @property
    def covered(self) -> float:
        """The share of the judged frames that matched."""
        return self.matched / self.inside if self.inside else 0.0

    @property
    def goodness(self) -> tuple[bool, float, float, float]:
        """The order in which coverages are preferred: enough frames, their share, the
        share whose detail agrees, then how alike they are (the offset that lines the
        frames up best)."""
        confirmed = self.detailed_matched / self.detailed_inside if self.detailed_inside else 0.0
        return (self.layout_agrees, self.covered, confirmed, self.similarity)

    @property
    def layout_agrees(self) -> bool:
        """True when (nearly) every frame inside the library copy matched its layout."""
        return _most(self.matched, self.inside, MIN_COVERED)

    def frames_agree(self) -> bool:
        """True when enough frames match at this offset, frames with detail included."""
        if self.blank or not self.layout_agrees:
            return False
        enough = self.detailed_matched >= min(MIN_MATCHED_FRAMES, self.detailed_inside)
        return enough and _most(self.detailed_matched, self.detailed_inside, MIN_CONFIRMED)

    @property
    def trimmed_only(self) -> bool:
        """True when the library copy lacks at most a few seconds at either end (a still
        clip: when both are as long)."""
        if self.blank:
            return False
        if self.still:
            return self.length_difference <= STILL_LENGTH_SLACK
        return max(self.missing_start, self.missing_end) <= TRIM_SECONDS


def _most(hits: int, total: int, share: float) -> bool:
    """True when ``hits`` of ``total`` is at least ``share`` (see :func:`forgiven`)."""
    return total > 0 and total - hits <= forgiven(total, share)


def forgiven(total: int, share: float) -> int:
    """How many of ``total`` frames may fail when ``share`` must pass: one from five
    frames on (one flash or blurred frame in an 8-frame clip is not a different clip)."""
    return 0 if total < SHORT_CLIP_FRAMES else max(1, int(total * (1 - share)))
