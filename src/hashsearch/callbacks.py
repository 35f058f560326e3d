"""The callbacks a run takes from its caller: progress, cancellation, warnings."""

from __future__ import annotations

from collections.abc import Callable

#: ``on_progress(done, total)``: files hashed (or taken from the cache) so far, of all; as
#: ``on_verify``, photos verified against the library so far, of all to verify.
OnProgress = Callable[[int, int], None]
#: Called now and then; returning True stops the run with :class:`~hashsearch.Cancelled`.
ShouldStop = Callable[[], bool]
#: Receives one line a person should read (a cache that cannot be used, a nested tree).
Warn = Callable[[str], None]


def stop_requested(should_stop: ShouldStop | None) -> bool:
    """True when a ``should_stop`` callback was given and says stop."""
    return should_stop is not None and should_stop()


def ignore_warning(message: str) -> None:
    """The default ``warn``: the library itself never prints."""
