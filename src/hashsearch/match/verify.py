"""The second check before "found": do the thumbnails really show the same picture?

A dHash says two images have the same coarse layout of light and dark; different
pictures of one kind (skies, star fields, textures, logos, screenshots) share that
easily. Each candidate is therefore compared on the 64 x 64 thumbnails, twice:

1. **Layout** (``similarity``): 32 x 32 copies, the best-fitting plane (overall
   brightness and a linear light fall-off) removed, compared by normalised
   correlation, allowing a one-pixel shift and the inset crops of either image, so a
   copy with a trimmed border still matches. Removing the plane keeps two skies that
   both brighten to the right apart.
2. **Detail** (``detail``): 64 x 64 copies band-passed (a difference of Gaussians keeps
   structure 1 to 4 pixels across: stars, brick joints, text, fur), aligned where the
   layout matched best, compared by normalised correlation as a whole and in a 4 x 4
   grid of blocks. A copy that was resized, re-compressed, brightened, blurred a little
   or noised keeps its detail in place; a different galaxy, wall or drawing with the
   same layout does not, and a block where one image has structure the other lacks (the
   hands of a clock, one more star) counts against it however well the rest agrees.
   Two images with as much detail as each other (neither blurred, shrunk, noised or
   re-compressed hard against the other) must agree closely: a burst shot, the same
   scene a moment later (someone walked on, leaves moved), agrees less than any such
   copy (``strict``; video frames are told apart by their timing instead).

Two pictures of exactly the same pixel size are not crops of each other (a crop makes a
picture smaller): the matcher then aligns only the whole images (``crops=False``). Half
of the look-alike benchmark's false pairs were pictures of one size matched as "one
cropped from the other", Open Clip Art's generated star polygons whose rings differ by
a few percent above all (2,081 -> 1,061 false pairs; benign recall 0.995 -> 0.997).

A thumbnail with next to nothing left once the plane is removed is "low information"
and must match pixel for pixel. Every constant was measured with
``benchmarks/lookalikes.py`` (real look-alike images, all pairs) and
``benchmarks/accuracy.py`` (edited copies); README, "How matching works".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from ..hash.signature import Thumb, inset_crops
from .matrices import area_matrix, blur_matrix

#: Layout correlation a candidate needs: copies score >= 0.86, most different photos that
#: pass the hash stage <= 0.8 (benchmarks/accuracy.py).
DEFAULT_MIN_SIMILARITY = 0.85
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
#: Thumbnails with less detail than this (standard deviation in gray levels once the
#: best-fitting plane is removed) carry too little information for a correlation.
LOW_INFORMATION_STD = 1.0
#: For such flat thumbnails: the largest mean absolute difference that is still the same picture.
FLAT_MAX_DIFFERENCE = 3.0
#: Band-passed detail with a spread below this (gray levels) is no detail: smooth images
#: are judged on their layout alone.
FLAT_DETAIL_STD = 0.6
#: Images whose detail energies lie within this factor of each other have the same
#: level of detail; their detail must then correlate at least SAME_LEVEL_MIN_DETAIL.
#: Measured once on the accuracy benchmark's edited copies and look-alikes: copies at
#: the same level (re-encoded, brightened, cropped a little) reach 0.85 but for 0.4 %;
#: frames of OpenCV's sample videos 0.5 to 4 s apart (a fixed street camera, a tree in
#: the wind, a box and a cup moved by hand) that passed the other checks had 0.72-0.85
#: (83 % of them). benchmarks/accuracy.py shows the effect: bursts kept apart 0.27 -> 0.84.
SAME_DETAIL_LEVEL = 1.25
SAME_LEVEL_MIN_DETAIL = 0.85

COARSE_SIDE = 32
FINE_SIDE = 64
DETAIL_SIGMAS = (0.5, 2.0)  # pixels of the FINE_SIDE copy: the band kept
BLOCKS = 4
_SHIFT = 1  # pixels a copy may be shifted against the other
_COARSE_WINDOW = COARSE_SIDE - 2 * _SHIFT
_FINE_WINDOW = FINE_SIDE - 2 * _SHIFT
_BLOCK = (_FINE_WINDOW - 2) // BLOCKS  # the window, a pixel off each side, in blocks
_FLAT_SPREAD = 1e-6  # a standard deviation below this is no spread at all

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a candidate is the same picture, with the scores that decided it."""

    same: bool
    similarity: float  # layout correlation, 1.0 for identical
    detail: float = 1.0  # detail correlation at the best alignment (1.0 when not judged)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A thumbnail made ready for comparison: layout and detail copies of every inset."""

    coarse: Floats  # (insets, 32, 32) as they are
    fine: Floats  # (insets, 64, 64) band-passed
    raw: Floats  # (32, 32) the whole image as it is, for flat thumbnails
    flat: bool  # low information: compared pixel for pixel
    smooth: bool  # no detail to speak of: judged on the layout alone
    # the layout check's operands made once, for a thumbnail compared many times (a
    # video's frames): the centre of the whole image and every shifted window of every
    # inset, planes removed, scaled to length 1 (about 170 KB); None: made per comparison
    centre: Floats | None = None  # (30 * 30,)
    windows: Floats | None = None  # (insets * 9, 30 * 30)


