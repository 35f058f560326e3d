"""The detail check of verification: does the fine structure agree where the layout does?

Both thumbnails are band-passed at 64 x 64 (a difference of Gaussians keeps structure 1
to 4 pixels across: stars, brick joints, text, fur) and, aligned where the layout
matched best (:mod:`.verify`), compared four ways:

- **as a whole**: normalised correlation, at least ``MIN_DETAIL``;
- **block by block** (a 4 x 4 grid): at most ``MAX_DISAGREEING`` of the detail may lie in
  blocks that do not correlate, so a block where one image has structure the other
  lacks (the hands of a clock, one more star) counts against it however well the rest
  agrees;
- **level for level**: two images with as much detail as each other (neither blurred,
  shrunk, noised or re-compressed hard against the other) must agree closely
  (``SAME_LEVEL_MIN_DETAIL``): a burst shot agrees less than any such copy. When one has
  more detail than the other, the richer one is blurred until the two are at one level
  (the blur a shrunk, blurred or re-compressed copy went through, or that smooths a
  noised copy's noise): a copy then agrees closely again, a different drawing or texture
  with the same layout does not (``MIN_MATCHED_DETAIL``). The blurred richer image must
  then also be about as strong as the other (``MATCHED_GAIN``): the blur explains the
  detail a copy lost, not a faint thin line standing in for a bold one;
- **finely, block by block**, once at one level: a 12 x 12 grid of 5-pixel blocks, of
  which at most ``MAX_DISAGREEING_BLOCKS`` of those with detail in both images may
  disagree. The 4 x 4 grid weighs blocks by their detail, so a bold shape (a bright
  star, a ring) outweighs what differs around it; counted block by block, a copy's
  blocks still agree nearly everywhere, a star cluster around a bright core against a
  flare, or another star polygon with the same ring, does not. A block with detail in
  one image only is not counted (noise over a clear sky, a watermark's letters on it).
  Not asked of a picture narrower than its thumbnail (blown up in it, its blocks are
  blur) nor of detail as faint as compression noise (``FINE_MIN_DETAIL``).

Blurring the band-passed detail is band-passing the blurred image (both are
convolutions), so the thumbnails the signature holds are all it needs. Every constant
was measured with ``benchmarks/lookalikes.py`` and ``benchmarks/accuracy.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .matrices import area_matrix, blur_matrix

Floats = npt.NDArray[np.float32]

#: Detail correlation a candidate needs, and the largest share of the detail (by energy)
#: that may lie in blocks that disagree. 0.3 let a corner watermark through; 0.2, chosen
#: on 2026-11-29, keeps two more of 45 burst shots apart (0.844 -> 0.889) and 27 more
#: look-alike pairs (1,061 -> 1,034), and loses one copy of 960 (a small photo shrunk to
#: a quarter); 0.1 lost 6 of 64 watermarked copies for 93 more pairs.
MIN_DETAIL = 0.5
MAX_DISAGREEING = 0.2
#: A block whose detail correlates less than this disagrees.
BLOCK_AGREEMENT = 0.5
#: Blocks with less than this share of the mean block energy are not judged.
BLOCK_MIN_ENERGY = 0.1
#: Images whose detail energies lie within this factor of each other have the same
#: level of detail; their detail must then correlate at least SAME_LEVEL_MIN_DETAIL.
#: Measured once on the accuracy benchmark's edited copies and look-alikes: copies at
#: the same level (re-encoded, brightened, cropped a little) reach 0.85 but for 0.4 %;
#: frames of OpenCV's sample videos 0.5 to 4 s apart (a fixed street camera, a tree in
#: the wind, a box and a cup moved by hand) that passed the other checks had 0.72-0.85
#: (83 % of them). benchmarks/accuracy.py shows the effect: bursts kept apart 0.27 -> 0.84.
SAME_DETAIL_LEVEL = 1.25
SAME_LEVEL_MIN_DETAIL = 0.85
#: Blurs (sigma, in thumbnail pixels) tried on the richer image of two at different
#: levels, and the correlation the best of them must reach: 0.7, and 0.8 for two
#: pictures of exactly one size, each at least a thumbnail across (no resampling lies
#: between their thumbnails, so the blur models their difference more closely; a
#: smaller picture is blown up in its thumbnail, its blur with it). Measured on
#: 2026-11-29 over the edited copies that passed every other check (360 look-alike-
#: corpus images and the shared photos, each edit of benchmarks/_edits.py; 3,402 of one
#: size, 2,406 resized) and the look-alike benchmark's 1,025 false pairs (904 of one
#: size): at one size, 0.8 fails 244 false pairs (211 of them Open Clip Art's generated
#: rosettes) and 6 copies (3 watermarks, 2 re-compressed at q40, 1 noised); 0.85 fails
#: 334 and 30. Resized, 0.7 fails 11 false pairs and 1 copy (a watermark; a 60-px
#: picture shrunk to a quarter passes once blurs of 2 and 3 are tried); 0.8, 38 and 18.
#: benchmarks/lookalikes.py: 1,034 -> 779 false pairs; accuracy.py: one watermarked copy
#: of 960 lost (a watermark holding a fifth of a smooth picture's detail).
MATCHED_SIGMAS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
MIN_MATCHED_DETAIL = 0.7
MIN_MATCHED_DETAIL_SAME_SIZE = 0.8
#: The amplitude of the richer image's detail, blurred at the best of MATCHED_SIGMAS,
#: against the other's must lie in this range. Measured on 2026-11-29 over 5,208 edited
#: copies (60 pictures of each look-alike genre, transparent ones too, and the shared
#: photos; every edit of benchmarks/_edits.py) and the look-alike benchmark's 777 false
#: pairs: the 947 copies at different levels had 0.59 to 1.5 (median 0.98), the 525
#: false pairs at different levels 0.49 to 22.7 (median 1.14; a bold clock face against a
#: faint ring); 0.55-1.8 sets 86 of them apart and loses no copy, 0.6-1.6 sets 128 apart
#: and loses one (a small picture shrunk to a quarter).
MATCHED_GAIN = (0.55, 1.8)
#: The fine grid (blocks across the 60 x 60 middle of the aligned detail, once at one
#: level) and the largest share of its blocks with detail in both images (each at least
#: BLOCK_MIN_ENERGY of its mean block) that may correlate under BLOCK_AGREEMENT; it
#: judges only detail with at least FINE_MIN_DETAIL gray levels of spread in both.
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
FINE_BLOCKS = 12
MAX_DISAGREEING_BLOCKS = 0.25
FINE_MIN_DETAIL = 1.0

DETAIL_SIGMAS = (0.5, 2.0)  # pixels of the 64 x 64 copy: the band kept
BLOCKS = 4
_FLAT_SPREAD = 1e-6  # a standard deviation below this is no spread at all


@dataclass(frozen=True, slots=True)
class DetailScores:
    """How the detail of two aligned thumbnails agrees."""

    correlation: float  # as a whole, at the best of a fine pixel's shifts
    disagreeing: float  # share of the detail energy in blocks that do not correlate
    level: float  # the ratio of the two detail energies (1 or more)
    matched: float  # correlation once the richer is blurred to the other's level
    gain: float = 1.0  # the blurred richer's detail amplitude against the other's
    # the fine grid's figure, measured when asked: only photos that pass the rest need it
    measure_apart: Callable[[], float] = lambda: 0.0

    def blocks_apart(self) -> float:
        """The share of the fine grid's blocks with detail that disagree (at one level)."""
        return self.measure_apart()


