"""The other perceptual hash families, beside dHash: average, perceptual (DCT) and wavelet.

Each takes a 2-D grayscale image and ``hash_size`` and returns ``hash_size**2`` bits,
numbered row by row from the top left, bit ``i`` having value ``2**i`` (as dHash).

- **dhash** (difference): is each pixel darker than its right neighbour, on a 9x8
  area-averaged copy. Follows gradients, so it survives brightness, contrast and
  gamma changes; the default.
- **ahash** (average): is each pixel of an 8x8 area-averaged copy brighter than the
  mean. The simplest; robust to resizing and noise, but global lighting changes that
  are not uniform move many bits.
- **phash** (perceptual): the signs of the lowest 8x8 frequencies of a 2-D DCT of a
  32x32 copy, against their median (as imagehash does). Most robust to compression,
  blur and small edits, a little slower.
- **whash** (wavelet): the Haar wavelet's low-frequency band (block means) of the
  image against its median, the image's overall mean removed (imagehash's ``whash``
  in Haar mode). Behaves like ahash with a median threshold, so it splits bits
  evenly even on dark or bright photos.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .dhash import ImageHash, dhash

Gray = npt.NDArray[np.generic]
HashFunction = Callable[[Gray, int], ImageHash]


def _area(gray: Gray, width: int, height: int) -> npt.NDArray[np.float32]:
    import cv2

    small = cv2.resize(
        gray.astype(np.float32, copy=False), (width, height), interpolation=cv2.INTER_AREA
    )
    return np.asarray(small, dtype=np.float32)


def _bits(mask: npt.NDArray[np.bool_], size: int) -> ImageHash:
    packed = np.packbits(mask.ravel(), bitorder="little")
    return ImageHash(int.from_bytes(packed.tobytes(), "little"), size * size)


def ahash(gray: Gray, hash_size: int = 8) -> ImageHash:
    """Average hash: pixels of a hash_size x hash_size copy brighter than their mean."""
    small = _area(gray, hash_size, hash_size)
    return _bits(small > small.mean(), hash_size)


def phash(gray: Gray, hash_size: int = 8) -> ImageHash:
    """Perceptual hash: low DCT frequencies of a (4 hash_size)^2 copy above their median."""
    import cv2

    side = 4 * hash_size
    low = cv2.dct(_area(gray, side, side))[:hash_size, :hash_size]
    return _bits(low > np.median(low), hash_size)


def whash(gray: Gray, hash_size: int = 8) -> ImageHash:
    """Wavelet hash: the Haar low-frequency band (block means) above its median."""
    band = _area(gray, hash_size, hash_size)
    band = band - band.mean()  # the largest Haar LL coefficient removed, as imagehash does
    return _bits(band > np.median(band), hash_size)


ALGORITHMS: dict[str, HashFunction] = {
    "dhash": dhash,
    "ahash": ahash,
    "phash": phash,
    "whash": whash,
}
