"""Copy one file the way a backup tool does: verified, and never over another file.

The file is copied to a hidden temporary name beside its target, flushed to disk, read
back (from the disk, not the page cache) and compared by SHA-256 with what was read
from the source, given the source's times and mode (``shutil.copystat``), and only then
linked into place under a name that does not exist yet (a hard link cannot replace a
file; where the file system has none, FAT or exFAT, it is renamed after checking the
name is free). An identical file already at the name is left alone; a different one
keeps its name and the copy gets `` (2)``, `` (3)`` ... A temporary file is removed when
the copy stops for any reason, and by the next run if the process was killed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from typing import BinaryIO, Literal

from .errors import os_reason

Outcome = Literal["copied", "already there", "renamed", "failed", "not copied"]
OUTCOMES: tuple[Outcome, ...] = ("copied", "already there", "renamed", "failed", "not copied")
_CHUNK = 1 << 20
_TEMP_PREFIX = ".hashsearch-"
_TEMP_SUFFIX = ".part"


@dataclass(frozen=True, slots=True)
class Copied:
    """What happened to one file: its outcome, where it went and, if it failed, why."""

    path: str  # the needle file
    target: str  # where it is (or would be) in the copy folder
    outcome: Outcome
    reason: str | None = None


class DiskFull(Exception):
    """The target file system filled up: copying stops."""


def copy_one(source: str, target: str, dry_run: bool = False) -> Copied:
    """Copy ``source`` to ``target`` (or the next free numbered name) unless an identical
    file is there already; the outcome, or "failed" with a reason. ``dry_run`` writes
    nothing and says what would happen. Raises :class:`DiskFull` when the disk fills."""
    try:
        digest = None
        name = target
        for attempt in range(1, 1000):
            name = _numbered(target, attempt)
            if not os.path.lexists(name):
                break
            if digest is None:
                digest = _sha256_of(source)
            if os.path.isfile(name) and not os.path.islink(name) and _sha256_of(name) == digest:
                return Copied(source, name, "already there")
        outcome: Outcome = "copied" if name == target else "renamed"
        if dry_run:
            return Copied(source, name, outcome)
        placed = _write_verified(source, name)
        return Copied(source, placed, "copied" if placed == target else "renamed")
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(f"the disk is full ({os_reason(exc)})") from None
        return Copied(source, target, "failed", os_reason(exc))
    except ValueError as exc:  # the copy read back differs from the source
        return Copied(source, target, "failed", str(exc))


def size_of(path: str) -> int:
    """The size of ``path`` in bytes (0 when it cannot be read)."""
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def _write_verified(source: str, target: str) -> str:
    """Copy ``source`` to a temporary file beside ``target``, verify it, link it into place
    under ``target`` or the next free numbered name; return the name it got."""
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    _remove_leftovers(folder)
    fd, temporary = _temporary(folder)
    try:
        with os.fdopen(fd, "wb") as out, _open_regular(source) as src:
            digest = hashlib.sha256()
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            if hasattr(os, "posix_fadvise"):  # read back from the disk, not the cache
                os.posix_fadvise(out.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        if _sha256_of(temporary) != digest.hexdigest():
            raise ValueError("the copy read back differs from the source; removed")
        shutil.copystat(source, temporary, follow_symlinks=False)
        placed = _place(temporary, target)
        _sync_folder(folder)
        return placed
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _place(temporary: str, target: str) -> str:
    """Give ``temporary`` the name ``target`` (or ``target (2)`` ...) if free; never replace."""
    for attempt in range(1, 1000):
        name = _numbered(target, attempt)
        try:
            os.link(temporary, name)  # fails, never replaces, when the name exists
            return name
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
        if not os.path.lexists(name):  # no hard links here (FAT, exFAT): rename if free
            os.rename(temporary, name)
            return name
    raise FileExistsError(errno.EEXIST, "no free name", target)


def _numbered(target: str, attempt: int) -> str:
    """``target`` for the first attempt, then ``stem (2).ext``, ``stem (3).ext`` ..."""
    if attempt == 1:
        return target
    stem, extension = os.path.splitext(target)
    return f"{stem} ({attempt}){extension}"


def _temporary(folder: str) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=folder)


def _remove_leftovers(folder: str) -> None:
    """Remove the temporary files an earlier run was killed before removing."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        os.unlink(entry.path)


def _open_regular(path: str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file (a link is not followed)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with _open_regular(path) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
