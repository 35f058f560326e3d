"""Every photo format a library holds: a JPEG library matches re-encodes in each of them."""

from __future__ import annotations

import io
import struct
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from conftest import file_states, load_photo, resized, write_image
from hashsearch import ImageError, hash_file
from hashsearch.decode.header import read_header
from hashsearch.decode.image import DecodeOptions, decode_gray, decode_pages


def _pil(image: np.ndarray) -> Image.Image:
    return Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))


def _heic(image: np.ndarray) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    _pil(image).save(out, "HEIF", quality=70)
    return out.getvalue()


def _saved(image: np.ndarray, kind: str, second: np.ndarray | None) -> bytes:
    """``image`` in format ``kind``; GIF and TIFF get a different second frame or page."""
    out = io.BytesIO()
    if kind in ("GIF", "TIFF") and second is not None:
        _pil(image).save(out, kind, save_all=True, append_images=[_pil(second)])
    else:
        _pil(image).save(out, kind)
    return out.getvalue()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    for name in ("chelsea.png", "coffee.png", "astronaut.png"):
        write_image(tmp_path / "library" / f"{Path(name).stem}.jpg", load_photo(name), 88)
    return tmp_path / "library"


def test_jpeg_library_matches_every_format(cli, library, tmp_path) -> None:
    needles = tmp_path / "backup"
    photos = {"chelsea": load_photo("chelsea.png"), "coffee": load_photo("coffee.png")}
    for stem, image in photos.items():
        small = resized(image, 0.7)
        folder = needles / stem
        folder.mkdir(parents=True)
        (folder / "a.heic").write_bytes(_heic(small))
        for kind, suffix in (
            ("WEBP", ".webp"),
            ("TIFF", ".tif"),
            ("GIF", ".gif"),
            ("PNG", ".png"),
            ("BMP", ".bmp"),
        ):
            # a still in each format (an animated GIF is found only in an animated library
            # file: test_an_animation_is_found_only_in_a_library_animation)
            (folder / f"a{suffix}").write_bytes(_saved(small, kind, None))
    run = cli("--haystack", library, "--needles", needles, "--json")
    assert run.code == 0, run.out
    import json

    images = [i for f in json.loads(run.out)["folders"] for i in f["files"]]
    assert len(images) == 12
    assert {i["state"] for i in images} == {"found"}


