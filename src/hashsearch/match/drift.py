"""Do a copy's frames lie in place? Another recording along the same path does not.

Two recordings of one place can pass every frame check at one time offset when the
camera moved along nearly the same path: a second pan over a scene, a little faster,
runs through the same views a few pixels off, and the frame checks allow a pixel of
shift (benchmarks/videos.py: a second pan over one scene, re-encoded at 320 px, was
"found" against the first; its frames lay 0.7 to 1.9 thumbnail pixels off, drifting
from one side to the other). A copy's frame shows the view of the frame it matched in
place, moved only as far as the camera moved between the two moments they were sampled
at. So where the other clip was sampled densely (a frame every 0.25 s), each judged
frame's displacement against the frame it matched is measured (phase correlation of
the band-passed 64 x 64 thumbnails, to a tenth of a pixel), and so is the motion the
other clip shows there (against its frame half a second away). The offset the frames were
matched at may be a fraction of a step off, which moves every frame along the motion
alike: the time that explains the displacements best is found (least squares), and a
copy keeps the median of what it leaves under :data:`MAX_DISPLACEMENT`. A drift cannot
be explained so: it grows from the moment the two views coincide, both ways. Where the
camera shakes (a hand holding it), the view between two sampled frames cannot be told,
and such frames are not measured (:data:`MAX_JERK`): the rule then says nothing.

The rule judges the offset the frames agree best at and never makes another one chosen
(:attr:`.coverage.Coverage.goodness`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from .timing import Frames

Floats = npt.NDArray[np.float32]

#: The median displacement (thumbnail pixels, motion between the sampled moments
#: removed) a copy's frames may show. Measured on 2026-11-30 with benchmarks/videos.py,
#: every backup clip re-encoded, at the offset chosen: copies of pans at up to 30 px/s at
#: most 0.21, at up to 100 px/s 0.49 (one; the next 0.28), of --long pans 0.14, of real
#: footage 0.12 (parts of it that overlap the library clip, the same frames, up to 0.49);
#: the second pan that was found before, 0.76. The margin is narrow on both sides.
MAX_DISPLACEMENT = 0.6
#: Fewer frames than this measured: no verdict on their place.
MIN_PLACED = 3
#: The other clip is sampled densely enough when its neighbouring frames lie this close
#: (seconds): its motion over so short a time is measured reliably.
DENSE_GAP = 0.5
#: Thumbnail pixels by which the other clip's motion over a STEP may change from one
#: sampled step to the next around a frame that is measured: beyond it the camera shakes
#: (a handheld clip), the view between two sampled frames cannot be told, and the frame
#: is not measured. Measured on 2026-11-30: smooth pans re-encoded at 320 px up to 0.73
#: (the estimate's own noise), pans shaken by 4 and 10 px of 640 at 1 to 2 Hz 0.4 to 4.9,
#: nearly all over 1.2; without it 3 of 12 trims of the shaken pans were lost.
MAX_JERK = 1.0
#: Seconds: the sampled step MAX_JERK is counted over.
STEP = 0.25
#: Seconds over which the other clip's motion is measured.
BASELINE = 0.5
#: Seconds the offset the frames were matched at may be off (a fraction of a step).
MAX_LATE = 1.0
#: A frame is measured only against a frame of the other clip this many of its gaps
#: from its moment at most: one of the two nearest it.
NEAREST = 0.6
_TINY = 1e-9


def in_place(judged: Frames, other: Frames, pairs: Iterable[tuple[int, int]]) -> bool:
    """True unless the judged frames lie displaced against the frames they matched
    (``pairs``: judged frame, other frame), more than the camera's motion explains."""
    left = offsets(judged, other, pairs)
    return len(left) < MIN_PLACED or statistics.median(left) <= MAX_DISPLACEMENT