def scores(whole: Floats, placements: list[Floats]) -> DetailScores:
    """The detail of ``whole`` against the best-correlating of ``placements`` (windows
    of the other image the same size as ``whole``, shifted a fine pixel about)."""
    best, placed = -2.0, whole
    if placements:  # all correlations in one product: verification runs this most
        correlations = _correlations(whole, np.stack(placements))
        first_best = int(np.argmax(correlations))
        best, placed = float(correlations[first_best]), placements[first_best]
    energies = [float((x * x).sum()) for x in (whole, placed)]
    richer, poorer = (whole, placed) if energies[0] >= energies[1] else (placed, whole)
    level = max(energies) / max(min(energies), _FLAT_SPREAD)
    matched, gain = best, 1.0
    middles = (whole[1:-1, 1:-1], placed[1:-1, 1:-1])
    levelled = middles  # the two at one level of detail
    if level > SAME_DETAIL_LEVEL:
        blurs = _blur_stack(richer.shape[0])
        blurred = np.asarray(blurs @ richer @ blurs.transpose(0, 2, 1), dtype=np.float32)
        correlations = _correlations(poorer, blurred)
        first_best = int(np.argmax(correlations))
        energy = float((blurred[first_best] * blurred[first_best]).sum())
        gain = float(np.sqrt(energy / max(min(energies), _FLAT_SPREAD)))
        matched = max(matched, float(correlations[first_best]))
        levelled = (blurred[first_best][1:-1, 1:-1], poorer[1:-1, 1:-1])
    disagreeing = _disagreeing(_BlockMoments.of(*middles, BLOCKS))
    apart = functools.partial(_blocks_apart, *levelled)
    return DetailScores(best, disagreeing, level, matched, gain, apart)


