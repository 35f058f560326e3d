"""Frames of a video for hashing: one every ``step`` seconds, in one pass through the file.

OpenCV's VideoCapture decodes through the FFmpeg inside the wheel (H.264, HEVC, MPEG-4,
MJPEG, VP9, AV1 where built in ...). A frame between keyframes can only be had by
decoding the frames before it, so every frame is decoded; only the sampled ones are
converted to pixels. Each sampled frame is handed on as a grayscale picture at once, so
memory is bounded by one frame, never by the clip's length. Frames come turned as a
player shows them (OpenCV applies the rotation flag), so a copy stored turned with a flag
and one re-encoded upright give the same frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..errors import ImageError
from .image import DEFAULT_MAX_PIXELS, check_pixels

Gray = npt.NDArray[np.uint8]

#: Seconds between sampled frames: a copy trimmed at any point has, for each of its
#: frames, a library frame at most half a step away in time.
DEFAULT_STEP = 1.0
#: At most this many frames per video; a longer clip is sampled more sparsely.
DEFAULT_MAX_FRAMES = 600
#: A file whose frames end this much (seconds, or this share of its length) before the
#: length its container states was cut short: its end cannot be compared.
MISSING_END_SECONDS = 2.0
MISSING_END_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What a video's container and frames say of it."""

    duration: float  # seconds
    width: int  # as shown (after the rotation flag)
    height: int
    frames: int  # frames decoded


def sample_frames(
    path: str,
    on_frame: Callable[[float, Gray], None],
    step: float = DEFAULT_STEP,
    max_frames: int = DEFAULT_MAX_FRAMES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    on_duration: Callable[[float], None] | None = None,
) -> VideoInfo:
    """Decode the video at ``path``, calling ``on_frame(seconds, gray)`` every ``step`` seconds.

    Raises :class:`ImageError` when the file has no video stream FFmpeg can decode, no
    frame at all, frames larger than ``max_pixels``, or frames that end well before the
    length its container states (a file cut short). ``on_duration`` hears the stated
    length before decoding starts (for a time limit that grows with it).
    """
    import cv2

    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            raise ImageError("not a video FFmpeg can decode (no readable video stream)")
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        check_pixels(width, height, max_pixels)
        fps = capture.get(cv2.CAP_PROP_FPS)
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        stated = count / fps if fps > 0 and count > 0 else 0.0
        if on_duration is not None:
            on_duration(stated)
        if stated > step * max_frames:
            step = stated / max_frames
        decoded, last, sampled = 0, 0.0, 0
        next_time = 0.0
        while capture.grab():
            decoded += 1
            seconds = max(0.0, capture.get(cv2.CAP_PROP_POS_MSEC) / 1000)
            last = max(last, seconds)
            if seconds + 1e-3 < next_time or sampled >= max_frames:
                continue
            ok, frame = capture.retrieve()
            if not ok or frame is None:
                continue
            check_pixels(frame.shape[1], frame.shape[0], max_pixels)
            gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            on_frame(seconds, np.asarray(gray, dtype=np.uint8))
            sampled += 1
            next_time = (int(seconds / step + 1e-6) + 1) * step
        if not sampled:
            raise ImageError("no frame of the video could be decoded")
        frame_time = 1 / fps if fps > 0 else 0.0
        duration = max(last + frame_time, 0.0)
        missing = stated - duration
        if missing > max(MISSING_END_SECONDS, MISSING_END_SHARE * stated):
            raise ImageError(
                f"video cut short: frames end at {duration:.1f} s of the {stated:.1f} s "
                "its container states"
            )
        return VideoInfo(duration, width, height, decoded)
    finally:
        capture.release()


def poster_frame(path: str, seconds: float = 1.0) -> npt.NDArray[np.uint8]:
    """The colour (BGR) frame shown at ``seconds`` (or the last one of a shorter clip)."""
    import cv2

    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            raise ImageError("not a video FFmpeg can decode")
        shown = None
        while capture.grab():
            ok, frame = capture.retrieve()
            if ok and frame is not None:
                shown = frame
            if capture.get(cv2.CAP_PROP_POS_MSEC) / 1000 + 1e-3 >= seconds and shown is not None:
                break
        if shown is None:
            raise ImageError("no frame of the video could be decoded")
        return np.asarray(shown, dtype=np.uint8)
    finally:
        capture.release()
