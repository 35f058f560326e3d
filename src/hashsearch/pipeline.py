"""The whole check: discover -> hash (cache, workers) -> index -> match."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .cache import HashCache, default_cache_path
from .discover import Problem, Tree, discover
from .errors import UsageError
from .hashing import HashParams, HashResult
from .match import FolderVerdict, ImageVerdict, Match, Matcher, MatchRules
from .workers import DEFAULT_TIME_LIMIT, hash_in_workers, usable_cpus

#: ``on_progress(done, total)``: files hashed (or taken from the cache) so far, of all.
OnProgress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]
Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """How to hash and how close counts as "already in the haystack"."""

    rules: MatchRules = field(default_factory=MatchRules)
    params: HashParams = field(default_factory=HashParams)
    jobs: int | None = None  # None: every usable CPU
    cache_path: str | os.PathLike[str] | None = field(default_factory=default_cache_path)
    time_limit: float = DEFAULT_TIME_LIMIT
    scheduler: str | None = None  # a Dask scheduler address: hash there instead of locally


@dataclass(slots=True)
class SearchResult:
    """Verdicts per needle folder, and what happened on the haystack side."""

    folders: list[FolderVerdict]
    haystack_images: int
    haystack_problems: list[Problem]
    skipped: list[Problem]
    haystack_root: str = ""
    needles_root: str = ""
    other_files: dict[str, int] = field(default_factory=dict)  # needles not compared, by ext

    @property
    def to_import(self) -> list[FolderVerdict]:
        """The needle folders that still hold something not in the haystack."""
        return [folder for folder in self.folders if folder.to_import]

    @property
    def needle_images(self) -> list[ImageVerdict]:
        """Every needle image verdict, folder by folder."""
        return [image for folder in self.folders for image in folder.images]


def search(
    haystack: str,
    needles: str,
    options: SearchOptions = SearchOptions(),
    *,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    warn: Warn | None = None,
) -> SearchResult:
    """Which needle folders still hold images that are not in the haystack."""
    warn = warn or (lambda message: None)
    hay_id, needle_id = _folder_id(haystack, "--haystack"), _folder_id(needles, "--needles")
    if hay_id == needle_id:
        raise UsageError("--haystack and --needles are the same folder")
    hay_tree = discover(haystack, exclude={needle_id}, should_stop=should_stop)
    needle_tree = discover(needles, exclude={hay_id}, should_stop=should_stop)
    for tree, other in ((hay_tree, "needles"), (needle_tree, "haystack")):
        if tree.excluded:
            warn(f"the {other} folder lies inside {tree.root}; it is left out of that side")

    hashed = _hash_with_cache(
        hay_tree.images + needle_tree.images, options, on_progress, should_stop, warn
    )
    matcher, hay_problems = _haystack_matcher(hay_tree, hashed, options)
    folders = _needle_folders(needle_tree)
    for verdict in matcher.judge_many([hashed[path] for path in needle_tree.images]):
        folders[needle_tree.folder_of(verdict.path)].images.append(verdict)
    return SearchResult(
        folders=[folders[name] for name in sorted(folders, key=os.fsencode)],
        haystack_images=len(matcher),
        haystack_problems=hay_problems,
        skipped=hay_tree.skipped + needle_tree.skipped,
        haystack_root=hay_tree.root,
        needles_root=needle_tree.root,
        other_files=dict(needle_tree.other_files.most_common()),
    )


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The haystack images that show the same picture as one query image."""

    path: str
    matches: list[Match]
    reason: str | None = None  # why the query image itself could not be read


def query(
    haystack: str,
    images: Sequence[str],
    options: SearchOptions = SearchOptions(),
    *,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    warn: Warn | None = None,
) -> tuple[list[QueryResult], SearchResult]:
    """Reverse search: for each image, the haystack images that show it, most similar first."""
    warn = warn or (lambda message: None)
    _folder_id(haystack, "--haystack")
    hay_tree = discover(haystack, should_stop=should_stop)
    wanted = [os.path.abspath(image) for image in images]
    hashed = _hash_with_cache(hay_tree.images + wanted, options, on_progress, should_stop, warn)
    matcher, hay_problems = _haystack_matcher(hay_tree, hashed, options)
    found = matcher.matches_of([hashed[path] for path in wanted])
    results = [QueryResult(path, found.get(path, []), hashed[path].reason) for path in wanted]
    summary = SearchResult([], len(matcher), hay_problems, hay_tree.skipped, hay_tree.root)
    return results, summary


