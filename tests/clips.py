"""Real H.264 and HEVC clips for the video tests, made with the ffmpeg that imageio-ffmpeg ships.

A clip is a slow camera pan over one of the shared photos (a different photo, or another
pan over the same one, is another clip); copies are made from it the way people make
them: re-encoded to HEVC and smaller, trimmed, re-muxed, flagged as turned.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import PHOTOS

FPS = 30


def ffmpeg(*args: object) -> None:
    """Run ffmpeg quietly; fail the test with its message if it fails."""
    import imageio_ffmpeg

    Path(str(args[-1])).parent.mkdir(parents=True, exist_ok=True)  # the output's folder
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def pan_clip(
    path: Path,
    photo: str | Path,
    seconds: float,
    *,
    start: tuple[int, int] = (0, 0),
    speed: tuple[int, int] = (20, 8),
    size: tuple[int, int] = (640, 360),
    keyframe_every: int = FPS,
) -> Path:
    """A ``seconds`` long H.264 clip panning over ``photo`` (a shared photo's name, or any
    picture's path; scaled to 2x ``size``), a keyframe every ``keyframe_every`` frames (a
    phone: every second)."""
    width, height = size
    x0, y0 = start
    vx, vy = speed
    crop = f"crop={width}:{height}:x='{x0}+t*{vx}':y='{y0}+t*{vy}'"
    ffmpeg(
        "-loop", "1", "-t", seconds, "-i", PHOTOS / photo,  # an absolute path stays as it is
        "-vf", f"scale={2 * width}:{2 * height},{crop},format=yuv420p",
        "-r", FPS, "-c:v", "libx264", "-preset", "veryfast", "-g", keyframe_every, path,
    )  # fmt: skip
    return path


def hevc_copy(source: Path, path: Path, width: int = 320) -> Path:
    """``source`` re-encoded to HEVC at a smaller frame size (x265's keyframes: every 250)."""
    ffmpeg(
        "-i", source, "-vf", f"scale={width}:-2", "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "log-level=error", "-tag:v", "hvc1", path,
    )  # fmt: skip
    return path


def trimmed_copy(source: Path, path: Path, start: float, seconds: float | None = None) -> Path:
    """``source`` from ``start`` seconds on (for ``seconds``), re-encoded with H.264."""
    length = [] if seconds is None else ["-t", seconds]
    ffmpeg("-ss", start, "-i", source, *length, "-c:v", "libx264", "-preset", "veryfast", path)
    return path


def remuxed_copy(source: Path, path: Path) -> Path:
    """``source``'s streams copied into another container (``.mov`` -> ``.mp4``)."""
    ffmpeg("-i", source, "-c", "copy", path)
    return path


def turned_copy(source: Path, path: Path) -> Path:
    """``source`` stored as it is, flagged to be shown turned a quarter (a phone held upright)."""
    ffmpeg("-display_rotation", 90, "-i", source, "-c", "copy", path)
    return path


def upright_copy(source: Path, path: Path) -> Path:
    """``source`` turned a quarter in its pixels, as a player shows :func:`turned_copy`."""
    ffmpeg("-i", source, "-vf", "transpose=2", "-c:v", "libx264", "-preset", "veryfast", path)
    return path


def fixed_camera_clip(
    path: Path, seconds: float, *, walker_from: tuple[int, int], walker_speed: tuple[int, int]
) -> Path:
    """A camera on a tripod: the same photo as background the whole time, and a small
    picture (another photo, 96 px) crossing it at ``walker_speed`` pixels a second from
    ``walker_from``, as someone walks through a fixed street camera's view."""
    x0, y0 = walker_from
    vx, vy = walker_speed
    ffmpeg(
        "-loop", "1", "-t", seconds, "-i", PHOTOS / "coffee.png",
        "-loop", "1", "-t", seconds, "-i", PHOTOS / "rocket.jpg",
        "-filter_complex",
        f"[0]scale=640:360[back];[1]scale=96:96[walker];"
        f"[back][walker]overlay=x='{x0}+t*{vx}':y='{y0}+t*{vy}',format=yuv420p",
        "-r", FPS, "-c:v", "libx264", "-preset", "veryfast", "-g", FPS, path,
    )  # fmt: skip
    return path


def with_sound(source: Path, path: Path) -> Path:
    """``source``'s video stream (copied) with a sound track (a tone) beside it."""
    ffmpeg(
        "-i", source, "-f", "lavfi", "-i", "sine=frequency=440", "-shortest",
        "-c:v", "copy", "-c:a", "aac", path,
    )  # fmt: skip
    return path


def interlaced_copy(source: Path, path: Path) -> Path:
    """``source`` as a camcorder writes it: interlaced H.264 (top field first) in MPEG-TS."""
    ffmpeg(
        "-i", source, "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme",
        "-x264opts", "tff=1", "-g", 12, "-f", "mpegts", path,
    )  # fmt: skip
    return path


def deinterlaced_copy(source: Path, path: Path) -> Path:
    """``source`` deinterlaced and re-encoded to a progressive MP4 (as an import makes it)."""
    ffmpeg("-i", source, "-vf", "yadif", "-c:v", "libx264", "-preset", "ultrafast", path)
    return path
