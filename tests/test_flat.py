"""Nearly blank pictures match pixel for pixel, colour included; tiny ones only their size.

Each case is one a run over Debian's image packages called "found" (match/flat.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from conftest import file_states, resized, write_image
from hashsearch import Matcher, signature_of_file
from hashsearch.decode.colour import ALPHA_BACKGROUND
from hashsearch.hash.signature import signature
from hashsearch.match.verify import compare_sized, prepare


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


def _half(bgr: tuple[int, int, int]) -> np.ndarray:
    """Mid-gray above, ``bgr`` (about as light) below."""
    image = np.full((400, 600, 3), ALPHA_BACKGROUND, np.uint8)
    image[200:] = bgr
    return image


def test_flat_pictures_of_other_colours_are_kept_apart(tmp_path: Path) -> None:
    blue, orange = (220, 128, 96), (30, 105, 210)  # gray 129 and 128: one flat gray picture
    library = write_image(tmp_path / "lib" / "blue.png", _half(blue))
    other = write_image(tmp_path / "new" / "orange.png", _half(orange))
    copy = write_image(tmp_path / "new" / "blue.jpg", resized(_half(blue), 0.5))
    assert not _found(library, other)
    assert _found(library, copy)


def _blob(amplitude: float) -> np.ndarray:
    """A mid-gray page with a broad soft spot ``amplitude`` gray levels darker."""
    ys, xs = np.mgrid[0:600, 0:600].astype(np.float32)
    spot = amplitude * np.exp(-((xs - 200) ** 2 + (ys - 350) ** 2) / (2 * 80.0**2))
    return np.clip(ALPHA_BACKGROUND - spot, 0, 255).astype(np.uint8)


def _compared(library: np.ndarray, needle: np.ndarray) -> bool:
    """Verification alone, as for a candidate the hashes named."""
    first, second = signature(library, 8), signature(needle, 8)
    sizes = (needle.shape[1::-1], library.shape[1::-1])
    return compare_sized(prepare(second.thumb), prepare(first.thumb), 0.85, sizes).same


def test_a_soft_spot_on_a_blank_page_is_a_picture() -> None:
    blank, spot = _blob(0.0), _blob(16.0)
    assert prepare(signature(spot, 8).thumb).smooth  # no detail to tell them apart by
    assert not _compared(blank, spot)  # 2.4 gray levels apart on average, 16 at the spot
    assert _compared(spot, resized(spot, 0.5))


def test_a_tiny_picture_matches_only_one_of_its_size(cli, tmp_path: Path) -> None:
    column = np.array([120, 200, 240] + [255] * 15 + [215], np.uint8)[:, None]
    strip = np.repeat(column, 2, axis=1)  # 2 x 19 px: a white strip, dark at the top
    icon = np.full((60, 60), 140, np.uint8)  # a gray icon with a dark bar near the top
    icon[2:6, 4:-4], icon[-2:] = 40, 110
    write_image(tmp_path / "icons" / "icon.png", icon)
    write_image(tmp_path / "same" / "strip.png", strip)
    write_image(tmp_path / "backup" / "strip.png", strip)
    run = cli("--haystack", tmp_path / "icons", "--needles", tmp_path / "backup", "--json")
    assert run.code == 1  # its stretched layout matched the icon's (0.93, hashes 1 bit apart)
    assert file_states(run.out)["strip.png"][0] == "new"
    assert cli("--haystack", tmp_path / "same", "--needles", tmp_path / "backup").code == 0
