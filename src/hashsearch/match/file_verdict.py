"""A readable file's verdict from the candidates of its pages (one, or a TIFF's many)."""

from __future__ import annotations

from collections.abc import Callable

from ..hash.one import HashResult
from ..hash.signature import Signature
from .consistency import reason as ambiguity_reason
from .moment import reason as moment_reason
from .verdicts import Candidates, ImageVerdict, Match

#: Near misses kept per needle for people to look at.
MAX_NEAR_MISSES = 3


def file_verdict(
    result: HashResult,
    pages: list[tuple[Signature, Candidates]],
    lesser: Callable[[Match, Signature], str | None],
) -> ImageVerdict:
    """The verdict on a readable file from its pages' candidates: found when every page
    has a copy that holds all of it (``lesser`` says why one does not), "smaller" when
    every page is there but somewhere only as a lesser copy, "new" otherwise."""
    first = pages[0][1]
    similar = tuple(first.rejected[:MAX_NEAR_MISSES])
    size = pages[0][0].size
    copies = [[m for m in c.accepted if lesser(m, page) is None] for page, c in pages]
    if all(copies):
        return ImageVerdict(result.path, "found", copies[0][0], similar=similar, size=size)
    missing = [n for n, (_, c) in enumerate(pages, 1) if not c.accepted]
    if not missing:  # every page is there, but somewhere only much smaller
        number = next(n for n, kept in enumerate(copies) if not kept)
        page, candidates = pages[number]
        smaller = candidates.accepted[0]
        why = lesser(smaller, page)
        return ImageVerdict(result.path, "smaller", smaller, why, similar, size)
    reason: str | None = None
    if len(pages) > 1:
        reason = f"{_pages(missing)} of {len(pages)} not in the library"
        only_smaller = [n for n, kept in enumerate(copies, 1) if not kept and n not in missing]
        if only_smaller:
            reason += f"; {_pages(only_smaller)} only as a smaller or partial copy"
    elif first.ambiguous:  # say why copies that passed were not taken
        reason = ambiguity_reason(len(first.ambiguous))
    elif first.apart:  # a burst shot: say so, or its near miss would puzzle
        reason = moment_reason(min(first.apart.values()))
    match = first.accepted[0] if first.accepted else None
    return ImageVerdict(result.path, "new", match, reason, similar, size)


def _pages(numbers: list[int]) -> str:
    return f"page{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