def _hash_with_cache(
    paths: Sequence[str],
    options: SearchOptions,
    on_progress: OnProgress | None,
    should_stop: ShouldStop | None,
    warn: Warn,
) -> dict[str, HashResult]:
    cache = _open_cache(options, warn)
    try:
        return hash_paths(
            paths,
            options.params,
            jobs=options.jobs or usable_cpus(),
            cache=cache,
            time_limit=options.time_limit,
            on_progress=on_progress,
            should_stop=should_stop,
            scheduler=options.scheduler,
        )
    finally:
        if cache is not None:
            cache.close()


def _haystack_matcher(
    tree: Tree, hashed: dict[str, HashResult], options: SearchOptions
) -> tuple[Matcher, list[Problem]]:
    matcher = Matcher(options.params.hash_size**2, options.rules, options.params.algorithm)
    problems = list(tree.unreadable_folders)
    for path in tree.images:
        result = hashed[path]
        if result.signature is None:
            problems.append(Problem(path, result.reason or "unreadable"))
        else:
            matcher.add(path, result.signature)
    return matcher, problems


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
) -> dict[str, HashResult]:
    """Hash every path, from the cache where it is still valid, the rest in workers."""
    results: dict[str, HashResult] = {}
    stamps: dict[str, tuple[int, int]] = {}
    todo: list[str] = []
    for path in dict.fromkeys(paths):
        try:
            info = os.lstat(path)
        except OSError as exc:
            results[path] = HashResult(path, None, (exc.strerror or str(exc)).lower())
            continue
        stamps[path] = (info.st_size, info.st_mtime_ns)
        cached = cache.get(path, *stamps[path]) if cache is not None else None
        if cached is not None:
            results[path] = HashResult(path, cached)
        else:
            todo.append(path)
    total = len(results) + len(todo)

    def collect(result: HashResult) -> None:
        results[result.path] = result
        if cache is not None and result.signature is not None:
            cache.put(result.path, *stamps[result.path], result.signature)
        if on_progress is not None:
            on_progress(len(results), total)

    if on_progress is not None:
        on_progress(len(results), total)
    try:
        if todo and scheduler:
            from .cluster import hash_on_cluster

            hash_on_cluster(todo, params, scheduler, on_result=collect, should_stop=should_stop)
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


def _folder_id(path: str, option: str) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UsageError(f"{option} {path}: {(exc.strerror or str(exc)).lower()}") from None
    if not os.path.isdir(path):
        raise UsageError(f"{option} {path}: not a folder")
    return info.st_dev, info.st_ino


def _needle_folders(tree: Tree) -> dict[str, FolderVerdict]:
    folders: dict[str, FolderVerdict] = {}
    for path in tree.images:
        name = tree.folder_of(path)
        folders.setdefault(name, FolderVerdict(name))
    for problem in tree.unreadable_folders:
        name = tree.relative(problem.path)
        folders.setdefault(name, FolderVerdict(name)).reason = problem.reason
    return folders


def _open_cache(options: SearchOptions, warn: Warn) -> HashCache | None:
    if options.cache_path is None:
        return None
    return HashCache.open(options.cache_path, options.params.cache_key, warn)


@dataclass(slots=True)
class DupesResult:
    """Groups of images under one folder that show the same picture."""

    root: str
    groups: list[list[str]]  # each sorted; groups sorted by their first path
    images: int
    problems: list[Problem]
    skipped: list[Problem]


def dupes(
    folder: str,
    options: SearchOptions = SearchOptions(),
    *,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
    warn: Warn | None = None,
) -> DupesResult:
    """Near-duplicate groups in one tree: images linked by matches, chained (A~B, B~C)."""
    warn = warn or (lambda message: None)
    _folder_id(folder, "--dupes")
    tree = discover(folder, should_stop=should_stop)
    hashed = _hash_with_cache(tree.images, options, on_progress, should_stop, warn)
    matcher, problems = _haystack_matcher(tree, hashed, options)
    parent = {path: path for path in matcher.signatures}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    for path, found in matcher.matches_of([hashed[p] for p in matcher.signatures]).items():
        for match in found:
            parent[root(match.path)] = root(path)
    members: dict[str, list[str]] = {}
    for path in matcher.signatures:
        members.setdefault(root(path), []).append(path)
    key = os.fsencode
    groups = [sorted(g, key=key) for g in members.values() if len(g) > 1]
    groups.sort(key=lambda group: key(group[0]))
    return DupesResult(tree.root, groups, len(matcher), problems, tree.skipped)
