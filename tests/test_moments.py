"""Two exposures are two photos: a burst shot whose pixels pass every check is kept apart
by the moment its EXIF says it was taken; copies that keep, lose or shift that moment as
real tools do are still found."""

from __future__ import annotations

import cv2
import pytest

from conftest import (
    BURST_START,
    burst_jpeg,
    burst_photo,
    exif_payload,
    file_states,
    load_photo,
    with_exif,
)
from hashsearch import HashParams, Matcher, MatchRules, signature_of_file
from hashsearch.decode.exif import taken_at
from hashsearch.hash.one import hash_one
from hashsearch.match.moment import seconds_apart


@pytest.mark.parametrize("kind", ["HEIF", "AVIF", "WEBP", "PNG"])
def test_the_moment_is_read_as_real_encoders_write_it(kind) -> None:
    import io

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    picture = Image.fromarray(cv2.cvtColor(load_photo("coffee.png"), cv2.COLOR_BGR2RGB))
    written = io.BytesIO()
    picture.save(written, kind, exif=exif_payload(BURST_START, "345"))
    data = written.getvalue()
    assert taken_at(data) == (1714564807, 345, 3)
    for end in range(0, len(data), 97):  # cut anywhere: None or the moment, never an error
        assert taken_at(data[:end]) in (None, (1714564807, 345, 3))
    bare = io.BytesIO()
    picture.save(bare, kind)
    assert taken_at(bare.getvalue()) is None


def test_the_moment_is_read_from_jpeg_tiff_and_heif_exif() -> None:
    payload = exif_payload(BURST_START, "345")
    jpeg = with_exif(burst_jpeg(), payload)
    assert taken_at(jpeg) == (1714564807, 345, 3)
    assert taken_at(with_exif(burst_jpeg(), exif_payload(BURST_START))) == (1714564807, 0, 0)
    assert taken_at(with_exif(burst_jpeg(), exif_payload(BURST_START, "3"))) == (1714564807, 300, 1)
    assert taken_at(payload[6:]) == (1714564807, 345, 3)  # a TIFF structure (TIFF, RAW)
    heif = b"\x00\x00\x00\x10ftypheic\x00\x00\x00\x00" + bytes(100) + payload
    assert taken_at(heif) == (1714564807, 345, 3)
    assert taken_at(burst_jpeg()) is None
    assert taken_at(with_exif(burst_jpeg(), exif_payload("0000:00:00 00:00:00"))) is None
    assert taken_at(with_exif(burst_jpeg(), exif_payload(None))) is None
    for end in range(len(payload)):  # cut anywhere: None or the moment, never an error
        assert taken_at(with_exif(burst_jpeg()[:2000], payload[:end])) in (
            None,
            (1714564807, 345, 3),
        )


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ((100, 5, 3), (100, 5, 3), None),  # the same moment
        ((100, 5, 3), (100, 300, 3), 0.295),  # a burst within one second
        ((100, 0, 0), (100, 300, 3), None),  # the sub-seconds dropped by a converter
        ((100, 340, 2), (100, 345, 3), None),  # ... or written to fewer digits
        ((100, 300, 1), (100, 420, 3), 0.12),  # one digit still tells 0.3 from 0.4
        ((100, 5, 3), (3700, 5, 3), None),  # moved to another time zone
        ((100, 5, 3), (1000, 0, 0), None),  # a quarter of an hour (UTC+5:45), no sub-seconds
        ((100, 0, 0), (102, 0, 0), 2.0),  # the same scene two seconds later
        (None, (100, 5, 3), None),  # a copy without EXIF: the pixels decide
    ],
)
def test_which_moments_are_two_exposures(a, b, apart) -> None:
    found = seconds_apart(a, b)
    assert found == pytest.approx(apart) if apart is not None else found is None


def test_a_burst_shot_is_new_and_copies_of_the_photo_are_found(cli, tmp_path) -> None:
    library, backup = tmp_path / "library", tmp_path / "backup"
    burst_photo(library / "IMG_0001.jpg", BURST_START, "120")
    burst_photo(backup / "copy.jpg", BURST_START, "120", quality=80)  # re-saved, EXIF kept
    burst_photo(backup / "no-millis.jpg", BURST_START, quality=85)  # sub-seconds dropped
    burst_photo(backup / "home-time.jpg", "2024:05:01 14:00:07", "120")  # another time zone
    (backup / "stripped.jpg").write_bytes(burst_jpeg(75))  # EXIF stripped (a messenger)
    burst_photo(backup / "burst-2.jpg", BURST_START, "420")  # 0.3 s later, the same pixels here
    burst_photo(backup / "later.jpg", "2024:05:01 12:00:09", "120")  # two seconds later
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    states = file_states(run.out)
    for copy in ("copy.jpg", "no-millis.jpg", "home-time.jpg", "stripped.jpg"):
        assert states[copy] == ("found", None), copy
    assert states["burst-2.jpg"] == (
        "new",
        "a look-alike in the library was taken 0.3 s apart (EXIF): another exposure",
    )
    assert states["later.jpg"][0] == "new" and "taken 2 s apart" in states["later.jpg"][1]


def test_the_library_api_and_the_cache_agree(cli, tmp_path) -> None:
    kept = burst_photo(tmp_path / "library" / "IMG_0001.jpg", BURST_START, "120")
    burst = burst_photo(tmp_path / "backup" / "IMG_0002.jpg", BURST_START, "420")
    assert signature_of_file(str(burst)).taken == (1714564807, 420, 3)
    matcher = Matcher(64, MatchRules())
    matcher.add(str(kept), signature_of_file(str(kept)))
    verdict = matcher.judge(hash_one(str(burst), HashParams()))
    assert verdict.status == "new" and verdict.similar and verdict.similar[0].path == str(kept)
    assert matcher.matches(signature_of_file(str(burst))) == []
    for _ in range(2):  # hashed, then from the cache: the moment is kept
        run = cli("--haystack", tmp_path / "library", "--needles", tmp_path / "backup", "--json")
        assert file_states(run.out)["IMG_0002.jpg"][0] == "new"
