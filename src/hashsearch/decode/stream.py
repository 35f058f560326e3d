"""A video's stream digest: every packet of its video stream, read without decoding.

Two files with the same digest hold the same video stream, packet for packet, in the
same order, shown the same way up: the same file, or the same stream put in another
container (.mov and .mp4 re-muxed, a sound track added or dropped, other metadata). The
rotation flag counts (a clip shown on its side is not the clip, as a photo turned is not
the photo without ``--rotations``). Deleting one then loses nothing of the video the
other holds, whatever its frames show; frames alone can never say so of a clip in which
nothing moves, or of one too short to time (:mod:`hashsearch.match.streams`).

OpenCV's raw mode hands the packets over as the container stores them (an MP4's H.264
and HEVC turned into an Annex B stream by FFmpeg's own filter, the same way for every
container that stores them alike): about 0.05 s a minute of 1080p here, plus SHA-256 at
about 1.5 GB/s (0.08 s for a minute at 16 Mbit/s). A stream cut short, or one byte of it
changed, gives another digest; so does a re-encoded copy, which frames must judge.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

#: Bytes of the digest kept (of SHA-256's 32): no two different streams share one by chance.
DIGEST_BYTES = 16


class StreamDigest:
    """The digest of a clip's rotation flag and the packets added so far, and their count."""

    def __init__(self, turn: int) -> None:
        self._hash = hashlib.sha256(struct.pack("<H", turn % 360))
        self.packets = 0

    def add(self, packet: Any) -> None:
        """Count one packet (any object with the buffer protocol, such as OpenCV's array)."""
        data = memoryview(packet).cast("B")
        self._hash.update(struct.pack("<Q", len(data)))  # where one packet ends counts too
        self._hash.update(data)
        self.packets += 1

    def value(self) -> bytes | None:
        """The digest, or None when no packet was added."""
        if not self.packets:
            return None
        return self._hash.digest()[:DIGEST_BYTES]


def stream_digest(path: str) -> bytes | None:
    """The digest of every packet of the video stream of ``path``; None where OpenCV cannot
    hand the packets over (no video stream, or no raw mode for this container)."""
    import cv2

    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            return None
        digest = StreamDigest(int(capture.get(cv2.CAP_PROP_ORIENTATION_META)))
        if not read_raw(capture, digest):
            return None
        return digest.value()
    finally:
        capture.release()


def read_raw(capture: Any, digest: StreamDigest) -> bool:
    """Switch an opened VideoCapture to raw packets (as stored, never turned by OpenCV) and
    add each to ``digest``; False when the capture has no raw mode."""
    import cv2

    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    if not capture.set(cv2.CAP_PROP_FORMAT, -1):
        return False
    while True:
        ok, packet = capture.read()
        if not ok:
            return True
        digest.add(packet)
