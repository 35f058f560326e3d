"""The ``hashsearch`` command: parse arguments, call the library, print."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .cache import default_cache_path
from .decode import DEFAULT_MAX_PIXELS, DecodeOptions
from .errors import Cancelled, HashsearchError, UsageError
from .families import ALGORITHMS
from .hashing import HashParams
from .match import DEFAULT_THRESHOLD, MatchRules
from .pipeline import (
    DupesResult,
    QueryResult,
    SearchOptions,
    SearchResult,
    dupes,
    query,
    search,
)
from .report import (
    detail_lines,
    display_path,
    dupes_document,
    dupes_lines,
    folder_lines,
    image_lines,
    json_document,
    query_document,
    query_lines,
    raw_names,
    summary_line,
)
from .verify import DEFAULT_MIN_SIMILARITY
from .workers import DEFAULT_TIME_LIMIT, usable_cpus

EXIT_NOTHING_TO_IMPORT = 0
EXIT_SOMETHING_TO_IMPORT = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130

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
        help="list the needle images not found, instead of their folders",
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
        help=f"thumbnail correlation a candidate needs to count as the same photo "
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    if isinstance(sys.stdout, io.TextIOWrapper):  # a name must never crash a run in a C locale
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR  # argparse uses 0 and 2
    try:
        return _run(args)
    except (KeyboardInterrupt, Cancelled):
        _say("interrupted")
        return EXIT_INTERRUPTED
    except HashsearchError as exc:
        if args.debug:
            traceback.print_exc()
        _say(f"error: {exc}")
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        _say(f"internal error: {type(exc).__name__}: {exc} (--debug shows where)")
        return EXIT_ERROR


def _run(args: argparse.Namespace) -> int:
    options = SearchOptions(
        rules=MatchRules(args.threshold, args.min_similarity, args.rotations),
        params=HashParams(
            args.hash_size, DecodeOptions(max_pixels=args.max_pixels), args.algorithm
        ),
        jobs=args.jobs,
        cache_path=None if args.no_cache else (args.cache or default_cache_path()),
        time_limit=args.time_limit,
        scheduler=args.scheduler,
    )
    progress = None if args.quiet else _progress_bar()
    callbacks: dict[str, Any] = {
        "on_progress": progress.update if progress else None,
        "warn": lambda message: _say(f"warning: {message}"),
    }
    _check_combination(args)
    try:
        if args.dupes:
            groups = dupes(args.dupes, options, **callbacks)
        elif args.query:
            answers, summary = query(args.haystack, args.query, options, **callbacks)
        else:
            result = search(args.haystack, args.needles, options, **callbacks)
    finally:
        if progress is not None:
            progress.close()
    if args.dupes:
        return _print_dupes(args, groups)
    if args.query:
        return _print_queries(args, answers, summary)
    if args.report:
        from .htmlreport import write_report

        try:
            write_report(result, args.report, jobs=options.jobs or usable_cpus())
        except OSError as exc:
            raise UsageError(f"--report {args.report}: {exc.strerror or exc}") from None
    if args.json:
        _print_json(json_document(result))
    elif args.print0:
        for name in raw_names(result, images=args.list_images):
            sys.stdout.buffer.write(name + b"\0")
    else:
        lines = image_lines(result) if args.list_images else folder_lines(result)
        sys.stdout.writelines(line + "\n" for line in lines)
    sys.stdout.flush()
    if args.verbose:
        for line in detail_lines(result):
            _say(line)
    if not args.quiet:
        _say(summary_line(result))
    return EXIT_SOMETHING_TO_IMPORT if result.to_import else EXIT_NOTHING_TO_IMPORT


def _check_combination(args: argparse.Namespace) -> None:
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


def _print_queries(
    args: argparse.Namespace, answers: list[QueryResult], summary: SearchResult
) -> int:
    if args.json:
        _print_json(query_document(answers, summary.haystack_root))
    else:
        sys.stdout.writelines(line + "\n" for line in query_lines(answers, summary.haystack_root))
    sys.stdout.flush()
    for answer in answers:
        if answer.reason is not None:
            _say(f"unreadable: {display_path(answer.path)}: {answer.reason}")
    matched = sum(1 for answer in answers if answer.matches)
    if not args.quiet:
        _say(
            f"haystack: {summary.haystack_images} images hashed; "
            f"{matched} of {len(answers)} query images found in it"
        )
    return EXIT_NOTHING_TO_IMPORT if matched == len(answers) else EXIT_SOMETHING_TO_IMPORT


def _print_dupes(args: argparse.Namespace, result: DupesResult) -> int:
    if args.json:
        _print_json(dupes_document(result))
    else:
        sys.stdout.writelines(line + "\n" for line in dupes_lines(result))
    sys.stdout.flush()
    for problem in result.problems if args.verbose else []:
        _say(f"unreadable: {display_path(problem.path)}: {problem.reason}")
    if not args.quiet:
        copies = sum(len(group) for group in result.groups)
        _say(
            f"{result.images} images hashed; {len(result.groups)} groups of near-duplicates "
            f"({copies} images); {len(result.problems)} could not be read"
        )
    return EXIT_SOMETHING_TO_IMPORT if result.groups else EXIT_NOTHING_TO_IMPORT


def _print_json(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, indent=2)  # ASCII only: any name survives any locale
    sys.stdout.write("\n")


class _ProgressBar:
    """A tqdm bar on stderr, created on the first update."""

    def __init__(self) -> None:
        self._bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="photo", desc="hashing", file=sys.stderr)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress_bar() -> _ProgressBar | None:
    return _ProgressBar() if sys.stderr.isatty() else None


def _say(message: str) -> None:
    print(f"hashsearch: {message}", file=sys.stderr)


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


if __name__ == "__main__":
    sys.exit(main())
