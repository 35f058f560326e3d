"""Hash many files: from the cache where it is still valid, the rest in workers or on Dask."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from ..callbacks import OnProgress, ShouldStop
from ..decode.formats import is_image_name, is_video_name
from ..errors import ImageError, os_reason
from .cache import HashCache, Stamp, stamp_of
from .clip import INTERLACED, VideoSignature
from .one import HashParams, HashResult, kind_of
from .record import Unreadable, lasting
from .workers import DEFAULT_TIME_LIMIT, hash_in_workers


def hash_paths(
    paths: Sequence[str],
    params: HashParams,
    *,
    jobs: int,
    cache: HashCache | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    scheduler: str | None = None,
    rehash: bool = False,
) -> dict[str, HashResult]:
    """Hash every path, from the cache where it is still valid, the rest in workers.

    ``rehash``: read every file again (the cache is still written).
    """
    results: dict[str, HashResult] = {}
    stamps: dict[str, Stamp] = {}
    todo: list[str] = []
    for path in dict.fromkeys(paths):
        try:
            stamps[path] = stamp_of(os.lstat(path))
        except OSError as exc:
            results[path] = HashResult(path, None, os_reason(exc))
    cached = cache.get_many(stamps) if cache is not None and not rehash else {}
    known: dict[str, VideoSignature] = {}
    for path in stamps:
        record = cached.get(path)
        if (
            isinstance(record, VideoSignature)
            and not record.complete
            and not params.is_looked_up(path)
        ):
            # sampled sparsely when it was a backup's, now a library's: its frames are taken
            known[path], record = record, None
        if record is not None:
            if isinstance(record, Unreadable):  # reading it again would say the same
                results[path] = HashResult(path, None, record.reason, kind=record.kind)
            elif isinstance(record, VideoSignature) and not record.frames:  # interlaced
                results[path] = HashResult(path, None, INTERLACED, kind="video", stand_in=record)
            elif isinstance(record, VideoSignature):
                results[path] = HashResult(path, None, video=record, kind="video")
            else:
                results[path] = HashResult(path, record[0], more_pages=record[1:])
        elif is_image_name(path) or is_video_name(path) or (told := _told(path)) is None:
            todo.append(path)
        else:  # a sidecar, a note, a database: told from its first bytes, no worker
            results[path] = told
    total = len(results) + len(todo)

    def collect(result: HashResult) -> None:
        results[result.path] = result
        video = result.kept_video
        if cache is not None and video is not None:
            cache.put(result.path, stamps[result.path], video)
        elif cache is not None and result.signature is not None:
            cache.put(result.path, stamps[result.path], result.pages)
        elif cache is not None and result.compared and lasting(result.reason):
            cache.put(
                result.path, stamps[result.path], Unreadable(result.reason or "", result.kind)
            )
        if on_progress is not None:
            on_progress(len(results), total)

    if on_progress is not None:
        on_progress(len(results), total)
    params = replace(params, known={**params.known, **known}) if known else params
    try:
        if todo and scheduler:
            from .cluster import hash_on_cluster

            hash_on_cluster(
                todo,
                params,
                scheduler,
                on_result=collect,
                should_stop=should_stop,
                time_limit=time_limit,
            )
        elif todo:
            hash_in_workers(
                todo,
                params,
                jobs=jobs,
                on_result=collect,
                should_stop=should_stop,
                time_limit=time_limit,
            )
    finally:
        if cache is not None:
            cache.commit()
    return results


def _told(path: str) -> HashResult | None:
    """The result of a file not named like a picture or a video whose first bytes say it
    is neither (``.xmp``, ``.aae``, ``.txt``), as :func:`~.one.hash_one` gives it; None
    when it must be hashed (a JPEG named ``.dat``, or a file that cannot be read)."""
    try:
        kind = kind_of(path)
    except ImageError:
        return None  # its reason comes from hash_one, as ever
    return None if kind in ("image", "video") else HashResult(path, None, kind, compared=False)
