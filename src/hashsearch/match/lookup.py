"""Which library videos a backup's videos could be copies of: the ones worth sampling whole.

A library video is judged against a backup's clip by its frames shown near each moment
of the clip (:mod:`hashsearch.match.video`), so the library's side must keep a frame
about every second, and for a phone clip that means decoding every keyframe: a minute of
1080p costs what 80 to 130 camera photos cost. Most library videos are never a copy of
anything in a given backup. So a search first samples every video as a backup's is
sampled (a keyframe every 5 s, :mod:`hashsearch.decode.keyframes`), and then samples
whole, once (the cache keeps it), only the library videos this module names. Verdicts
are given only against library videos sampled whole, but for one case
(:func:`judged_as_sampled`): a backup clip that was itself sampled densely (a re-encode
with a keyframe every few seconds is decoded frame by frame) has a frame near every
moment of the library video, so the library video's sparse frames are judged against it
as they are, and it is not sampled whole for that clip. A backup clip with at most half
the library video's pixels a frame is made such a clip: it is sampled whole instead of
the library video, at a fraction of the cost (:func:`needle_instead`).

A library video is named for a backup clip when at least :data:`AGREEING_FRAMES` of the
clip's frames each have a hash within :data:`LOOKUP_DISTANCE` bits of one of its sampled
frames and a layout as alike as the matcher asks of a copy (``--min-similarity``), at
about one time offset (within the larger of the two clips' steps). The two clips are
sampled at different moments, up to half a step apart, so the hashes may differ more
than the matcher's 8 bits allow. A library video not named costs its copy (it stays
"new", listed), never a false "found".

Measured with ``benchmarks/videos.py``: pans over 86 real pictures, 6 to 14 s at 30 and
at 100 px/s, and 40 to 70 s with ``--long``. Every copy's library video was named at 12
to 20 bits with 2 frames (by the hashes alone, at 8 to 16 bits with 1 to 3 frames; 3
frames at 8 bits missed one). By the hashes alone, a backup of the other scenes named 5
to 24 of the 35 library videos sampled at keyframes (the pans are over textures, star
fields and soft wallpapers, whose frames hash alike); with the layout check, 2 (none in
the 100 px/s and long sets).
"""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from collections.abc import Mapping

from ..decode.video import DEFAULT_MAX_FRAMES, DEFAULT_STEP
from ..hash.clip import VideoSignature
from ..index import HashIndex
from .matcher import MatchRules
from .verify import layout_similarity, prepare

#: Bits two frames' hashes may differ by for their videos to be looked at more closely
#: (the matcher's own default is 8).
LOOKUP_DISTANCE = 16
#: Needle frames that must find such a frame, as alike in layout as the matcher asks
#: (--min-similarity), at about one time offset (within the larger of the two clips'
#: steps): one frame alone is often a coincidence.
AGREEING_FRAMES = 2
#: Library frames compared with each needle frame at most, those with the nearest hashes
#: first (a pan's neighbouring frames all hash alike).
PAIRS_PER_FRAME = 3
#: Prepared frames kept between comparisons (about 250 KB each).
PREPARED_CACHE = 256
#: A clip sampled this many times more sparsely than the other is the one judged frame
#: by frame (each of its frames has a frame of the other close in time).
SPARSER = 1.5
#: A backup clip sampled at least this densely (seconds between frames: every keyframe
#: about once a second, or a frame every 0.25 s) can judge a library video's sparse frames.
DENSE_STEP = 1.05 * DEFAULT_STEP
#: A backup clip with at most this share of a library video's pixels a frame, that could
#: be its copy, is sampled whole itself instead of the library video, which is then judged
#: as first sampled: a messenger's 480p copy of a phone's 1080p original costs a fifth.
SMALLER = 0.5


def judged_as_sampled(library: VideoSignature, needle: VideoSignature) -> bool:
    """True when ``library`` can be judged against ``needle`` as it was sampled: it was
    sampled whole, or ``needle`` was sampled densely and far more densely than it (each
    of its frames, judged one by one, has a frame of the needle within half a second)."""
    if library.complete:
        return True
    dense = needle.complete and needle.step <= DENSE_STEP
    return dense and library.step > SPARSER * needle.step


