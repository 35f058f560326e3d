"""Frames of a video for hashing: about one a second, decoded as cheaply as the file allows.

OpenCV's VideoCapture decodes through the FFmpeg inside the wheel (H.264, HEVC, MPEG-4,
MJPEG, VP9 ...). Decoding every frame of a minute of 1080p costs seconds; a keyframe is
the one frame that decodes alone, and phones put one every second or so. So the
keyframes are decoded first, and used when they cover the clip densely (no gap over
about a second); otherwise (a copy re-encoded with a keyframe every 8 s) the frames are
decoded in order, one kept each 0.25 s, all but those no other frame refers to (FFmpeg
skips them without harm: a quarter less work for a re-encode from x264); if that leaves
gaps, every frame. Each sampled frame is handed
on at once (made into a signature), so memory is bounded by one frame, never by the
clip's length. Frames come turned as a player shows them (OpenCV applies the rotation
flag), so a copy stored turned with a flag and one re-encoded upright give the same
frames.
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ..errors import ImageError
from .image import DEFAULT_MAX_PIXELS
from .keyframes import WHOLE_BATCH, sample_keyframes

Gray = npt.NDArray[np.uint8]
T = TypeVar("T")

#: Seconds between sampled keyframes (a phone puts one about every second).
DEFAULT_STEP = 1.0
#: Seconds between sampled frames when every frame is decoded anyway: a copy trimmed at
#: any frame then has, for each keyframe of the original, a sampled frame within an
#: eighth of a second (frames half a second apart in a pan no longer look the same).
DENSE_STEP = 0.25
#: At most this many frames per video; a longer clip is sampled more sparsely.
DEFAULT_MAX_FRAMES = 600
#: A file whose frames end this much (seconds, or this share of its length) before the
#: length its container states was cut short: its end cannot be compared.
MISSING_END_SECONDS = 2.0
MISSING_END_SHARE = 0.05
#: The largest video frame decoded (8K UHD and a little more), whatever --max-pixels
#: says: a decoder keeps several frames (references, threads) at once.
MAX_FRAME_PIXELS = 40_000_000
#: Keyframes alone are enough when no two lie more than this many steps apart (nor the
#: last from the end) and the first is within KEY_START_SLACK seconds of the start: then
#: any frame of a copy has a sampled frame at most about half a step from it.
MAX_KEY_GAP = 1.05
KEY_START_SLACK = 0.1
#: What FFmpeg may skip in each pass (its AVDISCARD names), in the order tried.
KEYFRAMES, REFERENCED, EVERY_FRAME = "nonkey", "nonref", None
#: A clip only looked up (a backup's) keeps a keyframe each NEEDLE_STEP seconds, or each
#: 1/NEEDLE_MIN_FRAMES of a shorter clip, but at least each second; with fewer than
#: NEEDLE_MIN_FRAMES keyframes, or keyframes further apart than NEEDLE_MAX_GAP, it is
#: sampled as a library clip is. What it skips: all but CHOSEN_KEYFRAMES.
NEEDLE_STEP = 5.0
NEEDLE_MIN_FRAMES = 8
NEEDLE_MAX_GAP = 10.0
CHOSEN_KEYFRAMES = "chosen keyframes"
#: Why a video with a stream but not one frame decoded has no signature.
NO_FRAME = "no frame of the video could be decoded"


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What a video's container and frames say of it."""

    duration: float  # seconds
    width: int  # as shown (after the rotation flag)
    height: int
    frames: int  # frames decoded
    skipped: str | None  # what FFmpeg skipped: all but KEYFRAMES or REFERENCED, or nothing
    longest_gap: float  # seconds between decoded frames (or before the first, after the last)
    step: float  # seconds between kept frames
    stream: bytes | None = None  # the stream's digest, where this pass read every packet


