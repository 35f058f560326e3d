"""Hostile inputs: every run completes, in bounded time and memory, lists what it must,
and leaves both trees exactly as they were (path, size, mtime, sha256)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import REPO, hashsearch_command, load_photo, obeying_file_modes, resized, write_image

sys.path.insert(0, str(REPO / "benchmarks"))
from _common import run_measured

TIME_BOUND = 120.0  # seconds for a whole run over the corpus
MEMORY_BOUND_MB = 600  # all processes of the run; decoding the bomb alone takes ~900 MB


def _png_bomb(path: Path, side: int = 30000) -> None:
    """A valid grayscale PNG of side x side black pixels, ~110 KB, written with zlib."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(side)  # filter byte + pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _snapshot(*roots: Path) -> dict[bytes, tuple[str, int, int, str]]:
    """Every entry under the roots: kind, size, mtime (ns) and sha256 of regular files."""
    seen = {}
    for root in roots:
        for folder, dirs, files in os.walk(os.fsencode(root)):
            for name in dirs + files:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                digest = ""
                if os.path.isfile(path) and not os.path.islink(path) and info.st_mode & 0o444:
                    try:
                        with open(path, "rb") as handle:
                            digest = hashlib.sha256(handle.read()).hexdigest()
                    except OSError:
                        digest = "unreadable"
                seen[path] = (oct(info.st_mode), info.st_size, info.st_mtime_ns, digest)
    return seen


def _jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A haystack, and one needle folder per hostile case (named after it)."""
    from PIL import Image

    root = tmp_path_factory.mktemp("hostile")
    hay, needles, outside = root / "library", root / "backup", root / "outside"
    coffee, astronaut, chelsea = (
        load_photo(n) for n in ("coffee.png", "astronaut.png", "chelsea.png")
    )
    write_image(hay / "coffee.jpg", coffee)
    write_image(hay / "astronaut.jpg", astronaut)
    write_image(hay / "black.png", np.zeros((300, 400), np.uint8))
    whole = _jpeg(chelsea)
    (hay / "damaged").mkdir()
    (hay / "damaged" / "chelsea-cut.jpg").write_bytes(whole[: len(whole) * 2 // 3])

    def case(name: str) -> Path:
        folder = needles / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    (case("zero-byte") / "a.jpg").touch()
    (case("text-as-png") / "notes.png").write_text("these are not pixels\n")
    cut = _jpeg(coffee)
    (case("truncated-jpeg") / "a.jpg").write_bytes(cut[: len(cut) // 2])
    png = write_image(root / "tmp.png", coffee).read_bytes()
    (case("truncated-png") / "a.png").write_bytes(png[: len(png) // 2])
    _png_bomb(case("png-bomb") / "bomb.png")
    scan = cut.find(b"\xff\xda")  # cut inside the scan, then end it properly
    (case("corrupt-jpeg") / "a.jpg").write_bytes(cut[: scan + (len(cut) - scan) // 2] + b"\xff\xd9")
    rgb = cv2.cvtColor(resized(coffee, 0.8), cv2.COLOR_BGR2RGB)
    Image.fromarray(rgb).convert("CMYK").save(case("cmyk-jpeg-copy") / "a.jpg", "JPEG")
    wide = resized(astronaut, 0.7).astype(np.uint16) * 257
    cv2.imwrite(str(case("16-bit-png-copy") / "a.png"), wide)
    rgba = cv2.cvtColor(resized(coffee, 0.6), cv2.COLOR_BGR2BGRA)
    cv2.imwrite(str(case("alpha-png-copy") / "a.png"), rgba)
    frames = [Image.fromarray(cv2.cvtColor(resized(chelsea, 0.5), cv2.COLOR_BGR2RGB))] * 2
    frames[0].save(case("animated-gif") / "a.gif", save_all=True, append_images=frames[1:])
    (case("video") / "clip.mov").write_bytes(b"\x00\x00\x00\x18ftypqt  " + bytes(100))
    os.mkfifo(case("fifo") / "x.jpg")
    write_image(outside / "elsewhere.jpg", chelsea)
    (case("symlink-outside") / "link.jpg").symlink_to(outside / "elsewhere.jpg")
    loop = case("symlink-loop")
    (loop / "loop").symlink_to(loop)
    (loop / "self.jpg").symlink_to(loop / "self.jpg")
    odd = os.path.join(os.fsencode(case("invalid-utf8-copy")), b"IMG_\xff\xfe.jpg")
    with open(odd, "wb") as handle:
        handle.write(_jpeg(resized(astronaut, 0.5)))
    write_image(case("newline-name") / "two\nlines.jpg", chelsea)
    write_image(case("blank-white") / "white.png", np.full((300, 400), 255, np.uint8))
    write_image(
        case("tiny") / "100x2.png", np.random.default_rng(0).integers(0, 255, (2, 100), np.uint8)
    )
    write_image(case("tiny") / "1x1.png", np.full((1, 1), 128, np.uint8))
    write_image(case("directory-named-jpg") / "x.jpg" / "inside.jpg", resized(coffee, 0.5))
    write_image(case("damaged-haystack-copy") / "chelsea.jpg", chelsea)
    write_image(case("unreadable-file") / "secret.jpg", resized(coffee, 0.5)).chmod(0)
    locked = case("unreadable-folder") / "locked"
    write_image(locked / "a.jpg", resized(coffee, 0.5))
    locked.chmod(0)
    deep = Path(os.path.join(case("deep"), *["d"] * 60))
    write_image(deep / "a.jpg", resized(astronaut, 0.5))
    return root, hay, needles


# What each case must come to: listed (something to import) or not.
LISTED = {
    "video",  # an undecodable video: never silently "done"
    "animated-gif",  # its first frame is a photo the library does not have
    "corrupt-jpeg",
    "zero-byte",
    "text-as-png",
    "truncated-jpeg",
    "truncated-png",
    "png-bomb",
    "fifo",
    "newline-name",
    "blank-white",
    "tiny",
    "damaged-haystack-copy",
    "unreadable-file",
    "unreadable-folder/locked",
}
NOT_LISTED = {
    "cmyk-jpeg-copy",
    "16-bit-png-copy",
    "alpha-png-copy",
    "invalid-utf8-copy",
    "directory-named-jpg/x.jpg",
    "deep/" + "/".join(["d"] * 60),
}


def _run(args: list[str], cache: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run the command; wall time and the peak summed RSS of its whole process tree."""
    command = hashsearch_command("--cache", cache, *args)
    measured = run_measured([*obeying_file_modes(), *command], timeout=TIME_BOUND * 2)
    done = subprocess.CompletedProcess(
        command, measured.returncode, measured.stdout, measured.stderr
    )
    return done, measured.seconds, measured.peak_rss_mb


