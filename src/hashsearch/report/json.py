"""The JSON documents scripts read (schema in README, "For scripts")."""

from __future__ import annotations

from typing import Any

from ..copy_new import CopyResult
from ..discover import Problem
from ..match.group import DupesGroup
from ..match.verdicts import STATUSES, ImageVerdict, Match
from ..run import DupesResult, HaystackSummary, QueryResult, SearchResult
from .copying import copy_document, copy_entries
from .text import named, relative

#: 2: every needle file with its state (found, smaller, new, unreadable, not compared)
JSON_SCHEMA = "hashsearch/2"


def json_document(result: SearchResult, copied: CopyResult | None = None) -> dict[str, Any]:
    """Everything the run decided, for scripts (schema in README, "JSON output"); with
    ``copied``, what --copy-new-to did with each file."""
    needles = result.needle_images
    moves: dict[str, dict[str, Any]] = {} if copied is None else copy_entries(copied)
    document: dict[str, Any] = {
        "schema": JSON_SCHEMA,
        "haystack": {
            **named(result.haystack_root, "root"),
            "images": result.haystack_images,
            "videos": result.haystack_videos,
            "unreadable": [_problem(p, result.haystack_root) for p in result.haystack_problems],
        },
        "needles": {
            **named(result.needles_root, "root"),
            "excluded": [named(relative(p, result.needles_root), "path") for p in result.excluded],
            "junk": [named(relative(p, result.needles_root), "path") for p in result.junk],
        },
        "folders": [
            {
                **named(folder.name, "folder"),
                "to_import": folder.to_import,
                "reason": folder.reason,
                "states": {state: folder.count(state) for state in STATUSES},
                "files": [_with_copy(_image(v, result), moves.get(v.path)) for v in folder.images],
            }
            for folder in result.folders
        ],
        "skipped": [_problem(p, "") for p in result.skipped],
        "summary": {
            "haystack_images": result.haystack_images,
            "haystack_videos": result.haystack_videos,
            "needle_files": len(needles),
            **{state: sum(1 for v in needles if v.status == state) for state in STATUSES},
            "folders_to_import": len(result.to_import),
        },
    }
    if copied is not None:
        document["copy"] = copy_document(copied)
    return document


def _with_copy(entry: dict[str, Any], copy: dict[str, Any] | None) -> dict[str, Any]:
    return entry if copy is None else {**entry, "copy": copy}


def query_document(results: list[QueryResult], haystack: HaystackSummary) -> dict[str, Any]:
    """The ``--query --json`` document."""
    return {
        "schema": JSON_SCHEMA,
        "haystack": named(haystack.root, "root"),
        "queries": [
            {
                **named(item.path, "path"),
                "reason": item.reason,
                "matches": [_match(m, haystack.root) for m in item.matches],
            }
            for item in results
        ],
    }


def dupes_document(result: DupesResult) -> dict[str, Any]:
    """The ``--dupes --json`` document."""
    return {
        "schema": JSON_SCHEMA,
        **named(result.root, "root"),
        "images": result.images,
        "videos": result.videos,
        "groups": [_group(group, result.root) for group in result.groups],
        "unreadable": [_problem(p, result.root) for p in result.problems],
    }


def _group(group: DupesGroup, root: str) -> list[dict[str, Any]]:
    """A group's images in byte order; each member's distance and similarity to the
    representative (the representative itself says so)."""
    members = {m.path: m for m in group.members}
    out = []
    for path in group:
        entry: dict[str, Any] = {**named(relative(path, root), "path")}
        if path == group.representative:
            entry["representative"] = True
        else:
            entry.update(_scores(members[path]))
        out.append(entry)
    return out


def _scores(match: Match) -> dict[str, Any]:
    return {
        "distance": match.distance,
        "similarity": round(match.similarity, 4),
        "detail": round(match.detail, 4),
    }


def _problem(problem: Problem, root: str) -> dict[str, str]:
    return {**named(relative(problem.path, root), "path"), "reason": problem.reason}


def _match(match: Match, haystack_root: str) -> dict[str, Any]:
    return {
        **named(relative(match.path, haystack_root), "path"),
        **_scores(match),
        "transform": match.transform,
        "cropped": round(match.cropped, 4),  # share of each side of the file it lacks
        "size": list(match.size) if any(match.size) else None,
        **_video_match(match),
        **({"moved": True} if match.moved else {}),  # a near miss: the scene a moment on
    }


def _video_match(match: Match) -> dict[str, Any]:
    """A library video's length, where the needle starts in it and the share of frames matched."""
    if match.duration is None:
        return {}
    return {
        "duration": round(match.duration, 3),
        "offset": match.offset,
        "covered": match.covered,
        "same_stream": match.same_stream,  # found by its packets, frames not compared
    }


def _image(verdict: ImageVerdict, result: SearchResult) -> dict[str, Any]:
    return {
        **named(relative(verdict.path, result.needles_root), "path"),
        "kind": verdict.kind,
        "state": verdict.status,
        "reason": verdict.reason,
        **({} if verdict.duration is None else {"duration": round(verdict.duration, 3)}),
        "size": list(verdict.size) if any(verdict.size) else None,
        "match": None if verdict.match is None else _match(verdict.match, result.haystack_root),
        "similar": [_match(m, result.haystack_root) for m in verdict.similar],
    }
