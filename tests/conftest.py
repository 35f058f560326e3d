"""Shared fixtures: the real photos, image writers, an isolated cache, the CLI in-process."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from hashsearch.cli import main

REPO = Path(__file__).resolve().parents[1]
PHOTOS = Path(os.environ.get("HASHSEARCH_PHOTOS", REPO.parent / "shared" / "photos"))
PHOTO_NAMES = sorted(p.name for p in PHOTOS.glob("*") if p.suffix in (".png", ".jpg"))


@pytest.fixture(scope="session")
def photos() -> Path:
    """The shared real photographs (``../shared/photos`` or ``$HASHSEARCH_PHOTOS``)."""
    assert PHOTO_NAMES, f"no test photos in {PHOTOS}: set HASHSEARCH_PHOTOS"
    return PHOTOS


def load_photo(name: str, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """A shared photo as an OpenCV image."""
    image = cv2.imread(str(PHOTOS / name), flags)
    assert image is not None, name
    return image


def write_image(path: Path, image: np.ndarray, quality: int = 90) -> Path:
    """Write ``image`` in the format the suffix names, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix.lower() in (".jpg", ".jpeg") else []
    ok, data = cv2.imencode(path.suffix, image, params)
    assert ok, path
    path.write_bytes(data.tobytes())
    return path


def resized(image: np.ndarray, scale: float) -> np.ndarray:
    """``image`` scaled by ``scale`` with area averaging (shrinking) or cubic (growing)."""
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, size, interpolation=interpolation)


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own XDG cache folder: nothing is written to the real home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@dataclass
class Run:
    """What one in-process run of the command returned and printed."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Run]]:
    """Run ``hashsearch ARGS`` in-process and capture its exit code, stdout and stderr."""

    def run(*args: str | os.PathLike[str]) -> Run:
        capsys.readouterr()
        code = main([os.fspath(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    yield run


def hashsearch_command(*args: str | os.PathLike[str]) -> list[str]:
    """The command line that runs this checkout's hashsearch in a new process."""
    return [sys.executable, "-m", "hashsearch", *(os.fspath(a) for a in args)]


def obeying_file_modes() -> list[str]:
    """A command prefix under which chmod really denies access, even when tests run as root.

    Root bypasses file modes through CAP_DAC_OVERRIDE; util-linux ``setpriv`` drops it
    (and CAP_DAC_READ_SEARCH) from the child's bounding set while it stays uid 0.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and util-linux setpriv is missing: cannot deny access")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def run_obeying_file_modes(*args: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    """Run ``hashsearch ARGS`` in a new process where chmod really denies access."""
    return subprocess.run(
        [*obeying_file_modes(), *hashsearch_command(*args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def long_library(root: Path, count: int) -> tuple[Path, Path]:
    """A library of ``count`` large PNGs (hard links of one: each path is hashed) and a
    one-photo backup: a run over them lasts seconds, long enough to interrupt."""
    library, backup = root / "hay", root / "needles"
    first = write_image(library / "0000.png", resized(load_photo("astronaut.png"), 2.5))
    for i in range(1, count):
        os.link(first, library / f"{i:04d}.png")
    write_image(backup / "a.jpg", load_photo("coffee.png"))
    return library, backup


def start_in_own_session(
    *args: str | os.PathLike[str], output: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    """``hashsearch ARGS`` started in a session of its own (so it and every process it
    starts can be signalled, or looked for, together), its output captured as text."""
    return subprocess.Popen(
        hashsearch_command(*args),
        stdout=output,
        stderr=output,
        text=True,
        start_new_session=True,
    )


def wait_for_first_entries(cache: Path, timeout: float = 60) -> None:
    """Wait until a running hashsearch has written its first entries to ``cache``."""
    import sqlite3
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=0.1)
            try:
                if db.execute("SELECT count(*) FROM hashes").fetchone()[0]:
                    return
            finally:
                db.close()
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    raise AssertionError(f"no entries in {cache} after {timeout} s")


def with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """``jpeg`` with an EXIF APP1 segment that holds only an Orientation tag."""
    entry = struct.pack(">HHI", 0x0112, 3, 1) + struct.pack(">HH", orientation, 0)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + bytes(4)
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def file_states(run_out: str) -> dict[str, tuple[str, str | None]]:
    """Each needle file's state and reason in the output of ``--json``, by path."""
    doc = json.loads(run_out)
    return {f["path"]: (f["state"], f["reason"]) for d in doc["folders"] for f in d["files"]}


#: Burst shots' moment as a camera writes it (tests of match.moment and .consistency).
BURST_START = "2024:05:01 12:00:07"


def exif_payload(when: str | None, millis: str | None = None) -> bytes:
    """An APP1 ``Exif`` payload holding DateTimeOriginal and SubSecTimeOriginal."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0110] = "Pixel 8"  # a camera model in the first directory, as cameras write
    if when is not None:
        exif.get_ifd(0x8769)[0x9003] = when
        if millis is not None:
            exif.get_ifd(0x8769)[0x9291] = millis
    return exif.tobytes()


def with_exif(jpeg: bytes, payload: bytes) -> bytes:
    """``jpeg`` with ``payload`` as its EXIF APP1 segment."""
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def burst_jpeg(quality: int = 92) -> bytes:
    """A photo as a camera saves it, without EXIF (the pixels of the burst shots here)."""
    ok, data = cv2.imencode(
        ".jpg", resized(load_photo("chelsea.png"), 2), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return data.tobytes()


def burst_photo(path: Path, when: str | None, millis: str | None = None, quality: int = 92) -> Path:
    """:func:`burst_jpeg` saved at ``path``, ``when`` (and ``millis``) in its EXIF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(with_exif(burst_jpeg(quality), exif_payload(when, millis)))
    return path
