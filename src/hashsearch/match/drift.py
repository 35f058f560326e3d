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
the band-passed 64 x 64 thumbnails, to a few hundredths of a pixel: :func:`displacement`),
and so is the motion the other clip shows there (against its frame half a second away).
The offset the frames were matched at may be a fraction of a step off, which moves every
frame along the motion alike: the time that explains the displacements best is found
(least squares), and a copy keeps the median of what it leaves under
:data:`MAX_DISPLACEMENT`. A drift cannot be explained so: it grows from the moment the
two views coincide, both ways. Where the camera shakes (a hand holding it), the view
between two sampled frames cannot be told, and such frames are not measured
(:data:`MAX_JERK`): the rule then says nothing.

A second pan along the same path at nearly the same speed drifts by less than that
(0.95 of the speed over 36 s: a few tenths of a pixel either side), and where the other
clip keeps a frame only each second the displacements are not judged one by one at all.
What such a pan cannot hide is its clock: its views pass at another rate. A copy's frames
keep their times, so the time the displacements leave is the same all along the clip;
where the other clip keeps a frame at least each second (a keyframe a second, or denser),
the rate at which that time grows is fitted with it (least squares, with its standard
error), and a copy's stays within :data:`MAX_RATE` wherever it is known to within
:data:`MAX_RATE_ERROR`. No one frame decides it: an encoder lets a slow pan's view stall
between keyframes and catch up at the next (benchmarks/videos.py: one frame of a copy
0.19 s of motion off, the others 0.03 s), so with more than MIN_RATED frames the rate is
fitted with each frame left out in turn, and the fit nearest zero is the one judged; and
no displacement is taken as known to better than :data:`MIN_NOISE` (two such frames).

