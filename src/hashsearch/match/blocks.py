"""The detail check's block-by-block figures (:mod:`.detail` says why each is asked).

Two aligned band-passed images are cut into a grid of blocks; a block's detail is its
pixels less the block's mean, and two blocks agree when their detail correlates. The
coarse grid (``BLOCKS``) weighs blocks by their detail; the fine grid (``FINE_BLOCKS``)
counts them. Every block mean is a matrix product, and the coarse figure is made for a
needle's candidates at once (leading axes: one per pair): verification runs this most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .matrices import area_matrix

Floats = npt.NDArray[np.float32]

#: The coarse grid: BLOCKS x BLOCKS blocks over the aligned detail.
BLOCKS = 4
#: A block whose detail correlates less than this disagrees.
BLOCK_AGREEMENT = 0.5
#: Blocks with less than this share of the mean block energy are not judged.
BLOCK_MIN_ENERGY = 0.1
#: The fine grid (blocks across the 60 x 60 middle of the aligned detail, once at one
#: level); it judges only detail with at least FINE_MIN_DETAIL gray levels of spread in
#: both images (measured with .detail.MAX_DISAGREEING_BLOCKS).
FINE_BLOCKS = 12
FINE_MIN_DETAIL = 1.0
_FLAT_SPREAD = 1e-6  # a standard deviation below this is no spread at all


def disagreeing(a: Floats, b: Floats) -> npt.NDArray[np.float64]:
    """The share of detail energy in blocks of the coarse grid whose detail does not
    correlate (judged where the two images' energy there is at least BLOCK_MIN_ENERGY of
    its mean), for each pair of ``a`` and ``b`` (..., side, side)."""
    energies, against = _agreement(_Moments.of(a, b, BLOCKS))
    energy = energies[..., 0, :, :] + energies[..., 1, :, :]
    judged = energy >= BLOCK_MIN_ENERGY * energy.mean(axis=(-2, -1), keepdims=True)
    apart = np.where(judged & against, energy, 0.0).sum(axis=(-2, -1), dtype=np.float64)
    total = energy.sum(axis=(-2, -1), dtype=np.float64)
    return np.asarray(apart / np.maximum(total, _FLAT_SPREAD), dtype=np.float64)


def blocks_apart(a: Floats, b: Floats) -> float:
    """The share of the fine grid's blocks with detail in both images whose detail does
    not correlate (0 when either's detail is fainter than FINE_MIN_DETAIL)."""
    moments = _Moments.of(a, b, FINE_BLOCKS)
    if moments.least_spread() < FINE_MIN_DETAIL:
        return 0.0
    energies, against = _agreement(moments)
    means = energies.mean(axis=(1, 2), keepdims=True)
    judged = (energies >= BLOCK_MIN_ENERGY * means).all(axis=0)
    return int((judged & against).sum()) / max(int(judged.sum()), 1)


@dataclass(frozen=True, slots=True)
class _Moments:
    """Per block of a grid: the means of two images' pixels, of their squares, and of
    their products (leading axes: one per pair of images)."""

    means: Floats  # (..., 2, count, count)
    squares: Floats  # (..., 2, count, count)
    products: Floats  # (..., count, count)

    @classmethod
    def of(cls, a: Floats, b: Floats, count: int) -> _Moments:
        """The moments of ``a`` and ``b`` on a ``count`` x ``count`` grid from the corner."""
        side = min(a.shape[-2:]) // count * count
        x, y = a[..., :side, :side], b[..., :side, :side]
        averaging = area_matrix(side, count)  # whole blocks: each block's mean
        stacked = np.stack([x, y, x * x, y * y, x * y], axis=-3)
        moments = averaging @ stacked @ averaging.T
        return cls(moments[..., :2, :, :], moments[..., 2:4, :, :], moments[..., 4, :, :])

    def least_spread(self) -> float:
        """The smaller of the two images' standard deviations (one pair)."""
        means = self.means.mean(axis=(1, 2))
        variances = self.squares.mean(axis=(1, 2)) - means * means
        return float(np.sqrt(max(float(variances.min()), 0.0)))


def _agreement(moments: _Moments) -> tuple[Floats, npt.NDArray[np.bool_]]:
    """Each block's detail energy in each image (its variance: each block's mean removed;
    (..., 2, count, count)), and which blocks' detail does not correlate."""
    means = moments.means
    energies = np.maximum(moments.squares - means * means, 0)
    product = moments.products - means[..., 0, :, :] * means[..., 1, :, :]
    spread = energies[..., 0, :, :] * energies[..., 1, :, :] + _FLAT_SPREAD
    correlation = product / np.sqrt(spread)
    return energies, correlation < BLOCK_AGREEMENT
