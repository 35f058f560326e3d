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
    default_cache_path,
)

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
        "--list-images",
        action="store_true",
        help="list every needle file that is not found, instead of their folders",
    )
    parser.add_argument(
        "--threshold",
        type=_non_negative,
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
        "--hash-size", type=_at_least(2), default=8, metavar="N", help="N x N bits (default 8)"
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
        type=_at_least(1),
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
        type=_at_least(1),
        default=DEFAULT_MAX_PIXELS,
        metavar="N",
        help=f"refuse images larger than this (default {DEFAULT_MAX_PIXELS:,})",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"give up on one file after this long (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=os.environ.get("DASK_SCHEDULER_ADDRESS") or None,
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
    if (args.haystack is None) != (args.dupes is not None):
        raise UsageError(
            "--dupes takes no --haystack" if args.dupes else "--haystack DIR is required"
        )
    mode = "--dupes" if args.dupes else "--query" if args.query else None
    for given, option in (
        (args.print0, "--print0"),
        (args.list_images, "--list-images"),
        (args.report, "--report"),
    ):
        if mode and given:
            raise UsageError(f"{option} goes with --needles, not with {mode}")
    if args.report:  # found out now, not after an hour of hashing
        folder = os.path.dirname(os.path.abspath(args.report))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise UsageError(f"--report {args.report}: cannot write into {folder}")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not -1.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between -1 and 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    return _at_least(0)(text)


def _at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def _home(path: os.PathLike[str]) -> str:
    text, home = os.fspath(path), os.path.expanduser("~")
    return "~" + text[len(home) :] if text.startswith(home + os.sep) else text
