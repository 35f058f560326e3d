"""Some keyframes of an H.264 or HEVC video, decoded without decoding the others.

A backup's video is only looked up, never looked for: its frames are compared with the
library copy's frames shown near the same moment (:mod:`hashsearch.match.video`), so a
frame every few seconds is enough evidence, where the library's side keeps a frame
about every second. But FFmpeg, asked to skip all but keyframes, still decodes every
keyframe, and a keyframe of 1080p H.264 costs about 30 ms here, HEVC about 55 ms:
decoding is the whole cost of hashing a video (README, "Videos").

So the file is read twice, cheaply first: OpenCV's raw mode hands over the compressed
packets without decoding them, with each packet's time and keyframe flag (an MP4's
packets turned into an Annex B elementary stream by FFmpeg's own
``h264_mp4toannexb``/``hevc_mp4toannexb``, which put the parameter sets in front of
every keyframe). The first keyframe at or after each step of seconds (and the last one)
is kept; batches of them are decoded from memory by a second VideoCapture, each a
picture of its own. Memory holds one batch of compressed keyframes.

A packet's time is the container's: in an MP4 cut without re-encoding (an edit list
that starts the clip between keyframes) it runs from the first packet kept, a fraction
of a second before the first frame shown, so every time is off by the same amount,
which matching allows for (it finds the offset that lines the frames up).

A library's clip is first sampled so too, and sampled whole (a keyframe a second) only
when a backup's clip could be its copy; that pass takes the frames the first one made
(``known``) instead of decoding those keyframes again: the first pass's keyframes are
among the second's, each the first at or after a step of seconds.

Anything unexpected (another codec, packets without start codes, an H.264 keyframe that
is not an IDR picture, a keyframe that did not come out as exactly one frame) returns
None and the caller decodes the usual way.
"""

from __future__ import annotations

import bisect
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from .stream import StreamDigest

T = TypeVar("T")
Gray = npt.NDArray[np.uint8]
#: Refuses a frame of this width and height (raises ImageError): the caller's limits.
Check = Callable[[int, int], None]

#: Keyframes decoded together from memory. Each batch is a VideoCapture that probes the
#: stream first: about 40 ms for H.264 and 150 ms for HEVC at 1080p here, so a minute's
#: 13 keyframes go in one batch; memory holds at most this many compressed keyframes
#: (about 5 MB for 1080p), and about BATCH_BYTES whatever their size.
BATCH = 16
#: ... and when a clip is sampled whole at its keyframes (a minute's 60 in one batch: each
#: probe costs as much as decoding three to five keyframes); BATCH_BYTES bounds the memory.
WHOLE_BATCH = 64
#: A batch is decoded early once its compressed keyframes reach this many bytes (a
#: hostile file's giant packets must not pile up; an 8K HEVC keyframe is about 5 MB).
BATCH_BYTES = 32_000_000
#: FourCCs of H.264 and HEVC streams as OpenCV reports them.
H264 = frozenset({"avc1", "avc3", "h264", "x264", "davc"})
HEVC = frozenset({"hvc1", "hev1", "hevc", "h265", "x265"})
_START_CODES = (b"\x00\x00\x00\x01", b"\x00\x00\x01")
_START = re.compile(b"\x00\x00\x01")
_TURNS = {90: 0, 180: 1, 270: 2}  # degrees clockwise -> cv2.ROTATE_* code
_CRA, _BLA_W_RADL = 21, 17  # HEVC NAL unit types (16 to 18: BLA, 19 and 20: IDR)
#: Seconds a known keyframe's time may differ from the packet's (a cache record keeps
#: times as 32-bit floats); keyframes lie a frame (at least about 8 ms) apart.
KNOWN_SLACK = 0.002


