"""How fast does hashsearch hash a camera-photo library, cold and warm, against the classic code?

    python benchmarks/hashing_speed.py [--photos 2000] [--small 500] [--jobs N]

Needs the bench extra (`pip install '.[bench]'`): the classic loop lists files with imutils.

Makes N camera-size JPEGs (4032x3024, quality 92, with noise) from the shared
photos in a temporary folder, then in one run times:
  classic  the PyImageSearch loop: cv2.imread, cvtColor, cv2.resize(..., (9, 8)), one process
  cold     `hashsearch` on the same photos with an empty cache (whole command)
  warm     `hashsearch` again, the cache filled (whole command)
and the cold run on the first --small photos, to show cost grows linearly.
Peak memory is the summed RSS of the hashsearch process and all its workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
from imutils import paths

from _common import hashsearch_command, machine, make_camera_jpegs, run_measured


def classic(folder: Path) -> tuple[float, int]:
    """The classic dHash loop over ``folder``: seconds and photos hashed."""
    start = time.perf_counter()
    hashes: dict[int, list[str]] = {}
    for image_path in paths.list_images(str(folder)):
        image = cv2.imread(image_path)
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        resized = cv2.resize(gray, (9, 8))
        diff = resized[:, 1:] > resized[:, :-1]
        value = sum(2**i for (i, v) in enumerate(diff.flatten()) if v)
        hashes.setdefault(value, []).append(image_path)
    return time.perf_counter() - start, sum(len(v) for v in hashes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="hashsearch runs; median quoted")
    parser.add_argument("--workdir", type=Path, default=None, help="keep photos here (reused)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hashsearch-bench-") as tmp:
        work = args.workdir or Path(tmp)
        big = work / f"haystack-{args.photos}"
        if len(list(big.glob("*.jpg"))) != args.photos:
            print(f"making {args.photos} camera-size JPEGs in {big} ...", file=sys.stderr)
            made = make_camera_jpegs(big, args.photos)
        else:
            made = sorted(big.glob("*.jpg"))
        small = Path(tmp) / f"haystack-{args.small}"
        small.mkdir()
        for photo in made[: args.small]:
            os.link(photo, small / photo.name)
        needles = Path(tmp) / "needles"
        needles.mkdir()
        os.link(made[0], needles / "one.jpg")
        megabytes = sum(p.stat().st_size for p in made) / 2**20

        jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]

        def hashsearch(haystack: Path, cache: Path):
            command = hashsearch_command(
                "-q", "--haystack", haystack, "--needles", needles, "--cache", cache, *jobs
            )
            result = run_measured(command)
            if result.returncode not in (0, 1):
                raise SystemExit(f"hashsearch failed: {result.stderr}")
            return result

        for photo in made:  # the same page-cache state for every contender
            photo.read_bytes()
        classic_s, classic_n = classic(big)
        assert classic_n == args.photos

        # this shared machine's speed drifts: repeat, quote the median, show the spread
        def median(runs: list) -> object:
            return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]

        colds, colds_small, warms = [], [], []
        for run in range(args.repeat):
            colds_small.append(hashsearch(small, Path(tmp) / f"cache-small-{run}.sqlite3"))
            colds.append(hashsearch(big, Path(tmp) / f"cache-{run}.sqlite3"))
            warms.append(hashsearch(big, Path(tmp) / f"cache-{run}.sqlite3"))
        cold_small, cold, warm = median(colds_small), median(colds), median(warms)

    n, k = args.photos, args.small
    rows = [
        ("classic (imread + cvtColor + resize)", n, classic_s, None),
        (f"hashsearch cold, {k} photos", k, cold_small.seconds, cold_small.peak_rss_mb),
        ("hashsearch cold", n, cold.seconds, cold.peak_rss_mb),
        ("hashsearch warm (cache filled)", n, warm.seconds, warm.peak_rss_mb),
    ]
    print(f"machine: {machine()}")
    print(f"photos: {n} JPEGs, 4032x3024, quality 92, {megabytes / n:.1f} MB each on average")
    print()
    print("| run | photos | seconds | photos/s | ms/photo | vs classic | peak RSS MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, count, seconds, rss in rows:
        speed = classic_s / n / (seconds / count)
        memory = "-" if rss is None else f"{rss:.0f}"
        print(
            f"| {name} | {count} | {seconds:.2f} | {count / seconds:.1f} | "
            f"{1000 * seconds / count:.2f} | {speed:.2f}x | {memory} |"
        )
    print()
    spread = ", ".join(
        f"{name} {min(r.seconds for r in runs):.2f}-{max(r.seconds for r in runs):.2f} s"
        for name, runs in (("cold", colds), ("warm", warms))
    )
    print(f"hashsearch runs: median of {args.repeat}, each with a fresh cache ({spread})")
    print(f"cold vs classic: {classic_s / cold.seconds:.2f}x faster (target >= 5x)")
    print(f"warm vs cold: {cold.seconds / warm.seconds:.0f}x faster (target >= 100x)")
    print(f"peak RSS, cold, {n} photos: {cold.peak_rss_mb:.0f} MB (target <= 300 MB)")
    per_small, per_big = cold_small.seconds / k, cold.seconds / n
    print(
        f"linearity: {1000 * per_small:.2f} ms/photo at {k}, {1000 * per_big:.2f} at {n} "
        f"(ratio {per_big / per_small:.2f}; 1.00 is linear)"
    )


if __name__ == "__main__":
    main()
