"""Motion photos stored as one file (Google's ``.MP.jpg``, Samsung's): a photo and a movie.

A library copy that kept only the still must not make such a file "found": deleting it
would lose the movie. The movie counts as kept where a library motion photo carries the
same video stream, or a library video holds it (extracted, or re-muxed), with its sound.
The movies are real H.264 clips made at test time.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

import cv2
import pytest

from clips import hevc_copy, pan_clip, remuxed_copy, with_sound
from conftest import file_states, load_photo, resized
from hashsearch import HashParams, Matcher, MatchRules, signature_of_file
from hashsearch.decode.motion import movie_span
from hashsearch.hash.cache import HashCache, default_cache_path, stamp_of
from hashsearch.hash.movie import movie_of
from hashsearch.hash.one import hash_one
from hashsearch.hash.signature import record_size
from hashsearch.match.lesser import MOVIE_NOT_KEPT

SAMSUNG_MARKER = b"MotionPhoto_Data"


def _movie(path: Path) -> bytes:
    """What is kept of the movie in the file at ``path`` (b"": none)."""
    return movie_of(str(path), path.read_bytes())


def _jpeg(photo: str, quality: int = 90, progressive: bool = False) -> bytes:
    image = resized(load_photo(photo), 0.5)
    flags = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)]
    ok, data = cv2.imencode(".jpg", image, flags)
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module")
def movie_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two real 1.5 s H.264 movies with sound, as a phone keeps in a motion photo."""
    folder = tmp_path_factory.mktemp("movies")
    made = []
    for number, photo in enumerate(("chelsea.png", "coffee.png")):
        clip = pan_clip(folder / f"silent-{number}.mp4", photo, 1.5, size=(320, 180))
        made.append(with_sound(clip, folder / f"{number}.mp4"))
    return made[0], made[1]


@pytest.fixture(scope="module")
def movies(movie_files: tuple[Path, Path]) -> tuple[bytes, bytes]:
    """The bytes of :func:`movie_files`."""
    return movie_files[0].read_bytes(), movie_files[1].read_bytes()


