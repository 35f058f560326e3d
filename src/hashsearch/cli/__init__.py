"""The ``hashsearch`` command: parse arguments, call the library, print."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from .. import (
    Cancelled,
    DecodeOptions,
    HashParams,
    HashsearchError,
    MatchRules,
    SearchOptions,
    UsageError,
    cache_info,
    copy_not_found,
    default_cache_path,
    dupes,
    prune_cache,
    query,
    search,
)
from ..report.copying import copy_lines, copy_problems, copy_summary
from ..report.json import dupes_document, json_document, query_document
from ..report.text import (
    detail_lines,
    display_path,
    dupes_lines,
    dupes_problem_lines,
    dupes_summary,
    folder_lines,
    image_lines,
    query_lines,
    query_problem_lines,
    query_summary,
    raw_names,
    summary_line,
)
from .parser import build_parser, check_combination
from .progress import Progress

EXIT_NOTHING_TO_IMPORT = 0
EXIT_SOMETHING_TO_IMPORT = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
#: SIGTERM and SIGHUP end a run as Ctrl-C does; the exit status is 128 + the signal.
_STOP_SIGNALS = {signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}
_INTERRUPTED = {EXIT_INTERRUPTED, *(128 + number for number in _STOP_SIGNALS)}
#: A -W option for the resource tracker's process: quiet when it unlinks what an
#: interrupted run left (see :func:`entry`).
_TRACKER_WARNING = "ignore:resource_tracker:UserWarning"


class _Stopped(BaseException):
    """A stop signal arrived: unwinds like KeyboardInterrupt, so every clean-up runs."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _stop(number: int, frame: object) -> None:
    raise _Stopped(number)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    if isinstance(sys.stdout, io.TextIOWrapper):  # a name must never crash a run in a C locale
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR  # argparse uses 0 and 2
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {n: signal.signal(n, _stop) for n in _STOP_SIGNALS} if in_main_thread else {}
    try:
        return _run(args)
    except (KeyboardInterrupt, Cancelled):
        _say("interrupted")
        return EXIT_INTERRUPTED
    except _Stopped as stopped:
        _say(_STOP_SIGNALS[signal.Signals(stopped.number)])
        return 128 + stopped.number
    except HashsearchError as exc:
        if args.debug:
            traceback.print_exc()
        _say(f"error: {display_path(str(exc))}")
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
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def entry() -> NoReturn:
    """The installed command and ``python -m hashsearch``: :func:`main`, then exit.

    After an interrupted run (Ctrl-C, SIGTERM, SIGHUP) everything is already done when
    :func:`main` returns: the cache committed and closed, every worker stopped and
    joined. The process then leaves at once, without Python's exit hooks: one of them
    joins the worker pool's manager thread without a time limit, and under heavy load
    that once kept a Ctrl-C'd run alive a minute after it said "interrupted". The
    semaphores the pool made are then unlinked by multiprocessing's resource tracker, as
    it is there to do; its warning that it found them ("leaked semaphore objects"),
    printed after "terminated" in one run of three under load, is silenced.
    """
    sys.warnoptions.append(_TRACKER_WARNING)  # the tracker starts with these options
    code = main()
    if code in _INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _run(args: argparse.Namespace) -> int:
    check_combination(args)
    options = SearchOptions(
        rules=MatchRules(args.threshold, args.min_similarity, args.rotations, args.accept_smaller),
        params=HashParams(
            args.hash_size, DecodeOptions(max_pixels=args.max_pixels), args.algorithm
        ),
        jobs=args.jobs,
        cache_path=None if args.no_cache else (args.cache or default_cache_path()),
        time_limit=args.time_limit,
        scheduler=_scheduler(args),
        exclude=tuple(args.exclude),
        rehash=args.rehash,
        thorough=bool(args.json or args.report),  # the outputs that show matches and near misses
    )
    if args.cache_info:
        info = cache_info(options, warn=_warn)
        per_file = f", {info.size // info.files:,} bytes a file" if info.files else ""
        print(f"cache: {display_path(info.path)}")
        files = f"{info.files:,} {'file' if info.files == 1 else 'files'}"
        print(f"entries: {info.entries:,} ({files})")
        print(f"size: {info.size:,} bytes{per_file}")
        return EXIT_NOTHING_TO_IMPORT
    if args.prune_cache:
        removed = prune_cache(options, warn=_warn)
        _tell(args, [], f"removed {removed:,} cache entries of files that no longer exist")
        return EXIT_NOTHING_TO_IMPORT
    if args.dupes:
        return _dupes(args, options)
    if args.query:
        return _query(args, options)
    return _search(args, options)


