"""Matching: real copies are found, different pictures are kept apart, blanks are guarded."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import PHOTO_NAMES, load_photo, resized
from hashsearch import Matcher, MatchRules
from hashsearch.hash.one import HashResult
from hashsearch.hash.signature import signature


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _verdict(haystack: np.ndarray, needle: np.ndarray, rules: MatchRules | None = None) -> str:
    matcher = Matcher(64, rules or MatchRules())
    matcher.add("haystack", signature(_gray(haystack), 8))
    return matcher.judge(HashResult("needle", signature(_gray(needle), 8))).status


def _sky(seed: int, left: float, right: float) -> np.ndarray:
    """A smooth photo: light falling off from right to left, with faint clouds."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(left, right, 1200, dtype=np.float32)[None, :].repeat(900, 0)
    clouds = cv2.GaussianBlur(rng.normal(0, 1, (900, 1200)).astype(np.float32), (0, 0), 40)
    image = ramp + clouds / clouds.std() * 6 + rng.normal(0, 2, ramp.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def test_blank_white_never_matches_blank_black() -> None:
    black, white = np.zeros((300, 400), np.uint8), np.full((300, 400), 255, np.uint8)
    assert _verdict(black, white) == "new"  # both hash to 0: the hash alone would say "found"
    assert _verdict(white, resized(white, 0.5)) == "found"


def test_different_smooth_skies_are_kept_apart_and_copies_found() -> None:
    sky, other = _sky(1, 60, 200), _sky(2, 70, 190)
    assert _verdict(sky, other) == "new"  # identical hashes; only the clouds differ
    assert _verdict(sky, resized(sky, 0.25)) == "found"


def test_photos_13_bits_apart_are_kept_apart() -> None:
    assert _verdict(load_photo("retina.jpg"), load_photo("rocket.jpg")) == "new"


@pytest.mark.parametrize("name", [n for n in PHOTO_NAMES if n != "microaneurysms.png"])
def test_border_crop_is_found(name: str) -> None:
    image = load_photo(name)
    h, w = image.shape[:2]
    dy, dx = round(h * 0.03), round(w * 0.03)
    cropped = image[dy : h - dy, dx : w - dx]
    assert _verdict(image, cropped) == "found"
    # a library holding only the cropped one lacks the needle's border: not the photo
    assert _verdict(cropped, image) == "smaller"


def test_a_library_copy_cut_from_the_needle_is_only_a_cropped_copy() -> None:
    image = load_photo("chelsea.png")
    h, w = image.shape[:2]
    for share, named in ((0.016, "2%"), (0.03, "3%"), (0.06, "6%")):
        dy, dx = round(h * share), round(w * share)
        matcher = Matcher(64, MatchRules())
        matcher.add("haystack", signature(_gray(image[dy : h - dy, dx : w - dx]), 8))
        verdict = matcher.judge(HashResult("needle", signature(_gray(image), 8)))
        assert verdict.status == "smaller", share
        assert verdict.reason == f"only a cropped copy in the library ({named} cut from each side)"


@pytest.mark.parametrize(
    "turn",
    [
        lambda im: cv2.rotate(im, cv2.ROTATE_90_CLOCKWISE),
        lambda im: cv2.rotate(im, cv2.ROTATE_180),
        lambda im: cv2.flip(im, 1),
    ],
    ids=["rot90", "rot180", "mirror"],
)
def test_rotations_only_with_the_option(turn) -> None:
    image = load_photo("chelsea.png")
    assert _verdict(image, turn(image)) == "new"
    assert _verdict(image, turn(image), MatchRules(rotations=True)) == "found"


def test_matches_report_distance_similarity_and_transform() -> None:
    image = _gray(load_photo("coffee.png"))
    matcher = Matcher(64, MatchRules(rotations=True))
    matcher.add("a", signature(image, 8))
    matcher.add("b", signature(_gray(load_photo("astronaut.png")), 8))
    [match] = matcher.matches(signature(np.ascontiguousarray(image[::-1, ::-1]), 8))
    assert (match.path, match.transform) == ("a", "rot180")
    assert match.similarity > 0.99 and match.distance <= 2


def test_the_matrices_resample_and_blur_as_opencv_does() -> None:
    from hashsearch.match.matrices import area_matrix, blur_matrix

    image = np.random.default_rng(3).uniform(0, 255, (64, 64)).astype(np.float32)
    for side in (32, 48, 64):
        m = area_matrix(64, side)
        expected = cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA)
        assert np.allclose(m @ image @ m.T, expected, atol=1e-3)
    for sigma in (0.5, 2.0):
        m = blur_matrix(64, sigma)
        assert np.allclose(m @ image @ m.T, cv2.GaussianBlur(image, (0, 0), sigma), atol=1e-3)