def sample_frames(
    path: str,
    make: Callable[[float, Gray], T],
    step: float = DEFAULT_STEP,
    max_frames: int = DEFAULT_MAX_FRAMES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    on_duration: Callable[[float], None] | None = None,
    keyframes: bool = True,
    dense_step: float = DENSE_STEP,
    sparse: bool = False,
    known: Sequence[tuple[float, T]] = (),
) -> tuple[list[tuple[float, T]], VideoInfo]:
    """``make(seconds, gray)`` of frames of the video at ``path``, at most ``max_frames``.

    First only the keyframes are decoded (fast: a phone puts one every second or so), one
    kept each ``step``; when they lie too far apart, every frame is decoded and one kept
    each ``dense_step``.
    Raises :class:`ImageError` when the file has no video stream FFmpeg can decode, no
    frame at all, frames larger than ``max_pixels``, or frames that end well before the
    length its container states (a file cut short). ``on_duration`` hears the stated
    length before decoding starts (for a time limit that grows with it); ``keyframes``
    False decodes every frame at once. ``sparse``: a clip only looked up, sampled at
    chosen keyframes where its codec allows (:mod:`.keyframes`). ``known``: (seconds,
    what ``make`` made) of the keyframes so sampled before: a clip now sampled whole takes
    them instead of decoding them again.
    """
    heard: list[float] = []  # the stated length, once a raw pass has read it

    def hear(seconds: float) -> None:
        heard.append(seconds)
        if on_duration is not None:
            on_duration(seconds)

    if sparse and keyframes:
        chosen = _chosen_keyframes(path, make, max_frames, max_pixels, hear)
        if chosen is not None:
            return chosen
    elif known and keyframes:
        every = _every_keyframe(path, make, step, max_frames, max_pixels, hear, known)
        if every is not None:
            return every
    if heard:
        on_duration = None  # heard once (a file it never opened is heard below)
    if keyframes:
        keyed, info = _pass(path, make, step, max_frames, max_pixels, on_duration, KEYFRAMES)
        if info.longest_gap <= MAX_KEY_GAP * info.step:
            return keyed, info
        on_duration = None  # heard once
        kept, info = _pass(path, make, dense_step, max_frames, max_pixels, None, REFERENCED)
        if info.longest_gap <= MAX_KEY_GAP * info.step:
            return kept, info
    return _pass(path, make, dense_step, max_frames, max_pixels, on_duration, EVERY_FRAME)


def _chosen_keyframes(
    path: str,
    make: Callable[[float, Gray], T],
    max_frames: int,
    max_pixels: int,
    on_duration: Callable[[float], None] | None,
) -> tuple[list[tuple[float, T]], VideoInfo] | None:
    """A looked-up clip sampled at chosen keyframes, or None where that does not serve."""

    def step(stated: float) -> float | None:
        if stated < (NEEDLE_MIN_FRAMES - 1) * DEFAULT_STEP:
            return None  # too short to keep NEEDLE_MIN_FRAMES: sampled the usual way
        wanted = min(NEEDLE_STEP, max(DEFAULT_STEP, stated / NEEDLE_MIN_FRAMES))
        return max(wanted, stated / max_frames)

    check = functools.partial(check_frame_size, max_pixels=max_pixels)
    chosen = sample_keyframes(path, make, step, check, on_duration)
    if chosen is None:
        return None
    sampled, stated, (width, height) = chosen.sampled, chosen.stated, chosen.shown
    times = [seconds for seconds, _ in sampled]
    gaps = [b - a for a, b in zip([0.0, *times], [*times, stated], strict=True)]
    if len(sampled) < NEEDLE_MIN_FRAMES or max(gaps) > NEEDLE_MAX_GAP:
        return None
    used, kept = step(stated) or DEFAULT_STEP, len(sampled)
    info = VideoInfo(stated, width, height, kept, CHOSEN_KEYFRAMES, max(gaps), used, chosen.stream)
    return sampled, info


def _every_keyframe(
    path: str,
    make: Callable[[float, Gray], T],
    step: float,
    max_frames: int,
    max_pixels: int,
    on_duration: Callable[[float], None] | None,
    known: Sequence[tuple[float, T]],
) -> tuple[list[tuple[float, T]], VideoInfo] | None:
    """A clip sampled at chosen keyframes before, now at the first keyframe at or after each
    ``step``, the ``known`` ones taken; None where its keyframes lie too far apart."""

    def step_for(stated: float) -> float:
        return max(step, stated / max_frames)

    check = functools.partial(check_frame_size, max_pixels=max_pixels)
    chosen = sample_keyframes(
        path, make, step_for, check, on_duration, known, WHOLE_BATCH, MAX_KEY_GAP
    )
    if chosen is None or chosen.sampled[0][0] > KEY_START_SLACK:
        return None
    sampled = chosen.sampled[:max_frames]  # the last keyframe is kept besides the steps
    (width, height), kept, gap = chosen.shown, len(sampled), chosen.longest_gap
    used = step_for(chosen.stated)
    info = VideoInfo(chosen.stated, width, height, kept, KEYFRAMES, gap, used, chosen.stream)
    return sampled, info


