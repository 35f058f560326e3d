"""Decode image bytes to a small grayscale picture and its chroma: one dispatch by content,
every format."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..errors import ImageError
from .colour import Chroma, chroma_of, composite, gray_of, unknown_chroma
from .header import ImageHeader, read_header
from .heif import open_heif
from .jpeg import JPEG_COLOUR_REDUCTION, jpeg_chroma, jpeg_reduction
from .orientation import may_be_turned, turned_as_shown
from .read import DEFAULT_MAX_BYTES

Gray = npt.NDArray[np.uint8]
#: Decoded pixels: gray (height, width) or BGR (height, width, 3), made gray and chroma
#: by :mod:`.colour`.
Pixels = npt.NDArray[np.uint8]
# A reduced JPEG decode must still leave this many pixels on the short side: libjpeg's
# 1/8 scaling averages 8x8 blocks, so the 9x8 dHash cells then average >= 7x8 block means.
MIN_DECODED_SIDE = 64
DEFAULT_MAX_PIXELS = 150_000_000


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """Limits and shortcuts for decoding.

    The limits (``max_pixels``, ``max_bytes``) only refuse files; ``reduced`` changes the
    pixels a JPEG decodes to, and so its hashes: it is part of the cache key.
    """

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_bytes: int = DEFAULT_MAX_BYTES
    reduced: bool = True


@dataclass(frozen=True, slots=True)
class Picture:
    """One decoded page: grayscale pixels (maybe reduced), the page's full size, and its
    chroma map (zero when gray, unknown when its colour was not looked at)."""

    gray: Gray
    width: int
    height: int
    chroma: Chroma = field(default_factory=unknown_chroma)  # not made: multi-page TIFF

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the page at full resolution."""
        return self.width, self.height


#: Pages of a multi-page file decoded at most; a longer file is refused, not half-checked.
MAX_PAGES = 256


def decode_pages(
    data: bytes,
    options: DecodeOptions = DecodeOptions(),
    name: str = "",
    header: ImageHeader | None = None,
) -> list[Picture]:
    """Every page of an image (a multi-page TIFF has several, and a HEIF file holding
    several pictures one for each (:mod:`.heif`); other formats one).

    Animated GIFs count as one picture, their first frame. ``header``: ``data``'s, where
    the caller has read it already.
    """
    from .formats import is_raw_name

    if header is None:
        header = read_header(data, raw_name=is_raw_name(name))
    if header.format == "tiff" and header.pages > 1 and not header.truncated:
        return _tiff_pages(data, header, options)
    if header.format == "heif" and not header.truncated:
        every = _decode_heif(data, options, MAX_PAGES)
        return [Picture(gray_of(p), p.shape[1], p.shape[0], chroma_of(p)) for p in every]
    if header.format == "raw":  # the embedded preview is the picture
        data = raw_preview(data)
        header = read_header(data)
    pixels = _decode(data, header, options)
    gray = gray_of(pixels)
    if pixels.ndim == 2 and not _held_in_colour(header):
        chroma = unknown_chroma()  # decoded gray to spare the memory: its colour unknown
    elif header.format == "jpeg" and pixels.ndim == 2:  # its gray as stored, colour apart
        chroma = jpeg_chroma(data, header)
    else:
        chroma = chroma_of(pixels)
    if header.format == "jpeg" and header.width and header.height:  # decoded reduced
        return [Picture(gray, header.width, header.height, chroma)]
    return [Picture(gray, gray.shape[1], gray.shape[0], chroma)]