def _jp2(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jp2", image)
    assert ok
    return data.tobytes()


def test_jpeg_2000_is_compared(cli, library, tmp_path) -> None:
    needles = tmp_path / "scans"
    needles.mkdir()
    chelsea = _jp2(resized(load_photo("chelsea.png"), 0.7))
    (needles / "chelsea.jp2").write_bytes(chelsea)
    codestream = chelsea[chelsea.find(b"jp2c") + 4 :]  # the bare codestream (.j2k)
    (needles / "chelsea.j2k").write_bytes(codestream)
    transparent = cv2.cvtColor(resized(load_photo("coffee.png"), 0.5), cv2.COLOR_BGR2BGRA)
    (needles / "coffee.jp2").write_bytes(_jp2(transparent))
    (needles / "horse.jp2").write_bytes(_jp2(load_photo("horse.png")))  # not in the library
    (needles / "cut.jp2").write_bytes(chelsea[: len(chelsea) // 2])
    for data in (chelsea, codestream):  # its size read before anything is decoded
        header = read_header(data)
        assert (header.format, header.width, header.height, header.truncated) == (
            "jp2",
            316,
            210,
            False,
        )
    run = cli("--haystack", library, "--needles", needles, "--json")
    states = file_states(run.out)
    assert states["chelsea.jp2"] == states["chelsea.j2k"] == states["coffee.jp2"] == ("found", None)
    assert states["horse.jp2"][0] == "new"
    assert states["cut.jp2"] == ("unreadable", "damaged JP2: the file is cut short")


def test_a_jpeg_2000_bomb_is_refused_from_its_header() -> None:
    chelsea = _jp2(load_photo("chelsea.png"))
    at = chelsea.find(b"ihdr") + 4
    bomb = chelsea[:at] + struct.pack(">II", 30000, 30000) + chelsea[at + 8 :]
    with pytest.raises(ImageError, match="image too large: 30000x30000"):
        decode_gray(bomb, DecodeOptions())


def test_animated_gif_and_multipage_tiff_use_the_first_frame(library, tmp_path) -> None:
    from hashsearch import hash_file

    chelsea, horse = load_photo("chelsea.png"), load_photo("horse.png")
    for kind in ("GIF", "TIFF"):
        path = tmp_path / f"x.{kind.lower()}"
        path.write_bytes(_saved(chelsea, kind, horse))
        first = hash_file(str(path))
        assert first - hash_file(str(library / "chelsea.jpg")) <= 4, kind


def test_heif_is_recognised_and_decoded() -> None:
    data = _heic(load_photo("coffee.png"))
    assert read_header(data).format == "heif"
    assert decode_gray(data).shape == (400, 600)
    with pytest.raises(ImageError, match="too large"):
        decode_gray(data, DecodeOptions(max_pixels=1000))


def _heif_collection(*images: np.ndarray) -> bytes:
    """One HEIF file holding each of ``images`` as a top-level picture, the first primary."""
    import pillow_heif

    heif = pillow_heif.from_pillow(_pil(images[0]))
    for image in images[1:]:
        heif.add_from_pillow(_pil(image))
    out = io.BytesIO()
    heif.save(out, quality=80)
    return out.getvalue()


def test_every_picture_of_a_heif_collection_is_checked(cli, tmp_path, monkeypatch) -> None:
    # a file found by its first picture alone would be deleted with the others in it
    coffee, horse = resized(load_photo("coffee.png"), 0.5), load_photo("horse.png")
    data = _heif_collection(coffee, horse)
    pages = decode_pages(data)
    assert [page.size for page in pages] == [(300, 200), (horse.shape[1], horse.shape[0])]
    library, needles = tmp_path / "library", tmp_path / "phone"
    library.mkdir(), needles.mkdir()
    write_image(library / "coffee.jpg", coffee)
    (needles / "two.heic").write_bytes(data)
    (needles / "one.heic").write_bytes(_heic(coffee))
    run = cli("--haystack", library, "--needles", needles, "--json")
    states = file_states(run.out)
    assert states["one.heic"] == ("found", None)
    assert states["two.heic"] == ("new", "page 2 of 2 not in the library")
    assert run.code == 1
    write_image(library / "horse.jpg", horse)
    run = cli("--haystack", library, "--needles", needles, "--json")
    assert (run.code, file_states(run.out)["two.heic"]) == (0, ("found", None))
    # the limits count every picture: refused, not half-checked
    with pytest.raises(ImageError, match=r"pictures hold 191,200 pixels together"):
        decode_pages(data, DecodeOptions(max_pixels=150_000))  # each fits, not both
    three = _heif_collection(coffee, horse, coffee)
    monkeypatch.setattr("hashsearch.decode.image.MAX_PAGES", 2)
    with pytest.raises(ImageError, match=r"3 pictures, more than hashsearch checks \(2\)"):
        decode_pages(three)


def test_without_pillow_heif_heic_is_reported_not_skipped(monkeypatch) -> None:
    data = _heic(load_photo("coffee.png"))
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # as if the extra were missing
    with pytest.raises(ImageError, match=r"unsupported format HEIF \(install hashsearch\[heif\]\)"):
        decode_gray(data)


def _avif(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    _pil(image).save(out, "AVIF", quality=70)  # Pillow's own AVIF (11.3 and later)
    return out.getvalue()


def test_avif_is_decoded_though_pillow_heif_has_no_av1(tmp_path) -> None:
    # pillow-heif 1.0 and later decode no AV1: Pillow's own AVIF takes over
    photo = load_photo("coffee.png")
    data = _avif(photo)
    assert read_header(data).format == "heif"
    assert decode_gray(data).shape == (400, 600)
    with pytest.raises(ImageError, match="too large"):
        decode_gray(data, DecodeOptions(max_pixels=1000))
    write_image(tmp_path / "coffee.png", photo)
    (tmp_path / "coffee.avif").write_bytes(data)
    assert hash_file(str(tmp_path / "coffee.avif")) - hash_file(str(tmp_path / "coffee.png")) <= 4
    damaged = data[: len(data) // 2]
    with pytest.raises(ImageError, match="cannot decode it"):
        decode_gray(damaged)


def test_an_avif_is_turned_as_shown(tmp_path) -> None:
    photo = load_photo("coffee.png")
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter clockwise (stored as the file's irot)
    out = io.BytesIO()
    _pil(photo).save(out, "AVIF", quality=70, exif=exif.tobytes())
    (tmp_path / "turned.avif").write_bytes(out.getvalue())
    write_image(tmp_path / "upright.png", cv2.rotate(photo, cv2.ROTATE_90_CLOCKWISE))
    assert decode_gray(out.getvalue()).shape == (600, 400)
    assert hash_file(str(tmp_path / "turned.avif")) - hash_file(str(tmp_path / "upright.png")) <= 4


def test_without_pillow_heif_avif_is_still_decoded_and_heic_reported(monkeypatch) -> None:
    photo = load_photo("coffee.png")
    heic, avif = _heic(photo), _avif(photo)
    monkeypatch.setitem(sys.modules, "pillow_heif", None)
    assert decode_gray(avif).shape == (400, 600)
    with pytest.raises(ImageError, match=r"unsupported format HEIF"):
        decode_gray(heic)


class _FakeRaw:
    """Stands in for rawpy: no DNG writer is at hand to make a real RAW file at test time."""

    LibRawError = RuntimeError

    class ThumbFormat:
        JPEG, BITMAP = "jpeg", "bitmap"

    def __init__(self, preview: bytes | None) -> None:
        self.preview = preview

    def imread(self, handle):
        outer = self

        class Raw:
            def __enter__(self):
                return self

            def __exit__(self, *exc: object) -> None:
                pass

            def extract_thumb(self):
                kind = outer.ThumbFormat.JPEG if outer.preview else outer.ThumbFormat.BITMAP
                return type("Thumb", (), {"format": kind, "data": outer.preview or b""})()

        assert handle.read(4) == b"II*\x00"  # the file's bytes are handed over
        return Raw()


def test_raw_files_are_hashed_by_their_jpeg_preview(monkeypatch, library, tmp_path) -> None:
    from hashsearch import hash_file

    ok, preview = cv2.imencode(".jpg", resized(load_photo("chelsea.png"), 0.8))
    assert ok
    monkeypatch.setitem(sys.modules, "rawpy", _FakeRaw(preview.tobytes()))
    raw = tmp_path / "IMG_0001.CR2"
    raw.write_bytes(b"II*\x00" + bytes(64))  # TIFF-like, as CR2/NEF/ARW/DNG are
    assert hash_file(str(raw)) - hash_file(str(library / "chelsea.jpg")) <= 4

    monkeypatch.setitem(sys.modules, "rawpy", _FakeRaw(None))
    with pytest.raises(ImageError, match="without an embedded JPEG preview"):
        hash_file(str(raw))
    monkeypatch.setitem(sys.modules, "rawpy", None)  # as if the extra were missing
    with pytest.raises(ImageError, match=r"unsupported format RAW \(install hashsearch\[raw\]\)"):
        hash_file(str(raw))


def test_a_raw_file_is_found_only_in_a_library_raw_file(monkeypatch, tmp_path) -> None:
    from hashsearch import HashParams, Matcher, MatchRules, signature_of_file
    from hashsearch.hash.one import hash_one
    from hashsearch.match.lesser import RAW_NOT_KEPT

    ok, preview = cv2.imencode(".jpg", resized(load_photo("chelsea.png"), 0.8))
    assert ok
    monkeypatch.setitem(sys.modules, "rawpy", _FakeRaw(preview.tobytes()))
    raw = tmp_path / "backup" / "DSC_0001.NEF"
    raw.parent.mkdir()
    raw.write_bytes(b"II*\x00" + bytes(64))
    rendering = write_image(tmp_path / "library" / "DSC_0001.jpg", load_photo("chelsea.png"))
    library_raw = tmp_path / "library" / "DSC_0001.dng"
    library_raw.write_bytes(b"II*\x00" + bytes(80))  # the same picture, kept as RAW
    assert signature_of_file(str(raw)).raw and not signature_of_file(str(rendering)).raw

    def verdict(library: Path, needle: Path) -> tuple[str, str | None]:
        matcher = Matcher(64, MatchRules())
        matcher.add(str(library), signature_of_file(str(library)))
        found = matcher.judge(hash_one(str(needle), HashParams()))
        return found.status, found.reason

    assert verdict(rendering, raw) == ("smaller", RAW_NOT_KEPT)  # the sensor data would go
    assert verdict(library_raw, raw) == ("found", None)
    assert verdict(raw, rendering) == ("found", None)  # a JPEG whose RAW file is kept


def _animation(kind: str, frames: list[np.ndarray]) -> bytes:
    out = io.BytesIO()
    first, *rest = (_pil(frame) for frame in frames)
    first.save(out, kind, save_all=True, append_images=rest, duration=200, loop=0)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "suffix"), [("GIF", ".gif"), ("WEBP", ".webp"), ("PNG", ".png"), ("AVIF", ".avif")]
)
def test_an_animation_is_found_only_in_a_library_animation(cli, tmp_path, kind, suffix) -> None:
    from hashsearch.decode.animation import is_animated

    chelsea = resized(load_photo("chelsea.png"), 0.5)
    frames = [chelsea, np.roll(chelsea, 12, axis=1), np.roll(chelsea, 24, axis=1)]
    animation = _animation(kind, frames)
    assert is_animated(animation) and not is_animated(_saved(chelsea, kind, None))
    library, backup = tmp_path / "library", tmp_path / "backup"
    write_image(library / "still.png", chelsea)  # its first frame, kept as a still
    coffee = resized(load_photo("coffee.png"), 0.5)
    coffees = [coffee, np.roll(coffee, 16, axis=0)]
    (library / "loop.gif").write_bytes(_animation("GIF", coffees))
    (backup / "a").mkdir(parents=True)
    (backup / "a" / f"loop{suffix}").write_bytes(animation)
    (backup / "a" / "coffee.png").write_bytes(_saved(coffee, "PNG", None))
    (backup / "a" / f"coffee-loop{suffix}").write_bytes(_animation(kind, coffees))
    run = cli("--haystack", library, "--needles", backup, "--json")
    states = file_states(run.out)
    assert states[f"a/loop{suffix}"] == (
        "smaller",
        "only a still of it in the library, not the animation",
    )
    assert states["a/coffee.png"] == ("found", None)  # a still whose library copy is animated
    assert states[f"a/coffee-loop{suffix}"] == ("found", None)  # an animation, converted


def test_report_preview_of_a_raw_file_is_its_jpeg_preview(monkeypatch) -> None:
    from hashsearch.decode.preview import decode_preview

    photo = resized(load_photo("chelsea.png"), 0.8)  # 361 x 240
    ok, preview = cv2.imencode(".jpg", photo)
    assert ok
    monkeypatch.setitem(sys.modules, "rawpy", _FakeRaw(preview.tobytes()))
    container = b"II*\x00" + bytes(64)  # as OpenCV would see it: a TIFF, not the photo
    shown = decode_preview(container, 160, name="IMG_0001.CR2")
    assert shown.shape == (106, 160, 3)
    reference = cv2.resize(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY), (160, 106), cv2.INTER_AREA)
    gray = cv2.cvtColor(shown, cv2.COLOR_BGR2GRAY)  # shown in colour, as other JPEGs are
    assert np.abs(gray.astype(int) - reference).mean() < 6
