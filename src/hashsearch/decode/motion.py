"""Motion photos: one file holding a photo and, after it, the short movie the camera took.

Google's (``PXL_*.MP.jpg``, ``MVIMG_*.jpg``) and Samsung's motion photos are the photo's
JPEG followed by an MP4 (Samsung puts ``MotionPhoto_Data`` before it and a trailer of its
own after); Samsung's HEIC ones keep the MP4 in a top-level ``mpvd`` box. Decoders read
only the photo, so without this module such a file compares as its still: a library copy
that kept only the still (an app that re-saved it, an export without the movie) makes it
"found", and deleting it loses the movie. Here the movie is found, so that a motion
photo counts as found only where the library keeps its movie too
(:mod:`hashsearch.hash.movie`, :func:`hashsearch.match.lesser.lesser`).

The movie is told by its structure, not by metadata a converter may drop or keep: an MP4
``ftyp`` box after the JPEG's end of image, followed by another well-formed box. Finding
the end of the image means reading through the photo's compressed data (5 ms for 12
megapixels), so a JPEG that ends as a JPEG does (``FFD9``) is read through only when its
metadata names a movie (Google's XMP says ``MotionPhoto`` or ``MicroVideo``). Every
Samsung photo ends with a trailer of Samsung's own whose directory lists its fields, the
movie among them when there is one: that directory is read instead (microseconds). The
span covers the MP4's top-level boxes only (a trailer after them is not the movie).
Pure: bytes in, span out.
"""

from __future__ import annotations

from .header import JPEG_SOS, jpeg_segments
from .isobox import MAX_BOXES, printable, top_level_box, well_formed_box

_SOI, _EOI = b"\xff\xd8", b"\xff\xd9"
_FTYP = b"ftyp"
_HEIF_MOVIE = b"mpvd"
#: The kind of Samsung's trailer field that holds a motion photo's movie.
_SAMSUNG_MOVIE = 0x0A30
#: Words in a motion photo's XMP (Google: GCamera:MotionPhoto, GCamera:MicroVideo).
_SAYS_MOVIE = (b"MotionPhoto", b"MicroVideo")


def movie_span(data: bytes) -> tuple[int, int] | None:
    """Where the movie lies in a motion photo's bytes (start, end), or None."""
    if data.startswith(_SOI):
        return _jpeg_movie(data)
    if data[4:8] == _FTYP:
        return _heif_movie(data)
    return None


def _jpeg_movie(data: bytes) -> tuple[int, int] | None:
    """The MP4 after a JPEG's picture: from its first ``ftyp`` box that is followed by
    another box, while the top-level boxes are well formed (one cut short: to the end)."""
    scan = _first_scan(data)
    if scan is None:
        return None
    says_movie = any(data.find(word, 0, scan) != -1 for word in _SAYS_MOVIE)
    samsung = _samsung_fields(data)
    if samsung is not None:  # every Samsung photo ends with this directory
        movie = _samsung_movie(data, samsung)
        if movie is not None or not says_movie:
            return movie
    elif data.endswith(_EOI) and not says_movie:
        # the file ends as a JPEG does (a gain map's may follow the picture) and its
        # metadata names no movie: not read through (5 ms for a 12-megapixel photo)
        return None
    eoi = data.find(_EOI, scan)  # 0xFF in scan data is stuffed: it is never FFD9
    if eoi == -1:
        return None
    end = eoi + 2
    at = data.find(_FTYP, end + 4)
    while at != -1:
        start = at - 4
        box = well_formed_box(data, start)
        if box is not None and printable(data[at + 4 : at + 8]):  # its major brand
            after = box[2]
            if printable(data[after + 4 : after + 8]):  # the next box's type
                return start, _boxes_end(data, start)
        at = data.find(_FTYP, at + 1)
    return None


def _samsung_fields(data: bytes) -> dict[int, tuple[int, int]] | None:
    """The fields Samsung's trailer lists (kind: start, end), from the directory at the
    end of the file (``SEFH`` ... size, ``SEFT``); None where there is none that holds."""
    if not data.endswith(b"SEFT") or len(data) < 20:
        return None
    head = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    count = int.from_bytes(data[head + 8 : head + 12], "little") if head >= 0 else 0
    if head < 0 or data[head : head + 4] != b"SEFH" or head + 12 + 12 * count > len(data) - 8:
        return None
    fields = {}
    for at in range(head + 12, head + 12 + 12 * min(count, MAX_BOXES), 12):
        kind = int.from_bytes(data[at + 2 : at + 4], "little")
        start = head - int.from_bytes(data[at + 4 : at + 8], "little")
        end = start + int.from_bytes(data[at + 8 : at + 12], "little")
        if start < 0 or end > head:
            return None
        fields[kind] = (start, end)
    return fields


def _samsung_movie(data: bytes, fields: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
    """The MP4 in Samsung's ``MotionPhoto_Data`` field (2 zero bytes, its kind, the length
    of its name, the name, then the movie), where the trailer lists one."""
    if _SAMSUNG_MOVIE not in fields:
        return None
    start, end = fields[_SAMSUNG_MOVIE]
    movie = start + 8 + int.from_bytes(data[start + 4 : start + 8], "little")
    if data[movie + 4 : movie + 8] != _FTYP or movie >= end:
        return None
    return movie, end  # the field ends where the movie does


def _first_scan(data: bytes) -> int | None:
    """Where a JPEG's first scan starts (after its SOS header), or None."""
    return next((end for marker, _, end in jpeg_segments(data) if marker == JPEG_SOS), None)


def _heif_movie(data: bytes) -> tuple[int, int] | None:
    """The contents of a HEIF file's top-level ``mpvd`` box (Samsung's motion photos)."""
    movie = top_level_box(data, _HEIF_MOVIE)
    return movie if movie is not None and movie[1] > movie[0] else None


def _boxes_end(data: bytes, start: int) -> int:
    """Where the run of well-formed top-level ISO boxes from ``start`` ends: at the end of
    the data where the last one is cut short."""
    at = start
    for _ in range(MAX_BOXES):
        if at + 8 > len(data):
            return at
        box = well_formed_box(data, at)
        if box is None:
            cut = printable(data[at + 4 : at + 8]) and int.from_bytes(data[at : at + 4], "big")
            return len(data) if cut and at + cut > len(data) else at
        at = box[2]
    return len(data)  # a hostile run of tiny boxes: the rest counts as movie, unread
