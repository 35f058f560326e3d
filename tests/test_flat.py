"""Nearly blank pictures match pixel for pixel, colour included; tiny ones only their size.

Each case is one a run over Debian's image packages called "found"."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from conftest import write_image
from hashsearch import Matcher, signature_of_file
from hashsearch.decode.colour import ALPHA_BACKGROUND


def _found(library: Path, needle: Path) -> bool:
    matcher = Matcher(64)
    matcher.add(str(library), signature_of_file(str(library)))
    return bool(matcher.matches(signature_of_file(str(needle))))


def _arrow(side: int = 240) -> np.ndarray:
    """A mid-gray arrow on a transparent canvas: RGB the background gray everywhere."""
    alpha = np.zeros((side, side), np.uint8)
    s = side / 240
    points = np.array([[40, 100], [150, 100], [150, 60], [210, 120], [150, 180], [150, 140]])
    cv2.fillPoly(alpha, [np.rint(np.vstack([points, [[40, 140]]]) * s).astype(np.int32)], 255)
    return np.dstack([np.full((side, side, 3), ALPHA_BACKGROUND, np.uint8), alpha])


def test_a_picture_drawn_in_the_background_gray_is_not_a_blank_page(tmp_path: Path) -> None:
    blank = write_image(tmp_path / "lib" / "blank.png", np.zeros((300, 200, 4), np.uint8))
    arrow = write_image(tmp_path / "new" / "arrow.png", _arrow())
    copy = write_image(tmp_path / "lib" / "arrow-small.png", _arrow(120))
    assert not _found(blank, arrow)  # laid over mid-gray both were uniform: "found"
    assert _found(copy, arrow)  # a copy keeping its alpha is laid over black as well