@dataclass(frozen=True, slots=True)
class Chosen(Generic[T]):
    """What :func:`sample_keyframes` made of a clip."""

    sampled: list[tuple[float, T]]  # (seconds, what ``make`` made) of each chosen keyframe
    stated: float  # the length the container states, seconds
    shown: tuple[int, int]  # width and height of a frame as shown (rotation flag applied)
    stream: bytes | None  # the stream's digest (:mod:`.stream`: every packet is read anyway)
    # seconds between any two keyframes (chosen or not), before the first, after the last
    longest_gap: float


def sample_keyframes(
    path: str,
    make: Callable[[float, Gray], T],
    step_for: Callable[[float], float | None],
    check: Check,
    on_duration: Callable[[float], None] | None = None,
    known: Sequence[tuple[float, T]] = (),
    batch_size: int = BATCH,
    max_gap: float = math.inf,
) -> Chosen[T] | None:
    """``make(seconds, gray)`` of the first keyframe at or after every step of seconds
    (``step_for(stated length)``; None: not this way) and of the last keyframe.

    None when this file cannot be sampled this way (the caller decodes it fully).
    ``check(width, height)`` refuses frames too large, before and after decoding.
    ``known``: (seconds, what ``make`` made) of keyframes sampled before, in order of time
    (a cache record's times, to KNOWN_SLACK): taken, not decoded again. ``batch_size``:
    keyframes decoded together. ``max_gap``: steps two keyframes may lie apart (or the first
    from the start, the last from the end); None as soon as two lie further.
    """
    import cv2

    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            return None
        fourcc = int(capture.get(cv2.CAP_PROP_FOURCC))
        codec = fourcc.to_bytes(4, "little").decode("latin-1").lower()
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps, count = capture.get(cv2.CAP_PROP_FPS), capture.get(cv2.CAP_PROP_FRAME_COUNT)
        turn = int(capture.get(cv2.CAP_PROP_ORIENTATION_META)) % 360
        stated = float(count / fps) if fps > 0 and count > 0 else 0.0
        if on_duration is not None and stated > 0:
            on_duration(stated)  # the time limit grows with it, whichever way it is decoded
        if codec not in H264 | HEVC or turn not in (0, *_TURNS) or not stated:
            return None
        check(width, height)
        step = step_for(stated)
        if step is None:
            return None
        # raw packets must not be "turned" (OpenCV would turn the bytes): turned below
        capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
        if not capture.set(cv2.CAP_PROP_FORMAT, -1):
            return None
        sampled: list[tuple[float, T]] = []
        shown: list[tuple[int, int]] = []  # width, height of the frames as shown
        batch: list[tuple[float, bytes | _Known[T]]] = []  # compressed, or known already
        batch_bytes = 0
        digest = StreamDigest(turn)
        held: tuple[float, Any] | None = None  # the latest keyframe skipped: kept if last
        next_time, last, gap = 0.0, -math.inf, 0.0
        while True:
            ok, packet = capture.read()
            if not ok:
                break
            digest.add(packet)
            if not capture.get(cv2.CAP_PROP_LRF_HAS_KEY_FRAME):
                continue
            seconds = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000
            if seconds < 0:  # before the clip's start (an edit list cut it): never shown
                continue
            gap = max(gap, seconds - max(last, 0.0)) if seconds > last else math.inf
            last = seconds
            if gap > max_gap * step:
                return None  # too few keyframes for this way: not one more decoded
            if seconds + 1e-3 < next_time:
                held = (seconds, packet)  # only the keyframes kept are copied and read
                continue
            held = None
            item = _item(packet, seconds, codec in HEVC, known)
            if item is None:
                return None
            batch.append((seconds, item))
            batch_bytes += len(item) if isinstance(item, bytes) else 0
            next_time = (int(seconds / step + 1e-6) + 1) * step
            if len(batch) == batch_size or batch_bytes >= BATCH_BYTES:
                if not _decode(batch, turn, check, make, sampled, shown):
                    return None
                batch, batch_bytes = [], 0
        if held is not None:
            item = _item(held[1], held[0], codec in HEVC, known)
            if item is None:
                return None
            batch.append((held[0], item))
        if batch and not _decode(batch, turn, check, make, sampled, shown):
            return None
        if not sampled:
            return None
        size = shown[0] if shown else ((height, width) if turn in (90, 270) else (width, height))
        gap = max(gap, stated - last)
        if gap > max_gap * step:
            return None
        return Chosen(sampled, stated, size, digest.value(), gap)
    finally:
        capture.release()


