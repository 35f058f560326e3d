"""Read a file's bytes safely: no symlinks followed, no FIFO waited on, a size ceiling."""

from __future__ import annotations

import errno
import os
import stat

from ..errors import ImageError, os_reason

DEFAULT_MAX_BYTES = 2 * 1024**3
_READ_CHUNK = 1 << 22  # bytes per read() call

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_regular_file(
    path: str, max_bytes: int = DEFAULT_MAX_BYTES, head: int | None = None
) -> bytes:
    """The bytes of a regular file, opened without following a symlink.

    ``head``: read only this many bytes from the start (to tell the file's kind).
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImageError("symbolic link, not followed") from None
        raise ImageError(os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImageError("not a regular file")
        if info.st_size == 0:
            raise ImageError("empty file")
        os.set_blocking(fd, True)
        if head is not None:
            return os.read(fd, head)
        if info.st_size > max_bytes:
            raise ImageError(f"file larger than {max_bytes} bytes")
        chunks = []
        while chunk := os.read(fd, _READ_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ImageError(os_reason(exc)) from None
    finally:
        os.close(fd)
