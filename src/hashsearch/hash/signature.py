"""What is kept of each photo: dHashes of the whole and of inset crops, and one thumbnail.

The hashes find candidates quickly; the thumbnail verifies them (see
:mod:`hashsearch.match.verify`). Inset crops make a copy with a trimmed border (up to
about 6 % per side) land near one of the hashes.

Size per photo: 5 hashes of 8 bytes and one 64 x 64 grayscale thumbnail, 4,136 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .dhash import ImageHash
from .families import ALGORITHMS

#: Pixels cut from every side of a GRID x GRID area-averaged copy before hashing: 0, 1.6,
#: 3.1, 4.7 and 6.3 % of each side. Inset 0 is the whole photo; its hash is taken from the
#: full decoded image, so it is the plain dHash.
GRID = 128
INSET_PIXELS = (0, 2, 4, 6, 8)
INSETS = tuple(pixels / GRID for pixels in INSET_PIXELS)
#: The thumbnail kept for verification: the whole image, area-averaged. Its side divides
#: GRID, so the insets above are whole thumbnail pixels (0 to 4).
THUMB_SIDE = 64

Thumb = npt.NDArray[np.uint8]  # shape (THUMB_SIDE, THUMB_SIDE)


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """The hashes (one per inset) and the grayscale thumbnail of one image."""

    hashes: tuple[ImageHash, ...]
    thumb: Thumb

    @property
    def hash(self) -> ImageHash:
        """The dHash of the whole image."""
        return self.hashes[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signature):
            return NotImplemented
        return self.hashes == other.hashes and np.array_equal(self.thumb, other.thumb)

    def __hash__(self) -> int:
        return hash(self.hashes)

    def to_bytes(self) -> bytes:
        """A compact form for the cache: the hashes, then the thumbnail."""
        width = (self.hash.bits + 7) // 8
        head = b"".join(h.value.to_bytes(width, "little") for h in self.hashes)
        return head + self.thumb.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, bits: int) -> Signature:
        """Inverse of :meth:`to_bytes`."""
        width = (bits + 7) // 8
        count = len(INSETS)
        hashes = tuple(
            ImageHash(int.from_bytes(data[i * width : (i + 1) * width], "little"), bits)
            for i in range(count)
        )
        thumb = np.frombuffer(data, dtype=np.uint8, offset=count * width)
        return cls(hashes, thumb.reshape(THUMB_SIDE, THUMB_SIDE))  # read-only view


def signature(gray: npt.NDArray[np.generic], hash_size: int, algorithm: str = "dhash") -> Signature:
    """The signature of a decoded grayscale image, its hashes of family ``algorithm``."""
    import cv2

    hasher = ALGORITHMS[algorithm]
    grid = cv2.resize(
        gray.astype(np.float32, copy=False), (GRID, GRID), interpolation=cv2.INTER_AREA
    )
    crops = [grid[p : GRID - p, p : GRID - p] for p in INSET_PIXELS[1:]]
    hashes = (hasher(gray, hash_size), *(hasher(crop, hash_size) for crop in crops))
    thumb = cv2.resize(grid, (THUMB_SIDE, THUMB_SIDE), interpolation=cv2.INTER_AREA)
    return Signature(hashes, np.clip(np.rint(thumb), 0, 255).astype(np.uint8))
