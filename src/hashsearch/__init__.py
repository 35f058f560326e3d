"""hashsearch: which backup folders still hold photos that are not in the photo library.

The stages, one package or module each, in the order the data walks through them:
:mod:`~hashsearch.discover` (walk the trees), :mod:`~hashsearch.decode` (bytes to
pixels), :mod:`~hashsearch.hash` (one file to a signature; many through the cache and
workers), :mod:`~hashsearch.index` (haystack hashes, searched by Hamming distance),
:mod:`~hashsearch.match` (verification, verdicts, folders and groups) and
:mod:`~hashsearch.report` (text, JSON, HTML); :mod:`~hashsearch.run` walks them, and
:mod:`~hashsearch.copy_new` copies what was not found (with :mod:`~hashsearch.copy_file`).
This module is the public face: everything a caller needs is importable from here.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .callbacks import OnProgress, ShouldStop, Warn
from .copy_new import Copied, CopyResult, check_copy_folder, copy_not_found
from .decode.image import DEFAULT_MAX_PIXELS, DecodeOptions
from .discover import Problem
from .errors import Cancelled, HashsearchError, ImageError, UsageError, WorkerError
from .hash.cache import CacheInfo, default_cache_path
from .hash.clip import VideoSignature
from .hash.dhash import ImageHash, dhash
from .hash.families import ALGORITHMS
from .hash.many import hash_paths
from .hash.one import HashParams, HashResult, hash_file, signature_of_file, signature_of_video
from .hash.signature import Signature
from .hash.workers import DEFAULT_TIME_LIMIT
from .index import HashIndex
from .match.group import FolderVerdict
from .match.matcher import DEFAULT_THRESHOLD, Matcher, MatchRules
from .match.verdicts import ImageVerdict, Match
from .match.verify import DEFAULT_MIN_SIMILARITY
from .match.video import VideoMatcher
from .options import SearchOptions
from .run import (
    DupesResult,
    HaystackSummary,
    QueryResult,
    SearchResult,
    cache_info,
    dupes,
    prune_cache,
    query,
    search,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MIN_SIMILARITY",
    "DEFAULT_THRESHOLD",
    "DEFAULT_TIME_LIMIT",
    "CacheInfo",
    "Cancelled",
    "Copied",
    "CopyResult",
    "DecodeOptions",
    "DupesResult",
    "FolderVerdict",
    "HashIndex",
    "HashParams",
    "HashResult",
    "HashsearchError",
    "HaystackSummary",
    "ImageError",
    "ImageHash",
    "ImageVerdict",
    "Match",
    "MatchRules",
    "Matcher",
    "OnProgress",
    "Problem",
    "QueryResult",
    "SearchOptions",
    "SearchResult",
    "ShouldStop",
    "Signature",
    "UsageError",
    "VideoMatcher",
    "VideoSignature",
    "Warn",
    "WorkerError",
    "__version__",
    "cache_info",
    "check_copy_folder",
    "copy_not_found",
    "default_cache_path",
    "dhash",
    "dupes",
    "hash_file",
    "hash_paths",
    "prune_cache",
    "query",
    "search",
    "signature_of_file",
    "signature_of_video",
]
