"""A photo's cache record: what its file says beside the pixels, then each page's signature.

Layout: ``HSPHOTO3``; when it was taken (8-byte seconds, ``-2**63`` when unknown,
2-byte milliseconds and one byte for the digits written: :mod:`hashsearch.decode.exif`);
the length of what
is kept of a motion photo's movie (one byte, 0 for none) and that
(:mod:`hashsearch.hash.movie`); then :meth:`Signature.to_bytes` of each page. A record
without this head (written before the moment and the movie were kept) is not read: the
file is hashed again, so its verdict never depends on when it was cached.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from .signature import Signature, record_size

PHOTO_MAGIC = b"HSPHOTO3"
_HEAD = struct.Struct("<qhBB")
_UNKNOWN = -(2**63)


def photo_record(pages: Sequence[Signature]) -> bytes:
    """The cache record of a photo's pages (the moment and movie kept with the first)."""
    first = pages[0]
    seconds, millis, digits = first.taken if first.taken is not None else (_UNKNOWN, 0, 0)
    head = PHOTO_MAGIC + _HEAD.pack(seconds, millis, digits, len(first.movie)) + first.movie
    return head + b"".join(page.to_bytes() for page in pages)


def pages_of_record(data: bytes, bits: int) -> tuple[Signature, ...]:
    """Inverse of :func:`photo_record`; ValueError for anything else."""
    start = len(PHOTO_MAGIC) + _HEAD.size
    if not data.startswith(PHOTO_MAGIC) or len(data) < start:
        raise ValueError("not a photo record of this version")
    seconds, millis, digits, movie_length = _HEAD.unpack_from(data, len(PHOTO_MAGIC))
    movie = data[start : start + movie_length]
    blob = memoryview(data)[start + movie_length :]  # read in place, not copied
    length = record_size(bits)
    if len(movie) != movie_length or not blob or len(blob) % length:
        raise ValueError(f"a cached value of {len(blob)} bytes")
    taken = None if seconds == _UNKNOWN else (seconds, millis, digits)
    first = Signature.from_bytes(blob[:length], bits, movie=movie, taken=taken)
    more = (
        Signature.from_bytes(blob[i : i + length], bits) for i in range(length, len(blob), length)
    )
    return (first, *more)
