"""The detail check of verification: does the fine structure agree where the layout does?

Both thumbnails are band-passed at 64 x 64 (a difference of Gaussians keeps structure 1
to 4 pixels across: stars, brick joints, text, fur) and, aligned where the layout
matched best (:mod:`.verify`), compared five ways:

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
  blur) nor of detail as faint as compression noise (``FINE_MIN_DETAIL``);
- **what moved**, on the same grid: a copy's edits take detail away (a blur, a shrink,
  clipped highlights) or add it (noise, sharpening, a watermark's letters), one way;
  someone who walked on leaves detail in each shot where the other has next to none,
  both ways (``MAX_MOVED``, :func:`.blocks.fine_figures`): a burst shot a moment
  later whose subject is a few thumbnail pixels, which agrees as closely as a copy.

Blurring the band-passed detail is band-passing the blurred image (both are
convolutions), so the thumbnails the signature holds are all it needs. Every constant
was measured with ``benchmarks/lookalikes.py`` and ``benchmarks/accuracy.py``.

A needle among look-alikes has hundreds of candidates whose layout passes, and a pair's
scores are many NumPy calls on small arrays: ``scores_at`` scores a needle's candidates
together (each shifted window a product over the whole batch, the blurs one stacked
product), with the figures pair by pair would give (to float rounding). Measured on
2026-12-01 (2 CPUs), ``benchmarks/dupes_lookalikes.py``: 180.3 -> 104.7 s for --dupes
over Open Clip Art's 1,645 shapes (with the contrast check's change, de428fe); a pair
alone costs what it did (README, "What keeps it fast").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .blocks import MAX_DISAGREEING_BLOCKS, MAX_MOVED, FineFigures, disagreeing, fine_figures
from .layout import COARSE_SIDE, SHIFT
from .matrices import blur_matrix

Floats = npt.NDArray[np.float32]

#: Detail correlation a candidate needs, and the largest share of the detail (by energy)
#: that may lie in blocks that disagree. 0.3 let a corner watermark through; 0.2, chosen
#: on 2026-11-29, keeps two more of 45 burst shots apart (0.844 -> 0.889) and 27 more
#: look-alike pairs (1,061 -> 1,034), and loses one copy of 960 (a small photo shrunk to
#: a quarter); 0.1 lost 6 of 64 watermarked copies for 93 more pairs.
MIN_DETAIL = 0.5
MAX_DISAGREEING = 0.2
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

DETAIL_SIGMAS = (0.5, 2.0)  # pixels of the 64 x 64 copy: the band kept
_FLAT_SPREAD = 1e-6  # a standard deviation below this is no spread at all
_FEW = 4  # pairs whose shifted windows are copied rather than multiplied in place


@dataclass(frozen=True, slots=True)
class DetailScores:
    """How the detail of two aligned thumbnails agrees."""

    correlation: float  # as a whole, at the best of a fine pixel's shifts
    disagreeing: float  # share of the detail energy in blocks that do not correlate
    level: float  # the ratio of the two detail energies (1 or more)
    matched: float  # correlation once the richer is blurred to the other's level
    gain: float = 1.0  # the blurred richer's detail amplitude against the other's
    # the fine grid's figures, measured when asked: only photos that pass the rest need them
    measure_fine: Callable[[], FineFigures] = lambda: FineFigures(0.0, 0.0)

    def blocks_apart(self) -> float:
        """The share of the fine grid's blocks with detail that disagree (at one level)."""
        return self.measure_fine().apart

    def moved(self) -> float:
        """How strongly each image has detail where the other has none (at one level)."""
        return self.measure_fine().moved


def scores(whole: Floats, placements: list[Floats]) -> DetailScores:
    """The detail of ``whole`` against the best-correlating of ``placements`` (windows
    of the other image the same size as ``whole``, shifted a fine pixel about)."""
    stacked = np.stack(placements)[None]  # (1, placements, side, side)
    correlations = _correlations(whole[None], stacked)[0]
    first = int(np.argmax(correlations))
    return _scored(whole[None], stacked[:, first], correlations[[first]])[0]


