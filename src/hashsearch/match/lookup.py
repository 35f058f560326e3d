"""Which library videos a backup's videos could be copies of: the ones worth sampling whole.

A library video is judged against a backup's clip by its frames shown near each moment
of the clip (:mod:`hashsearch.match.video`), so the library's side must keep a frame
about every second, and for a phone clip that means decoding every keyframe: a minute of
1080p costs what 80 to 130 camera photos cost. Most library videos are never a copy of
anything in a given backup. So a search first samples every video as a backup's is
sampled (a keyframe every 5 s, :mod:`hashsearch.decode.keyframes`: 11 to 27 photos a
minute), and then samples whole, once (the cache keeps it), only the library videos this
module names. Verdicts are given only against library videos sampled whole
(:meth:`~hashsearch.match.video.VideoMatcher.add` indexes no frame of another).

A library video is named for a backup clip when at least :data:`AGREEING_FRAMES` of the
clip's frames each have a hash within :data:`LOOKUP_DISTANCE` bits of one of its sampled
frames, at about one time offset (within the larger of the two clips' steps). The two
are sampled at different moments, up to half a step apart, so the frames compared are
the same scene a moment apart, not the same picture: the distance is wider than the
matcher's own (8), and a missed name costs a copy (it stays "new", listed), never a
false "found". Measured with ``benchmarks/videos.py`` (pans over 86 real pictures, 6 to
14 s and, with ``--long``, 40 to 70 s), at 8 to 16 bits and 1 to 3 frames: every copy's
library clip was named at every setting; a backup of other scenes alone named 5 to 24 of
the 35 library clips sampled sparsely (of 18 with ``--long``: 3 to 15). 12 bits and 2
frames named 10 and 8: a margin for faster motion than those pans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..hash.clip import VideoSignature
from ..index import HashIndex

#: Bits two frames' hashes may differ by for their videos to be looked at more closely
#: (the matcher's own default is 8).
LOOKUP_DISTANCE = 12
#: Needle frames that must find such a frame, at about one time offset (within the
#: larger of the two clips' steps): one frame alone is often a coincidence (a dark or
#: a soft frame looks like many others).
AGREEING_FRAMES = 2


def videos_to_sample_whole(
    library: Mapping[str, VideoSignature],
    needles: Iterable[VideoSignature],
    bits: int,
    threshold: int,
) -> list[str]:
    """The library videos, sampled sparsely, that some needle video could be a copy of.

    ``threshold`` is the matcher's distance: the one used here is never smaller.
    """
    sparse = {path: video for path, video in library.items() if not video.complete}
    if not sparse:
        return []
    index = HashIndex(bits)
    frames: list[tuple[str, float]] = []  # index item -> (library video, its time)
    for path, video in sparse.items():
        for frame, seconds in zip(video.frames, video.times, strict=True):
            for item in dict.fromkeys(frame.hashes):
                index.add(item, path)
                frames.append((path, seconds))
    wanted: set[str] = set()
    for needle in needles:
        owners = [k for k, f in enumerate(needle.frames) for _ in f.hashes]
        values = [item.value for f in needle.frames for item in f.hashes]
        queries, items, _ = index.search(values, max(LOOKUP_DISTANCE, threshold))
        offsets: dict[str, set[tuple[float, int]]] = defaultdict(set)
        for query, item in zip(queries.tolist(), items.tolist(), strict=True):
            path, seconds = frames[item]
            offsets[path].add((seconds - needle.times[owners[query]], owners[query]))
        for path, pairs in offsets.items():
            window = max(needle.step, sparse[path].step)
            enough = min(AGREEING_FRAMES, len(needle.frames))
            if path not in wanted and _agree(sorted(pairs), window, enough):
                wanted.add(path)
    return sorted(wanted)


def _agree(pairs: list[tuple[float, int]], window: float, enough: int) -> bool:
    """True when ``enough`` needle frames have a pair whose offsets lie within ``window``."""
    low = 0
    for high in range(len(pairs)):
        while pairs[high][0] - pairs[low][0] > window:
            low += 1
        if len({frame for _, frame in pairs[low : high + 1]}) >= enough:
            return True
    return False
