"""The detail check's block-by-block figures (:mod:`.detail` says why each is asked).

Two aligned band-passed images are cut into a grid of blocks; a block's detail is its
pixels less the block's mean, and two blocks agree when their detail correlates. The
coarse grid (``BLOCKS``) weighs blocks by their detail; the fine grid (``FINE_BLOCKS``)
counts them, and finds what moved: detail in each image where the other has none.
Every block mean is a matrix product, and the coarse figure is made for a needle's
candidates at once (leading axes: one per pair): verification runs this most.
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
#: both images.
FINE_BLOCKS = 12
FINE_MIN_DETAIL = 1.0
#: The largest share of the fine grid's blocks with detail in both images (each at least
#: BLOCK_MIN_ENERGY of its mean block) that may correlate under BLOCK_AGREEMENT.
#: Measured on 2026-11-30 over the look-alike benchmark's 599 false pairs and 7,728
#: edited copies that pass every other check (each edit of benchmarks/_edits.py on two
#: draws, of 25 and of 60 pictures, of each look-alike genre and on the shared photos):
#: copies reach 0.17 (a clip-art drawing brightened; the shared photos 0.03), 76 false
#: pairs exceed 0.25 (52 star polygons with one ring, 19 star clusters against flares),
#: 62 exceed 0.3. benchmarks/lookalikes.py: 599 -> 523 false pairs;
#: benchmarks/accuracy.py: no copy lost. Judged where the two images' energy together
#: reached a tenth of the mean (as on the 4 x 4 grid), copies reached 0.28, and a
#: shared photo's quarter, mostly sky, noised at sigma 12 reached 0.46: its sky's blocks
#: hold noise in one image and nothing in the other. Ungated, copies shrunk to 15-25 px
#: reached 0.53 and a nearly smooth wallpaper at quality 40 (detail spread 0.65) 0.51.
MAX_DISAGREEING_BLOCKS = 0.25
#: What moved (fine_figures): a block of one image with at least MOVED_MIN_DETAIL of its
#: image's mean block energy counts by how many times the other's energy there (at one
#: level, MOVED_FLOOR of the mean added: a block left blank is not infinitely weaker) it
#: holds; the strongest such block each way, the weaker of the two ways, may reach
#: MAX_MOVED. Measured on 2026-12-01 over 13,856 edited copies that passed every other
#: check (every edit of benchmarks/_edits.py, the harsher ones too, on two draws, of 25
#: and of 60 pictures, of each look-alike genre without transparency, and on the shared
#: photos), the look-alike benchmark's 522 false pairs and the 43 of 449 burst pairs
#: (OpenCV's sample footage, frames 0.5 to 4 s apart, no EXIF) that were "found": copies
#: reach 5.9 (a 3 % crop's seam), the bursts where someone walked on 9.3 to 34 (three
#: more at 5.5 to 5.7; the other 30 are still scenes: a tree, a box before the hand
#: moves it), 6 false pairs exceed 8. A minimum of 1.0 lets a copy of the harsher edits
#: reach 6.7 (a median filter), with the same bursts above it. Checked on pictures no
#: benchmark chose (OpenCV's sample photos, Extreme Tux Racer's textures: 163 of them,
#: every edit, 3,985 copies that passed the rest): at most 2.9.
MOVED_MIN_DETAIL = 1.5
MOVED_FLOOR = 0.05
MAX_MOVED = 8.0
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


@dataclass(frozen=True, slots=True)
class FineFigures:
    """The fine grid's two figures for a pair of aligned images at one level of detail."""

    apart: float  # share of the blocks with detail in both whose detail does not correlate
    moved: float  # how strongly each has detail where the other has none, both ways


def fine_figures(a: Floats, b: Floats) -> FineFigures:
    """The fine grid's figures of ``a`` and ``b`` (both 0 when either's detail is fainter
    than FINE_MIN_DETAIL: compression noise is no detail)."""
    moments = _Moments.of(a, b, FINE_BLOCKS)
    if moments.least_spread() < FINE_MIN_DETAIL:
        return FineFigures(0.0, 0.0)
    energies, against = _agreement(moments)
    means = energies.mean(axis=(1, 2), keepdims=True)
    judged = (energies >= BLOCK_MIN_ENERGY * means).all(axis=0)
    apart = int((judged & against).sum()) / max(int(judged.sum()), 1)
    return FineFigures(apart, _moved(energies, judged))


def _moved(energies: Floats, judged: npt.NDArray[np.bool_]) -> float:
    """The weaker of the two ways in which one image has detail where the other has
    next to none (the fine grid's block energies, (2, count, count); ``judged``: blocks
    with detail in both). Each image's block energies are taken at the level of the
    other (their median ratio where both have detail: a tone curve, a blur or noise
    scales every block alike); a block with at least the mean detail of its image
    counts by how many times the other's it holds (MOVED_FLOOR of the mean added to
    the other's). A copy's edits take detail away (a blur, a shrink, clipped
    highlights) or add it (noise, sharpening, a watermark's letters): one way only. A
    subject that moved leaves detail in each image where the other has none."""
    first = energies[0].astype(np.float64)
    second = energies[1].astype(np.float64)
    ratios = first[judged] / np.maximum(second[judged], _FLAT_SPREAD)
    ratio = float(np.median(ratios)) if judged.any() else 1.0
    unit = max(float(first.mean()), _FLAT_SPREAD)
    first, second = first / unit, second * ratio / unit
    ways = []
    for one, other in ((first, second), (second, first)):
        strength = np.where(one >= MOVED_MIN_DETAIL, one / (other + MOVED_FLOOR), 0.0)
        ways.append(float(strength.max()))
    return min(ways)


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
