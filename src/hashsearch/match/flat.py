"""Nearly blank pictures and tiny ones: compared pixel for pixel, not by correlation.

A thumbnail with next to nothing left once its plane is removed (a page, a sky, a
transparent image) has no layout to correlate: two such pictures are the same only
when they agree pixel for pixel. On average is not enough. A run over Debian's image
packages (pictures the benchmarks never chose: they are under 48 px or nearly blank)
called a mid-gray arrow on a transparent canvas "found" as a fully transparent image
(both thumbnails uniform), a blue band on transparency "found" as a green arrow (their
gray pictures differ by 2 levels on average, 4 at most: the blue is as light as the
background) and a 2 x 19 px search icon "found" as a 60 x 60 icon by the layout of its
stretched thumbnail. So a flat picture must also agree with the other at every pixel of
its 32 x 32 layout, and, where both have colour, in every cell of its chroma map (the
colour is all a flat picture may carry); and a picture under TINY_SIDE px on a side is
compared only with one of its very size.

Measured on 2026-12-01 over the 36 flat pictures of the look-alike corpus and Debian's
image packages (at least 48 px), each with every benign edit and the 10 % crop of
benchmarks/accuracy.py: the copies still found differ by at most 4.2 gray levels at one
pixel (noise, sigma 6) and 6 units of a* or b* in one cell (contrast x1.2).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]

#: The largest mean absolute difference of two flat 32 x 32 layouts that is still one picture.
FLAT_MAX_DIFFERENCE = 3.0
#: ... and the largest at any one pixel (copies reach 4.2).
FLAT_MAX_PEAK = 8.0
#: Where both flat pictures have colour: the largest difference of a* or b* in any cell of
#: their 16 x 16 chroma maps (copies reach 6; the blue band and the green arrow differ by 109).
FLAT_MAX_CHROMA = 12.0
#: A picture with a side shorter than this (pixels) is compared only with a picture of its
#: very size: stretched to the 32 x 32 layout, it has fewer than half its values along that
#: side, and the profile left correlates with the layout of many pictures.
TINY_SIDE = 16


def flat_apart(
    raw: tuple[Floats, Floats], chroma: tuple[Floats | None, Floats | None], strict: bool
) -> bool:
    """Are two pictures, one of them flat, told apart by their pixels? ``raw``: their
    32 x 32 layouts as they are; ``chroma``: their chroma maps where they have colour.
    Not ``strict`` (video frames up to half a second apart): on average only."""
    difference = np.abs(raw[0] - raw[1])
    if float(difference.mean()) > FLAT_MAX_DIFFERENCE:
        return True
    if not strict:
        return False
    if float(difference.max()) > FLAT_MAX_PEAK:
        return True
    first, second = chroma
    return (
        first is not None
        and second is not None
        and float(np.abs(first - second).max()) > FLAT_MAX_CHROMA
    )


def too_small_to_tell(size: tuple[int, int], other: tuple[int, int]) -> bool:
    """Is either picture (width, height) under TINY_SIDE px on a side, and the two of
    different sizes? (An unknown size, 0, is not tiny.)"""
    tiny = any(0 < side < TINY_SIDE for side in (*size, *other))
    return tiny and size != other
