"""The library as matching sees it: its photos and its videos, each against its own kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..callbacks import OnProgress
from ..hash.one import HashResult
from .matcher import Matcher
from .verdicts import ImageVerdict, Match
from .video import VideoMatcher


@dataclass(slots=True)
class Library:
    """The haystack's photos and videos, each indexed by its own matcher."""

    images: Matcher
    videos: VideoMatcher

    def judge(
        self, results: Sequence[HashResult], thorough: bool, on_done: OnProgress | None = None
    ) -> list[ImageVerdict]:
        """A verdict on each needle file, photos and videos each against their own kind
        (``on_done`` hears the photos verified: :meth:`.Matcher.candidates_many`)."""
        # a readable video against the library's videos; every other file (a photo, or
        # a file without a picture: unreadable, not compared) as the photo matcher says
        videos = [n for n, r in enumerate(results) if r.video is not None]
        others = [n for n, r in enumerate(results) if r.video is None]
        judged = self.images.judge_many([results[n] for n in others], thorough, on_done)
        verdicts = dict(zip(others, judged, strict=True))
        for n in others:  # an interlaced video is found only by its very stream
            verdicts[n] = self.videos.judge_stand_in(results[n]) or verdicts[n]
        verdicts.update((n, self.videos.judge(results[n])) for n in videos)
        return [verdicts[number] for number in range(len(results))]

    def matches_of(
        self, results: Sequence[HashResult], on_done: OnProgress | None = None, mutual: bool = False
    ) -> dict[str, list[Match]]:
        """The accepted matches of each readable file, photos and videos alike, by path
        (``mutual``: see :meth:`.Matcher.matches_of`)."""
        photos = [r for r in results if r.video is None]
        found = self.images.matches_of(photos, on_done, mutual)
        for result in results:
            video = result.kept_video
            if video is not None:
                found[result.path] = self.videos.matches(video)
        return found