def scores_at(
    wholes: Sequence[Floats], others: Sequence[Floats], shifts: Sequence[tuple[int, int]]
) -> list[DetailScores]:
    """``scores`` of many pairs of band-passed copies at once (a needle's candidates):
    each of ``others`` placed where the layout matched (``shifts``: dy, dx in layout
    pixels, SHIFT for none), then the best of one fine pixel around it (the first best,
    row by row, as ``scores`` takes it)."""
    side = wholes[0].shape[0]
    window, scale = side - 2 * SHIFT, side / COARSE_SIDE
    middles = np.stack([whole[SHIFT : SHIFT + window, SHIFT : SHIFT + window] for whole in wholes])
    stacked = np.stack(others)
    correlations = _shifted_correlations(middles, stacked)  # (k, places, places)
    # the placements a fine pixel around the layout's shift, those inside the image
    centres = SHIFT + np.round((np.array(shifts) - SHIFT) * scale).astype(int)  # (k, 2)
    places = np.arange(correlations.shape[1])
    near = np.abs(places[None, None, :] - centres[:, :, None]) <= 1  # (k, 2, places)
    correlations[~(near[:, 0, :, None] & near[:, 1, None, :])] = -np.inf
    count = len(middles)
    rows, columns = np.divmod(np.argmax(correlations.reshape(count, -1), axis=1), len(places))
    spots = zip(rows.tolist(), columns.tolist(), strict=True)
    chosen = np.stack(
        [o[r : r + window, c : c + window] for o, (r, c) in zip(stacked, spots, strict=True)]
    )
    return _scored(middles, chosen, correlations[np.arange(count), rows, columns])


def _scored(wholes: Floats, chosen: Floats, best: npt.NDArray[np.float64]) -> list[DetailScores]:
    """The scores of each of ``wholes`` (k, side, side) against its best-correlating
    placement ``chosen`` (k, side, side), which correlates ``best`` with it."""
    pairs = np.stack([wholes, chosen], axis=1)  # (k, 2, side, side)
    energies = np.einsum("kpij,kpij->kp", pairs, pairs).astype(np.float64)
    richer = (energies[:, 0] < energies[:, 1]).astype(int)  # 0: the whole image
    least = np.maximum(energies.min(axis=1), _FLAT_SPREAD)
    level = energies.max(axis=1) / least
    matched, gain = best.copy(), np.ones(len(pairs))
    middles = pairs[:, :, 1:-1, 1:-1]
    apart_of = disagreeing(middles[:, 0], middles[:, 1])
    levelled: dict[int, tuple[Floats, Floats]] = {}
    blurred = np.flatnonzero(level > SAME_DETAIL_LEVEL)
    if len(blurred):  # the richer blurred to the poorer's level of detail
        rows = np.arange(len(blurred))
        poorer = pairs[blurred, 1 - richer[blurred]]
        made = _blurred(pairs[blurred, richer[blurred]])  # (k', blurs, side, side)
        tried = _correlations(poorer, made)
        pick = np.argmax(tried, axis=1)
        kept = made[rows, pick]
        gain[blurred] = np.sqrt(np.einsum("kij,kij->k", kept, kept) / least[blurred])
        matched[blurred] = np.maximum(best[blurred], tried[rows, pick])
        levelled = {
            int(i): (kept[j, 1:-1, 1:-1], poorer[j, 1:-1, 1:-1]) for j, i in enumerate(blurred)
        }
    figures = (best, apart_of, level, matched, gain)
    columns = zip(*(column.tolist() for column in figures), strict=True)
    return [
        DetailScores(
            correlation,
            apart,
            levels,
            match,
            amplitude,
            functools.partial(fine_figures, *levelled.get(i, middles[i])),
        )
        for i, (correlation, apart, levels, match, amplitude) in enumerate(columns)
    ]


