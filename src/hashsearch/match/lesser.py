"""Lesser copies: a library copy of the same picture that does not hold all of the needle.

A copy that passes verification is the same picture, but the needle may hold more than
the library keeps of it: more pixels, a border, the camera's sensor data, the frames of
an animation, its colour, the movie of a motion photo, the gain map of an HDR photo.
Deleting such a needle loses that, so it is "smaller", never "found", with the reason a
person reads.
"""

from __future__ import annotations

from collections.abc import Callable

from ..hash.signature import Signature
from .hue import is_gray, shows_colour
from .verdicts import Match

#: A library copy must keep at least this share of the needle's longer side to count as
#: a copy; a smaller one (a 96 x 72 thumbnail of a 1600 x 1200 photo) is not the photo.
MIN_COPY_SIDE = 0.5
#: A camera RAW file whose picture is in the library only as a rendering (a JPEG ...).
RAW_NOT_KEPT = "only a rendering in the library (a JPEG or the like), not the camera RAW file"
#: A motion photo (hash/movie.py) whose still is in the library, but not its movie.
MOVIE_NOT_KEPT = "a motion photo: only its still is in the library, not its movie"
#: An HDR photo (decode/gainmap.py) whose picture is in the library, but not its gain map.
HDR_NOT_KEPT = "an HDR photo: only a copy without its gain map in the library"


def lesser(
    match: Match,
    needle: Signature,
    kept: Signature,
    accept_smaller: bool,
    keeps_movie: Callable[[bytes], bool],
) -> str | None:
    """Why the library copy ``kept`` (matched as ``match``) does not hold the whole
    needle: much smaller (sizes known, and not ``accept_smaller``), cut from it (a border
    of the needle lacks), a rendering of a camera RAW file, a still of an animation, gray
    where the needle shows colour, without the gain map of an HDR photo, or without the
    movie of a motion photo (which the library keeps if ``keeps_movie`` says so); None if
    it does."""
    sizes_known = needle.long_side and max(match.size) and not accept_smaller
    if sizes_known and max(match.size) < MIN_COPY_SIDE * needle.long_side:
        width, height = match.size
        return f"only a smaller copy in the library ({width}x{height})"
    if match.cropped:  # the needle's border is not in the library
        return f"only a cropped copy in the library ({match.cropped:.0%} cut from each side)"
    if needle.raw and not kept.raw:
        return RAW_NOT_KEPT
    if needle.animated and not kept.animated:
        return "only a still of it in the library, not the animation"
    if shows_colour(needle.chroma) and is_gray(kept.chroma):
        return "only a gray copy in the library"
    if needle.hdr and not kept.hdr:
        return HDR_NOT_KEPT
    if needle.movie and not keeps_movie(needle.movie):
        return MOVIE_NOT_KEPT
    return None
