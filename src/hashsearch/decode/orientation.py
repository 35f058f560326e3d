"""A transparent picture turned as its EXIF orientation says, as every other picture is.

OpenCV turns a picture by its EXIF orientation (a PNG's eXIf chunk, a WebP's or a TIFF's
EXIF) whenever it decodes to gray or colour, but not when asked for every channel as
stored (``IMREAD_UNCHANGED``), the only way to keep the alpha channel. A transparent
picture with an orientation was therefore hashed lying on its side, while a copy without
alpha (its JPEG export) was hashed as a viewer shows it. OpenCV does not say which turn
it applied, so the picture is decoded once more in colour, turned as shown, and the turn
that makes the stored channels equal to it is applied to them all. Only files that may
carry an orientation pay for that second decode.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Pixels = npt.NDArray[np.uint8]

#: The eight turns an EXIF orientation names (1 to 8), as array views.
TURNS: tuple[Callable[[Pixels], Pixels], ...] = (
    lambda a: a,
    lambda a: a[:, ::-1],  # mirrored
    lambda a: a[::-1, ::-1],  # upside down
    lambda a: a[::-1, :],  # mirrored upside down
    lambda a: np.swapaxes(a, 0, 1),  # transposed
    lambda a: np.swapaxes(a, 0, 1)[:, ::-1],  # turned 90 degrees clockwise
    lambda a: np.swapaxes(a, 0, 1)[::-1, ::-1],  # transverse
    lambda a: np.swapaxes(a, 0, 1)[::-1, :],  # turned 90 degrees counter-clockwise
)


def may_be_turned(data: bytes, format: str) -> bool:
    """True when OpenCV may turn this file by an EXIF orientation (cheap, may say yes)."""
    return (
        format == "tiff"
        or (format == "png" and b"eXIf" in data)
        or (format == "webp" and b"EXIF" in data)
    )


def turned_as_shown(stored: Pixels, data: bytes) -> Pixels:
    """``stored`` (8-bit, every channel as stored: gray, gray and alpha, BGR or BGRA)
    turned as OpenCV shows the picture in ``data``; as it is when no turn explains it."""
    import cv2

    try:
        shown = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return stored
    if shown is None:
        return stored
    colour = stored[:, :, :3] if stored.ndim == 3 and stored.shape[2] >= 3 else stored
    if colour.ndim == 3 and colour.shape[2] != 3:
        colour = colour[:, :, 0]  # gray and alpha: the gray
    # a gray picture comes as three equal channels
    target: Pixels = np.asarray(shown if colour.ndim == 3 else shown[:, :, 0], dtype=np.uint8)
    for turn in TURNS:
        candidate = turn(colour)
        if candidate.shape == target.shape and _alike(candidate, target):
            return np.ascontiguousarray(turn(stored))
    return stored


def _alike(a: Pixels, b: Pixels) -> bool:
    """Equal but for a gray level of rounding (16-bit pictures are cut to 8 bits twice)."""
    return bool(np.abs(a.astype(np.int16) - b.astype(np.int16)).max() <= 1)
