"""How a run hashes and what counts as found: the options every question takes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .hash.cache import default_cache_path
from .hash.one import HashParams
from .hash.workers import DEFAULT_TIME_LIMIT, usable_cpus
from .match.matcher import MatchRules


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """How to hash and how close counts as "already in the haystack"."""

    rules: MatchRules = field(default_factory=MatchRules)
    params: HashParams = field(default_factory=HashParams)
    jobs: int | None = None  # None: every usable CPU
    cache_path: str | os.PathLike[str] | None = field(default_factory=default_cache_path)
    time_limit: float = DEFAULT_TIME_LIMIT
    scheduler: str | None = None  # a Dask scheduler address: hash there instead of locally
    exclude: tuple[str, ...] = ()  # globs: files and folders left out on purpose (counted)
    rehash: bool = False  # read every file again instead of trusting the cache
    #: search: the most similar copy and every near miss of each file (for --json and the
    #: report); False stops at the first acceptable copy: the same verdicts, cheaper
    thorough: bool = True

    @property
    def workers(self) -> int:
        """The number of worker processes: ``jobs``, or every usable CPU."""
        return self.jobs or usable_cpus()