def test_inset_copies_are_the_crops_resized_and_band_passed() -> None:
    from hashsearch.hash.signature import inset_crops
    from hashsearch.match.detail import DETAIL_SIGMAS
    from hashsearch.match.verify import prepare

    def shrunk(pixels: np.ndarray, side: int) -> np.ndarray:
        return cv2.resize(pixels, (side, side), interpolation=cv2.INTER_AREA)

    thumb = signature(_gray(load_photo("coffee.png")), 8).thumb
    prepared = prepare(thumb)
    for number, crop in enumerate(inset_crops(thumb)):
        pixels = crop.astype(np.float32)
        fine = shrunk(pixels, 64)
        low, high = (cv2.GaussianBlur(fine, (0, 0), sigma) for sigma in DETAIL_SIGMAS)
        assert np.allclose(prepared.coarse[number], shrunk(pixels, 32), atol=1e-2)
        assert np.allclose(prepared.fine(number), low - high, atol=1e-2)


def test_the_contrast_ratio_is_the_spread_of_the_aligned_windows_without_their_plane() -> None:
    from hashsearch.match.layout import WINDOW, detrended
    from hashsearch.match.verify import CONTRAST_FLOOR, contrast_ratio, prepare

    bold, faint = (signature(_gray(load_photo(name)), 8).thumb for name in PHOTO_NAMES[:2])
    for reused in (False, True):  # window lengths kept (a library photo) or made now
        whole, cropped = prepare(bold, reused=reused), prepare(faint, reused=reused)
        for inset, dy, dx in ((0, 1, 1), (2, 0, 2)):
            windows = [
                whole.coarse[0, 1:-1, 1:-1],
                cropped.coarse[inset, dy : dy + WINDOW, dx : dx + WINDOW],
            ]
            spreads = detrended(np.stack(windows).reshape(2, -1), (WINDOW, WINDOW)).std(axis=1)
            expected = (spreads.max() + CONTRAST_FLOOR) / (spreads.min() + CONTRAST_FLOOR)
            assert contrast_ratio(whole, cropped, inset, dy, dx) == pytest.approx(expected, 1e-5)


def test_needles_that_share_look_alikes_are_verified_one_after_another() -> None:
    from hashsearch.match.order import visit_order

    # needles 0 and 2 share library photo c; 3 and 1 share x (3's nearest is a)
    candidates = {0: ["b", "c"], 1: ["x"], 2: ["c", "d"], 3: ["a", "x"]}
    assert visit_order(candidates) == [3, 1, 0, 2]


def test_a_batch_of_needles_gets_the_verdicts_each_gets_alone(monkeypatch) -> None:
    from hashsearch.match import matcher as matching

    photos = [_gray(load_photo(name)) for name in PHOTO_NAMES[:6]]
    matcher = Matcher(64, MatchRules())
    for number, photo in enumerate(photos):
        matcher.add(f"photo-{number}", signature(photo, 8))
        matcher.add(f"small-{number}", signature(resized(photo, 0.6), 8))
    needles = [signature(resized(photo, 0.8), 8) for photo in reversed(photos)]
    together = matcher.candidates_many(needles)
    alone = [matcher.candidates_many([needle])[0] for needle in needles]
    assert together == alone
    assert all(found.accepted for found in together)
    monkeypatch.setattr(matching, "NEEDLE_BLOCK", 4)  # looked up in blocks: the same
    heard: list[tuple[int, int]] = []
    assert matcher.candidates_many(needles, on_done=lambda *n: heard.append(n)) == together
    assert heard[-1] == (6, 6) and all(total == 6 for _, total in heard)


def test_candidates_verified_together_get_the_verdicts_each_gets_alone(monkeypatch) -> None:
    from hashsearch.match import prepared

    photos = [_gray(load_photo(name)) for name in PHOTO_NAMES[:8]]
    matcher = Matcher(64, MatchRules(threshold=24))  # most photos are candidates of each
    for number, photo in enumerate(photos):
        h, w = photo.shape
        matcher.add(f"photo-{number}", signature(photo, 8))  # one size as the needle's own
        matcher.add(f"cut-{number}", signature(photo[h // 20 : -h // 20, w // 20 :], 8))
        matcher.add(f"small-{number}", signature(resized(photo, 0.05), 8))
    matcher.add("blank", signature(np.full((300, 400), 128, np.uint8), 8))
    needles = [signature(photo, 8) for photo in photos]
    needles.append(signature(np.full((150, 200), 128, np.uint8), 8))
    together = matcher.candidates_many(needles)
    first = matcher.candidates_many(needles, first_copy=True)
    assert sum(len(found.rejected) for found in together) > 30  # many pairs kept apart
    monkeypatch.setattr(prepared, "VERIFY_BATCH", 1)  # one candidate at a time
    assert _verdicts(matcher.candidates_many(needles)) == _verdicts(together)
    assert _verdicts(matcher.candidates_many(needles, first_copy=True)) == _verdicts(first)
    assert all(found.accepted for found in together)


def _verdicts(found: list) -> list:
    """Each needle's accepted and rejected library paths, similarities to 5 places (a
    matrix product of another shape rounds the last float bits otherwise)."""
    return [
        [
            [(m.path, round(m.similarity, 5), round(m.detail, 5)) for m in ms]
            for ms in (c.accepted, c.rejected)
        ]
        for c in found
    ]