def check_frame_size(width: int, height: int, max_pixels: int) -> None:
    """Refuse frames larger than ``max_pixels`` or :data:`MAX_FRAME_PIXELS`."""
    limit = min(max_pixels, MAX_FRAME_PIXELS)
    if width * height > limit:
        raise ImageError(
            f"video frames too large: {width}x{height} pixels (limit {limit:,}: --max-pixels, "
            f"and at most {MAX_FRAME_PIXELS:,} for a video)"
        )


def _pass(
    path: str,
    make: Callable[[float, Gray], T],
    step: float,
    max_frames: int,
    max_pixels: int,
    on_duration: Callable[[float], None] | None,
    skipped: str | None,
) -> tuple[list[tuple[float, T]], VideoInfo]:
    """One pass through the file, FFmpeg skipping the ``skipped`` frames, one kept each
    ``step`` (or sparser, for a clip longer than ``max_frames`` steps)."""
    import cv2

    capture = open_video(path, skipped)
    try:
        if not capture.isOpened():
            raise ImageError("not a video FFmpeg can decode (no readable video stream)")
        fps = capture.get(cv2.CAP_PROP_FPS)
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        check_frame_size(width, height, max_pixels)  # refused before any frame is decoded
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        stated = float(count / fps) if fps > 0 and count > 0 else 0.0  # what it claims
        if on_duration is not None:
            on_duration(stated)
        step = max(step, stated / max_frames)
        sampled: list[tuple[float, T]] = []
        decoded, last, next_time = 0, 0.0, 0.0
        gap = math.inf  # until the first frame is seen at the start
        while capture.grab():
            seconds = max(0.0, capture.get(cv2.CAP_PROP_POS_MSEC) / 1000)
            if decoded == 0:
                gap = seconds if seconds <= KEY_START_SLACK else math.inf
            elif seconds <= last:
                gap = math.inf  # out of order: odd times, as some decoders give keyframes alone
            else:
                gap = max(gap, seconds - last)
            decoded += 1
            last = max(last, seconds)
            if seconds + 1e-3 < next_time or len(sampled) >= max_frames:
                continue
            ok, frame = capture.retrieve()
            if not ok or frame is None:
                continue
            check_frame_size(frame.shape[1], frame.shape[0], max_pixels)
            gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            sampled.append((seconds, make(seconds, np.asarray(gray, dtype=np.uint8))))
            next_time = (int(seconds / step + 1e-6) + 1) * step
    finally:
        capture.release()
    if not sampled:
        raise ImageError(NO_FRAME)
    duration = max(last + (1 / fps if fps > 0 else 0.0), 0.0)
    if skipped == KEYFRAMES:
        duration = max(duration, stated)  # the frames after the last keyframe were skipped
    elif stated - duration > max(MISSING_END_SECONDS, MISSING_END_SHARE * stated):
        raise ImageError(
            f"video cut short: frames end at {duration:.1f} s of the {stated:.1f} s "
            "its container states"
        )
    gap = max(gap, duration - last)
    return sampled, VideoInfo(duration, width, height, decoded, skipped, gap, step)


_options_lock = threading.Lock()


def open_video(path: str, skipped: str | None = EVERY_FRAME) -> Any:
    """A VideoCapture of ``path``, FFmpeg asked to skip the ``skipped`` frames.

    OpenCV reads that request from the environment when it opens a file, so it is set
    for the moment of opening only, under a lock that every opening takes (a thread of a
    Dask worker opening a file meanwhile must not inherit it).
    """
    import cv2

    with _options_lock:
        if skipped is None:
            return cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        saved = os.environ.get(_OPTIONS)
        os.environ[_OPTIONS] = f"avdiscard;{skipped}"
        # keyframes decode one at a time: a second decoding thread only waits (a minute
        # of phone H.264 took 8 % longer with two, HEVC 10 %)
        threads = [cv2.CAP_PROP_N_THREADS, 1] if skipped == KEYFRAMES else []
        try:
            return cv2.VideoCapture(path, cv2.CAP_FFMPEG, threads)
        finally:
            if saved is None:
                del os.environ[_OPTIONS]
            else:
                os.environ[_OPTIONS] = saved


_OPTIONS = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
