"""One picture: a needle that passes as two library photos that are not copies of each
other is taken for a copy of neither.

Verification judges a needle against each library photo on its own. But a copy of one
photo is a copy of that photo and of its copies only: if the needle passes against
library photos A and B, and A and B do not pass against each other (their pixels
differ, or their cameras wrote two moments), then at least one of the two passes is
false, and nothing in the needle says which. It may be a third picture like both: one
more star polygon of a generated series, one more screenshot of a manual, the burst
shot taken between two that the library holds. So the needle is not found ("new: it
passes as 2 library photos that are not copies of each other"), and both are shown as
near misses for a person to look at.

The more look-alikes a library holds, the more often a false pass has company, so the
rule keeps more apart as the library grows. Measured with ``benchmarks/lookalikes.py``
(3,486 look-alike images, every one a needle against all the others) on 2026-11-30: 599
false pairs -> 281 (of 414 images in false pairs, 203 passed as two or more). What it
costs: a copy whose look-alike also passes against it, and is no copy of its original,
is listed (``benchmarks/accuracy.py``: 1 of 2,355 copies, a grayscale copy of a corpus
texture; with ``--rotations``, a photo's own mirrored quarters count as copies of each
other, turned). And every candidate of a needle is verified, not only those up to its
first acceptable copy (README, "Scale").

Library photos are compared as needles are (:mod:`.verify`, the moment of
:mod:`.moment`), both ways round (either passing is enough), and turned when the run
allows turns (``--rotations``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..hash.signature import Signature
from .moment import seconds_apart
from .verify import Prepared, alignment, compare


def disagreeing(
    accepted: Sequence[str], same_picture: Callable[[str, str], bool]
) -> tuple[str, str] | None:
    """The first two of ``accepted`` (library paths, most similar first) that are not the
    same picture by ``same_picture``; None when every two are."""
    for number, first in enumerate(accepted):
        for second in accepted[number + 1 :]:
            if not same_picture(first, second):
                return first, second
    return None


def same_picture(
    first: Signature,
    second: Signature,
    ready: Prepared,
    turns: Iterable[tuple[Signature, Prepared]],
    least: float,
) -> bool:
    """Whether library photos ``first`` (prepared: ``ready``) and ``second`` pass as copies
    of each other: taken at one moment, and passing verification either way round with
    ``second`` as one of ``turns`` (itself first, then turned, each prepared) at the
    layout similarity ``least``."""
    if seconds_apart(first.taken, second.taken) is not None:
        return False  # two exposures
    for turned, other in turns:
        crops, resampled = alignment(first.size, turned.size)
        for a, b in ((ready, other), (other, ready)):
            if compare(a, b, least, crops=crops, resampled=resampled).same:
                return True
    return False


def reason(count: int) -> str:
    """Why a needle that passed as ``count`` library photos is not taken for any of them."""
    return (
        f"it passes as {count} library photos that are not copies of each other "
        "(look-alikes): it is taken for neither"
    )
