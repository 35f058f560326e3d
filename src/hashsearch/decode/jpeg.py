"""JPEG specifics: how far libjpeg may shrink a picture while decoding, and its colour."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .colour import CHROMA_SIDE, Chroma, chroma_of, unknown_chroma
from .header import ImageHeader

#: libjpeg's DCT scalings OpenCV offers, largest first.
JPEG_REDUCTIONS = (8, 4, 2)
#: A JPEG stores its gray (luma) at full resolution and its colour at half; decoded in
#: colour, the colour is blown up again and clipped next to sharp colour edges, and the
#: gray made from it differs from the stored luma (up to 21 levels in 2 % of the pixels at
#: full size; 16 of 5,208 edited copies of small corpus pictures then fell out of the
#: dHash radius). So a JPEG's gray is its stored luma (libjpeg's gray decode), and its
#: chroma map comes from a second decode, shrunk as far as the map allows (a small
#: file, cheap: 0.15 ms for 320 x 240). Only at the 1/8 reduction, where
#: libjpeg averages whole blocks and the two grays differ by at most 2 levels in 0.5 % of
#: the pixels, is the picture decoded once, in colour (camera photos: one decode).
JPEG_COLOUR_REDUCTION = 8


def jpeg_reduction(
    header: ImageHeader, at_least: int, side: Callable[[int, int], int] = min
) -> int:
    """The largest JPEG scale-down (8, 4, 2 or 1) that keeps ``side`` >= ``at_least`` pixels."""
    if header.format != "jpeg" or header.width is None or header.height is None:
        return 1
    length = side(header.width, header.height)
    return next((f for f in JPEG_REDUCTIONS if length // f >= at_least), 1)


def jpeg_chroma(data: bytes, header: ImageHeader) -> Chroma:
    """The chroma map of a JPEG decoded gray, from a second decode, reduced as far as
    leaves the map's side (unknown when that fails: the gray decode succeeded)."""
    import cv2

    flags = {
        8: cv2.IMREAD_REDUCED_COLOR_8,
        4: cv2.IMREAD_REDUCED_COLOR_4,
        2: cv2.IMREAD_REDUCED_COLOR_2,
    }
    flag = flags.get(jpeg_reduction(header, CHROMA_SIDE), cv2.IMREAD_COLOR)
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    except cv2.error:
        return unknown_chroma()
    if image is None or image.size == 0:
        return unknown_chroma()
    return chroma_of(np.asarray(image, dtype=np.uint8))
