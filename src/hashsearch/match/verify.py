"""The second check before "found": do the thumbnails really show the same picture?

A dHash says two images have the same coarse layout of light and dark; different
pictures of one kind (skies, star fields, textures, logos, screenshots) share that
easily. Each candidate is therefore compared on the 64 x 64 thumbnails, twice:

1. **Layout** (``similarity``): 32 x 32 copies, the best-fitting plane (overall
   brightness and a linear light fall-off) removed, compared by normalised
   correlation, allowing a one-pixel shift and the inset crops of either image, so a
   copy with a trimmed border still matches. Removing the plane keeps two skies that
   both brighten to the right apart. Correlation ignores contrast, so the two aligned
   copies must also be about as contrasty (``MAX_CONTRAST_RATIO``): a bold drawing and a
   faint one on the same lines are two pictures. Photos that both have colour must
   also have the same hues (:mod:`.hue`): a recolouring has the same gray picture.
2. **Detail** (``detail``): 64 x 64 copies band-passed, aligned where the layout
   matched best, compared as a whole, block by block, and level for level
   (:mod:`.detail`): a copy that was resized, re-compressed, brightened, blurred a
   little or noised keeps its detail in place; a different galaxy, wall or drawing
   with the same layout does not, nor does a burst shot, the same scene a moment later
   (video frames are told apart by their timing instead).

Two pictures of exactly the same pixel size are not crops of each other (a crop makes a
picture smaller): the matcher then aligns only the whole images (``crops=False``). Half
of the look-alike benchmark's false pairs were pictures of one size matched as "one
cropped from the other", Open Clip Art's generated star polygons whose rings differ by
a few percent above all (2,081 -> 1,061 false pairs; benign recall 0.995 -> 0.997).

A thumbnail with next to nothing left once the plane is removed is "low information"
and must match pixel for pixel, and a tiny picture matches only one of its size
(:mod:`.flat`). Every constant was measured with
``benchmarks/lookalikes.py`` (real look-alike images, all pairs) and
``benchmarks/accuracy.py`` (edited copies); README, "How matching works".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from ..decode.colour import Chroma
from ..hash.signature import THUMB_SIDE, Thumb
from .detail import DETAIL_SIGMAS, DetailScores, agrees, scores
from .flat import flat_apart, too_small_to_tell
from .hue import coloured, other_hues
from .matrices import apply, inset_matrices

#: Layout correlation a candidate needs: copies score >= 0.86, most different photos that
#: pass the hash stage <= 0.8 (benchmarks/accuracy.py).
DEFAULT_MIN_SIMILARITY = 0.85
#: Photos only: the larger layout contrast of the two aligned 30 x 30 windows (standard
#: deviation once the plane is removed, plus CONTRAST_FLOOR gray levels, so that nearly
#: flat pictures are not judged by their noise) may be at most this many times the
#: smaller. Measured on 2026-11-29 over 5,208 edited copies (benchmarks/_edits.py on 60
#: pictures of each look-alike genre and the shared photos) and the look-alike
#: benchmark's 777 false pairs: copies reach 1.72 (a contrast edit of a small texture
#: that clips), 67 false pairs exceed 2 (clock faces against rings, bold frames against
#: faint ones); 1.75 would set 110 apart with no margin left.
MAX_CONTRAST_RATIO = 2.0
CONTRAST_FLOOR = 2.0
#: Thumbnails with less detail than this (standard deviation in gray levels once the
#: best-fitting plane is removed) carry too little information for a correlation.
LOW_INFORMATION_STD = 1.0
#: Band-passed detail with a spread below this (gray levels) is no detail: smooth images
#: are judged on their layout alone.
FLAT_DETAIL_STD = 0.6
COARSE_SIDE = 32
FINE_SIDE = 64
_SHIFT = 1  # pixels a copy may be shifted against the other
_COARSE_WINDOW = COARSE_SIDE - 2 * _SHIFT
_FINE_WINDOW = FINE_SIDE - 2 * _SHIFT
_FLAT_SPREAD = 1e-6  # a standard deviation below this is no spread at all

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a candidate is the same picture, with the scores that decided it."""

    same: bool
    similarity: float  # layout correlation, 1.0 for identical
    detail: float = 1.0  # detail correlation at the best alignment (1.0 when not judged)
    # the inset of the needle the haystack copy matched (hash.signature.INSETS): 0 when it
    # holds the whole needle, more when it is a crop of it (a border of the needle lacks)
    lacks: int = 0


