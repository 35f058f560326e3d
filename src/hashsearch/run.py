"""The three things hashsearch answers, each a walk through the stages.

``search`` (which needle folders still hold photos the haystack lacks), ``query``
(where are these photos in the haystack) and ``dupes`` (which photos in one tree are
the same): discover -> hash (cache, workers) -> index -> match -> results.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .callbacks import OnProgress, ShouldStop, Warn, ignore_warning, stop_requested
from .discover import Problem, Tree, discover
from .errors import Cancelled, UsageError, os_reason
from .hash.cache import CacheInfo, HashCache
from .hash.movie import kept_movie
from .hash.one import HashResult
from .hash_stage import hash_for_lookup, hash_with_cache
from .match.group import DupesGroup, FolderVerdict, folder_verdicts, representative_groups
from .match.library import Library
from .match.matcher import Matcher
from .match.verdicts import ImageVerdict, Match
from .match.video import VideoMatcher
from .options import SearchOptions


@dataclass(slots=True)
class HaystackSummary:
    """What happened on the haystack side: its root, images indexed, what could not be used."""

    root: str
    images: int
    problems: list[Problem]
    skipped: list[Problem]
    others: int = 0  # files that are neither pictures nor videos (sidecars ...): not indexed
    videos: int = 0  # videos indexed


@dataclass(slots=True)
class SearchResult:
    """Verdicts per needle folder, and what happened on the haystack side."""

    folders: list[FolderVerdict]
    haystack_images: int
    haystack_problems: list[Problem]
    skipped: list[Problem]
    haystack_videos: int = 0
    haystack_videos_whole: int = 0  # of them, sampled whole (a backup clip could copy it)
    haystack_root: str = ""
    needles_root: str = ""
    excluded: list[str] = field(default_factory=list)  # needle items left out by --exclude
    junk: list[str] = field(default_factory=list)  # needle files such as .DS_Store

    @property
    def to_import(self) -> list[FolderVerdict]:
        """The needle folders that still hold something not in the haystack."""
        return [folder for folder in self.folders if folder.to_import]

    @property
    def needle_images(self) -> list[ImageVerdict]:
        """Every needle image verdict, folder by folder."""
        return [image for folder in self.folders for image in folder.images]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The haystack images that show the same picture as one query image."""

    path: str
    matches: list[Match]
    reason: str | None = None  # why the query image itself could not be read


@dataclass(slots=True)
class DupesResult:
    """Groups of images under one folder that show the same picture."""

    root: str
    groups: list[DupesGroup]  # each iterates its paths sorted; groups by their first path
    images: int
    problems: list[Problem]
    skipped: list[Problem]
    videos: int = 0  # videos compared (with each other, never with the images)


def search(
    haystack: str,
    needles: str,
    options: SearchOptions = SearchOptions(),
    *,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    warn: Warn = ignore_warning,
    on_verify: OnProgress | None = None,
) -> SearchResult:
    """Which needle folders still hold images that are not in the haystack.

    ``on_progress`` hears the files hashed, ``on_verify`` then the photos verified
    against the library (``should_stop`` is asked during both)."""
    hay_id, needle_id = _folder_id(haystack, "--haystack"), _folder_id(needles, "--needles")
    if hay_id == needle_id:
        raise UsageError("--haystack and --needles are the same folder")
    patterns = options.exclude
    hay_tree = discover(haystack, exclude={needle_id}, patterns=patterns, should_stop=should_stop)
    needle_tree = discover(needles, exclude={hay_id}, patterns=patterns, should_stop=should_stop)
    for tree, other in ((hay_tree, "needles"), (needle_tree, "haystack")):
        if tree.excluded:
            warn(f"the {other} folder lies inside {tree.root}; it is left out of that side")
    paths = hay_tree.files + needle_tree.files
    params = replace(options.params, looked_up=(needle_tree.root,), library=(hay_tree.root,))
    roles = replace(options, params=params)  # the backup's videos are only looked up
    first = replace(params, looked_up=(needle_tree.root, hay_tree.root), library=())
    hashed = hash_for_lookup(
        paths,
        (replace(options, params=first), roles),
        (hay_tree.files, needle_tree.files),
        on_progress,
        should_stop,
        warn,
        scanned=[hay_tree, needle_tree],
    )
    library, hay = _haystack(hay_tree, hashed, options)
    verifying = _verifying(on_verify, should_stop)
    verdicts = library.judge([hashed[p] for p in needle_tree.files], options.thorough, verifying)
    return SearchResult(
        folders=folder_verdicts(needle_tree, verdicts),
        haystack_images=hay.images,
        haystack_videos=hay.videos,
        haystack_videos_whole=sum(v.complete for v in library.videos.videos.values()),
        haystack_problems=hay.problems,
        skipped=hay.skipped + needle_tree.skipped,
        haystack_root=hay.root,
        needles_root=needle_tree.root,
        excluded=needle_tree.excluded_by_pattern,
        junk=needle_tree.junk,
    )


