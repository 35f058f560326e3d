"""Hash files for a Dask worker in a child process: a local run's time limit and crash
isolation, on the cluster too.

A Dask worker is a daemon process, and Python's multiprocessing may not start children
from one; a plain subprocess may. Each worker thread keeps one child
(``python -m hashsearch.hash.sandbox``) and hands it one file at a time. The child arms
the same per-file timer as a local worker process, so a file that hangs a decoder ends
the child, as does a decoder that crashes: that file gets a local run's reason, and the
next file a new child. A child asks the kernel to end it with its worker, and ends by
itself when the worker closes its pipe. Each message is a pickle after its length.

Each child decodes alone, so a multi-threaded Dask worker no longer takes turns on the
capture of file descriptor 2 (:mod:`hashsearch.hash.isolate`): its threads decode at once.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO, Any

from ..errors import WorkerError
from .isolate import arm_time_limit, die_with_parent, time_limit
from .one import HashParams, HashResult, failure
from .workers import Task, lost_file_reason

_LENGTH = struct.Struct("<Q")
_local = threading.local()  # each worker thread's child


def hash_in_child(
    paths: Sequence[str], params: HashParams, task: Task, seconds: float
) -> list[HashResult]:
    """``task(path, params)`` for each path, in this thread's child, ``seconds`` at most
    each (a file that ends the child gets a local run's reason)."""
    results = []
    for path in paths:
        child: _Child | None = getattr(_local, "child", None)
        if child is None or not child.alive():
            child = _local.child = _Child()
        reply = child.ask((task, path, params, seconds))
        if reply is None:  # the file ended the child: the timer, or a decoder crash
            _local.child = None
            code = child.end()
            if child.fresh and code > 0:  # Python itself failed: no file is to blame
                raise WorkerError(f"the hashing child process could not start (exit {code})")
            results.append(failure(path, lost_file_reason(seconds)))
            continue
        kind, value = reply
        if kind == "raised":
            raise value
        results.append(value)
    return results


class _Child:
    """One child process and the two pipes to it."""

    def __init__(self) -> None:
        # the child imports what this process imported (a task sent by value included)
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hashsearch.hash.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )
        self.fresh = True  # no answer yet

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, message: object) -> tuple[str, Any] | None:
        """Send one request; its reply, or None when the child ended first."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            _send(stdin, _dumps(message))
        except OSError:  # a broken pipe: it had ended
            return None
        reply: tuple[str, Any] | None = _receive(stdout)
        if reply is not None:
            self.fresh = False
        return reply

    def end(self) -> int:
        """Make sure the child has ended; its exit code (negative: the signal)."""
        if self.process.poll() is None:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        return self.process.wait()


def _dumps(message: object) -> bytes:
    """A pickle; by value where Dask sent a function by value (cloudpickle, if present)."""
    try:
        import cloudpickle
    except ImportError:
        return pickle.dumps(message)
    return bytes(cloudpickle.dumps(message))


def _send(stream: IO[bytes], data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    return pickle.loads(data) if len(data) == length else None


def serve() -> None:
    """The child: answer requests until the pipe closes."""
    die_with_parent()
    arm_time_limit()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for hashsearch to handle
    requests, replies = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)  # what a library prints on stdout must not mix with the replies
    import cv2

    cv2.setNumThreads(1)
    while (message := _receive(requests)) is not None:
        task, path, params, seconds = message
        try:
            with time_limit(seconds):
                reply: tuple[str, Any] = ("done", task(path, params))
        except Exception as exc:  # the task's own error: raised again in the worker
            reply = ("raised", exc)
        _send(replies, pickle.dumps(reply))


if __name__ == "__main__":
    serve()
