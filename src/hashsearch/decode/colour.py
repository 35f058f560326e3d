"""The colour a picture keeps for verification: a 16 x 16 map of its chroma.

Everything else hashsearch compares is gray, and recolourings are gray look-alikes: a red
and a blue version of one texture, a warm and a cold wallpaper, a flag in two colours, a
filter's variants. So each photo keeps, besides its gray thumbnail, the chroma of a
16 x 16 copy: CIELAB a* and b* (OpenCV's 8-bit Lab, 128 subtracted), 512 bytes, zero
where the picture is gray. :mod:`hashsearch.match.verify` compares hues where both
pictures have colour; a gray picture (or a gray copy of a colour one) has no say.

A picture decoded in colour is made gray here, by OpenCV's ``cvtColor`` (the weights of
JPEG's luma); a JPEG keeps the luma it stores unless libjpeg shrinks it by 1/8 while
decoding (:mod:`.jpeg`). A picture whose colour is not looked at (decoded gray to spare
the memory, a page of a multi-page TIFF, a video frame) has an unknown chroma map: neither
gray nor coloured.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
#: Transparent pixels are laid over this gray level before hashing, so a picture carried by
#: the alpha channel (a logo whose RGB is all white) is a picture, and a black or a white
#: drawing both stand out from the background.
ALPHA_BACKGROUND = 128
#: ... unless the picture is drawn in about that gray: when its pixels lie this close to
#: ALPHA_BACKGROUND on average (weighted by their alpha), it is laid over black, where it
#: stands out. Over mid-gray a mid-gray arrow on a transparent canvas (KStars') became a
#: blank page, and was "found" as any fully transparent image; a blue as light as the
#: gray became a flat picture. Copies that keep the alpha channel keep the same choice.
NEAR_BACKGROUND = 16.0
#: (2, CHROMA_SIDE, CHROMA_SIDE): a* and b*, each -128..127; all zero for a gray picture.
Chroma = npt.NDArray[np.int8]
#: The chroma map's side. 8 x 8 let more edited copies drift (a contrast edit moved a
#: copy's hue by up to 28 degrees, against 20 at 16 x 16) and set fewer recolourings apart.
CHROMA_SIDE = 16


#: Marks a chroma map that was not made (a picture decoded gray to spare the memory, the
#: pages of a multi-page TIFF): every a* and b* at -128, which no sRGB colour reaches
#: (OpenCV's 8-bit Lab keeps a* above -86 and b* above -108 for them).
_UNKNOWN = -128


# one read-only array each, shared by every signature that holds it (a video's frames)
_GRAY: Chroma = np.zeros((2, CHROMA_SIDE, CHROMA_SIDE), dtype=np.int8)
_NOT_MADE: Chroma = np.full((2, CHROMA_SIDE, CHROMA_SIDE), _UNKNOWN, dtype=np.int8)
_GRAY.setflags(write=False)
_NOT_MADE.setflags(write=False)


def no_chroma() -> Chroma:
    """The chroma map of a gray picture (read-only)."""
    return _GRAY


def unknown_chroma() -> Chroma:
    """The chroma map of a picture whose colour was not looked at (read-only): neither
    gray nor coloured, so no colour check and no "only a gray copy" verdict."""
    return _NOT_MADE


def chroma_known(chroma: Chroma) -> bool:
    """False for :func:`unknown_chroma`."""
    return not bool((chroma == _UNKNOWN).all())


def composite(colour: npt.NDArray[np.uint8], alpha: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """``colour`` (BGR or gray) laid over :data:`ALPHA_BACKGROUND` by ``alpha`` (over
    black when the picture is drawn in about that gray: see NEAR_BACKGROUND)."""
    weight = alpha.astype(np.float32)[..., None] / 255.0
    layers = colour.reshape(*alpha.shape, -1).astype(np.float32)
    mixed = layers * weight + background(gray_of(colour), weight) * (1.0 - weight)
    laid = np.asarray(np.clip(np.rint(mixed), 0, 255), dtype=np.uint8)
    return laid if laid.shape[2] == 3 else laid.reshape(alpha.shape)


def background(gray: Gray, weight: npt.NDArray[np.float32]) -> float:
    """The gray a picture (its gray pixels) with opacity ``weight`` (height, width, 1; 0 to
    1) is laid over: ALPHA_BACKGROUND, or black for one drawn in about it."""
    total = float(weight.sum())
    if total <= 0.0:
        return ALPHA_BACKGROUND  # wholly transparent: blank over any background
    off = np.abs(gray.astype(np.float32) - ALPHA_BACKGROUND)
    deviation = float((off * weight[..., 0]).sum()) / total
    return ALPHA_BACKGROUND if deviation >= NEAR_BACKGROUND else 0.0


def gray_of(pixels: npt.NDArray[np.uint8]) -> Gray:
    """The gray pixels of a decoded picture, gray or BGR."""
    import cv2

    if pixels.ndim == 2 or pixels.shape[2] == 1:
        return np.asarray(pixels.reshape(pixels.shape[:2]), dtype=np.uint8)
    bgr = np.ascontiguousarray(pixels)  # the colour channels of a BGRA picture are a view
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def chroma_of(pixels: npt.NDArray[np.uint8]) -> Chroma:
    """The chroma map of a decoded picture, gray (no colour) or BGR."""
    import cv2

    if pixels.ndim == 2 or pixels.shape[2] == 1:
        return no_chroma()
    small = cv2.resize(pixels, (CHROMA_SIDE, CHROMA_SIDE), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2Lab).astype(np.int16) - 128
    return np.ascontiguousarray(np.moveaxis(lab[:, :, 1:], 2, 0)).astype(np.int8)
