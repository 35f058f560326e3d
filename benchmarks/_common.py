"""Helpers shared by the benchmarks: camera-size test photos and process-tree measurement."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED_PHOTOS = Path(os.environ.get("HASHSEARCH_PHOTOS", REPO.parent / "shared" / "photos"))
CAMERA_SIZE = (4032, 3024)


def source_photos(folder: Path = SHARED_PHOTOS) -> list[Path]:
    """The shared photographs the benchmarks start from."""
    photos = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg"))
    if not photos:
        raise SystemExit(f"no photos in {folder}; set HASHSEARCH_PHOTOS")
    return photos


def _write_camera_jpeg(job: tuple[str, str, int]) -> None:
    source, target, seed = job
    rng = np.random.default_rng(seed)
    image = cv2.resize(cv2.imread(source, cv2.IMREAD_COLOR), CAMERA_SIZE, cv2.INTER_CUBIC)
    # Noise per photo (every file distinct), drawn small and tiled for speed.
    tile = rng.normal(0, 5, (378, 504, 3)).astype(np.int16)
    noise = np.tile(tile, (8, 8, 1))
    image = np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    Path(target).write_bytes(data.tobytes())


def make_camera_jpegs(folder: Path, count: int) -> list[Path]:
    """``count`` 4032x3024 quality-92 JPEGs with noise, made from the shared photos."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = source_photos()
    targets = [folder / f"IMG_{i:05d}.jpg" for i in range(count)]
    jobs = [(str(sources[i % len(sources)]), str(t), i) for i, t in enumerate(targets)]
    with ProcessPoolExecutor() as pool:
        list(pool.map(_write_camera_jpeg, jobs, chunksize=4))
    return targets


def hashsearch_command(*args: str | os.PathLike[str]) -> list[str]:
    """The whole ``hashsearch`` command, run by this Python (its installed hashsearch)."""
    return [sys.executable, "-m", "hashsearch", *(os.fspath(a) for a in args)]


@dataclass
class Measured:
    """Wall time, exit status and peak memory of one command's whole process tree."""

    seconds: float
    returncode: int
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_measured(
    command: list[str], env: dict[str, str] | None = None, timeout: float | None = None
) -> Measured:
    """Run ``command``; sample the summed RSS of it and its descendants every 20 ms."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measured(seconds, process.returncode, peak / 2**20, stdout, stderr)


def _tree_rss(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def machine() -> str:
    """One line naming the machine the figures came from."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{model}, {cpus} usable CPUs, Python {platform.python_version()}, "
        f"OpenCV {cv2.__version__}, NumPy {np.__version__}"
    )
