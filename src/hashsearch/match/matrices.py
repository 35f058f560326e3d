"""OpenCV's resampling by area and Gaussian blur, as matrices NumPy can apply.

A square image ``x`` resized is ``m @ x @ m.T`` with the matrix of one axis; that keeps
verification to small matrix products, so a run whose signatures all come from the cache
never loads OpenCV, and gives the same numbers as ``cv2.resize(INTER_AREA)`` and
``cv2.GaussianBlur`` (tests/test_match.py pins them against OpenCV).
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from ..hash.signature import inset_pixels

Floats = npt.NDArray[np.float32]


@functools.cache
def area_matrix(source: int, target: int) -> Floats:
    """Resampling by area, as a (target x source) matrix: each output pixel is the mean of
    the input it covers, partly covered pixels weighted by the part (OpenCV's INTER_AREA)."""
    matrix = np.zeros((target, source), dtype=np.float64)
    scale = source / target
    for out in range(target):
        start, end = out * scale, (out + 1) * scale
        for pixel in range(int(np.floor(start)), min(source, int(np.ceil(end)))):
            matrix[out, pixel] = min(end, pixel + 1) - max(start, pixel)
    matrix /= matrix.sum(axis=1, keepdims=True)
    return matrix.astype(np.float32)


@functools.cache
def blur_matrix(side: int, sigma: float) -> Floats:
    """Gaussian blur along one axis as a matrix: OpenCV's kernel for float images
    (size 8 sigma + 1, made odd) and its default border (reflect, edge pixel not repeated)."""
    size = round(sigma * 8 + 1) | 1
    offsets = np.arange(size) - (size - 1) / 2
    kernel = np.exp(-(offsets**2) / (2 * sigma * sigma))
    kernel /= kernel.sum()
    matrix = np.zeros((side, side), dtype=np.float64)
    for row in range(side):
        for weight, offset in zip(kernel, offsets.astype(int), strict=True):
            column = _reflect_101(row + offset, side)
            matrix[row, column] += weight
    return matrix.astype(np.float32)


def _reflect_101(index: int, side: int) -> int:
    """OpenCV's BORDER_REFLECT_101: ... 2 1 | 0 1 2 ... side-1 | side-2 ..."""
    period = 2 * side - 2
    index = abs(index) % period
    return period - index if index >= side else index


@functools.cache
def inset_matrices(
    side: int, coarse_side: int, fine_side: int, sigmas: tuple[float, float]
) -> tuple[Floats, Floats, Floats]:
    """Every inset crop of a thumbnail ``side`` across resized, as matrices of the whole
    thumbnail, stacked one per inset: to ``coarse_side``, and to ``fine_side`` then
    blurred by each of the two ``sigmas`` (their difference is a band-pass)."""
    coarse, low, high = [], [], []
    blurs = [blur_matrix(fine_side, sigma) for sigma in sigmas]
    for cut in inset_pixels(side):

        def placed(target: int, cut: int = cut) -> Floats:
            matrix = np.zeros((target, side), dtype=np.float32)
            matrix[:, cut : side - cut] = area_matrix(side - 2 * cut, target)
            return matrix

        coarse.append(placed(coarse_side))
        fine = placed(fine_side)
        low.append(blurs[0] @ fine)
        high.append(blurs[1] @ fine)
    return np.stack(coarse), np.stack(low), np.stack(high)


def apply(matrices: Floats, pixels: Floats) -> Floats:
    """``m @ pixels @ m.T`` for each of the stacked ``matrices``."""
    return np.asarray(matrices @ pixels @ matrices.transpose(0, 2, 1), dtype=np.float32)
