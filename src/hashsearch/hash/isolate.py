"""Keep one file's faults its own: what the C decoders print, and a time limit.

libjpeg and libpng do not fail on damaged data: they print "Corrupt JPEG data ..." on
file descriptor 2 and return a partly grey picture. The only way to hear them is to
point fd 2 at a scratch file while they run. fd 2 belongs to the whole process, so the
capture holds a lock: threads that decode at once (a Dask worker with several threads)
take turns, and each file is judged by its own messages only.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TypeVar

T = TypeVar("T")

#: What libjpeg/libpng say when the data is damaged; other chatter, such as libpng's
#: colour-profile warnings, is not a fault.
DAMAGE = re.compile(rb"corrupt|premature|truncat|bogus|invalid|error", re.IGNORECASE)
#: The decoder messages kept per file (the first damage line is what is reported): enough
#: for a damage line after pages of harmless chatter, bounded however much a file makes a
#: decoder say.
MAX_MESSAGE_BYTES = 256 * 1024
#: What :func:`messages_so_far` reads: an interlaced clip is refused at its first frame.
SO_FAR_BYTES = 4096
#: What FFmpeg's scaler says when it refuses a frame flagged interlaced (DV, DVD, AVCHD and
#: 1080i camcorder clips): OpenCV's FFmpeg backend then hands over a black frame, or a
#: stale buffer (another frame's pixels; seen with the opencv-python-headless 4.14 and
#: 5.0 wheels).
REFUSED_INTERLACED = re.compile(rb"cannot convert interlaced", re.IGNORECASE)

_lock = threading.Lock()
_scratch: IO[bytes] | None = None
_scratch_pid = 0
_capturing: int | None = None  # the thread inside decoder_messages, if one is


def decoder_messages(task: Callable[[], T]) -> tuple[T, bytes]:
    """Run ``task`` with fd 2 sent to a scratch file; return its result and what was printed."""
    global _capturing
    with _lock:
        scratch = _scratch_file()
        sys.stderr.flush()
        saved = os.dup(2)
        scratch.seek(0)
        scratch.truncate()
        os.dup2(scratch.fileno(), 2)
        _capturing = threading.get_ident()
        try:
            result = task()
        finally:
            _capturing = None
            os.dup2(saved, 2)
            os.close(saved)
        scratch.seek(0)
        return result, scratch.read(MAX_MESSAGE_BYTES)


def messages_so_far() -> bytes:
    """Inside :func:`decoder_messages`' task: what the decoders printed so far (else b"")."""
    read_at = getattr(os, "pread", None)  # never moves the offset fd 2 writes at
    if _capturing != threading.get_ident() or _scratch is None or read_at is None:
        return b""
    return bytes(read_at(_scratch.fileno(), SO_FAR_BYTES, 0))


def damage_in(messages: bytes) -> str | None:
    """The first line of decoder output that reports damage, or None."""
    for line in messages.splitlines():
        if DAMAGE.search(line):
            return line.decode("utf-8", "replace").strip()
    return None


def _scratch_file() -> IO[bytes]:
    """This process's scratch file (a forked child makes its own: offsets are shared)."""
    global _scratch, _scratch_pid
    if _scratch is None or _scratch_pid != os.getpid():
        # memory-backed where the OS has it: the cache stays the only thing hashsearch writes
        if hasattr(os, "memfd_create"):
            _scratch = os.fdopen(os.memfd_create("hashsearch-decoder-stderr"), "w+b")
        else:
            _scratch = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        _scratch_pid = os.getpid()
    return _scratch


def arm_time_limit() -> None:
    """In a worker process: let SIGALRM end the process, even inside a C decoder."""
    if hasattr(signal, "SIGALRM"):
        # The default action of SIGALRM ends the process, even inside a C decoder that
        # never returns to Python; the parent then reports that one file.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


_armed: float | None = None  # the limit of the block now running, in a worker


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """End this (worker) process if the block runs longer than ``seconds``."""
    global _armed
    timer = hasattr(signal, "setitimer")
    if timer:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        _armed = seconds
    try:
        yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _armed = None


def stretch_time_limit(factor: float) -> None:
    """Inside :func:`time_limit`: allow ``factor`` times the limit from now (a long video
    gets the limit per minute of its length). Elsewhere nothing: no timer is started."""
    if _armed is not None and factor > 1 and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        signal.setitimer(signal.ITIMER_REAL, _armed * factor)


def die_with_parent() -> None:
    """Ask the kernel to end this process when its parent ends (Linux; elsewhere nothing).

    Workers and the forkserver call this, so no process outlives hashsearch, even one
    killed with SIGKILL that had no chance to stop them.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent ended before the request took hold
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