def query(
    haystack: str,
    images: Sequence[str],
    options: SearchOptions = SearchOptions(),
    *,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    warn: Warn = ignore_warning,
    on_verify: OnProgress | None = None,
) -> tuple[list[QueryResult], HaystackSummary]:
    """Reverse search: for each image, the haystack images that show it, most similar first
    (the callbacks as for :func:`search`)."""
    _folder_id(haystack, "--haystack")
    hay_tree = discover(haystack, patterns=options.exclude, should_stop=should_stop)
    wanted = [os.path.abspath(image) for image in images]
    in_library = set(hay_tree.files)
    looked_up = tuple(path for path in wanted if path not in in_library)
    roles = replace(options, params=replace(options.params, looked_up=looked_up))
    first = replace(options, params=replace(roles.params, looked_up=(hay_tree.root, *wanted)))
    hashed = hash_for_lookup(
        hay_tree.files + wanted,
        (first, roles),
        (hay_tree.files, wanted),
        on_progress,
        should_stop,
        warn,
    )
    library, hay = _haystack(hay_tree, hashed, options)
    verifying = _verifying(on_verify, should_stop)
    found = library.matches_of([hashed[path] for path in wanted], verifying)
    results = [
        QueryResult(path, _others(path, found.get(path, [])), hashed[path].reason)
        for path in wanted
    ]
    return results, hay


def _others(path: str, matches: list[Match]) -> list[Match]:
    """The matches that are not the query file itself (it may lie inside the haystack)."""
    try:
        own = os.stat(path)
    except OSError:
        return matches
    kept = []
    for match in matches:
        try:
            if os.path.samestat(own, os.stat(match.path)):
                continue
        except OSError:
            pass
        kept.append(match)
    return kept


def dupes(
    folder: str,
    options: SearchOptions = SearchOptions(),
    *,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    warn: Warn = ignore_warning,
    on_verify: OnProgress | None = None,
) -> DupesResult:
    """Near-duplicate groups in one tree: each member matches its group's representative
    (the callbacks as for :func:`search`)."""
    _folder_id(folder, "--dupes")
    tree = discover(folder, patterns=options.exclude, should_stop=should_stop)
    hashed = hash_with_cache(tree.files, options, on_progress, should_stop, warn, [tree])
    library, hay = _haystack(tree, hashed, options)
    paths = list(library.images.signatures) + list(library.videos.videos)
    verifying = _verifying(on_verify, should_stop)
    found = library.matches_of([hashed[p] for p in paths], verifying, mutual=True)
    groups = representative_groups(paths, found)
    return DupesResult(tree.root, groups, hay.images, hay.problems, tree.skipped, hay.videos)


def cache_info(options: SearchOptions = SearchOptions(), warn: Warn = ignore_warning) -> CacheInfo:
    """The cache's path, entries, files and size on disk (empty if there is none)."""
    if options.cache_path is None:
        return CacheInfo("", 0, 0, 0)
    cache = HashCache.open(options.cache_path, options.params.cache_key, warn)
    if cache is None:
        return CacheInfo(os.fspath(options.cache_path), 0, 0, 0)
    with cache:
        return cache.info()


def prune_cache(options: SearchOptions = SearchOptions(), warn: Warn = ignore_warning) -> int:
    """Remove the cache entries of every file that no longer exists; returns how many."""
    if options.cache_path is None:
        return 0
    cache = HashCache.open(options.cache_path, options.params.cache_key, warn)
    if cache is None:
        return 0
    with cache:
        return cache.prune_missing()


def _haystack(
    tree: Tree, hashed: dict[str, HashResult], options: SearchOptions
) -> tuple[Library, HaystackSummary]:
    """The matchers over the tree's readable photos and videos, and what the tree held."""
    bits = options.params.hash_size**2
    matcher = Matcher(bits, options.rules, options.params.algorithm)
    videos = VideoMatcher(bits, options.rules)
    problems = list(tree.unreadable_folders)
    others = 0
    for path in tree.files:
        result = hashed[path]
        kept = result.kept_video
        if kept is not None and kept.stream is not None:  # a motion photo's movie, kept apart?
            matcher.keep_movie(kept_movie(kept.stream, kept.sound))
        if not result.compared:
            others += 1
        elif result.video is not None:
            videos.add(path, result.video)
        elif result.signature is None:
            problems.append(Problem(path, result.reason or "unreadable"))
            if result.stand_in is not None:  # interlaced: only its very stream can be found
                videos.streams.add(path, result.stand_in)
        else:
            matcher.add(path, result.signature)  # the first page of a multi-page file
    summary = HaystackSummary(
        tree.root, len(matcher), problems, tree.skipped, others, videos=len(videos)
    )
    return Library(matcher, videos), summary


def _folder_id(path: str, option: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UsageError(f"{option} {path}: {os_reason(exc)}") from None
    if not os.path.isdir(path):
        raise UsageError(f"{option} {path}: not a folder")
    return info.st_dev, info.st_ino


def _verifying(on_verify: OnProgress | None, should_stop: ShouldStop | None) -> OnProgress:
    """What the matcher calls now and then while verifying: progress, and a stop asked for."""

    def verifying(done: int, total: int) -> None:
        if on_verify is not None:
            on_verify(done, total)
        if stop_requested(should_stop):
            raise Cancelled("stopped while verifying")

    return verifying
