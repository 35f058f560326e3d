"""Does matching stay fast where a library holds many look-alike photos?

    python benchmarks/scale.py [--sizes 10000 100000] [--workdir DIR]

Builds, from the shared photos at benchmark time, a library of 320x240 JPEGs cut at
random places and scales from 40 pictures (the 16 photos and their quarters), so that
every photo has hundreds of look-alikes, as bursts and holiday series do, and one
needle folder of copies (resized to 90 %, re-compressed at quality 80) of one library
photo in a hundred. Then it times the whole command with an empty cache (cold), with a
filled one (warm), warm with --json (every candidate verified, for each file's most
similar copy and near misses), and, up to --dupes-up-to photos, --dupes over the
library (every photo against all its look-alikes), and prints wall time, time per
needle, peak RSS of the whole process tree, and the growth of the warm time per needle
from the smallest size to the largest (1.0 is linear in the library size, per needle).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from _common import hashsearch_command, machine, run_measured, source_photos
from _edits import quadrants

SIDE = (320, 240)
PICTURES = 40


def _pictures() -> list[np.ndarray]:
    pictures = []
    for path in source_photos():
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        pictures.append(image)
        if min(image.shape[:2]) >= 256:
            pictures.extend(quadrants(image))
    return pictures[:PICTURES]


def _write(job: tuple[int, int, str, bool]) -> None:
    number, seed, folder, needle = job
    rng = random.Random(seed)
    picture = _PICTURES[number % len(_PICTURES)]
    h, w = picture.shape[:2]
    scale = rng.uniform(0.5, 0.9)
    ch, cw = int(h * scale), int(w * scale)
    y, x = rng.randrange(h - ch + 1), rng.randrange(w - cw + 1)
    photo = cv2.resize(picture[y : y + ch, x : x + cw], SIDE, interpolation=cv2.INTER_AREA)
    if needle:
        photo = cv2.resize(photo, (288, 216), interpolation=cv2.INTER_AREA)
    quality = 80 if needle else 90
    ok, data = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    Path(folder, f"IMG_{number:06d}.jpg").write_bytes(data.tobytes())


_PICTURES: list[np.ndarray] = []


def _init() -> None:
    _PICTURES.extend(_pictures())


def build(root: Path, size: int) -> tuple[Path, Path, int]:
    """The library of ``size`` look-alike photos and its needle folder (made once)."""
    library, needles = root / f"library-{size}", root / f"needles-{size}"
    count = size // 100
    if len(list(library.glob("*.jpg"))) != size or len(list(needles.glob("*.jpg"))) != count:
        library.mkdir(parents=True, exist_ok=True)
        needles.mkdir(parents=True, exist_ok=True)
        jobs = [(n, n, str(library), False) for n in range(size)]
        jobs += [(n * 100, n * 100, str(needles), True) for n in range(count)]
        with ProcessPoolExecutor(initializer=_init) as pool:
            list(pool.map(_write, jobs, chunksize=256))
    return library, needles, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=None, help="keep the photos here")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run at most")
    parser.add_argument(
        "--dupes-up-to",
        type=int,
        default=10_000,
        help="also time --dupes over libraries up to this size (every photo a needle)",
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print()
    print("| library | needles | run | wall s | ms per needle | peak RSS MB | exit |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    per_needle: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="hashsearch-scale-") as tmp:
        work = args.workdir or Path(tmp)
        for size in args.sizes:
            library, needles, count = build(work, size)
            cache = Path(tmp) / f"cache-{size}.sqlite3"
            search = ("-q", "--haystack", library, "--needles", needles, "--cache", cache)
            runs = [("cold", search, count), ("warm", search, count)]
            runs.append(("warm, --json", (*search, "--json"), count))
            if size <= args.dupes_up_to:  # every photo against its look-alikes
                runs.append(("warm, --dupes", ("-q", "--dupes", library, "--cache", cache), size))
            for run, arguments, needled in runs:
                measured = run_measured(hashsearch_command(*arguments), timeout=args.timeout)
                ms = 1000 * measured.seconds / needled
                if run == "warm":
                    per_needle[size] = ms
                print(
                    f"| {size:,} | {needled:,} | {run} | {measured.seconds:.1f} | {ms:.1f} | "
                    f"{measured.peak_rss_mb:.0f} | {measured.returncode} |",
                    flush=True,
                )
    if len(per_needle) > 1:
        small, large = min(per_needle), max(per_needle)
        growth = (per_needle[large] / per_needle[small]) / (large / small)
        print()
        ratio = per_needle[large] / per_needle[small]
        print(
            f"warm time per needle, {large:,} vs {small:,}: x{ratio:.1f} for "
            f"x{large / small:.0f} the library (growth {growth:.2f}; 1.00 is linear)"
        )


if __name__ == "__main__":
    main()
