"""Hash one file: read, decode, check what the decoder said, make the signature.

This is the only way a file becomes a signature, for the command and the library
alike, so both give the same verdict on the same file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

from ..decode.animation import is_animated
from ..decode.exif import taken_at
from ..decode.formats import is_image_name, is_raw_name, is_video, is_video_name
from ..decode.gainmap import has_gain_map
from ..decode.header import SNIFF_BYTES, read_header
from ..decode.image import DecodeOptions, decode_pages
from ..decode.read import read_regular_file
from ..decode.video import NO_FRAME
from ..errors import ImageError, InterlacedVideoError
from .clip import INTERLACED, VideoSignature, interlaced_stand_in, video_signature
from .dhash import DEFAULT_HASH_SIZE, ImageHash
from .isolate import REFUSED_INTERLACED, damage_in, decoder_messages, stretch_time_limit
from .movie import movie_of
from .signature import Signature, signature

#: A file named like an image whose first bytes match no known format is read whole (for
#: OpenCV to try) only up to this size.
MAX_UNKNOWN_BYTES = 64 * 1024**2
# Bump when a change to decoding or hashing changes any stored value: it retires cache entries.
ALGORITHM_VERSION = 10  # 5: alpha laid over gray, one 64 x 64 thumbnail; 6: size, pages;
# 7: a PNG made gray as other pictures are, whatever gamma it states; a transparent picture
# turned by its EXIF orientation; 8: decoded in colour, a chroma map kept; 9: every
# picture of a HEIF file (a record of its first alone would keep calling it found), and
# an animated AVIF or HEIF sequence flagged as an animation, an HDR photo's gain map;
# 10: a transparent picture drawn in about the background gray laid over black
#: A video may take the per-file time limit once for each this many seconds of its length.
VIDEO_SECONDS_PER_LIMIT = 60.0
#: ... but never more than this many times it: a file that states a length of days gets
#: half an hour at the default limit, then it is unreadable, not a hang.
MAX_VIDEO_LIMITS = 30


Kind = Literal["image", "video"]
T = TypeVar("T")
_FFMPEG_ADDRESS = re.compile(r" @ 0x[0-9a-f]+")  # "[h264 @ 0x55ee1c34d240] error ..."


@dataclass(frozen=True, slots=True)
class HashParams:
    """Everything that decides the hash of a file."""

    hash_size: int = DEFAULT_HASH_SIZE
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    algorithm: str = "dhash"  # a key of hashsearch.hash.families.ALGORITHMS
    # the videos under ``looked_up`` (folders or files) and not deeper under ``library``
    # are only looked up in a library (a backup's): they may be sampled more sparsely
    # (decode/keyframes.py). Not in the cache key: each record says how it was sampled.
    looked_up: tuple[str, ...] = ()
    library: tuple[str, ...] = ()
    # videos sampled at chosen keyframes before (cache records), by path: sampled whole
    # now, they take those frames instead of decoding them again (decode/keyframes.py)
    known: Mapping[str, VideoSignature] = field(default_factory=dict, compare=False)

    @property
    def cache_key(self) -> str:
        """Names every parameter that changes a signature (the limits do not)."""
        decoded = "" if self.decode.reduced else ":full-decode"
        return f"{self.algorithm}{self.hash_size}:v{ALGORITHM_VERSION}{decoded}"

    def for_paths(self, paths: Sequence[str]) -> HashParams:
        """These parameters as hashing ``paths`` needs them: the known frames of those
        paths' videos only (they travel to a worker with each batch)."""
        if not self.known:
            return self
        return replace(self, known={p: self.known[p] for p in paths if p in self.known})

    def is_looked_up(self, path: str) -> bool:
        """True when the video at ``path`` is only looked up (see ``looked_up``)."""
        needle = max((len(r) for r in self.looked_up if _under(path, r)), default=-1)
        return needle > max((len(r) for r in self.library if _under(path, r)), default=-1)