def _tiff_pages(data: bytes, header: ImageHeader, options: DecodeOptions) -> list[Picture]:
    import cv2

    if header.pages > MAX_PAGES:
        raise ImageError(f"{header.pages} pages, more than hashsearch checks ({MAX_PAGES})")
    if header.width is not None and header.height is not None:
        check_pixels(header.width * header.pages, header.height, options.max_pixels)
    try:
        ok, pages = cv2.imdecodemulti(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error as exc:
        raise ImageError(f"OpenCV cannot decode it: {first_line(str(exc))}") from None
    if not ok or len(pages) != header.pages:
        raise ImageError(f"damaged TIFF: {len(pages) if ok else 0} of {header.pages} pages decode")
    return [Picture(np.asarray(p, dtype=np.uint8), int(p.shape[1]), int(p.shape[0])) for p in pages]


def decode_gray(data: bytes, options: DecodeOptions = DecodeOptions(), name: str = "") -> Gray:
    """Decode image bytes to 8-bit grayscale, JPEGs at the largest safe reduction.

    ``name``: the file's name, a hint only (see :func:`~hashsearch.decode.header.read_header`).
    A multi-page file gives its first page (:func:`decode_pages` gives them all).
    """
    from .formats import is_raw_name

    return gray_of(_decode(data, read_header(data, raw_name=is_raw_name(name)), options))


def _decode(data: bytes, header: ImageHeader, options: DecodeOptions) -> Pixels:
    """The pixels, gray or in colour, once the header is read (read once per file)."""
    if header.truncated:
        raise ImageError(f"damaged {header.format.upper()}: the file is cut short")
    if header.format == "video":
        raise ImageError("a video, not a picture")
    if header.format == "raw":
        preview = raw_preview(data)
        return _decode(preview, read_header(preview), options)
    if header.format == "heif":
        return _decode_heif(data, options)[0]
    reduction = jpeg_reduction(header, MIN_DECODED_SIDE) if options.reduced else 1
    if header.width is not None and header.height is not None:
        check_pixels(header.width, header.height, options.max_pixels, reduction)
    if header.alpha:
        return _decode_with_alpha(data, header)
    if header.format == "png":
        return _decode_png(data, header)
    return _decode_opencv(data, header, reduction)


#: PNGs are decoded in colour and made gray here, as every other picture is. libpng's own
#: conversion (OpenCV's grayscale decode) works in linear light when the file states its
#: gamma (a gAMA or sRGB chunk), so one picture gave another gray as such a PNG than as a
#: JPEG or a PNG without the chunk: 11 gray levels a pixel on coffee.png, and a layout a
#: PNG's own re-encode no longer matched (170 of the 537 RGB PNGs of the look-alike corpus
#: differ by more than a gray level). A picture is held in colour (or a transparent one
#: decoded a second time, to find its EXIF turn) only up to this size: a larger PNG is
#: made gray by libpng, as before, and a larger transparent picture is taken as stored.
COLOUR_PIXELS = 50_000_000


def _held_in_colour(header: ImageHeader) -> bool:
    """A picture of this size is decoded in colour (a JPEG: see decode/jpeg.py)."""
    return header.format == "heif" or bool(header.pixels and header.pixels <= COLOUR_PIXELS)


def _decode_png(data: bytes, header: ImageHeader) -> Pixels:
    """A PNG without alpha, decoded in colour (made gray as a JPEG's pixels are)."""
    import cv2

    if not _held_in_colour(header):
        return _decode_opencv(data, header, 1)
    # IMREAD_COLOR turns it by its EXIF, as the grayscale decode would
    return _decode_8bit(data, header, cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH)


def _decode_with_alpha(data: bytes, header: ImageHeader) -> Pixels:
    """Decode keeping the alpha channel, and lay the picture over the background gray."""
    import cv2

    pixels = _decode_8bit(data, header, cv2.IMREAD_UNCHANGED)
    small = _held_in_colour(header)
    if small and may_be_turned(data, header.format):  # OpenCV turns it only without alpha
        pixels = turned_as_shown(pixels, data)
    if pixels.ndim == 2:
        return pixels
    channels = pixels.shape[2]
    if channels in (2, 4):
        colour = pixels[:, :, :1] if channels == 2 else pixels[:, :, :3]
        if channels == 4 and not small:  # laid over the background in gray: a third the memory
            colour = np.asarray(cv2.cvtColor(np.ascontiguousarray(colour), cv2.COLOR_BGR2GRAY))
        return composite(colour, pixels[:, :, channels - 1])
    return pixels


def _decode_8bit(data: bytes, header: ImageHeader, flags: int) -> Gray:
    """OpenCV's decode with ``flags``, 16-bit pixels cut to their top 8 bits (as the
    grayscale decode does); ImageError when it fails."""
    import cv2

    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    except cv2.error as exc:
        raise ImageError(f"OpenCV cannot decode it: {first_line(str(exc))}") from None
    if image is None or image.size == 0:
        raise ImageError(f"not a {header.format.upper()} OpenCV can decode")
    if image.dtype != np.uint8:
        image = (image.astype(np.uint32) >> 8).astype(np.uint8)
    return np.asarray(image, dtype=np.uint8)


def _decode_opencv(data: bytes, header: ImageHeader, reduction: int) -> Pixels:
    """OpenCV's decode, in colour unless the decoded picture would exceed COLOUR_PIXELS
    (or it is a JPEG decoded at less than JPEG_COLOUR_REDUCTION)."""
    import cv2  # deferred: a warm-cache run never decodes and need not load OpenCV

    buffer = np.frombuffer(data, dtype=np.uint8)
    pixels = header.pixels // (reduction * reduction) if header.pixels else None
    colour = pixels is not None and pixels <= COLOUR_PIXELS
    if header.format == "jpeg" and reduction < JPEG_COLOUR_REDUCTION:
        colour = False
    image = None
    if reduction > 1:
        flags = {
            2: (cv2.IMREAD_REDUCED_GRAYSCALE_2, cv2.IMREAD_REDUCED_COLOR_2),
            4: (cv2.IMREAD_REDUCED_GRAYSCALE_4, cv2.IMREAD_REDUCED_COLOR_4),
            8: (cv2.IMREAD_REDUCED_GRAYSCALE_8, cv2.IMREAD_REDUCED_COLOR_8),
        }[reduction]
        try:
            image = cv2.imdecode(buffer, flags[colour])
        except cv2.error:
            image = None
    if image is None:
        try:
            image = cv2.imdecode(buffer, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
        except cv2.error as exc:
            raise ImageError(f"OpenCV cannot decode it: {first_line(str(exc))}") from None
    if image is None or image.size == 0:
        what = "an image" if header.format == "unknown" else f"a {header.format.upper()}"
        raise ImageError(f"not {what} OpenCV can decode")
    return np.asarray(image, dtype=np.uint8)


def raw_preview(data: bytes) -> bytes:
    """A camera RAW file's embedded JPEG preview (needs the ``raw`` extra)."""
    try:
        import rawpy
    except ImportError:
        raise ImageError("unsupported format RAW (install hashsearch[raw])") from None
    try:
        with rawpy.imread(io.BytesIO(data)) as raw:
            preview = raw.extract_thumb()
    except (rawpy.LibRawError, ValueError, OSError) as exc:
        said = exc.args[0] if exc.args else exc
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        raise ImageError(f"rawpy cannot read it: {first_line(text)}") from None
    if preview.format != rawpy.ThumbFormat.JPEG:
        raise ImageError("RAW file without an embedded JPEG preview")
    return bytes(preview.data)


def _decode_heif(data: bytes, options: DecodeOptions, most: int = 1) -> list[Pixels]:
    """HEIC/HEIF/AVIF (:mod:`.heif`) in colour: the primary picture, or each of at most
    ``most``, whose pixels the limit counts together (as a TIFF's pages)."""
    total = [0]

    def check(width: int, height: int) -> None:
        check_pixels(width, height, options.max_pixels)
        total[0] += width * height
        if total[0] > options.max_pixels:
            raise ImageError(f"image too large: its pictures hold {total[0]:,} pixels together")

    try:
        return open_heif(data, check, most)
    except (ValueError, RuntimeError, OSError) as exc:
        raise ImageError(f"pillow-heif cannot decode it: {first_line(str(exc))}") from None


def check_pixels(width: int, height: int, limit: int, reduction: int = 1) -> None:
    """Refuse, from its header, an image that would decode to more than ``limit`` pixels."""
    if width * height // (reduction * reduction) > limit:
        raise ImageError(
            f"image too large: {width}x{height} pixels (limit {limit:,}; see --max-pixels)"
        )


def first_line(text: str) -> str:
    """The last non-empty line of a library's message: the one that says what went wrong.

    OpenCV's ``OpenCV(5.0.0) /path/alloc.cpp:73: error: (-4:Insufficient memory) Failed
    to allocate 81000000 bytes in function 'f'`` becomes ``Insufficient memory: Failed to
    allocate 81000000 bytes``.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else "unknown error"
    said = _OPENCV_ERROR.search(line)
    return f"{said.group(1)}: {said.group(2)}" if said else line


_OPENCV_ERROR = re.compile(r"error: \(-?\d+:([^)]*)\) (.*?)(?: in function '[^']*')?$")
