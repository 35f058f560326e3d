"""When a photo was taken, as its EXIF says: DateTimeOriginal and SubSecTimeOriginal.

A camera writes the moment of each exposure; editors, converters and photo libraries
copy it with the picture (some drop the sub-seconds, some shift it by a time zone). Two
burst shots, or the same scene a second later, are two exposures and say so, however
alike their pixels are (:mod:`hashsearch.match.moment` uses it that way).

Read from a JPEG's APP1 ``Exif`` segment, a TIFF-based file's own structure (TIFF, DNG
and most camera RAW), the ``Exif`` item of a HEIF or AVIF file (found by its header), or
a WebP's ``EXIF`` and a PNG's ``eXIf`` chunk. Pure:
bytes in, moment out; every offset is checked against the data, so a damaged or hostile
EXIF gives None, never an exception or a loop.
"""

from __future__ import annotations

import calendar
import re
import struct

from .header import jpeg_segments

#: (seconds since 1970 of the local date and time written; the sub-second in
#: milliseconds, and how many digits of it the file wrote, 0 when it wrote none, up to 3
#: kept): no time zone is applied, as cameras write local time.
Moment = tuple[int, int, int]

_EXIF_HEADER = b"Exif\x00\x00"
_TIFF_HEADERS = (b"II*\x00", b"MM\x00*")
_EXIF_IFD, _DATE_TIME_ORIGINAL, _SUB_SEC_ORIGINAL = 0x8769, 0x9003, 0x9291
_ASCII = 2
_MAX_ENTRIES = 1000  # entries read per directory at most
_DATE = re.compile(rb"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_MAX_CHUNKS = 100_000  # chunks of a PNG or WebP walked at most (a PNG's IDAT are many)


def taken_at(data: bytes) -> Moment | None:
    """When the photo in ``data`` was taken, or None where its EXIF does not say."""
    tiff = _tiff_of(data)
    if tiff is None:
        return None
    try:
        return _moment(data, tiff)
    except (struct.error, ValueError, IndexError):
        return None


def _tiff_of(data: bytes) -> int | None:
    """Where the EXIF's TIFF structure starts in ``data``, or None."""
    if data[:4] in _TIFF_HEADERS:
        return 0
    if data.startswith(b"\xff\xd8"):
        return _jpeg_exif(data)
    if data[4:8] == b"ftyp":  # HEIF: the Exif item, wherever its box put it (a file's
        for header in _TIFF_HEADERS:  # HEVC decode takes far longer than this search)
            at = data.find(_EXIF_HEADER + header)
            if at != -1:
                return at + len(_EXIF_HEADER)
        return None
    chunk = None
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":  # its EXIF chunk
        chunk = _chunk(data, 12, b"EXIF", png=False)
    elif data.startswith(b"\x89PNG"):  # its eXIf chunk, before or after the pixels
        chunk = _chunk(data, 8, b"eXIf", png=True)
    if chunk is not None and data.startswith(_EXIF_HEADER, chunk):  # some keep the header
        chunk += len(_EXIF_HEADER)
    return chunk if chunk is not None and data[chunk : chunk + 4] in _TIFF_HEADERS else None


def _chunk(data: bytes, at: int, wanted: bytes, png: bool) -> int | None:
    """Where the data of the first ``wanted`` chunk from ``at`` starts: a PNG's chunks
    (length, type, data, CRC) or a WebP's RIFF chunks (type, size, data padded to even)."""
    for _ in range(_MAX_CHUNKS):
        if at + 8 > len(data):
            return None
        if png:
            (size,) = struct.unpack_from(">I", data, at)
            kind, step = data[at + 4 : at + 8], 12 + size
        else:
            (size,) = struct.unpack_from("<I", data, at + 4)
            kind, step = data[at : at + 4], 8 + size + (size & 1)
        if kind == wanted:
            return at + 8
        at += step
    return None


def _jpeg_exif(data: bytes) -> int | None:
    """The TIFF structure of a JPEG's first APP1 ``Exif`` segment (before its scan)."""
    for marker, start, _ in jpeg_segments(data):  # the start of scan ends the metadata
        if marker == 0xE1 and data[start : start + 6] == _EXIF_HEADER:
            return start + 6
    return None


def _moment(data: bytes, tiff: int) -> Moment | None:
    """DateTimeOriginal and SubSecTimeOriginal of the TIFF structure at ``tiff``."""
    order = "<" if data[tiff : tiff + 2] == b"II" else ">"
    (first,) = struct.unpack_from(order + "I", data, tiff + 4)
    pointer = _entries(data, tiff, first, order).get(_EXIF_IFD)
    if pointer is None:
        return None
    exif = _entries(data, tiff, _offset_value(data, pointer, order), order)
    written = _ascii(data, tiff, exif.get(_DATE_TIME_ORIGINAL), order)
    found = _DATE.match(written) if written else None
    if found is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in found.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        return None  # "0000:00:00 00:00:00", as cameras without a clock write
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    digits = (_ascii(data, tiff, exif.get(_SUB_SEC_ORIGINAL), order) or b"").strip()
    if not digits.isdigit():
        return seconds, 0, 0
    return seconds, int((digits + b"000")[:3]), min(len(digits), 3)


def _entries(data: bytes, tiff: int, offset: int, order: str) -> dict[int, int]:
    """A directory's entries: tag -> where its 12-byte entry starts."""
    start = tiff + offset
    (count,) = struct.unpack_from(order + "H", data, start)
    if count > _MAX_ENTRIES or start + 2 + 12 * count > len(data):
        raise ValueError("a directory past the data")
    entries = {}
    for n in range(count):
        at = start + 2 + 12 * n
        (tag,) = struct.unpack_from(order + "H", data, at)
        entries[tag] = at
    return entries


def _offset_value(data: bytes, entry: int, order: str) -> int:
    """The 4-byte value of an entry (an offset, for a pointer tag)."""
    (value,) = struct.unpack_from(order + "I", data, entry + 8)
    return int(value)


def _ascii(data: bytes, tiff: int, entry: int | None, order: str) -> bytes | None:
    """The text of an ASCII entry, without its terminating NUL; None if it is not one."""
    if entry is None:
        return None
    kind, count = struct.unpack_from(order + "HI", data, entry + 2)
    if kind != _ASCII or count > 64:
        return None
    start = entry + 8 if count <= 4 else tiff + _offset_value(data, entry, order)
    if start + count > len(data):
        return None
    return data[start : start + count].split(b"\x00", 1)[0]
