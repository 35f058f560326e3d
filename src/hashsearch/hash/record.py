"""What the cache keeps of a file, as bytes: a photo's record (what its file says beside
the pixels, then each page's signature), a video's (:mod:`.clip`), or why a file cannot
be read, where that lasts.

A photo's: ``HSPHOTO5``; when it was taken (8-byte seconds, ``-2**63`` when unknown,
2-byte milliseconds and one byte for the digits written: :mod:`hashsearch.decode.exif`);
one byte of flags (1: a camera RAW file, 2: an animation, 4: an HDR photo's gain map);
the length of what is kept of a motion photo's movie (one byte, 0 for none) and that
(:mod:`hashsearch.hash.movie`); then
:meth:`Signature.to_bytes` of each page. A record without this head (written before the
moment, the movie and the flags were kept) is not read: the file is hashed again, so
its verdict never depends on when it was cached.

An unreadable file's: ``HSUNREA2``, ``v`` for a video or ``i``, the length (one byte)
and text of the decoders' versions that judged it (:mod:`hashsearch.decode.versions`),
then the reason, kept only where the reason lasts as long as the file and its decoders
are unchanged (the cache's stamp, and those versions): damage its decoder reported, a
file that is no picture or video its decoder can read, an empty file (:func:`lasting`).
Such a file is then not decoded again on every run, nor a worker started for it; after
another OpenCV, pillow-heif, Pillow or rawpy is installed it is tried once more (a record
without the versions, ``HSUNREA1``, is not read either). A file that failed for any
other reason (a time limit, memory, a missing extra, a setting such as
``--max-pixels``) is tried again each run; ``--rehash`` tries every file again.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..decode.versions import decoder_versions
from .clip import VideoSignature, is_video_record
from .signature import Signature, record_size

PHOTO_MAGIC = b"HSPHOTO5"
UNREADABLE_MAGIC = b"HSUNREA2"
#: How the reasons that last begin: damage ("damaged image: ...", "damaged JPEG: the file
#: is cut short", "damaged video: ..."), no picture or video a decoder can read ("not an
#: image: ...", "not a JPEG OpenCV can decode", "not a video FFmpeg can decode ...",
#: "RAW file without an embedded JPEG preview"), an empty file.
_LASTING = ("damaged ", "not an image", "not a ", "RAW file without", "empty file")
_HEAD = struct.Struct("<qhBBB")
_UNKNOWN = -(2**63)


def photo_record(pages: Sequence[Signature]) -> bytes:
    """The cache record of a photo's pages (the moment and movie kept with the first)."""
    first = pages[0]
    seconds, millis, digits = first.taken if first.taken is not None else (_UNKNOWN, 0, 0)
    flags = (1 if first.raw else 0) | (2 if first.animated else 0) | (4 if first.hdr else 0)
    head = PHOTO_MAGIC + _HEAD.pack(seconds, millis, digits, flags, len(first.movie))
    head += first.movie
    return head + b"".join(page.to_bytes() for page in pages)


def pages_of_record(data: bytes, bits: int) -> tuple[Signature, ...]:
    """Inverse of :func:`photo_record`; ValueError for anything else."""
    start = len(PHOTO_MAGIC) + _HEAD.size
    if not data.startswith(PHOTO_MAGIC) or len(data) < start:
        raise ValueError("not a photo record of this version")
    seconds, millis, digits, flags, movie_length = _HEAD.unpack_from(data, len(PHOTO_MAGIC))
    movie = data[start : start + movie_length]
    blob = memoryview(data)[start + movie_length :]  # read in place, not copied
    length = record_size(bits)
    if len(movie) != movie_length or not blob or len(blob) % length:
        raise ValueError(f"a cached value of {len(blob)} bytes")
    taken = None if seconds == _UNKNOWN else (seconds, millis, digits)
    raw, animated, hdr = bool(flags & 1), bool(flags & 2), bool(flags & 4)
    first = Signature.from_bytes(
        blob[:length], bits, movie=movie, taken=taken, raw=raw, animated=animated, hdr=hdr
    )
    more = (
        Signature.from_bytes(blob[i : i + length], bits) for i in range(length, len(blob), length)
    )
    return (first, *more)


def lasting(reason: str | None) -> bool:
    """True when a file unreadable for ``reason`` stays so while it is unchanged."""
    return reason is not None and reason.startswith(_LASTING)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file that cannot be read, for a reason that lasts; ``kind``: image or video."""

    reason: str
    kind: Literal["image", "video"]


def unreadable_record(unreadable: Unreadable) -> bytes:
    """The cache record of an unreadable file, with the decoders' versions that judged it."""
    kind = b"v" if unreadable.kind == "video" else b"i"
    judged_by = decoder_versions().encode("ascii")
    reason = unreadable.reason.encode("utf-8", "replace")
    return UNREADABLE_MAGIC + kind + bytes([len(judged_by)]) + judged_by + reason


def unreadable_of_record(data: bytes) -> Unreadable:
    """Inverse of :func:`unreadable_record`; ValueError for anything else, and for a
    verdict made by other decoders than those installed (the file is tried again)."""
    start = len(UNREADABLE_MAGIC) + 2
    if not data.startswith(UNREADABLE_MAGIC) or len(data) < start:
        raise ValueError("not an unreadable file's record")
    judged_by = data[start : start + data[start - 1]]
    reason = data[start + len(judged_by) :].decode("utf-8", "replace")
    if len(judged_by) != data[start - 1] or not lasting(reason):
        raise ValueError("not an unreadable file's record")
    if judged_by.decode("ascii", "replace") != decoder_versions():
        raise ValueError("judged unreadable by other decoders than those installed")
    kind: Literal["image", "video"] = (
        "video" if data[len(UNREADABLE_MAGIC)] == ord("v") else "image"
    )
    return Unreadable(reason, kind)


#: What the cache keeps of a file: each page's signature, a video's, or why it is unreadable.
Record = tuple[Signature, ...] | VideoSignature | Unreadable


def record_bytes(record: Sequence[Signature] | Record) -> tuple[bytes, int]:
    """A cache value and its hash bits (0 where no hash is kept)."""
    if isinstance(record, VideoSignature):  # an interlaced video's has no frame
        return record.to_bytes(), record.frames[0].hash.bits if record.frames else 0
    if isinstance(record, Unreadable):
        return unreadable_record(record), 0
    return photo_record(record), record[0].hash.bits


def record_of(blob: bytes, bits: int) -> Record:
    """Inverse of :func:`record_bytes`; ValueError for a value this version cannot read."""
    if is_video_record(blob):
        return VideoSignature.from_bytes(blob, bits)
    if blob.startswith(UNREADABLE_MAGIC):
        return unreadable_of_record(blob)
    return pages_of_record(blob, bits)
