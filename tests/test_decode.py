"""Reading bytes safely, header parsing, and reduced JPEG decoding that keeps hashes stable."""

from __future__ import annotations

import os
import socket
import struct
import zlib

import cv2
import numpy as np
import pytest

from conftest import PHOTO_NAMES, load_photo, resized, write_image
from hashsearch import DEFAULT_THRESHOLD, ImageError, dhash, hash_file
from hashsearch.decode.header import read_header
from hashsearch.decode.image import DecodeOptions, decode_gray, decode_pages
from hashsearch.decode.read import read_regular_file


def _noisy_camera_jpeg(name: str, size: tuple[int, int], seed: int = 0) -> bytes:
    image = cv2.resize(load_photo(name), size, interpolation=cv2.INTER_CUBIC)
    noise = np.random.default_rng(seed).normal(0, 4, image.shape)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes()


class TestHeader:
    def test_jpeg_and_png_sizes(self, tmp_path) -> None:
        image = np.zeros((30, 70, 3), np.uint8)
        for suffix, name in ((".jpg", "jpeg"), (".png", "png"), (".bmp", "bmp"), (".webp", "webp")):
            header = read_header(write_image(tmp_path / f"x{suffix}", image).read_bytes())
            assert (header.format, header.width, header.height) == (name, 70, 30)
            assert not header.truncated

    def test_cut_short_files_are_flagged(self, tmp_path) -> None:
        image = load_photo("coffee.png")
        for suffix in (".jpg", ".png"):
            data = write_image(tmp_path / f"x{suffix}", image).read_bytes()
            assert read_header(data[: len(data) // 2]).truncated
            with pytest.raises(ImageError, match="cut short"):
                decode_gray(data[: len(data) // 2])

    def test_unknown_bytes(self) -> None:
        assert read_header(b"hello, this is text").format == "unknown"
        with pytest.raises(ImageError, match="not an image"):
            decode_gray(b"hello, this is text")


# Flat, low-information images (a silhouette on white, a faint cell culture) drift more
# than the threshold between any two decodes once noise is added: the noise decides
# bits where neighbouring cells are equal. Issue 4's verification step is for them.
_LOW_INFORMATION = {"horse.png", "cell.png"}
_ORDINARY = [n for n in PHOTO_NAMES if n not in _LOW_INFORMATION]


@pytest.mark.parametrize("name", ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"])
def test_camera_size_jpeg_is_decoded_at_one_eighth(name: str) -> None:
    data = _noisy_camera_jpeg(name, (4032, 3024))
    reduced = decode_gray(data)
    full = decode_gray(data, DecodeOptions(reduced=False))
    assert reduced.shape == (378, 504)  # decoded straight to 1/8 scale
    assert full.shape == (3024, 4032)
    assert dhash(reduced) - dhash(full) <= DEFAULT_THRESHOLD


@pytest.mark.parametrize("name", [*_ORDINARY, "cell.png"])
def test_reduced_and_full_decode_give_hashes_within_threshold(name: str) -> None:
    data = _noisy_camera_jpeg(name, (2016, 1512))
    full = dhash(decode_gray(data, DecodeOptions(reduced=False)))
    assert dhash(decode_gray(data)) - full <= DEFAULT_THRESHOLD


@pytest.mark.parametrize("name", _ORDINARY)
def test_same_photo_at_camera_and_web_size_is_near(name: str, tmp_path) -> None:
    big = tmp_path / "big.jpg"
    big.write_bytes(_noisy_camera_jpeg(name, (2016, 1512)))
    small = write_image(tmp_path / "small.jpg", resized(cv2.imread(str(big)), 0.25), 85)
    assert hash_file(str(big)) - hash_file(str(small)) <= DEFAULT_THRESHOLD


@pytest.mark.parametrize("shape", [(2, 100), (1, 1), (8, 9), (70, 50)])
def test_tiny_images_decode(tmp_path, shape: tuple[int, int]) -> None:
    image = np.random.default_rng(1).integers(0, 255, shape, dtype=np.uint8)
    for suffix in (".png", ".jpg"):
        hash_file(str(write_image(tmp_path / f"tiny{suffix}", image)))


def test_pixel_budget_refuses_before_decoding(tmp_path) -> None:
    path = write_image(tmp_path / "big.png", np.zeros((2000, 3000), np.uint8))
    with pytest.raises(ImageError, match=r"too large: 3000x2000"):
        decode_gray(path.read_bytes(), DecodeOptions(max_pixels=1_000_000))


class TestReader:
    def test_regular_file(self, tmp_path) -> None:
        (tmp_path / "a.jpg").write_bytes(b"abc")
        assert read_regular_file(str(tmp_path / "a.jpg")) == b"abc"

    def test_empty_file(self, tmp_path) -> None:
        (tmp_path / "a.jpg").touch()
        with pytest.raises(ImageError, match="empty file"):
            read_regular_file(str(tmp_path / "a.jpg"))

    def test_fifo_is_refused_without_blocking(self, tmp_path) -> None:
        os.mkfifo(tmp_path / "x.jpg")
        with pytest.raises(ImageError, match="not a regular file"):
            read_regular_file(str(tmp_path / "x.jpg"))

    def test_socket_and_directory_are_refused(self, tmp_path) -> None:
        (tmp_path / "d.jpg").mkdir()
        with pytest.raises(ImageError):
            read_regular_file(str(tmp_path / "d.jpg"))
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(tmp_path / "s.jpg"))
            with pytest.raises(ImageError):
                read_regular_file(str(tmp_path / "s.jpg"))

    def test_symlink_is_not_followed(self, tmp_path) -> None:
        target = write_image(tmp_path / "real.png", np.zeros((10, 10), np.uint8))
        (tmp_path / "link.png").symlink_to(target)
        with pytest.raises(ImageError, match="symbolic link"):
            read_regular_file(str(tmp_path / "link.png"))

    def test_name_that_is_not_utf8(self, tmp_path) -> None:
        image = load_photo("camera.png")
        path = os.path.join(os.fsencode(tmp_path), b"caf\xe9.png")
        ok, data = cv2.imencode(".png", image)
        assert ok
        with open(path, "wb") as handle:
            handle.write(data.tobytes())
        assert hash_file(os.fsdecode(path)).hex() == "57362e77fe7c1800"


def test_the_library_refuses_a_damaged_jpeg_as_the_command_does(cli, tmp_path) -> None:
    import json

    from conftest import write_image as write

    data = write(tmp_path / "whole.jpg", load_photo("coffee.png")).read_bytes()
    scan = data.find(b"\xff\xda")  # cut inside the scan, then end it properly
    damaged = tmp_path / "backup" / "damaged.jpg"
    damaged.parent.mkdir()
    damaged.write_bytes(data[: scan + (len(data) - scan) // 2] + b"\xff\xd9")
    with pytest.raises(ImageError) as refused:
        hash_file(str(damaged))
    assert str(refused.value).startswith("damaged image: Corrupt JPEG data")
    (tmp_path / "library").mkdir()
    run = cli("--haystack", tmp_path / "library", "--needles", damaged.parent, "--json")
    [image] = json.loads(run.out)["folders"][0]["files"]
    assert (image["state"], image["reason"]) == ("unreadable", str(refused.value))


def _with_chunk(png: bytes, kind: bytes, body: bytes) -> bytes:
    """``png`` with one more ancillary chunk right after its header chunk."""
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    after_header = 8 + 8 + 13 + 4  # signature, IHDR's length, type, data and CRC
    return png[:after_header] + chunk + png[after_header:]


@pytest.mark.parametrize("name", ["coffee.png", "astronaut.png"])
def test_a_png_is_gray_the_same_whatever_gamma_it_states(name: str, tmp_path) -> None:
    # libpng's own gray conversion works in linear light when a PNG states its gamma:
    # the same pixels came out 11 gray levels a pixel darker or lighter with an sRGB or
    # gAMA chunk, and the layout of a colourful picture changed with them
    photo = load_photo(name)
    ok, encoded = cv2.imencode(".png", photo)
    assert ok
    plain = encoded.tobytes()
    as_jpeg = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)  # what a JPEG of these pixels gives
    for kind, body in [(b"sRGB", b"\x00"), (b"gAMA", struct.pack(">I", 45455))]:
        tagged = _with_chunk(plain, kind, body)
        assert read_header(tagged).format == "png"
        assert np.array_equal(decode_gray(tagged, DecodeOptions(reduced=False)), as_jpeg)
        (tmp_path / "tagged.png").write_bytes(tagged)
        (tmp_path / "plain.png").write_bytes(plain)
        assert hash_file(str(tmp_path / "tagged.png")) == hash_file(str(tmp_path / "plain.png"))


#: EXIF (big-endian TIFF) with one entry: orientation 6, "turn 90 degrees clockwise".
_TURNED_CLOCKWISE_EXIF = (
    b"MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00"
    b"\x00\x00\x00\x00"
)


def test_a_transparent_png_is_turned_by_its_exif_as_other_pictures_are(tmp_path) -> None:
    # OpenCV turns a picture by its EXIF orientation except when it keeps the alpha
    # channel: a transparent PNG lay on its side while its JPEG export stood upright
    photo = resized(load_photo("chelsea.png"), 0.5)
    alpha = np.full(photo.shape[:2], 255, np.uint8)
    alpha[: photo.shape[0] // 3] = 128  # half transparent at the top
    stored = np.dstack([photo, alpha])
    ok, encoded = cv2.imencode(".png", stored)
    assert ok
    sideways = _with_chunk(encoded.tobytes(), b"eXIf", _TURNED_CLOCKWISE_EXIF)
    upright = cv2.imencode(".png", cv2.rotate(stored, cv2.ROTATE_90_CLOCKWISE))[1].tobytes()
    (tmp_path / "sideways.png").write_bytes(sideways)
    (tmp_path / "upright.png").write_bytes(upright)
    assert read_header(sideways).alpha
    gray = decode_gray(sideways, DecodeOptions(reduced=False))
    assert np.array_equal(gray, decode_gray(upright, DecodeOptions(reduced=False)))
    assert hash_file(str(tmp_path / "sideways.png")) == hash_file(str(tmp_path / "upright.png"))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_transparent_png_is_turned_as_opencv_turns_it_without_alpha(orientation: int) -> None:
    photo = resized(load_photo("coffee.png"), 0.25)
    stored = np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])  # opaque alpha
    exif = _TURNED_CLOCKWISE_EXIF.replace(b"\x00\x06\x00\x00", bytes([0, orientation, 0, 0]))
    tagged = _with_chunk(cv2.imencode(".png", stored)[1].tobytes(), b"eXIf", exif)
    shown = cv2.imdecode(np.frombuffer(tagged, np.uint8), cv2.IMREAD_COLOR)
    assert read_header(tagged).alpha
    assert np.array_equal(decode_gray(tagged), cv2.cvtColor(shown, cv2.COLOR_BGR2GRAY))


def test_a_transparent_picture_too_large_to_hold_twice_is_taken_as_stored(monkeypatch) -> None:
    # finding the turn decodes the picture a second time; above COLOUR_PIXELS that second
    # copy is not made (memory), and the picture is hashed as its channels are stored
    import hashsearch.decode.image as image

    photo = resized(load_photo("coffee.png"), 0.25)
    stored = np.dstack([photo, np.full(photo.shape[:2], 200, np.uint8)])
    tagged = _with_chunk(cv2.imencode(".png", stored)[1].tobytes(), b"eXIf", _TURNED_CLOCKWISE_EXIF)
    turned = decode_gray(tagged)
    monkeypatch.setattr(image, "COLOUR_PIXELS", photo.shape[0] * photo.shape[1] - 1)
    as_stored = decode_gray(tagged)
    assert as_stored.shape == photo.shape[:2] and turned.shape == photo.shape[1::-1]
    # laid over the background in gray, not in colour (a third the memory): to a gray level
    difference = np.rot90(as_stored, -1).astype(np.int16) - turned
    assert np.abs(difference).max() <= 1


def test_a_jpeg_is_gray_as_stored_and_keeps_its_colour_apart() -> None:
    # a JPEG holds its luma at full size and its colour at half: decoded in colour, the
    # colour is blown up and clipped beside sharp colour edges, and gray made from it is
    # not the stored luma; so a JPEG's gray is libjpeg's gray decode, its chroma map made
    # from a second, small decode (at the 1/8 reduction the colour decode is used whole)
    stripes = np.zeros((200, 300, 3), np.uint8)
    stripes[:, ::6] = (0, 0, 255)  # saturated red and blue lines, a pixel wide
    stripes[:, 3::6] = (255, 0, 0)
    photo = np.where(
        stripes.any(axis=2, keepdims=True), stripes, resized(load_photo("coffee.png"), 0.5)
    )
    data = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    buffer = np.frombuffer(data, np.uint8)
    luma = cv2.imdecode(buffer, cv2.IMREAD_REDUCED_GRAYSCALE_2)
    from_colour = cv2.cvtColor(cv2.imdecode(buffer, cv2.IMREAD_REDUCED_COLOR_2), cv2.COLOR_BGR2GRAY)
    assert np.abs(luma.astype(int) - from_colour).max() > 2  # the two grays differ
    [page] = decode_pages(data)
    assert np.array_equal(page.gray, luma)
    assert page.chroma.any()
