"""Turn a search result into the lines people read."""

from __future__ import annotations

from collections import Counter

from .discover import Problem
from .pipeline import SearchResult

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def display_path(path: str) -> str:
    """A path safe to print on a terminal: control characters and undecodable bytes escaped."""
    out = []
    for char in path:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def folder_lines(result: SearchResult) -> list[str]:
    """The needle folders to import, one printable line each, in sorted order."""
    return [display_path(folder.name) for folder in result.to_import]


def unreadable(result: SearchResult) -> list[Problem]:
    """Every file or folder that could not be read, on either side."""
    problems = list(result.haystack_problems)
    for folder in result.folders:
        if folder.reason is not None:
            problems.append(Problem(folder.name, folder.reason))
        problems.extend(
            Problem(v.path, v.reason or "unreadable") for v in folder.images if v.reason
        )
    return problems


def summary_line(result: SearchResult) -> str:
    """One line: what was hashed, found, left to import, and what could not be read."""
    needles = result.needle_images
    found = sum(1 for v in needles if v.status == "found")
    new = sum(1 for v in needles if v.status == "new")
    folders = len(result.to_import)
    line = (
        f"haystack: {result.haystack_images} images hashed; "
        f"needles: {len(needles)} images in {len(result.folders)} folders, "
        f"{found} found, {new} new; "
        f"{folders} {'folder' if folders == 1 else 'folders'} to import"
    )
    problems = unreadable(result)
    if problems:
        reasons = Counter(p.reason for p in problems).most_common()
        shown = ", ".join(f"{count} {reason}" for reason, count in reasons[:3])
        more = f", {len(reasons) - 3} other reasons" if len(reasons) > 3 else ""
        line += f"; {len(problems)} could not be read ({shown}{more}; -v lists them)"
    return line


def detail_lines(result: SearchResult) -> list[str]:
    """Per-path lines for ``-v``: every unreadable and every skipped item with its reason."""
    lines = [f"unreadable: {display_path(p.path)}: {p.reason}" for p in unreadable(result)]
    lines += [f"skipped: {display_path(p.path)}: {p.reason}" for p in result.skipped]
    return lines