def test_hostile_corpus(corpus, tmp_path) -> None:
    _, hay, needles = corpus
    before = _snapshot(hay, needles)
    done, elapsed, peak_mb = _run(
        ["-v", "--json", "--haystack", str(hay), "--needles", str(needles)], tmp_path / "c.db"
    )
    assert done.returncode in (0, 1), done.stderr
    assert elapsed < TIME_BOUND
    assert peak_mb < MEMORY_BOUND_MB
    assert _snapshot(hay, needles) == before  # nothing written, nothing touched

    doc = json.loads(done.stdout)
    verdicts = {f["folder"]: f for f in doc["folders"]}
    listed = {name for name, f in verdicts.items() if f["to_import"]}
    assert listed >= LISTED, sorted(LISTED - listed)
    assert not (NOT_LISTED & listed), sorted(NOT_LISTED & listed)
    assert set(verdicts) >= NOT_LISTED, sorted(NOT_LISTED - set(verdicts))

    def reason(folder: str) -> str:
        if verdicts[folder]["reason"]:
            return verdicts[folder]["reason"]
        return " ".join(i["reason"] or i["state"] for i in verdicts[folder]["files"])

    assert "empty file" in reason("zero-byte")
    assert "not an image" in reason("text-as-png")
    assert "cut short" in reason("truncated-jpeg") and "cut short" in reason("truncated-png")
    assert "too large: 30000x30000" in reason("png-bomb")
    assert "damaged image: Corrupt JPEG data: premature end" in reason("corrupt-jpeg")
    assert "Corrupt JPEG" not in done.stderr.replace(reason("corrupt-jpeg"), "")  # no chatter
    assert "not a regular file" in reason("fifo")
    assert "permission denied" in reason("unreadable-file")
    assert "permission denied" in reason("unreadable-folder/locked")
    assert reason("blank-white") == "new"
    assert reason("damaged-haystack-copy") == "new"  # its only library copy is damaged
    assert "cut short" in json.dumps(doc["haystack"]["unreadable"])
    # not followed, not an image folder, but said under -v
    assert "symlink-outside" not in verdicts and "symlink-loop" not in verdicts
    assert "link.jpg: symbolic link, not followed" in done.stderr
    assert verdicts["newline-name"]["files"][0]["path"] == "newline-name/two\nlines.jpg"
    assert "Traceback" not in done.stderr
    # a video container with nothing FFmpeg can decode is unreadable: its folder is listed
    assert "not a video FFmpeg can decode" in reason("video")


def test_needles_nested_in_the_haystack(corpus, tmp_path) -> None:
    _, hay, _ = corpus
    inside = hay / "import-2019"
    write_image(inside / "new.jpg", load_photo("horse.png"))
    write_image(inside / "copy.jpg", resized(load_photo("coffee.png"), 0.5))
    try:
        before = _snapshot(hay)
        done, elapsed, _ = _run(["--haystack", str(hay), "--needles", str(inside)], tmp_path / "c")
        assert _snapshot(hay) == before
    finally:
        for path in inside.iterdir():
            path.unlink()
        inside.rmdir()
    assert done.returncode == 1 and done.stdout == ".\n"  # horse is new; nothing matched itself
    assert "lies inside" in done.stderr and elapsed < TIME_BOUND


def test_haystack_nested_in_the_needles(tmp_path) -> None:
    backup = tmp_path / "backup"
    library = backup / "library"  # someone kept the library inside the backup drive
    write_image(library / "coffee.jpg", load_photo("coffee.png"))
    write_image(backup / "old" / "coffee-small.jpg", resized(load_photo("coffee.png"), 0.5))
    write_image(backup / "old-2" / "horse.jpg", load_photo("horse.png"))
    before = _snapshot(backup)
    done, _, _ = _run(["--haystack", str(library), "--needles", str(backup)], tmp_path / "c")
    assert _snapshot(backup) == before
    # the library's own photos are not needles: "library" is not listed as a folder to import
    assert (done.returncode, done.stdout) == (1, "old-2\n")
    assert "the haystack folder lies inside" in done.stderr
