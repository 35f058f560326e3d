"""Parallel hashing: same results for any --jobs, and a crashing file costs only itself."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from conftest import PHOTO_NAMES, load_photo, write_image
from hashsearch import HashParams, VideoSignature
from hashsearch.hash.many import hash_paths
from hashsearch.hash.one import HashResult, hash_one
from hashsearch.hash.workers import BATCH_SIZE, hash_in_workers


def crash_on_bad(path: str, params: HashParams) -> HashResult:
    """A task that kills its worker process on files named *bad*, like a decoder segfault."""
    if "bad" in os.path.basename(path):
        os.kill(os.getpid(), signal.SIGSEGV)
    return hash_one(path, params)


def hang_on_bad(path: str, params: HashParams) -> HashResult:
    """A task that never returns on files named *bad*, like a decoder stuck in a loop."""
    if "bad" in os.path.basename(path):
        while True:
            pass
    return hash_one(path, params)


def known_of(path: str, params: HashParams) -> HashResult:
    """A task that says which videos' known frames reached its worker (in ``reason``)."""
    return HashResult(path, None, ",".join(sorted(params.known)))


def test_a_batch_carries_the_known_frames_of_its_own_videos_only(tmp_path) -> None:
    # every library video's first-pass frames would otherwise travel with every batch
    paths = [str(tmp_path / f"{i:02d}.mp4") for i in range(20)]
    first = VideoSignature((), (), 10.0, (640, 360), complete=False)
    params = HashParams(known=dict.fromkeys(paths[::2], first))
    assert params.for_paths(paths[:3]).known == {paths[0]: first, paths[2]: first}
    assert params.for_paths([paths[1]]).known == {} and HashParams().for_paths(paths).known == {}
    results: dict[str, HashResult] = {}
    hash_in_workers(
        paths, params, jobs=2, on_result=lambda r: results.__setitem__(r.path, r), task=known_of
    )
    batches = [paths[i : i + BATCH_SIZE] for i in range(0, len(paths), BATCH_SIZE)]
    for batch in batches:  # each worker saw its batch's known videos, no other
        wanted = ",".join(p for p in batch if p in params.known)
        assert {results[p].reason for p in batch} == {wanted}


def _photos(folder: Path, count: int) -> list[str]:
    names = (PHOTO_NAMES * 3)[:count]
    return [
        str(write_image(folder / f"{i:02d}-{n}.jpg", load_photo(n))) for i, n in enumerate(names)
    ]


def test_jobs_1_and_2_give_identical_results(tmp_path) -> None:
    files = _photos(tmp_path, 20)
    one = hash_paths(files, HashParams(), jobs=1)
    two = hash_paths(files, HashParams(), jobs=2)
    assert one == two
    assert all(result.hash is not None for result in one.values())


def _run(files: list[str], task, time_limit: float = 60) -> dict[str, HashResult]:
    results: dict[str, HashResult] = {}
    hash_in_workers(
        files,
        HashParams(),
        jobs=2,
        on_result=lambda r: results.__setitem__(r.path, r),
        task=task,
        time_limit=time_limit,
    )
    return results


def test_a_worker_crash_costs_that_file_only(tmp_path) -> None:
    files = _photos(tmp_path, 30)
    bad = str(tmp_path / "bad.jpg")
    Path(bad).write_bytes(Path(files[0]).read_bytes())
    files.insert(17, bad)
    results = _run(files, crash_on_bad)
    assert set(results) == set(files)
    assert results[bad].hash is None and "crashed" in (results[bad].reason or "")
    assert all(results[f].hash is not None for f in files if f != bad)


def test_a_hanging_file_is_stopped_by_the_time_limit(tmp_path) -> None:
    files = _photos(tmp_path, 6)
    bad = str(tmp_path / "bad.jpg")
    Path(bad).write_bytes(Path(files[0]).read_bytes())
    files.append(bad)
    results = _run(files, hang_on_bad, time_limit=1.0)
    assert results[bad].hash is None and "time limit of 1 s" in (results[bad].reason or "")
    assert all(results[f].hash is not None for f in files if f != bad)


def test_workers_that_cannot_start_are_one_clear_error_not_a_crash_per_file() -> None:
    import subprocess
    import sys

    from conftest import REPO

    # a script on standard input: multiprocessing cannot re-import it in the workers
    script = (
        "from hashsearch import SearchOptions, WorkerError, search\n"
        "try:\n"
        "    options = SearchOptions(cache_path=None)\n"
        "    search('sample_data/haystack', 'sample_data/needles', options)\n"
        "except WorkerError as exc:\n"
        "    print('WorkerError:', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-"],
        input=script,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.startswith("WorkerError: worker processes cannot start"), done.stdout
