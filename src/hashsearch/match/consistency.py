"""Which exposure? A needle without a camera moment that passes as two library photos
taken at different moments is taken for neither.

Two exposures are two photos (:mod:`.moment`): a burst shot passes every check on
pixels against the one before it, so the moment a camera writes (EXIF) keeps them
apart. A needle whose EXIF a messenger or an editor stripped has no moment to hold
against anything, and its pixels decide. If it passes as library photos A and B, taken
at different moments, then at least one pass is wrong, and nothing in it says which:
it may be A, or B, or a third exposure of the burst that the library lacks. So it is
not found ("new": it has no moment of its own and passes as two library photos taken
at different moments), both are shown as near misses, and ``--dupes`` groups it with
neither. A library copy with the needle's very signature (the file its library
imported) still settles it. A library photo that fails only because something moved
(:mod:`.detail`: someone walked on) is the same scene a moment on and counts as an
exposure it looks like: without that, a shot taken between two exposures that passed
as both passed as one only once the check of what moved came, and was "found".

The same reasoning on pixels alone (two library photos that do not pass against each
other) was tried on 2026-11-30 and dropped. On ``benchmarks/lookalikes.py`` it halved
the false pairs (599 -> 281: star polygons, screenshots and textures that pass as
several look-alikes at once), but in ``benchmarks/scale.py``'s libraries, where every
photo has hundreds of overlapping look-alikes (bursts and holiday series), 969 of 1,000
re-compressed copies then passed as their original and as neighbours that do not pass
against each other, and were listed (55 of 100 in the 10,000-photo library): a copy and
a third look-alike score alike (detail correlations 0.97-0.999 against the closest for
both), so no margin told them apart either. Kept to pictures of the needle's own size
it still halved the false pairs (599 -> 293) and lost 5 of 100 copies re-saved at
their own size in the 10,000-photo library, 519 of 1,000 in the 100,000. Moments tell
exposures apart for certain; pixels do not.

Cost: a needle without a moment has, besides its first copy, its candidates that carry
a moment verified (a library without EXIF, as the benchmarks' are, costs nothing more).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from ..hash.signature import Signature
from .moment import seconds_apart
from .verdicts import Match, by_likeness


def drop_ambiguous(
    found: dict[str, tuple[bool, Match]],
    needle: Signature,
    own: str | None,
    library: Mapping[str, Signature],
    moved: Collection[str] = (),
) -> tuple[str, ...]:
    """Turn the accepted matches of a needle without a camera moment (but its ``own``
    library path) into near misses when two of them, or one and a candidate that failed
    only because something moved (``moved``: the same scene a moment on), were taken at
    different moments; returns the paths of both kinds (or nothing)."""
    if needle.taken is not None:
        return ()  # its moment kept exposures taken at other moments out already
    accepted = [m.path for m in by_likeness(m for same, m in found.values() if same)]
    accepted = [path for path in accepted if path != own]
    if not accepted or any(library[path] == needle for path in accepted):
        return ()  # nothing accepted, or its very signature: the library holds it as it is
    others = [path for path in moved if path != own and path not in accepted]

    def one_moment(a: str, b: str) -> bool:
        return seconds_apart(library[a].taken, library[b].taken) is None

    if disagreeing(accepted + sorted(others), one_moment) is None:
        return ()
    for path in accepted:
        found[path] = (False, found[path][1])
    return tuple(accepted + sorted(others))


def disagreeing(accepted: Sequence[str], one: Callable[[str, str], bool]) -> tuple[str, str] | None:
    """The first two of ``accepted`` (library paths, most similar first) that are not
    ``one`` picture; None when every two are."""
    for number, first in enumerate(accepted):
        for second in accepted[number + 1 :]:
            if not one(first, second):
                return first, second
    return None


def reason(count: int) -> str:
    """Why a needle that passed as ``count`` exposures is not taken for any of them."""
    return (
        f"no camera moment of its own, and it looks like {count} library photos taken at "
        "different moments (EXIF): which exposure it is, if any, cannot be told"
    )
