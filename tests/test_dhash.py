"""The hash value type, the dHash algorithm, and how it behaves on real photos."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from conftest import PHOTO_NAMES, load_photo, resized, write_image
from hashsearch import DEFAULT_THRESHOLD, ImageHash, dhash, hash_file

# Pinned: a change here means every user's cache and every stored hash changes meaning.
PINNED = {
    "astronaut.png": "65a94cb9b0bdb1bb",
    "brick.png": "b4545555b652f7ea",
    "camera.png": "57362e77fe7c1800",
    "cell.png": "7089626288d992f0",
    "chelsea.png": "f1e1d295595a282a",
    "coffee.png": "6cf0d478ccda9fcf",
    "coins.png": "d2dda2ea27a82345",
    "grass.png": "758fb7edb615adbb",
    "gravel.png": "4d95abad51b34a64",
    "horse.png": "4e646664604cc481",  # has alpha: laid over mid-gray since v5 (was ...480)
    "hubble_deep_field.jpg": "9a062aae61454b06",
    "immunohistochemistry.png": "6e66e68ec9be96db",
    "microaneurysms.png": "518714a5de163674",
    "retina.jpg": "0f2303111103030f",
    "rocket.jpg": "8b0909090b030307",
    "text.png": "2a9d2626733935bb",
}


class TestImageHash:
    def test_hex_round_trips_at_full_width(self) -> None:
        value = ImageHash(0x00F0_0000_0000_0001)
        assert value.hex() == "00f0000000000001"
        assert str(value) == value.hex()
        assert ImageHash.from_hex(value.hex()) == value
        assert ImageHash.from_hex("0" * 64).bits == 256

    def test_difference_is_hamming_distance(self) -> None:
        assert ImageHash(0b1011) - ImageHash(0b0110) == 3
        assert ImageHash(0) - ImageHash(2**64 - 1) == 64

    def test_equality_only_with_own_type(self) -> None:
        assert ImageHash(5) == ImageHash(5)
        assert ImageHash(5) != 5
        assert ImageHash(5, 64) != ImageHash(5, 256)

    def test_hash_uses_full_width(self) -> None:
        # imagehash's __hash__ looks at 8 bits only; this one must tell these apart
        values = {ImageHash(1 << i) for i in range(64)}
        assert len({hash(v) for v in values}) == 64

    def test_immutable_and_validated(self) -> None:
        value = ImageHash(1)
        with pytest.raises(AttributeError):
            value.value = 2  # type: ignore[misc]
        with pytest.raises(ValueError):
            ImageHash(1 << 64)
        with pytest.raises(ValueError):
            ImageHash(1, 64) - ImageHash(1, 256)


class TestAlgorithm:
    def test_bit_order_top_left_pair_is_least_significant(self) -> None:
        image = np.zeros((8, 9), dtype=np.uint8)
        image[0, 1] = 255  # first pair of the first row: right brighter than left
        assert dhash(image).value == 1
        image = np.zeros((8, 9), dtype=np.uint8)
        image[7, 8] = 255  # last pair of the last row
        assert dhash(image).value == 1 << 63

    def test_left_to_right_gradient_sets_every_bit(self) -> None:
        gradient = np.tile(np.arange(0, 900, dtype=np.float32), (800, 1)) / 4
        assert dhash(gradient.astype(np.uint8)).value == 2**64 - 1
        assert dhash(gradient[:, ::-1].astype(np.uint8)).value == 0

    def test_hash_size(self) -> None:
        image = load_photo("astronaut.png", cv2.IMREAD_GRAYSCALE)
        assert dhash(image, 16).bits == 256

    @pytest.mark.parametrize("name", PHOTO_NAMES)
    def test_pinned_values(self, photos, name: str) -> None:
        assert hash_file(str(photos / name)).hex() == PINNED[name]


def _edits(image: np.ndarray) -> dict[str, np.ndarray]:
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 50])
    assert ok
    return {
        "half": resized(image, 0.5),
        "two-thirds": resized(image, 2 / 3),
        "upscaled": resized(image, 1.5),
        "jpeg-q50": cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE),
    }


# Tiny scientific images whose copies drift more: kept out of the "photos" behaviour tests.
_PHOTOS = [n for n in PHOTO_NAMES if n not in ("microaneurysms.png", "horse.png")]


@pytest.mark.parametrize("name", _PHOTOS)
def test_resized_and_recompressed_copies_are_near(name: str) -> None:
    image = load_photo(name, cv2.IMREAD_GRAYSCALE)
    original = dhash(image)
    for edit, copy in _edits(image).items():
        assert dhash(copy) - original <= DEFAULT_THRESHOLD, edit


def test_copies_written_to_disk_are_near(tmp_path) -> None:
    image = load_photo("chelsea.png")
    original = hash_file(str(write_image(tmp_path / "a.png", image)))
    copy = hash_file(str(write_image(tmp_path / "b.jpg", resized(image, 0.4), 60)))
    assert copy - original <= DEFAULT_THRESHOLD


def test_different_photos_are_far() -> None:
    hashes = {n: dhash(load_photo(n, cv2.IMREAD_GRAYSCALE)) for n in PHOTO_NAMES}
    for (a, ha), (b, hb) in itertools.combinations(hashes.items(), 2):
        assert ha - hb > DEFAULT_THRESHOLD, (a, b)  # not even a candidate


def test_area_averaging_agrees_far_more_than_bilinear() -> None:
    """The measurement behind INTER_AREA: bilinear shrinking aliases, area averaging does not."""

    def classic(gray: np.ndarray) -> ImageHash:
        small = cv2.resize(gray, (9, 8))  # the classic call: bilinear
        bits = (small[:, 1:] > small[:, :-1]).ravel()
        return ImageHash(sum(1 << i for i, bit in enumerate(bits) if bit))

    area_total = bilinear_total = area_misses = bilinear_misses = 0
    for name in _PHOTOS:
        image = load_photo(name, cv2.IMREAD_GRAYSCALE)
        big = resized(image, 4.0)  # a camera-size version of the photo
        for copy in _edits(image).values():
            area = dhash(copy) - dhash(big)
            bilinear = classic(copy) - classic(big)
            area_total += area
            bilinear_total += bilinear
            area_misses += area > 4  # 4 bits: "the same hash, give or take noise"
            bilinear_misses += bilinear > 4
    assert area_total * 3 < bilinear_total, (area_total, bilinear_total)
    assert area_misses == 0
    assert bilinear_misses >= 5, bilinear_misses
