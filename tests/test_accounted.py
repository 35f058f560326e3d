"""Every file accounted for: no backup folder is "done" while it holds something
hashsearch did not check. One folder per case of the issue, each built for real."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import load_photo, resized, write_image
from hashsearch.hash.signature import record_size


def _jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def _tiff_pages(*images: np.ndarray) -> bytes:
    from PIL import Image

    pages = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2RGB)) for im in images]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def _damaged_inside(data: bytes) -> bytes:
    """4 KB overwritten in the middle of the file, as bit rot leaves it."""
    middle = len(data) // 2
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    return data[:middle] + noise + data[middle + 4096 :]


def _encoded(image: np.ndarray, kind: str) -> bytes:
    from PIL import Image

    if kind == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    pil = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    pil.save(out, kind, **({"compression": "tiff_lzw"} if kind == "TIFF" else {"quality": 85}))
    return out.getvalue()


MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(2000)
QUICKTIME = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + bytes(2000)


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A library, and one backup folder per case (named after it)."""
    root = tmp_path_factory.mktemp("accounted")
    lib, needles = root / "library", root / "backup"
    photos = {n: load_photo(n) for n in ("astronaut.png", "coffee.png", "chelsea.png")}
    for name, image in photos.items():
        write_image(lib / f"{Path(name).stem}.jpg", image)
    astronaut, coffee, chelsea = photos.values()

    def case(name: str) -> Path:
        (needles / name).mkdir(parents=True)
        return needles / name

    (case("only-videos") / "VID_0001.mp4").write_bytes(MP4)
    write_image(case("photo-and-mov") / "IMG_0003.jpg", resized(coffee, 0.8))
    (needles / "photo-and-mov" / "IMG_0004.MOV").write_bytes(QUICKTIME)
    write_image(case("photo-and-raw") / "IMGP0005.jpg", resized(astronaut, 0.8))
    (needles / "photo-and-raw" / "IMGP0006.PEF").write_bytes(b"MM\x00*" + bytes(400))
    (case("jfif") / "photo.jfif").write_bytes(_jpeg(load_photo("horse.png")))
    write_image(case("jpeg-named-png") / "copy.png", chelsea)  # PNG bytes: fine anyway
    (needles / "jpeg-named-png" / "new.png").write_bytes(_jpeg(load_photo("rocket.jpg")))
    write_image(case("hidden") / "IMG_0007.jpg", resized(coffee, 0.6))
    write_image(needles / "hidden" / ".originals" / "IMG_0008.jpg", load_photo("retina.jpg"))
    tiff = _tiff_pages(chelsea, load_photo("text.png"), load_photo("coins.png"))
    (case("multipage-tiff") / "scan.tif").write_bytes(tiff)
    big = cv2.resize(load_photo("camera.png"), (1600, 1200), interpolation=cv2.INTER_CUBIC)
    write_image(case("only-a-thumbnail") / "IMG_0009.jpg", big)
    write_image(lib / "thumbs" / "IMG_0009.jpg", cv2.resize(big, (96, 72), cv2.INTER_AREA), 40)
    write_image(case("junk-only-extras") / "IMG_0010.jpg", resized(astronaut, 0.5))
    for junk in (".DS_Store", "Thumbs.db", "desktop.ini", "._IMG_0010.jpg"):
        (needles / "junk-only-extras" / junk).write_bytes(b"\x00\x05\x16\x07 junk")
    for kind, suffix in (("HEIF", ".heic"), ("WEBP", ".webp"), ("TIFF", ".tif")):
        picture = load_photo("gravel.png" if kind == "TIFF" else "brick.png")
        picture = resized(picture, 1.5) if kind != "TIFF" else picture
        name = f"damaged-{kind.lower()}"
        (lib / f"{name}{suffix}").write_bytes(_damaged_inside(_encoded(picture, kind)))
        write_image(case(f"library-copy-{name}") / "IMG.jpg", picture)
    return root, lib, needles


def _run(cli, lib: Path, needles: Path, *more: str | os.PathLike[str]):
    run = cli("--haystack", lib, "--needles", needles, "--json", *more)
    doc = json.loads(run.out)
    states = {f["path"]: (f["state"], f["reason"]) for d in doc["folders"] for f in d["files"]}
    listed = {d["folder"] for d in doc["folders"] if d["to_import"]}
    return run, doc, states, listed


EXPECTED = {
    "only-videos/VID_0001.mp4": "unreadable",  # a container with no stream in it
    "photo-and-mov/IMG_0003.jpg": "found",
    "photo-and-mov/IMG_0004.MOV": "unreadable",
    "photo-and-raw/IMGP0005.jpg": "found",
    "photo-and-raw/IMGP0006.PEF": "unreadable",
    "jfif/photo.jfif": "new",
    "jpeg-named-png/copy.png": "found",
    "jpeg-named-png/new.png": "new",
    "hidden/IMG_0007.jpg": "found",
    "hidden/.originals/IMG_0008.jpg": "new",
    "multipage-tiff/scan.tif": "new",
    "only-a-thumbnail/IMG_0009.jpg": "smaller",
    "junk-only-extras/IMG_0010.jpg": "found",
    "library-copy-damaged-heif/IMG.jpg": "new",
    "library-copy-damaged-webp/IMG.jpg": "new",
    "library-copy-damaged-tiff/IMG.jpg": "new",
}
LISTED = {
    "only-videos",
    "photo-and-mov",
    "photo-and-raw",
    "jfif",
    "jpeg-named-png",
    "hidden/.originals",
    "multipage-tiff",
    "only-a-thumbnail",
    "library-copy-damaged-heif",
    "library-copy-damaged-webp",
    "library-copy-damaged-tiff",
}


