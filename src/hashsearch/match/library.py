"""The library as matching sees it: its photos and its videos, each against its own kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..hash.one import HashResult
from .matcher import ImageVerdict, Match, Matcher
from .video import VideoMatcher


@dataclass(slots=True)
class Library:
    """The haystack's photos and videos, each indexed by its own matcher."""

    images: Matcher
    videos: VideoMatcher

    def judge(self, results: Sequence[HashResult], thorough: bool) -> list[ImageVerdict]:
        """A verdict on each needle file, photos and videos each against their own kind."""
        pictures = [n for n, r in enumerate(results) if r.kind == "image"]
        judged = self.images.judge_many([results[n] for n in pictures], thorough)
        verdicts = dict(zip(pictures, judged, strict=True))
        for number, result in enumerate(results):
            if result.kind == "image":
                continue
            if result.video is not None:
                verdicts[number] = self.videos.judge(result)
            else:
                why = result.reason or "unreadable"
                verdicts[number] = ImageVerdict(result.path, "unreadable", reason=why, kind="video")
        return [verdicts[number] for number in range(len(results))]

    def matches_of(self, results: Sequence[HashResult]) -> dict[str, list[Match]]:
        """The accepted matches of each readable file, photos and videos alike, by path."""
        found = self.images.matches_of([r for r in results if r.kind == "image"])
        for result in results:
            if result.video is not None:
                found[result.path] = self.videos.matches(result.video)
        return found
