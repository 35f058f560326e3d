"""HEIC, HEIF and AVIF stills: through pillow-heif (the ``heif`` extra), or Pillow's own AVIF.

pillow-heif decodes the HEVC stills of phones (HEIC); since its 1.0 it no longer decodes
AV1 ("Support for this compression format has not been built in: AV1"), so an AVIF still
it cannot decode goes to Pillow's own AVIF support (Pillow 11.3 and later, which the
extra asks for). Either decodes them; they are handed over as BGR pixels.

A HEIF file may hold several pictures (an image collection: its top-level images, not
the thumbnails, depth maps and gain maps that belong to one). Hashing the primary alone
would call such a file "found" when only its first picture is in the library, so every
top-level image is a page (:func:`hashsearch.decode.image.decode_pages`), as a
multi-page TIFF's are. Pillow's own AVIF gives the first picture only.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ImageError
from .colour import composite
from .isobox import ftyp_brands

#: Refuses a picture of this width and height (raises ImageError) before it is decoded.
Check = Callable[[int, int], None]
Pixels = npt.NDArray[np.uint8]  # BGR (height, width, 3), any transparency laid over gray


def open_heif(data: bytes, check: Check, most: int = 1) -> list[Pixels]:
    """The top-level pictures of the HEIF or AVIF ``data``, the primary first, decoded:
    the primary alone when ``most`` is 1; a file holding more than ``most`` is refused
    (:class:`ImageError`), not half-checked.

    Raises :class:`ImageError` when neither library can be had, and the library's own
    exception (ValueError, RuntimeError, OSError) when the data cannot be decoded.
    ``check(width, height)`` is asked of each picture before it is decoded.
    """
    try:
        import pillow_heif
    except ImportError:
        picture = _pillows_avif(data, check)
        if picture is None:
            raise ImageError("unsupported format HEIF (install hashsearch[heif])") from None
        return [_pixels(picture)]
    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        primary = heif.primary_index
        if most > 1 and len(heif) > most:
            raise ImageError(f"{len(heif)} pictures, more than hashsearch checks ({most})")
        order = [primary, *(i for i in range(len(heif)) if i != primary)] if most > 1 else [primary]
        for index in order:  # every size checked before anything is decoded
            check(*heif[index].size)
        return [_pixels(heif[index].to_pillow()) for index in order]
    except (ValueError, RuntimeError, OSError):
        picture = _pillows_avif(data, check)  # an AVIF pillow-heif has no decoder for
        if picture is None:
            raise  # pillow-heif's own words
        return [_pixels(picture)]


def _pixels(picture: Any) -> Pixels:
    """A decoded Pillow image as BGR pixels, any transparency laid over gray."""
    import cv2

    transparent = "A" in picture.getbands()
    rgb = np.asarray(picture.convert("RGBA" if transparent else "RGB"))
    bgr = np.asarray(cv2.cvtColor(rgb[:, :, :3], cv2.COLOR_RGB2BGR), dtype=np.uint8)
    return composite(bgr, rgb[:, :, 3]) if transparent else bgr


def _pillows_avif(data: bytes, check: Check) -> Any | None:
    """The AVIF ``data`` decoded by Pillow; None where it is no AVIF file (its file type
    box names no AVIF brand) or Pillow has no AVIF support."""
    if not _names_avif(data):
        return None
    try:
        from PIL import Image, ImageOps, features
    except ImportError:
        return None
    if not features.check("avif"):
        return None
    try:
        picture = Image.open(io.BytesIO(data), formats=["AVIF"])
    except (OSError, ValueError, SyntaxError):
        return None
    check(*picture.size)
    picture.load()
    # turned as shown: Pillow hands the file's rotation and mirror (irot, imir) over as an
    # EXIF orientation, where pillow-heif applies them
    return ImageOps.exif_transpose(picture)


def _names_avif(data: bytes) -> bool:
    """True when the file type box (``ftyp``) names AVIF as its major or a compatible brand."""
    return any(brand in (b"avif", b"avis") for brand in ftyp_brands(data))
