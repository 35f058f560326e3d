"""Run a per-file task in worker processes; a crash or hang costs one file, not the run."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import TypeVar

from ..callbacks import ShouldStop, stop_requested
from ..errors import Cancelled, WorkerError
from .isolate import arm_time_limit, die_with_parent, time_limit
from .one import HashParams, HashResult, failure, hash_one

R = TypeVar("R")
#: What a worker does with one path; module-level (or a partial of one) so it pickles.
PathTask = Callable[[str], R]
#: What a worker does with one file when hashing.
Task = Callable[[str, HashParams], HashResult]

BATCH_SIZE = 8  # paths per task sent to a worker: amortises the round trip
BATCHES_IN_FLIGHT_PER_JOB = 2  # keeps every worker busy while results travel back
POLL_SECONDS = 0.5  # how often a waiting run looks at should_stop
JOIN_SECONDS = 5.0  # how long a stopped worker gets to exit
DEFAULT_TIME_LIMIT = 60.0


def usable_cpus() -> int:
    """The number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def hash_in_workers(
    paths: Sequence[str],
    params: HashParams,
    *,
    jobs: int,
    on_result: Callable[[HashResult], None],
    should_stop: ShouldStop | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    task: Task = hash_one,
) -> None:
    """Hash ``paths`` in ``jobs`` processes, handing each result to ``on_result``."""

    run_in_workers(
        paths,
        _WithParams(task, params),
        failure,
        jobs=jobs,
        on_result=on_result,
        should_stop=should_stop,
        time_limit=time_limit,
        for_batch=lambda batch: _WithParams(task, params.for_paths(batch)),
    )


class _WithParams:
    """``task(path, params)`` as a one-argument task that pickles (a partial of a Callable
    type cannot be checked by mypy)."""

    def __init__(self, task: Task, params: HashParams) -> None:
        self.task, self.params = task, params

    def __call__(self, path: str) -> HashResult:
        return self.task(path, self.params)


def run_in_workers(
    paths: Sequence[str],
    task: PathTask[R],
    failed: Callable[[str, str], R],
    *,
    jobs: int,
    on_result: Callable[[R], None],
    should_stop: ShouldStop | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    for_batch: Callable[[Sequence[str]], PathTask[R]] | None = None,
) -> None:
    """Run ``task`` on every path in ``jobs`` processes; ``failed(path, reason)`` stands in
    for the result of a path whose worker crashed or ran over ``time_limit``.
    ``for_batch(paths)``: the task as a batch of paths needs it (each batch's is pickled:
    what only some paths need travels with their batch alone)."""
    make = for_batch if for_batch is not None else (lambda _: task)
    queue = deque(paths[i : i + BATCH_SIZE] for i in range(0, len(paths), BATCH_SIZE))
    received = 0

    def counted(result: R) -> None:
        nonlocal received
        received += 1
        on_result(result)

    while queue:
        suspects = _run_pool(queue, make, jobs, counted, should_stop, time_limit)
        if suspects and not received:
            _check_workers_start(time_limit)
        # The pool broke: one of the batches in flight killed its worker. Run those
        # files one at a time, each alone in a worker, to find which it was.
        for path in suspects:
            _run_alone(path, make, failed, counted, should_stop, time_limit)


def _run_pool(
    queue: deque[Sequence[str]],
    make: Callable[[Sequence[str]], PathTask[R]],
    jobs: int,
    on_result: Callable[[R], None],
    should_stop: ShouldStop | None,
    time_limit: float,
) -> list[str]:
    in_flight: dict[Future[list[R]], Sequence[str]] = {}
    pool = _new_pool(jobs, time_limit)
    try:
        while queue or in_flight:
            if stop_requested(should_stop):
                raise Cancelled("stopped while hashing")
            while queue and len(in_flight) < BATCHES_IN_FLIGHT_PER_JOB * jobs:
                batch = queue.popleft()
                in_flight[pool.submit(_run_batch, batch, make(batch))] = batch
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                batch = in_flight.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    return [*batch, *(p for b in in_flight.values() for p in b)]
                for result in results:
                    on_result(result)
        return []
    finally:
        _stop_pool(pool)


def _run_alone(
    path: str,
    make: Callable[[Sequence[str]], PathTask[R]],
    failed: Callable[[str, str], R],
    on_result: Callable[[R], None],
    should_stop: ShouldStop | None,
    time_limit: float,
) -> None:
    if stop_requested(should_stop):
        raise Cancelled("stopped while hashing")
    pool = _new_pool(1, time_limit)
    try:
        results = pool.submit(_run_batch, [path], make([path])).result()
    except BrokenProcessPool:
        results = [failed(path, lost_file_reason(time_limit))]
    finally:
        _stop_pool(pool)
    for result in results:
        on_result(result)


def lost_file_reason(seconds: float) -> str:
    """Why a file whose worker process ended has no result."""
    return f"the decoder crashed or ran over the time limit of {seconds:g} s"


def _check_workers_start(time_limit: float) -> None:
    """Raise WorkerError when a worker cannot even run a no-op (so no file is to blame)."""
    pool = _new_pool(1, time_limit)
    try:
        pool.submit(_noop).result()
    except BrokenProcessPool:
        raise WorkerError(
            "worker processes cannot start; if hashsearch is called from a script, call it "
            "under `if __name__ == '__main__':` from a file Python can import again"
        ) from None
    finally:
        _stop_pool(pool)


def _noop() -> None:
    """A task that does nothing: proves a worker can start."""


def _new_pool(jobs: int, time_limit: float) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context: BaseContext
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["hashsearch.hash.orphan", "hashsearch.hash.workers", "cv2"])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(time_limit,)
    )


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:  # a hung decoder must not keep the run waiting
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=JOIN_SECONDS)


_time_limit = DEFAULT_TIME_LIMIT


def _init_worker(limit: float) -> None:
    global _time_limit
    _time_limit = limit
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for stop in (signal.SIGTERM, signal.SIGHUP):  # so are these: the parent stops us
        signal.signal(stop, signal.SIG_DFL)
    die_with_parent()
    arm_time_limit()
    import cv2

    cv2.setNumThreads(1)


def _run_batch(paths: Sequence[str], task: PathTask[R]) -> list[R]:
    results = []
    for path in paths:
        with time_limit(_time_limit):
            results.append(task(path))
    return results
