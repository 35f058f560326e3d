"""The second check before "found": do the thumbnails really show the same picture?

A dHash says two images have the same coarse layout of light and dark; different
smooth photos (skies, snow, documents) share that easily. The thumbnails are
compared by normalised correlation, allowing a one-pixel shift and the inset
crops of the haystack image, so a copy with a trimmed border still matches.

The correlation is taken after removing the best-fitting plane (overall
brightness and a linear light fall-off) from both thumbnails: two different
skies that both brighten from left to right correlate almost perfectly on their
raw pixels, but not on what is left once the gradient is gone. A thumbnail with
next to nothing left is "low information" and must match pixel for pixel.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from ..hash.signature import THUMB_SIDE, Thumbs

#: Measured with benchmarks/accuracy.py (README, "Accuracy"): copies score >= 0.86,
#: different photos that pass the hash stage <= 0.8.
DEFAULT_MIN_SIMILARITY = 0.85
#: Thumbnails with less detail than this (standard deviation in gray levels once the
#: best-fitting plane is removed) carry too little information for a correlation.
LOW_INFORMATION_STD = 1.0
#: For such flat thumbnails: the largest mean absolute difference that is still the same picture.
FLAT_MAX_DIFFERENCE = 3.0

_SHIFT = 1  # pixels a thumbnail may be shifted against the other
_WINDOW = THUMB_SIDE - 2 * _SHIFT
_FLAT_SPREAD = 1e-6  # a standard deviation below this is no spread at all


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a candidate is the same picture, with the score that decided it."""

    same: bool
    similarity: float


def is_low_information(thumb: npt.NDArray[np.uint8]) -> bool:
    """True for a blank, uniform or pure-gradient thumbnail."""
    rows = thumb.astype(np.float32).reshape(1, -1)
    return float(_detrended(rows, thumb.shape).std()) < LOW_INFORMATION_STD


def compare(needle: npt.NDArray[np.uint8], haystack: Thumbs, min_similarity: float) -> Verdict:
    """Compare a needle's whole-image thumbnail with a haystack image's inset thumbnails."""
    if is_low_information(needle) or is_low_information(haystack[0]):
        difference = float(np.abs(needle.astype(np.float32) - haystack[0]).mean())
        same = difference <= FLAT_MAX_DIFFERENCE
        return Verdict(same, 1.0 if same else 0.0)
    score = similarity(needle, haystack)
    return Verdict(score >= min_similarity, score)


def similarity(needle: npt.NDArray[np.uint8], haystack: Thumbs) -> float:
    """Best normalised correlation, plane removed, over the haystack's insets and shifts."""
    shape = (_WINDOW, _WINDOW)
    centre = needle[_SHIFT:-_SHIFT, _SHIFT:-_SHIFT].astype(np.float32).reshape(1, -1)
    windows = sliding_window_view(haystack.astype(np.float32), shape, axis=(1, 2))
    rows = windows.reshape(-1, _WINDOW * _WINDOW)
    scores = _standardised(_detrended(rows, shape)) @ _standardised(_detrended(centre, shape))[0]
    return float(np.max(scores) / centre.size)


def _detrended(rows: npt.NDArray[np.float32], shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    """Each row (a flattened image of ``shape``) minus its least-squares plane a + bx + cy."""
    out = rows - rows.mean(axis=1, keepdims=True)
    for axis in _plane_axes(shape[0], shape[1]):
        out = out - (out @ axis)[:, None] * axis[None, :]
    return np.asarray(out, dtype=np.float32)


@functools.cache
def _plane_axes(height: int, width: int) -> tuple[npt.NDArray[np.float32], ...]:
    # centred coordinates are orthogonal to the constant and to each other on a full grid
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    axes = [(c - c.mean()).ravel() for c in (xs, ys)]
    return tuple(axis / np.linalg.norm(axis) for axis in axes)


def _standardised(rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    centred = rows - rows.mean(axis=1, keepdims=True)
    spread = centred.std(axis=1, keepdims=True)
    result: npt.NDArray[np.float32] = np.divide(
        centred, spread, out=np.zeros_like(centred), where=spread > _FLAT_SPREAD
    )
    return result