def _under(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or lies inside it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass(frozen=True, slots=True)
class HashResult:
    """The signature of one file (of each page, or of a video's frames), or why it has none.

    ``compared`` is False for a file that is not a picture or video hashsearch compares
    (an unknown format): its ``reason`` says what it is. A video has ``video`` and no
    ``signature``. Otherwise a file without a signature is unreadable, and ``reason``
    says why.
    """

    path: str
    signature: Signature | None
    reason: str | None = None
    compared: bool = True
    more_pages: tuple[Signature, ...] = ()  # pages 2, 3 ... of a multi-page file
    video: VideoSignature | None = None
    kind: Kind = "image"  # "video" for a video, readable or not
    # an interlaced video (unreadable): no frame, its stream's digest (clip.interlaced_stand_in)
    stand_in: VideoSignature | None = None

    @property
    def hash(self) -> ImageHash | None:
        """The dHash of the whole image, when there is one."""
        return None if self.signature is None else self.signature.hash

    @property
    def kept_video(self) -> VideoSignature | None:
        """What is kept of a video: its signature, or an interlaced one's stand-in."""
        return self.video if self.video is not None else self.stand_in

    @property
    def pages(self) -> tuple[Signature, ...]:
        """The signature of every page (one for most files; none when unreadable)."""
        return () if self.signature is None else (self.signature, *self.more_pages)


def signature_of_file(path: str, params: HashParams = HashParams()) -> Signature:
    """The signature of an image file; raises :class:`ImageError` with the reason it has none.

    A file whose decoder reports damage ("Corrupt JPEG data ...") has no signature, even
    though the decoder returned pixels: they are partly made up. A multi-page file gives
    its first page (:func:`signatures_of_file` gives them all).
    """
    return signatures_of_file(path, params)[0]


def signatures_of_file(path: str, params: HashParams = HashParams()) -> tuple[Signature, ...]:
    """The signature of every page of an image file (damage checked, as above)."""
    data = read_regular_file(path, params.decode.max_bytes)
    header = read_header(data, raw_name=is_raw_name(path))
    pages, said = decoder_messages(lambda: decode_pages(data, params.decode, header=header))
    damage = damage_in(said)
    if damage is not None:
        raise ImageError(f"damaged image: {damage}")
    first, *more = (
        signature(page.gray, params.hash_size, params.algorithm, page.size, page.chroma)
        for page in pages
    )
    # what the file holds beside its picture, kept with the first page: a motion photo's
    # movie, the moment it was taken, whether it is a camera RAW file, an animation or an
    # HDR photo (a gain map beside the picture)
    movie, taken = movie_of(path, data), taken_at(data)
    raw, animated, hdr = header.format == "raw", is_animated(data), has_gain_map(data)
    first = replace(first, movie=movie, taken=taken, raw=raw, animated=animated, hdr=hdr)
    return (first, *more)


def kind_of(path: str) -> str:
    """ "image", "video" or why the file at ``path`` is neither ("unknown format (.xmp)").

    Told by the first bytes; the name decides only when they say nothing: a file named
    like an image but holding no known format is an unreadable image, and one named like
    a video is a video FFmpeg may still read (an MPEG stream, an odd container).
    """
    head = read_regular_file(path, head=SNIFF_BYTES)
    kind = read_header(head).format
    if kind == "unknown" and is_image_name(path) and os.lstat(path).st_size > MAX_UNKNOWN_BYTES:
        # nothing in its first bytes says image: not read whole just to find that out
        raise ImageError("not an image: its first bytes match no image format")
    if is_video(kind, path):
        return "video"
    if kind == "unknown" and not is_image_name(path):
        extension = os.path.splitext(path)[1].lower()
        return f"unknown format ({extension or 'no extension'})"
    return "image"


def signature_of_video(path: str, params: HashParams = HashParams()) -> VideoSignature:
    """The frame signatures of a video; raises :class:`ImageError` with the reason it has none.

    A video whose decoder reports damage ("error while decoding MB ...") has none: its
    frames are partly made up. Nor has an interlaced one: OpenCV hands over black or stale
    frames for it.
    """

    def stretch(seconds: float) -> None:
        stretch_time_limit(min(seconds / VIDEO_SECONDS_PER_LIMIT, MAX_VIDEO_LIMITS))

    looked_up = params.is_looked_up(path)

    def sample(keyframes: bool) -> tuple[VideoSignature, bool]:
        return video_signature(
            path,
            params.hash_size,
            params.algorithm,
            params.decode.max_pixels,
            stretch,
            keyframes,
            looked_up=looked_up,
            known=params.known.get(path),
        )

    try:
        (video, skipped), said = _heard(lambda: sample(True))
        damage = damage_in(said)
        if damage is not None and skipped:
            # frames skipped on purpose (all but keyframes, or frames nothing refers to) can
            # make a decoder complain of references it skipped itself: the whole stream judges
            (video, _), said = _heard(lambda: sample(False))
            damage = damage_in(said)
    except InterlacedVideoError as exc:  # what can be known without its frames, kept
        raise InterlacedVideoError(str(exc), interlaced_stand_in(path)) from None
    if damage is not None:
        raise ImageError(f"damaged video: {_FFMPEG_ADDRESS.sub('', damage)}")
    return video


def _heard(task: Callable[[], T]) -> tuple[T, bytes]:
    """``task``'s result and the decoder's messages; its ImageError raised again in FFmpeg's
    words where no frame came out (an AV1 video: "[av1] Your platform doesn't support
    hardware accelerated AV1 decoding."), and an interlaced video's reason."""

    def attempt() -> T | ImageError:
        try:
            return task()
        except ImageError as exc:
            return exc

    outcome, said = decoder_messages(attempt)
    if REFUSED_INTERLACED.search(said):  # seen at the first such frame (clip.py), or here
        raise InterlacedVideoError(INTERLACED)
    if not isinstance(outcome, ImageError):
        return outcome, said
    first = next((line.strip() for line in said.splitlines() if line.strip()), b"")
    if str(outcome) == NO_FRAME and first:
        words = _FFMPEG_ADDRESS.sub("", first.decode("utf-8", "replace"))
        raise ImageError(f"{NO_FRAME} (FFmpeg: {words})")
    raise outcome


def failure(path: str, reason: str) -> HashResult:
    """The result of a file whose worker crashed or ran out of time: unreadable, its kind
    told by its name (the file is not read again)."""
    return HashResult(path, None, reason, kind="video" if is_video_name(path) else "image")


def hash_file(path: str, params: HashParams = HashParams()) -> ImageHash:
    """The dHash of an image file; raises :class:`ImageError` with the reason it has none."""
    return signature_of_file(path, params).hash


def hash_one(path: str, params: HashParams) -> HashResult:
    """Like :func:`signatures_of_file`, with the failure (or "not a picture") as data.

    Whatever goes wrong while reading one file is that file's reason, never the run's
    end: a decoder library's own exceptions (pillow-heif raising SyntaxError on a few
    flipped bytes) and MemoryError included.
    """
    kind: Kind = "image"
    try:
        found = kind_of(path)
        if found == "video":
            kind = "video"
            return HashResult(path, None, video=signature_of_video(path, params), kind=kind)
        if found != "image":
            return HashResult(path, None, found, compared=False)
        first, *more = signatures_of_file(path, params)
        return HashResult(path, first, more_pages=tuple(more))
    except InterlacedVideoError as exc:
        return HashResult(path, None, str(exc), kind=kind, stand_in=exc.stand_in)
    except ImageError as exc:
        return HashResult(path, None, str(exc), kind=kind)
    except MemoryError:
        why = "out of memory while decoding it (see --max-pixels)"
        return HashResult(path, None, why, kind=kind)
    except Exception as exc:  # a decoder's own bug: this file's problem, not the run's
        why = f"the decoder failed: {type(exc).__name__}: {exc}"
        return HashResult(path, None, why, kind=kind)
