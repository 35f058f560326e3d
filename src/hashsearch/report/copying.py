"""What ``--copy-new-to`` did, as the summary line, ``-v`` lines and the JSON part."""

from __future__ import annotations

import os
from typing import Any

from ..copy_new import OUTCOMES, CopyResult
from .text import display_path, named

#: How each outcome is named in a dry run.
_WOULD = {"copied": "would copy", "renamed": "would copy under a new name"}


def copy_summary(copied: CopyResult) -> str:
    """``copied 12, already there 3, renamed 1, failed 0 into DIR`` (``would copy`` ...)."""
    parts = []
    for outcome in OUTCOMES:
        count = copied.count(outcome)
        if count or outcome in ("copied", "already there", "failed"):
            name = _WOULD.get(outcome, outcome) if copied.dry_run else outcome
            parts.append(f"{name} {count}")
    verb = "dry run, nothing written: " if copied.dry_run else ""
    return f"{verb}{', '.join(parts)} into {display_path(copied.folder)}"


def copy_lines(copied: CopyResult, needles_root: str) -> list[str]:
    """One ``-v`` line per file: its outcome, its path and where it went (or why not)."""
    lines = []
    for item in copied.files:
        name = display_path(os.path.relpath(item.path, needles_root))
        outcome = _WOULD.get(item.outcome, item.outcome) if copied.dry_run else item.outcome
        if item.reason:
            lines.append(f"{outcome}: {name}: {item.reason}")
        else:
            lines.append(f"{outcome}: {name} -> {display_path(item.target)}")
    return lines


def copy_problems(copied: CopyResult) -> str | None:
    """One line when some files are not in the folder (failed, or the disk filled)."""
    failed = [c for c in copied.files if c.outcome in ("failed", "not copied")]
    if not failed:
        return None
    first = failed[0]
    return (
        f"error: {len(failed)} of {len(copied.files)} files not copied into "
        f"{display_path(copied.folder)} (first: {display_path(first.path)}: {first.reason}); "
        "-v lists each file; run again to finish"
    )


def copy_document(copied: CopyResult) -> dict[str, Any]:
    """The ``copy`` part of the ``--json`` document."""
    return {
        **named(copied.folder, "folder"),
        "dry_run": copied.dry_run,
        **{outcome: copied.count(outcome) for outcome in OUTCOMES},
    }


def copy_entries(copied: CopyResult) -> dict[str, dict[str, Any]]:
    """Each copied file's outcome, where it went (relative to the folder) and why not."""
    return {
        item.path: {
            "outcome": item.outcome,
            **named(os.path.relpath(item.target, copied.folder), "to"),
            "reason": item.reason,
        }
        for item in copied.files
    }
