"""Photos written as a camera writes them: with the moment they were taken, in EXIF."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import cv2

#: The day the bursts are dated (2024-05-01 12:00:00 as a camera's local time).
BURST_DAY = 1714564800


def write(path: Path, image, quality: int = 92, taken: float | None = None) -> str:
    """Write ``image``; ``taken``: seconds after BURST_DAY, written as a camera's EXIF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix == ".jpg" else []
    ok, data = cv2.imencode(path.suffix, image, params)
    assert ok, path
    written = data.tobytes()
    if taken is not None:
        written = written[:2] + exif_segment(BURST_DAY + taken) + written[2:]
    path.write_bytes(written)
    return str(path)


def exif_segment(seconds: float) -> bytes:
    """A JPEG APP1 segment holding DateTimeOriginal and SubSecTimeOriginal, as cameras
    write them (big-endian TIFF: IFD0 with the Exif pointer, then the Exif directory)."""
    when = time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(int(seconds))).encode() + b"\0"
    millis = f"{round(seconds % 1 * 1000):03d}".encode() + b"\0"
    exif_ifd, text_at = 26, 56  # after IFD0 (8 + 2 + 12 + 4), after the Exif IFD (+ 30)
    tiff = b"MM\0*" + struct.pack(">IH", 8, 1) + struct.pack(">HHII", 0x8769, 4, 1, exif_ifd)
    tiff += struct.pack(">IH", 0, 2) + struct.pack(">HHII", 0x9003, 2, len(when), text_at)
    tiff += struct.pack(">HHI", 0x9291, 2, len(millis)) + millis + struct.pack(">I", 0) + when
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
