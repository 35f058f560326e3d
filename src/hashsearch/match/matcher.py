"""Decide, for each needle image, whether the haystack already has it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..callbacks import OnProgress
from ..hash.families import ALGORITHMS
from ..hash.movie import movie_parts
from ..hash.one import HashResult
from ..hash.signature import INSETS, Signature
from ..index import HashIndex
from . import prepared
from .consistency import drop_ambiguous
from .file_verdict import file_verdict
from .lesser import lesser
from .moment import seconds_apart
from .order import visit_order
from .prepared import PreparedLibrary
from .turns import turned_variants
from .verdicts import Candidates, ImageVerdict, Match
from .verify import DEFAULT_MIN_SIMILARITY, Prepared, Verdict

#: Candidate radius in bits, from benchmarks/accuracy.py (README, "Accuracy"): recall is
#: the same at 6, 8 and 10 bits; 8 keeps the candidate lists short at a million hashes.
DEFAULT_THRESHOLD = 8


@dataclass(frozen=True, slots=True)
class MatchRules:
    """How close counts as "the same photo"."""

    threshold: int = DEFAULT_THRESHOLD
    min_similarity: float = DEFAULT_MIN_SIMILARITY
    rotations: bool = False
    accept_smaller: bool = False  # count a much smaller library copy as found


#: Needles verified between two reports of progress (and chances to stop).
REPORT_EVERY = 64
#: Needles looked up together: their candidate pairs are held until they are verified,
#: hundreds a needle where a library holds many look-alikes (about 80 KB a needle for
#: 10,000 photos among 100,000 look-alikes in benchmarks/scale.py's libraries). Smaller
#: blocks hold less but keep fewer look-alikes together (.order): --dupes over 10,000
#: took 51 s in blocks of 4,096 against 39 s in one.
NEEDLE_BLOCK = 8192


class Matcher:
    """The haystack, indexed for candidates and kept for verification."""

    def __init__(
        self, bits: int, rules: MatchRules = MatchRules(), algorithm: str = "dhash"
    ) -> None:
        self.rules = rules
        self.hasher = ALGORITHMS[algorithm]  # for the turned variants of --rotations
        self.index = HashIndex(bits)
        self.signatures: dict[str, Signature] = {}
        # the movies the library keeps (hash.movie): its motion photos' and its videos'
        self.movies: dict[bytes, set[bool | None]] = {}
        self._paths: dict[int, str] = {}  # a library photo's path, by its signature's id
        self._library = PreparedLibrary(self.signatures, self._paths, rules.min_similarity)

    def add(self, path: str, value: Signature) -> None:
        """Index one haystack image under each of its hashes."""
        self.signatures[path] = value
        self._paths[id(value)] = path  # its id is its own while it is held here
        for item in dict.fromkeys(value.hashes):
            self.index.add(item, path)
        if value.movie:
            self.keep_movie(value.movie)

    def keep_movie(self, movie: bytes) -> None:
        """Remember a movie the library keeps (:func:`~hashsearch.hash.movie.kept_movie`):
        a motion photo's, or a library video's stream."""
        stream, sound = movie_parts(movie)
        self.movies.setdefault(stream, set()).add(sound)

    def __len__(self) -> int:
        return len(self.signatures)

    def matches(self, needle: Signature) -> list[Match]:
        """Every haystack image that passes both checks, most similar first."""
        return self.matches_many([needle])[0]

    def matches_many(self, needles: Sequence[Signature]) -> list[list[Match]]:
        """:meth:`matches` for many needles, with one batched index search."""
        return [found.accepted for found in self.candidates_many(needles)]

    def candidates_many(
        self,
        needles: Sequence[Signature],
        first_copy: bool = False,
        on_done: OnProgress | None = None,
    ) -> list[Candidates]:
        """Accepted matches and near misses of many needles, with batched index searches.

        ``first_copy``: verify each needle's candidates nearest first and stop at the first
        accepted copy that is not much smaller: enough for a verdict, and far cheaper where
        a library holds many look-alikes; the best match and the near misses are then only
        what was seen before it; for a needle without a camera moment, the rest of its
        candidates that carry one are still verified (:mod:`.consistency`). ``on_done(done,
        total)`` hears now and then how many needles are verified (it may raise
        :class:`~hashsearch.Cancelled` to stop). Needles go NEEDLE_BLOCK at a time.
        """
        found: list[Candidates] = []
        for start in range(0, len(needles), NEEDLE_BLOCK):

            def heard(done: int, _: int, start: int = start) -> None:
                if on_done is not None:
                    on_done(start + done, len(needles))

            block = needles[start : start + NEEDLE_BLOCK]
            found += self._candidates_block(block, first_copy, heard)
        return found

    def _candidates_block(
        self, needles: Sequence[Signature], first_copy: bool, on_done: OnProgress
    ) -> list[Candidates]:
        """:meth:`candidates_many` of one block of needles, with one batched index search."""
        variants = [
            (n, name, v) for n, needle in enumerate(needles) for name, v in self._variants(needle)
        ]
        owners: list[int] = []
        values: list[int] = []
        for number, (_, _, variant) in enumerate(variants):
            for item in dict.fromkeys(variant.hashes):
                owners.append(number)
                values.append(item.value)
        queries, items, distances = self.index.search(values, self.rules.threshold)
        nearest: dict[tuple[int, str], int] = {}
        triples = zip(queries.tolist(), items.tolist(), distances.tolist(), strict=True)
        for query, item, distance in triples:
            key = (owners[query], self.index.path(item))
            nearest[key] = min(distance, nearest.get(key, distance))
        # each needle in turn, candidates nearest first, its prepared variants let go
        # after it (--dupes must not hold every photo's); needles with the same
        # look-alikes follow one another (.order): their library copies stay prepared
        queue: dict[int, list[tuple[int, int, str]]] = {}
        signatures = [variant for _, _, variant in variants]
        for (number, path), distance in nearest.items():
            queue.setdefault(variants[number][0], []).append((distance, number, path))
        best: list[dict[str, tuple[bool, Match]]] = [{} for _ in needles]
        elsewhen: list[dict[str, float]] = [{} for _ in needles]
        ambiguous: list[tuple[str, ...]] = [() for _ in needles]
        moved: list[set[str]] = [set() for _ in needles]  # the same scene, a moment on
        shared = {needle: [path for _, _, path in queued] for needle, queued in queue.items()}
        done = len(needles) - len(queue)  # those without candidates need no verifying
        for needle in visit_order(shared):
            if done % REPORT_EVERY == 0:
                on_done(done, len(needles))
            done += 1
            ready: dict[int, Prepared] = {}  # the needle's variants prepared
            own = self._paths.get(id(needles[needle]))  # --dupes: a library photo itself
            settled = False  # a copy is found; only candidates with a moment still matter
            pending = sorted(queue[needle])
            ahead: dict[tuple[int, str], Verdict] = {}
            batch = 1 if first_copy else prepared.VERIFY_BATCH  # a first copy is mostly the nearest
            for position, (distance, number, path) in enumerate(pending):
                if settled and self._momentless(path, needles[needle]):
                    continue  # it can neither make it ambiguous nor settle it (.consistency)
                if (number, path) not in ahead:  # this and the next few, verified together
                    upcoming = pending[position : position + batch]
                    chosen = [
                        (n, p)
                        for _, n, p in upcoming
                        if not (settled and self._momentless(p, needles[needle]))
                    ]
                    ahead = self._library.verify(chosen, signatures, ready)
                    batch = min(2 * batch, prepared.VERIFY_BATCH)
                _, name, variant = variants[number]
                verdict, kept = ahead[(number, path)], self.signatures[path]
                size = kept.size
                lacks = INSETS[verdict.lacks]  # the library copy is cut from the needle
                scores = (verdict.similarity, name, verdict.detail, size, lacks)
                match = Match(path, distance, *scores, moved=verdict.moved)
                same = verdict.same
                if verdict.moved:
                    moved[needle].add(path)
                if same:  # two exposures are two photos, however alike (match.moment)
                    apart = seconds_apart(needles[needle].taken, kept.taken)
                    if apart is not None:
                        same, elsewhen[needle][path] = False, apart
                known = best[needle].get(path)
                if known is None or (same, match.similarity) > (known[0], known[1].similarity):
                    best[needle][path] = (same, match)
                if first_copy and same and self._lesser(match, needles[needle]) is None:
                    if needles[needle].taken is not None:
                        break  # settled: exposures taken at other moments are not accepted
                    settled = True
            ambiguous[needle] = drop_ambiguous(
                best[needle], needles[needle], own, self.signatures, moved[needle]
            )
        on_done(len(needles), len(needles))
        return [
            Candidates.of(*verdicts) for verdicts in zip(best, elsewhen, ambiguous, strict=True)
        ]

    def judge(self, result: HashResult) -> ImageVerdict:
        """The verdict on one needle: found only when a candidate passes verification."""
        return self.judge_many([result])[0]

    def matches_of(
        self,
        results: Sequence[HashResult],
        on_done: OnProgress | None = None,
        mutual: bool = False,
    ) -> dict[str, list[Match]]:
        """:meth:`matches` of each readable result, by path. ``mutual`` (--dupes): the
        results are library photos, and an ambiguous one (.consistency) matches nobody."""
        found = self.candidates_of(results, on_done)
        nobody = {path for path, candidates in found.items() if mutual and candidates.ambiguous}
        return {
            path: [match for match in candidates.accepted if match.path not in nobody]
            for path, candidates in found.items()
        }

    def candidates_of(
        self, results: Sequence[HashResult], on_done: OnProgress | None = None
    ) -> dict[str, Candidates]:
        """:meth:`candidates_many` of each readable result, by path."""
        readable = {r.path: r.signature for r in results if r.signature is not None}
        found = self.candidates_many(list(readable.values()), on_done=on_done)
        return dict(zip(readable, found, strict=True))

    def judge_many(
        self,
        results: Sequence[HashResult],
        thorough: bool = True,
        on_done: OnProgress | None = None,
    ) -> list[ImageVerdict]:
        """:meth:`judge` for many needles, with one batched index search.

        Every page of a multi-page file must be found for the file to be found.
        ``thorough=False`` stops at the first acceptable copy (see :meth:`candidates_many`):
        the same verdicts, the match shown being the nearest accepted, not the most similar.
        """
        pages = [(result, page) for result in results for page in result.pages]
        found = self.candidates_many([page for _, page in pages], not thorough, on_done)
        by_file: dict[str, list[tuple[Signature, Candidates]]] = {}
        for (result, page), candidates in zip(pages, found, strict=True):
            by_file.setdefault(result.path, []).append((page, candidates))
        verdicts = []
        for result in results:
            if not result.compared:
                reason = result.reason or "not a picture"
                verdicts.append(ImageVerdict(result.path, "not compared", reason=reason))
            elif result.signature is None:
                reason = result.reason or "unreadable"
                verdicts.append(
                    ImageVerdict(result.path, "unreadable", reason=reason, kind=result.kind)
                )
            else:
                verdicts.append(file_verdict(result, by_file[result.path], self._lesser))
        return verdicts

    def _momentless(self, path: str, needle: Signature) -> bool:
        """A library photo without a camera moment, and not the needle's very signature."""
        kept = self.signatures[path]
        return kept.taken is None and kept != needle

    def _lesser(self, match: Match, needle: Signature) -> str | None:
        """Why the library copy does not hold the whole needle (:func:`.lesser.lesser`)."""
        kept = self.signatures[match.path]
        return lesser(match, needle, kept, self.rules.accept_smaller, self._keeps_movie)

    def _keeps_movie(self, movie: bytes) -> bool:
        """True when the library keeps this movie's stream, with its sound if it has one."""
        stream, sound = movie_parts(movie)
        return any(sound is not True or kept is not False for kept in self.movies.get(stream, ()))

    def _variants(self, needle: Signature) -> Iterator[tuple[str, Signature]]:
        yield "", needle
        if not self.rules.rotations:
            return
        yield from turned_variants(needle, self.hasher)
