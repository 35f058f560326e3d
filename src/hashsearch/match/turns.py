"""The eight ways a copy may have been turned or mirrored, applied to a needle's signature
(``--rotations``): its thumbnail and chroma map turned, its hashes taken again from them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt

from ..hash.families import HashFunction
from ..hash.signature import Signature, inset_crops

_Turn = Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.uint8]]

#: (name, function on a 2-D array), the untouched picture first.
TRANSFORMS: tuple[tuple[str, _Turn], ...] = (
    ("", lambda a: a),
    ("rot90", lambda a: np.rot90(a, -1)),
    ("rot180", lambda a: np.rot90(a, 2)),
    ("rot270", lambda a: np.rot90(a, 1)),
    ("mirror", lambda a: a[:, ::-1]),
    ("mirror+rot90", lambda a: np.rot90(a[:, ::-1], -1)),
    ("mirror+rot180", lambda a: np.rot90(a[:, ::-1], 2)),
    ("mirror+rot270", lambda a: np.rot90(a[:, ::-1], 1)),
)


def turned_variants(needle: Signature, hasher: HashFunction) -> Iterator[tuple[str, Signature]]:
    """The needle turned each other way, named, its hashes made by ``hasher``."""
    side = math.isqrt(needle.hash.bits)
    for name, turn in TRANSFORMS[1:]:
        thumb = np.ascontiguousarray(turn(needle.thumb))
        hashes = tuple(hasher(crop, side) for crop in inset_crops(thumb))
        width, height = needle.size
        size = (height, width) if name.endswith(("rot90", "rot270")) else needle.size
        layers = np.stack([turn(layer) for layer in needle.chroma])
        chroma = np.ascontiguousarray(layers, dtype=np.int8)
        yield name, Signature(hashes, thumb, size, chroma)
