"""HEIC, HEIF and AVIF stills: through pillow-heif (the ``heif`` extra), or Pillow's own AVIF.

pillow-heif decodes the HEVC stills of phones (HEIC); since its 1.0 it no longer decodes
AV1 ("Support for this compression format has not been built in: AV1"), so an AVIF still
it cannot decode goes to Pillow's own AVIF support (Pillow 11.3 and later, which the
extra asks for). Either hands over the first picture as a Pillow image, decoded.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ..errors import ImageError

#: Refuses a picture of this width and height (raises ImageError) before it is decoded.
Check = Callable[[int, int], None]


def open_heif(data: bytes, check: Check) -> Any:
    """The first picture of the HEIF or AVIF ``data``, decoded, as a Pillow image.

    Raises :class:`ImageError` when neither library can be had, and the library's own
    exception (ValueError, RuntimeError, OSError) when the data cannot be decoded.
    """
    try:
        import pillow_heif
    except ImportError:
        picture = _pillows_avif(data, check)
        if picture is None:
            raise ImageError("unsupported format HEIF (install hashsearch[heif])") from None
        return picture
    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        check(*heif.size)
        return heif.to_pillow()
    except (ValueError, RuntimeError, OSError):
        picture = _pillows_avif(data, check)  # an AVIF pillow-heif has no decoder for
        if picture is None:
            raise  # pillow-heif's own words
        return picture


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
    size = int.from_bytes(data[:4], "big")
    if data[4:8] != b"ftyp" or not 16 <= size <= min(len(data), 1024):
        return False
    brands = [data[8:12], *(data[k : k + 4] for k in range(16, size - 3, 4))]
    return any(brand in (b"avif", b"avis") for brand in brands)
