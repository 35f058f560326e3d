"""The lines people read: folders or images to import, summaries, per-file details."""

from __future__ import annotations

import base64
import os
from collections import Counter
from collections.abc import Iterable

from ..discover import Problem
from ..match.verdicts import STATUSES, ImageVerdict, Status
from ..run import DupesResult, HaystackSummary, QueryResult, SearchResult

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
_SUMMARY_REASONS = 3  # the commonest reasons named in the summary line


def display_path(path: str) -> str:
    """A path safe to print on a terminal, one line, telling apart what differs on disk.

    Escaped: ``\\``, ``\\n``, ``\\r``, ``\\t``; a byte that is not UTF-8 as ``\\xff``;
    any other character that does not print (controls, NEL, line and paragraph
    separators, right-to-left overrides and other format characters) as ``\\x1b`` below
    U+0080 and ``\\u0085`` / ``\\U000e0001`` above, so a valid character never prints like
    a raw byte and a script's ``splitlines()`` never splits one name in two.
    """
    out = []
    for char in path:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable() and not 0xD800 <= code < 0xE000:
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out)


def relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` (unchanged when there is no root)."""
    return os.path.relpath(path, root) if root else path


def folder_lines(result: SearchResult) -> list[str]:
    """The needle folders to import, one printable line each, in sorted order."""
    return [display_path(folder.name) for folder in result.to_import]


#: How each state is named in the summary.
STATE_LABELS: dict[Status, str] = {
    "found": "found",
    "smaller": "only a smaller or partial copy in the library",
    "new": "new",
    "unreadable": "unreadable",
    "not compared": "not compared",
}


def state_counts(images: list[ImageVerdict]) -> str:
    """``3 found, 1 new, 1 not compared``: the states present, in a fixed order."""
    counts = Counter(v.status for v in images)
    return ", ".join(f"{counts[s]} {STATE_LABELS[s]}" for s in STATUSES if counts[s])


def unreadable(result: SearchResult) -> list[Problem]:
    """Every file or folder that could not be read, on either side."""
    problems = list(result.haystack_problems)
    for folder in result.folders:
        if folder.reason is not None:
            problems.append(Problem(folder.name, folder.reason))
        problems.extend(
            Problem(v.path, v.reason or "unreadable")
            for v in folder.images
            if v.status == "unreadable"
        )
    return problems


def summary_line(result: SearchResult) -> str:
    """One line: what was hashed, the needle files by state, folders to import, problems."""
    needles = result.needle_images
    folders = len(result.to_import)
    videos = sum(1 for v in needles if v.kind == "video")
    of_which = f" ({videos} {_plural(videos, 'video')})" if videos else ""
    line = (
        f"haystack: {_hashed(result.haystack_images, result.haystack_videos)}; "
        f"needles: {len(needles)} {_plural(len(needles), 'file')}{of_which} in "
        f"{len(result.folders)} {_plural(len(result.folders), 'folder')}"
        f"{': ' + state_counts(needles) if needles else ''}; "
        f"{folders} {_plural(folders, 'folder')} to import"
    )
    problems = unreadable(result)
    if problems:
        line += f"; {len(problems)} could not be read ({_commonest(p.reason for p in problems)})"
    others = [v.reason or "" for v in needles if v.status == "not compared"]
    if others:
        line += f"; not compared: {_commonest(r.split(' (')[0] for r in others)}"
    if problems or others:
        line += "; -v lists them"
    if result.excluded:
        line += f"; {len(result.excluded)} left out by --exclude"
    if result.junk:
        line += f"; {len(result.junk)} junk {_plural(len(result.junk), 'file')} (.DS_Store ...)"
    return line


def _hashed(images: int, videos: int) -> str:
    """``12 images hashed``, or ``12 images and 3 videos hashed``."""
    both = f" and {videos} {_plural(videos, 'video')}" if videos else ""
    return f"{images} images{both} hashed"


def _commonest(reasons: Iterable[str]) -> str:
    counted = Counter(reasons).most_common()
    shown = ", ".join(f"{count} {reason}" for reason, count in counted[:_SUMMARY_REASONS])
    hidden = len(counted) - _SUMMARY_REASONS
    return shown + (f", {hidden} other reasons" if hidden > 0 else "")


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def detail_lines(result: SearchResult) -> list[str]:
    """Per-path lines for ``-v``: each folder to import with its states, then every file
    that is not found with its state and reason, then what was left out."""
    lines = [
        f"to import: {display_path(f.name)} ({f.reason or state_counts(f.images)})"
        for f in result.to_import
    ]
    lines += [f"unreadable: {display_path(p.path)}: {p.reason}" for p in unreadable(result)]
    for verdict in result.needle_images:
        if verdict.status in ("not compared", "smaller"):
            lines.append(f"{verdict.status}: {display_path(verdict.path)}: {verdict.reason}")
        elif verdict.status == "new" and verdict.reason:
            lines.append(f"new: {display_path(verdict.path)}: {verdict.reason}")
    lines += [f"skipped: {display_path(p.path)}: {p.reason}" for p in result.skipped]
    lines += [f"excluded: {display_path(path)}" for path in result.excluded]
    lines += [f"junk: {display_path(path)}" for path in result.junk]
    return lines


def image_lines(result: SearchResult) -> list[str]:
    """Every needle file that is not found, whatever its state, relative to --needles,
    and every folder that could not be listed (its files are unknown), ending in ``/``."""
    return [display_path(name) for name in _not_found_names(result)]


def raw_names(result: SearchResult, images: bool) -> list[bytes]:
    """The exact bytes of the folder (or file) names to import, for ``--print0``."""
    if images:
        return [os.fsencode(name) for name in _not_found_names(result)]
    return [os.fsencode(folder.name) for folder in result.to_import]


def _not_found_names(result: SearchResult) -> list[str]:
    names = [relative(v.path, result.needles_root) for v in not_found(result)]
    names += [f.name.rstrip("/") + "/" for f in result.folders if f.reason is not None]
    return names


def not_found(result: SearchResult) -> list[ImageVerdict]:
    """Every needle image that is not found, whatever the reason."""
    return [v for v in result.needle_images if v.status != "found"]


def query_lines(results: list[QueryResult], haystack_root: str) -> list[str]:
    """One tab-separated line per match: query, haystack image, distance, similarity, turn."""
    lines = []
    for item in results:
        for match in item.matches:
            fields = [
                display_path(item.path),
                display_path(relative(match.path, haystack_root)),
                str(match.distance),
                f"{match.similarity:.3f}",
            ]
            lines.append("\t".join(fields + ([match.transform] if match.transform else [])))
    return lines


def query_problem_lines(results: list[QueryResult]) -> list[str]:
    """One line per query image that could not be read, with its reason."""
    return [
        f"unreadable: {display_path(item.path)}: {item.reason}"
        for item in results
        if item.reason is not None
    ]


def query_summary(results: list[QueryResult], haystack: HaystackSummary) -> str:
    """One line: haystack images hashed and how many query images were found in it."""
    matched = sum(1 for item in results if item.matches)
    return (
        f"haystack: {_hashed(haystack.images, haystack.videos)}; "
        f"{matched} of {len(results)} query images found in it"
    )


def dupes_lines(result: DupesResult) -> list[str]:
    """Each group's paths (relative to the folder), a blank line between groups."""
    lines: list[str] = []
    for group in result.groups:
        if lines:
            lines.append("")
        lines.extend(display_path(relative(path, result.root)) for path in group)
    return lines


def dupes_problem_lines(result: DupesResult) -> list[str]:
    """One line per image of the tree that could not be read, with its reason."""
    return [f"unreadable: {display_path(p.path)}: {p.reason}" for p in result.problems]


def dupes_summary(result: DupesResult) -> str:
    """One line: images hashed, groups and the images in them, and how many were unreadable."""
    copies = sum(len(group) for group in result.groups)
    return (
        f"{_hashed(result.images, result.videos)}; {len(result.groups)} groups of "
        f"near-duplicates ({copies} files); {len(result.problems)} could not be read"
    )


def named(path: str, key: str) -> dict[str, str]:
    """``{key: path}``, plus ``key_base64`` of the raw bytes when they are not UTF-8."""
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return {key: path, f"{key}_base64": base64.b64encode(raw).decode("ascii")}
    return {key: path}