def test_the_movie_is_found_after_the_photo_in_google_and_samsung_files(movies, tmp_path) -> None:
    still, (movie, _) = _jpeg("chelsea.png"), movies
    assert movie_span(still + movie) == (len(still), len(still) + len(movie))
    samsung = still + SAMSUNG_MARKER + movie
    start = len(still) + len(SAMSUNG_MARKER)
    assert movie_span(samsung) == (start, start + len(movie))
    google = _write(tmp_path / "PXL_0001.MP.jpg", still + movie)
    kept = movie_of(str(google), google.read_bytes())
    assert kept and kept == movie_of(
        str(tmp_path / "s.jpg"), _write(tmp_path / "s.jpg", samsung).read_bytes()
    )
    # a movie that happens to end as a JPEG does is found where the XMP names it
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<GCamera:MotionPhoto>1</GCamera:MotionPhoto>"
    tagged = still[:2] + b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp + still[2:]
    assert movie_span(tagged + movie + b"\xff\xd9") == (len(tagged), len(tagged) + len(movie))
    # a movie cut short still counts, to the end of the file (and is another movie)
    cut = _write(tmp_path / "cut.MP.jpg", still + movie[: len(movie) // 2])
    assert movie_span(cut.read_bytes()) == (len(still), cut.stat().st_size)
    assert _movie(cut) not in (b"", kept)


@pytest.mark.parametrize("progressive", [False, True])
def test_plain_photos_carry_no_movie(photos, progressive) -> None:
    for name in ("astronaut.png", "coffee.png", "hubble_deep_field.jpg", "text.png"):
        still = _jpeg(name, progressive=progressive)
        assert movie_span(still) is None
        # a second JPEG after the first (an Ultra HDR gain map) is no movie
        assert movie_span(still + _jpeg("coins.png")) is None
        # the letters "ftyp" after the picture, but no box around them, are no movie
        assert movie_span(still + b"\x00\x00\x00\x18ftyp" + bytes(40)) is None
    assert _movie(photos / "retina.jpg") == b""


def _samsung_trailer(fields: list[tuple[int, bytes, bytes]]) -> bytes:
    """Samsung's trailer: each field (2 zero bytes, its kind, its name's length, the name,
    its data), then the directory (SEFH, version, count, for each field its kind, offset
    back from SEFH and length), the directory's size and SEFT."""
    trailer, entries = b"", []
    for kind, name, data in fields:
        entries.append((kind, len(trailer)))
        trailer += struct.pack("<HHI", 0, kind, len(name)) + name + data
    head = len(trailer)
    directory = b"SEFH" + struct.pack("<II", 106, len(fields))
    for number, (kind, start) in enumerate(entries):
        end = entries[number + 1][1] if number + 1 < len(entries) else head
        directory += struct.pack("<HHII", 0, kind, head - start, end - start)
    return trailer + directory + struct.pack("<I", len(directory)) + b"SEFT"


def test_samsungs_trailer_says_where_the_movie_is(movies) -> None:
    still, movie = _jpeg("chelsea.png"), movies[0]
    clock = (0x0A01, b"Image_UTC_Data", b"1714564807000")
    motion = still + _samsung_trailer([clock, (0x0A30, SAMSUNG_MARKER, movie)])
    start = len(still) + 8 + len(clock[1]) + len(clock[2]) + 8 + len(SAMSUNG_MARKER)
    assert movie_span(motion) == (start, start + len(movie))
    # every Samsung photo ends with the trailer: one without a movie has none
    assert movie_span(still + _samsung_trailer([clock])) is None
    # a directory that does not hold: the movie is looked for as in any other file
    broken = bytearray(motion)
    broken[-8:-4] = struct.pack("<I", len(motion))
    assert movie_span(bytes(broken)) is not None


def test_a_hostile_run_of_tiny_boxes_is_not_walked_to_its_end(movies) -> None:
    still, tiny = _jpeg("coffee.png"), b"\x00\x00\x00\x08free" * 200_000  # 1.6 MB of boxes
    assert movie_span(still + movies[0] + tiny) == (
        len(still),
        len(still) + len(movies[0]) + len(tiny),
    )
    heif = b"\x00\x00\x00\x10ftypheic\x00\x00\x00\x00" + tiny + b"\x00\x00\x00\x10mpvd" + bytes(8)
    assert movie_span(heif) is None


def test_a_heif_file_keeps_its_movie_in_an_mpvd_box(movies) -> None:
    movie = movies[0]

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    head = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + box(b"meta", bytes(32))
    heif = head + box(b"mdat", bytes(100)) + box(b"mpvd", movie)
    start = len(head) + 108 + 8
    assert movie_span(heif) == (start, start + len(movie))
    assert movie_span(head + box(b"mdat", bytes(100))) is None


@pytest.fixture
def folders(tmp_path: Path, movies) -> tuple[Path, Path, bytes]:
    """A library folder, a backup folder, and a motion photo's still."""
    return tmp_path / "library", tmp_path / "backup", _jpeg("chelsea.png")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_library_copy_of_the_still_alone_does_not_make_a_motion_photo_found(
    cli, folders, movies
) -> None:
    library, backup, still = folders
    _write(library / "PXL_0001.jpg", still)  # the still kept, its movie dropped
    _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    samsung = still + _samsung_trailer([(0x0A30, SAMSUNG_MARKER, movies[0])])
    _write(backup / "samsung" / "20250101_120000.jpg", samsung)
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    states = file_states(run.out)
    assert states["PXL_0001.MP.jpg"] == ("smaller", MOVIE_NOT_KEPT)
    assert states["samsung/20250101_120000.jpg"] == ("smaller", MOVIE_NOT_KEPT)
    text = cli("--haystack", library, "--needles", backup, "--no-cache")
    assert text.code == 1 and text.lines == [".", "samsung"]


def test_a_motion_photo_is_found_where_the_library_keeps_its_movie(cli, folders, movies) -> None:
    library, backup, still = folders
    _write(library / "PXL_0001.MP.jpg", still + movies[0])
    # the same movie behind a re-saved still (another quality) is still that motion photo
    _write(library / "PXL_0002.MP.jpg", _jpeg("coffee.png", 95) + movies[1])
    _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    _write(backup / "PXL_0002.MP.jpg", _jpeg("coffee.png", 80) + movies[1])
    _write(backup / "still-only.jpg", still)  # a still whose library copy carries more
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 0, run.out
    assert {state for state, _ in file_states(run.out).values()} == {"found"}


def test_the_same_still_with_another_movie_is_not_that_motion_photo(cli, folders, movies) -> None:
    library, backup, still = folders
    _write(library / "PXL_0001.MP.jpg", still + movies[1])
    _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    assert file_states(run.out)["PXL_0001.MP.jpg"] == ("smaller", MOVIE_NOT_KEPT)


def test_a_movie_the_library_keeps_as_a_video_of_its_own_counts(
    cli, folders, movies, movie_files
) -> None:
    library, backup, still = folders
    _write(library / "PXL_0001.jpg", still)
    _write(library / "PXL_0001.mp4", movies[0])  # extracted as it was, beside the still
    _write(library / "PXL_0002.jpg", _jpeg("coffee.png"))
    remuxed_copy(movie_files[1], library / "PXL_0002.mov")  # the same stream, re-muxed
    _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    _write(backup / "PXL_0002.MP.jpg", _jpeg("coffee.png") + movies[1])
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 0, run.out
    assert {state for state, _ in file_states(run.out).values()} == {"found"}


def test_a_re_encoded_or_silent_library_movie_does_not_count(
    cli, folders, movies, movie_files, tmp_path
) -> None:
    library, backup, still = folders
    _write(library / "PXL_0001.jpg", still)
    hevc_copy(movie_files[0], library / "PXL_0001.mp4")  # another stream
    _write(library / "PXL_0002.jpg", _jpeg("coffee.png"))
    silent = tmp_path / "silent.mp4"
    ffmpeg_without_sound(movie_files[1], silent)
    _write(library / "PXL_0002.mp4", silent.read_bytes())  # the stream, without its sound
    _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    _write(backup / "PXL_0002.MP.jpg", _jpeg("coffee.png") + movies[1])
    run = cli("--haystack", library, "--needles", backup, "--json", "--no-cache")
    assert run.code == 1
    states = file_states(run.out)
    assert states["PXL_0001.MP.jpg"] == states["PXL_0002.MP.jpg"] == ("smaller", MOVIE_NOT_KEPT)


def ffmpeg_without_sound(source: Path, path: Path) -> Path:
    """``source``'s video stream alone, copied."""
    from clips import ffmpeg

    ffmpeg("-i", source, "-an", "-c:v", "copy", path)
    return path


def test_the_cache_keeps_the_movie(cli, folders, movies) -> None:
    library, backup, still = folders
    _write(library / "PXL_0001.jpg", still)
    motion = _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    for _ in range(2):  # hashed, then read from the cache: the same verdict
        run = cli("--haystack", library, "--needles", backup, "--json")
        assert run.code == 1
        assert file_states(run.out)["PXL_0001.MP.jpg"] == ("smaller", MOVIE_NOT_KEPT)
    cache_path = default_cache_path()
    cache = HashCache.open(cache_path, HashParams().cache_key, lambda _: None)
    assert cache is not None
    with cache:
        record = cache.get(str(motion), stamp_of(os.lstat(motion)))
    assert isinstance(record, tuple) and record[0].movie == movie_of(
        str(motion), motion.read_bytes()
    )
    # a photo record written before motion photos were told is not read: hashed again
    with sqlite3.connect(cache_path) as db:
        (blob,) = db.execute(
            "SELECT signature FROM hashes WHERE path = ?", (os.fsencode(motion),)
        ).fetchone()
        old = blob[len(blob) % record_size(64) :]  # its pages alone, as before
        db.execute("UPDATE hashes SET signature = ? WHERE path = ?", (old, os.fsencode(motion)))
    run = cli("--haystack", library, "--needles", backup, "--json")
    assert file_states(run.out)["PXL_0001.MP.jpg"] == ("smaller", MOVIE_NOT_KEPT)


def test_the_library_api_gives_the_same_verdict(folders, movies) -> None:
    library, backup, still = folders
    kept = _write(library / "PXL_0001.jpg", still)
    motion = _write(backup / "PXL_0001.MP.jpg", still + movies[0])
    assert signature_of_file(str(motion)).movie == _movie(motion)
    assert signature_of_file(str(kept)).movie == b""
    matcher = Matcher(64, MatchRules())
    matcher.add(str(kept), signature_of_file(str(kept)))
    verdict = matcher.judge(hash_one(str(motion), HashParams()))
    assert (verdict.status, verdict.reason) == ("smaller", MOVIE_NOT_KEPT)
    assert [m.path for m in matcher.matches(signature_of_file(str(motion)))] == [str(kept)]