@dataclass(frozen=True, slots=True)
class _Known(Generic[T]):
    """What was made of a keyframe before: it is not decoded again."""

    made: T


def _item(
    packet: Any, seconds: float, hevc: bool, known: Sequence[tuple[float, T]]
) -> bytes | _Known[T] | None:
    """What stands for a chosen keyframe in a batch: what was made of it before, or its
    packet as a standalone picture (None: it cannot be one)."""
    at = bisect.bisect_left(known, seconds - KNOWN_SLACK, key=lambda pair: pair[0])
    if at < len(known) and abs(known[at][0] - seconds) <= KNOWN_SLACK:
        return _Known(known[at][1])
    return _standalone(np.asarray(packet).tobytes(), hevc)


def _standalone(data: bytes, hevc: bool) -> bytes | None:
    """The Annex B access unit ``data`` as a picture that starts a stream, or None.

    Pictures come out of the decoder in the order they go in only when each starts its
    count of picture order anew: an IDR does. HEVC's CRA keyframes (x265's default) keep
    counting from the pictures skipped here, and the decoder put them out of order
    (frames swapped in pairs, seen with x265); marked as BLA (a CRA where a stream was
    spliced, same syntax) they start anew and decode to the same pixels. An H.264
    keyframe that is not an IDR (a recovery point) cannot be so marked: None.
    """
    if not data.startswith(_START_CODES):
        return None
    unit = bytearray(data)
    for start in _START.finditer(data):
        at = start.end()
        if at >= len(unit):
            break
        kind = (unit[at] >> 1) & 0x3F if hevc else unit[at] & 0x1F
        if not hevc:
            if 1 <= kind <= 5:  # the first picture slice
                return data if kind == 5 else None
        elif kind == _CRA:
            unit[at] = (unit[at] & 0x81) | (_BLA_W_RADL << 1)
        elif kind < 32 and not 16 <= kind <= 20:  # a slice of no random-access picture
            return None
    return bytes(unit) if hevc else None


def _decode(
    batch: list[tuple[float, bytes | _Known[T]]],
    turn: int,
    check: Check,
    make: Callable[[float, Gray], T],
    sampled: list[tuple[float, T]],
    shown: list[tuple[int, int]],
) -> bool:
    """Decode ``batch``'s compressed keyframes from memory into ``sampled`` (in order with
    the ones known already); False unless each gave exactly one frame (then which frame is
    which is known)."""
    import cv2

    pending = [(seconds, data) for seconds, data in batch if isinstance(data, bytes)]
    made: list[tuple[float, T]] = []
    if pending:
        # OpenCV reads a Python stream (io.BufferedIOBase) that its stubs do not name
        stream: Any = io.BytesIO(b"".join(data for _, data in pending))
        capture = cv2.VideoCapture(stream, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
        try:
            while True:
                ok, frame = capture.read()
                if not ok or frame is None:
                    break
                if len(made) == len(pending):
                    return False
                check(frame.shape[1], frame.shape[0])
                gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
                if turn:
                    gray = cv2.rotate(gray, _TURNS[turn])
                seconds = pending[len(made)][0]
                made.append((seconds, make(seconds, np.asarray(gray, dtype=np.uint8))))
                shown.append((gray.shape[1], gray.shape[0]))
        finally:
            capture.release()
        if len(made) != len(pending):
            return False
    decoded = iter(made)
    for seconds, item in batch:
        sampled.append(next(decoded) if isinstance(item, bytes) else (seconds, item.made))
    return True
