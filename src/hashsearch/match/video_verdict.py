"""A needle video's verdict, and the library copy it names (from a coverage or a stream)."""

from __future__ import annotations

from ..hash.clip import VideoSignature
from ..hash.one import HashResult
from .coverage import Coverage
from .verdicts import ImageVerdict, Match, Status


def match_of(coverage: Coverage, videos: dict[str, VideoSignature]) -> Match:
    """The library copy ``coverage`` names, with how well it covers the needle."""
    library = videos[coverage.path]
    return Match(
        coverage.path,
        distance=coverage.distance,
        similarity=round(coverage.similarity, 4),
        size=library.size,
        offset=round(coverage.offset, 3),
        duration=library.duration,
        covered=round(coverage.covered, 4),
    )


def video_verdict(
    result: HashResult,
    status: Status,
    match: Match | None,
    reason: str | None,
    similar: tuple[Match, ...],
) -> ImageVerdict:
    """The verdict on the needle video of ``result`` (its signature, or its stand-in)."""
    video = result.kept_video
    assert video is not None
    return ImageVerdict(
        result.path,
        status,
        match,
        reason,
        similar,
        video.size,
        kind="video",
        duration=video.duration,
    )
