"""Does a photo carry an HDR gain map beside its picture?

Phones save HDR photos as an ordinary picture plus a gain map: how much brighter each
part may be shown on an HDR screen (Android's Ultra HDR JPEG, ISO 21496-1, Apple's HDR
photos in HEIC and JPEG). A copy of the picture alone (an export, an editor's save, a
messenger's copy) has lost the gain map, and deleting the original would lose it too:
such a needle is "smaller" (:mod:`hashsearch.match.lesser`), as a motion photo whose
library copy is its still.

Told by what the formats write, where they write it:

- JPEG: its MPF index lists a further image that the file holds (where Ultra HDR and
  Apple keep the gain map), and either a segment of the primary picture before its image
  data names Adobe's gain map namespace (Ultra HDR's ``hdrgm``) or ISO 21496-1, or the
  further image names one of those or Apple's auxiliary image type in its first bytes.
  A further image named by none of them (a camera's large preview, the other eye of a 3D
  photo) is no gain map, and neither is a name without a further image (an editor that
  kept the XMP of an Ultra HDR photo but wrote its picture alone): a library copy must
  not pass for holding a gain map it lacks.
- HEIF and AVIF: the file type box names the ``tmap`` brand (ISO 21496-1's tone-mapped
  image), or the ``meta`` box names Apple's gain map as an auxiliary image.

Pure: bytes in, answer out; a damaged or cut file is read only as far as it holds.
"""

from __future__ import annotations

import struct

from .header import JPEG_SOS, jpeg_segments
from .isobox import ftyp_brands, top_level_box

#: What names a gain map: Adobe's namespace (Ultra HDR's XMP), ISO 21496-1's, Apple's
#: auxiliary image type.
NAMES = (
    b"http://ns.adobe.com/hdr-gain-map/1.0/",
    b"urn:iso:std:iso:ts:21496:-1",
    b"urn:com:apple:photo:2020:aux:hdrgainmap",
)
#: Bytes of a further JPEG image read for a name (its XMP lies in its first segments).
IMAGE_HEAD = 64 * 1024
_APP2 = 0xE2
_MAX_IMAGES = 64  # MPF entries read at most


def has_gain_map(data: bytes) -> bool:
    """True when the photo in ``data`` (a JPEG, HEIF or AVIF file) carries a gain map."""
    if data[:2] == b"\xff\xd8":
        return _jpeg_has_gain_map(data)
    if data[4:8] == b"ftyp":
        meta = top_level_box(data, b"meta")
        return b"tmap" in ftyp_brands(data) or (meta is not None and _names_one(data[slice(*meta)]))
    return False


def _names_one(data: bytes) -> bool:
    """True when ``data`` holds one of :data:`NAMES`."""
    return any(name in data for name in NAMES)


def _jpeg_has_gain_map(data: bytes) -> bool:
    """The primary picture's segments, then the further images its MPF index lists."""
    further: list[int] = []
    named = False
    for marker, start, end in jpeg_segments(data):
        segment = data[start:end] if marker != JPEG_SOS else b""
        named = named or _names_one(segment)
        if marker == _APP2 and segment.startswith(b"MPF\x00"):
            further = _mpf_offsets(segment[4:], start + 4)
    held = [start for start in further if data[start : start + 2] == b"\xff\xd8"]
    return bool(held) and (named or any(_names_one(data[s : s + IMAGE_HEAD]) for s in held))


def _mpf_offsets(tiff: bytes, base: int) -> list[int]:
    """Where the further images of an MPF index start in the file (``tiff``: the index
    from its byte-order mark, which lies at ``base`` in the file)."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return []
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    if ifd + 2 > len(tiff):
        return []
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for k in range(count):
        entry = ifd + 2 + 12 * k
        if entry + 12 > len(tiff):
            return []
        tag, _, length, where = struct.unpack_from(order + "HHII", tiff, entry)
        if tag == 0xB002:  # MP entries: 16 bytes an image, the first the primary
            images = min(length // 16, _MAX_IMAGES)
            if where + 16 * images > len(tiff):
                return []
            entries = (
                struct.unpack_from(order + "IIIHH", tiff, where + 16 * i) for i in range(1, images)
            )
            return [base + offset for _, _, offset, _, _ in entries if offset]
    return []