def test_every_file_ends_in_one_state_and_no_folder_is_done_early(cli, backup, tmp_path) -> None:
    _, lib, needles = backup
    run, doc, states, listed = _run(cli, lib, needles, "--cache", tmp_path / "c.db")
    assert run.code == 1
    assert {path: state for path, (state, _) in states.items()} == EXPECTED
    assert listed == LISTED
    assert states["only-videos/VID_0001.mp4"][1].startswith("not a video FFmpeg can decode")
    assert states["multipage-tiff/scan.tif"][1] == "pages 2, 3 of 3 not in the library"
    assert (
        states["only-a-thumbnail/IMG_0009.jpg"][1] == "only a smaller copy in the library (96x72)"
    )
    thumb = next(
        f for d in doc["folders"] for f in d["files"] if f["path"].endswith("IMG_0009.jpg")
    )
    assert thumb["size"] == [1600, 1200] and thumb["match"]["size"] == [96, 72]
    junk = sorted(os.path.basename(j["path"]) for j in doc["needles"]["junk"])
    assert junk == [".DS_Store", "._IMG_0010.jpg", "Thumbs.db", "desktop.ini"]
    # the summary says why each listed folder is listed
    verbose = cli("--haystack", lib, "--needles", needles, "-v", "--cache", tmp_path / "c.db")
    assert "to import: photo-and-mov (1 found, 1 unreadable)" in verbose.err
    thumbnail = "to import: only-a-thumbnail (1 only a smaller or partial copy in the library)"
    assert thumbnail in verbose.err
    assert "2 not a video FFmpeg can decode" in verbose.err


def test_list_images_lists_every_file_not_found(cli, backup) -> None:
    _, lib, needles = backup
    run = cli("--haystack", lib, "--needles", needles, "--list-images", "--no-cache")
    assert sorted(run.lines) == sorted(p for p, s in EXPECTED.items() if s != "found")


def test_accept_smaller_counts_a_thumbnail(cli, backup) -> None:
    _, lib, needles = backup
    run, _, states, _ = _run(cli, lib, needles / "only-a-thumbnail", "--accept-smaller")
    assert (run.code, states["IMG_0009.jpg"][0]) == (0, "found")


def test_exclude_leaves_out_on_purpose_and_counts_it(cli, backup) -> None:
    _, lib, needles = backup
    run = cli("--haystack", lib, "--needles", needles / "photo-and-mov", "--exclude", "*.MOV")
    assert (run.code, run.out) == (0, "")
    assert "1 left out by --exclude" in run.err


def test_a_library_copy_damaged_after_the_cache_was_filled_is_read_again(cli, tmp_path) -> None:
    lib, needles = tmp_path / "library", tmp_path / "backup"
    photo = load_photo("chelsea.png")
    copy = write_image(lib / "chelsea.jpg", resized(photo, 2.0), 92)
    write_image(needles / "card" / "IMG_1.jpg", photo)
    cache = tmp_path / "c.db"
    first = cli("--haystack", lib, "--needles", needles, "--cache", cache)
    assert (first.code, first.out) == (0, "")
    info = copy.stat()
    data = copy.read_bytes()
    scan = data.find(b"\xff\xda")
    copy.write_bytes(data[: scan + 2000] + bytes(4096) + data[scan + 6096 :])  # bit rot
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))  # its mtime set back
    assert copy.stat().st_mtime_ns == info.st_mtime_ns
    second = cli("--haystack", lib, "--needles", needles, "--cache", cache, "-v")
    assert (second.code, second.out) == (1, "card\n")
    assert "chelsea.jpg: damaged image" in second.err


def test_rehash_reads_every_file_again(cli, tmp_path) -> None:
    lib, needles = tmp_path / "library", tmp_path / "backup"
    photo = write_image(lib / "a.jpg", load_photo("coffee.png"))
    write_image(needles / "a.jpg", load_photo("coffee.png"))
    cache = tmp_path / "c.db"
    assert cli("--haystack", lib, "--needles", needles, "--cache", cache).code == 0
    import sqlite3

    db = sqlite3.connect(cache)  # plant a wrong signature: only a re-read can correct it
    (blob,) = db.execute(
        "SELECT signature FROM hashes WHERE path = ?", (os.fsencode(photo),)
    ).fetchone()
    head = len(blob) % record_size(64)  # the record's head is kept, so that it is read
    wrong = blob[:head] + bytes(len(blob) - head)
    db.execute("UPDATE hashes SET signature = ? WHERE path = ?", (wrong, os.fsencode(photo)))
    db.commit()
    db.close()
    assert cli("--haystack", lib, "--needles", needles, "--cache", cache).code == 1
    assert cli("--haystack", lib, "--needles", needles, "--cache", cache, "--rehash").code == 0
    assert photo.exists()