def offsets(judged: Frames, other: Frames, pairs: Iterable[tuple[int, int]]) -> list[float]:
    """How far (thumbnail pixels) each measurable judged frame lies from the frame it
    matched beyond the motion between their moments. The offset the frames are matched
    at may be a fraction of a step off (a trimmed copy's frames fall between the other's):
    that moves every frame along the camera's motion alike, so the time that explains the
    displacements best is found first (least squares), and only what it leaves counts."""
    measured = [found for k, m in pairs if (found := _measure(judged, other, k, m)) is not None]
    if not measured:
        return []
    shifts, speeds, lags = (np.array(column) for column in zip(*measured, strict=True))
    power = float((speeds * speeds).sum())
    late = (speeds * (shifts - speeds * lags[:, None])).sum() / power if power > _TINY else 0
    late = float(np.clip(late, -MAX_LATE, MAX_LATE))
    unexplained = np.hypot(*(shifts - speeds * (lags + late)[:, None]).T)
    kept = np.minimum(unexplained, np.hypot(*shifts.T))  # a frame in place is in place
    return [float(value) for value in kept]


def _measure(
    judged: Frames, other: Frames, k: int, m: int
) -> tuple[tuple[float, float], npt.NDArray[np.float64], float] | None:
    """Judged frame ``k``'s displacement against other frame ``m``, the other clip's
    motion there (pixels a second) and the time from ``k``'s moment to ``m``'s; None
    where the other clip is sampled sparsely, or ``m`` is not one of the frames nearest
    ``k``'s moment (a frame of a trimmed part)."""
    if not 0 < m < len(other.times) - 1:
        return None  # an end of the clip: how its motion changes cannot be told
    gap = other.times[m + 1] - other.times[m]
    lag = other.times[m] - (judged.times[k] + judged.shift)  # seconds: matched - judged
    if not 0 < gap <= DENSE_GAP or abs(lag) > NEAREST * gap:
        return None
    if _jerky(other, m):
        return None  # a shaking hand: where the view was between two frames is not known
    # the motion over about half a second: a slow pan moves by whole pixels of the frame,
    # a pixel in one sampled frame and none in the next
    ahead = other.near(other.times[m] + BASELINE, BASELINE / 2)
    behind = other.near(other.times[m] - BASELINE, BASELINE / 2)
    far = (ahead or behind or [m + 1])[0]
    span = other.times[far] - other.times[m]
    matched = other.frame(m).fine[0]
    moved = np.array(displacement(matched, other.frame(far).fine[0])) / span
    return displacement(judged.frame(k).fine[0], matched), moved, lag


def _jerky(other: Frames, m: int) -> bool:
    """True when the other clip's motion changes from one sampled step to the next around
    frame ``m`` (not an end of the clip) by more than :data:`MAX_JERK`."""
    before, here, after = (other.frame(j).fine[0] for j in (m - 1, m, m + 1))
    (early, now, late) = (other.times[j] for j in (m - 1, m, m + 1))
    speeds = np.array(displacement(before, here)) / (now - early)
    change = np.array(displacement(here, after)) / (late - now) - speeds  # pixels a second
    return bool(np.hypot(*change) * STEP > MAX_JERK)


def displacement(a: Floats, b: Floats) -> tuple[float, float]:
    """How far (rows, columns) ``b``'s content must move to lie on ``a``'s, to a fraction
    of a pixel (phase correlation, the peak refined by a parabola through its neighbours)."""
    cross = np.fft.fft2(a) * np.conj(np.fft.fft2(b))
    surface = np.fft.ifft2(cross / (np.abs(cross) + _TINY)).real
    y, x = np.unravel_index(int(np.argmax(surface)), surface.shape)
    rows, columns = surface.shape
    dy = y + _vertex(surface[(y - 1) % rows, x], surface[y, x], surface[(y + 1) % rows, x])
    dx = x + _vertex(surface[y, (x - 1) % columns], surface[y, x], surface[y, (x + 1) % columns])
    return (_wrapped(float(dy), rows), _wrapped(float(dx), columns))


def _vertex(low: float, peak: float, high: float) -> float:
    """Where a parabola through three neighbouring values peaks, from the middle one."""
    curvature = low - 2 * peak + high
    return 0.0 if abs(curvature) < _TINY else 0.5 * (low - high) / curvature


def _wrapped(shift: float, size: int) -> float:
    """A circular shift as the signed one nearest zero."""
    return shift - size if shift > size / 2 else shift
