"""Which decoders judged a file: a file one version of them could not read, another may.

A file unreadable for a reason that lasts (damage, no picture a decoder can read) is
remembered in the cache, so that it is not decoded again on every run
(:mod:`hashsearch.hash.record`). But that verdict is its decoders', and a newer OpenCV
(with the FFmpeg inside its wheel), libheif or LibRaw may read what an older one refused:
a codec added, a bug fixed. So the verdict keeps the versions of the decoders installed
when it was made, and counts only while those are the ones installed; after an upgrade
such files are tried once more, with no ``--rehash`` needed.

Read from the installed packages' metadata, not by importing them: a run whose
signatures all come from the cache never loads OpenCV.
"""

from __future__ import annotations

import functools
from importlib import metadata

#: The distributions whose code decodes pictures and videos for hashsearch (any that
#: provides ``cv2``, pillow-heif and Pillow for HEIF and AVIF, rawpy for camera RAW).
DECODERS = (
    "opencv-python-headless",
    "opencv-python",
    "opencv-contrib-python-headless",
    "opencv-contrib-python",
    "pillow-heif",
    "pillow",
    "rawpy",
)


@functools.cache
def decoder_versions() -> str:
    """The installed decoders, ``name version`` each, joined by ``; `` (at most 255 bytes)."""
    installed = []
    for name in DECODERS:
        try:
            installed.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return "; ".join(installed).encode("ascii", "replace")[:255].decode("ascii")
