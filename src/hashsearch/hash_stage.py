"""The hash stage of a run: every file through the cache, and library videos sampled whole
only where a looked-up video could be a copy of them (:mod:`hashsearch.match.lookup`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .callbacks import OnProgress, ShouldStop, Warn
from .discover import Tree
from .hash.cache import HashCache
from .hash.many import hash_paths
from .hash.one import HashResult
from .match.lookup import videos_to_sample_whole
from .match.streams import SameStreams
from .options import SearchOptions


def hash_for_lookup(
    paths: Sequence[str],
    passes: tuple[SearchOptions, SearchOptions],
    sides: tuple[Sequence[str], Sequence[str]],
    on_progress: OnProgress | None,
    should_stop: ShouldStop | None,
    warn: Warn,
    scanned: Sequence[Tree] = (),
) -> dict[str, HashResult]:
    """Hash every file with every video first sampled as a backup's; then sample whole
    the library videos (``sides[0]``) that a looked-up video (``sides[1]``) could be a
    copy of (:mod:`hashsearch.match.lookup`), with ``passes[1]``'s roles, or that
    looked-up video instead where it is the smaller; not for a looked-up video whose very
    stream a library video holds (:mod:`.match.streams`)."""
    sparse, roles = passes
    hashed = hash_with_cache(paths, sparse, on_progress, should_stop, warn, scanned)
    library = {p: v for p in sides[0] if (v := hashed[p].video) is not None}
    streams = SameStreams()  # a backup's video holding a library video's stream is found
    for path, video in library.items():
        streams.add(path, video)
    needles = {
        p: v for p in sides[1] if (v := hashed[p].video) is not None and streams.holds(v) is None
    }
    bits = roles.params.hash_size**2
    wanted, denser = videos_to_sample_whole(library, needles, bits, roles.rules)
    # the keyframes sampled first are not decoded again (with or without a cache)
    known = {p: v for p in [*wanted, *denser] if (v := hashed[p].video) and not v.complete}
    roles = replace(roles, params=replace(roles.params, known=known))
    whole = replace(roles, params=replace(roles.params, looked_up=()))  # as a library's
    for paths, options in ((wanted, roles), (denser, whole)):
        if not paths:
            continue
        done = len(hashed)

        def progress(count: int, total: int, done: int = done) -> None:
            assert on_progress is not None
            on_progress(done + count, done + total)

        again = hash_with_cache(paths, options, on_progress and progress, should_stop, warn)
        hashed.update(again)
    return hashed


def hash_with_cache(
    paths: Sequence[str],
    options: SearchOptions,
    on_progress: OnProgress | None,
    should_stop: ShouldStop | None,
    warn: Warn,
    scanned: Sequence[Tree] = (),
) -> dict[str, HashResult]:
    """Hash through the cache; then drop the cache entries of files gone from any tree
    that was scanned whole (nothing excluded, every folder listed)."""
    cache = None
    if options.cache_path is not None:
        cache = HashCache.open(options.cache_path, options.params.cache_key, warn)
    try:
        hashed = hash_paths(
            paths,
            options.params,
            jobs=options.workers,
            cache=cache,
            time_limit=options.time_limit,
            on_progress=on_progress,
            should_stop=should_stop,
            scheduler=options.scheduler,
            rehash=options.rehash,
        )
        for tree in scanned:
            whole = not (tree.unreadable_folders or tree.excluded or tree.excluded_by_pattern)
            if cache is not None and whole:
                cache.prune_under(tree.root, tree.files)
        return hashed
    finally:
        if cache is not None:
            cache.close()
