"""ISO base media boxes (MP4, MOV, HEIF, JPEG 2000): a box's type and where it lies.

Pure: the box's first 16 bytes in (its 32-bit size and type, and the 64-bit size that
may follow), its place out; a box that does not fit its parent gives None.
"""

from __future__ import annotations

import struct


def parse_box(head: bytes, position: int, limit: int) -> tuple[bytes, int, int] | None:
    """(type, payload start, end) of the box whose first bytes are ``head``, at
    ``position`` in a parent that ends at ``limit``; None when it is cut short."""
    if len(head) < 8:
        return None
    size, kind = struct.unpack(">I4s", head[:8])
    start = position + 8
    if size == 1:  # a 64-bit size follows the type
        if len(head) < 16:
            return None
        (size,) = struct.unpack(">Q", head[8:16])
        start = position + 16
    elif size == 0:  # the box runs to the end of its parent
        size = limit - position
    end = position + size
    if end < start or end > limit:
        return None
    return kind, start, end


#: Top-level boxes walked at most (a file has a handful; a hostile file is not walked on).
MAX_BOXES = 10_000


def box_in(data: bytes, position: int) -> tuple[bytes, int, int] | None:
    """:func:`parse_box` of the top-level box at ``position`` in ``data``."""
    if position < 0:
        return None
    return parse_box(data[position : position + 16], position, len(data))


#: An ``ftyp`` box lists a handful of brands: a larger one is no file type box.
MAX_FTYP = 1024


def ftyp_brands(data: bytes) -> list[bytes]:
    """The major and compatible brands of the file type box ``data`` starts with (none
    when it starts with no such box)."""
    size = int.from_bytes(data[:4], "big")
    if data[4:8] != b"ftyp" or not 16 <= size <= min(len(data), MAX_FTYP):
        return []
    return [data[8:12], *(data[k : k + 4] for k in range(16, size - 3, 4))]


def printable(kind: bytes) -> bool:
    """True for four printable ASCII bytes, as an ISO box type or brand is."""
    return len(kind) == 4 and all(32 <= c < 127 for c in kind)


def well_formed_box(data: bytes, at: int) -> tuple[bytes, int, int] | None:
    """The top-level box at ``at`` (type, payload start, end) if it is well formed: a
    printable type, a size that fits the data, an ``ftyp`` of a plausible size."""
    box = box_in(data, at)
    if box is None or not printable(box[0]):
        return None
    if box[0] == b"ftyp" and box[2] - at > MAX_FTYP:
        return None
    return box


def top_level_box(data: bytes, kind: bytes) -> tuple[int, int] | None:
    """The payload (start, end) of the first top-level box of type ``kind``, walking the
    well-formed boxes from the file's start; None when there is none."""
    at = 0
    for _ in range(MAX_BOXES):
        box = well_formed_box(data, at)
        if box is None:
            return None
        if box[0] == kind:
            return box[1], box[2]
        at = box[2]
    return None