def agrees(detail: DetailScores, strict: bool, resampled: bool = True, small: bool = False) -> bool:
    """The detail check's verdict. ``strict``: demand close agreement level for level
    (photos; two sampled frames of one video may lie half a second apart).
    ``resampled`` False: the two thumbnails were made from pictures of exactly one size,
    each at least a thumbnail across. ``small``: either picture is narrower than its
    thumbnail (its fine blocks are not judged)."""
    if detail.correlation < MIN_DETAIL or detail.disagreeing > MAX_DISAGREEING:
        return False
    if not strict:
        return True
    if detail.level > SAME_DETAIL_LEVEL:
        least = MIN_MATCHED_DETAIL if resampled else MIN_MATCHED_DETAIL_SAME_SIZE
        low, high = MATCHED_GAIN
        levelled = detail.matched >= least and low <= detail.gain <= high
    else:
        levelled = detail.correlation >= SAME_LEVEL_MIN_DETAIL
    return levelled and (small or detail.blocks_apart() <= MAX_DISAGREEING_BLOCKS)


def _disagreeing(moments: _BlockMoments) -> float:
    """The share of detail energy in blocks whose detail does not correlate (judged
    where the two images' energy there is at least BLOCK_MIN_ENERGY of its mean)."""
    energies, against = _block_agreement(moments)
    energy = energies[0] + energies[1]
    judged = energy >= BLOCK_MIN_ENERGY * energy.mean()
    return float(energy[judged & against].sum() / max(float(energy.sum()), _FLAT_SPREAD))


def _blocks_apart(a: Floats, b: Floats) -> float:
    """The share of the fine grid's blocks with detail in both images whose detail does
    not correlate (0 when either's detail is fainter than FINE_MIN_DETAIL)."""
    moments = _BlockMoments.of(a, b, FINE_BLOCKS)
    if moments.least_spread() < FINE_MIN_DETAIL:
        return 0.0
    energies, against = _block_agreement(moments)
    means = energies.mean(axis=(1, 2), keepdims=True)
    judged = (energies >= BLOCK_MIN_ENERGY * means).all(axis=0)
    return int((judged & against).sum()) / max(int(judged.sum()), 1)


@dataclass(frozen=True, slots=True)
class _BlockMoments:
    """Per block of a grid: the means of two images' pixels, of their squares, and of
    their products (block means are matrix products: verification runs this most)."""

    means: Floats  # (2, count, count)
    squares: Floats  # (2, count, count)
    products: Floats  # (count, count)

    @classmethod
    def of(cls, a: Floats, b: Floats, count: int) -> _BlockMoments:
        """The moments of ``a`` and ``b`` on a ``count`` x ``count`` grid from the corner."""
        side = min(a.shape) // count * count
        x, y = a[:side, :side], b[:side, :side]
        averaging = area_matrix(side, count)  # whole blocks: each block's mean
        moments = averaging @ np.stack([x, y, x * x, y * y, x * y]) @ averaging.T
        return cls(moments[:2], moments[2:4], moments[4])

    def least_spread(self) -> float:
        """The smaller of the two images' standard deviations."""
        means = self.means.mean(axis=(1, 2))
        variances = self.squares.mean(axis=(1, 2)) - means * means
        return float(np.sqrt(max(float(variances.min()), 0.0)))


def _block_agreement(moments: _BlockMoments) -> tuple[Floats, npt.NDArray[np.bool_]]:
    """Each block's detail energy in each image (its variance: each block's mean removed;
    (2, count, count)), and which blocks' detail does not correlate."""
    means = moments.means
    energies = np.maximum(moments.squares - means * means, 0)
    product = moments.products - means[0] * means[1]
    correlation = product / np.sqrt(energies[0] * energies[1] + _FLAT_SPREAD)
    return energies, correlation < BLOCK_AGREEMENT


def _correlations(image: Floats, others: Floats) -> npt.NDArray[np.float64]:
    """Normalised correlation of ``image`` with each of the stacked ``others`` (of its
    shape): 0 where either is flat."""
    x = image.ravel().astype(np.float32)
    x = x - x.mean()
    rows = others.reshape(len(others), -1)
    rows = rows - rows.mean(axis=1, keepdims=True)
    norms = np.sqrt(float(x @ x) * np.einsum("ij,ij->i", rows, rows).astype(np.float64))
    dots = (rows @ x).astype(np.float64)
    flat = norms <= _FLAT_SPREAD
    return np.where(flat, 0.0, dots / np.where(flat, 1.0, norms))


@functools.cache
def _blur_stack(side: int) -> Floats:
    """The blur matrices of MATCHED_SIGMAS for images ``side`` across, stacked."""
    return np.stack([blur_matrix(side, sigma) for sigma in MATCHED_SIGMAS])
