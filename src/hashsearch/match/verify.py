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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..decode.colour import Chroma
from ..hash.signature import THUMB_SIDE, Thumb
from . import layout
from .detail import DETAIL_SIGMAS, judge, scores_at
from .flat import flat_apart, too_small_to_tell
from .hue import coloured, other_hues
from .layout import COARSE_SIDE, SHIFT, Layout, detrended
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
FINE_SIDE = 64

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
    moved: bool = False  # not the same only because something moved (.detail): a moment on


@dataclass(frozen=True, slots=True)
class Prepared:
    """A thumbnail made ready for comparison: layout copies of every inset, detail copy of
    the whole image (an inset's is made when a crop is aligned on it)."""

    coarse: Floats  # (insets, 32, 32) as they are
    whole_fine: Floats  # (64, 64) the whole image band-passed
    thumb: Thumb  # the thumbnail itself (the signature's), for an inset's detail copy
    raw: Floats  # (32, 32) the whole image as it is, for flat thumbnails
    flat: bool  # low information: compared pixel for pixel
    smooth: bool  # no detail to speak of: judged on the layout alone
    chroma: Floats | None = None  # (2, 16, 16) a*, b*; None: no colour kept
    # made once for a thumbnail compared many times (a library photo, a video frame): the
    # layout's centre, plane removed, unit; each shifted window's length once its plane
    # is removed (4 KB; not the windows themselves, 160 KB: see .layout)
    centre: Floats | None = None  # (30 * 30,)
    norms: Floats | None = None  # (insets * 9,)

    def fine(self, inset: int = 0) -> Floats:
        """The 64 x 64 band-passed copy of this inset (0: the whole image). Only the whole
        image's is kept: most pairs are judged whole, or never reach the detail check
        (a prepared library photo then takes 45 KB instead of 106 KB: .prepared)."""
        if inset == 0:
            return self.whole_fine
        made: Floats = _band_passed(self.thumb.astype(np.float32), slice(inset, inset + 1))[0]
        return made


def prepare(thumb: Thumb, reused: bool = False, chroma: Chroma | None = None) -> Prepared:
    """The layout and detail copies of a signature's thumbnail.

    NumPy only (small matrix products), so a run whose signatures all come from the
    cache never loads OpenCV. ``reused``: also make the layout check's operands once (a
    thumbnail that will be compared many times). ``chroma``: the picture's chroma map,
    for the colour check of photos.
    """
    pixels = thumb.astype(np.float32)
    to_coarse = inset_matrices(pixels.shape[0], COARSE_SIDE, FINE_SIDE, DETAIL_SIGMAS)[0]
    coarse: Floats = apply(to_coarse, pixels)  # one batched product makes every inset's
    fine = _band_passed(pixels, slice(0, 1))[0]
    plane_free = detrended(coarse[:1].reshape(1, -1), (COARSE_SIDE, COARSE_SIDE))
    return Prepared(
        coarse=coarse,
        whole_fine=fine,
        thumb=thumb,
        raw=coarse[0],
        flat=float(plane_free[0].std()) < LOW_INFORMATION_STD,
        smooth=float(fine.std()) < FLAT_DETAIL_STD,
        chroma=chroma.astype(np.float32) if chroma is not None and coloured(chroma) else None,
        centre=layout.centre(coarse) if reused else None,
        norms=layout.norms(coarse) if reused else None,
    )


def _band_passed(pixels: Floats, insets: slice) -> Floats:
    """These insets' 64 x 64 copies band-passed: a difference of Gaussians (.detail)."""
    _, low, high = inset_matrices(pixels.shape[0], COARSE_SIDE, FINE_SIDE, DETAIL_SIGMAS)
    return apply(low[insets], pixels) - apply(high[insets], pixels)


def compare(
    needle: Prepared,
    haystack: Prepared,
    min_similarity: float,
    strict: bool = True,
    crops: bool = True,
    small: bool = False,
    aligned: Layout | None = None,
) -> Verdict:
    """Is ``haystack`` the same picture as ``needle``, allowing either to be the cropped one?
    ``strict``: demand close agreement of images with the same level of detail.
    ``crops`` False: the two have exactly one size, so neither is a crop of the other
    (only the whole images are aligned). ``small``: either picture is narrower than its
    thumbnail (blown up in it). Two of one size neither of which is small have no
    resampling between their thumbnails: their detail must agree more closely
    (:mod:`.detail`). ``aligned``: their layout alignment, when already found for many
    candidates at once (:func:`.layout.best`, with the same ``crops``)."""
    screened = _screen(needle, haystack, min_similarity, strict, crops, small, aligned)
    return screened if isinstance(screened, Verdict) else _judged([screened])[0]


@dataclass(frozen=True, slots=True)
class _Detailed:
    """A candidate that passed every check but the detail check, and what that needs."""

    whole: Floats  # the 64 x 64 detail of the image compared whole
    cropped: Floats  # the other's, on the inset the layout matched
    dy: int  # where the layout matched (coarse pixels)
    dx: int
    similarity: float
    lacks: int
    strict: bool
    resampled: bool
    small: bool