def prepare(thumb: Thumb, reused: bool = False) -> Prepared:
    """The layout and detail copies of a signature's thumbnail, one per inset.

    NumPy only (small matrix products), so a run whose signatures all come from the
    cache never loads OpenCV. ``reused``: also make the layout check's operands once (a
    thumbnail that will be compared many times; it then takes three times the memory).
    """
    crops = [crop.astype(np.float32) for crop in inset_crops(thumb)]

    def resized(crop: Floats, side: int) -> Floats:
        matrix = area_matrix(crop.shape[0], side)
        return np.asarray(matrix @ crop @ matrix.T, dtype=np.float32)

    coarse: Floats = np.stack([resized(c, COARSE_SIDE) for c in crops])
    fine: Floats = np.stack([_band(resized(c, FINE_SIDE)) for c in crops])
    detrended = _detrended(coarse[:1].reshape(1, -1), (COARSE_SIDE, COARSE_SIDE))
    return Prepared(
        coarse=coarse,
        fine=fine,
        raw=coarse[0],
        flat=float(detrended[0].std()) < LOW_INFORMATION_STD,
        smooth=float(fine[0].std()) < FLAT_DETAIL_STD,
        centre=_centre(coarse) if reused else None,
        windows=_windows(coarse) if reused else None,
    )


def compare(
    needle: Prepared,
    haystack: Prepared,
    min_similarity: float,
    strict: bool = True,
    crops: bool = True,
) -> Verdict:
    """Is ``haystack`` the same picture as ``needle``, allowing either to be the cropped one?
    ``strict``: demand close agreement of images with the same level of detail.
    ``crops`` False: neither is a crop of the other (only the whole images are aligned)."""
    if needle.flat or haystack.flat:
        # nearly blank: the same picture pixel for pixel, and the same small details on it
        difference = float(np.abs(needle.raw - haystack.raw).mean())
        if difference > FLAT_MAX_DIFFERENCE:
            return Verdict(False, 0.0, 0.0)
        if needle.smooth and haystack.smooth:
            return Verdict(True, 1.0)
        detail, disagreeing, level = _detail(needle.fine[0], haystack.fine[0], _SHIFT, _SHIFT)
        return Verdict(_agrees(detail, disagreeing, level, strict), 1.0, detail)
    forward = _layout(needle, haystack, crops)
    backward = _layout(haystack, needle, crops)
    similarity, (inset, dy, dx), whole, cropped = max(
        (forward[0], forward[1], needle, haystack),
        (backward[0], backward[1], haystack, needle),
        key=lambda scored: scored[0],
    )
    if similarity < min_similarity:
        return Verdict(False, similarity, 0.0)
    if needle.smooth and haystack.smooth:
        return Verdict(True, similarity)
    detail, disagreeing, level = _detail(whole.fine[0], cropped.fine[inset], dy, dx)
    return Verdict(_agrees(detail, disagreeing, level, strict), similarity, detail)


def _agrees(detail: float, disagreeing: float, level: float, strict: bool) -> bool:
    """The detail check's verdict from its scores (``level``: the ratio of detail energies)."""
    if detail < MIN_DETAIL or disagreeing > MAX_DISAGREEING:
        return False
    return not strict or level > SAME_DETAIL_LEVEL or detail >= SAME_LEVEL_MIN_DETAIL


def detail_correlation(a: Prepared, b: Prepared) -> float | None:
    """How alike the detail of two whole images is, a fine pixel of shift allowed (None
    when either has no detail to compare: nearly blank or smooth)."""
    if a.flat or a.smooth or b.flat or b.smooth:
        return None
    return _detail(a.fine[0], b.fine[0], _SHIFT, _SHIFT)[0]


def _layout(
    whole: Prepared, cropped: Prepared, crops: bool = True
) -> tuple[float, tuple[int, int, int]]:
    """Best layout correlation of ``whole`` against ``cropped``'s insets (the whole image
    only, unless ``crops``) and shifts."""
    windows = cropped.windows if cropped.windows is not None else _windows(cropped.coarse)
    centre = whole.centre if whole.centre is not None else _centre(whole.coarse)
    shifts = 2 * _SHIFT + 1
    scores = windows @ centre if crops else windows[: shifts * shifts] @ centre
    best = int(np.argmax(scores))
    inset, rest = divmod(best, shifts * shifts)
    dy, dx = divmod(rest, shifts)
    return float(scores[best]), (inset, dy, dx)


