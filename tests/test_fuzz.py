"""Damaged bytes of every supported format, videos included, never stop a run: a seeded
loop flips and cuts bytes (most of them in the headers, where parsers branch) and the
whole run must end with a state for every file, exit 0 or 1, in bounded time."""

from __future__ import annotations

import io
import json
import random
import struct
import subprocess
from pathlib import Path

import cv2
import numpy as np

from clips import ffmpeg, hevc_copy, pan_clip
from conftest import hashsearch_command, load_photo, resized

MUTANTS_PER_FORMAT = 24
SEED = 14


def _pillow(image: np.ndarray, kind: str, **options: object) -> bytes:
    from PIL import Image

    if kind in ("HEIF", "AVIF"):
        import pillow_heif

        pillow_heif.register_heif_opener()
        if hasattr(pillow_heif, "register_avif_opener"):
            pillow_heif.register_avif_opener()
    out = io.BytesIO()
    Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)).save(out, kind, **options)
    return out.getvalue()


def _flipped(photo: np.ndarray) -> object:
    """``photo`` upside down, as a Pillow image (an animation's second frame)."""
    from PIL import Image

    return Image.fromarray(cv2.cvtColor(photo[::-1], cv2.COLOR_BGR2RGB))


def _dng_like(preview: bytes) -> bytes:
    """A TIFF container that says 'camera' (DNGVersion) with a JPEG preview strip."""
    entries = [
        (256, 4, 1, 64),  # width
        (257, 4, 1, 48),  # height
        (259, 3, 1, 7),  # JPEG compression
        (273, 4, 1, 8 + 2 + 12 * 6 + 4),  # strip offset: right after the directory
        (279, 4, 1, len(preview)),  # strip length
        (50706, 1, 4, 0x01040000),  # DNGVersion 1.4.0.0
    ]
    directory = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        directory += struct.pack("<HHII", tag, kind, count, value)
    return b"II*\x00" + struct.pack("<I", 8) + directory + struct.pack("<I", 0) + preview


def _originals() -> dict[str, bytes]:
    photo = resized(load_photo("coffee.png"), 0.2)
    ok, jpeg = cv2.imencode(".jpg", photo)
    assert ok
    encoded = {
        ".jpg": jpeg.tobytes(),
        ".png": cv2.imencode(".png", photo)[1].tobytes(),
        ".bmp": cv2.imencode(".bmp", photo)[1].tobytes(),
        ".webp": cv2.imencode(".webp", photo)[1].tobytes(),
        ".tif": _pillow(photo, "TIFF", compression="tiff_lzw"),
        ".gif": _pillow(photo, "GIF"),
        ".heic": _pillow(photo, "HEIF", quality=60),
        ".avif": _pillow(photo, "AVIF", quality=60),
        ".dng": _dng_like(jpeg.tobytes()),
        ".jp2": cv2.imencode(".jp2", photo)[1].tobytes(),
        ".anim.gif": _pillow(photo, "GIF", save_all=True, append_images=[_flipped(photo)]),
    }
    return encoded


def _videos(folder: Path) -> dict[str, bytes]:
    """A small H.264 MP4 with its index first (flips land in it) and an HEVC MOV."""
    clip = pan_clip(folder / "clip.mp4", "coffee.png", 2, size=(160, 90))
    ffmpeg("-i", clip, "-c", "copy", "-movflags", "+faststart", folder / "fast.mp4")
    hevc_copy(clip, folder / "clip.mov", width=160)
    return {".mp4": (folder / "fast.mp4").read_bytes(), ".mov": (folder / "clip.mov").read_bytes()}


def _mutants(data: bytes, rng: random.Random) -> list[bytes]:
    out = []
    for number in range(MUTANTS_PER_FORMAT):
        mutant = bytearray(data)
        if number % 4 == 3:  # cut short somewhere
            out.append(bytes(mutant[: rng.randrange(1, len(mutant))]))
            continue
        for _ in range(rng.randint(1, 3)):
            # most flips in the first 400 bytes (headers, boxes, directories)
            end = min(len(mutant), 400) if number % 4 != 2 else len(mutant)
            mutant[rng.randrange(end)] ^= 1 << rng.randrange(8)
        out.append(bytes(mutant))
    return out


def test_flipped_and_cut_files_of_every_format_get_a_verdict(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    library, backup = tmp_path / "library", tmp_path / "backup"
    library.mkdir()
    cv2.imwrite(str(library / "coffee.jpg"), resized(load_photo("coffee.png"), 0.2))
    videos = _videos(tmp_path / "clips")
    (library / "clip.mp4").write_bytes(videos[".mp4"])
    originals = _originals()
    motion = originals[".jpg"] + videos[".mp4"]  # a motion photo: its movie read in place
    written = []
    for suffix, data in {**originals, **videos, ".MP.jpg": motion}.items():
        folder = backup / suffix.lstrip(".")
        folder.mkdir(parents=True)
        for number, mutant in enumerate(_mutants(data, rng)):
            path = folder / f"m{number:02d}{suffix}"
            path.write_bytes(mutant)
            written.append(str(path.relative_to(backup)))
    done = subprocess.run(
        hashsearch_command(
            "--haystack", library, "--needles", backup, "--json", "--no-cache", "--time-limit", "10"
        ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    doc = json.loads(done.stdout)
    states = {f["path"]: f["state"] for d in doc["folders"] for f in d["files"]}
    assert sorted(states) == sorted(written)  # a verdict for every file
    assert set(states.values()) <= {"found", "smaller", "new", "unreadable", "not compared"}
