"""Hash on a Dask cluster: the files go out in batches, results come back as data.

The client (this process) keeps the cache and does the matching; workers only
turn paths into signatures, so they must see the same paths (shared storage). On a
worker each file is hashed in a child process with the local run's time limit
(:mod:`hashsearch.hash.sandbox`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..callbacks import ShouldStop, stop_requested
from ..errors import Cancelled, UsageError
from .one import HashParams, HashResult, failure, hash_one
from .sandbox import hash_in_child
from .workers import DEFAULT_TIME_LIMIT, Task

_BATCHES_PER_THREAD = 4  # enough to keep every worker busy and to spread a dying one's work
MAX_BATCH = 64  # paths per task at most: a dying worker loses no more than this
CONNECT_TIMEOUT = "20s"  # Dask's own format


def hash_on_cluster(
    paths: Sequence[str],
    params: HashParams,
    address: str,
    *,
    on_result: Callable[[HashResult], None],
    should_stop: ShouldStop | None = None,
    task: Task = hash_one,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> None:
    """Hash ``paths`` on the Dask scheduler at ``address``, handing each result over;
    ``time_limit`` seconds at most per file (a video: per minute, as locally)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'hashsearch[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise UsageError(f"Dask scheduler {address}: cannot reach it ({exc})") from None
    with client:
        threads = max(1, sum(client.nthreads().values()))
        size = max(1, min(MAX_BATCH, math.ceil(len(paths) / (threads * _BATCHES_PER_THREAD))))
        batches = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
        pending = {
            client.submit(
                hash_batch, batch, params.for_paths(batch), task, time_limit, pure=False
            ): batch
            for batch in batches
        }
        results = as_completed(list(pending))
        for future in results:
            if stop_requested(should_stop):
                client.cancel(list(pending))
                raise Cancelled("stopped while hashing")
            batch = pending.pop(future)
            try:
                for result in future.result():
                    on_result(result)
            except Exception as exc:  # the batch failed as a whole: see which file did it
                if len(batch) > 1:
                    for path in batch:
                        single = client.submit(
                            hash_batch,
                            [path],
                            params.for_paths([path]),
                            task,
                            time_limit,
                            pure=False,
                        )
                        pending[single] = [path]
                        results.add(single)
                else:
                    on_result(failure(batch[0], _reason(exc)))


def hash_batch(
    paths: Sequence[str],
    params: HashParams,
    task: Task = hash_one,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> list[HashResult]:
    """Hash a batch on a Dask worker: the same per-file checks and time limit as a local run."""
    return hash_in_child(paths, params, task, time_limit)


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return "a Dask worker died on it every time it was tried"
    return f"the Dask worker failed on it: {name}: {exc}"
