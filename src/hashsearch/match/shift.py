"""How far one thumbnail's content lies moved against another's, to a few hundredths of a
pixel: what :mod:`.drift` measures a video's frames and their motion with.

Phase correlation finds the whole-pixel shift robustly: the two pictures' cross-power
spectrum, each frequency's amplitude divided out, is a sharp peak at the shift. But it
weighs every frequency alike, and so gives the finest ones, where a 64-px thumbnail holds
aliasing and compression noise, as much say as the structure they blur: its peak locks
toward whole pixels, and a parabola through it was 0.08 to 0.10 of a pixel off on
average, 0.2 at most (windows of five shared photos moved by known amounts). Here the
spectrum is weighed down at the finest frequencies (:data:`LOW_PASS`), the two pictures
are windowed, and the peak is looked for on a grid of a twentieth of a pixel (the
inverse transform evaluated there, a matrix product): 0.005 to 0.03 off on average on
shifts up to 2 pixels, 0.14 at most up to 8. Windowing can also mislead: on frames of a
benchmark pan at 100 px/s over one texture (its windowed phase correlation a ridge along
the motion, not a peak), a copy's frame measured 0.4 to 1.4 pixels off its library frame
windowed and 0.02 not. So the peak of the pictures as they are is found too, and where
the two disagree by more than :data:`WINDOWED_AGREE` that one is kept (on the windows
above: 0.02 to 0.12 off on average, 0.15 at most).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]

#: Cycles a pixel: the spectrum is weighed by a Gaussian this wide (0.1 and 0.2 measured
#: worse on the windows above).
LOW_PASS = 0.15
#: The peak is looked for to 1/UPSAMPLE of a pixel (and refined by a parabola there).
UPSAMPLE = 20
#: Pixels by which windowing may move the peak and still be trusted (see displacement).
WINDOWED_AGREE = 0.15
_TINY = 1e-9


def displacement(a: Floats, b: Floats) -> tuple[float, float]:
    """How far (rows, columns) ``b``'s content must move to lie on ``a``'s, to a few
    hundredths of a pixel: the peak of their phase correlation (weighted, LOW_PASS), found
    on a grid of 1/UPSAMPLE of a pixel, the two windowed (Hann) where that moves the peak
    by at most WINDOWED_AGREE of a pixel (see the module's text)."""
    window, _, _, _ = _kernels(*a.shape)
    bare = _peak(a, b)
    windowed = _peak(a * window, b * window)
    if math.hypot(windowed[0] - bare[0], windowed[1] - bare[1]) <= WINDOWED_AGREE:
        return windowed
    return bare


def _peak(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> tuple[float, float]:
    """The peak of the weighted phase correlation of ``a`` and ``b``, to 1/UPSAMPLE of a
    pixel and refined by a parabola there."""
    rows, columns = a.shape
    _, weights, along_rows, along_columns = _kernels(rows, columns)
    near_rows, near_columns = _grid(rows, columns)
    cross = np.fft.rfft2(a) * np.conj(np.fft.rfft2(b))  # half the spectrum: a and b are real
    cross = cross / (np.abs(cross) + _TINY) * weights
    surface = np.fft.irfft2(cross, s=(rows, columns))
    y, x = np.unravel_index(int(np.argmax(surface)), surface.shape)
    y0, x0 = _wrapped(float(y), rows), _wrapped(float(x), columns)
    # the grid's transforms around 0 (_grid), moved to the whole-pixel peak: each column
    # of near_rows (row of near_columns) turned by its frequency's phase at the peak
    to_rows = near_rows * np.exp(2j * np.pi * along_rows * y0)[None, :]
    to_columns = near_columns * np.exp(2j * np.pi * along_columns * x0)[:, None]
    grid = (to_rows @ cross @ to_columns).real
    i, j = np.unravel_index(int(np.argmax(grid)), grid.shape)
    last = 2 * UPSAMPLE
    dy, dx = y0 + (i - UPSAMPLE) / UPSAMPLE, x0 + (j - UPSAMPLE) / UPSAMPLE
    if 0 < i < last:
        dy += _vertex(grid[i - 1, j], grid[i, j], grid[i + 1, j]) / UPSAMPLE
    if 0 < j < last:
        dx += _vertex(grid[i, j - 1], grid[i, j], grid[i, j + 1]) / UPSAMPLE
    return (dy, dx)


@functools.lru_cache(maxsize=4)
def _grid(rows: int, columns: int) -> tuple[npt.NDArray[np.complex128], ...]:
    """The inverse transform's rows and columns at a pixel either side of 0, in steps of
    1/UPSAMPLE, the columns over half the spectrum (each frequency but 0 and the highest
    counted twice, for its mirror image; read-only: they are shared)."""
    fine = np.arange(-UPSAMPLE, UPSAMPLE + 1) / UPSAMPLE
    near_rows = np.exp(2j * np.pi * np.outer(fine, np.fft.fftfreq(rows)))
    twice = np.full(columns // 2 + 1, 2.0)
    twice[0] = 1.0
    if columns % 2 == 0:
        twice[-1] = 1.0
    near_columns = np.exp(2j * np.pi * np.outer(np.fft.rfftfreq(columns), fine)) * twice[:, None]
    for kernel in (near_rows, near_columns):
        kernel.flags.writeable = False
    return near_rows, near_columns


@functools.lru_cache(maxsize=4)
def _kernels(rows: int, columns: int) -> tuple[npt.NDArray[np.float64], ...]:
    """A Hann window, the half spectrum's weights (a Gaussian of LOW_PASS cycles a pixel)
    and its frequencies along rows and columns (read-only: they are shared)."""
    along_rows, along_columns = np.fft.fftfreq(rows), np.fft.rfftfreq(columns)
    window = np.outer(np.hanning(rows), np.hanning(columns))
    squared = along_rows[:, None] ** 2 + along_columns[None, :] ** 2
    weights = np.exp(-squared / (2 * LOW_PASS**2))
    kernels = tuple(np.asarray(k, np.float64) for k in (window, weights, along_rows, along_columns))
    for kernel in kernels:
        kernel.flags.writeable = False
    return kernels


def _vertex(low: float, peak: float, high: float) -> float:
    """Where a parabola through three neighbouring values peaks, from the middle one."""
    curvature = low - 2 * peak + high
    return 0.0 if abs(curvature) < _TINY else 0.5 * (low - high) / curvature


def _wrapped(shift: float, size: int) -> float:
    """A circular shift as the signed one nearest zero."""
    return shift - size if shift > size / 2 else shift
