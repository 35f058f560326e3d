"""Look-alikes are kept apart: pictures in the alpha channel, vignettes, textures, star fields,
and duplicate groups that do not chain."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from conftest import file_states, load_photo, resized, write_image
from hashsearch import Matcher, MatchRules, hash_file, signature_of_file
from hashsearch.hash.one import HashResult
from hashsearch.hash.signature import signature
from hashsearch.match.blocks import MAX_DISAGREEING_BLOCKS, MAX_MOVED
from hashsearch.match.detail import (
    MATCHED_GAIN,
    MAX_DISAGREEING,
    MIN_DETAIL,
    MIN_MATCHED_DETAIL,
    MIN_MATCHED_DETAIL_SAME_SIZE,
    SAME_DETAIL_LEVEL,
    SAME_LEVEL_MIN_DETAIL,
    DetailScores,
    scores,
)
from hashsearch.match.group import representative_groups
from hashsearch.match.verdicts import Match
from hashsearch.match.verify import MAX_CONTRAST_RATIO, compare, contrast_ratio, prepare


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _verdict(haystack: np.ndarray, needle: np.ndarray) -> str:
    matcher = Matcher(64, MatchRules())
    matcher.add("haystack", signature(_gray(haystack), 8))
    return matcher.judge(HashResult("needle", signature(_gray(needle), 8))).status


def _layout_alone_accepts(a: np.ndarray, b: np.ndarray) -> bool:
    """What the old single check said: the layout correlation reaches the threshold."""
    verdict = compare(
        prepare(signature(_gray(a), 8).thumb), prepare(signature(_gray(b), 8).thumb), 0.85
    )
    return verdict.similarity >= 0.85


def _in_alpha(picture: np.ndarray) -> np.ndarray:
    """A logo-like PNG: every pixel white, the picture drawn only in the alpha channel."""
    alpha = 255 - _gray(picture)
    return np.dstack([np.full((*alpha.shape, 3), 255, np.uint8), alpha])


def test_pictures_in_the_alpha_channel_are_pictures(tmp_path) -> None:
    cat = write_image(tmp_path / "lib" / "cat.png", _in_alpha(load_photo("chelsea.png")))
    cup = write_image(tmp_path / "new" / "cup.png", _in_alpha(load_photo("coffee.png")))
    small = write_image(
        tmp_path / "copy" / "cat.png", _in_alpha(resized(load_photo("chelsea.png"), 0.5))
    )
    matcher = Matcher(64)
    matcher.add(str(cat), signature_of_file(str(cat)))
    assert matcher.matches(signature_of_file(str(cup))) == []  # was 1.000 alike: all white
    [found] = matcher.matches(signature_of_file(str(small)))
    assert found.path == str(cat)
    assert hash_file(str(cat)) != hash_file(str(cup))


def _vignette(shape: tuple[int, int] = (900, 1200)) -> np.ndarray:
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    r = np.hypot((xs - shape[1] / 2) / shape[1], (ys - shape[0] / 2) / shape[0])
    return np.clip(200 - 260 * r**2, 0, 255).astype(np.float32)


def test_a_vignette_and_a_striped_wallpaper_are_kept_apart() -> None:
    smooth = _vignette()
    stripes = smooth + 6 * np.sign(np.sin(np.arange(1200, dtype=np.float32) * 2 * np.pi / 40))
    smooth_u8, stripes_u8 = smooth.astype(np.uint8), np.clip(stripes, 0, 255).astype(np.uint8)
    assert _layout_alone_accepts(smooth_u8, stripes_u8)  # the old check called them one
    assert _verdict(smooth_u8, stripes_u8) == "new"
    assert _verdict(stripes_u8, resized(stripes_u8, 0.4)) == "found"


def test_two_textures_with_one_layout_are_kept_apart() -> None:
    gravel = _gray(load_photo("gravel.png")).astype(np.float32)
    layout = cv2.resize(_vignette((256, 256)), gravel.shape[::-1])
    left, right = gravel[:, : gravel.shape[1] // 2], gravel[:, gravel.shape[1] // 2 :]
    size = (512, 512)
    a = np.clip(cv2.resize(layout, size) + 0.5 * (cv2.resize(left, size) - 128), 0, 255)
    b = np.clip(cv2.resize(layout, size) + 0.5 * (cv2.resize(right, size) - 128), 0, 255)
    a, b = a.astype(np.uint8), b.astype(np.uint8)
    assert _layout_alone_accepts(a, b)
    assert _verdict(a, b) == "new"
    assert _verdict(a, cv2.GaussianBlur(resized(a, 0.5), (0, 0), 0.7)) == "found"


def _star_field(seed: int) -> np.ndarray:
    """A galaxy in the middle and a few hundred stars, on a black sky."""
    rng = np.random.default_rng(seed)
    sky = np.zeros((1000, 1000), np.float32)
    ys, xs = np.mgrid[0:1000, 0:1000].astype(np.float32)
    sky += 180 * np.exp(-(((xs - 500) / 90) ** 2 + ((ys - 500) / 50) ** 2))
    for y, x, level in zip(
        rng.integers(0, 1000, 400),
        rng.integers(0, 1000, 400),
        rng.uniform(60, 255, 400),
        strict=True,
    ):
        sky[y, x] += level
    return np.clip(cv2.GaussianBlur(sky, (0, 0), 2.5) * 3, 0, 255).astype(np.uint8)


def test_two_star_fields_around_one_galaxy_are_kept_apart() -> None:
    one, other = _star_field(1), _star_field(2)
    assert _layout_alone_accepts(one, other)
    assert _verdict(one, other) == "new"
    assert _verdict(one, resized(one, 0.35)) == "found"


def test_duplicate_groups_do_not_chain() -> None:
    # A matches B and B matches C, but A does not match C: never one group through B
    def link(path: str, similarity: float = 0.95) -> Match:
        return Match(path, 2, similarity)

    matches = {"A": [link("B")], "B": [link("A"), link("C", 0.9)], "C": [link("B", 0.9)]}
    groups = representative_groups(["A", "B", "C"], matches)
    assert [list(group) for group in groups] == [["A", "B"]]
    assert groups[0].representative == "B"
    # with A ~ C as well, all three are one group
    matches["A"].append(link("C"))
    assert [list(g) for g in representative_groups(["A", "B", "C"], matches)] == [["A", "B", "C"]]


def test_dupes_json_gives_each_member_against_the_representative(cli, tmp_path: Path) -> None:
    import json

    chelsea = load_photo("chelsea.png")
    inbox = tmp_path / "inbox"
    write_image(inbox / "a.jpg", chelsea)
    write_image(inbox / "a-small.jpg", resized(chelsea, 0.5))
    write_image(inbox / "other.jpg", load_photo("coffee.png"))
    write_image(inbox / "other-small.jpg", resized(load_photo("coffee.png"), 0.6))
    doc = json.loads(cli("--dupes", inbox, "--json").out)
    groups = [[entry["path"] for entry in group] for group in doc["groups"]]
    assert groups == [["a-small.jpg", "a.jpg"], ["other-small.jpg", "other.jpg"]]
    for group in doc["groups"]:
        representative = [e for e in group if e.get("representative")]
        members = [e for e in group if not e.get("representative")]
        assert len(representative) == 1 and all(e["similarity"] > 0.85 for e in members)


def _street(walker_at: tuple[int, int]) -> np.ndarray:
    """A fixed camera's view (a photo as the street) with someone (another photo, 90x120)
    standing at ``walker_at``: a burst shot is the same view with them further on."""
    street = cv2.resize(load_photo("coffee.png"), (640, 480), interpolation=cv2.INTER_AREA)
    walker = cv2.resize(load_photo("astronaut.png"), (90, 120), interpolation=cv2.INTER_AREA)
    x, y = walker_at
    street[y : y + 120, x : x + 90] = walker
    return street


def test_a_burst_shot_a_moment_later_is_new_its_copies_are_found() -> None:
    # everything but the walker is the same: layout and detail pass the checks; but two
    # pictures with as much detail as each other must agree closely, and these do not
    first = _street((100, 300))
    assert _verdict(first, _street((300, 300))) == "new"  # they walked on
    jpeg = cv2.imdecode(cv2.imencode(".jpg", first, [cv2.IMWRITE_JPEG_QUALITY, 40])[1], 1)
    brighter = np.clip(first.astype(np.int16) + 25, 0, 255).astype(np.uint8)
    for copy in (jpeg, brighter, resized(first, 0.5)):
        assert _verdict(first, copy) == "found"


def _walker_at(at: tuple[int, int]) -> np.ndarray:
    """A fixed camera's wide view (the rocket photo, gray, 640 x 480) with someone small
    (another photo, 20 x 44: two by four pixels of the thumbnail) standing at ``at``."""
    view = cv2.resize(_gray(load_photo("rocket.jpg")), (640, 480), interpolation=cv2.INTER_AREA)
    walker = cv2.resize(_gray(load_photo("astronaut.png")), (20, 44), interpolation=cv2.INTER_AREA)
    x, y = at
    view[y : y + 44, x : x + 20] = walker
    return view


def test_a_burst_shot_where_someone_small_walked_on_is_new_its_copies_are_found() -> None:
    # the walker is a few thumbnail pixels: layout and detail agree as closely as a
    # copy's do; but each shot has detail where the other has next to none (the walker,
    # here and there), which no edit of a copy makes: edits take detail away or add it
    first, later = _walker_at((150, 300)), _walker_at((430, 330))
    scores = _detail_scores(first, later)
    assert scores.correlation >= SAME_LEVEL_MIN_DETAIL  # 0.96
    assert scores.moved() > MAX_MOVED  # 57
    assert _sized_verdict(first, later) == "new"
    assert _sized_verdict(later, first) == "new"
    ok, data = cv2.imencode(".jpg", first, [cv2.IMWRITE_JPEG_QUALITY, 40])
    assert ok
    marked = first.copy()  # a studio's white letters added in a corner: detail one way
    cv2.putText(marked, "(c) Photo Studio", (380, 460), 0, 1.0, 255, 2, cv2.LINE_AA)
    noise = np.random.default_rng(2).normal(0, 6, first.shape)
    copies = {
        "q40": cv2.imdecode(data, cv2.IMREAD_GRAYSCALE),
        "brighter": np.clip(first.astype(np.int16) + 25, 0, 255).astype(np.uint8),
        "halved": cv2.resize(first, (320, 240), interpolation=cv2.INTER_AREA),
        "blurred": cv2.GaussianBlur(first, (0, 0), 1.5),
        "noised": np.clip(first + noise, 0, 255).astype(np.uint8),
        "watermarked": marked,
    }
    for name, copy in copies.items():
        assert _detail_scores(first, cv2.resize(copy, (640, 480))).moved() <= MAX_MOVED, name
        assert _sized_verdict(first, copy) == "found", name
        assert _sized_verdict(copy, first) == "found", name


def _star_polygon(points: int, step: int, side: int = 100) -> np.ndarray:
    """Clip art like Open Clip Art's generated stars: a ring of thin lines joining every
    ``step``-th of ``points`` points on a circle, on gray."""
    image = np.full((side, side), 128, np.uint8)
    angles = 2 * np.pi * np.arange(points) / points
    corners = (side / 2 + side * 0.46 * np.stack([np.cos(angles), np.sin(angles)], 1)) * 16
    for i in range(points):
        a, b = corners[i].round().astype(int), corners[(i + step) % points].round().astype(int)
        cv2.line(image, tuple(a.tolist()), tuple(b.tolist()), 40, 1, cv2.LINE_AA, 4)
    return image


def _sized_verdict(haystack: np.ndarray, needle: np.ndarray) -> str:
    """:func:`_verdict` with each picture's size known, as it is for every file."""
    matcher = Matcher(64, MatchRules())
    height, width = haystack.shape
    matcher.add("haystack", signature(haystack, 8, size=(width, height)))
    height, width = needle.shape
    needle_signature = signature(needle, 8, size=(width, height))
    return matcher.judge(HashResult("needle", needle_signature)).status