@dataclass(frozen=True, slots=True)
class Prepared:
    """A thumbnail made ready for comparison: layout and detail copies of every inset."""

    coarse: Floats  # (insets, 32, 32) as they are
    fine: Floats  # (insets, 64, 64) band-passed
    raw: Floats  # (32, 32) the whole image as it is, for flat thumbnails
    flat: bool  # low information: compared pixel for pixel
    smooth: bool  # no detail to speak of: judged on the layout alone
    chroma: Floats | None = None  # (2, 16, 16) a*, b*; None: no colour kept
    # made once for a thumbnail compared many times (a library photo, a video frame): the
    # layout's centre, plane removed, unit; each shifted window's length once its plane
    # is removed (4 KB; not the windows themselves, 160 KB: see _layout)
    centre: Floats | None = None  # (30 * 30,)
    norms: Floats | None = None  # (insets * 9,)


def prepare(thumb: Thumb, reused: bool = False, chroma: Chroma | None = None) -> Prepared:
    """The layout and detail copies of a signature's thumbnail, one per inset.

    NumPy only (small matrix products), so a run whose signatures all come from the
    cache never loads OpenCV. ``reused``: also make the layout check's operands once (a
    thumbnail that will be compared many times; it then takes three times the memory).
    ``chroma``: the picture's chroma map, for the colour check of photos.
    """
    pixels = thumb.astype(np.float32)
    # one batched product makes every inset's copies (a --dupes run prepares thousands)
    to_coarse, low, high = inset_matrices(pixels.shape[0], COARSE_SIDE, FINE_SIDE, DETAIL_SIGMAS)
    coarse: Floats = apply(to_coarse, pixels)
    fine: Floats = apply(low, pixels) - apply(high, pixels)  # a difference of Gaussians (.detail)
    detrended = _detrended(coarse[:1].reshape(1, -1), (COARSE_SIDE, COARSE_SIDE))
    return Prepared(
        coarse=coarse,
        fine=fine,
        raw=coarse[0],
        flat=float(detrended[0].std()) < LOW_INFORMATION_STD,
        smooth=float(fine[0].std()) < FLAT_DETAIL_STD,
        chroma=chroma.astype(np.float32) if chroma is not None and coloured(chroma) else None,
        centre=_centre(coarse) if reused else None,
        norms=_norms(coarse) if reused else None,
    )


def compare(
    needle: Prepared,
    haystack: Prepared,
    min_similarity: float,
    strict: bool = True,
    crops: bool = True,
    small: bool = False,
) -> Verdict:
    """Is ``haystack`` the same picture as ``needle``, allowing either to be the cropped one?
    ``strict``: demand close agreement of images with the same level of detail.
    ``crops`` False: the two have exactly one size, so neither is a crop of the other
    (only the whole images are aligned). ``small``: either picture is narrower than its
    thumbnail (blown up in it). Two of one size neither of which is small have no
    resampling between their thumbnails: their detail must agree more closely
    (:mod:`.detail`)."""
    resampled = crops or small
    if needle.flat or haystack.flat:
        # nearly blank: the same picture pixel for pixel, and the same small details on it
        if flat_apart((needle.raw, haystack.raw), (needle.chroma, haystack.chroma), strict):
            return Verdict(False, 0.0, 0.0)
        if needle.smooth and haystack.smooth:
            return Verdict(True, 1.0)
        detail = _detail(needle.fine[0], haystack.fine[0], _SHIFT, _SHIFT)
        return Verdict(agrees(detail, strict, resampled, small), 1.0, detail.correlation)
    forward = _layout(needle, haystack, crops)
    backward = _layout(haystack, needle, crops)
    similarity, (inset, dy, dx), whole, cropped = max(
        (forward[0], forward[1], needle, haystack),
        (backward[0], backward[1], haystack, needle),
        key=lambda scored: scored[0],
    )
    lacks = inset if cropped is needle else 0
    if similarity < min_similarity:
        return Verdict(False, similarity, 0.0, lacks)
    if strict and contrast_ratio(whole, cropped, inset, dy, dx) > MAX_CONTRAST_RATIO:
        return Verdict(False, similarity, 0.0, lacks)
    if strict and other_hues(needle.chroma, haystack.chroma):
        return Verdict(False, similarity, 0.0, lacks)
    if needle.smooth and haystack.smooth:
        return Verdict(True, similarity, lacks=lacks)
    detail = _detail(whole.fine[0], cropped.fine[inset], dy, dx)
    same = agrees(detail, strict, resampled, small)
    return Verdict(same, similarity, detail.correlation, lacks)


def compare_sized(
    needle: Prepared,
    haystack: Prepared,
    min_similarity: float,
    sizes: tuple[tuple[int, int], tuple[int, int]],
) -> Verdict:
    """``compare`` of two photos of these full sizes (the needle's, the haystack's)."""
    if too_small_to_tell(*sizes):
        return Verdict(False, 0.0, 0.0)
    crops, small = alignment(*sizes)
    return compare(needle, haystack, min_similarity, crops=crops, small=small)