def _centre(coarse: Floats) -> Floats:
    """The whole image's centre (a shift's width in from each side), plane removed, unit."""
    shape = (_COARSE_WINDOW, _COARSE_WINDOW)
    centre = coarse[0, _SHIFT:-_SHIFT, _SHIFT:-_SHIFT].reshape(1, -1)
    unit: Floats = _unit(_detrended(centre, shape))[0]
    return unit


def _windows(coarse: Floats) -> Floats:
    """Every shifted window of every inset, planes removed, unit: (insets * 9, 900)."""
    shape = (_COARSE_WINDOW, _COARSE_WINDOW)
    windows = sliding_window_view(coarse, shape, axis=(1, 2)).reshape(-1, shape[0] * shape[1])
    return _unit(_detrended(windows, shape))


def _detail(whole: Floats, cropped: Floats, dy: int, dx: int) -> tuple[float, float, float]:
    """Detail correlation where the layout matched, the share of detail that disagrees, and
    the ratio of the two detail energies (1 or more)."""
    window = _FINE_WINDOW
    a = whole[_SHIFT : _SHIFT + window, _SHIFT : _SHIFT + window]
    # the layout's shift, in fine pixels, then the best of one fine pixel around it
    scale = FINE_SIDE / COARSE_SIDE
    oy, ox = round((dy - _SHIFT) * scale), round((dx - _SHIFT) * scale)
    best, placed = -2.0, a
    for sy in (-1, 0, 1):
        for sx in (-1, 0, 1):
            y, x = _SHIFT + oy + sy, _SHIFT + ox + sx
            if 0 <= y <= FINE_SIDE - window and 0 <= x <= FINE_SIDE - window:
                b = cropped[y : y + window, x : x + window]
                score = float(_unit(a.reshape(1, -1))[0] @ _unit(b.reshape(1, -1))[0])
                if score > best:
                    best, placed = score, b
    energies = sorted(float((x * x).sum()) for x in (a, placed))
    level = energies[1] / max(energies[0], _FLAT_SPREAD)
    return best, _disagreeing(a[1:-1, 1:-1], placed[1:-1, 1:-1]), level


def _disagreeing(a: Floats, b: Floats) -> float:
    """The share of detail energy in blocks whose detail does not correlate."""
    side = _BLOCK * BLOCKS
    blocks_a = _blocks(a[:side, :side])
    blocks_b = _blocks(b[:side, :side])
    energy_a, energy_b = (blocks_a**2).sum(axis=1), (blocks_b**2).sum(axis=1)
    energy = energy_a + energy_b
    correlation = (blocks_a * blocks_b).sum(axis=1) / np.sqrt(energy_a * energy_b + _FLAT_SPREAD)
    judged = energy >= BLOCK_MIN_ENERGY * energy.mean()
    against = judged & (correlation < BLOCK_AGREEMENT)
    return float(energy[against].sum() / max(float(energy.sum()), _FLAT_SPREAD))


def _blocks(image: Floats) -> Floats:
    """The BLOCKS x BLOCKS blocks of ``image`` as rows, each minus its mean."""
    rows = image.reshape(BLOCKS, _BLOCK, BLOCKS, _BLOCK).transpose(0, 2, 1, 3)
    flat = rows.reshape(BLOCKS * BLOCKS, -1)
    return np.asarray(flat - flat.mean(axis=1, keepdims=True), dtype=np.float32)


def _band(image: Floats) -> Floats:
    """A difference of Gaussians (kernels and borders as OpenCV's GaussianBlur)."""
    low, high = (blur_matrix(image.shape[0], sigma) for sigma in DETAIL_SIGMAS)
    return np.asarray(low @ image @ low.T - high @ image @ high.T, dtype=np.float32)


def _detrended(rows: Floats, shape: tuple[int, ...]) -> Floats:
    """Each row (a flattened image of ``shape``) minus its least-squares plane a + bx + cy."""
    out = rows - rows.mean(axis=1, keepdims=True)
    for axis in _plane_axes(shape[0], shape[1]):
        out = out - (out @ axis)[:, None] * axis[None, :]
    return np.asarray(out, dtype=np.float32)


@functools.cache
def _plane_axes(height: int, width: int) -> tuple[Floats, ...]:
    # centred coordinates are orthogonal to the constant and to each other on a full grid
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    axes = [(c - c.mean()).ravel() for c in (xs, ys)]
    return tuple(axis / np.linalg.norm(axis) for axis in axes)


def _unit(rows: Floats) -> Floats:
    """Each row minus its mean, scaled to length 1 (a flat row stays zero)."""
    centred = rows - rows.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(centred, axis=1, keepdims=True)
    result: Floats = np.divide(centred, norm, out=np.zeros_like(centred), where=norm > _FLAT_SPREAD)
    return result