def test_two_pictures_of_one_size_are_not_crops_of_each_other() -> None:
    # two star polygons of one size whose rings differ by a few percent used to match as
    # "one cropped from the other"; a crop makes a picture smaller, so at the same size
    # only the whole pictures are aligned (half of the look-alike benchmark's false pairs)
    first, other = _star_polygon(55, 4), _star_polygon(65, 8)
    assert _sized_verdict(first, other) == "new"
    ok, data = cv2.imencode(".jpg", first, [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok and _sized_verdict(first, cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)) == "found"
    assert _sized_verdict(first, first[3:97, 3:97]) == "found"  # cropped: smaller
    photo = _gray(load_photo("chelsea.png"))
    height, width = photo.shape
    cropped = photo[9 : height - 9, 13 : width - 13]
    assert _sized_verdict(photo, cropped) == "found"
    # the same crop blown up to the original's size is taken for another picture: the
    # safe side of a rare edit
    assert _sized_verdict(photo, cv2.resize(cropped, (width, height))) == "new"


def test_detail_is_compared_level_for_level() -> None:
    # two star polygons of one size, one with far more lines: their detail correlates
    # enough for the plain check (they were "found"), but blurred to one level of detail
    # they disagree; a blurred, shrunk or re-compressed copy agrees again once blurred
    sparse, dense = _star_polygon(25, 4), _star_polygon(55, 8)
    scores = _detail_scores(sparse, dense)
    assert scores.level > SAME_DETAIL_LEVEL and scores.correlation >= MIN_DETAIL
    assert scores.matched < MIN_MATCHED_DETAIL
    assert _sized_verdict(sparse, dense) == "new"
    assert _sized_verdict(dense, sparse) == "new"
    # of one size, no resampling lies between them: level-matched detail must reach 0.8
    few, many = _star_polygon(20, 2), _star_polygon(60, 8)
    assert MIN_MATCHED_DETAIL <= _detail_scores(few, many).matched < MIN_MATCHED_DETAIL_SAME_SIZE
    assert _sized_verdict(few, many) == "new"
    ok, data = cv2.imencode(".jpg", sparse, [cv2.IMWRITE_JPEG_QUALITY, 40])
    assert ok
    copies = {
        "blurred": cv2.GaussianBlur(sparse, (0, 0), 1.5),
        "halved": cv2.resize(sparse, (50, 50), interpolation=cv2.INTER_AREA),
        "q40": cv2.imdecode(data, cv2.IMREAD_GRAYSCALE),
    }
    for name, copy in copies.items():
        assert _sized_verdict(sparse, copy) == "found", name
        assert _sized_verdict(copy, sparse) == "found", name


def test_detail_is_compared_block_by_block_on_a_fine_grid() -> None:
    # two star polygons with one ring (91 points joined every 43rd and every 44th): their
    # detail agrees as a whole, on the 4 x 4 grid and level for level, but the moire
    # inside the ring differs in nearly half the 5-pixel blocks; a copy's blocks agree
    first, other = _star_polygon(91, 43), _star_polygon(91, 44)
    scores = _detail_scores(first, other)
    assert scores.correlation >= MIN_DETAIL and scores.disagreeing <= MAX_DISAGREEING
    assert scores.matched >= MIN_MATCHED_DETAIL_SAME_SIZE  # at one level: 0.80
    assert scores.blocks_apart() > MAX_DISAGREEING_BLOCKS  # 0.46
    assert _sized_verdict(first, other) == "new"
    assert _sized_verdict(other, first) == "new"
    ok, data = cv2.imencode(".jpg", first, [cv2.IMWRITE_JPEG_QUALITY, 40])
    assert ok
    noise = np.random.default_rng(6).normal(0, 6, first.shape)
    copies = {
        "q40": cv2.imdecode(data, cv2.IMREAD_GRAYSCALE),
        "blurred": cv2.GaussianBlur(first, (0, 0), 1.5),
        "halved": cv2.resize(first, (50, 50), interpolation=cv2.INTER_AREA),
        "noised": np.clip(first + noise, 0, 255).astype(np.uint8),
        "doubled": cv2.resize(first, (200, 200), interpolation=cv2.INTER_CUBIC),
    }
    for name, copy in copies.items():
        assert _sized_verdict(first, copy) == "found", name
        assert _sized_verdict(copy, first) == "found", name
    # a block with detail in one picture only is not counted: noise over a clear sky
    # (a quarter of the rocket photo, noised at twice the benchmark's sigma) is a copy
    rocket = _gray(load_photo("rocket.jpg"))
    sky = rocket[: rocket.shape[0] // 2, rocket.shape[1] // 2 :]
    noise = np.random.default_rng(1).normal(0, 12, sky.shape)
    noised = np.clip(sky + noise, 0, 255).astype(np.uint8)
    assert _detail_scores(sky, noised).blocks_apart() <= MAX_DISAGREEING_BLOCKS
    assert _sized_verdict(sky, noised) == "found"


def _detail_scores(a: np.ndarray, b: np.ndarray) -> DetailScores:
    """The detail scores of two whole pictures of one size, aligned as they are."""
    first, second = prepare(signature(a, 8).thumb), prepare(signature(b, 8).thumb)
    return scores(first.fine()[1:-1, 1:-1], [second.fine()[1:-1, 1:-1]])


def test_a_blurred_copy_of_a_picture_smaller_than_its_thumbnail_is_found() -> None:
    # a 24-px icon is blown up in its 64-px thumbnail, and its blur with it: the closer
    # agreement asked of two pictures of one size is asked only of pictures at least a
    # thumbnail across
    icon = cv2.resize(_gray(load_photo("horse.png")), (24, 24), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(icon, (0, 0), 1.0)
    scores = _detail_scores(icon, blurred)
    assert MIN_MATCHED_DETAIL <= scores.matched < MIN_MATCHED_DETAIL_SAME_SIZE
    assert _sized_verdict(icon, blurred) == "found"


def _ring(ink: int, thickness: int, side: int = 400) -> np.ndarray:
    """A circle of ``thickness`` pixels drawn in gray ``ink`` on mid-gray, like a brush or
    a clock face of the clip-art corpus."""
    image = np.full((side, side), 128, np.uint8)
    centre, radius = (side * 8, side * 8), round(side * 0.4 * 16)
    cv2.circle(image, centre, radius, ink, thickness, cv2.LINE_AA, 4)
    return image


def test_a_bold_drawing_and_a_faint_one_on_the_same_lines_are_kept_apart() -> None:
    # correlation ignores contrast, and blurring the bold ring to the faint one's level
    # of detail makes them correlate (they were "found"): the copies must also be about
    # as contrasty, in their layout and in their level-matched detail
    bold, faint = _ring(10, 12), _ring(105, 3)
    first, second = prepare(signature(bold, 8).thumb), prepare(signature(faint, 8).thumb)
    assert compare(first, second, 0.85, strict=False).same  # every other check passes
    assert contrast_ratio(first, second, 0, 1, 1) > MAX_CONTRAST_RATIO
    assert _sized_verdict(bold, faint) == "new"
    assert _sized_verdict(faint, bold) == "new"
    # a thin dark ring and a lighter, thicker one as contrasty in their layout: the
    # dark one, blurred to the other's level, is twice as strong
    thin, thicker = _ring(10, 3), _ring(95, 8)
    scores = _detail_scores(thin, thicker)
    assert scores.matched >= MIN_MATCHED_DETAIL_SAME_SIZE and scores.gain > MATCHED_GAIN[1]
    assert _sized_verdict(thin, thicker) == "new"
    assert _sized_verdict(thicker, thin) == "new"
    ok, data = cv2.imencode(".jpg", bold, [cv2.IMWRITE_JPEG_QUALITY, 40])
    assert ok
    ramp = np.arange(256, dtype=np.float32)
    copies = {
        "q40": cv2.imdecode(data, cv2.IMREAD_GRAYSCALE),
        "contrast x1.2": cv2.LUT(bold, np.clip((ramp - 128) * 1.2 + 128, 0, 255).astype(np.uint8)),
        "brighter": cv2.LUT(bold, np.clip(ramp + 25, 0, 255).astype(np.uint8)),
        "halved": cv2.resize(bold, (200, 200), interpolation=cv2.INTER_AREA),
        "blurred": cv2.GaussianBlur(bold, (0, 0), 1.5),
    }
    for name, copy in copies.items():
        assert _sized_verdict(bold, copy) == "found", name
        assert _sized_verdict(copy, bold) == "found", name


def _recoloured(bgr: np.ndarray, degrees: float) -> np.ndarray:
    """The same picture with every hue turned by ``degrees`` (CIELAB a*, b* rotated; the
    lightness kept, so its gray picture barely changes)."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    a, b = lab[:, :, 1] - 128, lab[:, :, 2] - 128
    turn = np.radians(degrees)
    lab[:, :, 1] = 128 + a * np.cos(turn) - b * np.sin(turn)
    lab[:, :, 2] = 128 + a * np.sin(turn) + b * np.cos(turn)
    return cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_Lab2BGR)


def test_a_recoloured_picture_is_kept_apart_its_copies_are_found(tmp_path: Path) -> None:
    # a red and a blue version of one texture, a warm and a cold wallpaper: one gray
    # picture; where both have colour, the hues must agree
    photo = load_photo("coffee.png")
    original = write_image(tmp_path / "lib" / "coffee.png", photo)
    other = write_image(tmp_path / "new" / "coffee.png", _recoloured(photo, 150))
    matcher = Matcher(64)
    matcher.add(str(original), signature_of_file(str(original)))
    recoloured = signature_of_file(str(other))
    gray_alone = compare(
        prepare(matcher.signatures[str(original)].thumb), prepare(recoloured.thumb), 0.85
    )
    assert gray_alone.same  # the gray checks cannot tell them apart
    assert matcher.matches(recoloured) == []
    copies = {
        "q40": write_image(tmp_path / "c" / "q40.jpg", photo, quality=40),
        "grayscale": write_image(tmp_path / "c" / "gray.png", _gray(photo)),
        "halved": write_image(tmp_path / "c" / "half.jpg", resized(photo, 0.5)),
        "hue turned 10 degrees": write_image(tmp_path / "c" / "warm.png", _recoloured(photo, 10)),
    }
    for name, path in copies.items():
        found = [match.path for match in matcher.matches(signature_of_file(str(path)))]
        assert found == [str(original)], name
    assert not signature_of_file(str(copies["grayscale"])).chroma.any()  # a gray picture


def test_a_colour_photo_whose_only_library_copy_is_gray_is_not_in_the_library(
    cli, tmp_path: Path
) -> None:
    # a black-and-white copy does not hold the photo: its colour would go with it; the
    # other way round, a gray needle is in a library that holds it in colour
    photo = load_photo("coffee.png")
    lib, needles = tmp_path / "lib", tmp_path / "needles"
    write_image(lib / "bw" / "coffee.jpg", _gray(photo))
    write_image(lib / "colour" / "rocket.jpg", load_photo("rocket.jpg"))
    write_image(needles / "card" / "coffee.jpg", photo)
    write_image(needles / "scans" / "rocket-bw.jpg", _gray(load_photo("rocket.jpg")))
    run = cli("--haystack", lib, "--needles", needles, "--json", "--no-cache")
    assert run.code == 1
    assert file_states(run.out) == {
        "card/coffee.jpg": ("smaller", "only a gray copy in the library"),
        "scans/rocket-bw.jpg": ("found", None),
    }
    # --accept-smaller is about size: a gray copy still does not hold the colour
    again = cli("--haystack", lib, "--needles", needles, "--accept-smaller", "--no-cache")
    assert again.code == 1 and again.out == "card\n"


def test_a_picture_whose_colour_was_not_looked_at_is_not_called_gray(cli, tmp_path: Path) -> None:
    # the pages of a multi-page TIFF (and pictures too large to hold in colour) are decoded
    # gray: their colour is unknown, so a colour photo of that page is found, not "only a
    # gray copy"
    photo = load_photo("coffee.png")
    ok, scan = cv2.imencodemulti(".tiff", [photo, load_photo("rocket.jpg")])
    assert ok
    lib, needles = tmp_path / "lib", tmp_path / "needles"
    (lib / "scans").mkdir(parents=True)
    (lib / "scans" / "both.tif").write_bytes(scan.tobytes())
    write_image(needles / "card" / "coffee.jpg", photo)
    run = cli("--haystack", lib, "--needles", needles, "--json", "--no-cache")
    assert file_states(run.out) == {"card/coffee.jpg": ("found", None)}
    assert run.code == 0
