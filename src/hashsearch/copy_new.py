"""Bring the missing photos home: copy every needle file that is not found into a folder.

Each file goes to the same path relative to the folder as it had under ``--needles``,
copied as :mod:`hashsearch.copy_file` does it (verified, never over another file). The
folder must lie outside both trees; the space the copies need is checked before the
first byte is written; a disk that fills anyway stops the copying, with every file
after the point named "not copied". A second run copies nothing new: what is there
already is recognised by its bytes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass

from .callbacks import OnProgress, ShouldStop, stop_requested
from .copy_file import OUTCOMES, Copied, DiskFull, Outcome, copy_one, size_of
from .errors import Cancelled, HashsearchError, UsageError
from .run import SearchResult

__all__ = ["OUTCOMES", "Copied", "CopyResult", "check_copy_folder", "copy_not_found"]

#: A copy that would leave less than this free is not started (file-system slack).
SPACE_MARGIN = 1 << 20


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What ``copy_not_found`` did (or, in a dry run, would do) with each file."""

    folder: str
    files: list[Copied]
    dry_run: bool = False

    def count(self, outcome: Outcome) -> int:
        """How many files had ``outcome``."""
        return sum(1 for copied in self.files if copied.outcome == outcome)

    @property
    def complete(self) -> bool:
        """True when every file is in the folder (copied, renamed or already there)."""
        return not any(c.outcome in ("failed", "not copied") for c in self.files)


def check_copy_folder(folder: str, *trees: str) -> None:
    """Refuse a copy folder that is a file, or lies inside or around either tree."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        raise UsageError(f"--copy-new-to {folder}: exists and is not a folder")
    target = os.path.realpath(folder)
    for tree in trees:
        real = os.path.realpath(tree)
        common = os.path.commonpath([target, real])
        if common in (real, target):
            where = "inside" if common == real else "around"
            raise UsageError(
                f"--copy-new-to {folder}: lies {where} {tree}; "
                "the copies go to a folder outside both trees"
            )


def copy_not_found(
    result: SearchResult,
    folder: str,
    *,
    dry_run: bool = False,
    on_progress: OnProgress | None = None,
    should_stop: ShouldStop | None = None,
) -> CopyResult:
    """Copy every needle file that is not found (new, smaller, unreadable, not compared)
    into ``folder``; raises :class:`HashsearchError` when the space is short."""
    check_copy_folder(folder, result.haystack_root, result.needles_root)
    wanted = [v.path for v in result.needle_images if v.status != "found"]
    jobs = [(p, os.path.join(folder, os.path.relpath(p, result.needles_root))) for p in wanted]
    planned = [copy_one(source, target, dry_run=True) for source, target in jobs]
    if dry_run:
        return CopyResult(folder, planned, dry_run=True)
    needed = sum(size_of(c.path) for c in planned if c.outcome in ("copied", "renamed"))
    free = shutil.disk_usage(_existing(folder)).free
    if needed + SPACE_MARGIN > free:
        raise HashsearchError(
            f"--copy-new-to {folder}: the files to copy need {needed:,} bytes, "
            f"{free:,} are free there; nothing was copied"
        )
    return CopyResult(folder, _copy_all(planned, jobs, on_progress, should_stop))


def _copy_all(
    planned: Sequence[Copied],
    jobs: Sequence[tuple[str, str]],
    on_progress: OnProgress | None,
    should_stop: ShouldStop | None,
) -> list[Copied]:
    done: list[Copied] = []
    full: str | None = None
    for number, (plan, (source, target)) in enumerate(zip(planned, jobs, strict=True)):
        if stop_requested(should_stop):
            raise Cancelled("stopped while copying")
        if full is not None:
            done.append(Copied(source, target, "not copied", full))
        elif plan.outcome in ("already there", "failed"):
            done.append(plan)
        else:
            try:
                done.append(copy_one(source, target))
            except DiskFull as exc:
                full = str(exc)
                done.append(Copied(source, target, "not copied", full))
        if on_progress is not None:
            on_progress(number + 1, len(jobs))
    return done


def _existing(path: str) -> str:
    """``path``, or its nearest ancestor that exists (where its free space is measured)."""
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path or "."
