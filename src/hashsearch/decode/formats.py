"""File-name hints about formats: which names are images, which are camera RAW files.

The content decides the format (:mod:`hashsearch.decode.header`); a name is only a hint,
used where the bytes alone cannot tell (a RAW file whose container is a plain TIFF).
"""

from __future__ import annotations

import os

#: Camera RAW files: hashed by their embedded JPEG preview, with the optional rawpy.
RAW_EXTENSIONS = frozenset(
    {".cr2", ".cr3", ".nef", ".nrw", ".arw", ".dng", ".orf", ".rw2", ".raf", ".pef", ".srw"}
)
IMAGE_EXTENSIONS = (
    frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".jif", ".png", ".bmp", ".dib"})
    | {".tif", ".tiff", ".webp", ".gif"}
    | {".heic", ".heif", ".hif", ".avif"}  # decoded with the optional pillow-heif
    | {".jp2", ".j2k", ".j2c", ".jpf", ".jpx"}  # JPEG 2000
    | RAW_EXTENSIONS
)


VIDEO_EXTENSIONS = frozenset(
    {".mov", ".mp4", ".m4v", ".3gp", ".3g2", ".avi", ".mts", ".m2ts", ".mkv", ".webm"}
    | {".mpg", ".mpeg", ".wmv", ".flv", ".asf", ".vob", ".mod", ".tod"}
)


def is_video_name(name: str) -> bool:
    """True for a video file name (by extension, in any letter case)."""
    return os.path.splitext(name)[1].lower() in VIDEO_EXTENSIONS


def is_video(content: str, name: str) -> bool:
    """True when a file is a video: its first bytes say so (``content``, the format its
    header names), or they say nothing and its name does (an MPEG stream, an odd box)."""
    return content == "video" or (content == "unknown" and is_video_name(name))


def is_raw_name(name: str) -> bool:
    """True for a camera RAW file name (by extension, in any letter case)."""
    return os.path.splitext(name)[1].lower() in RAW_EXTENSIONS


def is_image_name(name: str) -> bool:
    """True when the name has one of the image extensions, in any letter case."""
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS
