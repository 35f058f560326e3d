"""Turn a search result into the lines people read."""

from __future__ import annotations

import base64
import os
from collections import Counter
from typing import Any

from .discover import Problem
from .match import ImageVerdict, Match
from .pipeline import DupesResult, QueryResult, SearchResult

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
    others = sum(result.other_files.values())
    if others:
        kinds = ", ".join(f"{ext} {count}" for ext, count in list(result.other_files.items())[:4])
        line += f"; {others} other {'file' if others == 1 else 'files'} not compared ({kinds})"
    return line


def detail_lines(result: SearchResult) -> list[str]:
    """Per-path lines for ``-v``: every unreadable and every skipped item with its reason."""
    lines = [f"unreadable: {display_path(p.path)}: {p.reason}" for p in unreadable(result)]
    lines += [f"skipped: {display_path(p.path)}: {p.reason}" for p in result.skipped]
    return lines


def image_lines(result: SearchResult) -> list[str]:
    """The needle images not found (new or unreadable), relative to the needles folder."""
    return [display_path(_relative(v.path, result.needles_root)) for v in _not_found(result)]


def raw_names(result: SearchResult, images: bool) -> list[bytes]:
    """The exact bytes of the folder (or image) names to import, for ``--print0``."""
    if images:
        return [os.fsencode(_relative(v.path, result.needles_root)) for v in _not_found(result)]
    return [os.fsencode(folder.name) for folder in result.to_import]


JSON_SCHEMA = "hashsearch/1"


def json_document(result: SearchResult) -> dict[str, Any]:
    """Everything the run decided, for scripts (schema in README, "JSON output")."""
    needles = result.needle_images
    return {
        "schema": JSON_SCHEMA,
        "haystack": {
            **_name(result.haystack_root, "root"),
            "images": result.haystack_images,
            "unreadable": [_problem(p, result.haystack_root) for p in result.haystack_problems],
        },
        "needles": {**_name(result.needles_root, "root"), "other_files": result.other_files},
        "folders": [
            {
                **_name(folder.name, "folder"),
                "to_import": folder.to_import,
                "reason": folder.reason,
                "found": folder.count("found"),
                "new": folder.count("new"),
                "unreadable": folder.count("unreadable"),
                "images": [_image(v, result) for v in folder.images],
            }
            for folder in result.folders
        ],
        "skipped": [_problem(p, "") for p in result.skipped],
        "summary": {
            "haystack_images": result.haystack_images,
            "needle_images": len(needles),
            "found": sum(1 for v in needles if v.status == "found"),
            "new": sum(1 for v in needles if v.status == "new"),
            "unreadable": sum(1 for v in needles if v.status == "unreadable"),
            "folders_to_import": len(result.to_import),
        },
    }


def query_lines(results: list[QueryResult], haystack_root: str) -> list[str]:
    """One tab-separated line per match: query, haystack image, distance, similarity, turn."""
    lines = []
    for item in results:
        for match in item.matches:
            fields = [
                display_path(item.path),
                display_path(_relative(match.path, haystack_root)),
                str(match.distance),
                f"{match.similarity:.3f}",
            ]
            lines.append("\t".join(fields + ([match.transform] if match.transform else [])))
    return lines


def query_document(results: list[QueryResult], haystack_root: str) -> dict[str, Any]:
    """The ``--query --json`` document."""
    return {
        "schema": JSON_SCHEMA,
        "haystack": _name(haystack_root, "root"),
        "queries": [
            {
                **_name(item.path, "path"),
                "reason": item.reason,
                "matches": [_match(m, haystack_root) for m in item.matches],
            }
            for item in results
        ],
    }


def _not_found(result: SearchResult) -> list[ImageVerdict]:
    return [v for v in result.needle_images if v.status != "found"]


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root) if root else path


def _name(path: str, key: str) -> dict[str, str]:
    """``{key: path}``, plus ``key_base64`` of the raw bytes when they are not UTF-8."""
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return {key: path, f"{key}_base64": base64.b64encode(raw).decode("ascii")}
    return {key: path}


def _problem(problem: Problem, root: str) -> dict[str, str]:
    return {**_name(_relative(problem.path, root), "path"), "reason": problem.reason}


def _match(match: Match, haystack_root: str) -> dict[str, Any]:
    return {
        **_name(_relative(match.path, haystack_root), "path"),
        "distance": match.distance,
        "similarity": round(match.similarity, 4),
        "transform": match.transform,
    }


def _image(verdict: ImageVerdict, result: SearchResult) -> dict[str, Any]:
    return {
        **_name(_relative(verdict.path, result.needles_root), "path"),
        "status": verdict.status,
        "reason": verdict.reason,
        "match": None if verdict.match is None else _match(verdict.match, result.haystack_root),
    }


def dupes_lines(result: DupesResult) -> list[str]:
    """Each group's paths (relative to the folder), a blank line between groups."""
    lines: list[str] = []
    for group in result.groups:
        if lines:
            lines.append("")
        lines.extend(display_path(_relative(path, result.root)) for path in group)
    return lines


def dupes_document(result: DupesResult) -> dict[str, Any]:
    """The ``--dupes --json`` document."""
    return {
        "schema": JSON_SCHEMA,
        **_name(result.root, "root"),
        "images": result.images,
        "groups": [
            [_name(_relative(p, result.root), "path") for p in group] for group in result.groups
        ],
        "unreadable": [_problem(p, result.root) for p in result.problems],
    }
