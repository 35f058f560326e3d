"""The colour check of verification: where both pictures have colour, is it the same hue?

The gray checks cannot see a recolouring: a red and a blue version of one texture, a
warm and a cold wallpaper, a white and a yellow flag, a filter's colour variants have
one gray picture. Each photo keeps a 16 x 16 chroma map (:mod:`hashsearch.decode.colour`);
where both maps have colour in a cell, the angle between their hues is averaged over the
cells, weighted by the weaker colour, and must stay under ``MAX_HUE_DIFFERENCE``. A gray
picture, or a gray copy of a colour one, has no colour to compare and passes; so does a
copy whose colours were only made stronger or weaker.

Measured on 2026-11-29 over 5,208 edited copies (benchmarks/_edits.py on 60 pictures of
each look-alike genre, transparent ones too, and the shared photos) and the look-alike
benchmark's 777 false pairs: copies differ by at most 19.7 degrees (a contrast edit
clips colours), 101 false pairs by more than 30 (recoloured textures, GIMP filter
variants, balloons, flags); 15 degrees would set 124 apart but lose 3 copies.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..decode.colour import chroma_known

Floats = npt.NDArray[np.float32]

#: A picture shows colour when at least this share of its chroma map's cells have more
#: chroma than COLOURED_CELL; a copy is gray when no cell has more than GRAY_CELL (a
#: greyscale copy has none at all, JPEG or PNG). A colour photo whose only library copy
#: is gray is not in the library: its colour would go with it. Of the 376 pictures
#: benchmarks/_edits.py was measured on (look-alike genres and the shared photos), 236
#: show colour by this rule; dark astrophotos and gray textures with a faint tint do not.
COLOURED_SHARE = 0.05
COLOURED_CELL = 8.0
GRAY_CELL = 2.0
#: The largest weighted mean angle between the hues of two copies, in degrees.
MAX_HUE_DIFFERENCE = 30.0
#: A cell has colour when its chroma (the length of a*, b* in OpenCV's 8-bit Lab) exceeds
#: this: about the colour JPEG noise and a white balance leave on a gray surface.
MIN_CHROMA = 4.0


def hue_difference(first: Floats, second: Floats) -> float:
    """The weighted mean angle, in degrees, between the hues of two chroma maps
    (2, side, side) where both have colour; 0 when they share no colour."""
    length_a = np.hypot(first[0], first[1])
    length_b = np.hypot(second[0], second[1])
    weight = np.minimum(length_a, length_b)
    weight = np.where(weight > MIN_CHROMA, weight, 0.0)
    total = float(weight.sum())
    if total <= 0.0:
        return 0.0
    dot = (first[0] * second[0] + first[1] * second[1]) / np.maximum(length_a * length_b, 1e-6)
    angle = np.degrees(np.arccos(np.clip(dot, -1.0, 1.0)))
    return float((angle * weight).sum()) / total


def shows_colour(chroma: npt.NDArray[np.int8]) -> bool:
    """True when the picture has colour a gray copy would lose."""
    if not chroma_known(chroma):
        return False
    length = np.hypot(*chroma.astype(np.float32))
    return float((length > COLOURED_CELL).mean()) >= COLOURED_SHARE


def is_gray(chroma: npt.NDArray[np.int8]) -> bool:
    """True when the picture has no colour (False when its colour was not looked at)."""
    if not chroma_known(chroma):
        return False
    return float(np.hypot(*chroma.astype(np.float32)).max()) <= GRAY_CELL


def coloured(chroma: npt.NDArray[np.int8]) -> bool:
    """The chroma map was made, and has some colour in it."""
    return chroma_known(chroma) and bool(chroma.any())


def other_hues(first: Floats | None, second: Floats | None) -> bool:
    """Both pictures have colour (None: not), and not the same hues."""
    if first is None or second is None:
        return False
    return hue_difference(first, second) > MAX_HUE_DIFFERENCE
