"""The hash families: pinned values, and each one keeps copies near and photos apart."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import load_photo, resized
from hashsearch.hash.families import ALGORITHMS, ahash, phash, whash

PINNED = {
    ("astronaut.png", "ahash"): "02051f22e3faeefe",
    ("astronaut.png", "phash"): "13fbbd4caa324943",
    ("astronaut.png", "whash"): "02001f22e3faeefe",
    ("coffee.png", "ahash"): "c30181c1ddfcfefc",
    ("coffee.png", "phash"): "ec6cf036ec04c1dd",
    ("coffee.png", "whash"): "83010181ddfcfefc",
    ("rocket.jpg", "ahash"): "3e3f3f1f1e040000",
    ("rocket.jpg", "phash"): "e648a7d837d8ec03",
    ("rocket.jpg", "whash"): "3e3f3f3f3f0e0000",
}


@pytest.mark.parametrize(("name", "algorithm"), sorted(PINNED))
def test_pinned_values(name: str, algorithm: str) -> None:
    gray = load_photo(name, cv2.IMREAD_GRAYSCALE)
    assert ALGORITHMS[algorithm](gray).hex() == PINNED[name, algorithm]


def test_bit_order_and_widths() -> None:
    top_bright = np.zeros((80, 80), np.uint8)
    top_bright[:10] = 255  # the first row of an 8x8 copy is bright, the rest dark
    assert ahash(top_bright).value == 0xFF
    assert whash(top_bright).value == 0xFF
    assert phash(top_bright, 16).bits == 256


@pytest.mark.parametrize("algorithm", sorted(ALGORITHMS))
def test_copies_near_and_photos_apart(algorithm: str) -> None:
    hasher = ALGORITHMS[algorithm]
    coffee = load_photo("coffee.png", cv2.IMREAD_GRAYSCALE)
    ok, jpeg = cv2.imencode(".jpg", resized(coffee, 0.4), [cv2.IMWRITE_JPEG_QUALITY, 50])
    assert ok
    copy = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
    assert hasher(copy) - hasher(coffee) <= 4
    for other in ("astronaut.png", "chelsea.png", "camera.png"):
        assert hasher(load_photo(other, cv2.IMREAD_GRAYSCALE)) - hasher(coffee) > 12, other


def test_cli_algorithm_option_and_cache_key(cli, tmp_path) -> None:
    from conftest import write_image
    from hashsearch import HashParams

    write_image(tmp_path / "hay" / "a.jpg", load_photo("coffee.png"))
    write_image(tmp_path / "needles" / "a.jpg", resized(load_photo("coffee.png"), 0.5))
    for algorithm in sorted(ALGORITHMS):
        run = cli(
            "--haystack",
            tmp_path / "hay",
            "--needles",
            tmp_path / "needles",
            "--algorithm",
            algorithm,
        )
        assert run.code == 0, (algorithm, run.err)
    assert HashParams(algorithm="phash").cache_key != HashParams().cache_key
