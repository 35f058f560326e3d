"""What does --dupes cost over a library of look-alikes? Open Clip Art's shapes, one group.

    python benchmarks/dupes_lookalikes.py [--limit N]

Open Clip Art's "shapes" (Debian's openclipart-png, fetched at benchmark time, never
committed) are 1,645 drawings of stars, polygons and ornaments: about 490 candidates a
drawing, more than a cache of prepared library thumbnails holds. The pictures are hashed
first (a cache in a temporary folder, not timed); then ``--dupes`` runs twice in the same
process, at the default size of that cache (match/matcher.py: PREPARED_CACHE) and at the
256 it had before a prepared thumbnail stopped keeping its layout windows. The table
gives the time, how many times a library thumbnail was prepared, and the groups.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import tempfile
import time
from pathlib import Path

from _common import machine
from _corpus import fetch
from hashsearch.cli import main
from hashsearch.match import matcher

SHAPES = "openclipart-png/usr/share/openclipart/png/shapes"


def dupes(folder: Path, cache: Path, prepared: int) -> tuple[float, int, list[list[str]]]:
    """Seconds, preparations and groups of ``--dupes`` with ``prepared`` kept."""
    calls = 0
    original = matcher.Matcher._prepare_path

    def counted(self: matcher.Matcher, path: str) -> matcher.Prepared:
        nonlocal calls
        calls += 1
        return original(self, path)

    matcher.PREPARED_CACHE, kept = prepared, matcher.PREPARED_CACHE
    matcher.Matcher._prepare_path = counted  # type: ignore[method-assign]
    out = io.StringIO()
    try:
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["--dupes", str(folder), "--json", "--cache", str(cache)])
        seconds = time.perf_counter() - start
    finally:
        matcher.PREPARED_CACHE = kept
        matcher.Matcher._prepare_path = original  # type: ignore[method-assign]
    groups = [[entry["path"] for entry in group] for group in json.loads(out.getvalue())["groups"]]
    return seconds, calls, groups


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="the first N shapes only (by path)")
    args = parser.parse_args()
    source = fetch(("openclipart-png",)) / SHAPES
    with tempfile.TemporaryDirectory() as scratch:
        folder, cache = Path(scratch) / "shapes", Path(scratch) / "cache"
        folder.mkdir()
        chosen = sorted(source.rglob("*.png"))[: args.limit]
        for number, path in enumerate(chosen):
            shutil.copy(path, folder / f"{number:05d}-{path.name}")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["--dupes", str(folder), "--cache", str(cache)])  # hashing, not timed
        print(f"machine: {machine()}")
        print(f"{len(chosen)} shapes of Open Clip Art, hashes cached; --dupes in one process")
        print()
        print("| prepared thumbnails kept | seconds | preparations | groups | ratio |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        rows = [(256, dupes(folder, cache, 256))]
        rows.append((matcher.PREPARED_CACHE, dupes(folder, cache, matcher.PREPARED_CACHE)))
        baseline = rows[0][1][0]
        for kept, (seconds, calls, groups) in rows:
            ratio = f"{seconds / baseline:.2f}"
            print(f"| {kept} | {seconds:.1f} | {calls:,} | {len(groups)} | {ratio} |")
        print()
        print("the same groups:", rows[0][1][2] == rows[1][1][2])


if __name__ == "__main__":
    main_()
