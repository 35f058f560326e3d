"""The second round of hostile inputs: never crash, never write, never linger."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import (
    REPO,
    hashsearch_command,
    load_photo,
    long_library,
    resized,
    start_in_own_session,
    wait_for_first_entries,
    write_image,
)

sys.path.insert(0, str(REPO / "benchmarks"))
from _common import run_measured


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    lib, needles = tmp_path / "library", tmp_path / "backup"
    write_image(lib / "coffee.jpg", load_photo("coffee.png"))
    write_image(needles / "a" / "IMG_0002.JPG", resized(load_photo("coffee.png"), 0.5))
    write_image(needles / "a" / "IMG_0003.jpg", load_photo("chelsea.png"))
    return lib, needles


def test_a_decoder_exception_of_any_kind_is_that_files_reason(monkeypatch) -> None:
    import hashsearch.hash.one as one

    for exc in (MemoryError(), SyntaxError("bad box"), IndexError("list index"), EOFError()):

        def broken(path, params, exc=exc):
            raise exc

        monkeypatch.setattr(one, "signatures_of_file", broken)
        monkeypatch.setattr(one, "kind_of", lambda path: "image")
        result = one.hash_one("/x.heic", one.HashParams())
        assert result.signature is None and result.reason
        assert ("out of memory" in result.reason) == isinstance(exc, MemoryError)


def _tiff_header(width: int, height: int) -> bytes:
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 5)]
    directory = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        directory += struct.pack("<HHII", tag, kind, count, value)
    return b"II*\x00" + struct.pack("<I", 8) + directory + struct.pack("<I", 0) + bytes(600)


def test_a_tiff_bomb_is_refused_from_its_header_for_hashing_and_the_report(trees, tmp_path) -> None:
    lib, needles = trees
    (needles / "bomb").mkdir()
    (needles / "bomb" / "scan.tif").write_bytes(_tiff_header(20000, 20000))
    measured = run_measured(
        hashsearch_command(
            "--haystack",
            lib,
            "--needles",
            needles / "bomb",
            "--json",
            "--no-cache",
            "--report",
            tmp_path / "report.html",
        )
    )
    assert measured.returncode == 1 and measured.peak_rss_mb < 400
    [file] = json.loads(measured.stdout)["folders"][0]["files"]
    assert file["state"] == "unreadable" and "too large: 20000x20000" in file["reason"]


def test_a_huge_file_of_zeros_named_jpg_is_not_read_whole(trees, tmp_path) -> None:
    lib, needles = trees
    zeros = needles / "zeros" / "IMG_0001.jpg"
    zeros.parent.mkdir()
    with open(zeros, "wb") as handle:
        handle.truncate(1024**3)  # 1 GB, sparse: no disk used
    measured = run_measured(
        hashsearch_command("--haystack", lib, "--needles", zeros.parent, "--json", "--no-cache")
    )
    assert measured.returncode == 1
    assert measured.seconds < 20 and measured.peak_rss_mb < 400
    [file] = json.loads(measured.stdout)["folders"][0]["files"]
    assert file["state"] == "unreadable" and "first bytes match no image format" in file["reason"]


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "0", "1e9", "x"])
def test_time_limit_is_range_checked(cli, trees, value) -> None:
    lib, needles = trees
    run = cli("--haystack", lib, "--needles", needles, "--time-limit", value)
    assert run.code == 2 and "--time-limit" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--threshold", "65"), ("--hash-size", "1000"), ("--jobs", "0"), ("--max-pixels", "0")],
)
def test_numeric_options_are_range_checked(cli, trees, option, value) -> None:
    lib, needles = trees
    run = cli("--haystack", lib, "--needles", needles, option, value)
    assert run.code == 2 and option in run.err


def _session_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_ends_the_run_and_every_process(tmp_path, sent, status) -> None:
    lib, needles = long_library(tmp_path, 1000)  # seconds of hashing: the signal lands mid-run
    cache = tmp_path / "c.db"
    process = start_in_own_session("--haystack", lib, "--needles", needles, "--cache", cache)
    wait_for_first_entries(cache)
    time.sleep(1.0)
    os.kill(process.pid, sent)  # to hashsearch alone, as a service manager would
    _, err = process.communicate(timeout=30)  # stderr closes: nothing holds it open
    assert process.returncode == status, err
    assert err.endswith(("terminated\n", "hung up\n"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _session_alive(process.pid):
        time.sleep(0.1)
    assert not _session_alive(process.pid)  # no worker, forkserver or tracker left
    db = sqlite3.connect(cache)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_workers_end_when_hashsearch_is_killed_outright(tmp_path) -> None:
    lib, needles = long_library(tmp_path, 1000)
    process = start_in_own_session(
        "--haystack", lib, "--needles", needles, "--no-cache", "-q", output=subprocess.DEVNULL
    )
    time.sleep(2.0)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)  # no chance to clean up
    process.wait(timeout=10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _session_alive(process.pid):
        time.sleep(0.1)
    assert not _session_alive(process.pid)


def test_report_never_replaces_a_photo_or_a_file_it_did_not_write(cli, trees, tmp_path) -> None:
    lib, needles = trees
    photo = needles / "a" / "IMG_0002.JPG"
    before = photo.read_bytes()
    run = cli("--haystack", lib, "--needles", needles, "--report", photo)
    assert run.code == 2 and "inside --needles" in run.err
    assert photo.read_bytes() == before
    notes = tmp_path / "notes.html"
    notes.write_text("<html>my notes</html>")
    run = cli("--haystack", lib, "--needles", needles, "--report", notes)
    assert run.code == 2 and "is not a hashsearch report" in run.err
    assert notes.read_text() == "<html>my notes</html>"
    report = tmp_path / "report.html"
    assert cli("--haystack", lib, "--needles", needles, "--report", report, "-q").code == 1
    assert cli("--haystack", lib, "--needles", needles, "--report", report, "-q").code == 1
    assert not list(tmp_path.glob(".hashsearch-report-*"))  # no temporary file left


def test_cache_never_touches_a_file_that_is_not_a_hashsearch_cache(cli, trees, tmp_path) -> None:
    lib, needles = trees
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE hashes (id INTEGER, name TEXT)")
    db.execute("INSERT INTO hashes VALUES (1, 'kept')")
    db.commit()
    db.close()
    notes = tmp_path / "notes.txt"
    notes.write_text("do not rename me\n")
    for path in (other, notes):
        before = path.read_bytes()
        run = cli("--haystack", lib, "--needles", needles, "--cache", path)
        assert run.code == 1 and "not a hashsearch cache" in run.err
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "notes.txt",
        "other.sqlite",
    ]


def test_query_never_finds_the_query_file_itself(cli, trees) -> None:
    lib, _ = trees
    inside = write_image(lib / "Import" / "new.jpg", load_photo("horse.png"))
    run = cli("--haystack", lib, "--query", inside)
    assert (run.code, run.out) == (1, "")


def test_names_that_differ_never_print_alike(cli, trees) -> None:
    lib, needles = trees
    names = [b"x\xc2\x85", b"x\x85", b"line\xe2\x80\xa8sep", b"\xe2\x80\xaegpj.exe"]
    for name in names:
        folder = os.path.join(os.fsencode(needles), name)
        os.makedirs(folder)
        write_image(Path(os.fsdecode(folder)) / "new.jpg", load_photo("horse.png"))
    lines = cli("--haystack", lib, "--needles", needles).lines
    assert sorted(lines) == sorted(["a", "x\\u0085", "x\\x85", "line\\u2028sep", "\\u202egpj.exe"])


def test_list_images_names_a_folder_that_could_not_be_listed(trees, tmp_path) -> None:
    from conftest import run_obeying_file_modes

    lib, needles = trees
    locked = needles / "locked"
    write_image(locked / "x.jpg", load_photo("horse.png"))
    locked.chmod(0)
    try:
        done = run_obeying_file_modes("--haystack", lib, "--needles", needles, "--list-images")
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1
    assert "locked/" in done.stdout.splitlines()


def test_a_large_tiff_under_a_memory_limit_is_that_files_problem(tmp_path) -> None:
    from PIL import Image

    lib, needles = tmp_path / "lib", tmp_path / "needles"
    write_image(lib / "coffee.jpg", load_photo("coffee.png"))
    needles.mkdir()
    Image.new("L", (9000, 9000), 0).save(needles / "big.tif", compression="tiff_lzw")
    command = " ".join(
        f"'{part}'"
        for part in hashsearch_command(
            "--haystack",
            lib,
            "--needles",
            needles,
            "--json",
            "--no-cache",
            "--max-pixels",
            "200000000",
        )
    )
    reasons = []
    for limit_kb in (600_000, 700_000, 800_000, 900_000):  # startup alone needs ~500 MB
        done = subprocess.run(
            ["bash", "-c", f"ulimit -v {limit_kb}; exec {command}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if not done.stdout.startswith("{"):
            continue  # Python itself could not start under this limit: not hashsearch's run
        assert done.returncode in (0, 1), done.stderr
        assert "internal error" not in done.stderr
        [file] = json.loads(done.stdout)["folders"][0]["files"]
        reasons.append(file["reason"] or file["state"])
    assert any("memory" in reason.lower() for reason in reasons), reasons


def test_roots_in_warnings_are_escaped(cli, tmp_path) -> None:
    lib = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"lib\nrary\xff")))
    write_image(lib / "coffee.jpg", load_photo("coffee.png"))
    write_image(lib / "import" / "new.jpg", load_photo("horse.png"))
    run = cli("--haystack", lib, "--needles", lib / "import")
    warning = next(line for line in run.err.splitlines() if "lies inside" in line)
    assert "lib\\nrary\\xff" in warning
