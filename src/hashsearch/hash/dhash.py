"""The difference hash (dHash) and its immutable value type.

Bit order: the image is shrunk to ``(hash_size + 1) x hash_size`` pixels
(width x height) by area averaging, and each row gives ``hash_size`` bits, one
per adjacent horizontal pair, set when the right pixel is brighter than the
left. The comparisons are numbered row by row, top to bottom, left to right,
and comparison ``i`` is bit ``i`` of the integer (value ``2 ** i``), so the top
left pair is the least significant bit. This is the order of the classic
PyImageSearch ``dhash`` function, so its hashes compare directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DEFAULT_HASH_SIZE = 8


@dataclass(frozen=True, slots=True)
class ImageHash:
    """An immutable perceptual hash of ``bits`` bits; ``a - b`` is their Hamming distance."""

    value: int
    bits: int = DEFAULT_HASH_SIZE * DEFAULT_HASH_SIZE

    def __post_init__(self) -> None:
        if self.bits <= 0:
            raise ValueError(f"bits must be positive, got {self.bits}")
        if not 0 <= self.value < (1 << self.bits):
            raise ValueError(f"value does not fit in {self.bits} bits")

    def __hash__(self) -> int:
        # hash(int) folds modulo 2**61 - 1, so 1 and 2**61 would collide; bytes use every bit
        return hash((self.bits, self.value.to_bytes((self.bits + 7) // 8, "little")))

    def __sub__(self, other: object) -> int:
        if not isinstance(other, ImageHash):
            return NotImplemented
        if other.bits != self.bits:
            raise ValueError(f"cannot compare a {self.bits}-bit hash with a {other.bits}-bit hash")
        return (self.value ^ other.value).bit_count()

    def __str__(self) -> str:
        return self.hex()

    def hex(self) -> str:
        """Lower-case hex, zero-padded to the full width of the hash."""
        return format(self.value, f"0{(self.bits + 3) // 4}x")

    @classmethod
    def from_hex(cls, text: str, bits: int | None = None) -> ImageHash:
        """Parse :meth:`hex` output; ``bits`` defaults to four per hex digit."""
        text = text.strip()
        if not text:
            raise ValueError("empty hash")
        return cls(int(text, 16), 4 * len(text) if bits is None else bits)


def dhash(gray: npt.NDArray[np.generic], hash_size: int = DEFAULT_HASH_SIZE) -> ImageHash:
    """The dHash of a 2-D grayscale image."""
    import cv2  # deferred: a warm-cache run never decodes and need not load OpenCV

    if gray.ndim != 2 or gray.size == 0:
        raise ValueError(f"expected a non-empty 2-D grayscale image, got shape {gray.shape}")
    if hash_size < 2:
        raise ValueError(f"hash_size must be at least 2, got {hash_size}")
    small = cv2.resize(
        gray.astype(np.float32, copy=False),
        (hash_size + 1, hash_size),
        interpolation=cv2.INTER_AREA,
    )
    brighter = small[:, 1:] > small[:, :-1]
    packed = np.packbits(brighter.ravel(), bitorder="little")
    return ImageHash(int.from_bytes(packed.tobytes(), "little"), hash_size * hash_size)
