"""When one library video covers a needle video: the rules, and how close one came.

See :mod:`hashsearch.match.video` for how the frames are compared. What counts as
found (README, "Videos"):

* the library copy may lack up to :data:`TRIM_SECONDS` at either end of the needle,
  and no more than :data:`TRIM_SHARE` of it (a copy trimmed by a second is the video;
  a 4 s clip of which the library holds 2 s is not);
* a library copy that holds only a part of the needle (a 10 s cut of a 2 min video) is
  not the video: the needle is "smaller" ("only a shorter cut in the library");
* a needle that is itself a cut of a longer library video is found: all of it is there;
* a library copy with a much smaller frame (half the long side) is "smaller", as for
  photos; videos are never compared with photos;
* the frames must match at their own moment (:mod:`.timing`): a clip in which nothing
  moves (a tripod shot of a still scene) cannot be told from another recording of the
  scene and is never found by its frames (only a library video holding its very stream
  finds it: :mod:`.streams`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Seconds of the needle the library copy may lack at each end (a trimmed copy), and
#: the share of the needle's length it may lack there at most. Without the share, a
#: short clip was "found" in a library copy that holds only its first half:
#: benchmarks/videos.py, parts of real footage 4 to 8 s long that start a quarter or
#: half way into the library's (3 of 10 were found).
TRIM_SECONDS = 3.0
TRIM_SHARE = 0.2
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
    blank: bool  # too few needle frames hold detail to count as evidence
    # of the frames whose detail matched: those that could be timed (detail, and frames of
    # the other clip far enough away), and of those, on time and off time (timing.py)
    timed: int = 0
    on_time: int = 0
    off_time: int = 0
    length: float = 0.0  # seconds: the needle's
    in_place: bool = True  # the frames lie where the frames they matched do (drift.py)

    @property
    def covered(self) -> float:
        """The share of the judged frames that matched."""
        return self.matched / self.inside if self.inside else 0.0

    @property
    def goodness(self) -> tuple[bool, bool, float, float, float]:
        """The order in which coverages are preferred: frames that agree (at their own
        moment), enough frames, their share, the share whose detail agrees, then how alike
        they are (the offset that lines the frames up best). Whether they lie in place is
        left out: it judges the offset chosen, and never makes another one chosen."""
        confirmed = self.detailed_matched / self.detailed_inside if self.detailed_inside else 0.0
        agree = self.moments_agree()
        return (agree, self.layout_agrees, self.covered, confirmed, self.similarity)

    @property
    def layout_agrees(self) -> bool:
        """True when (nearly) every frame inside the library copy matched its layout."""
        return _most(self.matched, self.inside, MIN_COVERED)

    def frames_agree(self) -> bool:
        """True when enough frames match at this offset, frames with detail included, and
        they match at their own moment, in place."""
        return self.moments_agree() and self.in_place

    def moments_agree(self) -> bool:
        """True when enough frames match at this offset and at their own moment."""
        return self.pictures_agree() and self.on_time_enough and not self.off_time_often

    def pictures_agree(self) -> bool:
        """True when enough frames pass the photo checks at this offset (timing aside)."""
        if self.blank or not self.layout_agrees:
            return False
        enough = self.detailed_matched >= min(MIN_MATCHED_FRAMES, self.detailed_inside)
        return enough and _most(self.detailed_matched, self.detailed_inside, MIN_CONFIRMED)

    @property
    def on_time_enough(self) -> bool:
        """True when enough frames match at their own moment (all of them, below three)."""
        return self.timed > 0 and self.on_time >= min(MIN_MATCHED_FRAMES, self.timed)

    @property
    def off_time_often(self) -> bool:
        """True when more frames match another moment better than a copy ever has."""
        return self.off_time > forgiven(self.timed, MIN_CONFIRMED)

    @property
    def unmoving(self) -> bool:
        """True when the pictures agree but nothing in the clip moves enough to time them."""
        return self.pictures_agree() and not self.on_time_enough and not self.off_time_often

    @property
    def trimmed_only(self) -> bool:
        """True when the library copy lacks at most a few seconds at either end."""
        allowed = min(TRIM_SECONDS, TRIM_SHARE * self.length)
        return not self.blank and max(self.missing_start, self.missing_end) <= allowed


def _most(hits: int, total: int, share: float) -> bool:
    """True when ``hits`` of ``total`` is at least ``share`` (see :func:`forgiven`)."""
    return total > 0 and total - hits <= forgiven(total, share)


def forgiven(total: int, share: float) -> int:
    """How many of ``total`` frames may fail when ``share`` must pass: one from five
    frames on (one flash or blurred frame in an 8-frame clip is not a different clip)."""
    return 0 if total < SHORT_CLIP_FRAMES else max(1, int(total * (1 - share)))
