"""Library videos with the needle's very video stream: found without comparing frames.

A backup's video whose stream digest (:mod:`hashsearch.decode.stream`: every packet of
its video stream, undecoded) equals a library video's holds nothing of the video that
the library file does not: the same file, or the same stream in another container. Its
frames need not be compared, and the library video need not be sampled whole (the
costly part of a library video, :mod:`.lookup`): it is found from the
keyframes every video is first sampled at. Frames could never find it where the clip
holds no evidence of its moment (nothing moves, or too short to time): the same stream
is found all the same. A copy without the sound the needle has is still only "smaller".
"""

from __future__ import annotations

from collections import defaultdict

from ..hash.clip import VideoSignature
from .verdicts import Match


class SameStreams:
    """The library's videos by the digest of their video stream."""

    def __init__(self) -> None:
        self._paths: dict[bytes, list[str]] = defaultdict(list)
        self._videos: dict[str, VideoSignature] = {}

    def add(self, path: str, video: VideoSignature) -> None:
        """Remember a library video (one without a digest is never the same stream)."""
        if video.stream is not None:
            self._paths[video.stream].append(path)
            self._videos[path] = video

    def matches(self, needle: VideoSignature) -> list[Match]:
        """The library videos holding ``needle``'s stream, the ones that keep its sound first."""
        if needle.stream is None or needle.stream not in self._paths:
            return []
        paths = sorted(self._paths[needle.stream], key=lambda p: not self.keeps_sound(p, needle))
        return [self._match(path) for path in paths]

    def holds(self, needle: VideoSignature) -> Match | None:
        """The library video holding ``needle``'s stream and its sound, if there is one."""
        same = self.matches(needle)
        return same[0] if same and self.keeps_sound(same[0].path, needle) else None

    def keeps_sound(self, path: str, needle: VideoSignature) -> bool:
        """False when the needle has sound and the library video has none."""
        return not (needle.sound is True and self._videos[path].sound is False)

    def _match(self, path: str) -> Match:
        video = self._videos[path]
        return Match(
            path,
            distance=0,
            similarity=1.0,
            size=video.size,
            offset=0.0,
            duration=video.duration,
            covered=1.0,
            same_stream=True,
        )
