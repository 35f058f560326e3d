"""What does --dupes cost over a library of look-alikes? Open Clip Art's shapes, one group.

    python benchmarks/dupes_lookalikes.py [--limit N]

Open Clip Art's "shapes" (Debian's openclipart-png, fetched at benchmark time, never
committed) are 1,645 drawings of stars, polygons and ornaments: about 490 candidates a
drawing, more than a cache of prepared library thumbnails holds. The pictures are hashed
first (a cache in a temporary folder, not timed); then ``--dupes`` runs three times in
the same process: a needle's candidates verified one at a time with the cache of
prepared thumbnails at the 256 it had before a prepared thumbnail stopped keeping its
layout windows (match/prepared.py: PREPARED_CACHE, VERIFY_BATCH), one at a time at
today's cache, and together (the default). The table gives the time, how many times a
library thumbnail was prepared, and the groups, which must be the same (similarities may
differ in the last float bits).
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
from typing import Any

from _common import machine
from _corpus import fetch
from hashsearch.cli import main
from hashsearch.match import prepared

SHAPES = "openclipart-png/usr/share/openclipart/png/shapes"


def dupes(folder: Path, cache: Path, kept: int, batch: int) -> tuple[float, int, list[Any]]:
    """Seconds, preparations and groups of ``--dupes`` with ``kept`` prepared thumbnails
    and a needle's candidates aligned ``batch`` at a time."""
    calls = 0
    original = prepared.PreparedLibrary._prepare_path

    def counted(self: prepared.PreparedLibrary, path: str) -> prepared.Prepared:
        nonlocal calls
        calls += 1
        return original(self, path)

    defaults = prepared.PREPARED_CACHE, prepared.VERIFY_BATCH
    prepared.PREPARED_CACHE, prepared.VERIFY_BATCH = kept, batch
    prepared.PreparedLibrary._prepare_path = counted  # type: ignore[method-assign]
    out = io.StringIO()
    try:
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["--dupes", str(folder), "--json", "--cache", str(cache)])
        seconds = time.perf_counter() - start
    finally:
        prepared.PREPARED_CACHE, prepared.VERIFY_BATCH = defaults
        prepared.PreparedLibrary._prepare_path = original  # type: ignore[method-assign]
    groups: list[Any] = json.loads(out.getvalue())["groups"]
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
        print("| candidates verified | thumbnails kept | seconds | preparations | groups | ratio |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        runs = [
            ("one at a time", 256, 1),
            ("one at a time", prepared.PREPARED_CACHE, 1),
            (f"{prepared.VERIFY_BATCH} together", prepared.PREPARED_CACHE, prepared.VERIFY_BATCH),
        ]
        rows = [(how, kept, dupes(folder, cache, kept, batch)) for how, kept, batch in runs]
        baseline = rows[0][2][0]
        for how, kept, (seconds, calls, groups) in rows:
            ratio = f"{seconds / baseline:.2f}"
            print(f"| {how} | {kept} | {seconds:.1f} | {calls:,} | {len(groups)} | {ratio} |")
        print()
        members = [[[e["path"] for e in group] for group in r[2][2]] for r in rows]
        same = all(m == members[0] for m in members)
        print("the same groups:", same)
        if same:
            largest = _largest_difference([r[2][2] for r in rows])
            print(f"similarities differ by at most {largest:.0e}")


def _largest_difference(runs: list[list[Any]]) -> float:
    """The largest difference between the runs' similarities of one member (the
    alignments are summed in another order when candidates are aligned together)."""
    largest = 0.0
    for groups in zip(*runs, strict=True):
        for members in zip(*groups, strict=True):
            scores = [member.get("similarity", 1.0) for member in members]
            largest = max(largest, max(scores) - min(scores))
    return largest


if __name__ == "__main__":
    main_()
