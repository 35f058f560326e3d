"""A persistent SQLite cache of signatures, keyed by path and what the file system says of it.

An entry counts only while the file's size, modification time, change time (ctime) and
inode are all as they were. ctime cannot be set back by hand: a file rewritten in place
with its mtime restored (as a copy tool or bit rot may leave it) is hashed again.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..callbacks import Warn
from .cachefile import connect, create, default_cache_path, is_corruption, not_a_cache
from .record import Record, record_bytes, record_of
from .signature import Signature

__all__ = ["CacheInfo", "HashCache", "Stamp", "default_cache_path", "stamp_of"]


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """A cache's path, its entries (one per file and hash setting), files and bytes on disk."""

    path: str
    entries: int
    files: int
    size: int


#: What the file system says of a file: size, mtime (ns), ctime (ns), inode.
Stamp = tuple[int, int, int, int]


def stamp_of(info: os.stat_result) -> Stamp:
    """The :data:`Stamp` of a file from its ``lstat``."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


_WRITE_EVERY = 256  # entries; the write lock is then held for one short transaction
_QUERY_CHUNK = 500  # paths per look-up query (SQLite allows 32,766 parameters)
_WRITE_INTERVAL = 2.0  # seconds; an interrupted run loses at most this much work
DEFAULT_LOCK_TIMEOUT = 10.0


class HashCache:
    """Signatures remembered across runs; an entry counts only while the file's stamp matches."""

    def __init__(self, connection: sqlite3.Connection, params_key: str, warn: Warn) -> None:
        self._db: sqlite3.Connection | None = connection
        self._key = params_key
        self._warn = warn
        self._path: Path | None = None  # set when opened from a file: damage moves it aside
        self._lock_timeout = DEFAULT_LOCK_TIMEOUT
        self._pending: list[tuple[bytes, str, int, int, int, int, int, bytes]] = []
        self._last_write = time.monotonic()

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        params_key: str,
        warn: Warn,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> HashCache | None:
        """Open or create the cache; on any problem warn and return None (run without it).

        A file that is not a hashsearch cache is refused and left exactly as it is; a
        hashsearch cache found damaged is moved aside and started anew.
        """
        path = Path(path)
        try:
            create(path)
        except (OSError, sqlite3.Error) as exc:
            warn(f"cache {path} cannot be created ({exc}); running without the cache")
            return None
        foreign = not_a_cache(path)
        if foreign is not None:
            warn(f"cache {path} {foreign}; running without the cache (the file is left as it is)")
            return None
        try:
            cache = cls(connect(path, lock_timeout), params_key, warn)
            cache._path, cache._lock_timeout = path, lock_timeout
            return cache
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                warn(f"cache {path} cannot be used ({exc}); running without the cache")
                return None
        return cls._started_anew(path, params_key, warn, lock_timeout)

    @classmethod
    def _started_anew(
        cls, path: Path, params_key: str, warn: Warn, lock_timeout: float
    ) -> HashCache | None:
        """Move a damaged hashsearch cache aside and start a new one (or run without)."""
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            warn(f"cache {path} was damaged; moved it to {aside} and started a new one")
            create(path)
            cache = cls(connect(path, lock_timeout), params_key, warn)
            cache._path, cache._lock_timeout = path, lock_timeout
            return cache
        except (OSError, sqlite3.DatabaseError) as exc:
            warn(f"cache {path} is damaged and cannot be replaced ({exc}); running without it")
            return None

    def get(self, path: str, stamp: Stamp) -> Record | None:
        """The cached record (each page, or a video) of ``path`` if stored for this stamp."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT size, mtime_ns, ctime_ns, inode, bits, signature FROM hashes"
                " WHERE path = ? AND params = ?",
                (os.fsencode(path), self._key),
            ).fetchone()
            if row is None or tuple(row[:4]) != stamp:
                return None
            return _record_or_none(row[5], row[4])
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None

    def get_many(self, stamps: dict[str, Stamp]) -> dict[str, Record]:
        """:meth:`get` for many paths at once (a few queries instead of one per file)."""
        found: dict[str, Record] = {}
        paths = list(stamps)
        with _collector_paused():
            for start in range(0, len(paths), _QUERY_CHUNK):
                if self._db is None:
                    break
                chunk = {os.fsencode(p): p for p in paths[start : start + _QUERY_CHUNK]}
                marks = ",".join("?" * len(chunk))
                try:
                    rows = self._db.execute(
                        "SELECT path, size, mtime_ns, ctime_ns, inode, bits, signature"
                        f" FROM hashes WHERE params = ? AND path IN ({marks})",
                        (self._key, *chunk),
                    ).fetchall()
                    for raw, *stamp, bits, blob in rows:
                        path = chunk[raw]
                        fresh = tuple(stamp) == stamps[path]
                        record = _record_or_none(blob, bits) if fresh else None
                        if record is not None:
                            found[path] = record
                except sqlite3.Error as exc:
                    self._give_up(exc)
                    return {}
        return found

    def prune_under(self, root: str, present: Collection[str]) -> int:
        """Remove the entries of files under ``root`` (a folder scanned whole) that are not
        among ``present``; returns how many were removed."""
        if self._db is None:
            return 0
        prefix = os.fsencode(os.path.join(root, ""))
        upper = prefix[:-1] + bytes([prefix[-1] + 1])  # every path that starts with prefix
        kept = {os.fsencode(p) for p in present}
        try:
            rows = self._db.execute(
                "SELECT DISTINCT path FROM hashes WHERE path >= ? AND path < ?", (prefix, upper)
            ).fetchall()
            return self._delete([raw for (raw,) in rows if raw not in kept])
        except sqlite3.Error as exc:
            self._give_up(exc)
            return 0

    def prune_missing(self) -> int:
        """Remove the entries of every file that no longer exists; returns how many."""
        if self._db is None:
            return 0
        try:
            rows = self._db.execute("SELECT DISTINCT path FROM hashes").fetchall()
            return self._delete([raw for (raw,) in rows if not os.path.lexists(raw)])
        except sqlite3.Error as exc:
            self._give_up(exc)
            return 0

    def _delete(self, paths: list[bytes]) -> int:
        """Remove every entry of these paths in one transaction; returns how many paths."""
        if paths and self._db is not None:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM hashes WHERE path = ?", [(p,) for p in paths])
            self._db.execute("COMMIT")
        return len(paths)

    def info(self) -> CacheInfo:
        """What the cache holds: entries and files, and its size on disk."""
        entries = files = 0
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                entries = self._db.execute("SELECT count(*) FROM hashes").fetchone()[0]
                files = self._db.execute("SELECT count(DISTINCT path) FROM hashes").fetchone()[0]
        size = 0
        if self._path is not None:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    size += os.stat(f"{self._path}{suffix}").st_size
        return CacheInfo(str(self._path or ""), entries, files, size)

    def put(self, path: str, stamp: Stamp, record: Sequence[Signature] | Record) -> None:
        """Remember the signatures of ``path`` at this stamp (written in batches)."""
        if self._db is None:
            return
        if not record:
            return
        blob, bits = record_bytes(record)
        self._pending.append((os.fsencode(path), self._key, *stamp, bits, blob))
        if len(self._pending) >= _WRITE_EVERY or (
            time.monotonic() - self._last_write >= _WRITE_INTERVAL
        ):
            self.commit()

    def commit(self) -> None:
        """Write what was put so far (partial work survives an interrupted run)."""
        self._last_write = time.monotonic()
        if self._db is None or not self._pending:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")  # wait for the write lock here, not mid-way
            self._db.executemany(
                "INSERT OR REPLACE INTO hashes"
                " (path, params, size, mtime_ns, ctime_ns, inode, bits, signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                self._pending,
            )
            self._db.execute("COMMIT")
            self._pending.clear()
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        """Commit and close; safe to call twice."""
        self.commit()
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> HashCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _give_up(self, exc: Exception) -> None:
        damaged = isinstance(exc, sqlite3.DatabaseError) and is_corruption(exc)
        if not damaged or self._path is None:
            self._warn(f"the hash cache stopped working ({exc}); continuing without it")
        if self._db is not None:
            try:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        if damaged and self._path is not None:  # ours (checked at open): start anew
            path, self._path = self._path, None
            fresh = HashCache._started_anew(path, self._key, self._warn, self._lock_timeout)
            if fresh is not None:
                self._db, fresh._db = fresh._db, None


def _record_or_none(blob: bytes, bits: int) -> Record | None:
    """What one cache value holds (:func:`.record.record_of`), or None for a value that
    does not parse (written by another version, or damaged): that file is read again and
    its entry replaced."""
    if not isinstance(blob, bytes):  # a text value (written by hand, or another tool)
        return None
    try:
        return record_of(blob, bits)
    except ValueError:
        return None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while records are decoded (none makes a cycle): it
    scanned every object made so far again and again, a third of the decoding of a
    100,000-photo library's records (3.0 -> 1.8 s; 2026-11-30, AMD EPYC)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
