"""The exceptions hashsearch raises: one root, a few kinds; and OS errors as reasons."""

from __future__ import annotations

from typing import Any


class HashsearchError(Exception):
    """Root of every error hashsearch raises on purpose."""


class UsageError(HashsearchError):
    """The arguments cannot work: a missing folder, a bad option value."""


class ImageError(HashsearchError):
    """One file could not be turned into a hash; the message is the reason."""


class InterlacedVideoError(ImageError):
    """A video whose frames OpenCV's FFmpeg cannot convert (interlaced); ``stand_in`` keeps
    what can be known of it without them (a frameless VideoSignature: its stream's digest)."""

    def __init__(self, reason: str, stand_in: Any = None) -> None:
        super().__init__(reason)
        self.stand_in = stand_in


class WorkerError(HashsearchError):
    """Worker processes cannot start at all (not one file's fault)."""


class Cancelled(HashsearchError):
    """The caller's cancel callback asked the run to stop."""


def os_reason(exc: OSError) -> str:
    """An OSError as the short lower-case reason people read: ``permission denied``."""
    return exc.strerror.lower() if exc.strerror else str(exc)