The rule judges the offset the frames agree best at and never makes another one chosen
(:attr:`.coverage.Coverage.goodness`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .shift import displacement
from .timing import Frames

#: The median displacement (thumbnail pixels, motion between the sampled moments
#: removed) a copy's frames may show. Measured on 2026-11-30 with benchmarks/videos.py,
#: every backup clip re-encoded, at the offset chosen: copies of pans at up to 30 px/s at
#: most 0.21, at up to 100 px/s 0.49 (one; the next 0.28), of --long pans 0.14, of real
#: footage 0.12 (parts of it that overlap the library clip, the same frames, up to 0.49);
#: the second pan that was found before, 0.76. The margin is narrow on both sides.
MAX_DISPLACEMENT = 0.6
#: Fewer frames than this measured: no verdict on their place.
MIN_PLACED = 3
#: Seconds of time error a second that a copy's frames may gain or lose against the
#: other clip's (their clocks' rates differ by this share). Measured on 2026-11-30 with
#: benchmarks/videos.py at 30 px/s, every backup and real footage, at the offset found:
#: pans moving smoothly, of 298 copies found 209 had a rate known to within
#: MAX_RATE_ERROR, at most 0.008 (0.053 fitted with every frame: a keyframe catching up);
#: of 118 second recordings along a library pan's path (the pan re-timed to 0.95 and 1.05
#: of its speed: 0.05 true) that were "found", 101 had one over MAX_RATE so known. Pans
#: moved in whole pixels (ffmpeg's crop, stepping as an encoder's stalls do): copies up
#: to 0.024 (2 of 303 lost), where 36-s pans over shared photos at 0.97 of the speed
#: (0.031 true) measured 0.011 to 0.025: at 0.025, 6 of those 10 were "found".
MAX_RATE = 0.02
#: The rate is judged only when its standard error is at most this (a clip with enough
#: frames measured over enough motion and time).
MAX_RATE_ERROR = 0.015
#: Fewer frames than this measured: no rate (with more, each fit leaves one out).
MIN_RATED = 4
#: The other clip's frames must lie this close (seconds) for the rate to be measured:
#: every keyframe of a phone's clip (decode/video.py keeps them when no two lie more than
#: 1.05 s apart).
RATE_GAP = 1.05
#: Thumbnail pixels: the least noise assumed in a displacement (the error of a rate fitted
#: to a few frames that happen to agree closely is not taken as smaller than this allows).
#: An encoder's stalls put two of a slow pan's 5 copy frames 0.16 and 0.25 s of motion
#: off (0.06 px left, rms), and at 0.05 the copy's clock seemed known to within 0.0122,
#: 0.030 off; at 0.07, on the 30 px/s logs, 101 instead of 110 of 118 second pans along
#: a path are caught and no copy is lost.
MIN_NOISE = 0.07
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


class _Measured(NamedTuple):
    """One judged frame as measured against the other clip's frame it matched."""

    shift: tuple[float, float]  # its displacement, thumbnail pixels (rows, columns)
    speed: npt.NDArray[np.float64]  # the other clip's motion there, pixels a second
    lag: float  # seconds from its moment to the matched frame's
    moment: float  # its moment, in the other clip's time
    gap: float  # seconds to the other clip's next frame


def in_place(judged: Frames, other: Frames, pairs: Iterable[tuple[int, int]]) -> bool:
    """True unless the judged frames lie displaced against the frames they matched
    (``pairs``: judged frame, other frame), more than the camera's motion explains, or
    their clock runs at another rate than the other clip's."""
    measured = _measured(judged, other, pairs)
    left = _unexplained([x for x in measured if x.gap <= DENSE_GAP])
    if len(left) >= MIN_PLACED and statistics.median(left) > MAX_DISPLACEMENT:
        return False
    rate = _rate(measured)
    return rate is None or abs(rate) <= MAX_RATE


def offsets(judged: Frames, other: Frames, pairs: Iterable[tuple[int, int]]) -> list[float]:
    """How far (thumbnail pixels) each measurable judged frame lies from the frame it
    matched beyond the motion between their moments, where the other clip is sampled
    densely (a frame each DENSE_GAP at least)."""
    return _unexplained([x for x in _measured(judged, other, pairs) if x.gap <= DENSE_GAP])


def clock_rate(judged: Frames, other: Frames, pairs: Iterable[tuple[int, int]]) -> float | None:
    """Seconds a second by which the judged frames' time runs off the other clip's (a
    copy: none); None where it cannot be told to within :data:`MAX_RATE_ERROR`."""
    return _rate(_measured(judged, other, pairs))


def _measured(judged: Frames, other: Frames, pairs: Iterable[tuple[int, int]]) -> list[_Measured]:
    return [found for k, m in pairs if (found := _measure(judged, other, k, m)) is not None]


def _unexplained(measured: list[_Measured]) -> list[float]:
    """What each frame's displacement leaves beyond the motion between the two moments.
    The offset the frames are matched at may be a fraction of a step off (a trimmed copy's
    frames fall between the other's): that moves every frame along the camera's motion
    alike, so the time that explains the displacements best is found first (least
    squares), and only what it leaves counts."""
    if not measured:
        return []
    shifts, speeds, left = _columns(measured)
    power = float((speeds * speeds).sum())
    late = float((speeds * left).sum() / power) if power > _TINY else 0.0
    late = float(np.clip(late, -MAX_LATE, MAX_LATE))
    unexplained = np.hypot(*(left - speeds * late).T)
    kept = np.minimum(unexplained, np.hypot(*shifts.T))  # a frame in place is in place
    return [float(value) for value in kept]


def _rate(measured: list[_Measured]) -> float | None:
    """The time error's growth a second that no one frame decides: fitted (:func:`_fit`)
    with each frame left out in turn, the fit nearest zero (MIN_RATED frames: all of them);
    None when fewer than MIN_RATED frames, a fit is degenerate, or that fit's standard
    error is over MAX_RATE_ERROR."""
    if len(measured) < MIN_RATED:
        return None
    if len(measured) == MIN_RATED:
        fits = [_fit(measured)]
    else:
        fits = [_fit(measured[:k] + measured[k + 1 :]) for k in range(len(measured))]
    made = [fit for fit in fits if fit is not None]
    if len(made) < len(fits):
        return None
    rate, error = min(made, key=lambda fit: abs(fit[0]))
    return rate if error <= MAX_RATE_ERROR else None


def _fit(measured: list[_Measured]) -> tuple[float, float] | None:
    """The rate and its standard error: the displacements less the motion between the
    moments fitted as the motion over a time error plus that rate times the moment
    (least squares); None when there is no motion or every frame is at one moment."""
    _, speeds, left = _columns(measured)
    moments = np.array([x.moment for x in measured])
    design = np.column_stack(
        [speeds.ravel(), (speeds * (moments - moments.mean())[:, None]).ravel()]
    )
    normal = design.T @ design
    determinant = float(normal[0, 0] * normal[1, 1] - normal[0, 1] * normal[1, 0])
    if determinant <= 1e-9 * float(normal[0, 0] * normal[1, 1]) or determinant <= _TINY:
        return None
    fitted = np.linalg.solve(normal, design.T @ left.ravel())
    residual = left.ravel() - design @ fitted
    noise = max(float(residual @ residual) / (residual.size - 2), MIN_NOISE**2)
    return float(fitted[1]), math.sqrt(noise * float(normal[0, 0]) / determinant)


def _columns(measured: list[_Measured]) -> tuple[npt.NDArray[np.float64], ...]:
    """The frames' displacements, the other clip's motion at each, and what each
    displacement leaves beyond the motion between the two moments (one row a frame)."""
    shifts = np.array([x.shift for x in measured], dtype=np.float64)
    speeds = np.array([x.speed for x in measured], dtype=np.float64)
    lags = np.array([x.lag for x in measured], dtype=np.float64)
    return shifts, speeds, shifts - speeds * lags[:, None]


def _measure(judged: Frames, other: Frames, k: int, m: int) -> _Measured | None:
    """Judged frame ``k`` measured against other frame ``m``; None where the other clip
    is sampled sparsely, or ``m`` is not one of the frames nearest ``k``'s moment (a frame
    of a trimmed part)."""
    if not 0 < m < len(other.times) - 1:
        return None  # an end of the clip: how its motion changes cannot be told
    gap = other.times[m + 1] - other.times[m]
    moment = judged.times[k] + judged.shift
    lag = other.times[m] - moment  # seconds: matched - judged
    if not 0 < gap <= RATE_GAP or abs(lag) > NEAREST * gap:
        return None
    if _jerky(other, m):
        return None  # a shaking hand: where the view was between two frames is not known
    # the motion over about half a second: a slow pan moves by whole pixels of the frame,
    # a pixel in one sampled frame and none in the next
    ahead = other.near(other.times[m] + BASELINE, BASELINE / 2)
    behind = other.near(other.times[m] - BASELINE, BASELINE / 2)
    far = (ahead or behind or [m + 1])[0]
    span = other.times[far] - other.times[m]
    matched = other.frame(m).fine()
    moved = np.array(displacement(matched, other.frame(far).fine())) / span
    return _Measured(displacement(judged.frame(k).fine(), matched), moved, lag, moment, gap)


def _jerky(other: Frames, m: int) -> bool:
    """True when the other clip's motion changes from one sampled step to the next around
    frame ``m`` (not an end of the clip) by more than :data:`MAX_JERK`."""
    before, here, after = (other.frame(j).fine() for j in (m - 1, m, m + 1))
    (early, now, late) = (other.times[j] for j in (m - 1, m, m + 1))
    speeds = np.array(displacement(before, here)) / (now - early)
    change = np.array(displacement(here, after)) / (late - now) - speeds  # pixels a second
    return bool(np.hypot(*change) * STEP > MAX_JERK)