def judge(
    detail: DetailScores, strict: bool, resampled: bool = True, small: bool = False
) -> tuple[bool, bool]:
    """The detail check's verdict, and whether it failed only because something moved.
    ``strict``: demand close agreement level for level (photos; two sampled frames of
    one video may lie half a second apart). ``resampled`` False: the two thumbnails were
    made from pictures of exactly one size, each at least a thumbnail across. ``small``:
    either picture is narrower than its thumbnail (its fine blocks are not judged)."""
    if detail.correlation < MIN_DETAIL or detail.disagreeing > MAX_DISAGREEING:
        return False, False
    if not strict:
        return True, False
    if detail.level > SAME_DETAIL_LEVEL:
        least = MIN_MATCHED_DETAIL if resampled else MIN_MATCHED_DETAIL_SAME_SIZE
        low, high = MATCHED_GAIN
        levelled = detail.matched >= least and low <= detail.gain <= high
    else:
        levelled = detail.correlation >= SAME_LEVEL_MIN_DETAIL
    if not levelled or small:
        return levelled, False
    fine = detail.measure_fine()
    if fine.apart > MAX_DISAGREEING_BLOCKS:
        return False, False
    return fine.moved <= MAX_MOVED, fine.moved > MAX_MOVED


def _correlations(images: Floats, others: Floats) -> npt.NDArray[np.float64]:
    """Normalised correlation of each image (k, side, side) with each of its ``others``
    (k, m, side, side): (k, m), 0 where either is flat."""
    x = images - images.mean(axis=(1, 2), keepdims=True)
    dots = np.einsum("kmij,kij->km", others, x)
    sums = np.einsum("kmij->km", others)
    squares = np.einsum("kmij,kmij->km", others, others)
    return _normalised(x, dots, sums, squares)


def _shifted_correlations(images: Floats, others: Floats) -> npt.NDArray[np.float64]:
    """Normalised correlation of each image (k, side, side) with every window of its
    size in the other (k, side + 2, side + 2): (k, 3, 3), 0 where either is flat. One
    product a shift over the whole batch, no window copied; a few pairs (a run that
    stops at the first copy starts with one) copy theirs, which takes fewer calls."""
    places, side = others.shape[1] - images.shape[1] + 1, images.shape[1]
    spots = [(row, column) for row in range(places) for column in range(places)]
    if len(images) <= _FEW:  # the windows copied: fewer calls
        windows = [others[:, row : row + side, column : column + side] for row, column in spots]
        stacked = np.stack(windows, axis=1)  # (k, places * places, side, side)
        return _correlations(images, stacked).reshape(len(images), places, places)
    x = images - images.mean(axis=(1, 2), keepdims=True)
    dots, sums, squares = (np.empty((len(x), places, places), np.float32) for _ in range(3))
    for row, column in spots:
        window = others[:, row : row + side, column : column + side]
        dots[:, row, column] = np.einsum("kij,kij->k", window, x)
        sums[:, row, column] = np.einsum("kij->k", window)
        squares[:, row, column] = np.einsum("kij,kij->k", window, window)
    return _normalised(x, dots, sums, squares)


def _normalised(x: Floats, dots: Floats, sums: Floats, squares: Floats) -> npt.NDArray[np.float64]:
    """Correlations from the products of centred images ``x`` (k, side, side) with
    others, and those others' sums and sums of squares (k, ...)."""
    pixels = x.shape[1] * x.shape[2]
    extra = (slice(None),) + (None,) * (dots.ndim - 1)
    own = np.einsum("kij,kij->k", x, x).astype(np.float64)[extra]
    sums64 = sums.astype(np.float64)
    spreads = np.maximum(squares.astype(np.float64) - sums64 * sums64 / pixels, 0.0)
    norms = np.sqrt(own * spreads)
    flat = norms <= _FLAT_SPREAD
    return np.where(flat, 0.0, dots.astype(np.float64) / np.where(flat, 1.0, norms))


def _blurred(images: Floats) -> Floats:
    """Each image (k, side, side) blurred at each of MATCHED_SIGMAS: (k, blurs, side, side)."""
    blurs = _blur_stack(images.shape[-1])
    return np.asarray(blurs @ images[:, None] @ blurs.transpose(0, 2, 1), dtype=np.float32)


@functools.cache
def _blur_stack(side: int) -> Floats:
    """The blur matrices of MATCHED_SIGMAS for images ``side`` across, stacked."""
    return np.stack([blur_matrix(side, sigma) for sigma in MATCHED_SIGMAS])
