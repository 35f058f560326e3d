"""Decide, for each needle video, whether one library video covers it.

A video is compared by its sampled frames (its keyframes about once a second, or a frame
each 0.25 s when every frame was decoded; :mod:`hashsearch.decode.video`). A library
video covers a needle video when, at one fixed time offset between them, nearly every
frame of the more sparsely sampled clip inside the overlap passes the same two checks as
a photo (:mod:`hashsearch.match.verify`) against a frame of the other shown within 0.6 s
of its time (0.6 of the other clip's step where that is longer), and at most a few
seconds of the needle lie outside the library copy.
One offset for all frames means the frames match in the same order; a re-encoded,
re-muxed, resized, turned or trimmed copy keeps its frames and their times. The frames
must also match at their own moment, better than at moments a second or two away
(:mod:`hashsearch.match.timing`): that is what tells a copy from another recording of
a scene filmed from a tripod. What counts as found: :mod:`hashsearch.match.coverage`. A
library video holding the needle's very stream covers it whatever its frames show
(:mod:`hashsearch.match.streams`).
"""

from __future__ import annotations

import functools
from collections import defaultdict

import numpy as np

from ..decode.video import DEFAULT_STEP
from ..hash.clip import VideoSignature
from ..hash.one import HashResult
from ..index import HashIndex
from .coverage import MIN_CONFIRMED, MIN_COVERED, MIN_MATCHED_FRAMES, Coverage, forgiven
from .drift import in_place
from .lesser import MIN_COPY_SIDE
from .lookup import SPARSER, judged_as_sampled
from .matcher import MatchRules
from .streams import SameStreams
from .timing import Frames, Needle, Timing, timing
from .verdicts import ImageVerdict, Match
from .verify import Prepared, compare, prepare
from .video_verdict import match_of, video_verdict

#: Offsets tried per library video: the ones most frame pairs vote for.
OFFSETS_TRIED = 6
#: Prepared frames kept between comparisons (about 250 KB each).
PREPARED_CACHE = 256


