"""Is a picture animated? An animated GIF, WebP or PNG holds frames after its first.

hashsearch compares a picture by its first frame, so without this an animation whose
library copy is a still of that frame (a converter that kept one frame, a thumbnail
made from it) would be "found", and deleting it would lose the animation. The flag is
kept with the picture (:mod:`hashsearch.hash.record`), and the matcher counts only an
animated library copy as holding an animated picture.

Told by structure: a GIF's second image descriptor (its blocks walked, not searched), a
WebP's VP8X animation flag, a PNG's ``acTL`` chunk naming two frames or more (APNG), a
HEIF or AVIF file whose file type box names an image sequence (an animated AVIF, a HEIF
sequence: ``avis``, ``msf1``, ``hevs``; a still names none).
Pure: bytes in, answer out; a damaged or cut file is walked only as far as it holds.
"""

from __future__ import annotations

import struct

from .isobox import ftyp_brands

_GIF_IMAGE, _GIF_EXTENSION, _GIF_TRAILER = 0x2C, 0x21, 0x3B
_WEBP_ANIMATION = 0x02  # in the VP8X chunk's flags byte
_MAX_BLOCKS = 1_000_000  # GIF sub-blocks or PNG chunks walked at most
_SEQUENCE_BRANDS = frozenset({b"avis", b"msf1", b"hevs"})  # ISO brands of image sequences


def is_animated(data: bytes) -> bool:
    """True when the picture in ``data`` has more than one frame."""
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _gif_frames(data) > 1
    if data[:4] == b"RIFF" and data[8:16] == b"WEBPVP8X" and len(data) > 20:
        return bool(data[20] & _WEBP_ANIMATION)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_frames(data) > 1
    return any(brand in _SEQUENCE_BRANDS for brand in ftyp_brands(data))


def _gif_frames(data: bytes) -> int:
    """How many image descriptors the GIF holds, counting up to two."""
    if len(data) < 13:
        return 0
    at = 13 + _colour_table(data[10])
    frames = 0
    for _ in range(_MAX_BLOCKS):
        if at >= len(data) or data[at] == _GIF_TRAILER:
            break
        if data[at] == _GIF_IMAGE:
            frames += 1
            if frames > 1 or at + 10 > len(data):
                break
            at += 10 + _colour_table(data[at + 9]) + 1  # descriptor, table, LZW code size
        elif data[at] == _GIF_EXTENSION:
            at += 2  # introducer and label
        else:
            break  # not a block: damage
        at = _after_sub_blocks(data, at)
    return frames


def _colour_table(flags: int) -> int:
    """The length of the colour table a GIF's flags byte announces (0 when none)."""
    return 3 * (2 << (flags & 7)) if flags & 0x80 else 0


def _after_sub_blocks(data: bytes, at: int) -> int:
    """Where a run of GIF data sub-blocks (each its length, then its bytes) ends."""
    for _ in range(_MAX_BLOCKS):
        if at >= len(data):
            return at
        size = data[at]
        at += 1 + size
        if size == 0:
            return at
    return len(data)


def _png_frames(data: bytes) -> int:
    """The frame count an APNG's ``acTL`` chunk states (1 for a plain PNG)."""
    at = 8
    for _ in range(_MAX_BLOCKS):
        if at + 8 > len(data):
            return 1
        (size,) = struct.unpack_from(">I", data, at)
        kind = data[at + 4 : at + 8]
        if kind == b"acTL" and at + 12 <= len(data):
            (frames,) = struct.unpack_from(">I", data, at + 8)
            return int(frames)
        if kind in (b"IDAT", b"IEND"):  # acTL comes before the first image data
            return 1
        at += 12 + size
    return 1
