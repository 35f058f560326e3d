"""The command's arguments: the parser, value checks, and checks of combinations."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from .. import (
    ALGORITHMS,
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_SIMILARITY,
    DEFAULT_THRESHOLD,
    DEFAULT_TIME_LIMIT,
    UsageError,
    __version__,
    check_copy_folder,
    default_cache_path,
)

#: Upper bounds of the numeric options: beyond them a value is a typo, not a wish.
MAX_THRESHOLD = 64  # bits: the whole of a default hash
MAX_HASH_SIZE = 32  # 1,024-bit hashes
MAX_JOBS = 1024
MAX_PIXELS_LIMIT = 10**12
MAX_TIME_LIMIT = 86_400.0  # seconds: a day for one file

_EPILOG = """\
example:
  hashsearch --haystack ~/Pictures/Library/Masters --needles /mnt/backup/old-photos

prints the needle folders (relative to --needles, "." for the folder itself) that
still hold at least one photo not in the haystack, one per line.

  hashsearch --haystack ~/Pictures/Library/Masters --query holiday.jpg

prints the library's copies of holiday.jpg: query, copy, distance, similarity.

  hashsearch --dupes ~/Pictures/Inbox

prints groups of near-duplicate photos inside one folder, a blank line between groups.

exit status: 0 nothing left to import, 1 some folders listed (with --query: some
             image not found; with --dupes: duplicates found),
             2 usage or fatal error, 130 interrupted.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the command."""
    parser = argparse.ArgumentParser(
        prog="hashsearch",
        description="List the backup folders that still hold photos not in your photo library.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--haystack", metavar="DIR", help="the photo library")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--needles", metavar="DIR", help="the backup folders to check")
    what.add_argument(
        "--query",
        nargs="+",
        metavar="IMAGE",
        help="instead: print the haystack images that show each IMAGE, most similar first",
    )
    what.add_argument(
        "--cache-info",
        action="store_true",
        help="instead: print the cache's path, entries and size on disk",
    )
    what.add_argument(
        "--prune-cache",
        action="store_true",
        help="instead: remove the cache entries of files that no longer exist",
    )
    what.add_argument(
        "--dupes",
        metavar="DIR",
        help="instead: print groups of near-duplicate photos inside DIR (no --haystack)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON document (see README)")
    output.add_argument(
        "--print0", action="store_true", help="names separated by NUL bytes, exactly as on disk"
    )
    parser.add_argument(
        "--report",
        metavar="PATH.html",
        help="also write a visual report: each backup photo beside its library copy",
    )
    parser.add_argument(
        "--copy-new-to",
        metavar="DIR",
        help="also copy every needle file that is not found into DIR, at the same path "
        "(verified copies; nothing is ever overwritten)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --copy-new-to: say what would be copied, write nothing",
    )
    parser.add_argument(
        "--list-files",
        "--list-images",
        dest="list_images",
        action="store_true",
        help="list every needle file (photo or video) that is not found, instead of their "
        "folders (--list-images is the old name)",
    )
    parser.add_argument(
        "--threshold",
        type=_whole(0, MAX_THRESHOLD),
        default=DEFAULT_THRESHOLD,
        metavar="BITS",
        help=f"candidate radius: largest Hamming distance between hashes "
        f"(default {DEFAULT_THRESHOLD}; 0 = identical hashes only)",
    )
    parser.add_argument(
        "--min-similarity",
        type=_fraction,
        default=DEFAULT_MIN_SIMILARITY,
        metavar="R",
        help=f"layout correlation a candidate needs to count as the same photo "
        f"(default {DEFAULT_MIN_SIMILARITY})",
    )
    parser.add_argument(
        "--rotations",
        action="store_true",
        help="also find copies rotated by 90/180/270 degrees or mirrored",
    )
    parser.add_argument(
        "--hash-size",
        type=_whole(2, MAX_HASH_SIZE),
        default=8,
        metavar="N",
        help="N x N bits (default 8)",
    )
    parser.add_argument(
        "--algorithm",
        choices=sorted(ALGORITHMS),
        default="dhash",
        help="hash family for the candidate search (default dhash; README, 'Hash families')",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_whole(1, MAX_JOBS),
        default=None,
        metavar="N",
        help="worker processes (default: every usable CPU)",
    )
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache", metavar="PATH", help=f"hash cache file (default {_home(default_cache_path())})"
    )
    cache.add_argument("--no-cache", action="store_true", help="neither read nor write a cache")
    parser.add_argument(
        "--rehash", action="store_true", help="read every file again (the cache is refreshed)"
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out files and folders whose name or relative path matches (repeatable; "
        "counted in the summary)",
    )
    parser.add_argument(
        "--accept-smaller",
        action="store_true",
        help="count a library copy as found even when it keeps less than half the long side",
    )
    parser.add_argument(
        "--max-pixels",
        type=_whole(1, MAX_PIXELS_LIMIT),
        default=DEFAULT_MAX_PIXELS,
        metavar="N",
        help=f"refuse images larger than this (default {DEFAULT_MAX_PIXELS:,})",
    )
    parser.add_argument(
        "--time-limit",
        type=_seconds,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"give up on one file after this long (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="hash on this Dask scheduler (default $DASK_SCHEDULER_ADDRESS; "
        "needs hashsearch[dask])",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every unreadable file")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def check_combination(args: argparse.Namespace) -> None:
    """Refuse, before any work, options that cannot go together or cannot be carried out."""
    alone = "--cache-info" if args.cache_info else "--prune-cache" if args.prune_cache else None
    if alone and (args.haystack or args.no_cache):
        raise UsageError(f"{alone} takes no --haystack and no --no-cache")
    if not alone and (args.haystack is None) != (args.dupes is not None):
        raise UsageError(
            "--dupes takes no --haystack" if args.dupes else "--haystack DIR is required"
        )
    mode = "--dupes" if args.dupes else "--query" if args.query else alone
    for given, option in (
        (args.print0, "--print0"),
        (args.list_images, "--list-files"),
        (args.report, "--report"),
        (args.copy_new_to, "--copy-new-to"),
    ):
        if mode and given:
            raise UsageError(f"{option} goes with --needles, not with {mode}")
    if args.dry_run and not args.copy_new_to:
        raise UsageError("--dry-run goes with --copy-new-to")
    if args.copy_new_to and not mode:  # refused now, not after an hour of hashing
        check_copy_folder(args.copy_new_to, args.haystack, args.needles)
    if args.report:  # found out now, not after an hour of hashing
        _check_report(args.report, haystack=args.haystack, needles=args.needles)


def _check_report(report: str, **trees: str | None) -> None:
    """The report goes only where it harms nothing: outside both trees, never over a file
    that is not a hashsearch report, into a folder that can be written."""
    from ..report.html import is_report

    target = os.path.realpath(report)
    for option, tree in trees.items():
        if tree and os.path.commonpath([target, os.path.realpath(tree)]) == os.path.realpath(tree):
            raise UsageError(
                f"--report {report}: inside --{option}; hashsearch writes nothing there"
            )
    if os.path.lexists(report) and (os.path.islink(report) or not is_report(report)):
        raise UsageError(
            f"--report {report}: exists and is not a hashsearch report; not replacing it"
        )
    folder = os.path.dirname(os.path.abspath(report))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise UsageError(f"--report {report}: cannot write into {folder}")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not -1.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between -1 and 1, got {value}")
    return value


def _seconds(text: str) -> float:
    """A time limit: a number of seconds, more than 0 and at most a day (nan, inf refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= MAX_TIME_LIMIT:  # also false for nan
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_TIME_LIMIT:g} seconds, got {text}"
        )
    return value


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:,}, got {value}")
        return value

    return parse


def _home(path: os.PathLike[str]) -> str:
    text, home = os.fspath(path), os.path.expanduser("~")
    return "~" + text[len(home) :] if text.startswith(home + os.sep) else text
