"""Does a video file carry sound? Read from its container's track list, nothing decoded.

A library copy without the sound track is not the video: deleting the original for it
would lose the sound, as deleting a photo for its thumbnail would lose the pixels. ISO
base media files (``.mp4``, ``.mov``, ``.m4v``, ``.3gp``: what phones and most editors
write) list their tracks in the ``moov`` box; a track whose handler is ``soun`` is
sound. Other containers (Matroska, AVI, MPEG-TS) are not read: unknown (None), and no
rule is applied to them. Box sizes are checked against the file's, so a damaged file
gives None, never a loop or a huge read.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO

from .isobox import parse_box

#: A ``moov`` box larger than this is not read (phones write a few hundred KB per hour).
MAX_MOOV_BYTES = 64 * 1024 * 1024
#: Top-level boxes looked at, at most (a damaged file must not keep us seeking).
MAX_BOXES = 1000
#: Box types that begin an ISO base media file.
_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}


def has_sound(path: str) -> bool | None:
    """True when the file lists a sound track, False when it lists tracks but none is
    sound, None when that cannot be told (another container, or damage)."""
    try:
        with open(path, "rb") as stream:
            moov = _moov(stream, os.fstat(stream.fileno()).st_size)
    except OSError:
        return None
    return None if moov is None else _sound_in(moov)


def sound_in_bytes(data: bytes) -> bool | None:
    """:func:`has_sound` of an ISO base media file held in memory (a motion photo's movie)."""
    moov = _moov(io.BytesIO(data), len(data))
    return None if moov is None else _sound_in(moov)


def _moov(stream: BinaryIO, file_size: int) -> bytes | None:
    """The payload of the top-level ``moov`` box, or None."""
    position = 0
    for number in range(MAX_BOXES):
        box = _box_at(stream, position, file_size)
        if box is None:
            return None
        kind, start, end = box
        if number == 0 and kind not in _FIRST_BOXES:
            return None  # not an ISO base media file
        if kind == b"moov":
            if end - start > MAX_MOOV_BYTES:
                return None
            stream.seek(start)
            payload = stream.read(end - start)
            return payload if len(payload) == end - start else None
        position = end
    return None


def _box_at(stream: BinaryIO, position: int, limit: int) -> tuple[bytes, int, int] | None:
    """(type, payload start, end) of the box at ``position``, or None past the end."""
    stream.seek(position)
    head = stream.read(16)
    return parse_box(head, position, limit)


def _children(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) of each box inside ``data`` (stops at the first damaged one)."""
    found, position = [], 0
    while position < len(data):
        box = parse_box(data[position : position + 16], position, len(data))
        if box is None:
            break
        kind, start, end = box
        found.append((kind, data[start:end]))
        position = end
    return found


def _sound_in(moov: bytes) -> bool | None:
    """Whether any track of ``moov`` is sound (None when no track could be read)."""
    tracks = [payload for kind, payload in _children(moov) if kind == b"trak"]
    handlers = []
    for track in tracks:
        for kind, media in _children(track):
            if kind == b"mdia":
                handlers += [p[8:12] for k, p in _children(media) if k == b"hdlr" and len(p) >= 12]
    if not handlers:
        return None
    return b"soun" in handlers
