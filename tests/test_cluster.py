"""Hashing on a Dask cluster: same results as a local run, even when a worker dies."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PHOTO_NAMES, load_photo, resized, write_image
from hashsearch import HashParams
from hashsearch.hash.many import hash_paths
from hashsearch.hash.one import HashResult, hash_one


def slow_hash(path: str, params: HashParams) -> HashResult:
    """hash_one, slowed down so that a worker can be killed in the middle of the run."""
    time.sleep(0.05)
    return hash_one(path, params)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A LocalCluster of 2 worker processes, 1 thread each; yields the scheduler address."""
    import cloudpickle
    from distributed import LocalCluster

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cluster")
    for i, name in enumerate(PHOTO_NAMES * 3):
        write_image(root / "hay" / f"{i:03d}-{Path(name).stem}.jpg", load_photo(name), 85)
    for name in ("coffee.png", "chelsea.png", "astronaut.png"):
        write_image(root / "needles" / "present" / f"{name}.jpg", resized(load_photo(name), 0.5))
    write_image(root / "needles" / "new" / "x.jpg", resized(load_photo("horse.png"), 0.8))
    (root / "needles" / "broken").mkdir()
    (root / "needles" / "broken" / "cut.jpg").write_bytes(b"\xff\xd8\xff\xe0 not more")
    return root / "hay", root / "needles"


def test_cluster_gives_the_same_output_as_a_local_run(cli, cluster, library) -> None:
    hay, needles = library
    args = ["--haystack", hay, "--needles", needles, "--no-cache", "--json", "-q"]
    local = cli(*args)
    remote = cli(*args, "--scheduler", cluster)
    assert remote.code == local.code == 1, remote.err
    assert json.loads(remote.out) == json.loads(local.out)
    assert json.loads(remote.out)["summary"]["unreadable"] == 1  # errors came back as data


def test_scheduler_address_from_the_environment(cli, cluster, library, monkeypatch) -> None:
    hay, needles = library
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster)
    run = cli("--haystack", hay, "--needles", needles / "present", "--no-cache")
    assert run.code == 0
    assert (
        f"notice: hashing on the Dask scheduler {cluster} from $DASK_SCHEDULER_ADDRESS" in run.err
    )


def test_damage_is_caught_on_workers_with_many_threads(library, tmp_path) -> None:
    from distributed import LocalCluster

    from hashsearch.hash.cluster import hash_on_cluster

    hay, _ = library
    good = sorted(str(p) for p in hay.iterdir())[:20]
    damaged = []
    for i, path in enumerate(good):
        data = Path(path).read_bytes()
        scan = data.find(b"\xff\xda")
        target = tmp_path / f"damaged-{i:02d}.jpg"
        target.write_bytes(data[: scan + (len(data) - scan) // 2] + b"\xff\xd9")
        damaged.append(str(target))
    results: dict[str, HashResult] = {}
    with LocalCluster(
        n_workers=1, threads_per_worker=4, processes=True, dashboard_address=None
    ) as threaded:
        for _ in range(2):
            hash_on_cluster(
                good + damaged,
                HashParams(),
                threaded.scheduler_address,
                on_result=lambda r: results.__setitem__(r.path, r),
            )
            assert all(results[p].signature is not None for p in good)
            assert all("damaged image" in (results[p].reason or "") for p in damaged)


def test_a_worker_dying_mid_run_costs_only_time(cluster, library) -> None:
    from distributed import Client

    hay, _ = library
    paths = sorted(str(p) for p in hay.iterdir())
    expected = hash_paths(paths, HashParams(), jobs=2)
    with Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
    killed = threading.Event()
    results: dict[str, HashResult] = {}

    def collect(result: HashResult) -> None:
        results[result.path] = result
        if len(results) == 5 and not killed.is_set():
            os.kill(pids[0], signal.SIGKILL)  # one worker process dies mid-run
            killed.set()

    from hashsearch.hash.cluster import hash_on_cluster

    hash_on_cluster(paths, HashParams(), cluster, on_result=collect, task=slow_hash)
    assert killed.is_set()
    assert results == expected


def test_without_the_extra_a_one_line_message(cli, library, monkeypatch) -> None:
    hay, needles = library
    monkeypatch.setitem(sys.modules, "distributed", None)
    run = cli("--haystack", hay, "--needles", needles, "--no-cache", "--scheduler", "tcp://x:1")
    assert run.code == 2
    assert run.err == "hashsearch: error: --scheduler needs Dask: pip install 'hashsearch[dask]'\n"


def hang_or_crash(path: str, params: HashParams) -> HashResult:
    """hash_one, except that files named *hang* never return and *crash* kill their
    process, like a decoder stuck in a loop or one that segfaults."""
    name = os.path.basename(path)
    if "hang" in name:
        while True:
            pass
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    return hash_one(path, params)


def test_a_hanging_or_crashing_file_costs_that_file_only_on_a_cluster(
    cluster, library, tmp_path
) -> None:
    from distributed import Client

    from hashsearch.hash.cluster import hash_on_cluster

    hay, _ = library
    good = sorted(str(p) for p in hay.iterdir())[:8]
    hang, crash = str(tmp_path / "hang.jpg"), str(tmp_path / "crash.jpg")
    for bad in (hang, crash):
        Path(bad).write_bytes(Path(good[0]).read_bytes())
    paths = [*good[:3], hang, *good[3:6], crash, *good[6:]]
    results: dict[str, HashResult] = {}
    start = time.monotonic()
    hash_on_cluster(
        paths,
        HashParams(),
        cluster,
        on_result=lambda r: results.__setitem__(r.path, r),
        task=hang_or_crash,
        time_limit=1.0,
    )
    assert time.monotonic() - start < 30  # the hang held nothing up for long
    for bad in (hang, crash):
        assert results[bad].signature is None
        assert results[bad].reason == "the decoder crashed or ran over the time limit of 1 s"
    assert results[good[0]] == hash_paths([good[0]], HashParams(), jobs=1)[good[0]]
    assert all(results[p].signature is not None for p in good)
    # the children that ended were replaced; the workers are alive, and no child outlives them
    with Client(cluster) as client:
        children = client.run(_children_of_this_process)
    assert all(len(pids) <= 1 for pids in children.values())


def _children_of_this_process() -> list[int]:
    """The processes whose parent is this Dask worker (its hashing child, if any)."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.append(int(entry))
    return found