def needle_instead(library: VideoSignature, needle: VideoSignature) -> bool:
    """True when ``needle``, a smaller clip, is better sampled whole than ``library``: it
    costs less, and ``library`` can then be judged as first sampled (:func:`judged_as_sampled`:
    its frames lie more than SPARSER of the needle's keyframes a second apart)."""
    pixels = needle.size[0] * needle.size[1]
    smaller = 0 < pixels <= SMALLER * library.size[0] * library.size[1]
    short = needle.duration <= DEFAULT_MAX_FRAMES * DEFAULT_STEP  # a frame a second at most
    return smaller and short and library.step > SPARSER * DENSE_STEP


def videos_to_sample_whole(
    library: Mapping[str, VideoSignature],
    needles: Mapping[str, VideoSignature],
    bits: int,
    rules: MatchRules,
) -> tuple[list[str], list[str]]:
    """The library videos, sampled sparsely, that some needle video could be a copy of,
    and the needle videos to sample whole instead of them (:func:`needle_instead`)."""
    sparse = {path: video for path, video in library.items() if not video.complete}
    if not sparse:
        return [], []
    index = HashIndex(bits)
    frames: list[tuple[str, int]] = []  # index item -> (library video, frame number)
    for path, video in sparse.items():
        for number, frame in enumerate(video.frames):
            for item in dict.fromkeys(frame.hashes):
                index.add(item, path)
                frames.append((path, number))
    prepared = functools.lru_cache(maxsize=PREPARED_CACHE)(
        lambda path, number: prepare(sparse[path].frames[number].thumb, reused=True)
    )
    wanted: set[str] = set()
    denser: set[str] = set()
    for name, needle in needles.items():
        owners = [k for k, f in enumerate(needle.frames) for _ in f.hashes]
        values = [item.value for f in needle.frames for item in f.hashes]
        found = index.search(values, max(LOOKUP_DISTANCE, rules.threshold))
        hits: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
        for query, item, bits_apart in zip(*(a.tolist() for a in found), strict=True):
            path, number = frames[item]
            pair = (owners[query], number)
            if path not in wanted:
                hits[path][pair] = min(bits_apart, hits[path].get(pair, bits_apart))
        ready = functools.lru_cache(maxsize=PREPARED_CACHE)(
            lambda k, needle=needle: prepare(needle.frames[k].thumb, reused=True)
        )
        enough = min(AGREEING_FRAMES, len(needle.frames))
        for path, pairs in hits.items():
            video = sparse[path]
            if judged_as_sampled(video, needle):
                continue  # judged as it is (a needle sampled densely)
            tried: dict[int, int] = defaultdict(int)  # needle frame -> its pairs compared
            alike: list[tuple[float, int]] = []  # (offset, needle frame) of alike pairs
            for (k, number), _ in sorted(pairs.items(), key=lambda kv: kv[1]):
                if tried[k] == PAIRS_PER_FRAME:
                    continue  # its nearest hashes were tried
                tried[k] += 1
                if layout_similarity(ready(k), prepared(path, number)) >= rules.min_similarity:
                    bisect.insort(alike, (video.times[number] - needle.times[k], k))
                    if _agree(alike, max(needle.step, video.step), enough):
                        if needle_instead(video, needle):
                            denser.add(name)  # the smaller clip sampled whole instead
                        else:
                            wanted.add(path)
                        break
    return sorted(wanted), sorted(denser)


def _agree(pairs: list[tuple[float, int]], window: float, enough: int) -> bool:
    """True when ``enough`` needle frames have a pair whose offsets lie within ``window``."""
    low = 0
    for high in range(len(pairs)):
        while pairs[high][0] - pairs[low][0] > window:
            low += 1
        if len({frame for _, frame in pairs[low : high + 1]}) >= enough:
            return True
    return False
