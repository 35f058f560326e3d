"""Two exposures are two photos, however alike: the moment each was taken, as EXIF says.

A burst shot, or the same scene taken a second later, can pass every check on pixels
(:mod:`.verify`, :mod:`.detail`): frames of real footage 1 to 4 s apart correlate up to
0.85 where copies reach 0.85 too, and by pixels alone ``benchmarks/accuracy.py`` finds 5
of its 45 footage bursts (none once they carry their moment). The camera wrote when each
was taken (:mod:`hashsearch.decode.exif`), and a copy keeps that moment: editors,
converters and libraries copy EXIF with the picture. So two photos whose moments differ
are never "the same photo", with three allowances for how copies really change it:

* a copy may have lost the moment, or its sub-seconds (WhatsApp and screenshots strip
  EXIF; some converters drop SubSecTimeOriginal or write fewer of its digits): what one
  of the two lacks is not held against it, and the pixels decide;
* a copy may have been moved to another time zone (a library's "adjust date and time",
  a camera set to home time): a difference of whole quarters of an hour is allowed;
* nothing else: a copy whose moment was set to another time by hand is "new", the safe
  side.
"""

from __future__ import annotations

from ..decode.exif import Moment

#: Time zones differ by whole quarters of an hour (UTC+5:45 included).
ZONE_STEP = 15 * 60


def seconds_apart(a: Moment | None, b: Moment | None) -> float | None:
    """How far apart two photos were taken when their moments show two exposures; None
    when they may be one photo (a moment unknown, the same, or shifted by a time zone)."""
    if a is None or b is None:
        return None
    (seconds_a, millis_a, digits_a), (seconds_b, millis_b, digits_b) = a, b
    scale = 10 ** (3 - min(digits_a, digits_b))  # the digits both wrote (none: 1000)
    if millis_a // scale != millis_b // scale:  # a time zone keeps these
        return abs(seconds_a - seconds_b + (millis_a - millis_b) / 1000)
    if (seconds_a - seconds_b) % ZONE_STEP == 0:  # the same second, or another time zone
        return None
    return float(abs(seconds_a - seconds_b))


def reason(apart: float) -> str:
    """Why a look-alike taken at another moment is not the photo (the verdict's reason)."""
    if apart < 60:
        when = f"{apart:.3g} s"
    elif apart < 3600:
        when = f"{apart / 60:.3g} min"
    else:
        when = f"{apart / 3600:.3g} h"
    return f"a look-alike in the library was taken {when} apart (EXIF): another exposure"
