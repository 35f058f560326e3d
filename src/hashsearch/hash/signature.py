"""What is kept of each photo: dHashes of the whole and of inset crops, a thumbnail, and
a chroma map.

The hashes find candidates quickly; the thumbnail verifies them (see
:mod:`hashsearch.match.verify`). Inset crops make a copy with a trimmed border (up to
about 6 % per side) land near one of the hashes.

Size per photo: 5 hashes of 8 bytes, one 64 x 64 grayscale thumbnail, a 16 x 16 chroma
map (:mod:`hashsearch.decode.colour`, 512 bytes) and the picture's full width and height,
4,656 bytes; the cache adds 21 bytes a file (:mod:`hashsearch.hash.record`: when it
was taken) and 17 for a motion photo's movie (:mod:`hashsearch.hash.movie`). A video's
frames keep no chroma (4,144 bytes each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..decode.colour import CHROMA_SIDE, Chroma, unknown_chroma
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
    """The hashes (one per inset), the grayscale thumbnail and the chroma map of one
    image, and its size."""

    hashes: tuple[ImageHash, ...]
    thumb: Thumb
    size: tuple[int, int] = (0, 0)  # width, height of the picture at full resolution
    chroma: Chroma = field(default_factory=unknown_chroma)  # zero: gray; see decode.colour
    # what is kept of the movie a motion photo carries after its picture (hash.movie),
    # b"" for any other picture; kept with the first page only
    movie: bytes = b""
    # when it was taken, as its EXIF says (decode.exif: seconds, milliseconds, digits)
    taken: tuple[int, int, int] | None = None
    # a camera RAW file (hashed by the preview it embeds): its sensor data is more than
    # any rendering of it holds
    raw: bool = False
    # an animated GIF, WebP or PNG (decode.animation), hashed by its first frame
    animated: bool = False
    # an HDR photo: its file carries a gain map beside the picture (decode.gainmap)
    hdr: bool = False

    @property
    def long_side(self) -> int:
        """The longer of width and height, in pixels (0 when unknown)."""
        return max(self.size)

    @property
    def hash(self) -> ImageHash:
        """The dHash of the whole image."""
        return self.hashes[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signature):
            return NotImplemented
        same = self.size == other.size and self.hashes == other.hashes
        same = same and np.array_equal(self.thumb, other.thumb)
        same = same and self.file_facts == other.file_facts
        return same and np.array_equal(self.chroma, other.chroma)

    @property
    def file_facts(self) -> tuple[object, ...]:
        """What its file says beside the picture: movie, moment, RAW, animation, HDR."""
        return (self.movie, self.taken, self.raw, self.animated, self.hdr)

    def __hash__(self) -> int:
        return hash(self.hashes)

    def to_bytes(self, colour: bool = True) -> bytes:
        """A compact form for the cache: the hashes, the thumbnail, the size, then the
        chroma map (``colour`` False: without it, as a video's frames are kept)."""
        width = (self.hash.bits + 7) // 8
        head = b"".join(h.value.to_bytes(width, "little") for h in self.hashes)
        size = b"".join(side.to_bytes(4, "little") for side in self.size)
        chroma = self.chroma.tobytes() if colour else b""
        return head + self.thumb.tobytes() + size + chroma

    @classmethod
    def from_bytes(
        cls,
        data: bytes | memoryview,
        bits: int,
        colour: bool = True,
        movie: bytes = b"",
        taken: tuple[int, int, int] | None = None,
        raw: bool = False,
        animated: bool = False,
        hdr: bool = False,
    ) -> Signature:
        """Inverse of :meth:`to_bytes` (``movie``, ``taken``, ``raw``, ``animated`` and
        ``hdr`` are kept apart, as the first page's, by :mod:`hashsearch.hash.record`)."""
        width = (bits + 7) // 8
        count = len(INSETS)
        expected = record_size(bits, colour)
        if len(data) != expected:
            raise ValueError(f"a signature of {len(data)} bytes, expected {expected}")
        hashes = tuple(
            ImageHash(int.from_bytes(data[i * width : (i + 1) * width], "little"), bits)
            for i in range(count)
        )
        start = count * width
        thumb = np.frombuffer(data, dtype=np.uint8, count=THUMB_SIDE**2, offset=start)
        end = start + THUMB_SIDE**2
        size = (
            int.from_bytes(data[end : end + 4], "little"),
            int.from_bytes(data[end + 4 : end + 8], "little"),
        )
        chroma = unknown_chroma()
        if colour:
            layers = (2, CHROMA_SIDE, CHROMA_SIDE)
            chroma = np.frombuffer(data, dtype=np.int8, offset=end + 8).reshape(layers)
        thumb = thumb.reshape(THUMB_SIDE, THUMB_SIDE)  # read-only, as chroma
        return cls(hashes, thumb, size, chroma, movie, taken, raw, animated, hdr)


def inset_crops(thumb: Thumb) -> list[Thumb]:
    """The thumbnail cropped as the hashes' insets are, in thumbnail pixels (0 to 4)."""
    side = thumb.shape[0]
    return [thumb[c : side - c, c : side - c] for c in inset_pixels(side)]


def inset_pixels(side: int) -> list[int]:
    """Pixels cut from every side of a thumbnail ``side`` across, one per inset."""
    return [p * side // GRID for p in INSET_PIXELS]


def record_size(bits: int, colour: bool = True) -> int:
    """The length of :meth:`Signature.to_bytes` for hashes of ``bits`` bits."""
    chroma = 2 * CHROMA_SIDE**2 if colour else 0
    return len(INSETS) * ((bits + 7) // 8) + THUMB_SIDE**2 + 8 + chroma


def signature(
    gray: npt.NDArray[np.generic],
    hash_size: int,
    algorithm: str = "dhash",
    size: tuple[int, int] | None = None,
    chroma: Chroma | None = None,
) -> Signature:
    """The signature of a decoded grayscale image, its hashes of family ``algorithm``.

    ``size``: the picture's full width and height when ``gray`` was decoded reduced;
    ``chroma``: its chroma map (:func:`~hashsearch.decode.colour.chroma_of`; unknown
    when not given).
    """
    import cv2

    hasher = ALGORITHMS[algorithm]
    grid = cv2.resize(
        gray.astype(np.float32, copy=False), (GRID, GRID), interpolation=cv2.INTER_AREA
    )
    crops = [grid[p : GRID - p, p : GRID - p] for p in INSET_PIXELS[1:]]
    hashes = (hasher(gray, hash_size), *(hasher(crop, hash_size) for crop in crops))
    thumb = cv2.resize(grid, (THUMB_SIDE, THUMB_SIDE), interpolation=cv2.INTER_AREA)
    full = size if size is not None else (int(gray.shape[1]), int(gray.shape[0]))
    pixels = np.clip(np.rint(thumb), 0, 255).astype(np.uint8)
    return Signature(hashes, pixels, full, unknown_chroma() if chroma is None else chroma)
