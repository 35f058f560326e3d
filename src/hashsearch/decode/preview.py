"""A small colour picture of a file for people to look at (the HTML report); a video's
poster frame (the frame at one second)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..errors import ImageError
from .formats import is_raw_name, is_video
from .header import SNIFF_BYTES, read_header
from .image import DEFAULT_MAX_PIXELS, decode_gray, raw_preview
from .jpeg import jpeg_reduction
from .read import read_regular_file
from .video import NO_FRAME, open_video

Colour = npt.NDArray[np.uint8]


def decode_preview(data: bytes, longest: int, name: str = "") -> Colour:
    """A colour (BGR) picture, ``longest`` pixels at most, as the file is hashed.

    The format is told as for hashing: a camera RAW file is shown by its JPEG preview.
    """
    import cv2

    header = read_header(data, raw_name=is_raw_name(name))
    if header.format == "raw":
        data = raw_preview(data)
        header = read_header(data)
    image = None
    colour = header.format not in ("heif", "unknown") and not header.truncated
    if colour and (header.pixels or 0) <= DEFAULT_MAX_PIXELS:
        flag = {
            1: cv2.IMREAD_COLOR,
            2: cv2.IMREAD_REDUCED_COLOR_2,
            4: cv2.IMREAD_REDUCED_COLOR_4,
            8: cv2.IMREAD_REDUCED_COLOR_8,
        }[jpeg_reduction(header, longest, side=max)]
        try:
            image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flag)
        except cv2.error:
            image = None
    if image is None:  # HEIF and anything colour decoding refused: the grayscale path
        image = cv2.cvtColor(decode_gray(data), cv2.COLOR_GRAY2BGR)
    return _shrunk(np.asarray(image, dtype=np.uint8), longest)


def _shrunk(image: Colour, longest: int) -> Colour:
    """``image`` scaled down (never up) so its longer side is at most ``longest``."""
    import cv2

    scale = longest / max(image.shape[:2])
    if scale < 1:
        size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
        return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return image


@dataclass(frozen=True, slots=True)
class Preview:
    """A file's preview as JPEG bytes (empty when the picture cannot be shown)."""

    path: str
    jpeg: bytes = b""


def preview_file(path: str, longest: int, quality: int) -> Preview:
    """The preview of the file at ``path`` as a JPEG of ``quality``; empty if it cannot be shown."""
    import cv2

    try:
        if is_video(read_header(read_regular_file(path, head=SNIFF_BYTES)).format, path):
            image = _shrunk(poster_frame(path), longest)
        else:
            image = decode_preview(read_regular_file(path), longest, name=path)
    except ImageError:
        return Preview(path)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return Preview(path, np.asarray(data).tobytes() if ok else b"")


def poster_frame(path: str, seconds: float = 1.0) -> npt.NDArray[np.uint8]:
    """The colour (BGR) frame shown at ``seconds`` (or the last one of a shorter clip)."""
    import cv2

    capture = open_video(path)
    try:
        if not capture.isOpened():
            raise ImageError("not a video FFmpeg can decode")
        shown = None
        while capture.grab():
            ok, frame = capture.retrieve()
            if ok and frame is not None:
                shown = frame
            if capture.get(cv2.CAP_PROP_POS_MSEC) / 1000 + 1e-3 >= seconds and shown is not None:
                break
        if shown is None:
            raise ImageError(NO_FRAME)
        return np.asarray(shown, dtype=np.uint8)
    finally:
        capture.release()