def _screen(
    needle: Prepared,
    haystack: Prepared,
    min_similarity: float,
    strict: bool,
    crops: bool,
    small: bool,
    aligned: Layout | None,
) -> Verdict | _Detailed:
    """``compare``'s verdict when a check before the detail check settles it, or what
    the detail check needs."""
    resampled = crops or small
    if needle.flat or haystack.flat:
        # nearly blank: the same picture pixel for pixel, and the same small details on it
        if flat_apart((needle.raw, haystack.raw), (needle.chroma, haystack.chroma), strict):
            return Verdict(False, 0.0, 0.0)
        if needle.smooth and haystack.smooth:
            return Verdict(True, 1.0)
        return _Detailed(
            needle.fine(), haystack.fine(), SHIFT, SHIFT, 1.0, 0, strict, resampled, small
        )
    aligned = aligned or layout.best(needle, [haystack], [crops])[0]
    similarity, inset, dy, dx = aligned.similarity, aligned.inset, aligned.dy, aligned.dx
    whole, cropped = (haystack, needle) if aligned.needle_cropped else (needle, haystack)
    lacks = inset if aligned.needle_cropped else 0
    if similarity < min_similarity:
        return Verdict(False, similarity, 0.0, lacks)
    if strict and contrast_ratio(whole, cropped, inset, dy, dx) > MAX_CONTRAST_RATIO:
        return Verdict(False, similarity, 0.0, lacks)
    if strict and other_hues(needle.chroma, haystack.chroma):
        return Verdict(False, similarity, 0.0, lacks)
    if needle.smooth and haystack.smooth:
        return Verdict(True, similarity, lacks=lacks)
    fine = whole.fine(), cropped.fine(inset)
    return _Detailed(*fine, dy, dx, similarity, lacks, strict, resampled, small)


def _judged(detailed: Sequence[_Detailed]) -> list[Verdict]:
    """The detail check's verdicts on these candidates, their detail compared at once."""
    shifts = [(d.dy, d.dx) for d in detailed]
    found = scores_at([d.whole for d in detailed], [d.cropped for d in detailed], shifts)
    verdicts = []
    for d, f in zip(detailed, found, strict=True):
        same, moved = judge(f, d.strict, d.resampled, d.small)
        verdicts.append(Verdict(same, d.similarity, f.correlation, d.lacks, moved))
    return verdicts


def compare_sized(
    needle: Prepared,
    haystack: Prepared,
    min_similarity: float,
    sizes: tuple[tuple[int, int], tuple[int, int]],
) -> Verdict:
    """``compare`` of two photos of these full sizes (the needle's, the haystack's)."""
    return compare_many(needle, [haystack], min_similarity, [sizes])[0]


def compare_many(
    needle: Prepared,
    haystacks: Sequence[Prepared],
    min_similarity: float,
    sizes: Sequence[tuple[tuple[int, int], tuple[int, int]]],
) -> list[Verdict]:
    """``compare`` of one needle with many candidates of these full sizes (the needle's,
    each candidate's), their layouts aligned at once (:func:`.layout.best`) and their
    detail compared at once: the same verdicts, without NumPy's overhead pair by pair."""
    kinds = [alignment(*pair) for pair in sizes]  # (crops, small) of each pair
    aligned = layout.best(needle, haystacks, [crops for crops, _ in kinds]) if haystacks else []
    screened = [
        Verdict(False, 0.0, 0.0)
        if too_small_to_tell(*pair)
        else _screen(needle, haystack, min_similarity, True, *kind, found)
        for haystack, pair, kind, found in zip(haystacks, sizes, kinds, aligned, strict=True)
    ]
    detailed = [s for s in screened if isinstance(s, _Detailed)]
    judged = iter(_judged(detailed) if detailed else [])
    return [s if isinstance(s, Verdict) else next(judged) for s in screened]


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
    return layout.best(a, [b], [True])[0].similarity


def detail_correlation(a: Prepared, b: Prepared) -> float | None:
    """How alike the detail of two whole images is, a fine pixel of shift allowed (None
    when either has no detail to compare: nearly blank or smooth)."""
    if a.flat or a.smooth or b.flat or b.smooth:
        return None
    return scores_at([a.fine()], [b.fine()], [(SHIFT, SHIFT)])[0].correlation


def contrast_ratio(whole: Prepared, cropped: Prepared, inset: int, dy: int, dx: int) -> float:
    """How many times more contrasty the layout of one aligned window is than the other's
    (each window's spread from its plane-free length, which the layout check keeps)."""
    spreads = layout.spread(whole, 0, SHIFT, SHIFT), layout.spread(cropped, inset, dy, dx)
    return (max(spreads) + CONTRAST_FLOOR) / (min(spreads) + CONTRAST_FLOOR)
