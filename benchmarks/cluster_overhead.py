"""What does hashing on a Dask cluster cost per photo, against hashing locally?

    python benchmarks/cluster_overhead.py [--photos 300] [--workdir DIR]

Hashes the same camera-size JPEGs (4032x3024, quality 92) locally (2 worker
processes) and on a Dask LocalCluster of 2 worker processes (1 thread each) on
this machine, in one run, no cache. The difference is Dask's overhead: task
scheduling, moving results back, and the client; on a real cluster, more
machines divide the decoding time, the overhead stays.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, make_camera_jpegs
from hashsearch import HashParams, hash_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=None, help="keep photos here (reused)")
    args = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="hashsearch-dask-") as tmp:
        folder = (args.workdir or Path(tmp)) / f"photos-{args.photos}"
        photos = sorted(folder.glob("*.jpg"))
        if len(photos) != args.photos:
            print(f"making {args.photos} camera-size JPEGs in {folder} ...", file=sys.stderr)
            photos = make_camera_jpegs(folder, args.photos)
        paths = [str(p) for p in photos]
        for path in photos:
            path.read_bytes()  # the same page-cache state for both

        start = time.perf_counter()
        local = hash_paths(paths, HashParams(), jobs=2)
        local_s = time.perf_counter() - start

        start = time.perf_counter()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            started_s = time.perf_counter() - start
            start = time.perf_counter()
            remote = hash_paths(paths, HashParams(), jobs=2, scheduler=cluster.scheduler_address)
            remote_s = time.perf_counter() - start
    assert remote == local, "the cluster gave other results"
    n = len(paths)
    print(f"machine: {machine()}")
    print(f"photos: {n} JPEGs, 4032x3024, quality 92; results identical: yes")
    print()
    print("| run | seconds | ms/photo | vs local |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| local, 2 worker processes | {local_s:.2f} | {1000 * local_s / n:.2f} | 1.00x |")
    print(
        f"| Dask LocalCluster, 2 worker processes | {remote_s:.2f} | {1000 * remote_s / n:.2f} "
        f"| {remote_s / local_s:.2f}x |"
    )
    print(f"| (starting the LocalCluster, once) | {started_s:.2f} | - | - |")
    print()
    print(f"overhead per photo on the cluster: {1000 * (remote_s - local_s) / n:+.2f} ms")


if __name__ == "__main__":
    main()
