"""hashsearch: which backup folders still hold photos that are not in the photo library.

The stages, one module each: :mod:`~hashsearch.discover` (walk the trees),
:mod:`~hashsearch.decode` (bytes to grayscale), :mod:`~hashsearch.dhash` (the
hash), :mod:`~hashsearch.index` (haystack hash -> paths), :mod:`~hashsearch.match`
(verdicts), :mod:`~hashsearch.report` (lines to print); :mod:`~hashsearch.pipeline`
runs them, with :mod:`~hashsearch.cache` and :mod:`~hashsearch.workers`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .dhash import ImageHash, dhash
from .errors import Cancelled, HashsearchError, ImageError, UsageError, WorkerError
from .hashing import HashParams, hash_file, signature_of_file
from .index import HashIndex
from .match import DEFAULT_THRESHOLD, FolderVerdict, ImageVerdict, Match, Matcher, MatchRules
from .pipeline import (
    DupesResult,
    QueryResult,
    SearchOptions,
    SearchResult,
    dupes,
    query,
    search,
)
from .signature import Signature

__all__ = [
    "DEFAULT_THRESHOLD",
    "Cancelled",
    "DupesResult",
    "FolderVerdict",
    "HashIndex",
    "HashParams",
    "HashsearchError",
    "ImageError",
    "ImageHash",
    "ImageVerdict",
    "Match",
    "MatchRules",
    "Matcher",
    "QueryResult",
    "SearchOptions",
    "SearchResult",
    "Signature",
    "UsageError",
    "WorkerError",
    "__version__",
    "dhash",
    "dupes",
    "hash_file",
    "query",
    "search",
    "signature_of_file",
]
