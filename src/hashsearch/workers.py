"""Hash many files in worker processes; a crash or hang costs one file, not the run."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import IO

from .errors import Cancelled, WorkerError
from .hashing import HashParams, HashResult, hash_one

#: What a worker does with one file; a module-level function so it can be pickled.
Task = Callable[[str, HashParams], HashResult]

BATCH_SIZE = 8
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
    should_stop: Callable[[], bool] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    task: Task = hash_one,
) -> None:
    """Hash ``paths`` in ``jobs`` processes, handing each result to ``on_result``."""
    queue = deque(paths[i : i + BATCH_SIZE] for i in range(0, len(paths), BATCH_SIZE))
    received = 0

    def counted(result: HashResult) -> None:
        nonlocal received
        received += 1
        on_result(result)

    while queue:
        suspects = _run_pool(queue, params, jobs, counted, should_stop, time_limit, task)
        if suspects and not received:
            _check_workers_start(time_limit)
        # The pool broke: one of the batches in flight killed its worker. Hash those
        # files one at a time, each alone in a worker, to find which it was.
        for path in suspects:
            _run_alone(path, params, counted, should_stop, time_limit, task)


def _run_pool(
    queue: deque[Sequence[str]],
    params: HashParams,
    jobs: int,
    on_result: Callable[[HashResult], None],
    should_stop: Callable[[], bool] | None,
    time_limit: float,
    task: Task,
) -> list[str]:
    in_flight: dict[Future[list[HashResult]], Sequence[str]] = {}
    pool = _new_pool(jobs, time_limit)
    try:
        while queue or in_flight:
            if should_stop is not None and should_stop():
                raise Cancelled("stopped while hashing")
            while queue and len(in_flight) < 2 * jobs:
                batch = queue.popleft()
                in_flight[pool.submit(_hash_batch, batch, params, task)] = batch
            done, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
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
    params: HashParams,
    on_result: Callable[[HashResult], None],
    should_stop: Callable[[], bool] | None,
    time_limit: float,
    task: Task,
) -> None:
    if should_stop is not None and should_stop():
        raise Cancelled("stopped while hashing")
    pool = _new_pool(1, time_limit)
    try:
        results = pool.submit(_hash_batch, [path], params, task).result()
    except BrokenProcessPool:
        reason = f"the decoder crashed or ran over the time limit of {time_limit:g} s"
        results = [HashResult(path, None, reason)]
    finally:
        _stop_pool(pool)
    for result in results:
        on_result(result)


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
        context.set_forkserver_preload(["hashsearch.workers", "cv2"])
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
        process.join(timeout=5)


_time_limit = DEFAULT_TIME_LIMIT
_decoder_output: IO[bytes] | None = None
# What libjpeg/libpng say on stderr when the data is damaged (they decode it anyway, partly
# grey); other chatter, such as libpng's colour-profile warnings, is not a fault.
_DAMAGE = re.compile(rb"corrupt|premature|truncat|bogus|invalid|error", re.IGNORECASE)


def _init_worker(time_limit: float) -> None:
    global _time_limit
    _time_limit = time_limit
    _start_capture()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if hasattr(signal, "SIGALRM"):
        # The default action of SIGALRM ends the process, even inside a C decoder
        # that never returns to Python; the parent then reports that one file.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    import cv2

    cv2.setNumThreads(1)


def _start_capture() -> None:
    """Open the scratch file that catches what decoders print (once per process)."""
    global _decoder_output
    if _decoder_output is not None:
        return
    # memory-backed where the OS has it: the cache stays the only thing hashsearch writes
    if hasattr(os, "memfd_create"):
        _decoder_output = os.fdopen(os.memfd_create("hashsearch-decoder-stderr"), "w+b")
    else:
        _decoder_output = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)


def _hash_batch(paths: Sequence[str], params: HashParams, task: Task) -> list[HashResult]:
    return list(_hash_each(paths, params, task, timed=True))


def hash_batch_elsewhere(
    paths: Sequence[str], params: HashParams, task: Task = hash_one
) -> list[HashResult]:
    """Hash a batch in another program's worker (a Dask worker): no timer, same checks."""
    _start_capture()
    return list(_hash_each(paths, params, task, timed=False))


def _hash_each(
    paths: Sequence[str], params: HashParams, task: Task, timed: bool
) -> Iterator[HashResult]:
    timer = timed and hasattr(signal, "setitimer")
    for path in paths:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, _time_limit)
        try:
            result, said = _with_stderr_captured(task, path, params)
        finally:
            if timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
        damage = [line for line in said.splitlines() if _DAMAGE.search(line)]
        if damage and result.signature is not None:
            message = damage[0].decode("utf-8", "replace").strip()
            result = HashResult(path, None, f"damaged image: {message}")
        yield result


def _with_stderr_captured(task: Task, path: str, params: HashParams) -> tuple[HashResult, bytes]:
    """Run ``task`` with file descriptor 2 sent to a scratch file: what the decoders said."""
    if _decoder_output is None:
        return task(path, params), b""
    sys.stderr.flush()
    saved = os.dup(2)
    _decoder_output.seek(0)
    _decoder_output.truncate()
    os.dup2(_decoder_output.fileno(), 2)
    try:
        result = task(path, params)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    _decoder_output.seek(0)
    return result, _decoder_output.read(4096)
