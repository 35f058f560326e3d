"""The colour a picture keeps for verification: a 16 x 16 map of its chroma.

Everything else hashsearch compares is gray, and recolourings are gray look-alikes: a red
and a blue version of one texture, a warm and a cold wallpaper, a flag in two colours, a
filter's variants. So each photo keeps, besides its gray thumbnail, the chroma of a
16 x 16 copy: CIELAB a* and b* (OpenCV's 8-bit Lab, 128 subtracted), 512 bytes, zero
where the picture is gray. :mod:`hashsearch.match.verify` compares hues where both
pictures have colour; a gray picture (or a gray copy of a colour one) has no say.

A picture is decoded in colour and made gray here, by OpenCV's ``cvtColor`` (the weights
of JPEG's luma): a JPEG's gray then differs from libjpeg's own gray decode by at most 2
gray levels in 0.5 % of its pixels at the 1/8 reduction (21 levels, 2 %, at full size,
where libjpeg upsamples the chroma next to sharp colour edges), measured on 130 JPEGs of
the look-alike corpus and the shared photos.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
#: Transparent pixels are laid over this gray level before hashing, so a picture carried by
#: the alpha channel (a logo whose RGB is all white) is a picture, and a black or a white
#: drawing both stand out from the background.
ALPHA_BACKGROUND = 128
#: (2, CHROMA_SIDE, CHROMA_SIDE): a* and b*, each -128..127; all zero for a gray picture.
Chroma = npt.NDArray[np.int8]
#: The chroma map's side. 8 x 8 let more edited copies drift (a contrast edit moved a
#: copy's hue by up to 28 degrees, against 20 at 16 x 16) and set fewer recolourings apart.
CHROMA_SIDE = 16


#: Marks a chroma map that was not made (a picture decoded gray to spare the memory, the
#: pages of a multi-page TIFF): every a* and b* at -128, which no sRGB colour reaches
#: (OpenCV's 8-bit Lab keeps a* above -86 and b* above -108 for them).
_UNKNOWN = -128


def no_chroma() -> Chroma:
    """The chroma of a gray picture (and of a video frame, which keeps none)."""
    return np.zeros((2, CHROMA_SIDE, CHROMA_SIDE), dtype=np.int8)


def unknown_chroma() -> Chroma:
    """The chroma map of a picture whose colour was not looked at: neither gray nor
    coloured, so no colour check and no "only a gray copy" verdict."""
    return np.full((2, CHROMA_SIDE, CHROMA_SIDE), _UNKNOWN, dtype=np.int8)


def chroma_known(chroma: Chroma) -> bool:
    """False for :func:`unknown_chroma`."""
    return not bool((chroma == _UNKNOWN).all())


def composite(colour: npt.NDArray[np.uint8], alpha: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """``colour`` (BGR or gray) laid over :data:`ALPHA_BACKGROUND` by ``alpha``."""
    weight = alpha.astype(np.float32)[..., None] / 255.0
    layers = colour.reshape(*alpha.shape, -1).astype(np.float32)
    mixed = layers * weight + ALPHA_BACKGROUND * (1.0 - weight)
    laid = np.asarray(np.clip(np.rint(mixed), 0, 255), dtype=np.uint8)
    return laid if laid.shape[2] == 3 else laid.reshape(alpha.shape)


def gray_and_chroma(pixels: npt.NDArray[np.uint8]) -> tuple[Gray, Chroma]:
    """The gray pixels and the chroma map of a decoded picture, gray or BGR."""
    import cv2

    if pixels.ndim == 2 or pixels.shape[2] == 1:
        return np.asarray(pixels.reshape(pixels.shape[:2]), dtype=np.uint8), no_chroma()
    gray = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    side = (CHROMA_SIDE, CHROMA_SIDE)
    small = cv2.resize(pixels, side, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2Lab).astype(np.int16) - 128
    chroma = np.ascontiguousarray(np.moveaxis(lab[:, :, 1:], 2, 0)).astype(np.int8)
    return gray, chroma