def alignment(size: tuple[int, int], other: tuple[int, int]) -> tuple[bool, bool]:
    """``compare``'s ``crops`` and ``small`` for two pictures of these full sizes."""
    # two pictures of exactly the same size are not crops of each other (a crop makes a
    # picture smaller): only the whole images are aligned
    crops = size != other or not (min(size) and min(other))
    # a picture narrower than its thumbnail is blown up in it, blur and all
    small = min(*size, *other) < THUMB_SIDE
    return crops, small


def layout_similarity(a: Prepared, b: Prepared) -> float:
    """The layout similarity ``compare`` gives two pictures, without its other checks."""
    if a.flat or b.flat:  # judged by their pixels
        return compare(a, b, 0.0, strict=False).similarity
    return max(_layout(a, b)[0], _layout(b, a)[0])


def detail_correlation(a: Prepared, b: Prepared) -> float | None:
    """How alike the detail of two whole images is, a fine pixel of shift allowed (None
    when either has no detail to compare: nearly blank or smooth)."""
    if a.flat or a.smooth or b.flat or b.smooth:
        return None
    return _detail(a.fine[0], b.fine[0], _SHIFT, _SHIFT).correlation


def _layout(
    whole: Prepared, cropped: Prepared, crops: bool = True
) -> tuple[float, tuple[int, int, int]]:
    """Best layout correlation of ``whole`` against ``cropped``'s insets (the whole image
    only, unless ``crops``) and shifts."""
    # the centre is plane-free: its product with a window is that with the window's
    # plane-free part, so only that part's length is needed
    centre = whole.centre if whole.centre is not None else _centre(whole.coarse)
    dots = _views(cropped.coarse if crops else cropped.coarse[:1]) @ centre
    norms = (cropped.norms if cropped.norms is not None else _norms(cropped.coarse))[: len(dots)]
    scores = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > _FLAT_SPREAD)
    shifts = 2 * _SHIFT + 1
    best = int(np.argmax(scores))
    inset, rest = divmod(best, shifts * shifts)
    dy, dx = divmod(rest, shifts)
    return float(scores[best]), (inset, dy, dx)


def contrast_ratio(whole: Prepared, cropped: Prepared, inset: int, dy: int, dx: int) -> float:
    """How many times more contrasty the layout of one aligned window is than the other's."""
    shape = (_COARSE_WINDOW, _COARSE_WINDOW)
    windows = [
        whole.coarse[0, _SHIFT:-_SHIFT, _SHIFT:-_SHIFT],
        cropped.coarse[inset, dy : dy + _COARSE_WINDOW, dx : dx + _COARSE_WINDOW],
    ]
    spreads = _detrended(np.stack(windows).reshape(2, -1), shape).std(axis=1) + CONTRAST_FLOOR
    return float(spreads.max() / spreads.min())


def _centre(coarse: Floats) -> Floats:
    """The whole image's centre (a shift's width in from each side), plane removed, unit."""
    centre = coarse[0, _SHIFT:-_SHIFT, _SHIFT:-_SHIFT].reshape(1, -1)
    plane_free = _detrended(centre, (_COARSE_WINDOW, _COARSE_WINDOW))[0]
    length = float(np.linalg.norm(plane_free))
    return plane_free / length if length > _FLAT_SPREAD else np.zeros_like(plane_free)


def _views(coarse: Floats) -> Floats:
    """Every shifted window of every inset as it is: (insets * 9, 900)."""
    shape = (_COARSE_WINDOW, _COARSE_WINDOW)
    return sliding_window_view(coarse, shape, axis=(1, 2)).reshape(-1, shape[0] * shape[1])


def _norms(coarse: Floats) -> Floats:
    """The length of every shifted window of every inset once its plane is removed."""
    detrended = _detrended(_views(coarse), (_COARSE_WINDOW, _COARSE_WINDOW))
    return np.asarray(np.linalg.norm(detrended, axis=1), dtype=np.float32)


def _detail(whole: Floats, cropped: Floats, dy: int, dx: int) -> DetailScores:
    """The detail scores where the layout matched: ``cropped`` placed at the layout's
    shift (in fine pixels), then the best of one fine pixel around it."""
    window = _FINE_WINDOW
    a = whole[_SHIFT : _SHIFT + window, _SHIFT : _SHIFT + window]
    scale = FINE_SIDE / COARSE_SIDE
    oy, ox = round((dy - _SHIFT) * scale), round((dx - _SHIFT) * scale)
    placements = [
        cropped[y : y + window, x : x + window]
        for y in (_SHIFT + oy + sy for sy in (-1, 0, 1))
        for x in (_SHIFT + ox + sx for sx in (-1, 0, 1))
        if 0 <= y <= FINE_SIDE - window and 0 <= x <= FINE_SIDE - window
    ]
    return scores(a, placements)


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
