"""What is kept of each photo: dHashes of the whole and of inset crops, and small thumbnails.

The hashes find candidates quickly; the thumbnails verify them (see :mod:`hashsearch.verify`).
Inset crops make a copy with a trimmed border (up to 6 % per side) land near one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .dhash import ImageHash, dhash

#: Fraction cut from every side before hashing; 0.0 is the whole photo (the "primary" hash).
INSETS = (0.0, 0.015, 0.03, 0.045, 0.06)
THUMB_SIDE = 32

Thumbs = npt.NDArray[np.uint8]  # shape (len(INSETS), THUMB_SIDE, THUMB_SIDE)


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """The hashes (one per inset) and grayscale thumbnails (one per inset) of one image."""

    hashes: tuple[ImageHash, ...]
    thumbs: Thumbs

    @property
    def hash(self) -> ImageHash:
        """The dHash of the whole image."""
        return self.hashes[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signature):
            return NotImplemented
        return self.hashes == other.hashes and np.array_equal(self.thumbs, other.thumbs)

    def __hash__(self) -> int:
        return hash(self.hashes)

    def to_bytes(self) -> bytes:
        """A compact form for the cache: the hashes, then the thumbnails."""
        width = (self.hash.bits + 7) // 8
        head = b"".join(h.value.to_bytes(width, "little") for h in self.hashes)
        return head + self.thumbs.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, bits: int) -> Signature:
        """Inverse of :meth:`to_bytes`."""
        width = (bits + 7) // 8
        count = len(INSETS)
        hashes = tuple(
            ImageHash(int.from_bytes(data[i * width : (i + 1) * width], "little"), bits)
            for i in range(count)
        )
        thumbs = np.frombuffer(data[count * width :], dtype=np.uint8)
        return cls(hashes, thumbs.reshape(count, THUMB_SIDE, THUMB_SIDE).copy())


def inset(gray: npt.NDArray[np.generic], fraction: float) -> npt.NDArray[np.generic]:
    """``gray`` with ``fraction`` of its height and width cut from every side."""
    if fraction <= 0:
        return gray
    height, width = gray.shape[:2]
    dy, dx = round(height * fraction), round(width * fraction)
    if height - 2 * dy < 2 or width - 2 * dx < 2:
        return gray
    return gray[dy : height - dy, dx : width - dx]


def thumbnail(gray: npt.NDArray[np.generic]) -> npt.NDArray[np.uint8]:
    """A THUMB_SIDE x THUMB_SIDE area-averaged grayscale thumbnail (aspect ratio ignored)."""
    import cv2

    small = cv2.resize(
        gray.astype(np.float32, copy=False),
        (THUMB_SIDE, THUMB_SIDE),
        interpolation=cv2.INTER_AREA,
    )
    return np.clip(np.rint(small), 0, 255).astype(np.uint8)


def signature(gray: npt.NDArray[np.generic], hash_size: int) -> Signature:
    """The signature of a decoded grayscale image."""
    crops = [inset(gray, fraction) for fraction in INSETS]
    return Signature(
        tuple(dhash(crop, hash_size) for crop in crops),
        np.stack([thumbnail(crop) for crop in crops]),
    )