class VideoMatcher:
    """The library's videos, their frames indexed for candidates and kept for verification."""

    def __init__(self, bits: int, rules: MatchRules) -> None:
        self.rules = rules
        self.index = HashIndex(bits)
        self.videos: dict[str, VideoSignature] = {}
        self._frames: list[tuple[str, int]] = []  # index label -> (video, frame number)
        self._prepared = functools.lru_cache(maxsize=PREPARED_CACHE)(self._prepare_frame)
        self.streams = SameStreams()  # every library video by its stream's digest

    def add(self, path: str, video: VideoSignature) -> None:
        """Index the sampled frames of one library video (a sparse one's are judged only
        against a needle sampled densely: :func:`.lookup.judged_as_sampled`)."""
        self.videos[path] = video
        self.streams.add(path, video)
        for number, frame in enumerate(video.frames):
            label = str(len(self._frames))
            self._frames.append((path, number))
            for item in dict.fromkeys(frame.hashes):
                self.index.add(item, label)

    def __len__(self) -> int:
        return len(self.videos)

    def judge(self, result: HashResult) -> ImageVerdict:
        """The verdict on one needle video (its result must carry ``video``): found at once
        where a library video holds its very stream and its sound (:mod:`.streams`)."""
        video = result.video
        assert video is not None
        held = self.streams.holds(video)
        if held is not None:
            return video_verdict(result, "found", held, None, ())
        verdict = self._judge_by_frames(result, video)
        same = self.streams.matches(video)  # each without the needle's sound
        if same and verdict.status == "new":
            why = "only a copy without its sound in the library"
            return video_verdict(result, "smaller", same[0], why, verdict.similar)
        return verdict

    def judge_stand_in(self, result: HashResult) -> ImageVerdict | None:
        """Found where a library video holds the very stream of an interlaced needle (its
        frames cannot be had: ``result.stand_in``); None: it stays unreadable."""
        held = None if result.stand_in is None else self.streams.holds(result.stand_in)
        return None if held is None else video_verdict(result, "found", held, None, ())

    def _judge_by_frames(self, result: HashResult, video: VideoSignature) -> ImageVerdict:
        """The verdict its frames give (:mod:`.coverage` says what counts as found)."""
        coverages = sorted(self.coverages(video), key=lambda c: c.goodness, reverse=True)
        agreeing = [c for c in coverages if c.frames_agree()]
        whole = [c for c in agreeing if c.trimmed_only]
        kept = [c for c in whole if self._covers(c, video)]
        near = tuple(match_of(c, self.videos) for c in coverages if c not in agreeing)[:3]
        if kept:
            return video_verdict(result, "found", match_of(kept[0], self.videos), None, near)
        if whole:
            best = match_of(whole[0], self.videos)
            width, height = best.size
            why = f"only a smaller copy in the library ({width}x{height})"
            if not self._keeps_sound(whole[0], video):
                why = "only a copy without its sound in the library"
            return video_verdict(result, "smaller", best, why, near)
        if coverages and coverages[0].blank and coverages[0].layout_agrees:
            why = "too little detail to tell this clip from another (a wall, a sky, darkness)"
            return video_verdict(result, "new", None, why, near)
        if not agreeing and coverages and coverages[0].unmoving:
            why = "nothing in it moves enough to tell it from another recording of the scene"
            if not coverages[0].timed:  # no two frames FAR_SECONDS apart with detail
                why = "too short to tell it from another recording of the scene"
            return video_verdict(result, "new", None, why, near)
        if not agreeing and coverages and coverages[0].moments_agree():  # not in place
            why = "its frames lie off the library clip's: another recording along its path"
            return video_verdict(result, "new", None, why, near)
        if agreeing:
            part = agreeing[0]
            best = match_of(part, self.videos)
            shown = video.duration - part.missing_start - part.missing_end
            why = f"only a shorter cut in the library ({shown:.0f} s of {video.duration:.0f} s)"
            return video_verdict(result, "smaller", best, why, near)
        return video_verdict(result, "new", None, None, near)

    def matches(self, video: VideoSignature) -> list[Match]:
        """Every library video that covers ``video`` (as "found" would), best first."""
        same = [m for m in self.streams.matches(video) if self.streams.keeps_sound(m.path, video)]
        held = {m.path for m in same}  # each holding the very stream: first
        if not video.frames:  # an interlaced video's stand-in: nothing else to compare
            return same
        return same + [
            match_of(c, self.videos)
            for c in sorted(self.coverages(video), key=lambda c: c.goodness, reverse=True)
            if self._covers(c, video) and c.path not in held
        ]

    def _covers(self, coverage: Coverage, needle: VideoSignature) -> bool:
        """True when ``coverage`` makes the needle found: its frames agree, the library
        copy lacks at most a trim, its frames are not much smaller, and it keeps the sound."""
        return (
            coverage.frames_agree()
            and coverage.trimmed_only
            and self._keeps_size(coverage, needle)
            and self._keeps_sound(coverage, needle)
        )

    def coverages(self, needle: VideoSignature) -> list[Coverage]:
        """Each library video with candidate frames, at the offset that covers most."""
        owners: list[int] = []
        values: list[int] = []
        for number, frame in enumerate(needle.frames):
            for item in dict.fromkeys(frame.hashes):
                owners.append(number)
                values.append(item.value)
        queries, items, distances = self.index.search(values, self.rules.threshold)
        pairs: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
        judged: dict[str, bool] = {}  # lookup.judged_as_sampled, by library video
        found = zip(queries.tolist(), items.tolist(), distances.tolist(), strict=True)
        for query, item, distance in found:
            path, library_frame = self._frames[int(self.index.path(item))]
            if path not in judged:
                judged[path] = judged_as_sampled(self.videos[path], needle)
            if not judged[path]:
                continue  # to be sampled whole first (lookup.py)
            key = (owners[query], library_frame)
            known = pairs[path].get(key)
            pairs[path][key] = distance if known is None else min(known, distance)
        if not pairs:
            return []
        # the needle's frames prepared as they are needed, the latest few kept (a long
        # clip's frames, prepared all at once, would take 250 KB each)
        ready = functools.lru_cache(maxsize=PREPARED_CACHE)(
            lambda number: prepare(needle.frames[number].thumb, reused=True)
        )
        count = len(needle.frames)
        detailed = sum(1 for k in range(count) if not (ready(k).flat or ready(k).smooth))
        clip = Needle(needle, ready, blank=detailed < min(MIN_MATCHED_FRAMES, count))
        return [self._best_offset(clip, path, candidates) for path, candidates in pairs.items()]

    def _best_offset(
        self, clip: Needle, path: str, candidates: dict[tuple[int, int], int]
    ) -> Coverage:
        """Try the offsets most candidate pairs agree on; keep the one that covers most.

        Both clips are sampled on their own grid, so a copy trimmed at any frame pairs
        each of its frames with library frames a fraction of a step earlier and later:
        both offsets are tried, and the one whose frames line up wins.
        """
        library, needle = self.videos[path], clip.video
        # each frame pair votes for its offset, the closer its hashes the more (frames
        # shown at the same moment of the same shot have the nearest hashes)
        votes: dict[float, float] = defaultdict(float)
        for (i, j), bits in candidates.items():
            votes[round(library.times[j] - needle.times[i], 1)] += 1 / (1 + bits)
        tried = sorted(votes, key=lambda d: (-votes[d], abs(d)))[:OFFSETS_TRIED]
        best: Coverage | None = None
        for offset in tried:
            coverage = self._coverage(clip, path, min(candidates.values()), offset)
            if best is None or coverage.goodness > best.goodness:
                best = coverage
            if coverage.moments_agree() and coverage.matched == coverage.inside:
                break  # every frame lines up at the offset most pairs voted for
        assert best is not None
        return best

    def _coverage(self, clip: Needle, path: str, distance: int, offset: float) -> Coverage:
        """How well ``path`` covers the needle at ``offset`` (needle time + offset =
        library time), judged on the frames of the more sparsely sampled of the two."""
        library, needle = self.videos[path], clip.video
        library_frames = Frames(library.times, lambda j: self._prepared(path, j), -offset)
        needle_side = Frames(needle.times, clip.frame, offset)
        if library.step > SPARSER * needle.step:  # a phone original beside a dense copy
            judged, other, other_step = library_frames, needle_side, needle.step
        else:
            judged, other, other_step = needle_side, library_frames, library.step
        # each judged frame is compared with the other clip's frames shown within about
        # half that clip's step of its moment, and never less than 0.6 s (frames of a
        # copy sampled on two grids; the offset voted may be a fraction of a step off)
        tolerance = 0.6 * max(other_step, DEFAULT_STEP)
        first, last = other.times[0] - tolerance, other.times[-1] + tolerance
        inside = [k for k, t in enumerate(judged.times) if first <= t + judged.shift <= last]
        # frames without detail (a wall, the sky, darkness) are judged on their layout
        # alone: they must match, but only frames with detail count as evidence
        detailed: set[int] = set()
        # misses an offset may still afford (the detail budget counted on every frame
        # inside, which is never less: a hopeless offset is left early, never a good one)
        spare = [forgiven(len(inside), MIN_COVERED), forgiven(len(inside), MIN_CONFIRMED)]
        matched: dict[int, float] = {}  # layout similarity of each judged frame that matched
        confirmed: dict[int, int] = {}  # ... whose detail agrees too: the frame it agrees with
        # the hashes found the video and the offset; now every judged frame is verified
        # against the other clip's frames shown at its time, whatever their hashes say
        # (the dHash of a flat or soft frame flips bits under re-encoding; the check does not)
        for k in inside:
            if not (judged.frame(k).flat or judged.frame(k).smooth):
                detailed.add(k)
            for m in other.near(judged.times[k] + judged.shift, tolerance):
                # frames up to half a second apart: told apart by their timing, not strictly
                same = compare(
                    judged.frame(k), other.frame(m), self.rules.min_similarity, strict=False
                )
                if same.similarity >= self.rules.min_similarity:
                    matched[k] = max(matched.get(k, 0.0), same.similarity)
                if same.same:
                    confirmed[k] = m
                    break
            spare[0] -= k not in matched
            spare[1] -= k in detailed and k not in confirmed
            if min(spare) < 0:
                timings, placed = [], True
                break  # this offset can no longer cover the needle: the next one
        else:  # the frames that matched: at their own moment, or at any? and in place?
            evidence = [(k, m) for k, m in confirmed.items() if k in detailed]
            timings = [
                timing(
                    judged.frame(k),
                    other.frame(m),
                    [other.frame(j) for j in other.far(judged.times[k] + judged.shift)],
                )
                for k, m in evidence
            ]
            placed = in_place(judged, other, evidence)
        return Coverage(
            path,
            offset,
            len(matched),
            len(inside),
            detailed_matched=len(detailed & confirmed.keys()),
            detailed_inside=len(detailed),
            missing_start=max(0.0, -offset),
            missing_end=max(0.0, needle.duration + offset - library.duration),
            similarity=float(np.mean(list(matched.values()))) if matched else 0.0,
            distance=distance,
            blank=clip.blank,
            timed=len(timings) - timings.count(Timing.UNTIMED),
            on_time=timings.count(Timing.ON_TIME),
            off_time=timings.count(Timing.OFF_TIME),
            length=needle.duration,
            in_place=placed,
        )

    def _keeps_size(self, coverage: Coverage, needle: VideoSignature) -> bool:
        if self.rules.accept_smaller or not needle.long_side:
            return True
        return self.videos[coverage.path].long_side >= MIN_COPY_SIDE * needle.long_side

    def _keeps_sound(self, coverage: Coverage, needle: VideoSignature) -> bool:
        """False when the needle has sound and the library copy has none (unknown: kept)."""
        return not (needle.sound is True and self.videos[coverage.path].sound is False)

    def _prepare_frame(self, path: str, number: int) -> Prepared:
        return prepare(self.videos[path].frames[number].thumb, reused=True)
