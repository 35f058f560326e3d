"""The visual report: one self-contained HTML file to check before trusting "imported"."""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import os
import tempfile
from collections.abc import Sequence

from ..decode.preview import Preview, preview_file
from ..hash.workers import DEFAULT_TIME_LIMIT, run_in_workers
from ..match.group import FolderVerdict
from ..match.verdicts import ImageVerdict, Match
from ..run import SearchResult
from .text import display_path, state_counts, summary_line

#: Marks a file as a hashsearch report, in its first bytes: only such a file is overwritten.
GENERATOR = '<meta name="generator" content="hashsearch">'
_GENERATOR_WITHIN = 512
PREVIEW_SIDE = 160  # pixels on the longest side: a pair of previews stays under ~30 KB
PREVIEW_QUALITY = 70
#: Said of a near miss that failed only because something moved (match.detail).
_MOVED = "; the same scene, something moved: a moment apart?"

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } .summary { color: #555; }
details { border: 1px solid #ccc; border-radius: 6px; margin: .6em 0; padding: .3em .8em; }
summary { cursor: pointer; font-weight: 600; }
.verdict { display: inline-block; min-width: 6.5em; padding: 0 .5em; border-radius: 4px;
  color: #fff; text-align: center; margin-right: .6em; }
.verdict.import { background: #c0392b; } .verdict.done { background: #27ae60; }
table { border-collapse: collapse; margin: .5em 0; }
td { border-top: 1px solid #eee; padding: .4em .6em; vertical-align: middle; }
td.img { width: 170px; text-align: center; } img { max-width: 160px; max-height: 160px; }
.status { font-weight: 600; } .status.new, .status.unreadable { color: #c0392b; }
.status.found { color: #27ae60; } .path { font-family: monospace; font-size: 12px; color: #555; }
.none { color: #999; font-style: italic; } .similar { color: #b9770e; }
"""


def write_report(
    result: SearchResult, path: str, jobs: int = 2, time_limit: float = DEFAULT_TIME_LIMIT
) -> None:
    """Write the report of ``result`` to ``path`` (the only file it writes).

    The pictures are decoded again for their previews, in worker processes as for
    hashing, so a file that crashes or hangs a decoder costs its preview only.
    """
    previews = _previews(_pictures(result), jobs, time_limit)
    folders = sorted(result.folders, key=lambda f: (not f.to_import, os.fsencode(f.name)))
    parts = [
        "<!doctype html>",
        f'<html lang="en"><head><meta charset="utf-8">{GENERATOR}',
        "<title>hashsearch report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>hashsearch report</h1>",
        f'<p class="summary">{_text(summary_line(result))}</p>',
        f'<p class="summary">library: <span class="path">{_text(result.haystack_root)}</span>'
        f' &middot; backup: <span class="path">{_text(result.needles_root)}</span></p>',
    ]
    parts += [_folder(folder, result, previews) for folder in folders]
    parts.append("</body></html>")
    _write_atomically(path, "\n".join(parts))


def is_report(path: str) -> bool:
    """True when ``path`` holds a report hashsearch wrote (it may overwrite only those)."""
    try:
        with open(path, "rb") as handle:
            return GENERATOR.encode() in handle.read(_GENERATOR_WITHIN)
    except OSError:
        return False


def _write_atomically(path: str, text: str) -> None:
    """Write a temporary file beside ``path``, then rename it over: never a half report."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".hashsearch-report-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _pictures(result: SearchResult) -> list[str]:
    paths = []
    for image in result.needle_images:
        if image.status not in ("unreadable", "not compared"):
            paths.append(image.path)
        if image.match is not None:
            paths.append(image.match.path)
        elif image.similar:
            paths.append(image.similar[0].path)
    return list(dict.fromkeys(paths))


def _previews(paths: Sequence[str], jobs: int, time_limit: float) -> dict[str, str]:
    """A JPEG data URI per path ("" where the picture cannot be shown)."""
    shown: dict[str, str] = {}

    def collect(preview: Preview) -> None:
        encoded = base64.b64encode(preview.jpeg).decode("ascii")
        shown[preview.path] = f"data:image/jpeg;base64,{encoded}" if preview.jpeg else ""

    run_in_workers(
        paths,
        functools.partial(preview_file, longest=PREVIEW_SIDE, quality=PREVIEW_QUALITY),
        lambda path, reason: Preview(path),
        jobs=jobs,
        on_result=collect,
        time_limit=time_limit,
    )
    return shown


def _folder(folder: FolderVerdict, result: SearchResult, previews: dict[str, str]) -> str:
    verdict = "import" if folder.to_import else "done"
    label = "to import" if folder.to_import else "all imported"
    counts = state_counts(folder.images)
    if folder.reason is not None:
        counts = f"the folder could not be read: {folder.reason}"
    head = (
        f'<details class="folder" data-folder="{_attr(folder.name)}" data-verdict="{verdict}"'
        f"{' open' if folder.to_import else ''}>"
        f'<summary><span class="verdict {verdict}">{label}</span>{_text(folder.name)}'
        f' <span class="summary">({counts})</span></summary>'
    )
    order = {"new": 0, "smaller": 1, "unreadable": 2, "not compared": 3, "found": 4}
    rows = [
        _row(image, result, previews)
        for image in sorted(folder.images, key=lambda v: (order[v.status], v.path))
    ]
    return head + "<table>" + "".join(rows) + "</table></details>"


def _row(image: ImageVerdict, result: SearchResult, previews: dict[str, str]) -> str:
    needle = os.path.relpath(image.path, result.needles_root)
    if image.status in ("found", "smaller") and image.match is not None:
        match = image.match
        turned = f", turned: {match.transform}" if match.transform else ""
        said = (
            '<span class="status found">already in the library</span>'
            if image.status == "found"
            else f'<span class="status new">NOT FOUND: {_text(image.reason or "")}</span>'
        )
        detail = (
            f"{said}<br>distance {match.distance} bits, similarity {match.similarity:.3f}"
            f"{turned}{_video_scores(image, match)}<br>{_sizes(image.size, match.size)}<br>"
            f'<span class="path">{_text(os.path.relpath(match.path, result.haystack_root))}</span>'
        )
        other = _img(previews.get(match.path, ""), "library copy")
    elif image.status == "new" and image.similar:
        near = image.similar[0]
        detail = (
            '<span class="status new">NEW: not in the library</span><br>'
            f'<span class="similar">similar, not the same: layout {near.similarity:.3f}, '
            f"detail {near.detail:.3f}{_MOVED if near.moved else ''}</span><br>"
            f'<span class="path">{_text(os.path.relpath(near.path, result.haystack_root))}</span>'
        )
        other = _img(previews.get(near.path, ""), "similar library picture, not the same")
    elif image.status == "new":
        detail = '<span class="status new">NEW: not in the library</span>'
        other = '<span class="none">no copy in the library</span>'
    elif image.status == "not compared":
        detail = f'<span class="status new">NOT COMPARED: {_text(image.reason or "")}</span>'
        other = '<span class="none">not compared</span>'
    else:
        detail = f'<span class="status unreadable">UNREADABLE: {_text(image.reason or "")}</span>'
        other = '<span class="none">not compared</span>'
    return (
        f'<tr data-status="{image.status}"><td class="img">'
        f"{_img(previews.get(image.path, ''), 'backup photo')}</td>"
        f'<td><span class="path">{_text(needle)}</span><br>{detail}</td>'
        f'<td class="img">{other}</td></tr>'
    )


def _video_scores(image: ImageVerdict, match: Match) -> str:
    """For a video: its length, the frames matched and where it starts in the library copy."""
    if match.covered is None or image.duration is None:
        return ""
    return (
        f"<br>video of {image.duration:.1f} s, from {match.offset or 0.0:.1f} s of the "
        f"library copy ({match.duration or 0.0:.1f} s): {match.covered:.0%} of the frames "
        "they share matched"
    )


def _sizes(needle: tuple[int, int], copy: tuple[int, int]) -> str:
    def text(size: tuple[int, int]) -> str:
        return f"{size[0]}x{size[1]}" if any(size) else "?"

    return f"backup {text(needle)}, library {text(copy)}"


def _img(uri: str, alt: str) -> str:
    if not uri:
        return '<span class="none">cannot be shown</span>'
    return f'<img src="{uri}" alt="{alt}" loading="lazy">'


def _text(value: str) -> str:
    return html.escape(display_path(value))


def _attr(value: str) -> str:
    return html.escape(display_path(value), quote=True)
