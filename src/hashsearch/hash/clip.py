"""What is kept of each video: the signatures of its sampled frames, with their times.

A video is compared frame by frame (:mod:`hashsearch.match.video`), so it keeps what a
photo keeps for each sampled frame (hashes, 64 x 64 thumbnail) and, beside them, when
each frame is shown and how long the clip is. Size: 4,148 bytes per sampled frame: about
250 KB per minute sampled at its keyframes, 1 MB when every frame was decoded (a frame
each 0.25 s; see :mod:`hashsearch.decode.video`); at most 600 frames, 2.5 MB, a clip.
And whether the file carries sound (:mod:`hashsearch.decode.sound`), whether it was
sampled completely (as a library clip) or only a keyframe every few seconds (a clip that
is only looked up: :mod:`hashsearch.decode.keyframes`), and the digest of its video
stream (16 bytes, :mod:`hashsearch.decode.stream`).
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..decode.image import DEFAULT_MAX_PIXELS
from ..decode.sound import has_sound
from ..decode.stream import DIGEST_BYTES, stream_digest
from ..decode.video import (
    CHOSEN_KEYFRAMES,
    DEFAULT_MAX_FRAMES,
    DEFAULT_STEP,
    Gray,
    VideoInfo,
    sample_frames,
)
from ..errors import InterlacedVideoError
from .isolate import REFUSED_INTERLACED, messages_so_far
from .signature import Signature, record_size, signature

#: The first bytes of a video's cache record (a photo's starts with hash.record's own);
#: the last digit is the record's version. A record of an earlier version (3 and before
#: kept no stream digest) is not read: its file is hashed again, once, so that a verdict
#: never depends on when a clip was cached.
MAGIC = b"HSVIDEO4"
#: duration, width, height, frames, sound (0 no, 1 yes, 2 ?), sampled completely (1) or
#: not, the stream's digest (all zeros: none)
_HEAD = struct.Struct(f"<dIIIBB{DIGEST_BYTES}s")
_NO_DIGEST = bytes(DIGEST_BYTES)
_SOUND = {False: 0, True: 1, None: 2}
#: Frames are shrunk to this long side (pixels) before hashing.
FRAME_SIDE = 512
#: The reason given for an interlaced video (isolate.REFUSED_INTERLACED): not damage.
INTERLACED = (
    "interlaced video (DV, DVD, AVCHD, 1080i): the FFmpeg inside OpenCV cannot convert its "
    "frames, so it cannot be compared; check it by hand"
)


@dataclass(frozen=True, slots=True, eq=False)
class VideoSignature:
    """A video's sampled frames (signatures), the second each is shown, its length and size."""

    frames: tuple[Signature, ...]
    times: tuple[float, ...]  # seconds from the start, one per frame, increasing
    duration: float  # seconds
    size: tuple[int, int]  # width, height as shown
    sound: bool | None = None  # whether the file carries a sound track (None: unknown)
    complete: bool = True  # sampled as a library clip (False: only a keyframe every few s)
    stream: bytes | None = None  # the digest of its video stream's packets (None: unknown)

    @property
    def long_side(self) -> int:
        """The longer of the frame's width and height, in pixels."""
        return max(self.size)

    @property
    def step(self) -> float:
        """The typical time between sampled frames, in seconds."""
        if len(self.times) < 2:
            return DEFAULT_STEP
        return float(np.median(np.diff(self.times)))

    def to_bytes(self) -> bytes:
        """The cache record: magic, length, size, frame count, times, then each frame."""
        sound = _SOUND[self.sound]
        stream = self.stream or _NO_DIGEST
        head = MAGIC + _HEAD.pack(
            self.duration, *self.size, len(self.frames), sound, int(self.complete), stream
        )
        times = np.asarray(self.times, dtype="<f4").tobytes()
        return head + times + b"".join(frame.to_bytes(colour=False) for frame in self.frames)

    @classmethod
    def from_bytes(cls, data: bytes, bits: int) -> VideoSignature:
        """Inverse of :meth:`to_bytes`; ValueError when the record does not add up."""
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _HEAD.size:
            raise ValueError("not a video record of this version")
        start = len(MAGIC)
        duration, width, height, count, sound, sampling, stream = _HEAD.unpack_from(data, start)
        start += _HEAD.size
        times = np.frombuffer(data, dtype="<f4", count=count, offset=start)
        start += 4 * count
        length = record_size(bits, colour=False) if count else 0  # none: interlaced
        if len(data) != start + count * length:
            raise ValueError(f"a video record of {len(data)} bytes for {count} frames")
        frames = tuple(
            Signature.from_bytes(data[start + k * length : start + (k + 1) * length], bits, False)
            for k in range(count)
        )
        heard = {v: k for k, v in _SOUND.items()}.get(sound)
        size = (width, height)
        seconds = tuple(float(t) for t in times)
        digest = None if stream == _NO_DIGEST else stream
        return cls(frames, seconds, float(duration), size, heard, sampling == 1, digest)