def _scheduler(args: argparse.Namespace) -> str | None:
    """--scheduler, or $DASK_SCHEDULER_ADDRESS with a notice (files leave this machine)."""
    if args.scheduler:
        return str(args.scheduler)
    address = os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if address is not None and not args.quiet:
        _say(
            f"notice: hashing on the Dask scheduler {display_path(address)} "
            "from $DASK_SCHEDULER_ADDRESS (--scheduler sets another)"
        )
    return address


def _search(args: argparse.Namespace, options: SearchOptions) -> int:
    with Progress(args.quiet) as progress:
        result = search(args.haystack, args.needles, options, **_watched(progress))
    if args.report:
        from ..report.html import write_report

        try:
            write_report(result, args.report, jobs=options.workers, time_limit=args.time_limit)
        except OSError as exc:
            raise UsageError(f"--report {args.report}: {exc.strerror or exc}") from None
    copied = None
    if args.copy_new_to:
        with Progress(args.quiet, "copying") as progress:
            copied = copy_not_found(
                result, args.copy_new_to, dry_run=args.dry_run, on_progress=progress.update
            )
    if args.json:
        _print_json(json_document(result, copied))
    elif args.print0:
        for name in raw_names(result, images=args.list_images):
            sys.stdout.buffer.write(name + b"\0")
    else:
        _print_lines(image_lines(result) if args.list_images else folder_lines(result))
    sys.stdout.flush()
    details = detail_lines(result)
    if copied is not None:
        details += copy_lines(copied, result.needles_root)
    _tell(args, details, summary_line(result))
    if copied is not None:
        _tell(args, [], copy_summary(copied))
        problem = copy_problems(copied)
        if problem is not None:
            _say(problem)
            return EXIT_ERROR
    return EXIT_SOMETHING_TO_IMPORT if result.to_import else EXIT_NOTHING_TO_IMPORT


def _query(args: argparse.Namespace, options: SearchOptions) -> int:
    with Progress(args.quiet) as progress:
        answers, haystack = query(args.haystack, args.query, options, **_watched(progress))
    if args.json:
        _print_json(query_document(answers, haystack))
    else:
        _print_lines(query_lines(answers, haystack.root))
    sys.stdout.flush()
    for line in query_problem_lines(answers):  # always: a query names its files itself
        _say(line)
    _tell(args, [], query_summary(answers, haystack))
    every_one = all(answer.matches for answer in answers)
    return EXIT_NOTHING_TO_IMPORT if every_one else EXIT_SOMETHING_TO_IMPORT


def _dupes(args: argparse.Namespace, options: SearchOptions) -> int:
    with Progress(args.quiet) as progress:
        result = dupes(args.dupes, options, **_watched(progress))
    if args.json:
        _print_json(dupes_document(result))
    else:
        _print_lines(dupes_lines(result))
    sys.stdout.flush()
    _tell(args, dupes_problem_lines(result), dupes_summary(result))
    return EXIT_SOMETHING_TO_IMPORT if result.groups else EXIT_NOTHING_TO_IMPORT


def _tell(args: argparse.Namespace, details: list[str], summary: str) -> None:
    """The stderr part of a run: the details under -v, then the summary unless -q."""
    if args.verbose:
        for line in details:
            _say(line)
    if not args.quiet:
        _say(summary)


def _print_json(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, indent=2)  # ASCII only: any name survives any locale
    sys.stdout.write("\n")


def _print_lines(lines: list[str]) -> None:
    sys.stdout.writelines(line + "\n" for line in lines)


def _watched(progress: Progress) -> dict[str, Any]:
    """The callbacks a run takes from the command: its bars and its warnings."""
    return {"on_progress": progress.update, "on_verify": progress.verified, "warn": _warn}


def _warn(message: str) -> None:
    _say(f"warning: {display_path(message)}")


def _say(message: str) -> None:
    print(f"hashsearch: {message}", file=sys.stderr)
