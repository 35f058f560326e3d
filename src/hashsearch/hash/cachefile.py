"""The cache's file: whose it is, made in one step, opened.

A file at the cache path that does not carry hashsearch's SQLite ``application_id`` is
not hashsearch's: it is never written, emptied, renamed or deleted. A new cache is set
up in a temporary file and linked into place, so a file there always says whose it is.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from ..errors import os_reason

#: Bump when the table layout changes; an older cache is emptied, not misread.
FORMAT_VERSION = 3
#: SQLite's application_id of a hashsearch cache ("HSCH"). A file without it is not
#: hashsearch's: it is never written, emptied, renamed or deleted.
APPLICATION_ID = 0x48534348
_SQLITE_HEADER = b"SQLite format 3\x00"
_APPLICATION_ID_AT = 68  # offset of the application_id in the SQLite file header


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/hashsearch/hashes.sqlite3``, or under ``~/.cache`` without it."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "hashsearch" / "hashes.sqlite3"


def not_a_cache(path: Path) -> str | None:
    """Why the file at ``path`` is not a hashsearch cache; None if it is one, or is absent."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be opened ({os_reason(exc)})"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "is not a regular file"
        head = os.read(fd, 100)
    finally:
        os.close(fd)
    if not head.startswith(_SQLITE_HEADER):
        return "is not a hashsearch cache (not an SQLite file, or its first page is damaged)"
    owner = int.from_bytes(head[_APPLICATION_ID_AT : _APPLICATION_ID_AT + 4], "big")
    if owner == APPLICATION_ID:
        return None
    if owner == 0 and path == default_cache_path():  # made by hashsearch before it said so
        return None
    return "is another program's SQLite file, not a hashsearch cache"


def create(path: Path) -> None:
    """Make a new cache at ``path`` in one step, if there is none: set up in a temporary
    file, then linked into place, so a file there always says whose it is (another run
    may be making one at the same moment: the first link wins)."""
    if os.path.lexists(path):
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            _set_up(db)
        finally:
            db.close()
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _set_up(db: sqlite3.Connection) -> None:
    """The table of this format, its version and hashsearch's application_id."""
    db.execute("DROP TABLE IF EXISTS hashes")
    db.execute(
        "CREATE TABLE hashes (path BLOB NOT NULL, params TEXT NOT NULL,"
        " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
        " ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,"
        " bits INTEGER NOT NULL, signature BLOB NOT NULL,"
        " PRIMARY KEY (path, params)) WITHOUT ROWID"
    )
    db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def connect(path: Path, lock_timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None)  # we say BEGIN
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT_VERSION:
            db.execute("BEGIN IMMEDIATE")
            # Another run may have set the cache up while this one waited for the lock.
            if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT_VERSION:
                _set_up(db)  # a cache of an older hashsearch: emptied, not misread
            db.execute("COMMIT")
        db.execute("SELECT count(*) FROM hashes WHERE 0").fetchone()
    except BaseException:
        db.close()
        raise
    return db


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text