def interlaced_stand_in(path: str) -> VideoSignature:
    """What is kept of an interlaced video, whose frames cannot be had: no frame, but its
    length, size and sound as its container states them, and its stream's digest (a
    library file with the very stream holds it: :mod:`hashsearch.match.streams`)."""
    import cv2

    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    try:
        fps, count = capture.get(cv2.CAP_PROP_FPS), capture.get(cv2.CAP_PROP_FRAME_COUNT)
        size = (
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
    finally:
        capture.release()
    duration = float(count / fps) if fps > 0 and count > 0 else 0.0
    return VideoSignature((), (), duration, size, has_sound(path), True, stream_digest(path))


def is_video_record(data: bytes) -> bool:
    """True when a cache record holds a video (of any version of :data:`MAGIC`)."""
    return data.startswith(MAGIC[:-1])


def video_signature(
    path: str,
    hash_size: int,
    algorithm: str = "dhash",
    max_pixels: int = DEFAULT_MAX_PIXELS,
    on_duration: Callable[[float], None] | None = None,
    keyframes: bool = True,
    looked_up: bool = False,
    known: VideoSignature | None = None,
) -> tuple[VideoSignature, bool]:
    """Sample the video at ``path`` and keep the signature of every sampled frame; also
    whether FFmpeg skipped frames to sample it faster (``keyframes`` False: never).
    ``looked_up``: a clip only looked up may be sampled a keyframe every few seconds.
    ``known``: its record sampled so before, whose frames are not decoded again."""

    import cv2

    def keep(seconds: float, gray: Gray) -> Signature:
        if REFUSED_INTERLACED.search(messages_so_far()):  # (a read of 4 KB at most)
            # OpenCV handed over a black frame, or a stale buffer: decoding on won't help
            raise InterlacedVideoError(INTERLACED)
        # the frame shrunk first (by area, in 8 bits): hashing a 1080p frame whole costs
        # more than decoding it; every video's frames take this same path
        height, width = gray.shape
        scale = FRAME_SIDE / max(height, width)
        if scale < 1:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            gray = np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), np.uint8)
        return signature(gray, hash_size, algorithm, (width, height))

    def sample(
        sparse: bool, before: Sequence[tuple[float, Signature]] = ()
    ) -> tuple[list[tuple[float, Signature]], VideoInfo]:
        limits = (DEFAULT_MAX_FRAMES, max_pixels, on_duration, keyframes)
        return sample_frames(path, keep, DEFAULT_STEP, *limits, sparse=sparse, known=before)

    before = (
        () if known is None or looked_up else tuple(zip(known.times, known.frames, strict=True))
    )
    sampled, info = sample(looked_up, before)
    read = info.stream  # every packet was read for the chosen keyframes: not read again
    if info.skipped == CHOSEN_KEYFRAMES and _barely_changes([s for _, s in sampled]):
        sampled, info = sample(False, sampled)
    frames = tuple(frame for _, frame in sampled)
    times = tuple(seconds for seconds, _ in sampled)
    size = (info.width, info.height)
    complete = info.skipped != CHOSEN_KEYFRAMES
    stream = read if read is not None else stream_digest(path)
    video = VideoSignature(frames, times, info.duration, size, has_sound(path), complete, stream)
    return video, info.skipped is not None


#: Chosen keyframes whose thumbnails differ from the next by less than this (mean gray
#: levels, each thumbnail's mean removed), at the median, show a clip that barely
#: changes: its timing (match/timing.py) needs every keyframe, as a library clip keeps.
#: Measured on benchmarks/videos.py --long: a pan over a soft, nearly blank wallpaper
#: 0.1 (with 14 keyframes, too few showed their moment: "nothing in it moves"); every
#: other clip 3.0 or more, a fixed street camera 5.7.
STILL_DIFFERENCE = 1.0


def _barely_changes(frames: list[Signature]) -> bool:
    """True when consecutive frames' thumbnails hardly differ (see STILL_DIFFERENCE)."""
    thumbs = [frame.thumb.astype(np.float32) for frame in frames]
    centred = [thumb - thumb.mean() for thumb in thumbs]
    differences = [float(np.abs(a - b).mean()) for a, b in itertools.pairwise(centred)]
    return bool(differences) and float(np.median(differences)) < STILL_DIFFERENCE
