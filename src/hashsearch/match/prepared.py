"""The library's thumbnails made ready for verification, and a needle's candidates
verified against them together.

Verifying a candidate needs both thumbnails prepared (:func:`.verify.prepare`: their
layout and detail copies, about half a millisecond). A library photo is prepared once and
kept while needles that share it are verified (:mod:`.order` takes them together); a
needle's own thumbnail is prepared once for all its candidates, and a library photo's
own (``--dupes``) comes from the same cache.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from ..hash.signature import Signature
from .verify import Prepared, Verdict, compare_many, prepare

#: Prepared library thumbnails kept between comparisons (about 45 KB each: 72 MB). A
#: needle among look-alikes has hundreds of candidates: a cache smaller keeps none for the
#: next (--dupes over Open Clip Art's 1,645 shapes, about 490 candidates a shape: 804,000
#: preparations with 256 kept, when each held its layout windows, 270 KB; 446,000 with
#: 640, when each held every inset's detail copy, 106 KB; README, "What keeps it fast").
PREPARED_CACHE = 1600
#: A needle's candidates aligned together at most (.layout.best: their centres laid at
#: every shift take 36 KB a candidate); a run that stops at the first copy starts with one.
VERIFY_BATCH = 64

#: (needle variant number, library path): one candidate pair
Pair = tuple[int, str]


class PreparedLibrary:
    """The library's photos, prepared for verification when first compared, the most
    recently compared kept."""

    def __init__(
        self, signatures: Mapping[str, Signature], paths: Mapping[int, str], min_similarity: float
    ) -> None:
        self.signatures = signatures
        self.paths = paths  # a library photo's path, by its signature's id
        self.min_similarity = min_similarity
        self.prepared = functools.lru_cache(maxsize=PREPARED_CACHE)(self._prepare_path)

    def needle(self, variant: Signature) -> Prepared:
        """A needle's thumbnail prepared, its layout operands made once (it is compared
        with every candidate); a library photo's own (--dupes) is shared with the cache."""
        path = self.paths.get(id(variant))
        if path is not None and self.signatures.get(path) is variant:
            return self.prepared(path)
        return prepare(variant.thumb, reused=True, chroma=variant.chroma)

    def verify(
        self, pairs: Sequence[Pair], variants: Sequence[Signature], ready: dict[int, Prepared]
    ) -> dict[Pair, Verdict]:
        """The verdicts on these pairs, each needle variant's candidates verified together
        (:func:`.verify.compare_many`); ``ready`` keeps the variants prepared so far."""
        paths_of: dict[int, list[str]] = {}
        for number, path in pairs:
            paths_of.setdefault(number, []).append(path)
        verdicts: dict[Pair, Verdict] = {}
        for number, paths in paths_of.items():
            variant = variants[number]
            if number not in ready:
                ready[number] = self.needle(variant)
            sizes = [(variant.size, self.signatures[path].size) for path in paths]
            kept = [self.prepared(path) for path in paths]
            found = compare_many(ready[number], kept, self.min_similarity, sizes)
            verdicts.update(((number, path), v) for path, v in zip(paths, found, strict=True))
        return verdicts

    def _prepare_path(self, path: str) -> Prepared:
        value = self.signatures[path]  # compared with many needles: operands made once
        return prepare(value.thumb, reused=True, chroma=value.chroma)
