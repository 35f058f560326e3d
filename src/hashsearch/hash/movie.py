"""What is kept of the movie inside a motion photo: the digest of its video stream, and
whether it has sound (:mod:`hashsearch.decode.motion` finds the movie).

The movie is never decoded: FFmpeg reads its packets in place, through its ``subfile``
protocol (no copy of the movie is written anywhere), and they are digested as a video
file's are (:mod:`hashsearch.decode.stream`). So a motion photo's movie is known to be
in the library when a library motion photo carries the same stream, and equally when
the library keeps it as a video file of its own (extracted, or the same stream
re-muxed), as exports and other tools do; a library copy that lacks the sound the movie
has does not count. A re-encoded movie is another stream: not known to be there.
"""

from __future__ import annotations

import hashlib
import os

from ..decode.motion import movie_span
from ..decode.sound import sound_in_bytes
from ..decode.stream import DIGEST_BYTES, stream_digest
from .isolate import decoder_messages

#: The last byte of a kept movie: whether it has sound (as VideoSignature.sound says).
_SOUND = {False: 0, True: 1, None: 2}
_SOUND_OF = {value: key for key, value in _SOUND.items()}


def kept_movie(stream: bytes, sound: bool | None) -> bytes:
    """What is kept of a movie: its stream digest, then one byte for its sound."""
    return stream + bytes([_SOUND[sound]])


def movie_parts(movie: bytes) -> tuple[bytes, bool | None]:
    """Inverse of :func:`kept_movie`: the stream digest and the sound."""
    return movie[:-1], _SOUND_OF.get(movie[-1])


def movie_of(path: str, data: bytes) -> bytes:
    """What is kept of the movie in the motion photo ``data`` read from ``path``, or
    ``b""`` when it carries none. Where FFmpeg cannot read the packets in place (a file
    name it cannot take), the movie's bytes are digested instead: only a library motion
    photo with the very same movie matches that."""
    span = movie_span(data)
    if span is None:
        return b""
    start, end = span
    sound = sound_in_bytes(data[start:end])
    stream: bytes | None = None
    url = f"subfile,,start,{start},end,{end},,:{os.path.abspath(path)}"
    try:  # what FFmpeg says of the movie is captured, not printed
        stream, _ = decoder_messages(lambda: stream_digest(url))
    except Exception:  # a name OpenCV cannot encode, or FFmpeg refusing it
        stream = None
    if stream is None:
        stream = hashlib.sha256(memoryview(data)[start:end]).digest()[:DIGEST_BYTES]
    return kept_movie(stream, sound)
