"""Read a file's bytes safely and decode them to a small grayscale image."""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import ImageError
from .header import ImageHeader, read_header

# A reduced JPEG decode must still leave this many pixels on the short side: libjpeg's
# 1/8 scaling averages 8x8 blocks, so the 9x8 dHash cells then average >= 7x8 block means.
MIN_DECODED_SIDE = 64
DEFAULT_MAX_PIXELS = 150_000_000
DEFAULT_MAX_BYTES = 2 * 1024**3

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """Limits and shortcuts for decoding; none of them changes a hash."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_bytes: int = DEFAULT_MAX_BYTES
    reduced: bool = True


def read_regular_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file, opened without following a symlink."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImageError("symbolic link, not followed") from None
        raise ImageError(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImageError("not a regular file")
        if info.st_size == 0:
            raise ImageError("empty file")
        if info.st_size > max_bytes:
            raise ImageError(f"file larger than {max_bytes} bytes")
        os.set_blocking(fd, True)
        chunks = []
        while chunk := os.read(fd, 1 << 22):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ImageError(_os_reason(exc)) from None
    finally:
        os.close(fd)


def decode_gray(data: bytes, options: DecodeOptions = DecodeOptions()) -> npt.NDArray[np.uint8]:
    """Decode image bytes to 8-bit grayscale, JPEGs at the largest safe reduction."""
    import cv2  # deferred: a warm-cache run never decodes and need not load OpenCV

    header = read_header(data)
    if header.truncated:
        raise ImageError(f"damaged {header.format.upper()}: the file is cut short")
    if header.format == "heif":
        return _decode_heif(data, options)
    reduction = _jpeg_reduction(header, MIN_DECODED_SIDE) if options.reduced else 1
    if header.width is not None and header.height is not None:
        _check_pixels(header.width, header.height, options.max_pixels, reduction)
    buffer = np.frombuffer(data, dtype=np.uint8)
    image = None
    if reduction > 1:
        try:
            flag = {
                2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
                4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
                8: cv2.IMREAD_REDUCED_GRAYSCALE_8,
            }[reduction]
            image = cv2.imdecode(buffer, flag)
        except cv2.error:
            image = None
    if image is None:
        try:
            image = cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE)
        except cv2.error as exc:
            raise ImageError(f"OpenCV cannot decode it: {_first_line(str(exc))}") from None
    if image is None or image.size == 0:
        what = "an image" if header.format == "unknown" else f"a {header.format.upper()}"
        raise ImageError(f"not {what} OpenCV can decode")
    return np.asarray(image, dtype=np.uint8)


def decode_raw_preview(
    data: bytes, options: DecodeOptions = DecodeOptions()
) -> npt.NDArray[np.uint8]:
    """A camera RAW file's embedded JPEG preview, decoded (needs the ``raw`` extra)."""
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
        raise ImageError(f"rawpy cannot read it: {_first_line(text)}") from None
    if preview.format != rawpy.ThumbFormat.JPEG:
        raise ImageError("RAW file without an embedded JPEG preview")
    return decode_gray(bytes(preview.data), options)


def _decode_heif(data: bytes, options: DecodeOptions) -> npt.NDArray[np.uint8]:
    """HEIC/HEIF/AVIF through pillow-heif (the ``heif`` extra), first image, to grayscale."""
    try:
        import pillow_heif
    except ImportError:
        raise ImageError("unsupported format HEIF (install hashsearch[heif])") from None
    import cv2

    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        width, height = heif.size
        _check_pixels(width, height, options.max_pixels)
        pixels = np.asarray(heif.to_pillow().convert("RGB"))
    except (ValueError, RuntimeError, OSError) as exc:
        raise ImageError(f"pillow-heif cannot decode it: {_first_line(str(exc))}") from None
    return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def decode_preview(data: bytes, longest: int, raw: bool = False) -> npt.NDArray[np.uint8]:
    """A small colour (BGR) picture for people to look at, ``longest`` pixels at most.

    ``raw``: the bytes are a camera RAW file, shown by its JPEG preview as it is hashed.
    """
    import cv2

    header = read_header(data)
    image = None
    colour = not raw and header.format not in ("heif", "unknown") and not header.truncated
    if colour and (header.pixels or 0) <= DEFAULT_MAX_PIXELS:
        flag = {
            1: cv2.IMREAD_COLOR,
            2: cv2.IMREAD_REDUCED_COLOR_2,
            4: cv2.IMREAD_REDUCED_COLOR_4,
            8: cv2.IMREAD_REDUCED_COLOR_8,
        }[_jpeg_reduction(header, longest, side=max)]
        try:
            image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flag)
        except cv2.error:
            image = None
    if image is None:  # RAW, HEIF and anything colour decoding refused: the grayscale path
        gray = decode_raw_preview(data) if raw else decode_gray(data)
        image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    scale = longest / max(image.shape[:2])
    if scale < 1:
        size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return np.asarray(image, dtype=np.uint8)


def _jpeg_reduction(
    header: ImageHeader, at_least: int, side: Callable[[int, int], int] = min
) -> int:
    """The largest JPEG scale-down (8, 4, 2 or 1) that keeps ``side`` >= ``at_least`` pixels."""
    if header.format != "jpeg" or header.width is None or header.height is None:
        return 1
    length = side(header.width, header.height)
    return next((f for f in (8, 4, 2) if length // f >= at_least), 1)


def _check_pixels(width: int, height: int, limit: int, reduction: int = 1) -> None:
    """Refuse, from its header, an image that would decode to more than ``limit`` pixels."""
    if width * height // (reduction * reduction) > limit:
        raise ImageError(
            f"image too large: {width}x{height} pixels (limit {limit:,}; see --max-pixels)"
        )


def _os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"
