"""Is a matched frame shown at its own moment? The evidence that tells recordings apart.

Two clips of one scene filmed from a tripod (a street, a room, a sleeping child) share
every frame's background, so a frame of one passes the photo checks against frames of
the other: matching frames prove nothing by themselves. Measured on real footage
(OpenCV's ``vtest.avi``, a fixed street camera; ``benchmarks/videos.py``): seconds 35 to
60 of it matched seconds 4 to 25, 19 of 21 frames. What a copy has and another recording
lacks is timing: in a copy, the frame shown at the same moment matches better than the
frames shown a second or two earlier or later (people have walked on, the camera has
turned); in another recording the moment makes no difference.

So each frame judged at an offset is compared, by its detail, with the other clip's
frame at its moment and with the other clip's nearest frames at least
:data:`FAR_SECONDS` away on either side:

* **on time**: the frame at its moment is clearly the better match: it removes at least
  :data:`ON_TIME_SHARE` of the mismatch the far frames leave, and at least
  :data:`MIN_GAIN` of correlation;
* **off time**: a far frame matches better by :data:`OFF_TIME_BY`: the frames line up
  with another moment;
* **any time**: neither (nothing moved enough);
* **untimed**: no detail to compare, or no frame of the other clip that far away.

On the benchmark's copies (re-encoded, trimmed between sampled frames, re-muxed,
turned) no frame is off time, and of the frames with detail nearly all are on time in
camera pans, fewer in real footage where little moves (a tree in the wind: 7 of 33 to
35 of its copies' frames, 2 to 7 before MIN_GAIN went from 0.03 to 0.025); on other
stretches of the same fixed-camera footage at most one frame in twenty is on time and
up to half are off time (measured again on 2026-11-30, every frame of a later recording
against every library frame it passes the photo checks with: 1 of 209 pairs of the
street, 0 of 665 of the tree). A clip in which nothing moves has no frame on time: it
cannot be told from another recording of the scene and is never found
(:mod:`.coverage`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from ..hash.clip import VideoSignature
from .verify import Prepared, detail_correlation

#: Seconds from a frame's moment beyond which the other clip's frames show another one
#: (more than the 0.6 s two sampled frames of a copy may lie apart).
FAR_SECONDS = 1.5
#: Share of the far frames' mismatch (1 - correlation) the frame at its moment must remove.
ON_TIME_SHARE = 0.5
#: Correlation the frame at its moment must gain over the far frames (a clip that barely
#: moves gains next to nothing: no evidence). Measured on 2026-11-30: a slow pan's copy
#: trimmed at the start (benchmarks/videos.py, ~1 thumbnail pixel a second over a
#: detailed photo) gains 0.026 to 0.040 over the frames 1.5 s away (0.998 against 0.958
#: to 0.972), and was lost at 0.03, on time in 1 to 2 of 8 frames; of the later
#: recordings of the benchmark's fixed-camera footage, two frame pairs remove
#: ON_TIME_SHARE of the mismatch: one of the street's 209 (gaining 0.14: on time at any
#: gain asked; the street's other pairs gain up to 0.125 but fail the share, people having
#: walked on) and one of the tree's 665, gaining 0.023. At 0.02 that pair was on time;
#: halfway between, it is not, and every copy found at 0.02 is found.
MIN_GAIN = 0.025
#: Correlation by which a far frame must beat the frame at its moment to count against.
OFF_TIME_BY = 0.05


class Timing(Enum):
    """What one frame says about the moment it was matched at."""

    ON_TIME = "on time"
    OFF_TIME = "off time"
    ANY_TIME = "any time"
    UNTIMED = "untimed"


def timing(frame: Prepared, at_its_moment: Prepared, far: Sequence[Prepared]) -> Timing:
    """Whether ``frame`` matches the frame ``at_its_moment`` clearly better than ``far``
    frames of the same clip (see the module's text)."""
    here = detail_correlation(frame, at_its_moment)
    elsewhere = [c for c in (detail_correlation(frame, other) for other in far) if c is not None]
    if here is None or not elsewhere:
        return Timing.UNTIMED
    return judged(here, max(elsewhere))


def judged(here: float, best: float) -> Timing:
    """What a frame's detail correlation ``here`` (at its moment) and ``best`` (the best
    of the far frames) say (see the module's text)."""
    if best - here >= OFF_TIME_BY:
        return Timing.OFF_TIME
    gain = here - best
    if gain >= MIN_GAIN and gain >= ON_TIME_SHARE * (1 - best):
        return Timing.ON_TIME
    return Timing.ANY_TIME


@dataclass(frozen=True, slots=True)
class Frames:
    """One clip's sampled frames as a coverage walks them: times, frames, and the shift
    that takes its times to the other clip's."""

    times: Sequence[float]
    frame: Callable[[int], Prepared]
    shift: float

    def near(self, seconds: float, tolerance: float) -> list[int]:
        """The frames shown within ``tolerance`` of ``seconds``, nearest first."""
        low = bisect.bisect_left(self.times, seconds - tolerance)
        high = bisect.bisect_right(self.times, seconds + tolerance)
        return sorted(range(low, high), key=lambda k: abs(self.times[k] - seconds))

    def far(self, seconds: float, distance: float = FAR_SECONDS) -> list[int]:
        """The nearest frames at least ``distance`` before and after ``seconds`` (0 to 2)."""
        before = bisect.bisect_right(self.times, seconds - distance) - 1
        after = bisect.bisect_left(self.times, seconds + distance)
        return [k for k in (before, after) if 0 <= k < len(self.times)]


@dataclass(frozen=True, slots=True)
class Needle:
    """The needle video as matching walks it: its frames prepared on demand, and whether
    it has too little detail to be evidence."""

    video: VideoSignature
    frame: Callable[[int], Prepared]
    blank: bool
