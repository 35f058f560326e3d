"""The persistent hash cache: reuse, invalidation, damage, read-only and concurrent use."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import (
    PHOTO_NAMES,
    hashsearch_command,
    load_photo,
    run_obeying_file_modes,
    write_image,
)
from hashsearch import HashParams, ImageHash
from hashsearch.decode.image import DecodeOptions
from hashsearch.hash.cache import HashCache, default_cache_path, stamp_of
from hashsearch.hash.many import hash_paths
from hashsearch.hash.one import HashResult
from hashsearch.hash.signature import INSETS, THUMB_SIDE, Signature

PARAMS = HashParams()


def _sig(value: int) -> Signature:
    """A signature whose whole-image hash is ``value`` (thumbnails blank)."""
    hashes = tuple(ImageHash(value) for _ in INSETS)
    return Signature(hashes, np.zeros((THUMB_SIDE, THUMB_SIDE), np.uint8))


@pytest.fixture
def photo_files(tmp_path: Path) -> list[str]:
    return [
        str(write_image(tmp_path / "photos" / f"{Path(n).stem}.jpg", load_photo(n)))
        for n in PHOTO_NAMES[:6]
    ]


def _open(path: Path, warnings: list[str] | None = None, key: str = PARAMS.cache_key) -> HashCache:
    cache = HashCache.open(path, key, (warnings if warnings is not None else []).append)
    assert cache is not None
    return cache


def _hash(files: list[str], cache: HashCache | None, jobs: int = 1) -> dict[str, HashResult]:
    return hash_paths(files, PARAMS, jobs=jobs, cache=cache)


def test_default_location_follows_xdg(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "hashsearch" / "hashes.sqlite3"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_cache_path() == Path.home() / ".cache" / "hashsearch" / "hashes.sqlite3"


def test_entries_are_reused_while_size_mtime_ctime_and_inode_match(tmp_path) -> None:
    cache = _open(tmp_path / "c.sqlite3")
    value = _sig(0xABC)
    cache.put("/p/a.jpg", (10, 123, 456, 7), [value])
    cache.commit()
    assert cache.get("/p/a.jpg", (10, 123, 456, 7)) == (value,)
    assert cache.get("/p/a.jpg", (11, 123, 456, 7)) is None  # size changed
    assert cache.get("/p/a.jpg", (10, 124, 456, 7)) is None  # mtime changed
    assert cache.get("/p/a.jpg", (10, 123, 457, 7)) is None  # rewritten, mtime set back
    assert cache.get("/p/a.jpg", (10, 123, 456, 8)) is None  # another file under the name
    assert cache.get("/p/b.jpg", (10, 123, 456, 7)) is None
    cache.close()
    other = _open(tmp_path / "c.sqlite3", key="dhash16:v1")  # other hash parameters
    assert other.get("/p/a.jpg", (10, 123, 456, 7)) is None
    other.close()


def test_any_file_name_round_trips(tmp_path) -> None:
    name = os.fsdecode(b"/photos/caf\xe9\n.jpg")
    with _open(tmp_path / "c.sqlite3") as cache:
        cache.put(name, (1, 2, 3, 4), [_sig(7), _sig(8)])  # two pages
    with _open(tmp_path / "c.sqlite3") as cache:
        assert cache.get(name, (1, 2, 3, 4)) == (_sig(7), _sig(8))


def test_second_run_hashes_nothing_and_gives_the_same_hashes(photo_files, tmp_path) -> None:
    first = _hash(photo_files, _open(tmp_path / "c.sqlite3"))
    warm = _open(tmp_path / "c.sqlite3")
    for path in photo_files:
        assert warm.get(path, stamp_of(os.lstat(path))) == first[path].pages
    assert any(first[path].pages[0].chroma.any() for path in photo_files)  # colour kept too
    assert _hash(photo_files, warm) == first
    # prove the second run read the cache: plant a value no decoder would produce
    warm.put(photo_files[0], stamp_of(os.lstat(photo_files[0])), [_sig(0x1234)])
    warm.commit()
    assert _hash(photo_files, warm)[photo_files[0]].signature == _sig(0x1234)


def test_changed_file_is_hashed_again(photo_files, tmp_path) -> None:
    with _open(tmp_path / "c.sqlite3") as cache:
        _hash(photo_files, cache)
    target = photo_files[0]
    write_image(Path(target), load_photo("horse.png"))  # new content, new size and mtime
    with _open(tmp_path / "c.sqlite3") as cache:
        again = _hash(photo_files, cache)
    assert again[target].hash == _hash([target], None)[target].hash


def test_an_entry_that_does_not_parse_is_read_again_and_the_cache_kept(photo_files, tmp_path):
    path = tmp_path / "c.sqlite3"
    with _open(path) as cache:
        first = _hash(photo_files, cache)
    with sqlite3.connect(path) as db:  # one value garbled (another version wrote it, or rot)
        db.execute("UPDATE hashes SET signature = ? WHERE path = ?", (b"HSVIDEO9xx",
                   os.fsencode(photo_files[0])))  # fmt: skip
        db.execute("UPDATE hashes SET signature = ? WHERE path = ?", ("HSPHOTO1 as text",
                   os.fsencode(photo_files[1])))  # fmt: skip
    warnings: list[str] = []
    with _open(path, warnings) as cache:
        assert _hash(photo_files, cache) == first
    assert warnings == []
    with _open(path) as cache:  # the entry was written again, the others kept
        assert (
            cache.get(photo_files[0], stamp_of(os.lstat(photo_files[0])))
            == first[photo_files[0]].pages
        )


def test_damaged_cache_is_moved_aside_and_rebuilt(photo_files, tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    with _open(path) as cache:
        _hash(photo_files, cache)
    data = bytearray(path.read_bytes())
    data[4096:] = b"this is not a database page" * ((len(data) - 4096) // 27 + 1)
    path.write_bytes(bytes(data[: len(path.read_bytes())]))  # our header, pages damaged
    warnings: list[str] = []
    with _open(path, warnings) as cache:
        _hash(photo_files, cache)
    assert len(warnings) == 1 and "damaged; moved it to" in warnings[0]
    assert len(list(tmp_path.glob("c.sqlite3.corrupt-*"))) == 1
    with _open(path) as cache:
        assert cache.get(photo_files[0], stamp_of(os.lstat(photo_files[0]))) is not None


def test_a_file_that_is_not_a_cache_is_left_exactly_as_it_is(tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    warnings: list[str] = []
    assert HashCache.open(path, PARAMS.cache_key, warnings.append) is None
    assert "is not a hashsearch cache" in warnings[0] and "left as it is" in warnings[0]
    assert path.read_bytes() == b"this is not a database" * 100
    assert [p.name for p in tmp_path.iterdir()] == ["c.sqlite3"]


def test_read_only_cache_location_means_a_run_without_cache(tmp_path) -> None:
    hay, needles = tmp_path / "hay", tmp_path / "needles"
    write_image(hay / "a.jpg", load_photo("coffee.png"))
    write_image(needles / "b.jpg", load_photo("coffee.png"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        done = run_obeying_file_modes(
            "--haystack", hay, "--needles", needles, "--cache", locked / "sub" / "c.db"
        )
    finally:
        locked.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert (
        "hashsearch: warning: cache" in done.stderr and "running without the cache" in done.stderr
    )


def test_locked_cache_means_a_run_without_cache(photo_files, tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    _open(path).close()
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock, and keeps it
    warnings: list[str] = []
    try:
        cache = HashCache.open(path, PARAMS.cache_key, warnings.append, lock_timeout=0.2)
        results = _hash(photo_files, cache)
        if cache is not None:
            cache.close()
    finally:
        holder.rollback()
        holder.close()
    assert all(r.hash is not None for r in results.values())
    assert len(warnings) == 1 and "database is locked" in warnings[0]


def test_a_writer_waits_for_a_short_lock(tmp_path) -> None:
    path = tmp_path / "c.sqlite3"
    _open(path).close()
    holder = sqlite3.connect(path, timeout=0, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.5, holder.rollback).start()
    warnings: list[str] = []
    with _open(path, warnings) as cache:
        cache.put("/a.jpg", (1, 2, 3, 4), [_sig(3)])
    assert warnings == []
    with _open(path) as cache:
        assert cache.get("/a.jpg", (1, 2, 3, 4)) == (_sig(3),)
    holder.close()


def test_two_runs_at_once_share_the_cache(photo_files, tmp_path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    hay = Path(photo_files[0]).parent
    # the same folder twice is refused, so the needles are a copy of the haystack
    needles = tmp_path / "needles"
    needles.mkdir()
    for path in photo_files:
        (needles / Path(path).name).write_bytes(Path(path).read_bytes())
    command = hashsearch_command("--haystack", hay, "--needles", needles, "--jobs", "1")
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert not any("warning" in err for _, err in outputs), outputs
    db = sqlite3.connect(tmp_path / "xdg" / "hashsearch" / "hashes.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM hashes").fetchone() == (2 * len(photo_files),)


def test_every_parameter_that_changes_a_signature_is_in_the_key(tmp_path) -> None:
    from hashsearch import DecodeOptions

    camera = np.clip(
        cv2.resize(load_photo("chelsea.png"), (2016, 1512)).astype(int)
        + np.random.default_rng(0).normal(0, 4, (1512, 2016, 3)),
        0,
        255,
    ).astype(np.uint8)
    files = [str(write_image(tmp_path / "camera.jpg", camera, 92))]
    full = HashParams(decode=DecodeOptions(reduced=False))
    assert full.cache_key != PARAMS.cache_key
    expected = {p: hash_paths(files, p, jobs=1)[files[0]].signature for p in (PARAMS, full)}
    assert expected[PARAMS] != expected[full]  # the reduced decode gives other thumbnails
    for params in (PARAMS, full, PARAMS, full):  # one cache file, runs alternating
        with _open(tmp_path / "c.sqlite3", key=params.cache_key) as cache:
            got = hash_paths(files, params, jobs=1, cache=cache)[files[0]].signature
        assert got == expected[params]


def _cached_paths(cache: Path) -> set[str]:
    db = sqlite3.connect(cache)
    try:
        return {os.fsdecode(row[0]) for row in db.execute("SELECT path FROM hashes")}
    finally:
        db.close()


def test_entries_of_files_gone_from_a_tree_scanned_whole_are_removed(cli, tmp_path) -> None:
    hay, needles = tmp_path / "hay", tmp_path / "needles"
    kept = write_image(hay / "a.jpg", load_photo("coffee.png"))
    gone = write_image(hay / "b.jpg", load_photo("chelsea.png"))
    write_image(needles / "c.jpg", load_photo("coffee.png"))
    cache = tmp_path / "c.db"
    cli("--haystack", hay, "--needles", needles, "--cache", cache)
    assert {str(kept), str(gone)} <= _cached_paths(cache)
    gone.unlink()
    cli("--haystack", hay, "--needles", needles, "--cache", cache)
    assert str(gone) not in _cached_paths(cache) and str(kept) in _cached_paths(cache)


def test_prune_cache_and_cache_info(cli, tmp_path) -> None:
    hay, needles = tmp_path / "hay", tmp_path / "needles"
    for name in ("coffee.png", "chelsea.png", "astronaut.png"):
        write_image(hay / f"{name}.jpg", load_photo(name))
    write_image(needles / "c.jpg", load_photo("coffee.png"))
    cache = tmp_path / "c.db"
    cli("--haystack", hay, "--needles", needles, "--cache", cache)
    info = cli("--cache-info", "--cache", cache)
    assert info.code == 0 and f"cache: {cache}" in info.out
    assert "entries: 4 (4 files)" in info.out and "bytes a file" in info.out
    for path in hay.iterdir():  # the library moved away: its entries are stale everywhere
        path.unlink()
    run = cli("--prune-cache", "--cache", cache)
    assert run.code == 0 and "removed 3 cache entries" in run.err
    assert "entries: 1 (1 file)" in cli("--cache-info", "--cache", cache).out


def _no_workers(monkeypatch) -> None:
    """Make starting workers fail: what follows must come from the cache or the sniff."""
    import hashsearch.hash.many as many

    def refused(paths, *args, **kwargs) -> None:
        raise AssertionError(f"workers started for {list(paths)}")

    monkeypatch.setattr(many, "hash_in_workers", refused)


def test_a_file_unreadable_for_a_lasting_reason_is_not_decoded_again(tmp_path, monkeypatch):
    photo = write_image(tmp_path / "a" / "photo.jpg", load_photo("coffee.png"))
    cut = tmp_path / "a" / "cut.jpg"
    cut.write_bytes(photo.read_bytes()[:5000])  # damaged: cut short
    text = tmp_path / "a" / "notes.jpg"
    text.write_text("not a picture at all")  # named like one, holds none
    files = [str(photo), str(cut), str(text)]
    with _open(tmp_path / "c.sqlite3") as cache:
        first = _hash(files, cache)
    assert first[str(cut)].reason == "damaged JPEG: the file is cut short"
    assert first[str(text)].reason is not None and first[str(text)].signature is None
    _no_workers(monkeypatch)
    with _open(tmp_path / "c.sqlite3") as cache:
        again = _hash(files, cache)
    assert {p: (r.reason, r.kind) for p, r in again.items()} == {
        p: (r.reason, r.kind) for p, r in first.items()
    }


def test_a_file_judged_unreadable_is_tried_again_after_its_decoders_change(
    tmp_path, monkeypatch
) -> None:
    # a newer OpenCV (or libheif, LibRaw) may read what an older one refused: the cached
    # verdict counts only while the decoders that made it are the ones installed
    import hashsearch.hash.many as many
    import hashsearch.hash.record as record

    cut = tmp_path / "a" / "cut.jpg"
    cut.parent.mkdir()
    cut.write_bytes(
        write_image(tmp_path / "photo.jpg", load_photo("coffee.png")).read_bytes()[:5000]
    )
    with _open(tmp_path / "c.sqlite3") as cache:
        assert _hash([str(cut)], cache)[str(cut)].reason == "damaged JPEG: the file is cut short"
    started: list[str] = []
    real = many.hash_in_workers

    def counted(paths, *args, **kwargs):
        started.extend(paths)
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(many, "hash_in_workers", counted)
    monkeypatch.setattr(record, "decoder_versions", lambda: "opencv-python-headless 99.0")
    with _open(tmp_path / "c.sqlite3") as cache:  # judged by other decoders: decoded again
        assert _hash([str(cut)], cache)[str(cut)].reason == "damaged JPEG: the file is cut short"
    assert started == [str(cut)]
    with _open(tmp_path / "c.sqlite3") as cache:  # and remembered for these ones
        _hash([str(cut)], cache)
    assert started == [str(cut)]


def test_a_failure_that_depends_on_a_setting_is_tried_again(tmp_path) -> None:
    photo = str(write_image(tmp_path / "a" / "photo.png", load_photo("coffee.png")))
    tight = HashParams(decode=DecodeOptions(max_pixels=1000))
    with _open(tmp_path / "c.sqlite3", key=tight.cache_key) as cache:
        refused = hash_paths([photo], tight, jobs=1, cache=cache)[photo]
    assert refused.reason is not None and refused.reason.startswith("image too large")
    with _open(tmp_path / "c.sqlite3", key=tight.cache_key) as cache:  # --max-pixels raised
        assert hash_paths([photo], PARAMS, jobs=1, cache=cache)[photo].signature is not None


def test_a_sidecar_is_told_without_a_worker(tmp_path, monkeypatch) -> None:
    sidecar = tmp_path / "IMG_0001.xmp"
    sidecar.write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    disguised = tmp_path / "IMG_0002.dat"
    disguised.write_bytes(write_image(tmp_path / "x.jpg", load_photo("coffee.png")).read_bytes())
    _no_workers(monkeypatch)
    told = _hash([str(sidecar)], None)[str(sidecar)]
    assert (told.compared, told.reason) == (False, "unknown format (.xmp)")
    with pytest.raises(AssertionError, match="workers started"):  # a JPEG named .dat
        _hash([str(disguised)], None)
